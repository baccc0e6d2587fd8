// The tool's Network Insight client, shared by proxy-key, check and metrics.
#ifndef KEYOPS_CLI_NI_CLIENT_HPP
#define KEYOPS_CLI_NI_CLIENT_HPP

#include "args.hpp"

#include <keyops/auth/either_auth.hpp>
#include <keyops/auth/policies.hpp>
#include <keyops/client/client.hpp>
#include <keyops/transport/beast_transport.hpp>

#include <boost/asio/io_context.hpp>

namespace keyops_cli {

/// A user's login (password or vIDM), or a CSP API token (SaaS), or a token given as it is.
using ni_auth = keyops::either_auth<
    keyops::network_insight_auth,
    keyops::either_auth<keyops::network_insight_csp_auth, keyops::static_token>>;
using ni_client = keyops::client<keyops::beast_transport, ni_auth>;

/// The client of the Network Insight options of `g` (--ni-url, else --url); usage_error when
/// it has no credentials.
ni_client make_ni(boost::asio::io_context& io, const global_options& g);

/// Releases the client's token (each user may hold at most 100) and returns `code`.
int finish_ni(ni_client& c, int code);

} // namespace keyops_cli

#endif
