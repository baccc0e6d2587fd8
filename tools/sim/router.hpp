// keyops-sim: the state of the simulated servers, and the router that hands each request to the
// part owning its path: auth.cpp (CipherTrust tokens), jobs.cpp (CCKM jobs), ni.cpp (Network
// Insight), scheduler.cpp (the CipherTrust scheduler), admin.cpp (/__sim/). router.cpp routes and
// applies the faults of faults.cpp.
#ifndef KEYOPS_SIM_ROUTER_HPP
#define KEYOPS_SIM_ROUTER_HPP

#include "auth.hpp"
#include "faults.hpp"
#include "jobs.hpp"
#include "ni.hpp"
#include "scheduler.hpp"
#include "sim.hpp"

#include <boost/url/url_view.hpp>

#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace keyops_sim {

struct Sim::Impl {
    Config cfg;
    std::mt19937_64 token_rng; // tokens of both servers, CipherTrust user and client ids
    Tokens tokens;
    CipherTrustAuth auth;
    Jobs jobs;
    NetworkInsight ni;
    Scheduler scheduler;
    Faults faults;
    std::map<std::string, long> stats; // requests seen, by "METHOD /path"
    long total = 0;
    std::string cert_pem, key_pem; // kept in the state file (state.cpp)
    bool state_write_failed = false;
    std::vector<bool> node_down; // by node index
    unsigned node_generation = 0;

    explicit Impl(Config c);

    // Back to the state at start: the same seed gives the same job ids again.
    void reset(Time now);
    Plan begin(const Request& req);
    Reply respond(const Request& req, const Plan& plan);

    Reply route(const Request& req, Time now);
    Reply cckm(const Request& req, std::string_view path, const boost::urls::url_view& u, Time now);
    // The /__sim/ admin API (admin.cpp).
    Reply admin(const Request& req, std::string_view path, Time now);

    // The state file (state.cpp): everything but the fault rules, which start again from
    // --fault. load_state() throws std::runtime_error for a file it cannot use.
    void load_state();
    void save_state();
    // GET /__sim/jobs: every job of every kind as it is now, in brief.
    Reply jobs_summary(Time now) const;
};

} // namespace keyops_sim

#endif
