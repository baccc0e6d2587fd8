#ifndef KEYOPS_AUTH_POLICIES_HPP
#define KEYOPS_AUTH_POLICIES_HPP

// Auth policies, sans-io: what the client asks before each attempt, and after a 401. A policy
// never does I/O itself: when it needs a token it builds the request that fetches one, and the
// client's call machine (client/call_fsm.hpp) sends it through the transport and hands the answer
// back. So the policies are usable with any HTTP stack, and testable by hand with explicit clocks.
//
// An auth policy type A provides (`now`: the wall clock, which token lifetimes are measured in):
//   bool try_authorize(http_request& req, system_clock::time_point now);
//        Sets the credentials on `req` if it can without I/O; false when a token must be fetched.
//   auth_fetch begin_fetch(const request_context& ctx, http_request& grant, diagnostics& diag,
//                          system_clock::time_point now, bool may_wait, error_code& ec);
//        After try_authorize said false: `send` with the token request built into `grant`;
//        `wait` when another call's fetch is in flight and `may_wait` (look again when it ends);
//        `ready` when credentials became available (call try_authorize again); `fail` with `ec`.
//   error_code on_fetch_response(error_code ec, http_response& res, diagnostics& diag,
//                                system_clock::time_point now);
//        The answer to the token request (ec: the transport's error). Null: call try_authorize
//        again (a token arrived, or a fallback grant is due); else the call fails with it.
//   bool on_unauthorized(const http_request& req);
//        The request got 401. True when fresh credentials may help (the client then retries
//        once); the token the request carried is dropped.
//   bool begin_release(const request_context& ctx, http_request& out);
//        Builds the request that gives back what the server holds for us (Network Insight
//        tokens); false when there is nothing to give back.
//   error_code on_release_response(error_code ec, const http_response& res, diagnostics& diag);
// Optionally:
//   template <class F> void for_each_secret(F&& f) const;
//        Calls f(std::string_view) with every secret it holds (passwords, tokens): the client
//        redacts them from a call's diagnostics, whatever a server echoed back.
//   bool needs_release() const;
//        True while the server holds something for us that begin_release gives back; a client
//        destroyed without close() then releases it, best effort (see ~client in client.hpp).
//        A policy providing it must be move-constructible.
// Policies hold secrets: they never log them, and never put them in diagnostics. They are used
// from the client's executor only (not thread-safe) and must outlive the client's operations.

#include <keyops/auth/token_state.hpp>
#include <keyops/endpoint/ciphertrust_auth.hpp>
#include <keyops/endpoint/network_insight.hpp>
#include <keyops/http.hpp>
#include <keyops/request/build.hpp>
#include <keyops/response/server_error.hpp>

#include <boost/beast/http/field.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <type_traits>

namespace keyops {

/// What begin_fetch asks of the caller.
enum class auth_fetch : unsigned char {
    ready, ///< credentials are available now: try_authorize again
    send,  ///< send the token request built into `grant`, then on_fetch_response
    wait,  ///< another call is fetching: look again when its fetch ends
    fail,  ///< the call fails with the error given
};

namespace detail {
// The parts of the concept a policy without tokens to fetch or release has.
struct no_fetch {
    auth_fetch begin_fetch(const request_context&, http_request&, diagnostics&,
                           std::chrono::system_clock::time_point, bool, error_code& ec) {
        ec = make_error_code(error::invalid_argument);
        return auth_fetch::fail;
    }
    error_code on_fetch_response(error_code ec, http_response&, diagnostics&,
                                 std::chrono::system_clock::time_point) {
        return ec ? ec : make_error_code(error::invalid_argument);
    }
    bool on_unauthorized(const http_request&) noexcept { return false; }
    bool begin_release(const request_context&, http_request&) noexcept { return false; }
    error_code on_release_response(error_code ec, const http_response&, diagnostics&) { return ec; }
};
} // namespace detail

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
    enum class scheme {
        bearer,          ///< `Authorization: Bearer <token>` (CipherTrust Manager)
        network_insight, ///< `Authorization: NetworkInsight <token>` (on premises)
        csp              ///< `csp-auth-token: <token>` (Network Insight SaaS)
    };

