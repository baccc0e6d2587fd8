// keyops-sim: the CCKM jobs of every kind: the initial jobs, their progress over time, and the
// list, start, get and cancel routes.
#ifndef KEYOPS_SIM_JOBS_HPP
#define KEYOPS_SIM_JOBS_HPP

#include "sim.hpp"

#include <boost/json/object.hpp>
#include <boost/url/url_view.hpp>

#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace keyops_sim {

struct Job {
    std::string id;
    std::size_t kind = 0; // index of its kind in the served kinds (jobs.cpp)
    Time created;
    double seconds = 0;
    std::vector<std::string> resources;
    std::vector<std::string> regions; // AWS only
    std::optional<Time> cancelled;
    std::string key_id, operation; // update-all-versions
    long long version_count = 0;
    std::optional<boost::json::object> fixed; // a verbatim seed job
    Time fixed_updated;
    std::string fixed_status;
    int origin_node = 0; // the cluster node it was started through (not kept in the state file)
};

class Jobs {
public:
    explicit Jobs(const Config& c);

    // Back to the initial jobs: the same seed gives the same job ids again.
    void reset(Time now);
    // A CCKM route other than auth/tokens, its bearer token and Accept header checked.
    Reply route(const Request& req, std::string_view path, const boost::urls::url_view& u,
                Time now);

    // The state file's form of the jobs and the id generator, and back; restore() throws
    // std::runtime_error or boost::system::system_error for a form it cannot read.
    boost::json::object save() const;
    void restore(const boost::json::object& o);
    // {"kind":..,"id":..,"overall_status":..,"abort":..} for every job, as it is at `now`.
    boost::json::array summary(Time now) const;

private:
    void seed_jobs(Time now);
    // Null when there is none, or when it cannot be seen yet through the request's node.
    Job* find_job(std::size_t ki, std::string_view id, const Request& req, Time now);
    // A job started through another node within --replication-lag is not visible yet.
    bool visible(const Job& j, const Request& req, Time now) const;
    Reply list(std::size_t ki, const Request& req, const boost::urls::url_view& u, Time now);
    Reply start(std::size_t ki, const Request& req, Time now);
    Reply cancel(Job& j, Time now);

    // --scenario: the jobs due by `now` that are not made yet, each created at its own time.
    void run_scenario(Time now);

    const Config& cfg;
    std::mt19937_64 job_rng;
    std::mt19937_64 scenario_rng;
    Time scenario_start{};
    long scenario_made = 0;
    std::vector<std::vector<Job>> jobs; // by kind index
};

} // namespace keyops_sim

#endif
