#ifndef KEYOPS_ENDPOINT_CIPHERTRUST_AUTH_HPP
#define KEYOPS_ENDPOINT_CIPHERTRUST_AUTH_HPP

// CipherTrust Manager token endpoints: password and refresh-token grants, and revocation.

#include <keyops/endpoint/descriptor.hpp>
#include <keyops/endpoint/detail/json_body.hpp>
#include <keyops/error.hpp>
#include <keyops/model/auth.hpp>

#include <string>
#include <tuple>
#include <utility>

namespace keyops::ctm {

/// `grant_type=password`. The password is only ever written into the request body.
struct password_grant {
    std::string username;         ///< must not be empty
    std::string password;         ///< sent as given
    std::string domain;           ///< optional
    std::string auth_domain_path; ///< optional
    std::string auth_domain;      ///< optional; the tenant, which CipherTrust as a service needs
    std::string connection;       ///< optional; the server's default is "local_account"

    /// Writes the JSON body into `out`, replacing what it held; the optional members are sent
    /// only when not empty. invalid_argument when username is empty.
    error_code write_json(std::string& out) const {
        if (username.empty())
            return make_error_code(error::invalid_argument);
        detail::json_object_writer o;
        o.add("grant_type", "password").add("username", username).add("password", password);
        if (!domain.empty())
            o.add("domain", domain);
        if (!auth_domain_path.empty())
            o.add("auth_domain_path", auth_domain_path);
        if (!auth_domain.empty())
            o.add("auth_domain", auth_domain);
        if (!connection.empty())
            o.add("connection", connection);
        out = std::move(o).finish();
        return {};
    }
};

/// `grant_type=refresh_token`.
struct refresh_grant {
    std::string refresh_token; ///< from an earlier grant; must not be empty
    /// Ask for a new refresh token too (the old one is then revoked).
    bool renew_refresh_token = false;

    /// Writes the JSON body into `out`, replacing what it held; invalid_argument when
    /// refresh_token is empty.
    error_code write_json(std::string& out) const {
        if (refresh_token.empty())
            return make_error_code(error::invalid_argument);
        detail::json_object_writer o;
        o.add("grant_type", "refresh_token").add("refresh_token", refresh_token);
        if (renew_refresh_token)
            o.add("renew_refresh_token", true);
        out = std::move(o).finish();
        return {};
    }
};

/// POST /api/v1/auth/tokens. Repeating a grant only mints another token, so it is retried.
struct create_token : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::post;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/auth/tokens");
    using bodies = std::tuple<password_grant, refresh_grant>;
    static constexpr bool body_required = true;
    using response = token;
    /// @}
};

/// The body of a revocation: `{"token":T,"token_type_hint":"refresh_token"}`.
struct revocation {
    std::string token; ///< the refresh (or access) token to revoke; must not be empty
    std::string token_type_hint = "refresh_token"; ///< or "access_token"
    /// Writes the JSON body into `out`, replacing what it held; `token_type_hint` is sent when not
    /// empty. invalid_argument when token is empty.
    error_code write_json(std::string& out) const {
        if (token.empty())
            return make_error_code(error::invalid_argument);
        detail::json_object_writer o;
        o.add("token", token);
        if (!token_type_hint.empty())
            o.add("token_type_hint", token_type_hint);
        out = std::move(o).finish();
        return {};
    }
};

/// POST /api/v1/auth/revoke: ends a session by revoking its refresh token (ciphertrust_auth
/// does this on close). Revoking twice changes nothing, so it is retried.
struct revoke_token : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::post;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/auth/revoke");
    using bodies = std::tuple<revocation>;
    static constexpr bool body_required = true;
    using response = empty_response;
    /// @}
};

/// DELETE /api/v1/auth/tokens/{id}: the other way to revoke a refresh token, by the
/// `refresh_token_id` of the grant that gave it.
struct delete_refresh_token : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::delete_;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/auth/tokens/{id}");
    using path_params = std::tuple<job_id>;
    using response = empty_response;
    /// @}
};

} // namespace keyops::ctm

#endif
