#ifndef KEYOPS_ENDPOINT_SCHEDULER_HPP
#define KEYOPS_ENDPOINT_SCHEDULER_HPP

// CipherTrust scheduler endpoints: job configs (schedules) of CCKM synchronization, and their
// runs. Paths are under the CipherTrust base (/api), with Bearer auth like the CCKM jobs.
//
//     scheduler::cckm_sync_schedule s;
//     s.name = "nightly-aws";
//     s.cloud_name = "aws";
//     s.run_at = "0 2 * * *";
//     s.kms = {"kms-prod"};
//     auto cfg = cm.call<scheduler::create_config>(s);
//     auto run = cm.call<scheduler::run_now>(scheduler::config_id(cfg->id));
//     auto again = cm.call<scheduler::get_run>(keyops::job_id(run->id));
//
// Which fields are confirmed is in docs/server-api.md ("Scheduler"). A server that answers
// run-now without a body: see started_without_run().

#include <keyops/diagnostics.hpp>
#include <keyops/endpoint/cckm.hpp>
#include <keyops/endpoint/descriptor.hpp>
#include <keyops/endpoint/query_writer.hpp>
#include <keyops/error.hpp>
#include <keyops/model/scheduler.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace keyops::scheduler {

/// The `{id}` path parameter of the job-config endpoints: a schedule's id. A type of its own, so
/// that a run's id (keyops::job_id) cannot be passed where a schedule's is expected.
struct config_id {
    static constexpr std::string_view placeholder = "{id}";
    constexpr explicit config_id(std::string_view v) noexcept : value(v) {}
    std::string_view value;
};

/// Any JSON object as the body: create bodies with fields not modelled, and PATCH bodies.
using raw_json_body = cckm::raw_json_body;

/// The `operation` of a CCKM synchronization schedule.
inline constexpr std::string_view cckm_synchronization = "cckm_synchronization";

namespace detail {

inline boost::json::array to_json_array(const std::vector<std::string>& v) {
    boost::json::array a;
    a.reserve(v.size());
    for (const auto& s : v)
        a.emplace_back(s);
    return a;
}

// Merges `extra` into `into`: objects member by member, anything else replaced.
inline void merge_into(boost::json::object& into, const boost::json::object& extra) {
    for (const auto& kv : extra) {
        auto* mine = into.if_contains(kv.key());
        if (mine && mine->is_object() && kv.value().is_object())
            merge_into(mine->as_object(), kv.value().as_object());
        else
            into[kv.key()] = kv.value();
    }
}

} // namespace detail

/// The create body of a CCKM synchronization schedule:
/// `{"name":..,"operation":"cckm_synchronization","run_on":..,"run_at":..,
///   "cckm_synchronization_params":{"cloud_name":..,"kms":[..],"oci_vaults":[..],
///   "synchronize_all":b}}`. `kms` and `oci_vaults` are sent when not empty. `extra`, a JSON
/// object, is merged over the result (nested objects member by member): fields keyops does not
/// model, e.g. `{"description":"..","cckm_synchronization_params":{"regions":[..]}}`.
struct cckm_sync_schedule {
    std::string name;
    std::string run_at;         ///< a cron line
    std::string run_on = "any"; ///< "any" node of a cluster
    std::string cloud_name;     ///< "aws", "oci", "azure", "gcp", ...
    std::vector<std::string> kms;
    std::vector<std::string> oci_vaults;
    bool synchronize_all = false;
    std::string extra; ///< empty, or a JSON object

    /// invalid_argument when name, run_at or cloud_name is empty, or extra is not an object.
    error_code write_json(std::string& out) const {
        if (name.empty() || run_at.empty() || cloud_name.empty())
            return make_error_code(error::invalid_argument);
        boost::json::object p;
        p["cloud_name"] = cloud_name;
        if (!kms.empty())
            p["kms"] = detail::to_json_array(kms);
        if (!oci_vaults.empty())
            p["oci_vaults"] = detail::to_json_array(oci_vaults);
        p["synchronize_all"] = synchronize_all;
        boost::json::object o;
        o["name"] = name;
        o["operation"] = cckm_synchronization;
        o["run_on"] = run_on;
        o["run_at"] = run_at;
        o["cckm_synchronization_params"] = std::move(p);
        if (!extra.empty()) {
            boost::system::error_code ec;
            auto v = boost::json::parse(extra, ec);
            if (ec || !v.is_object())
                return make_error_code(error::invalid_argument);
            detail::merge_into(o, v.as_object());
        }
        out = boost::json::serialize(o);
        return {};
    }
};

