// keyops-sim: CipherTrust Manager authentication and the token tables (see auth.hpp).
#include "auth.hpp"

#include "common.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

namespace keyops_sim {

using std::chrono::seconds;

namespace {

// Go's time.Duration text for whole seconds ("12s", "1m2s", "1h0m5s"), as jwt-go prints it.
std::string go_duration(long long s) {
    std::string out;
    if (s >= 3600)
        out += std::to_string(s / 3600) + "h";
    if (s >= 60)
        out += std::to_string((s % 3600) / 60) + "m";
    out += std::to_string(s % 60) + "s";
    return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
    std::string out;
    unsigned v = 0;
    int bits = 0;
    for (char c : in) {
        int d;
        if (c >= 'A' && c <= 'Z')
            d = c - 'A';
        else if (c >= 'a' && c <= 'z')
            d = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            d = c - '0' + 52;
        else if (c == '-' || c == '+')
            d = 62;
        else if (c == '_' || c == '/')
            d = 63;
        else if (c == '=')
            break;
        else
            return std::nullopt;
        v = (v << 6) | static_cast<unsigned>(d);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((v >> bits) & 0xff);
        }
    }
    return out;
}

// The seeds show 401s as just code and codeDesc.
Reply cckm_unauthorized(std::string_view text) {
    return cckm_error(401, 1, "NCERRUnauthorized: " + std::string(text), {});
}

} // namespace

// ---------------------------------------------------------------------------------------------
// The token tables.

void Tokens::clear() {
    access.clear();
    refresh.clear();
    ni_tokens.clear();
    csp_access.clear();
    refresh_revoked = 0;
}

void Tokens::purge(Time now) {
    // Long-dead entries only: recently expired tokens still get "expired by Ns".
    if (access.size() > 10000)
        for (auto it = access.begin(); it != access.end();)
            it = it->second.exp + std::chrono::hours(1) < now ? access.erase(it) : std::next(it);
    for (auto it = ni_tokens.begin(); it != ni_tokens.end();)
        it = it->second.expiry + std::chrono::hours(1) < now ? ni_tokens.erase(it) : std::next(it);
    for (auto it = refresh.begin(); it != refresh.end();)
        it = it->second.expires < now ? refresh.erase(it) : std::next(it);
}

json::object Tokens::expire_all(Time now, bool refresh_too) {
    long a = 0, n = 0, r = 0;
    for (auto& [t, rec] : access)
        if (rec.exp > now) {
            rec.exp = now;
            ++a;
        }
    for (auto& [t, rec] : ni_tokens)
        if (rec.expiry > now) {
            rec.expiry = now;
            ++n;
        }
    for (auto& [t, rec] : csp_access)
        if (rec.expiry > now) {
            rec.expiry = now;
            ++n;
        }
    if (refresh_too)
        for (auto& [t, rec] : refresh)
            if (rec.expires > now) {
                rec.expires = now;
                ++r;
            }
    json::object o;
    o["cckm"] = a;
    o["ni"] = n;
    o["refresh"] = r;
    return o;
}

json::object Tokens::live_tokens(Time now) const {
    long a = 0, n = 0;
    for (const auto& [t, rec] : access)
        if (rec.exp > now)
            ++a;
    for (const auto& [t, rec] : ni_tokens)
        if (rec.expiry > now)
            ++n;
    long r = 0;
    for (const auto& [t, rec] : refresh)
        if (rec.expires > now)
            ++r;
    json::object o;
    o["cckm"] = a;
    o["ni"] = n;
    o["cckm_refresh"] = r;
    long c = 0;
    for (const auto& [t, rec] : csp_access)
        if (rec.expiry > now)
            ++c;
    o["csp"] = c;
    o["cckm_refresh_revoked"] = refresh_revoked;
    return o;
}

// ---------------------------------------------------------------------------------------------
// CipherTrust Manager tokens.

CipherTrustAuth::CipherTrustAuth(const Config& c, std::mt19937_64& rng, Tokens& t)
    : cfg(c), token_rng(rng), tokens(t) {
    client_id = uuid4(token_rng);
    hmac_key = random_bytes(token_rng, 32);
}

const std::string& CipherTrustAuth::user_id(const std::string& user) {
    auto it = user_ids.find(user);
    if (it == user_ids.end())
        it = user_ids.emplace(user, uuid4(token_rng)).first;
    return it->second;
}

std::string CipherTrustAuth::make_jwt(const std::string& user, long long iat, long long exp,
                                      const std::string& sid) {
    json::object cust;
    cust["domain_id"] = "00000000-0000-0000-0000-000000000000";
    cust["groups"] = json::array{"admin"};
    cust["sid"] = sid;
    cust["zone_id"] = "00000000-0000-0000-0000-000000000000";
    json::object p;
    p["aud"] = client_id;
    p["sub"] = "local|" + user_id(user);
    p["iss"] = "kylo";
    p["acc"] = "kylo";
    p["preferred_username"] = user;
    p["cust"] = std::move(cust);
    p["jwtid"] = uuid4(token_rng);
    p["iat"] = iat;
    p["exp"] = exp;
    std::string signing_input =
        base64(R"({"alg":"HS256","typ":"JWT"})", true) + "." + base64(json::serialize(p), true);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), hmac_key.data(), static_cast<int>(hmac_key.size()),
         reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
         &mac_len);
    return signing_input + "." +
           base64(std::string_view(reinterpret_cast<const char*>(mac), mac_len), true);
}