    static_token(scheme s, std::string token) : scheme_(s), token_(std::move(token)) {}

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

namespace detail {

// What ciphertrust_auth and network_insight_auth share: authorizing without I/O when the token
// is fresh, and otherwise one token fetch at a time. Derived provides pending_step(now) (0: the
// token is fresh), apply(req), build_grant(step, ctx, out) and on_grant_response(step, res, diag,
// now).
template <class Derived>
class token_auth_base {
public:
    bool
    try_authorize(http_request& req,
                  std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) {
        if (self().pending_step(now) != 0)
            return false;
        self().apply(req);
        return true;
    }

    auth_fetch begin_fetch(const request_context& ctx, http_request& grant, diagnostics& diag,
                           std::chrono::system_clock::time_point now, bool may_wait,
                           error_code& ec) {
        ec.clear();
        step_ = self().pending_step(now);
        if (step_ == 0)
            return auth_fetch::ready;
        if (fetching_ && may_wait)
            return auth_fetch::wait;
        ec = self().build_grant(step_, ctx, grant);
        if (ec) {
            diag.last_attempt = "the credentials cannot be sent";
            return auth_fetch::fail;
        }
        fetching_ = true;
        return auth_fetch::send;
    }

    error_code on_fetch_response(error_code ec, http_response& res, diagnostics& diag,
                                 std::chrono::system_clock::time_point now) {
        fetching_ = false;
        if (ec) {
            diag.last_attempt = "the token request failed";
            if (ec == error::proxy_refused)
                detail::note_proxy_refusal(diag, res);
            return ec;
        }
        return self().on_grant_response(step_, res, diag, now);
    }

    /// Whether a token request is in flight.
    bool fetching() const noexcept { return fetching_; }

private:
    Derived& self() noexcept { return static_cast<Derived&>(*this); }
    bool fetching_ = false;
    int step_ = 0;
};

} // namespace detail

struct ciphertrust_credentials {
    std::string username;
    std::string password;
    std::string domain;           ///< optional
    std::string auth_domain_path; ///< optional
    std::string auth_domain;      ///< optional; the tenant (CipherTrust as a service)
    /// Ask for a new refresh token with every refresh (the old one is then revoked).
    bool renew_refresh_token = false;
    /// Renew this long before expiry (at most a fifth of the token's life).
    std::chrono::seconds renew_margin{30};
};

/// CipherTrust Manager: password grant, then refresh grants before the token expires; a 401
/// drops the token and the client retries once; a refused refresh token falls back to the
/// password grant.
class ciphertrust_auth : public detail::token_auth_base<ciphertrust_auth> {
public:
    explicit ciphertrust_auth(ciphertrust_credentials c)
        : creds_(std::move(c)), state_(creds_.renew_margin) {}

    bool on_unauthorized(const http_request& req) {
        auto it = req.find(boost::beast::http::field::authorization);
        std::string_view used;
        if (it != req.end() && it->value().size() > 7)
            used = std::string_view(it->value().data() + 7, it->value().size() - 7);
        return state_.on_unauthorized(used);
    }

    bool begin_release(const request_context&, http_request&) noexcept { return false; }
    error_code on_release_response(error_code ec, const http_response&, diagnostics&) { return ec; }

    const ciphertrust_token_state& state() const noexcept { return state_; }

    template <class F>
    void for_each_secret(F&& f) const {
        f(std::string_view(creds_.password));
        f(std::string_view(state_.access_token()));
        f(std::string_view(state_.refresh_token()));
    }

private:
    friend class detail::token_auth_base<ciphertrust_auth>;
    using step = ciphertrust_token_state::step;

    int pending_step(std::chrono::system_clock::time_point now) const {
        return static_cast<int>(state_.next(now));
    }

    void apply(http_request& req) const {
        req.set(boost::beast::http::field::authorization, "Bearer " + state_.access_token());
    }

