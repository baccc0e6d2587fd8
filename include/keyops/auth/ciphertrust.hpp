#ifndef KEYOPS_AUTH_CIPHERTRUST_HPP
#define KEYOPS_AUTH_CIPHERTRUST_HPP

// The CipherTrust Manager auth policy: password and refresh grants, renewal before expiry, and
// the refresh token revoked when the session ends. Sans-io: see auth/concept.hpp.

#include <keyops/auth/concept.hpp>
#include <keyops/auth/credentials.hpp>
#include <keyops/auth/token_state.hpp>
#include <keyops/endpoint/ciphertrust_auth.hpp>
#include <keyops/parse/parse.hpp>

#include <boost/beast/http/field.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace keyops {

/// CipherTrust Manager: password grant, then refresh grants before the token expires; a 401
/// drops the token and the client retries once; a refused refresh token falls back to the
/// password grant.
class ciphertrust_auth : public detail::token_auth_base<ciphertrust_auth> {
public:
    /// Signs in with `c`: the first request fetches a token with the password grant.
    explicit ciphertrust_auth(ciphertrust_credentials c)
        : creds_(std::move(c)), state_(creds_.renew_margin) {}

    /// After a 401: drops the access token the request carried (not a newer one). True when
    /// fresh credentials may help, and the client then retries once.
    bool on_unauthorized(const http_request& req) {
        auto it = req.find(boost::beast::http::field::authorization);
        std::string_view used;
        if (it != req.end() && it->value().size() > 7)
            used = std::string_view(it->value().data() + 7, it->value().size() - 7);
        return state_.on_unauthorized(used);
    }

    /// POST /auth/revoke of the refresh token the last grant gave (with the access token, while
    /// it is fresh), so that a session that ends leaves none behind on the server; both tokens
    /// are forgotten either way. False when there is no refresh token (nothing to revoke, or
    /// revoke_on_close is off).
    bool begin_release(const request_context& ctx, http_request& out) {
        if (!needs_release())
            return false;
        ctm::revocation r;
        r.token = state_.refresh_token();
        released_ = r.token; // still redacted from what the server answers
        error_code ec;
        out = build_request<ctm::revoke_token>(ctx, r, ec);
        if (!state_.access_token().empty() &&
            state_.next(std::chrono::system_clock::now()) == ciphertrust_token_state::step::ready)
            apply(out);
        state_.forget();
        return !ec;
    }

    /// The answer to begin_release's revocation: the transport's error, or the status of an
    /// answer that is not 2xx (the server's words in `diag`), or none.
    error_code on_release_response(error_code ec, const http_response& res, diagnostics& diag) {
        const error_code e = detail::release_answer(ec, res, diag, api_service::ciphertrust);
        if (e)
            diag.last_attempt = "the refresh token could not be revoked";
        return e;
    }

    /// A refresh token the server keeps until it is revoked (or idles out): revoked on close
    /// and, best effort, on destruction (see ~client).
    bool needs_release() const noexcept {
        return creds_.revoke_on_close && !state_.refresh_token().empty();
    }

    /// The tokens and their times (for tests and diagnostics; the tokens are secrets).
    const ciphertrust_token_state& state() const noexcept { return state_; }

    /// Calls `f` with the password and every token held or revoked last, for the client to
    /// redact them from diagnostics.
    template <class F>
    void for_each_secret(F&& f) const {
        f(std::string_view(creds_.password));
        f(std::string_view(state_.access_token()));
        f(std::string_view(state_.refresh_token()));
        f(std::string_view(released_));
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
            out = build_request<ctm::create_token>(ctx, g, ec);
        } else {
            ctm::password_grant g;
            g.username = creds_.username;
            g.password = creds_.password;
            g.domain = creds_.domain;
            g.auth_domain_path = creds_.auth_domain_path;
            g.auth_domain = creds_.auth_domain;
            out = build_request<ctm::create_token>(ctx, g, ec);
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
    std::string released_; // the refresh token revoked last
};

} // namespace keyops

#endif