Reply CipherTrustAuth::grant(const Request& req, Time now) {
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec || !body.is_object())
        return cckm_bad("request body must be a JSON object");
    const json::object& o = body.as_object();
    std::string grant = "password";
    if (auto* g = o.if_contains("grant_type")) {
        if (!g->is_string())
            return cckm_invalid("grant_type must be a string");
        grant = std::string(g->get_string());
    }
    tokens.purge(now);
    std::string user;
    std::string rt;
    std::vector<std::string> labels;
    if (grant == "password") {
        if (auto* l = o.if_contains("labels"); l && !l->is_null() && !string_array(*l, labels))
            return cckm_invalid("labels must be an array of non-empty strings");
        auto* u = o.if_contains("username");
        auto* p = o.if_contains("password");
        if (!u || !u->is_string() || !p || !p->is_string())
            return cckm_invalid("username and password are required for grant_type password");
        bool ok = false;
        for (const auto& cu : cfg.users)
            ok = ok || (cu.name == u->get_string() && cu.password == p->get_string());
        if (!ok)
            return cckm_unauthorized("Invalid user credentials");
        user = std::string(u->get_string());
    } else if (grant == "refresh_token") {
        auto* r = o.if_contains("refresh_token");
        if (!r || !r->is_string() || r->get_string().empty())
            return cckm_invalid("refresh_token is required for grant_type refresh_token");
        bool renew = false;
        if (auto* rn = o.if_contains("renew_refresh_token")) {
            if (!rn->is_bool())
                return cckm_invalid("renew_refresh_token must be a boolean");
            renew = rn->get_bool();
        }
        auto it = tokens.refresh.find(std::string(r->get_string()));
        if (it == tokens.refresh.end())
            return cckm_unauthorized("Invalid refresh token");
        if (now >= it->second.expires) {
            tokens.refresh.erase(it);
            return cckm_unauthorized("Refresh token is expired");
        }
        user = it->second.user;
        if (renew) {
            labels = it->second.labels; // the new refresh token carries the session's labels
            tokens.refresh.erase(it);
        } else {
            it->second.expires = now + seconds(cfg.refresh_ttl);
            it->second.updated = now;
            rt = it->first;
        }
    } else {
        return cckm_invalid("grant_type \"" + grant + "\" is not supported by keyops-sim");
    }
    if (rt.empty()) {
        rt = base64(random_bytes(token_rng, 48), true);
        tokens.refresh[rt] = RefreshToken{
            user, uuid4(token_rng), now + seconds(cfg.refresh_ttl), now, now, std::move(labels)};
    }
    const RefreshToken& rec = tokens.refresh[rt];
    long long iat = to_s(now);
    long long exp = iat + cfg.token_ttl;
    std::string jwt = make_jwt(user, iat, exp, rec.id);
    // The table counts from the precise issue time (the claim is whole seconds), so even a
    // --token-ttl 1 token lives a full second.
    tokens.access[jwt] = Access{user, now + seconds(cfg.token_ttl)};
    json::object out;
    out["jwt"] = jwt;
    out["duration"] = cfg.token_ttl;
    out["token_type"] = "Bearer";
    out["client_id"] = client_id;
    out["refresh_token"] = rt;
    out["refresh_token_id"] = rec.id;
    out["refresh_token_expires_in"] = cfg.refresh_ttl;
    return json_reply(200, out);
}

Reply CipherTrustAuth::revoke(const Request& req, Time) {
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec || !body.is_object())
        return cckm_bad("request body must be a JSON object");
    const json::object& o = body.as_object();
    auto* t = o.if_contains("token");
    if (!t || !t->is_string() || t->get_string().empty())
        return cckm_invalid("token is required");
    std::string hint = "refresh_token";
    if (auto* h = o.if_contains("token_type_hint")) {
        if (!h->is_string() ||
            (h->get_string() != "refresh_token" && h->get_string() != "access_token"))
            return cckm_invalid("token_type_hint must be \"refresh_token\" or \"access_token\"");
        hint = std::string(h->get_string());
    }
    const std::string token(t->get_string());
    if (auto it = tokens.refresh.find(token); it != tokens.refresh.end()) {
        tokens.refresh.erase(it);
        ++tokens.refresh_revoked;
    } else {
        tokens.access.erase(token);
    }
    Reply r; // as RFC 7009: an unknown token is no error
    r.status = 200;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = "{}";
    return r;
}

