#ifndef KEYOPS_ERROR_HPP
#define KEYOPS_ERROR_HPP

// Error codes of keyops, in one enum so that every layer reports through std::error_code-style
// boost::system::error_code and users compare against keyops::error::... whatever layer failed.

#include <boost/system/error_code.hpp>

#include <string>
#include <type_traits>

namespace keyops {

/// The error code of every layer: keyops::error values, or system, Asio and TLS codes.
using error_code = boost::system::error_code;

/// keyops' own errors, in the category named "keyops"; docs/reference/errors.md says when each
/// happens and what to do. Compare with them: `ec == keyops::error::not_found`.
enum class error {
    // Parsing a response body.
    malformed_json = 1,  ///< Not JSON: a syntax error, trailing bytes, a bad number.
    incomplete_json,     ///< The body ends before the JSON does (truncated response).
    invalid_utf8,        ///< A string holds bytes that are not UTF-8.
    wrong_type,          ///< A field holds another JSON type than the schema allows.
    number_out_of_range, ///< A number does not fit the field's integer type.
    invalid_timestamp,   ///< A timestamp field is not RFC 3339.
    body_too_large,      ///< The body is larger than the configured limit.
    too_deep,            ///< Objects and arrays nest deeper than the configured limit.
    empty_body,          ///< The body is empty where a JSON document is required.

    // Building a request.
    invalid_argument, ///< An argument cannot be encoded (empty path parameter, bad value).

    // Talking to the server.
    timeout,                ///< A connect, request or whole-call time limit passed.
    deadline_exceeded,      ///< The call's deadline passed before it could finish (or retry).
    proxy_refused,          ///< The HTTP proxy did not open a tunnel (CONNECT answered non-2xx).
    bad_content_encoding,   ///< A gzip or deflate body does not decode, or an unknown encoding.
    http_status,            ///< The server answered with an error status not named below.
    unauthorized,           ///< 401: credentials or token refused.
    forbidden,              ///< 403.
    not_found,              ///< 404.
    conflict,               ///< 409: e.g. a rotation is already running.
    rate_limited,           ///< 429.
    server_error,           ///< 5xx.
    token_limit_reached,    ///< Network Insight refused a new token: the user has 100 live tokens.
    retry_budget_exhausted, ///< The client's shared retry budget is empty.
};

namespace detail {

class error_category_impl final : public boost::system::error_category {
public:
    // A fixed identifier keeps the category unique even if the header is compiled into
    // several shared objects.
    constexpr error_category_impl() noexcept : error_category(0x6b65796f70730001ULL) {}

    const char* name() const noexcept override { return "keyops"; }

    std::string message(int ev) const override { return message(ev, nullptr, 0); }

    const char* message(int ev, char*, std::size_t) const noexcept override {
        switch (static_cast<error>(ev)) {
        case error::malformed_json:
            return "malformed JSON";
        case error::incomplete_json:
            return "JSON ends early (truncated body)";
        case error::invalid_utf8:
            return "invalid UTF-8 in a JSON string";
        case error::wrong_type:
            return "JSON value has the wrong type";
        case error::number_out_of_range:
            return "number out of range";
        case error::invalid_timestamp:
            return "timestamp is not RFC 3339";
        case error::body_too_large:
            return "body exceeds the size limit";
        case error::too_deep:
            return "JSON nesting exceeds the depth limit";
        case error::empty_body:
            return "empty body where JSON was expected";
        case error::invalid_argument:
            return "invalid request argument";
        case error::timeout:
            return "timed out";
        case error::deadline_exceeded:
            return "the call's deadline passed";
        case error::proxy_refused:
            return "the HTTP proxy refused the tunnel";
        case error::bad_content_encoding:
            return "the response body's encoding is invalid";
        case error::http_status:
            return "the server answered with an error status";
        case error::unauthorized:
            return "unauthorized (401)";
        case error::forbidden:
            return "forbidden (403)";
        case error::not_found:
            return "not found (404)";
        case error::conflict:
            return "conflict (409)";
        case error::rate_limited:
            return "rate limited (429)";
        case error::server_error:
            return "server error (5xx)";
        case error::token_limit_reached:
            return "the user's token limit is reached";
        case error::retry_budget_exhausted:
            return "the client's retry budget is exhausted";
        }
        return "unknown keyops error";
    }
};

} // namespace detail

/// The category of keyops::error. Thread-safe; the object lives for the whole program.
inline const boost::system::error_category& error_category() noexcept {
    static const detail::error_category_impl instance;
    return instance;
}

/// Makes `e` an error_code of keyops' category (so that `error_code ec = error::timeout;` works).
inline error_code make_error_code(error e) noexcept {
    return error_code(static_cast<int>(e), error_category());
}

} // namespace keyops

namespace boost::system {
template <>
struct is_error_code_enum<keyops::error> : std::true_type {};
} // namespace boost::system

#endif
