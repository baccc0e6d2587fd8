// keyops-sim: the simulated Network Insight server: tokens (at most 100 live per user), proxy
// key rotations and the key details.
#ifndef KEYOPS_SIM_NI_HPP
#define KEYOPS_SIM_NI_HPP

#include "auth.hpp"
#include "sim.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace keyops_sim {

class NetworkInsight {
public:
    // Issues its tokens into `t`, drawn from `rng`.
    NetworkInsight(const Config& c, std::mt19937_64& rng, Tokens& t);

    // No rotation yet, the key last updated 30 days ago by "admin".
    void reset(Time now);
    // A request under /api/ni; `saas`: it came as /ni/api/ni/... (Network Insight SaaS), whose
    // requests carry a CSP access token in csp-auth-token instead (ni_saas.cpp).
    Reply route(const Request& req, std::string_view path, Time now, bool saas = false);
    // POST /csp/gateway/am/api/auth/api-tokens/authorize, form body api_token=T (ni_saas.cpp).
    Reply csp_authorize(const Request& req, Time now);
    // POST /__sim/rotation-fail: the next rotation fails, naming these collectors.
    void fail_next(std::vector<std::string> collectors);

    // The rotation and the key details, for the state file.
    boost::json::object save() const;
    void restore(const boost::json::object& o);

private:
    struct Rotation {
        Time started;
        double seconds = 0;
        bool fail = false;
        std::vector<std::string> failed_ids;
        std::string user;
        bool settled = false;
    };

    std::size_t live_ni_tokens(const std::string& user, Time now) const;
    Reply ni_login(const Request& req, Time now);
    Reply vidm_login(const Request& req, Time now);
    Reply issue_ni_token(const std::string& user, Time now);
    // The user of a live CSP access token; otherwise fills `err`.
    std::optional<std::string> check_csp(const Request& req, std::string_view path, Time now,
                                         Reply& err);
    std::optional<std::string> check_ni(const Request& req, std::string_view path, Time now,
                                        Reply& err);
    void settle(Time now);
    std::string rotation_status(Time now) const;
    boost::json::object rotation_json(Time now) const;

    const Config& cfg;
    std::mt19937_64& token_rng;
    Tokens& tokens;
    std::optional<Rotation> rotation;
    bool fail_next_rotation = false;
    std::vector<std::string> fail_collectors;
    Time key_updated;
    std::string key_updated_by;
};

} // namespace keyops_sim

#endif
