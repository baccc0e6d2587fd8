#ifndef KEYOPS_RESPONSE_DETAIL_SERVER_ERROR_HPP
#define KEYOPS_RESPONSE_DETAIL_SERVER_ERROR_HPP

// The client's side of response/read.hpp: the same reading of an error response, from the
// Beast message a transport filled.

#include <keyops/diagnostics.hpp>
#include <keyops/endpoint/descriptor.hpp>
#include <keyops/error.hpp>
#include <keyops/http.hpp>
#include <keyops/model/cckm.hpp>
#include <keyops/model/network_insight.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/response/read.hpp>
#include <keyops/response/retry_after.hpp>

#include <boost/beast/http/field.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace keyops::detail {

inline error_code status_error(unsigned status) {
    return error_for_status(status);
}

/// After error::proxy_refused, says in `diag` what the proxy answered (the transport leaves the
/// proxy's status line and headers in the response; see exchange.hpp).
inline void note_proxy_refusal(diagnostics& diag, const http_response& res) {
    diag.detail = "the proxy answered " + status_text(res.result_int()) + " to CONNECT";
}

/// Fills the server part of `diag` from an error response.
inline void fill_server_error(diagnostics& diag, api_service service, const http_response& res) {
    keyops::fill_server_error(diag, service, res.result_int(), res.body());
}

/// The Retry-After of a response as a delay, if it has a valid one.
inline std::optional<std::chrono::milliseconds>
retry_after_of(const http_response& res,
               std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) {
    auto it = res.find(boost::beast::http::field::retry_after);
    if (it == res.end())
        return std::nullopt;
    return parse_retry_after(std::string_view(it->value().data(), it->value().size()), now);
}

} // namespace keyops::detail

#endif