Reply CipherTrustAuth::delete_refresh(std::string_view id, Time) {
    for (auto it = tokens.refresh.begin(); it != tokens.refresh.end(); ++it)
        if (it->second.id == id) {
            tokens.refresh.erase(it);
            ++tokens.refresh_revoked;
            Reply r;
            r.status = 204;
            return r;
        }
    return cckm_not_found("no refresh token with id " + std::string(id));
}

json::object CipherTrustAuth::refresh_json(const RefreshToken& r) const {
    const auto uid = user_ids.find(r.user);
    json::object o;
    o["id"] = r.id;
    o["uri"] = "kylo:kylo:admin:refresh_tokens:" + r.id;
    o["account"] = "kylo:kylo:admin:accounts:kylo";
    o["application"] = "ncryptify:gemalto:admin:apps:kylo";
    o["devAccount"] = "ncryptify:gemalto:admin:accounts:gemalto";
    o["createdAt"] = rfc3339(r.created);
    o["updatedAt"] = rfc3339(r.updated);
    o["expiresAt"] = rfc3339(r.expires); // null for a token without expiry: none here
    o["labels"] = to_array(r.labels);
    o["client_id"] = client_id;
    o["user_id"] = uid == user_ids.end() ? std::string() : "local|" + uid->second;
    o["username"] = r.user;
    return o;
}

Reply CipherTrustAuth::list_refresh(const boost::urls::url_view& u, Time now) const {
    long long skip = 0, limit = 10;
    Reply bad;
    std::vector<std::string> want; // every one of these labels
    for (auto p : u.params()) {
        if (!paging_param(p.key, p.value, skip, limit, bad))
            return bad;
        if (p.key != "labels")
            continue;
        std::string_view v = p.value;
        while (!v.empty()) {
            const auto comma = v.find(',');
            const std::string_view label = trim(v.substr(0, comma));
            if (!label.empty())
                want.emplace_back(label);
            v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
        }
    }
    std::vector<const RefreshToken*> live;
    for (const auto& [token, rec] : tokens.refresh) {
        if (rec.expires <= now)
            continue;
        const bool labelled =
            std::all_of(want.begin(), want.end(), [&labels = rec.labels](const std::string& l) {
                return std::find(labels.begin(), labels.end(), l) != labels.end();
            });
        if (labelled)
            live.push_back(&rec);
    }
    // Newest first.
    std::sort(live.begin(), live.end(), [](const RefreshToken* a, const RefreshToken* b) {
        return a->created != b->created ? a->created > b->created : a->id < b->id;
    });
    json::array all;
    for (const RefreshToken* r : live)
        all.emplace_back(refresh_json(*r));
    return json_reply(200, page_of(std::move(all), skip, limit));
}

Reply CipherTrustAuth::get_refresh(std::string_view id, Time now) const {
    for (const auto& [token, rec] : tokens.refresh)
        if (rec.id == id && rec.expires > now)
            return json_reply(200, refresh_json(rec));
    return cckm_not_found("no refresh token with id " + std::string(id));
}

std::optional<Reply> CipherTrustAuth::check_bearer(const Request& req, Time now) const {
    if (!req.has_authorization || trim(req.authorization).empty())
        return cckm_unauthorized("Token is missing");
    std::string_view a = trim(req.authorization);
    auto sp = a.find(' ');
    if (sp == std::string_view::npos || lower(a.substr(0, sp)) != "bearer")
        return cckm_unauthorized("Authorization header must be \"Bearer <token>\"");
    std::string token(trim(a.substr(sp + 1)));
    auto expired = [&](Time exp) {
        long long by = std::chrono::duration_cast<seconds>(now - exp).count();
        return cckm_unauthorized("Token is expired by " + go_duration(std::max(1LL, by)));
    };
    auto it = tokens.access.find(token);
    if (it != tokens.access.end()) {
        if (now >= it->second.exp)
            return expired(it->second.exp);
        return std::nullopt;
    }
    // Not ours (or purged): tell expired from malformed the way a JWT library would.
    auto d1 = token.find('.');
    auto d2 = d1 == std::string::npos ? d1 : token.find('.', d1 + 1);
    if (d2 == std::string::npos || token.find('.', d2 + 1) != std::string::npos)
        return cckm_unauthorized("Token is malformed: token contains an invalid number of "
                                 "segments");
    auto payload = base64url_decode(std::string_view(token).substr(d1 + 1, d2 - d1 - 1));
    boost::system::error_code ec;
    json::value p = payload ? json::parse(*payload, ec) : json::value();
    long long exp = 0;
    if (!payload || ec || !p.is_object() || !p.as_object().if_contains("exp") ||
        !json_int(p.as_object().at("exp"), exp))
        return cckm_unauthorized("Token is malformed");
    if (Time(seconds(exp)) <= now)
        return expired(Time(seconds(exp)));
    return cckm_unauthorized("Token is invalid: signature is invalid");
}

} // namespace keyops_sim