/// Paging and order of the job-config list.
struct config_list_query {
    std::optional<std::uint64_t> skip;
    std::optional<std::uint64_t> limit;
    /// Comma-separated fields, `-` for descending, e.g. "-createdAt" (unconfirmed here).
    std::string sort;
    /// Only the schedule of this name (`name=`; unconfirmed).
    std::string name;
    /// Further parameters sent as given.
    std::vector<std::pair<std::string, std::string>> extra;

    void append_to(query_writer& w) const {
        if (!name.empty())
            w.add("name", name);
        if (skip)
            w.add("skip", *skip);
        if (limit)
            w.add("limit", *limit);
        if (!sort.empty())
            w.add("sort", sort);
        for (const auto& [n, v] : extra)
            w.add(n, v);
    }
};

/// Filters, paging and order of the run list.
struct run_list_query {
    /// Only the runs of this job config (`job_config_id=`; unconfirmed).
    std::string job_config_id;
    std::optional<job_state> status; ///< `status=` (unconfirmed)
    std::optional<std::uint64_t> skip;
    std::optional<std::uint64_t> limit;
    std::string sort;
    std::vector<std::pair<std::string, std::string>> extra;

    void append_to(query_writer& w) const {
        if (!job_config_id.empty())
            w.add("job_config_id", job_config_id);
        if (status && *status != job_state::unknown)
            w.add("status", to_string(*status));
        if (skip)
            w.add("skip", *skip);
        if (limit)
            w.add("limit", *limit);
        if (!sort.empty())
            w.add("sort", sort);
        for (const auto& [n, v] : extra)
            w.add(n, v);
    }
};

// --- descriptors --------------------------------------------------------------------------------

/// POST a new job config. Never retried once it may have reached the server: it would make two.
struct create_config : descriptor_defaults {
    static constexpr http_method method = http_method::post;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/scheduler/job-configs");
    using bodies = std::tuple<cckm_sync_schedule, raw_json_body>;
    static constexpr bool body_required = true;
    using response = job_config;
    static constexpr idempotency retry = idempotency::not_idempotent;
};

/// GET a page of job configs.
struct list_configs : descriptor_defaults {
    static constexpr http_method method = http_method::get;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/scheduler/job-configs");
    using query = config_list_query;
    using response = job_config_list;
};

/// GET one job config.
struct get_config : descriptor_defaults {
    static constexpr http_method method = http_method::get;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/scheduler/job-configs/{id}");
    using path_params = std::tuple<config_id>;
    using response = job_config;
};

/// PATCH a job config with the fields given (a JSON object). Sending the same fields again
/// leaves the same config, so it is retried.
struct update_config : descriptor_defaults {
    static constexpr http_method method = http_method::patch;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/scheduler/job-configs/{id}");
    using path_params = std::tuple<config_id>;
    using bodies = std::tuple<raw_json_body>;
    static constexpr bool body_required = true;
    using response = job_config;
};

/// DELETE a job config.
struct delete_config : descriptor_defaults {
    static constexpr http_method method = http_method::delete_;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/scheduler/job-configs/{id}");
    using path_params = std::tuple<config_id>;
    using response = empty_response;
};

/// POST: runs a job config at once. Answers the run it started (assumed; see
/// started_without_run() for a server that answers without a body). Never retried: it would
/// start two. A body is optional (none is documented).
struct run_now : descriptor_defaults {
    static constexpr http_method method = http_method::post;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/scheduler/job-configs/{id}/run-now");
    using path_params = std::tuple<config_id>;
    using bodies = std::tuple<raw_json_body>;
    using response = run;
    static constexpr idempotency retry = idempotency::not_idempotent;
};

/// GET a page of runs.
struct list_runs : descriptor_defaults {
    static constexpr http_method method = http_method::get;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/scheduler/jobs");
    using query = run_list_query;
    using response = run_list;
};

/// GET one run.
struct get_run : descriptor_defaults {
    static constexpr http_method method = http_method::get;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/scheduler/jobs/{id}");
    using path_params = std::tuple<job_id>;
    using response = run;
};

/// After a run_now call that failed with `ec`: true when the server accepted it (2xx) but sent
/// no body, so the run started and its id is not known (find it with list_runs, newest first).
inline bool started_without_run(const error_code& ec, const diagnostics& d) noexcept {
    return ec == error::empty_body && d.http_status / 100 == 2;
}

} // namespace keyops::scheduler

#endif
