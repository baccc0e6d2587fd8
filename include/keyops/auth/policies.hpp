#ifndef KEYOPS_AUTH_POLICIES_HPP
#define KEYOPS_AUTH_POLICIES_HPP

// Auth policies: what the client asks before each attempt, and after a 401.
//
// An auth policy type A provides:
//   bool try_authorize(http_request& req);
//        Sets the credentials on `req` if it can without I/O; false when a token must be fetched.
//   template <class Transport, class Token>
//   auto async_authorize(Transport& t, const auth_call& call, http_request& req, Token&& token);
//        Fetches what is needed through `t`, then sets the credentials. void(error_code).
//   bool on_unauthorized(const http_request& req);
//        The request got 401. True when fresh credentials may help (the client then retries
//        once); the token the request carried is dropped.
//   template <class Transport, class Token>
//   auto async_release(Transport& t, const auth_call& call, Token&& token);
//        Gives back what the server holds for us (Network Insight tokens). void(error_code).
// Optionally:
//   bool needs_release() const;
//        True while the server holds something for us that async_release gives back; a client
//        destroyed without close() then releases it, best effort (see ~client in client.hpp).
//        A policy providing it must be move-constructible.
// Policies hold secrets: they never log them, and never put them in diagnostics. They are used
// from the client's executor only (not thread-safe) and must outlive the client's operations.

#include <keyops/auth/token_state.hpp>
#include <keyops/client/detail/server_error.hpp>
#include <keyops/endpoint/ciphertrust_auth.hpp>
#include <keyops/endpoint/network_insight.hpp>
#include <keyops/request/build.hpp>
#include <keyops/transport/exchange.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/field.hpp>

#include <memory>
#include <string>

namespace keyops {

/// What an auth policy gets to work with for one call.
struct auth_call {
    const request_context& ctx;
    diagnostics& diag;
    std::chrono::steady_clock::time_point deadline;
};

namespace detail {
// Completes at once (through a post, as Asio requires of an initiating function).
template <class Executor, class Token>
auto async_done(Executor ex, error_code ec, Token&& token) {
    return boost::asio::async_compose<Token, void(error_code)>(
        [ec, posted = false](auto& self, error_code = {}) mutable {
            if (!posted) {
                posted = true;
                boost::asio::post(self.get_io_executor(), std::move(self));
                return;
            }
            self.complete(ec);
        },
        token, ex);
}
} // namespace detail

/// No credentials (the simulator's admin routes, or a proxy that adds them).
class no_auth {
public:
    bool try_authorize(http_request&) noexcept { return true; }
    template <class Transport, class Token>
    auto async_authorize(Transport& t, const auth_call&, http_request&, Token&& token) {
        return detail::async_done(t.get_executor(), {}, std::forward<Token>(token));
    }
    bool on_unauthorized(const http_request&) noexcept { return false; }
    template <class Transport, class Token>
    auto async_release(Transport& t, const auth_call&, Token&& token) {
        return detail::async_done(t.get_executor(), {}, std::forward<Token>(token));
    }
};

/// A token obtained elsewhere, sent as it is on every request.
class static_token {
public:
    enum class scheme {
        bearer,          ///< `Authorization: Bearer <token>` (CipherTrust Manager)
        network_insight, ///< `Authorization: NetworkInsight <token>` (on premises)
        csp              ///< `csp-auth-token: <token>` (Network Insight SaaS)
    };

    static_token(scheme s, std::string token) : scheme_(s), token_(std::move(token)) {}

    bool try_authorize(http_request& req) {
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
    template <class Transport, class Token>
    auto async_authorize(Transport& t, const auth_call&, http_request& req, Token&& token) {
        try_authorize(req);
        return detail::async_done(t.get_executor(), {}, std::forward<Token>(token));
    }
    bool on_unauthorized(const http_request&) noexcept { return false; }
    template <class Transport, class Token>
    auto async_release(Transport& t, const auth_call&, Token&& token) {
        return detail::async_done(t.get_executor(), {}, std::forward<Token>(token));
    }

private:
    scheme scheme_;
    std::string token_;
};

namespace detail {

// Fetches a token for a policy P (ciphertrust_auth or network_insight_auth) and sets it on the
// request. One fetch runs at a time per policy: later callers wait for it, then use its token.
template <class P, class Transport>
struct authorize_op : boost::asio::coroutine {
    P& policy;
    Transport& transport;
    auth_call call;
    http_request& req;
    std::unique_ptr<http_request> grant_req{};
    std::unique_ptr<http_response> grant_res{};
    int step = 0;
    error_code build_error{};

