#ifndef KEYOPS_MODEL_SCHEDULER_HPP
#define KEYOPS_MODEL_SCHEDULER_HPP

// CipherTrust scheduler response types: a job config (a schedule), a run of one (a scheduler
// job), and a page of each. docs/server-api.md ("Scheduler") says which fields are confirmed:
// `operation` and the `cckm_synchronization_params` members are in Thales' client, `name`,
// `run_on` and `run_at` in the scheduler's documentation; the rest of the fields modelled here
// are unconfirmed guesses in CipherTrust's usual shape, and read as empty when a server does not
// send them. Members not modelled are skipped.

#include <keyops/model/paging.hpp>
#include <keyops/model/status.hpp>
#include <keyops/parse/json_view.hpp>
#include <keyops/parse/schema.hpp>
#include <keyops/parse/timestamp.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

namespace keyops::scheduler {

/// `cckm_synchronization_params` of a CCKM synchronization schedule.
struct cckm_sync_params {
    std::string_view cloud_name; ///< "aws", "oci", "azure", "gcp", ...
    string_list kms;             ///< AWS: KMS names or ids
    string_list oci_vaults;      ///< OCI: vault ids
    bool synchronize_all = false;
};

/// A job config: what runs, and when (`run_at`, a cron line).
struct job_config {
    std::string_view id;
    std::string_view uri;     ///< unconfirmed
    std::string_view account; ///< unconfirmed
    std::string_view name;
    std::string_view description; ///< unconfirmed
    std::string_view operation;   ///< "cckm_synchronization"
    std::string_view run_on;      ///< "any": any node of a cluster
    std::string_view run_at;      ///< a cron line, e.g. "0 2 * * *"
    std::optional<bool> disabled; ///< unconfirmed
    timestamp created_at;         ///< `createdAt`
    timestamp updated_at;         ///< `updatedAt`
    cckm_sync_params cckm_synchronization_params;
};

/// A run of a job config (the scheduler calls it a job).
struct run {
    std::string_view id;
    std::string_view uri;     ///< unconfirmed
    std::string_view account; ///< unconfirmed
    /// The job config it runs; unconfirmed name. Some servers may write `config_id`: both are
    /// read, and config() answers whichever is present.
    std::string_view job_config_id;
    std::string_view config_id;
    std::string_view operation; ///< unconfirmed on a run
    /// The CCKM status words (in_progress, completed, failed); the field name is unconfirmed.
    job_status status;
    timestamp created_at; ///< `createdAt`
    timestamp updated_at; ///< `updatedAt`
    /// Free text about the run, and the error text of a failed one (both names unconfirmed).
    std::string_view detail;
    std::string_view error;

    /// The id of the job config it runs, under whichever name the server used.
    std::string_view config() const noexcept {
        return job_config_id.empty() ? config_id : job_config_id;
    }
    /// Ended: completed or failed. Unknown words are not terminal.
    bool done() const noexcept { return is_terminal(status.state); }
};

/// One page of job configs.
struct job_config_list {
    std::optional<std::uint64_t> skip;
    std::optional<std::uint64_t> limit;
    std::optional<std::uint64_t> total;
    std::vector<job_config> resources;
};

/// One page of runs.
struct run_list {
    std::optional<std::uint64_t> skip;
    std::optional<std::uint64_t> limit;
    std::optional<std::uint64_t> total;
    std::vector<run> resources;
};

/// The paging rule of cckm::next_page_skip, for either page: the offset of the next page, or
/// nothing at the end (an empty page ends paging whatever its total says).
template <class Page>
std::optional<std::uint64_t> next_page_skip(const Page& page, std::uint64_t skip) noexcept {
    static_assert(std::is_same_v<Page, job_config_list> || std::is_same_v<Page, run_list>,
                  "keyops: scheduler::next_page_skip takes a job_config_list or a run_list");
    return keyops::detail::next_page_skip(page, skip);
}

} // namespace keyops::scheduler

template <>
struct keyops::json_schema<keyops::scheduler::cckm_sync_params> {
    using T = scheduler::cckm_sync_params;
    static constexpr field_entry fields[] = {
        field<&T::cloud_name>("cloud_name"),
        field<&T::kms>("kms"),
        field<&T::oci_vaults>("oci_vaults"),
        field<&T::synchronize_all>("synchronize_all"),
    };
};

template <>
struct keyops::json_schema<keyops::scheduler::job_config> {
    using T = scheduler::job_config;
    static constexpr field_entry fields[] = {
        field<&T::id>("id"),
        field<&T::uri>("uri"),
        field<&T::account>("account"),
        field<&T::name>("name"),
        field<&T::description>("description"),
        field<&T::operation>("operation"),
        field<&T::run_on>("run_on"),
        field<&T::run_at>("run_at"),
        field<&T::disabled>("disabled"),
        field<&T::created_at>("createdAt"),
        field<&T::updated_at>("updatedAt"),
        field<&T::cckm_synchronization_params>("cckm_synchronization_params"),
    };
};

template <>
struct keyops::json_schema<keyops::scheduler::run> {
    using T = scheduler::run;
    static constexpr field_entry fields[] = {
        field<&T::id>("id"),
        field<&T::uri>("uri"),
        field<&T::account>("account"),
        field<&T::job_config_id>("job_config_id"),
        field<&T::config_id>("config_id"),
        field<&T::operation>("operation"),
        field<&T::status>("status"),
        field<&T::created_at>("createdAt"),
        field<&T::updated_at>("updatedAt"),
        field<&T::detail>("detail"),
        field<&T::error>("error"),
    };
};

template <>
struct keyops::json_schema<keyops::scheduler::job_config_list> {
    using T = scheduler::job_config_list;
    static constexpr field_entry fields[] = {
        field<&T::skip>("skip"),
        field<&T::limit>("limit"),
        field<&T::total>("total"),
        field<&T::resources>("resources"),
    };
};

template <>
struct keyops::json_schema<keyops::scheduler::run_list> {
    using T = scheduler::run_list;
    static constexpr field_entry fields[] = {
        field<&T::skip>("skip"),
        field<&T::limit>("limit"),
        field<&T::total>("total"),
        field<&T::resources>("resources"),
    };
};

#endif
