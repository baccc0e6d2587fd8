// keyops-sim: the CipherTrust scheduler: job configs (schedules of CCKM synchronization, CCKM key
// rotation, XKS credential rotation and database backup) and their runs, which progress by the
// wall clock as the CCKM jobs do. Routes under /api/v1/scheduler (see docs/reference/simulator.md);
// the bearer token and Accept header are checked before.
#ifndef KEYOPS_SIM_SCHEDULER_HPP
#define KEYOPS_SIM_SCHEDULER_HPP

#include "sim.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/url/url_view.hpp>

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace keyops_sim {

struct Schedule {
    std::string id;
    Time created;
    Time updated;
    // The config as answered: every member in the server's order, the operation's parameters
    // under job_config_params (scheduler.cpp makes and checks it).
    boost::json::object obj;
};

struct Run {
    std::string id;
    std::string config_id;
    std::string config_name;
    std::string operation; // the config's
    Time created;
    double seconds = 0;
    std::vector<std::string> resources; // "fail" in a name: the run ends failed
};

class Scheduler {
public:
    explicit Scheduler(const Config& c);

    // Back to the initial schedule and run: the same seed gives the same ids again.
    void reset(Time now);
    Reply route(const Request& req, std::string_view path, const boost::urls::url_view& u,
                Time now);

    // The state file's form, and back; restore() throws for a form it cannot read.
    boost::json::object save() const;
    void restore(const boost::json::object& o);

    // POST /__sim/run-now-empty {"empty":b}: run-now answers 204 with no body (the other
    // reading of the API) until set back.
    bool run_now_empty = false;

private:
    Reply create(const Request& req, Time now);
    Reply patch(Schedule& s, const Request& req, Time now);
    Reply run_now(const Schedule& s, Time now);
    Reply list_configs(const boost::urls::url_view& u) const;
    Reply list_runs(const boost::urls::url_view& u, Time now) const;
    Schedule* find(std::string_view id);
    const Run* find_run(std::string_view id) const;
    // Whether another schedule than `except` is named `name`.
    bool name_taken(std::string_view name, std::string_view except) const;

    const Config& cfg;
    std::mt19937_64 rng;
    std::vector<Schedule> schedules;
    std::vector<Run> runs;
};

} // namespace keyops_sim

#endif
