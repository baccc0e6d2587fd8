// keyops-sim: CipherTrust Manager authentication (POST /api/v1/auth/tokens and the bearer
// check of every other CCKM route), and the token tables of both servers, which are purged,
// expired and counted together.
#ifndef KEYOPS_SIM_AUTH_HPP
#define KEYOPS_SIM_AUTH_HPP

#include "sim.hpp"

#include <boost/json/object.hpp>
#include <boost/url/url_view.hpp>

#include <map>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace keyops_sim {

struct Access {
    std::string user;
    Time exp;
};

struct RefreshToken {
    std::string user;
    std::string id;
    Time expires; // idle expiry: each use pushes it out by --refresh-ttl
    Time created;
    Time updated;                    // the last use
    std::vector<std::string> labels; // from the password grant's "labels"
};

struct NiToken {
    std::string user;
    Time expiry;
};

// Every token the two servers issued and have not forgotten.
struct Tokens {
    std::unordered_map<std::string, Access> access;        // CipherTrust access tokens (JWTs)
    std::unordered_map<std::string, RefreshToken> refresh; // CipherTrust refresh tokens
    std::unordered_map<std::string, NiToken> ni_tokens;    // Network Insight tokens
    long refresh_revoked = 0; // CipherTrust refresh tokens revoked by their holders
    std::unordered_map<std::string, NiToken> csp_access; // CSP access tokens (SaaS)

    void clear();
    // Forgets long-dead tokens of both servers (called on each login).
    void purge(Time now);
    // Expires every live access token (and refresh token if asked) now; returns the counts.
    boost::json::object expire_all(Time now, bool refresh_too);
    // Access tokens the servers would still accept now (not expired, not released).
    boost::json::object live_tokens(Time now) const;

    boost::json::object save() const;
    void restore(const boost::json::object& o);
};

// The CipherTrust Manager token endpoint and bearer check.
class CipherTrustAuth {
public:
    // Draws the client id and the signing key from `rng`.
    CipherTrustAuth(const Config& c, std::mt19937_64& rng, Tokens& t);

    // POST /api/v1/auth/tokens: the password and refresh_token grants.
    Reply grant(const Request& req, Time now);
    // POST /api/v1/auth/revoke {"token":T,"token_type_hint":"refresh_token"|"access_token"}
    // and DELETE /api/v1/auth/tokens/{refresh_token_id}: the refresh token (with the access
    // tokens it minted, as a real session's end does) or the access token is forgotten.
    Reply revoke(const Request& req, Time now);
    Reply delete_refresh(std::string_view id, Time now);
    // GET /api/v1/auth/tokens (the live refresh tokens, newest first; skip, limit, labels) and
    // GET /api/v1/auth/tokens/{id}: their records, never the token itself.
    Reply list_refresh(const boost::urls::url_view& u, Time now) const;
    Reply get_refresh(std::string_view id, Time now) const;
    // The 401 for a request without a live bearer token; nothing when it has one.
    std::optional<Reply> check_bearer(const Request& req, Time now) const;

    // The client id, signing key and user ids, for the state file.
    boost::json::object save() const;
    void restore(const boost::json::object& o);

private:
    const std::string& user_id(const std::string& user);
    boost::json::object refresh_json(const RefreshToken& r) const;
    std::string make_jwt(const std::string& user, long long iat, long long exp,
                         const std::string& sid);

    const Config& cfg;
    std::mt19937_64& token_rng;
    Tokens& tokens;
    std::string client_id;
    std::string hmac_key;
    std::map<std::string, std::string> user_ids;
};

} // namespace keyops_sim

#endif