    template <class Self>
    void operator()(Self& self, error_code ec = {}) {
        BOOST_ASIO_CORO_REENTER(*this) {
            for (;;) {
                step = policy.pending_step();
                if (step == 0) {
                    policy.apply(req);
                    BOOST_ASIO_CORO_YIELD boost::asio::post(self.get_io_executor(),
                                                            std::move(self));
                    return self.complete(error_code());
                }
                if (policy.fetching_) {
                    // Another call is fetching: wait until it is done, then look again.
                    if (!policy.fetched_)
                        policy.fetched_ = std::make_unique<boost::asio::steady_timer>(
                            transport.get_executor(), std::chrono::steady_clock::time_point::max());
                    BOOST_ASIO_CORO_YIELD policy.fetched_->async_wait(std::move(self));
                    if (self.get_cancellation_state().cancelled() !=
                        boost::asio::cancellation_type::none)
                        return self.complete(boost::asio::error::operation_aborted);
                    continue;
                }
                grant_req = std::make_unique<http_request>();
                build_error = policy.build_grant(step, call.ctx, *grant_req);
                if (build_error) {
                    call.diag.last_attempt = "the credentials cannot be sent";
                    BOOST_ASIO_CORO_YIELD boost::asio::post(self.get_io_executor(),
                                                            std::move(self));
                    return self.complete(build_error);
                }
                grant_res = std::make_unique<http_response>();
                policy.fetching_ = true;
                BOOST_ASIO_CORO_YIELD transport.async_exchange(
                    *grant_req, *grant_res, exchange_options{call.deadline, true}, std::move(self));
                policy.fetching_ = false;
                if (policy.fetched_)
                    policy.fetched_->cancel(); // wakes the waiters
                if (ec) {
                    call.diag.last_attempt = "the token request failed";
                    if (ec == error::proxy_refused)
                        detail::note_proxy_refusal(call.diag, *grant_res);
                    return self.complete(ec);
                }
                build_error = policy.on_grant_response(step, *grant_res, call.diag);
                if (build_error)
                    return self.complete(build_error);
            }
        }
    }
};

// What ciphertrust_auth and network_insight_auth share: authorizing without I/O when the token
// is fresh, and otherwise one token fetch at a time through authorize_op.
template <class Derived>
class token_auth_base {
public:
    bool try_authorize(http_request& req) {
        if (self().pending_step() != 0)
            return false;
        self().apply(req);
        return true;
    }

    template <class Transport, class Token>
    auto async_authorize(Transport& t, const auth_call& call, http_request& req, Token&& token) {
        return boost::asio::async_initiate<Token, void(error_code)>(
            [this, &t, call, &req](auto handler) {
                auto erased = detail::erase_handler(std::move(handler), t.get_executor());
                boost::asio::async_compose<detail::erased_handler, void(error_code)>(
                    authorize_op<Derived, Transport>{{}, self(), t, call, req}, erased,
                    t.get_executor());
            },
            token);
    }

protected:
    bool fetching_ = false;
    std::unique_ptr<boost::asio::steady_timer> fetched_;

private:
    Derived& self() noexcept { return static_cast<Derived&>(*this); }
};

} // namespace detail

struct ciphertrust_credentials {
    std::string username;
    std::string password;
    std::string domain;           ///< optional
    std::string auth_domain_path; ///< optional
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

    template <class Transport, class Token>
    auto async_release(Transport& t, const auth_call&, Token&& token) {
        return detail::async_done(t.get_executor(), {}, std::forward<Token>(token));
    }

