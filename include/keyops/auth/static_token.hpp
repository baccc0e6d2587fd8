#ifndef KEYOPS_AUTH_STATIC_TOKEN_HPP
#define KEYOPS_AUTH_STATIC_TOKEN_HPP

// The two auth policies that fetch nothing: no_auth and static_token. The client's header
// includes only these; auth/policies.hpp has every policy.

#include <keyops/auth/concept.hpp>
#include <keyops/auth/credentials.hpp>

#include <boost/beast/http/field.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

namespace keyops {

/// No credentials (the simulator's admin routes, or a proxy that adds them).
class no_auth : public detail::no_fetch {
public:
    /// Adds nothing to the request; always true.
    bool try_authorize(http_request&, std::chrono::system_clock::time_point = {}) noexcept {
        return true;
    }
};

/// A token obtained elsewhere, sent as it is on every request.
class static_token : public detail::no_fetch {
public:
    /// How the token is sent: Bearer, NetworkInsight or `csp-auth-token`.
    using scheme = token_credentials::scheme;

    /// Sends `token` as scheme `s` says.
    static_token(scheme s, std::string token) : scheme_(s), token_(std::move(token)) {}
    /// Sends `c.token` as `c.kind` says.
    explicit static_token(token_credentials c) : scheme_(c.kind), token_(std::move(c.token)) {}

    /// Sets the token's header on `req`; always true (nothing is ever fetched).
    bool try_authorize(http_request& req, std::chrono::system_clock::time_point = {}) {
        namespace http = boost::beast::http;
        switch (scheme_) {
        case scheme::bearer:
            req.set(http::field::authorization, "Bearer " + token_);
            break;
        case scheme::network_insight:
            req.set(http::field::authorization, "NetworkInsight " + token_);
            break;
        case scheme::csp:
            req.set("csp-auth-token", token_);
            break;
        }
        return true;
    }

    /// Calls `f` with the token, for the client to redact it from diagnostics.
    template <class F>
    void for_each_secret(F&& f) const {
        f(std::string_view(token_));
    }

private:
    scheme scheme_;
    std::string token_;
};

} // namespace keyops

#endif
