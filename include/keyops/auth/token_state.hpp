#ifndef KEYOPS_AUTH_TOKEN_STATE_HPP
#define KEYOPS_AUTH_TOKEN_STATE_HPP

// The auth logic as I/O-free state machines: which grant to ask for next, when a token is due
// for renewal, what a refused grant or a 401 changes. The async policies in policies.hpp drive
// them; tests resume them by hand with explicit clocks.

#include <keyops/model/auth.hpp>
#include <keyops/parse/parse.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace keyops {

namespace detail {

struct jwt_claims {
    std::optional<std::int64_t> iat;
    std::optional<std::int64_t> exp;
};

} // namespace detail

template <>
struct json_schema<detail::jwt_claims> {
    using T = detail::jwt_claims;
    static constexpr field_entry fields[] = {field<&T::iat>("iat"), field<&T::exp>("exp")};
};

namespace detail {

inline bool base64url_decode(std::string_view in, std::string& out) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z')
            return c - 'A';
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 26;
        if (c >= '0' && c <= '9')
            return c - '0' + 52;
        if (c == '-' || c == '+')
            return 62;
        if (c == '_' || c == '/')
            return 63;
        return -1;
    };
    while (!in.empty() && in.back() == '=')
        in.remove_suffix(1);
    out.clear();
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        const int v = value(c);
        if (v < 0)
            return false;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    return true;
}

} // namespace detail

/// `iat` and `exp` of a JWT's payload, without verifying it (the server does that).
inline std::optional<detail::jwt_claims> jwt_times(std::string_view jwt) {
    const auto a = jwt.find('.');
    const auto b = a == std::string_view::npos ? a : jwt.find('.', a + 1);
    if (b == std::string_view::npos)
        return std::nullopt;
    std::string payload;
    if (!detail::base64url_decode(jwt.substr(a + 1, b - a - 1), payload))
        return std::nullopt;
    error_code ec;
    diagnostics diag;
    auto claims = parse<detail::jwt_claims>(std::move(payload), ec, diag);
    if (ec)
        return std::nullopt;
    return *claims;
}

/// Token lifetimes a server sends are taken within [1 s, 1 year]: a lifetime beyond what the
/// clock can add to the current time would wrap, and make a fresh token look expired at once.
inline constexpr std::chrono::seconds max_token_lifetime{365 * 24 * 3600};

namespace detail {
constexpr std::chrono::seconds clamp_lifetime(std::int64_t seconds) noexcept {
    if (seconds < 1)
        return std::chrono::seconds(1);
    if (seconds > max_token_lifetime.count())
        return max_token_lifetime;
    return std::chrono::seconds(seconds);
}
// Epoch seconds within the range of system_clock::time_point (nanoseconds: up to 2262).
constexpr std::int64_t clamp_epoch_seconds(std::int64_t s) noexcept {
    constexpr std::int64_t limit = 9000000000LL; // 2255
    return s < -limit ? -limit : s > limit ? limit : s;
}
} // namespace detail

/// When to renew: `margin` before expiry, but never more than a fifth of the token's life, so
/// that short-lived tokens are still used for most of their life.
constexpr std::chrono::milliseconds renewal_margin(std::chrono::seconds margin,
                                                   std::chrono::seconds lifetime) noexcept {
    return std::min<std::chrono::milliseconds>(
        margin, std::chrono::duration_cast<std::chrono::milliseconds>(lifetime) / 5);
}

/// CipherTrust Manager tokens: password grant, refresh grant, renewal before expiry.
class ciphertrust_token_state {
public:
    /// The wall clock: token lifetimes are measured in it.
    using clock = std::chrono::system_clock;
    /// What to do before the next request (next()), or what a refused grant leads to
    /// (on_refused()): `ready`, the access token is fresh: send the request with it;
    /// `password_grant`, ask for a token with the user name and password; `refresh_grant`, ask
    /// for one with the refresh token; `failed`, a password grant was refused: the call fails.
    enum class step { ready, password_grant, refresh_grant, failed };

    /// Renews `margin` before expiry, at most a fifth of the token's life (renewal_margin).
    explicit ciphertrust_token_state(std::chrono::seconds margin = std::chrono::seconds(30))
        : margin_(margin) {}

    /// What to do before the next request.
    step next(clock::time_point now) const {
        if (!access_.empty() && now < renew_at_)
            return step::ready;
        if (!refresh_.empty())
            return step::refresh_grant;
        return step::password_grant;
    }

