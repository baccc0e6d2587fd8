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
    /// The access token, which Network Insight SaaS requests carry as `csp-auth-token`. A secret.
    std::string_view access_token;
    std::optional<std::int64_t> expires_in; ///< the token's lifetime in seconds
    std::string_view token_type;            ///< the kind of token, e.g. "bearer"
    std::string_view scope;                 ///< the scopes granted, as CSP writes them
};

/// CSP's error answer, as far as keyops reads it.
struct error_body {
    std::optional<std::int32_t> status_code; ///< `statusCode`
    std::string_view message;                ///< the error text
    std::string_view request_id;             ///< `requestId`
};

} // namespace keyops::csp

/// How csp::access_token is read from JSON: its members and CSP's names for them.
template <>
struct keyops::json_schema<keyops::csp::access_token> {
    using T = csp::access_token; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::access_token>("access_token"),
        field<&T::expires_in>("expires_in"),
        field<&T::token_type>("token_type"),
        field<&T::scope>("scope"),
    };
};

/// How csp::error_body is read from JSON: its members and CSP's names for them.
template <>
struct keyops::json_schema<keyops::csp::error_body> {
    using T = csp::error_body; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::status_code>("statusCode"),
        field<&T::message>("message"),
        field<&T::request_id>("requestId"),
    };
};

#endif