    error_code build_grant(int s, const request_context& ctx, http_request& out) const {
        error_code ec;
        if (static_cast<step>(s) == step::refresh_grant) {
            ctm::refresh_grant g;
            g.refresh_token = state_.refresh_token();
            g.renew_refresh_token = creds_.renew_refresh_token;
            out = build_request<ctm::create_token>(ctx, ec, g);
        } else {
            ctm::password_grant g;
            g.username = creds_.username;
            g.password = creds_.password;
            g.domain = creds_.domain;
            g.auth_domain_path = creds_.auth_domain_path;
            g.auth_domain = creds_.auth_domain;
            out = build_request<ctm::create_token>(ctx, ec, g);
        }
        return ec;
    }

    // Null when the loop should look again (a token arrived, or a fallback is due).
    error_code on_grant_response(int s, http_response& res, diagnostics& diag,
                                 std::chrono::system_clock::time_point now) {
        const unsigned status = res.result_int();
        if (status / 100 == 2) {
            error_code ec;
            diagnostics pd;
            auto tok = parse<ctm::token>(std::move(res.body()), ec, pd);
            if (ec || tok->jwt.empty()) {
                diag.last_attempt = "the token response is not usable";
                return ec ? ec : make_error_code(error::wrong_type);
            }
            state_.on_token(*tok, now);
            return {};
        }
        detail::fill_server_error(diag, api_service::ciphertrust, res);
        if (status == 400 || status == 401 || status == 403) {
            if (state_.on_refused(static_cast<step>(s)) == step::password_grant)
                return {}; // refresh token refused: the password grant is next
            diag.last_attempt = "the password grant was refused";
            return make_error_code(error::unauthorized);
        }
        diag.last_attempt = "the token request failed";
        return detail::status_error(status);
    }

    ciphertrust_credentials creds_;
    ciphertrust_token_state state_;
};

struct network_insight_credentials {
    std::string username;
    std::string password;
    ni::domain_type domain = ni::domain_type::local;
    std::string domain_value = "local";
    std::chrono::seconds renew_margin{30};
};

/// Network Insight on premises: a token with an expiry, `Authorization: NetworkInsight <token>`;
/// a 401 re-authenticates once; begin_release deletes the token on the server (each user may hold
/// at most 100).
class network_insight_auth : public detail::token_auth_base<network_insight_auth> {
public:
    explicit network_insight_auth(network_insight_credentials c)
        : creds_(std::move(c)), state_(creds_.renew_margin) {}

    bool on_unauthorized(const http_request& req) {
        auto it = req.find(boost::beast::http::field::authorization);
        constexpr std::size_t prefix = sizeof("NetworkInsight ") - 1;
        std::string_view used;
        if (it != req.end() && it->value().size() > prefix)
            used = std::string_view(it->value().data() + prefix, it->value().size() - prefix);
        return state_.on_unauthorized(used);
    }

    /// DELETE /auth/token with the current token, if any; the token is forgotten either way.
    bool begin_release(const request_context& ctx, http_request& out) {
        if (!has_token())
            return false;
        error_code ec;
        out = build_request<ni::delete_token>(ctx, ec);
        apply(out);
        state_.forget();
        return !ec;
    }

    error_code on_release_response(error_code ec, const http_response& res, diagnostics& diag) {
        if (ec) {
            if (ec == error::proxy_refused)
                detail::note_proxy_refusal(diag, res);
            return ec;
        }
        if (res.result_int() / 100 != 2) {
            detail::fill_server_error(diag, api_service::network_insight, res);
            return detail::status_error(res.result_int());
        }
        return {};
    }

    bool has_token() const noexcept { return !state_.token().empty(); }
    /// A token the server still counts against the user's 100: released on destruction.
    bool needs_release() const noexcept { return has_token(); }
    const network_insight_token_state& state() const noexcept { return state_; }

    template <class F>
    void for_each_secret(F&& f) const {
        f(std::string_view(creds_.password));
        f(std::string_view(state_.token()));
    }

private:
    friend class detail::token_auth_base<network_insight_auth>;

    int pending_step(std::chrono::system_clock::time_point now) const {
        return static_cast<int>(state_.next(now));
    }