    /// A grant succeeded. The lifetime comes from `duration`, else from the JWT (exp - iat,
    /// else exp), never from a constant unless the server gave neither (then 60 s).
    void on_token(const ctm::token& t, clock::time_point now) {
        access_.assign(t.jwt.data(), t.jwt.size());
        if (!t.refresh_token.empty())
            refresh_.assign(t.refresh_token.data(), t.refresh_token.size());
        std::int64_t life_s = 60;
        if (t.duration && *t.duration > 0) {
            life_s = *t.duration;
        } else if (auto claims = jwt_times(t.jwt); claims && claims->exp) {
            const std::int64_t exp = detail::clamp_epoch_seconds(*claims->exp);
            if (claims->iat && exp > detail::clamp_epoch_seconds(*claims->iat))
                life_s = exp - detail::clamp_epoch_seconds(*claims->iat);
            else
                life_s =
                    exp - std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch())
                              .count();
        }
        const std::chrono::seconds life = detail::clamp_lifetime(life_s);
        expires_at_ = now + life;
        renew_at_ = expires_at_ - renewal_margin(margin_, life);
    }

    /// A grant was refused (4xx). A refused refresh token falls back to the password grant;
    /// a refused password is final.
    step on_refused(step which) {
        if (which == step::refresh_grant) {
            refresh_.clear();
            access_.clear();
            return step::password_grant;
        }
        return step::failed;
    }

    /// A request sent with `used` got 401: forget that token (not a newer one) so that the next
    /// request renews it. True when renewing can help.
    bool on_unauthorized(std::string_view used) {
        if (used.empty() || used != access_)
            return !access_.empty() || !refresh_.empty() || used.empty();
        access_.clear();
        return true;
    }

    /// The session ended (its refresh token revoked): both tokens forgotten.
    void forget() noexcept {
        access_.clear();
        refresh_.clear();
        expires_at_ = renew_at_ = {};
    }

    /// The access token (a JWT, sent as Bearer); empty when none is held.
    const std::string& access_token() const noexcept { return access_; }
    /// The refresh token of the last grant that gave one; empty when none is held.
    const std::string& refresh_token() const noexcept { return refresh_; }
    /// When the access token expires; the clock's epoch before the first token.
    clock::time_point expires_at() const noexcept { return expires_at_; }
    /// When the access token is renewed: expires_at() minus the renewal margin.
    clock::time_point renew_at() const noexcept { return renew_at_; }

private:
    std::chrono::seconds margin_;
    std::string access_;
    std::string refresh_;
    clock::time_point expires_at_{};
    clock::time_point renew_at_{};
};

/// Network Insight tokens: one grant, an absolute expiry (seconds or milliseconds).
class network_insight_token_state {
public:
    /// The wall clock: token lifetimes are measured in it.
    using clock = std::chrono::system_clock;
    /// What to do before the next request (next()): `ready`, the token is fresh: send the
    /// request with it; `create_token`, ask for a token. `failed` is not
    /// returned by this class.
    enum class step { ready, create_token, failed };

    /// Renews `margin` before expiry, at most a fifth of the token's life (renewal_margin).
    explicit network_insight_token_state(std::chrono::seconds margin = std::chrono::seconds(30))
        : margin_(margin) {}

    /// What to do before the next request: ready while a token is held and not due for renewal.
    step next(clock::time_point now) const {
        return !token_.empty() && now < renew_at_ ? step::ready : step::create_token;
    }

    /// A token was granted. Its lifetime comes from its expiry (seconds or milliseconds since
    /// the epoch); 60 s when it has none.
    void on_token(const ni::token& t, clock::time_point now) {
        token_.assign(t.token.data(), t.token.size());
        auto expiry = t.expires_at().value_or(now + std::chrono::seconds(60));
        const auto life = detail::clamp_lifetime(
            std::chrono::duration_cast<std::chrono::seconds>(expiry - now).count());
        expires_at_ = now + life;
        renew_at_ = expires_at_ - renewal_margin(margin_, life);
    }

    /// A request sent with `used` got 401: forget that token (not a newer one) so that the next
    /// request asks for one. Always true.
    bool on_unauthorized(std::string_view used) {
        if (used.empty() || used != token_)
            return true;
        token_.clear();
        return true;
    }

    /// The token was released (DELETE) or must not be used any more.
    void forget() noexcept { token_.clear(); }

    /// The token (sent as `NetworkInsight <token>`); empty when none is held.
    const std::string& token() const noexcept { return token_; }
    /// When the token expires; the clock's epoch before the first token.
    clock::time_point expires_at() const noexcept { return expires_at_; }

private:
    std::chrono::seconds margin_;
    std::string token_;
    clock::time_point expires_at_{};
    clock::time_point renew_at_{};
};

} // namespace keyops

#endif
