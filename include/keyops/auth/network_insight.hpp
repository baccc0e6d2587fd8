#ifndef KEYOPS_AUTH_NETWORK_INSIGHT_HPP
#define KEYOPS_AUTH_NETWORK_INSIGHT_HPP

// The Network Insight auth policies: on premises (a user's token, released on close) and SaaS
// (a CSP API token exchanged for an access token). Sans-io: see auth/concept.hpp.

#include <keyops/auth/concept.hpp>
#include <keyops/auth/credentials.hpp>
#include <keyops/auth/token_state.hpp>
#include <keyops/endpoint/network_insight.hpp>
#include <keyops/endpoint/vmware_csp.hpp>
#include <keyops/parse/parse.hpp>

#include <boost/beast/http/field.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace keyops {

/// Network Insight on premises: a token with an expiry, `Authorization: NetworkInsight <token>`;
/// a 401 re-authenticates once; begin_release deletes the token on the server (each user may hold
/// at most 100).
class network_insight_auth : public detail::token_auth_base<network_insight_auth> {
public:
    /// Signs in with `c`: the first request fetches a token (POST /auth/token, or
    /// /auth/token/vidm with a vidm_token).
    explicit network_insight_auth(network_insight_credentials c)
        : creds_(std::move(c)), state_(creds_.renew_margin) {}

    /// After a 401: drops the token the request carried (not a newer one); always true: the
    /// client fetches a token and retries once.
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

    /// The answer to begin_release's DELETE: the transport's error, or the status of an answer
    /// that is not 2xx (the server's words in `diag`), or none.
    error_code on_release_response(error_code ec, const http_response& res, diagnostics& diag) {
        return detail::release_answer(ec, res, diag, api_service::network_insight);
    }

    /// Whether a token is held (fresh or not).
    bool has_token() const noexcept { return !state_.token().empty(); }
    /// A token the server still counts against the user's 100: released on destruction.
    bool needs_release() const noexcept { return has_token(); }
    /// The token and its times (for tests and diagnostics; the token is a secret).
    const network_insight_token_state& state() const noexcept { return state_; }

    /// Calls `f` with the password, the vIDM token and the token held, for the client to redact
    /// them from diagnostics.
    template <class F>
    void for_each_secret(F&& f) const {
        f(std::string_view(creds_.password));
        f(std::string_view(creds_.vidm_token));
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
        error_code ec;
        if (!creds_.vidm_token.empty()) {
            out = build_request<ni::create_token_vidm>(ctx, ni::vidm_credentials{creds_.vidm_token},
                                                       ec);
            return ec;
        }
        ni::credentials c;
        c.username = creds_.username;
        c.password = creds_.password;
        c.domain = creds_.domain;
        c.domain_value = creds_.domain_value;
        out = build_request<ni::create_token>(ctx, c, ec);
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

/// Network Insight SaaS: the CSP API token exchanged for an access token (csp::authorize, a form
/// POST to request_context::csp_base), sent as `csp-auth-token` and renewed before `expires_in`
/// runs out; a 401 renews once. Nothing is released on close: access tokens expire on their own.
/// Use it with `network_insight_base = "/ni/api/ni"` on the SaaS host.
class network_insight_csp_auth : public detail::token_auth_base<network_insight_csp_auth> {
public:
    /// Signs in with `c`: the first request exchanges the API token for an access token.
    explicit network_insight_csp_auth(network_insight_csp_credentials c) : creds_(std::move(c)) {}

    /// After a 401: drops the access token the request carried (not a newer one); always true:
    /// the client renews it and retries once.
    bool on_unauthorized(const http_request& req) {
        auto it = req.find("csp-auth-token");
        const std::string_view used =
            it == req.end() ? std::string_view()
                            : std::string_view(it->value().data(), it->value().size());
        if (!used.empty() && used != token_)
            return true; // a newer token is here already
        token_.clear();
        return true;
    }

    /// Always false: access tokens expire on their own, nothing is released.
    bool begin_release(const request_context&, http_request&) noexcept { return false; }
    /// Never called (begin_release sends nothing); returns `ec`.
    error_code on_release_response(error_code ec, const http_response&, diagnostics&) { return ec; }

    /// The current access token; empty before the first one is granted and after a 401 dropped it.
    const std::string& access_token() const noexcept { return token_; }
    /// When the access token is renewed: `renew_margin` (at most a fifth of its life) before it
    /// expires; CSP's 30 minutes are assumed when the answer gives no `expires_in`.
    std::chrono::system_clock::time_point renew_at() const noexcept { return renew_at_; }

    /// Calls `f` with the API token and the access token, for the client to redact them from
    /// diagnostics.
    template <class F>
    void for_each_secret(F&& f) const {
        f(std::string_view(creds_.api_token));
        f(std::string_view(token_));
    }

private:
    friend class detail::token_auth_base<network_insight_csp_auth>;

    int pending_step(std::chrono::system_clock::time_point now) const {
        return !token_.empty() && now < renew_at_ ? 0 : 1;
    }

    void apply(http_request& req) const { req.set("csp-auth-token", token_); }

    error_code build_grant(int, const request_context& ctx, http_request& out) const {
        error_code ec;
        out = build_request<csp::authorize>(ctx, csp::api_token_grant{creds_.api_token}, ec);
        return ec;
    }

    error_code on_grant_response(int, http_response& res, diagnostics& diag,
                                 std::chrono::system_clock::time_point now) {
        const unsigned status = res.result_int();
        if (status / 100 == 2) {
            error_code ec;
            diagnostics pd;
            auto tok = parse<csp::access_token>(std::move(res.body()), ec, pd);
            if (ec || tok->access_token.empty()) {
                diag.last_attempt = "the CSP token response is not usable";
                return ec ? ec : make_error_code(error::wrong_type);
            }
            token_.assign(tok->access_token.data(), tok->access_token.size());
            // No lifetime given: assume CSP's usual 30 minutes.
            const std::chrono::seconds life =
                detail::clamp_lifetime(tok->expires_in.value_or(1800));
            renew_at_ = now + life - renewal_margin(creds_.renew_margin, life);
            return {};
        }
        detail::fill_server_error(diag, api_service::vmware_csp, res);
        diag.last_attempt = status == 400 || status == 401 || status == 403
                                ? "the CSP API token was refused"
                                : "the CSP token exchange failed";
        return status == 400 || status == 403 ? make_error_code(error::unauthorized)
                                              : detail::status_error(status);
    }

    network_insight_csp_credentials creds_;
    std::string token_;
    std::chrono::system_clock::time_point renew_at_{};
};

} // namespace keyops

#endif
