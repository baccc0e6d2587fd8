#ifndef KEYOPS_MODEL_AUTH_HPP
#define KEYOPS_MODEL_AUTH_HPP

// Token responses of both servers. These hold secrets: keyops never logs them or copies them
// into diagnostics, and neither should their users.

#include <keyops/parse/schema.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace keyops {

namespace ctm {

/// CipherTrust Manager `POST /api/v1/auth/tokens` response.
struct token {
    /// The access token, a JWT: requests carry it as `Authorization: Bearer <jwt>`. A secret.
    std::string_view jwt;
    std::optional<std::int64_t> duration; ///< access token lifetime in seconds
    std::string_view token_type;          ///< "Bearer"
    /// The refresh token, which the refresh grant trades for a new jwt. A secret.
    std::string_view refresh_token;
    /// The server's id of the refresh token: `DELETE /api/v1/auth/tokens/{id}` revokes it.
    std::string_view refresh_token_id;
    std::string_view client_id; ///< the id of the client the tokens were issued to
    /// The refresh token's lifetime in seconds, as the server sent it.
    std::optional<std::int64_t> refresh_token_expires_in;
};

} // namespace ctm

namespace ni {

/// Network Insight `POST /api/ni/auth/token` response.
struct token {
    std::string_view token; ///< the access token for later requests. A secret.
    /// Epoch time of expiry, documented in seconds but sent in milliseconds; see expires_at().
    std::optional<std::int64_t> expiry;

    /// The expiry as a time point: values above 1e12 are milliseconds, others seconds. Values
    /// beyond what system_clock holds (past 2255, before 1970) are taken at that limit.
    std::optional<std::chrono::system_clock::time_point> expires_at() const noexcept {
        if (!expiry)
            return std::nullopt;
        using namespace std::chrono;
        const std::int64_t e = *expiry;
        constexpr std::int64_t max_s = 9000000000LL; // 2255, within nanosecond time points
        if (e > 1000000000000LL)
            return system_clock::time_point(
                duration_cast<system_clock::duration>(milliseconds(std::min(e, max_s * 1000))));
        return system_clock::time_point(
            duration_cast<system_clock::duration>(seconds(std::clamp<std::int64_t>(e, 0, max_s))));
    }
};

} // namespace ni
} // namespace keyops

/// How ctm::token is read from JSON: its members and the server's names for them.
template <>
struct keyops::json_schema<keyops::ctm::token> {
    using T = ctm::token; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::jwt>("jwt"),
        field<&T::duration>("duration"),
        field<&T::token_type>("token_type"),
        field<&T::refresh_token>("refresh_token"),
        field<&T::refresh_token_id>("refresh_token_id"),
        field<&T::client_id>("client_id"),
        field<&T::refresh_token_expires_in>("refresh_token_expires_in"),
    };
};

/// How ni::token is read from JSON: its members and the server's names for them.
template <>
struct keyops::json_schema<keyops::ni::token> {
    using T = ni::token; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::token>("token"),
        field<&T::expiry>("expiry"),
    };
};

#endif
