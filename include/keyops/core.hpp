#ifndef KEYOPS_CORE_HPP
#define KEYOPS_CORE_HPP

// The I/O-free core, for programs that bring their own HTTP: the endpoint descriptors, the
// request builder, the parsers and models, the server-error and Retry-After readers, the auth
// policies and token state machines, the retry policies, the wait and watch state machines with the
// list requests they ask for (wait/list_query.hpp), and the rule by which every machine takes a
// cancellation (cancellation.hpp). Nothing
// here opens a socket, starts a timer or needs an executor.
//
// It includes no OpenSSL header and no Asio I/O: from Beast only its HTTP message types (the
// request the builder makes, header fields, verbs and statuses), which bring Asio's buffer
// types, and from Asio only <boost/asio/error.hpp>, the error codes the retry policies and the
// waits tell apart, and <boost/asio/cancellation_type.hpp>, the cancellation types the machines
// take (tests/standalone/check_umbrella.sh checks it). A program of the core alone
// links Boost.JSON and Boost.URL, not OpenSSL or zlib.
//
// Without exceptions (-fno-exceptions; tests/noexcept/core_noexcept.cpp): the descriptors, the
// parsers and models, Retry-After, the retry policies and the token and wait state machines
// compile and work through their overloads that take an `error_code&`. The headers that hold
// Beast's HTTP message (http.hpp, so the request builder, the auth policies and server_error)
// do not compile without exceptions with Boost 1.81, whose
// boost/beast/core/impl/buffers_cat.hpp throws unconditionally.
//
// The transports, the client and the driven waits are in <keyops/keyops.hpp>, which includes
// this header too.

#include <keyops/auth/ciphertrust.hpp>
#include <keyops/auth/concept.hpp>
#include <keyops/auth/either_auth.hpp>
#include <keyops/auth/network_insight.hpp>
#include <keyops/auth/policies.hpp>
#include <keyops/auth/static_token.hpp>
#include <keyops/auth/token_state.hpp>
#include <keyops/cancellation.hpp>
#include <keyops/diagnostics.hpp>
#include <keyops/endpoint/cckm.hpp>
#include <keyops/endpoint/cckm_any.hpp>
#include <keyops/endpoint/cckm_kinds.hpp>
#include <keyops/endpoint/ciphertrust_auth.hpp>
#include <keyops/endpoint/descriptor.hpp>
#include <keyops/endpoint/job_kind.hpp>
#include <keyops/endpoint/network_insight.hpp>
#include <keyops/endpoint/query_writer.hpp>
#include <keyops/endpoint/scheduler.hpp>
#include <keyops/endpoint/vmware_csp.hpp>
#include <keyops/error.hpp>
#include <keyops/http.hpp>
#include <keyops/model/auth.hpp>
#include <keyops/model/cckm.hpp>
#include <keyops/model/csp.hpp>
#include <keyops/model/network_insight.hpp>
#include <keyops/model/ni_domain.hpp>
#include <keyops/model/scheduler.hpp>
#include <keyops/model/status.hpp>
#include <keyops/observer.hpp>
#include <keyops/parse/json_view.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/parse/schema.hpp>
#include <keyops/parse/timestamp.hpp>
#include <keyops/request/build.hpp>
#include <keyops/response/detail/server_error.hpp>
#include <keyops/response/read.hpp>
#include <keyops/response/retry_after.hpp>
#include <keyops/retry/policies.hpp>
#include <keyops/version.hpp>
#include <keyops/wait/jobs_wait_fsm.hpp>
#include <keyops/wait/list_query.hpp>
#include <keyops/wait/rotation_wait_fsm.hpp>
#include <keyops/wait/rotation_watch_fsm.hpp>
#include <keyops/wait/run_wait_fsm.hpp>
#include <keyops/wait/types.hpp>
#include <keyops/wait/watch_cursor.hpp>
#include <keyops/wait/watch_fsm.hpp>

#endif