    void apply(http_request& req) const {
        req.set(boost::beast::http::field::authorization, "NetworkInsight " + state_.token());
    }

    error_code build_grant(int, const request_context& ctx, http_request& out) const {
        ni::credentials c;
        c.username = creds_.username;
        c.password = creds_.password;
        c.domain = creds_.domain;
        c.domain_value = creds_.domain_value;
        error_code ec;
        out = build_request<ni::create_token>(ctx, ec, c);
        return ec;
    }

    error_code on_grant_response(int, http_response& res, diagnostics& diag,
                                 std::chrono::system_clock::time_point now) {
        const unsigned status = res.result_int();
        if (status / 100 == 2) {
            error_code ec;
            diagnostics pd;
            auto tok = parse<ni::token>(std::move(res.body()), ec, pd);
            if (ec || tok->token.empty()) {
                diag.last_attempt = "the token response is not usable";
                return ec ? ec : make_error_code(error::wrong_type);
            }
            state_.on_token(*tok, now);
            return {};
        }
        detail::fill_server_error(diag, api_service::network_insight, res);
        if (status == 401 && is_token_limit(diag)) {
            diag.last_attempt = "the user already holds the maximum number of tokens (100)";
            return make_error_code(error::token_limit_reached);
        }
        diag.last_attempt = "the token request was refused";
        return detail::status_error(status);
    }

    // The server answers the 101st token with a 401 whose text speaks of the limit.
    static bool is_token_limit(const diagnostics& diag) {
        auto mentions = [](const std::string& s) {
            std::string lower;
            for (char c : s)
                lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            return lower.find("limit") != std::string::npos ||
                   lower.find("maximum") != std::string::npos ||
                   lower.find("too many") != std::string::npos;
        };
        if (mentions(diag.server_message))
            return true;
        for (const auto& d : diag.server_details)
            if (mentions(d.message))
                return true;
        return false;
    }

    network_insight_credentials creds_;
    network_insight_token_state state_;
};

namespace detail {
template <class A, class = void>
struct is_auth_policy : std::false_type {};
template <class A>
struct is_auth_policy<
    A,
    std::void_t<
        decltype(std::declval<A&>().try_authorize(
            std::declval<http_request&>(), std::declval<std::chrono::system_clock::time_point>())),
        decltype(std::declval<A&>().begin_fetch(
            std::declval<const request_context&>(), std::declval<http_request&>(),
            std::declval<diagnostics&>(), std::declval<std::chrono::system_clock::time_point>(),
            true, std::declval<error_code&>())),
        decltype(std::declval<A&>().on_fetch_response(
            std::declval<error_code>(), std::declval<http_response&>(),
            std::declval<diagnostics&>(), std::declval<std::chrono::system_clock::time_point>())),
        decltype(std::declval<A&>().on_unauthorized(std::declval<const http_request&>())),
        decltype(std::declval<A&>().begin_release(std::declval<const request_context&>(),
                                                  std::declval<http_request&>())),
        decltype(std::declval<A&>().on_release_response(std::declval<error_code>(),
                                                        std::declval<const http_response&>(),
                                                        std::declval<diagnostics&>()))>>
    : std::true_type {};

struct secret_sink {
    void operator()(std::string_view) const noexcept {}
};
template <class A, class = void>
struct has_secrets : std::false_type {};
template <class A>
struct has_secrets<
    A, std::void_t<decltype(std::declval<const A&>().for_each_secret(std::declval<secret_sink>()))>>
    : std::true_type {};

/// Redacts every secret `auth` holds from `diag`.
template <class A>
void redact_secrets(const A& auth, diagnostics& diag) {
    if constexpr (has_secrets<A>::value)
        auth.for_each_secret([&](std::string_view s) { diag.redact(s); });
}

template <class A, class = void>
struct needs_release_on_destroy : std::false_type {};
template <class A>
struct needs_release_on_destroy<A, std::void_t<decltype(std::declval<const A&>().needs_release())>>
    : std::true_type {};
} // namespace detail

} // namespace keyops

#endif
