#ifndef KEYOPS_DIAGNOSTICS_HPP
#define KEYOPS_DIAGNOSTICS_HPP

// What went wrong, beyond the error code: where in a JSON body a parse failed. Modelled on
// Boost.MySQL's diagnostics: passed by reference next to an error_code, cleared on success, and
// carried by keyops::exception in the throwing overloads. Never holds a secret: values from the
// body are never copied into it, only paths, offsets and type names.

#include <keyops/error.hpp>

#include <boost/system/system_error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyops {

/// One entry of a Network Insight error body's `details`.
struct server_error_detail {
    std::optional<std::int32_t> code; ///< the detail's `code`; unset when the body has none
    std::string message;              ///< the detail's `message`
    std::vector<std::string> target;  ///< the detail's `target`: the fields it is about
};

/// What went wrong, beyond the error code: where a response body failed to parse, what the server
/// said, how the call went. Passed by reference next to an error_code, cleared on success, and
/// carried by keyops::exception. Never holds a secret: values from a body are never copied into
/// it, only paths, offsets and type names, and the client redacts its auth policy's secrets.
class diagnostics {
public:
    // --- where a response body failed to parse ---------------------------------------------

    /// JSON Pointer (RFC 6901) of the value where parsing stopped, e.g. `/resources/3/abort`;
    /// empty for the whole document.
    std::string json_path;
    /// Byte offset in the body where parsing stopped.
    std::size_t json_offset = 0;
    /// A human-readable detail, e.g. "expected a string, found a number".
    std::string detail;

    // --- what the server said ---------------------------------------------------------------

    /// The HTTP status of the last response, 0 when none arrived.
    unsigned http_status = 0;
    /// The error body's `code` (CCKM and Network Insight).
    std::optional<std::int32_t> server_code;
    /// CCKM `codeDesc`, e.g. "NCERRResourceNotFound: Resource not found".
    std::string server_code_desc;
    /// The error body's `message`.
    std::string server_message;
    /// CCKM `requestID`.
    std::string request_id;
    /// Network Insight `details`, with their targets.
    std::vector<server_error_detail> server_details;
    /// True when the error answer passes on a cloud's throttling (its text holds
    /// `TooManyRequests`, as OCI's does when CCKM relays it), whatever its HTTP status: the
    /// server did nothing, so the request may be sent again after a pause. Retry policies retry
    /// it like a 429 for any method (retry/policies.hpp), and waits ride it out.
    bool throttled = false;
    /// `host:port` of the node that answered last (or was tried last), when the transport
    /// knows several nodes of a cluster; empty otherwise.
    std::string node;

    // --- how the call went ------------------------------------------------------------------

    /// Attempts made (requests sent or tried), token requests not counted.
    unsigned attempts = 0;
    /// Why the last attempt ended, and why no further one was made, e.g.
    /// "503 Service Unavailable; Retry-After 2 s exceeds the deadline".
    std::string last_attempt;

    /// Resets every member to its default (empty, 0, unset).
    void clear() { *this = diagnostics(); }

    /// Replaces every occurrence of `secret` in every text (the server's included: a server or
    /// proxy may echo a request's Authorization header or login body) with `<redacted>`. The
    /// client does this for every secret its auth policy holds before a call's diagnostics
    /// reach the caller. Secrets shorter than 4 characters are left alone (they would redact
    /// ordinary words).
    void redact(std::string_view secret) {
        if (secret.size() < 4)
            return;
        auto scrub = [secret](std::string& text) {
            for (std::size_t at = text.find(secret); at != std::string::npos;
                 at = text.find(secret, at + redacted.size()))
                text.replace(at, secret.size(), redacted);
        };
        scrub(detail);
        scrub(server_code_desc);
        scrub(server_message);
        scrub(request_id);
        scrub(last_attempt);
        scrub(json_path);
        for (auto& d : server_details) {
            scrub(d.message);
            for (auto& t : d.target)
                scrub(t);
        }
    }

    /// What redact() puts in place of a secret.
    static constexpr std::string_view redacted = "<redacted>";

    /// One line for logs and exception texts, e.g.
    /// `JSON value has the wrong type at /resources/3/abort (byte 412): expected a boolean, ...`.
    std::string describe(const error_code& ec) const {
        std::string out = ec.message();
        if (ec.category() == error_category() &&
            ec.value() < static_cast<int>(error::invalid_argument)) {
            out += " at ";
            out += json_path.empty() ? std::string("/") : json_path;
            out += " (byte ";
            out += std::to_string(json_offset);
            out += ')';
        }
        if (!detail.empty()) {
            out += ": ";
            out += detail;
        }
        if (http_status != 0) {
            out += " [HTTP ";
            out += std::to_string(http_status);
            out += ']';
        }
        if (!node.empty()) {
            out += " [node ";
            out += node;
            out += ']';
        }
        if (server_code) {
            out += " code ";
            out += std::to_string(*server_code);
        }
        if (!server_code_desc.empty()) {
            out += ": ";
            out += server_code_desc;
        }
        if (!server_message.empty()) {
            out += server_code_desc.empty() ? ": " : " - ";
            out += server_message;
        }
        for (const auto& d : server_details) {
            out += "; ";
            out += d.message;
            for (const auto& t : d.target) {
                out += " [";
                out += t;
                out += ']';
            }
        }
        if (!request_id.empty()) {
            out += " (request ";
            out += request_id;
            out += ')';
        }
        if (attempts > 1) {
            out += " after ";
            out += std::to_string(attempts);
            out += " attempts";
        }
        if (!last_attempt.empty()) {
            out += " (";
            out += last_attempt;
            out += ')';
        }
        return out;
    }
};

/// Thrown by the overloads without an error_code; `what()` includes the diagnostics.
class exception : public boost::system::system_error {
public:
    /// Takes the diagnostics and builds the what() text from them (diagnostics::describe).
    exception(const error_code& ec, diagnostics diag)
        : boost::system::system_error(ec), diag_(std::move(diag)), what_(diag_.describe(ec)) {}

    /// The error's message and the diagnostics, on one line (diagnostics::describe).
    const char* what() const noexcept override { return what_.c_str(); }
    /// The diagnostics of the failed call, as the error_code overload would have filled them.
    const diagnostics& get_diagnostics() const noexcept { return diag_; }

private:
    diagnostics diag_;
    std::string what_;
};

} // namespace keyops

#endif