    const ciphertrust_token_state& state() const noexcept { return state_; }

private:
    template <class, class>
    friend struct detail::authorize_op;
    friend class detail::token_auth_base<ciphertrust_auth>;
    using step = ciphertrust_token_state::step;

    int pending_step() const {
        return static_cast<int>(state_.next(std::chrono::system_clock::now()));
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
            out = build_request<ctm::create_token>(ctx, ec, g);
        }
        return ec;
    }

    // Null when the loop should look again (a token arrived, or a fallback is due).
    error_code on_grant_response(int s, http_response& res, diagnostics& diag) {
        const unsigned status = res.result_int();
        if (status / 100 == 2) {
            error_code ec;
            diagnostics pd;
            auto tok = parse<ctm::token>(std::move(res.body()), ec, pd);
            if (ec || tok->jwt.empty()) {
                diag.last_attempt = "the token response is not usable";
                return ec ? ec : make_error_code(error::wrong_type);
            }
            state_.on_token(*tok, std::chrono::system_clock::now());
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
/// a 401 re-authenticates once; async_release deletes the token on the server (each user may hold
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
    template <class Transport, class Token>
    auto async_release(Transport& t, const auth_call& call, Token&& token) {
        return boost::asio::async_compose<Token, void(error_code)>(
            release_op<Transport>{{}, *this, t, call, nullptr, nullptr}, token, t.get_executor());
    }

    bool has_token() const noexcept { return !state_.token().empty(); }
    /// A token the server still counts against the user's 100: released on destruction.
    bool needs_release() const noexcept { return has_token(); }
    const network_insight_token_state& state() const noexcept { return state_; }

private:
    template <class, class>
    friend struct detail::authorize_op;
    friend class detail::token_auth_base<network_insight_auth>;

    template <class Transport>
    struct release_op : boost::asio::coroutine {
        network_insight_auth& policy;
        Transport& transport;
        auth_call call;
        std::unique_ptr<http_request> req;
        std::unique_ptr<http_response> res;

        template <class Self>
        void operator()(Self& self, error_code ec = {}) {
            BOOST_ASIO_CORO_REENTER(*this) {
                if (!policy.has_token()) {
                    BOOST_ASIO_CORO_YIELD boost::asio::post(self.get_io_executor(),
                                                            std::move(self));
                    return self.complete(error_code());
                }
                req = std::make_unique<http_request>(build_request<ni::delete_token>(call.ctx, ec));
                policy.apply(*req);
                policy.state_.forget();
                res = std::make_unique<http_response>();
                BOOST_ASIO_CORO_YIELD transport.async_exchange(
                    *req, *res, exchange_options{call.deadline, true}, std::move(self));
                if (ec) {
                    if (ec == error::proxy_refused)
                        detail::note_proxy_refusal(call.diag, *res);
                    return self.complete(ec);
                }
                if (res->result_int() / 100 != 2) {
                    detail::fill_server_error(call.diag, api_service::network_insight, *res);
                    return self.complete(detail::status_error(res->result_int()));
                }
                return self.complete(error_code());
            }
        }
    };

    int pending_step() const {
        return static_cast<int>(state_.next(std::chrono::system_clock::now()));
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

    error_code on_grant_response(int, http_response& res, diagnostics& diag) {
        const unsigned status = res.result_int();
        if (status / 100 == 2) {
            error_code ec;
            diagnostics pd;
            auto tok = parse<ni::token>(std::move(res.body()), ec, pd);
            if (ec || tok->token.empty()) {
                diag.last_attempt = "the token response is not usable";
                return ec ? ec : make_error_code(error::wrong_type);
            }
            state_.on_token(*tok, std::chrono::system_clock::now());
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
    std::void_t<decltype(std::declval<A&>().try_authorize(std::declval<http_request&>())),
                decltype(std::declval<A&>().on_unauthorized(std::declval<const http_request&>()))>>
    : std::true_type {};

template <class A, class = void>
struct needs_release_on_destroy : std::false_type {};
template <class A>
struct needs_release_on_destroy<A, std::void_t<decltype(std::declval<const A&>().needs_release())>>
    : std::true_type {};
} // namespace detail

} // namespace keyops

#endif
