#ifndef KEYOPS_RESPONSE_READ_HPP
#define KEYOPS_RESPONSE_READ_HPP

// Reading a response that any HTTP stack received: its status decides between the endpoint's
// typed response and an error with the server's own words in the diagnostics. The client does
// exactly this after each exchange; an agent with an HTTP stack of its own calls read_response()
// after sending what build_request() made (see examples/10_curl_agent.cpp). No I/O, no Beast type.
//
//     keyops::received_response got{status, std::move(body), retry_after_header};
//     auto job = keyops::read_response<keyops::cckm::get_job<keyops::cckm::aws>>(
//         std::move(got), ec, diag);
//     if (ec) ...  // error::not_found, error::unauthorized, ..., or a parse error

#include <keyops/diagnostics.hpp>
#include <keyops/endpoint/descriptor.hpp>
#include <keyops/error.hpp>
#include <keyops/model/cckm.hpp>
#include <keyops/model/csp.hpp>
#include <keyops/model/network_insight.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/response/retry_after.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace keyops {

/// The value a call produces: the parsed response (empty_response for bodiless answers).
template <class E>
using call_result = parsed<typename E::response>;

/// The result of an endpoint whose answer has no body to read (a DELETE, for one): no storage,
/// nothing parsed, and copyable.
template <>
class parsed<empty_response> {
public:
    /// The empty value, for code written for any parsed<T>.
    const empty_response& value() const noexcept { return value_; }
    /// Always empty: nothing is parsed.
    field_problems problems() const noexcept { return {}; }

private:
    empty_response value_;
};

/// The error code of an HTTP status that is not a success: unauthorized (401), forbidden (403),
/// not_found (404), conflict (409), rate_limited (429), server_error (5xx), else http_status.
/// Success (2xx) gives no error.
inline error_code error_for_status(unsigned status) noexcept {
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
    if (status / 100 == 2)
        return {};
    if (status >= 500 && status < 600)
        return make_error_code(error::server_error);
    return make_error_code(error::http_status);
}

/// The status with its reason phrase (RFC 9110), e.g. "503 Service Unavailable"; the number
/// alone for statuses without a standard phrase.
inline std::string status_text(unsigned status) {
    struct phrase {
        unsigned status;
        const char* text;
    };
    static constexpr phrase phrases[] = {
        {200, "OK"},
        {201, "Created"},
        {202, "Accepted"},
        {204, "No Content"},
        {301, "Moved Permanently"},
        {302, "Found"},
        {303, "See Other"},
        {304, "Not Modified"},
        {307, "Temporary Redirect"},
        {308, "Permanent Redirect"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {406, "Not Acceptable"},
        {407, "Proxy Authentication Required"},
        {408, "Request Timeout"},
        {409, "Conflict"},
        {410, "Gone"},
        {411, "Length Required"},
        {412, "Precondition Failed"},
        {413, "Content Too Large"},
        {414, "URI Too Long"},
        {415, "Unsupported Media Type"},
        {422, "Unprocessable Content"},
        {429, "Too Many Requests"},
        {431, "Request Header Fields Too Large"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
    };
    std::string out = std::to_string(status);
    for (const phrase& p : phrases) {
        if (p.status == status) {
            out += ' ';
            out += p.text;
            break;
        }
    }
    return out;
}

/// True when an error text passes on a cloud's throttling: OCI's `TooManyRequests`, which CCKM
/// relays in its error body's `message` under whatever HTTP status it chose. Other errors of the
/// same cloud (quota and limit errors) have other texts and are not throttling.
constexpr bool says_throttled(std::string_view text) noexcept {
    return text.find("TooManyRequests") != std::string_view::npos;
}

/// Fills the server part of `diag` (http_status, server_code, server_code_desc,
/// server_message, request_id, server_details, throttled) from an error response's status and body,
/// which may be CCKM's error shape, Network Insight's, empty, or not JSON at all (a proxy's page):
/// what cannot be read is left empty. Bodies over 64 KiB are not read.
inline void fill_server_error(diagnostics& diag, api_service service, unsigned status,
                              std::string_view body) {
    diag.http_status = status;
    diag.server_code.reset();
    diag.server_code_desc.clear();
    diag.server_message.clear();
    diag.request_id.clear();
    diag.server_details.clear();
    diag.throttled = false;
    if (body.empty() || body.size() > 64 * 1024)
        return;
    // Read in the error's message, where the cloud's text is relayed (a code name such as
    // NCERRTooManyRequests is CCKM's own word, not the cloud's); in the whole body when it is
    // not an error body keyops knows.
    diag.throttled = says_throttled(body);
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
        diag.throttled = says_throttled(diag.server_message);
    } else if (service == api_service::vmware_csp) {
        auto e = parse_borrowed<csp::error_body>(body, ec, ignored);
        if (ec)
            return;
        diag.server_code = e->status_code;
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

/// What an HTTP stack received, in the terms read_response() needs. The body is the decoded
/// entity (after any Content-Encoding was undone).
struct received_response {
    unsigned status = 0; ///< the HTTP status, e.g. 200
    std::string body;    ///< the decoded body; empty when there was none
    /// The Retry-After header's value, if the response had one.
    std::string_view retry_after;
};

/// Reads the response to a request for endpoint E: a 2xx status gives the typed response (the
/// body parsed; for empty_response endpoints the body is not read), any other status gives its
/// error (error_for_status()) with the server's words, the status, and any Retry-After in
/// `diag`, and an empty result. A body that does not parse gives the parse error. Never throws
/// but std::bad_alloc. No retry, no renewal: those are the caller's (see retry/policies.hpp and
/// auth/token_state.hpp for the client's own rules, usable the same way).
template <class E>
call_result<E>
read_response(received_response res, error_code& ec, diagnostics& diag,
              const parse_options& opt = {},
              std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) {
    ec.clear();
    diag.clear();
    diag.http_status = res.status;
    if (res.status / 100 == 2) {
        if constexpr (std::is_same_v<typename E::response, empty_response>) {
            return {};
        } else {
            auto out = parse<typename E::response>(std::move(res.body), ec, diag, opt);
            diag.http_status = res.status;
            return out;
        }
    }
    fill_server_error(diag, E::service, res.status, res.body);
    ec = error_for_status(res.status);
    diag.last_attempt = status_text(res.status);
    if (!res.retry_after.empty()) {
        if (const auto d = parse_retry_after(res.retry_after, now))
            diag.last_attempt += "; Retry-After " + std::to_string(d->count() / 1000) + " s";
    }
    return {};
}

} // namespace keyops

#endif
