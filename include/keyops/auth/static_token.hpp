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
    bool try_authorize(http_request&, std::chrono::system_clock::time_point = {}) noexcept {
        return true;
    }
};

/// A token obtained elsewhere, sent as it is on every request.
class static_token : public detail::no_fetch {
public:
    using scheme = token_credentials::scheme;

    static_token(scheme s, std::string token) : scheme_(s), token_(std::move(token)) {}
    explicit static_token(token_credentials c) : scheme_(c.kind), token_(std::move(c.token)) {}

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
