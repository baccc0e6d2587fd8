#ifndef KEYOPS_ENDPOINT_NETWORK_INSIGHT_HPP
#define KEYOPS_ENDPOINT_NETWORK_INSIGHT_HPP

// Network Insight endpoints: token create (password or vIDM) and delete, proxy key rotation,
// status and details.
// Paths are under the service base (`/api/ni` on premises, `/ni/api/ni` on SaaS).

#include <keyops/endpoint/descriptor.hpp>
#include <keyops/endpoint/detail/json_body.hpp>
#include <keyops/error.hpp>
#include <keyops/model/auth.hpp>
#include <keyops/model/network_insight.hpp>
#include <keyops/model/ni_domain.hpp>

#include <string>
#include <tuple>
#include <utility>

namespace keyops::ni {

/// Body of POST /auth/token.
struct credentials {
    std::string username; ///< must not be empty
    std::string password; ///< sent as given
    /// A local or an LDAP user: sent as `domain_type` `LOCAL` or `LDAP`.
    domain_type domain = domain_type::local;
    std::string domain_value = "local"; ///< the LDAP domain, or "local"

    /// Writes the JSON body into `out`, replacing what it held; the body is
    /// `{"username":..,"password":..,"domain":{"domain_type":..,"value":..}}`. invalid_argument
    /// when username is empty.
    error_code write_json(std::string& out) const {
        if (username.empty())
            return make_error_code(error::invalid_argument);
        detail::json_object_writer d;
        d.add("domain_type", domain == domain_type::ldap ? "LDAP" : "LOCAL")
            .add("value", domain_value);
        detail::json_object_writer o;
        o.add("username", username).add("password", password);
        o.add_json("domain", std::move(d).finish());
        out = std::move(o).finish();
        return {};
    }
};

/// POST /auth/token: a token with its expiry. At most 100 live tokens per user.
struct create_token : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::post;
    static constexpr api_service service = api_service::network_insight;
    static constexpr auto path = fixed_string("/auth/token");
    using bodies = std::tuple<credentials>;
    static constexpr bool body_required = true;
    using response = token;
    /// @}
};

/// Body of POST /auth/token/vidm: a VMware Identity Manager token.
struct vidm_credentials {
    std::string vidm_token; ///< the token vIDM issued; must not be empty

    /// Writes the JSON body into `out`, replacing what it held; invalid_argument when
    /// vidm_token is empty.
    error_code write_json(std::string& out) const {
        if (vidm_token.empty())
            return make_error_code(error::invalid_argument);
        detail::json_object_writer o;
        o.add("vidm_token", vidm_token);
        out = std::move(o).finish();
        return {};
    }
};

/// POST /auth/token/vidm: a Network Insight token for a vIDM token, with its expiry (the same
/// answer as create_token).
struct create_token_vidm : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::post;
    static constexpr api_service service = api_service::network_insight;
    static constexpr auto path = fixed_string("/auth/token/vidm");
    using bodies = std::tuple<vidm_credentials>;
    static constexpr bool body_required = true;
    using response = token;
    /// @}
};

/// DELETE /auth/token: releases the token the request is authorised with.
struct delete_token : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::delete_;
    static constexpr api_service service = api_service::network_insight;
    static constexpr auto path = fixed_string("/auth/token");
    using response = empty_response;
    /// @}
};

/// POST: starts a proxy key rotation. Not retried: a repeat may find it running (409).
struct rotate_proxy_key : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::post;
    static constexpr api_service service = api_service::network_insight;
    static constexpr auto path = fixed_string("/customers/collector/data-encryption-cert/update");
    using response = rotation_status;
    static constexpr idempotency retry = idempotency::not_idempotent;
    /// @}
};

/// GET the state of the latest rotation.
struct proxy_key_rotation_status : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::get;
    static constexpr api_service service = api_service::network_insight;
    static constexpr auto path =
        fixed_string("/customers/collector/data-encryption-cert/update/status");
    using response = rotation_status;
    /// @}
};

/// GET the current proxy key's details.
struct proxy_key_details : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::get;
    static constexpr api_service service = api_service::network_insight;
    static constexpr auto path = fixed_string("/customers/collector/data-encryption-cert/details");
    using response = key_details;
    /// @}
};

} // namespace keyops::ni

#endif
