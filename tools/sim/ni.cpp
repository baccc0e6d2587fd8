// keyops-sim: the simulated Network Insight server (see ni.hpp).
#include "ni.hpp"

#include "common.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace keyops_sim {

using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

constexpr std::size_t kNiTokenCap = 100;
constexpr int kCustomerId = 1;

} // namespace

NetworkInsight::NetworkInsight(const Config& c, std::mt19937_64& rng, Tokens& t)
    : cfg(c), token_rng(rng), tokens(t) {}

void NetworkInsight::reset(Time now) {
    rotation.reset();
    fail_next_rotation = false;
    fail_collectors.clear();
    key_updated = Time(milliseconds(to_ms(now - std::chrono::hours(24 * 30))));
    key_updated_by = "admin";
}

void NetworkInsight::fail_next(std::vector<std::string> collectors) {
    fail_next_rotation = true;
    fail_collectors = std::move(collectors);
}

std::size_t NetworkInsight::live_ni_tokens(const std::string& user, Time now) const {
    std::size_t n = 0;
    for (const auto& [t, rec] : tokens.ni_tokens)
        if (rec.user == user && rec.expiry > now)
            ++n;
    return n;
}

Reply NetworkInsight::ni_login(const Request& req, Time now) {
    static const std::string target = "/api/ni/auth/token";
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec || !body.is_object())
        return ni_error(400, "request body must be a JSON object", target);
    const json::object& o = body.as_object();
    auto* u = o.if_contains("username");
    auto* p = o.if_contains("password");
    if (!u || !u->is_string() || !p || !p->is_string())
        return ni_error(400, "username and password are required", "username");
    auto* d = o.if_contains("domain");
    if (!d || !d->is_object())
        return ni_error(400,
                        "domain is required: {\"domain_type\":\"LOCAL\"|\"LDAP\","
                        "\"value\":...}",
                        "domain");
    auto* dt = d->as_object().if_contains("domain_type");
    if (!dt || !dt->is_string() || (dt->get_string() != "LOCAL" && dt->get_string() != "LDAP"))
        return ni_error(400, "domain.domain_type must be LOCAL or LDAP", "domain.domain_type");
    auto* dv = d->as_object().if_contains("value");
    if (dv && !dv->is_string())
        return ni_error(400, "domain.value must be a string", "domain.value");
    bool ok = false;
    for (const auto& nu : cfg.ni_users)
        ok = ok || (nu.name == u->get_string() && nu.password == p->get_string());
    if (!ok)
        return ni_error(401, "Invalid username or password", target);
    return issue_ni_token(std::string(u->get_string()), now);
}

Reply NetworkInsight::issue_ni_token(const std::string& user, Time now) {
    static const std::string target = "/api/ni/auth/token";
    tokens.purge(now);
    if (live_ni_tokens(user, now) >= kNiTokenCap)
        return ni_error(401,
                        "Maximum number of valid tokens (100) reached for user " + user +
                            "; delete one with DELETE /api/ni/auth/token",
                        target);
    std::string token = base64(random_bytes(token_rng, 24), false);
    Time expiry = Time(milliseconds(to_ms(now + seconds(cfg.token_ttl))));
    tokens.ni_tokens[token] = NiToken{user, expiry};
    json::object out;
    out["token"] = token;
    out["expiry"] = to_ms(expiry);
    return json_reply(200, out);
}

// On success returns the token; otherwise fills `err`.
std::optional<std::string> NetworkInsight::check_ni(const Request& req, std::string_view path,
                                                    Time now, Reply& err) {
    std::string_view a = trim(req.authorization);
    if (!req.has_authorization || a.empty()) {
        err = ni_error(401, "Authorization header is missing", path);
        return std::nullopt;
    }
    auto sp = a.find(' ');
    if (sp == std::string_view::npos || lower(a.substr(0, sp)) != "networkinsight") {
        err = ni_error(401, "Authorization header must be \"NetworkInsight <token>\"", path);
        return std::nullopt;
    }
    std::string token(trim(a.substr(sp + 1)));
    auto it = tokens.ni_tokens.find(token);
    if (it == tokens.ni_tokens.end()) {
        err = ni_error(401, "Invalid token", path);
        return std::nullopt;
    }
    if (it->second.expiry <= now) {
        err = ni_error(401, "Token expired", path);
        return std::nullopt;
    }
    return token;
}

