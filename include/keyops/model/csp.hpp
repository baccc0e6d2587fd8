#ifndef KEYOPS_MODEL_CSP_HPP
#define KEYOPS_MODEL_CSP_HPP

// What VMware Cloud Services' token exchange answers (endpoint/vmware_csp.hpp).

#include <keyops/parse/schema.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace keyops::csp {

/// The answer: an access token and its lifetime in seconds (other fields are not read).
struct access_token {
    std::string_view access_token;
    std::optional<std::int64_t> expires_in;
    std::string_view token_type;
    std::string_view scope;
};

/// CSP's error answer, as far as keyops reads it.
struct error_body {
    std::optional<std::int32_t> status_code; ///< `statusCode`
    std::string_view message;
    std::string_view request_id; ///< `requestId`
};

} // namespace keyops::csp

template <>
struct keyops::json_schema<keyops::csp::access_token> {
    using T = csp::access_token;
    static constexpr field_entry fields[] = {
        field<&T::access_token>("access_token"),
        field<&T::expires_in>("expires_in"),
        field<&T::token_type>("token_type"),
        field<&T::scope>("scope"),
    };
};

template <>
struct keyops::json_schema<keyops::csp::error_body> {
    using T = csp::error_body;
    static constexpr field_entry fields[] = {
        field<&T::status_code>("statusCode"),
        field<&T::message>("message"),
        field<&T::request_id>("requestId"),
    };
};

#endif
