#ifndef KEYOPS_MODEL_SCHEDULER_HPP
#define KEYOPS_MODEL_SCHEDULER_HPP

// CipherTrust scheduler response types: a job config (a schedule), a run of one (a scheduler
// job), and a page of each. A config's members and its operations' parameters are those Thales'
// own tested clients read from real servers (docs/server-api.md, "Scheduler"): the server
// answers every operation's parameters under `job_config_params`, and a config that still
// carries them under the create-side name (`cckm_synchronization_params`, ...) is read too
// (job_config::params()). The run's fields are unconfirmed guesses in CipherTrust's usual
// shape, read as empty when a server does not send them. Members not modelled are skipped.

#include <keyops/model/detail/paging.hpp>
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

/// @name Operations
/// @{

/// An `operation` word of job configs: what a config runs (job_config::operation).
inline constexpr std::string_view cckm_synchronization = "cckm_synchronization";
inline constexpr std::string_view cckm_key_rotation = "cckm_key_rotation";
inline constexpr std::string_view cckm_xks_credential_rotation = "cckm_xks_credential_rotation";
inline constexpr std::string_view database_backup = "database_backup";
/// @}

/// `aws_param` of a CCKM key rotation: what happens to an AWS key's alias and material.
struct aws_rotation_param {
    std::optional<bool> retain_alias;    ///< keep the alias and timestamp on the archived key
    std::optional<bool> rotate_material; ///< rotate the key material (CipherTrust Manager 2.21+)
};

/// One entry of a database backup's `filters`: which resources a domain backup holds.
struct backup_filter {
    std::string_view resource_type; ///< `resourceType`: "Keys", "cte_policies", ...
    json_view resource_query;       ///< `resourceQuery`: an object of attributes, as sent
};

/// The parameters of a job config, for any of the four operations: each operation's members
/// are read when present, the others stay empty. Which apply is told by job_config::operation.
struct job_params {
    /// CCKM synchronization, key rotation and XKS credential rotation: "aws", "oci", ...
    std::string_view cloud_name;

    /// @name CCKM synchronization
    /// @{
    string_list kms;                     ///< AWS KMS names or ids
    string_list oci_vaults;              ///< OCI vault ids
    std::optional<bool> synchronize_all; ///< true: synchronize every resource
    /// @}

    /// @name CCKM key rotation
    /// @{
    std::string_view expiration; ///< the new key's lifetime (`Xd` or `Yh`; empty: never expires)
    /// The period within which expiring keys are rotated (empty: every key).
    std::string_view expire_in;
    /// The days after creation, then after each rotation, at which keys are rotated (`Xd`).
    std::string_view rotation_after;
    aws_rotation_param aws_param; ///< AWS keys: what happens to their alias and material
    /// @}

    /// @name Database backup
    /// @{
    std::string_view backup_key;     ///< `backupKey`: the key encrypting the backup
    std::string_view connection;     ///< the SCP connection's name or id
    std::string_view description;    ///< the backups' description
    std::optional<bool> do_scp;      ///< true: the backup is copied over the SCP connection
    std::optional<bool> tied_to_hsm; ///< `tiedToHSM`
    std::optional<std::int64_t> retention_count; ///< `retentionCount`: how many backups are kept
    std::string_view scope;                      ///< "system" or "domain"
    std::vector<backup_filter> filters;          ///< domain backups: which resources they hold
    /// @}

    /// True when no member was read (absent, null or `{}`).
    bool empty() const noexcept {
        return cloud_name.empty() && kms.empty() && oci_vaults.empty() && !synchronize_all &&
               expiration.empty() && expire_in.empty() && rotation_after.empty() &&
               !aws_param.retain_alias && !aws_param.rotate_material && backup_key.empty() &&
               connection.empty() && description.empty() && !do_scp && !tied_to_hsm &&
               !retention_count && scope.empty() && filters.empty();
    }
};

/// A job config: what runs (`operation` and its parameters), and when (`run_at`, a cron line,
/// between `start_date` and `end_date` when they are set).
struct job_config {
    std::string_view id;          ///< the config's id: the `{id}` of its paths
    std::string_view uri;         ///< the config's CipherTrust resource URI
    std::string_view account;     ///< the owning account
    std::string_view dev_account; ///< `devAccount`
    std::string_view application; ///< the application it belongs to
    timestamp created_at;         ///< `createdAt`
    timestamp updated_at;         ///< `updatedAt`
    std::string_view name;        ///< the config's name
    std::string_view description; ///< free text about the config
    std::string_view operation;   ///< cckm_synchronization, cckm_key_rotation, ...
    std::string_view run_at;      ///< a cron line, e.g. "0 2 * * *"
    std::string_view run_on;      ///< "any": any node of a cluster (the server's default)
    std::optional<bool> disabled; ///< true: the config does not run (default false)
    /// @name Active period
    /// @{

    /// When the config becomes active and inactive. Go's zero time `0001-01-01T00:00:00Z`, which
    /// servers send for a date never set, reads as not set: test with timestamp::is_set().
    timestamp start_date;
    timestamp end_date;
    /// @}

    /// The operation's parameters as servers answer them.
    job_params job_config_params;
    /// @name Parameters under the create-side names
    /// @{

    /// The same under the create-side names, when a server answers with those: the member of
    /// the config's operation holds them, the others are empty. Read them with params().
    job_params cckm_synchronization_params;
    job_params cckm_key_rotation_params;
    job_params cckm_xks_credential_rotation_params;
    job_params database_backup_params;
    /// @}

