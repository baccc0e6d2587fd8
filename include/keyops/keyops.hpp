#ifndef KEYOPS_KEYOPS_HPP
#define KEYOPS_KEYOPS_HPP

// The umbrella header: everything keyops offers.

#include <keyops/diagnostics.hpp>
#include <keyops/endpoint/cckm.hpp>
#include <keyops/endpoint/ciphertrust_auth.hpp>
#include <keyops/endpoint/descriptor.hpp>
#include <keyops/endpoint/network_insight.hpp>
#include <keyops/error.hpp>
#include <keyops/model/auth.hpp>
#include <keyops/model/cckm.hpp>
#include <keyops/model/network_insight.hpp>
#include <keyops/model/status.hpp>
#include <keyops/parse/json_view.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/parse/schema.hpp>
#include <keyops/parse/timestamp.hpp>
#include <keyops/request/build.hpp>
#include <keyops/request/query_writer.hpp>
#include <keyops/version.hpp>

#endif
