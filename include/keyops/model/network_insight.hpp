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
    rotation_status_word status;
    string_list failed_collector_ids; ///< `failedCollectorIds`

    bool done() const noexcept { return is_terminal(status.state); }
};

/// `ProxyKeyDetails`.
struct key_details {
    std::optional<std::int32_t> customer_id;     ///< `customerId`
    std::string_view lifetime;                   ///< days, as text
    std::string_view remaining_validity;         ///< `remainingValidity`: days, as text
    std::optional<std::int64_t> last_updated_at; ///< `lastUpdatedAt`: epoch milliseconds
    std::string_view last_updated_by;            ///< `lastUpdatedBy`
};

struct error_detail {
    std::optional<std::int32_t> code;
    std::string_view message;
    string_list target;
};

/// The body of a Network Insight error response. Older servers send none for 401, 403, 500.
struct error_body {
    std::optional<std::int32_t> code;
    std::string_view message;
    std::vector<error_detail> details;
};

} // namespace keyops::ni

template <>
struct keyops::json_schema<keyops::ni::rotation_status> {
    using T = ni::rotation_status;
    static constexpr field_entry fields[] = {
        field<&T::customer_id>("customerId"),
        field<&T::status>("status"),
        field<&T::failed_collector_ids>("failedCollectorIds"),
    };
};

template <>
struct keyops::json_schema<keyops::ni::key_details> {
    using T = ni::key_details;
    static constexpr field_entry fields[] = {
        field<&T::customer_id>("customerId"),
        field<&T::lifetime>("lifetime"),
        field<&T::remaining_validity>("remainingValidity"),
        field<&T::last_updated_at>("lastUpdatedAt"),
        field<&T::last_updated_by>("lastUpdatedBy"),
    };
};

template <>
struct keyops::json_schema<keyops::ni::error_detail> {
    using T = ni::error_detail;
    static constexpr field_entry fields[] = {
        field<&T::code>("code"),
        field<&T::message>("message"),
        field<&T::target>("target"),
    };
};

template <>
struct keyops::json_schema<keyops::ni::error_body> {
    using T = ni::error_body;
    static constexpr field_entry fields[] = {
        field<&T::code>("code"),
        field<&T::message>("message"),
        field<&T::details>("details"),
    };
};

#endif
