#ifndef KEYOPS_AUTH_CREDENTIALS_HPP
#define KEYOPS_AUTH_CREDENTIALS_HPP

// What each auth policy signs in with: plain data, no HTTP, so that a program configures a
// client (keyops::any_client included) without the policies' headers.

#include <keyops/model/ni_domain.hpp>

#include <chrono>
#include <string>

namespace keyops {

/// A token obtained elsewhere, sent as it is (static_token, auth/static_token.hpp).
struct token_credentials {
    /// How the token is sent on each request.
    enum class scheme {
        bearer,          ///< `Authorization: Bearer <token>` (CipherTrust Manager)
        network_insight, ///< `Authorization: NetworkInsight <token>` (on premises)
        csp              ///< `csp-auth-token: <token>` (Network Insight SaaS)
    };
    scheme kind = scheme::bearer; ///< how the token is sent (default: Bearer)
    std::string token;            ///< the token itself, without the scheme's word
};

/// CipherTrust Manager (auth/ciphertrust.hpp).
struct ciphertrust_credentials {
    std::string username;         ///< the user of the password grant
    std::string password;         ///< the user's password; redacted from diagnostics
    std::string domain;           ///< optional
    std::string auth_domain_path; ///< optional
    std::string auth_domain;      ///< optional; the tenant (CipherTrust as a service)
    /// Ask for a new refresh token with every refresh (the old one is then revoked).
    bool renew_refresh_token = false;
    /// Renew this long before expiry (at most a fifth of the token's life).
    std::chrono::seconds renew_margin{30};
    /// Revoke the refresh token when the client closes (or is destroyed): an agent that signs
    /// in often leaves no refresh tokens behind.
    bool revoke_on_close = true;
};

/// Network Insight on premises (auth/network_insight.hpp).
struct network_insight_credentials {
    std::string username; ///< the user signing in
    std::string password; ///< the user's password; redacted from diagnostics
    /// The user's domain, the token request's `domain_type`: local users (LOCAL) or LDAP.
    ni::domain_type domain = ni::domain_type::local;
    std::string domain_value = "local"; ///< the domain's `value`: the LDAP domain, or "local"
    /// A VMware Identity Manager token: when set, the token comes from POST /auth/token/vidm
    /// with it, and the user name and password are not used.
    std::string vidm_token;
    /// Renew this long before the token expires (at most a fifth of the token's life).
    std::chrono::seconds renew_margin{30};
};

/// Network Insight SaaS, through VMware Cloud Services (auth/network_insight.hpp).
struct network_insight_csp_credentials {
    /// The CSP API token (generated in the VMware Cloud Services console).
    std::string api_token;
    /// Renew this long before `expires_in` runs out (at most a fifth of the token's life).
    std::chrono::seconds renew_margin{60};
};

} // namespace keyops

#endif
