#ifndef KEYOPS_KEYOPS_HPP
#define KEYOPS_KEYOPS_HPP

// The umbrella header: everything keyops offers, the client, transports and waits included.

#include <keyops/auth/either_auth.hpp>
#include <keyops/auth/policies.hpp>
#include <keyops/auth/token_state.hpp>
#include <keyops/client/call_fsm.hpp>
#include <keyops/client/client.hpp>
#include <keyops/client/pages.hpp>
#include <keyops/client/release.hpp>
#include <keyops/core.hpp>
#include <keyops/diagnostics.hpp>
#include <keyops/endpoint/cckm.hpp>
#include <keyops/endpoint/ciphertrust_auth.hpp>
#include <keyops/endpoint/descriptor.hpp>
#include <keyops/endpoint/network_insight.hpp>
#include <keyops/endpoint/query_writer.hpp>
#include <keyops/endpoint/scheduler.hpp>
#include <keyops/error.hpp>
#include <keyops/http.hpp>
#include <keyops/model/auth.hpp>
#include <keyops/model/cckm.hpp>
#include <keyops/model/network_insight.hpp>
#include <keyops/model/scheduler.hpp>
#include <keyops/model/status.hpp>
#include <keyops/observer.hpp>
#include <keyops/parse/json_view.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/parse/schema.hpp>
#include <keyops/parse/timestamp.hpp>
#include <keyops/request/build.hpp>
#include <keyops/response/read.hpp>
#include <keyops/response/retry_after.hpp>
#include <keyops/response/server_error.hpp>
#include <keyops/retry/policies.hpp>
#include <keyops/transport/beast_transport.hpp>
#include <keyops/transport/exchange.hpp>
#include <keyops/transport/exchange_fsm.hpp>
#include <keyops/transport/fake_transport.hpp>
#include <keyops/transport/options.hpp>
#include <keyops/transport/pool.hpp>
#include <keyops/transport/tls.hpp>
#include <keyops/version.hpp>
#include <keyops/wait/jobs_wait_fsm.hpp>
#include <keyops/wait/rotation_wait_fsm.hpp>
#include <keyops/wait/run_wait.hpp>
#include <keyops/wait/run_wait_fsm.hpp>
#include <keyops/wait/types.hpp>
#include <keyops/wait/wait.hpp>

#endif
