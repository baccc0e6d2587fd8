// keyops-sim: Network Insight SaaS and the other ways to a Network Insight token: the VMware CSP
// exchange of an API token for an access token (sent back as csp-auth-token on /ni/api/ni/...),
// and the vIDM grant.
#include "ni.hpp"

#include "common.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/decode_view.hpp>
#include <boost/url/parse_query.hpp>

#include <algorithm>

namespace keyops_sim {

namespace {

const char* const kCspPath = "/csp/gateway/am/api/auth/api-tokens/authorize";

// CSP's error shape, as far as keyops reads it.
Reply csp_error(int status, std::string_view message) {
    json::object o;
    o["statusCode"] = status;
    o["message"] = message;
    o["requestId"] = "sim-csp-request";
    return json_reply(status, o);
}

} // namespace

Reply NetworkInsight::csp_authorize(const Request& req, Time now) {
    if (req.method != "POST")
        return method_not_allowed(kCspPath, "POST");
    const auto q = req.target.find('?');
    if (q != std::string::npos && req.target.find("refresh_token=", q) != std::string::npos)
        return csp_error(400, "the refresh_token query parameter is no longer accepted: send "
                              "api_token in an application/x-www-form-urlencoded body");
    auto params = boost::urls::parse_query(req.body);
    if (!params)
        return csp_error(400, "the body must be a form: api_token=...");
    std::string api_token;
    for (const auto& p : *params)
        if (p.key == "api_token" && p.has_value) {
            const auto decoded = *p.value; // %XX undone
            api_token.assign(decoded.begin(), decoded.end());
        }
    if (api_token.empty())
        return csp_error(400, "api_token is required");
    if (std::find(cfg.csp_tokens.begin(), cfg.csp_tokens.end(), api_token) == cfg.csp_tokens.end())
        return csp_error(400, "invalid_grant: the API token is not valid");
    std::string token = base64(random_bytes(token_rng, 32), true);
    tokens.csp_access[token] = NiToken{"csp-user", now + std::chrono::seconds(cfg.token_ttl)};
    json::object out;
    out["access_token"] = token;
    out["expires_in"] = cfg.token_ttl;
    out["token_type"] = "bearer";
    out["scope"] = "ALL_PERMISSIONS";
    return json_reply(200, out);
}

std::optional<std::string> NetworkInsight::check_csp(const Request& req, std::string_view path,
                                                     Time now, Reply& err) {
    const std::string_view t = trim(req.csp_auth_token);
    if (t.empty()) {
        err = ni_error(401, "csp-auth-token header is missing", path);
        return std::nullopt;
    }
    auto it = tokens.csp_access.find(std::string(t));
    if (it == tokens.csp_access.end()) {
        err = ni_error(401, "Invalid csp-auth-token", path);
        return std::nullopt;
    }
    if (it->second.expiry <= now) {
        err = ni_error(401, "csp-auth-token expired", path);
        return std::nullopt;
    }
    return it->second.user;
}

Reply NetworkInsight::vidm_login(const Request& req, Time now) {
    static const std::string target = "/api/ni/auth/token/vidm";
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec || !body.is_object())
        return ni_error(400, "request body must be a JSON object", target);
    auto* v = body.as_object().if_contains("vidm_token");
    if (!v || !v->is_string() || v->get_string().empty())
        return ni_error(400, "vidm_token is required", "vidm_token");
    const std::string given(v->get_string());
    if (std::find(cfg.vidm_tokens.begin(), cfg.vidm_tokens.end(), given) == cfg.vidm_tokens.end())
        return ni_error(401, "Invalid vIDM token", target);
    return issue_ni_token("vidm-user", now);
}

} // namespace keyops_sim
