#ifndef KEYOPS_RESPONSE_SERVER_ERROR_HPP
#define KEYOPS_RESPONSE_SERVER_ERROR_HPP

// Turning an HTTP error response into an error code and diagnostics. The body may be CCKM's
// error shape, Network Insight's, empty, or not JSON at all (a proxy's HTML page): the status is
// reported whatever the body holds.

#include <keyops/diagnostics.hpp>
#include <keyops/endpoint/descriptor.hpp>
#include <keyops/error.hpp>
#include <keyops/http.hpp>
#include <keyops/model/cckm.hpp>
#include <keyops/model/network_insight.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/response/retry_after.hpp>

#include <boost/beast/http/status.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace keyops::detail {

inline error_code status_error(unsigned status) {
    switch (status) {
    case 401:
        return make_error_code(error::unauthorized);
    case 403:
        return make_error_code(error::forbidden);
    case 404:
        return make_error_code(error::not_found);
    case 409:
        return make_error_code(error::conflict);
    case 429:
        return make_error_code(error::rate_limited);
    default:
        break;
    }
    if (status >= 500 && status < 600)
        return make_error_code(error::server_error);
    return make_error_code(error::http_status);
}

inline std::string status_text(unsigned status) {
    std::string out = std::to_string(status);
    auto reason =
        boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
    if (!reason.empty() && reason != "<unknown-status>") {
        out += ' ';
        out.append(reason.data(), reason.size());
    }
    return out;
}

/// After error::proxy_refused, says in `diag` what the proxy answered (the transport leaves the
/// proxy's status line and headers in the response; see exchange.hpp).
inline void note_proxy_refusal(diagnostics& diag, const http_response& res) {
    diag.detail = "the proxy answered " + status_text(res.result_int()) + " to CONNECT";
}

/// Fills the server part of `diag` from an error response.
inline void fill_server_error(diagnostics& diag, api_service service, const http_response& res) {
    diag.http_status = res.result_int();
    diag.server_code.reset();
    diag.server_code_desc.clear();
    diag.server_message.clear();
    diag.request_id.clear();
    diag.server_details.clear();
    const std::string& body = res.body();
    if (body.empty() || body.size() > 64 * 1024)
        return;
    error_code ec;
    diagnostics ignored;
    if (service == api_service::ciphertrust) {
        auto e = parse_borrowed<cckm::error_body>(body, ec, ignored);
        if (ec)
            return;
        diag.server_code = e->code;
        diag.server_code_desc = std::string(e->code_desc);
        diag.server_message = std::string(e->message);
        diag.request_id = std::string(e->request_id);
    } else {
        auto e = parse_borrowed<ni::error_body>(body, ec, ignored);
        if (ec)
            return;
        diag.server_code = e->code;
        diag.server_message = std::string(e->message);
        for (const auto& d : e->details) {
            server_error_detail out;
            out.code = d.code;
            out.message = std::string(d.message);
            for (auto t : d.target)
                out.target.emplace_back(t);
            diag.server_details.push_back(std::move(out));
        }
    }
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