// Applies a finished successful rotation to the key details once.
void NetworkInsight::settle(Time now) {
    if (!rotation || rotation->settled)
        return;
    Time end = rotation->started + secs(rotation->seconds);
    if (now < end)
        return;
    rotation->settled = true;
    if (!rotation->fail) {
        key_updated = Time(milliseconds(to_ms(end)));
        key_updated_by = rotation->user;
    }
}

std::string NetworkInsight::rotation_status(Time now) const {
    double elapsed = std::chrono::duration<double>(now - rotation->started).count();
    if (elapsed < 0.1 * rotation->seconds)
        return "SUBMITTED";
    if (elapsed < rotation->seconds)
        return "IN_PROGRESS";
    return rotation->fail ? "FAILED" : "SUCCESS";
}

json::object NetworkInsight::rotation_json(Time now) const {
    json::object o;
    o["customerId"] = kCustomerId;
    std::string st = rotation_status(now);
    o["status"] = st;
    o["failedCollectorIds"] = st == "FAILED" ? to_array(rotation->failed_ids) : json::array{};
    return o;
}

Reply NetworkInsight::route(const Request& req, std::string_view path, Time now, bool saas) {
    static const std::string base = "/api/ni/customers/collector/data-encryption-cert";
    if (saas && starts_with(path, "/api/ni/auth/"))
        return ni_error(404,
                        "Network Insight SaaS has no token routes: exchange a CSP API token and "
                        "send csp-auth-token",
                        path);
    if (path == "/api/ni/auth/token/vidm") {
        if (req.method != "POST")
            return method_not_allowed(path, "POST");
        return vidm_login(req, now);
    }
    if (path == "/api/ni/auth/vidm/client-id") {
        if (req.method != "GET")
            return method_not_allowed(path, "GET");
        json::object o;
        o["client_id"] = "keyops-sim-vidm-client";
        return json_reply(200, o);
    }
    if (path == "/api/ni/auth/token") {
        if (req.method == "POST")
            return ni_login(req, now);
        if (req.method != "DELETE")
            return method_not_allowed(path, "POST, DELETE");
        Reply err;
        auto token = check_ni(req, path, now, err);
        if (!token)
            return err;
        tokens.ni_tokens.erase(*token);
        Reply r;
        r.status = 204;
        return r;
    }
    Reply err;
    std::string user;
    if (saas) {
        auto u = check_csp(req, path, now, err);
        if (!u)
            return err;
        user = *u;
    } else {
        auto token = check_ni(req, path, now, err);
        if (!token)
            return err;
        user = tokens.ni_tokens[*token].user;
    }
    settle(now);
    if (path == base + "/update") {
        if (req.method != "POST")
            return method_not_allowed(path, "POST");
        if (rotation && !rotation->settled)
            return ni_error(409, "A proxy key rotation is already in progress", path);
        Rotation rot;
        rot.started = now;
        rot.seconds = cfg.job_seconds;
        rot.user = user;
        rot.fail = fail_next_rotation;
        rot.failed_ids = fail_collectors;
        fail_next_rotation = false;
        rotation = rot;
        settle(now); // --job-seconds 0 finishes at once
        return json_reply(200, rotation_json(now));
    }
    if (path == base + "/update/status") {
        if (req.method != "GET")
            return method_not_allowed(path, "GET");
        if (!rotation)
            return ni_error(404, "No proxy key rotation has been requested", path);
        return json_reply(200, rotation_json(now));
    }
    if (path == base + "/details") {
        if (req.method != "GET")
            return method_not_allowed(path, "GET");
        long long days =
            std::chrono::duration_cast<std::chrono::hours>(now - key_updated).count() / 24;
        json::object o;
        o["customerId"] = kCustomerId;
        o["lifetime"] = "365";
        o["remainingValidity"] = std::to_string(std::max(0LL, 365 - days));
        o["lastUpdatedAt"] = to_ms(key_updated);
        o["lastUpdatedBy"] = key_updated_by;
        return json_reply(200, o);
    }
    return ni_error(404, "no route for " + std::string(path), path);
}

} // namespace keyops_sim
