#ifndef KEYOPS_MODEL_NETWORK_INSIGHT_HPP
#define KEYOPS_MODEL_NETWORK_INSIGHT_HPP

// Network Insight proxy key response types: rotation status, key details, error body.

#include <keyops/model/status.hpp>
#include <keyops/parse/json_view.hpp>
#include <keyops/parse/schema.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace keyops::ni {

/// `ProxyKeyRotationStatus`: answer of rotate and of rotation status.
struct rotation_status {
    std::optional<std::int32_t> customer_id; ///< `customerId`
    /// `status`: `SUBMITTED`, `IN_PROGRESS`, `SUCCESS` or `FAILED`, the word as sent.
    rotation_status_word status;
    string_list failed_collector_ids; ///< `failedCollectorIds`

    /// Done: SUCCESS or FAILED. Unknown words are not terminal.
    bool done() const noexcept { return is_terminal(status.state); }
};

/// `ProxyKeyDetails`: the proxy key's lifetime, its remaining validity and its last update.
struct key_details {
    std::optional<std::int32_t> customer_id;     ///< `customerId`
    std::string_view lifetime;                   ///< days, as text
    std::string_view remaining_validity;         ///< `remainingValidity`: days, as text
    std::optional<std::int64_t> last_updated_at; ///< `lastUpdatedAt`: epoch milliseconds
    std::string_view last_updated_by;            ///< `lastUpdatedBy`
};

/// One entry of an error response's `details`: a further error, and what it is about.
struct error_detail {
    std::optional<std::int32_t> code; ///< the error's code
    std::string_view message;         ///< the error text
    string_list target;               ///< what the error is about, as the server names it
};

/// The body of a Network Insight error response. Older servers send none for 401, 403, 500.
struct error_body {
    std::optional<std::int32_t> code;  ///< the error's code, e.g. 400
    std::string_view message;          ///< the error text
    std::vector<error_detail> details; ///< further errors, each about a target; may be empty
};

} // namespace keyops::ni

/// How ni::rotation_status is read from JSON: its members and the server's names for them.
template <>
struct keyops::json_schema<keyops::ni::rotation_status> {
    using T = ni::rotation_status; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::customer_id>("customerId"),
        field<&T::status>("status"),
        field<&T::failed_collector_ids>("failedCollectorIds"),
    };
};

/// How ni::key_details is read from JSON: its members and the server's names for them.
template <>
struct keyops::json_schema<keyops::ni::key_details> {
    using T = ni::key_details; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::customer_id>("customerId"),
        field<&T::lifetime>("lifetime"),
        field<&T::remaining_validity>("remainingValidity"),
        field<&T::last_updated_at>("lastUpdatedAt"),
        field<&T::last_updated_by>("lastUpdatedBy"),
    };
};

/// How ni::error_detail is read from JSON: its members and the server's names for them.
template <>
struct keyops::json_schema<keyops::ni::error_detail> {
    using T = ni::error_detail; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::code>("code"),
        field<&T::message>("message"),
        field<&T::target>("target"),
    };
};

/// How ni::error_body is read from JSON: its members and the server's names for them.
template <>
struct keyops::json_schema<keyops::ni::error_body> {
    using T = ni::error_body; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::code>("code"),
        field<&T::message>("message"),
        field<&T::details>("details"),
    };
};

#endif