    /// The operation's parameters: job_config_params, or when that is empty, the create-side
    /// member of the config's operation.
    const job_params& params() const noexcept {
        if (!job_config_params.empty())
            return job_config_params;
        if (operation == cckm_key_rotation)
            return cckm_key_rotation_params;
        if (operation == cckm_xks_credential_rotation)
            return cckm_xks_credential_rotation_params;
        if (operation == database_backup)
            return database_backup_params;
        return cckm_synchronization_params;
    }
};

/// A run of a job config (the scheduler calls it a job).
struct run {
    std::string_view id;      ///< the run's id: the `{id}` of its paths
    std::string_view uri;     ///< unconfirmed
    std::string_view account; ///< unconfirmed
    /// @name The job config it runs
    /// @{

    /// The job config it runs; unconfirmed name. Some servers may write `config_id`: both are
    /// read, and config() answers whichever is present.
    std::string_view job_config_id;
    std::string_view config_id;
    /// @}

    std::string_view operation; ///< unconfirmed on a run
    /// The CCKM status words (in_progress, completed, failed); the field name is unconfirmed.
    job_status status;
    timestamp created_at; ///< `createdAt`
    timestamp updated_at; ///< `updatedAt`
    /// Free text about the run (the name `detail` is unconfirmed).
    std::string_view detail;
    /// The error text of a failed run (the name `error` is unconfirmed).
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
    std::optional<std::uint64_t> skip; ///< the offset of the page's first config in the list
    /// The page size; -1 answers a request for every item on one page (`limit=-1`).
    std::optional<std::int64_t> limit;
    std::optional<std::uint64_t> total; ///< the number of configs in the whole list
    std::vector<job_config> resources;  ///< the configs of the page
};

/// One page of runs.
struct run_list {
    std::optional<std::uint64_t> skip; ///< the offset of the page's first run in the list
    /// The page size; -1 answers a request for every item on one page (`limit=-1`).
    std::optional<std::int64_t> limit;
    std::optional<std::uint64_t> total; ///< the number of runs in the whole list
    std::vector<run> resources;         ///< the runs of the page
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

/// How scheduler::aws_rotation_param is read from JSON: its members and the server's names for
/// them.
template <>
struct keyops::json_schema<keyops::scheduler::aws_rotation_param> {
    using T = scheduler::aws_rotation_param; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::retain_alias>("retain_alias"),
        field<&T::rotate_material>("rotate_material"),
    };
};

/// How scheduler::backup_filter is read from JSON: its members and the server's names for them.
template <>
struct keyops::json_schema<keyops::scheduler::backup_filter> {
    using T = scheduler::backup_filter; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::resource_type>("resourceType"),
        field<&T::resource_query>("resourceQuery"),
    };
};

/// How scheduler::job_params is read from JSON: its members and the server's names for them.
template <>
struct keyops::json_schema<keyops::scheduler::job_params> {
    using T = scheduler::job_params; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::cloud_name>("cloud_name"),
        field<&T::kms>("kms"),
        field<&T::oci_vaults>("oci_vaults"),
        field<&T::synchronize_all>("synchronize_all"),
        field<&T::expiration>("expiration"),
        field<&T::expire_in>("expire_in"),
        field<&T::rotation_after>("rotation_after"),
        field<&T::aws_param>("aws_param"),
        field<&T::backup_key>("backupKey"),
        field<&T::connection>("connection"),
        field<&T::description>("description"),
        field<&T::do_scp>("do_scp"),
        field<&T::tied_to_hsm>("tiedToHSM"),
        field<&T::retention_count>("retentionCount"),
        field<&T::scope>("scope"),
        field<&T::filters>("filters"),
    };
};

/// How scheduler::job_config is read from JSON: its members and the server's names for them.
template <>
struct keyops::json_schema<keyops::scheduler::job_config> {
    using T = scheduler::job_config; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::id>("id"),
        field<&T::uri>("uri"),
        field<&T::account>("account"),
        field<&T::dev_account>("devAccount"),
        field<&T::application>("application"),
        field<&T::created_at>("createdAt"),
        field<&T::updated_at>("updatedAt"),
        field<&T::name>("name"),
        field<&T::description>("description"),
        field<&T::operation>("operation"),
        field<&T::run_at>("run_at"),
        field<&T::run_on>("run_on"),
        field<&T::disabled>("disabled"),
        field<&T::start_date>("start_date"),
        field<&T::end_date>("end_date"),
        field<&T::job_config_params>("job_config_params"),
        field<&T::cckm_synchronization_params>("cckm_synchronization_params"),
        field<&T::cckm_key_rotation_params>("cckm_key_rotation_params"),
        field<&T::cckm_xks_credential_rotation_params>("cckm_xks_credential_rotation_params"),
        field<&T::database_backup_params>("database_backup_params"),
    };
};

/// How scheduler::run is read from JSON: its members and the server's names for them.
template <>
struct keyops::json_schema<keyops::scheduler::run> {
    using T = scheduler::run; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
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

/// How scheduler::job_config_list is read from JSON: its members and the server's names for them.
template <>
struct keyops::json_schema<keyops::scheduler::job_config_list> {
    using T = scheduler::job_config_list; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::skip>("skip"),
        field<&T::limit>("limit"),
        field<&T::total>("total"),
        field<&T::resources>("resources"),
    };
};

/// How scheduler::run_list is read from JSON: its members and the server's names for them.
template <>
struct keyops::json_schema<keyops::scheduler::run_list> {
    using T = scheduler::run_list; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::skip>("skip"),
        field<&T::limit>("limit"),
        field<&T::total>("total"),
        field<&T::resources>("resources"),
    };
};

#endif
