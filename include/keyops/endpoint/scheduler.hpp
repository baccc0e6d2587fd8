#ifndef KEYOPS_ENDPOINT_SCHEDULER_HPP
#define KEYOPS_ENDPOINT_SCHEDULER_HPP

// CipherTrust scheduler endpoints: job configs (schedules) of the four operations the server
// has (CCKM synchronization, CCKM key rotation, XKS credential rotation, database backup), and
// their runs. Paths are under the CipherTrust base (/api), with Bearer auth like the CCKM jobs.
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
// A create body names the operation's parameters by operation (`cckm_synchronization_params`,
// ...); the server answers them under `job_config_params` (job_config::params()). What is
// confirmed is in docs/server-api.md ("Scheduler"). A server that answers run-now without a
// body: see started_without_run().

#include <keyops/diagnostics.hpp>
#include <keyops/endpoint/cckm.hpp>
#include <keyops/endpoint/descriptor.hpp>
#include <keyops/endpoint/query_writer.hpp>
#include <keyops/error.hpp>
#include <keyops/model/scheduler.hpp>
#include <keyops/parse/timestamp.hpp>

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
    /// The placeholder in the job-config paths that the value replaces.
    static constexpr std::string_view placeholder = "{id}";
    /// Holds `v` without copying it: the string must stay valid until the request is built.
    constexpr explicit config_id(std::string_view v) noexcept : value(v) {}
    std::string_view value; ///< the schedule's id; percent-encoded into the path
};

/// Any JSON object as the body: create bodies with fields not modelled, and PATCH bodies.
using raw_json_body = cckm::raw_json_body;

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

// `extra` (empty, or a JSON object) merged over `o`, which is then written to `out`.
inline error_code finish_body(boost::json::object& o, const std::string& extra, std::string& out) {
    if (!extra.empty()) {
        boost::system::error_code ec;
        auto v = boost::json::parse(extra, ec);
        if (ec || !v.is_object())
            return make_error_code(error::invalid_argument);
        merge_into(o, v.as_object());
    }
    out = boost::json::serialize(o);
    return {};
}

// A duration of the key rotation's parameters: digits, then one of `units` ("dh": days or
// hours).
inline bool rotation_period(std::string_view v, std::string_view units) noexcept {
    if (v.size() < 2 || units.find(v.back()) == std::string_view::npos)
        return false;
    for (std::size_t i = 0; i + 1 < v.size(); ++i)
        if (v[i] < '0' || v[i] > '9')
            return false;
    return true;
}

inline bool rfc3339_or_empty(const std::string& v) noexcept {
    return v.empty() || parse_instant(v).has_value();
}

} // namespace detail

/// What every job config's create body holds besides the operation's parameters.
struct schedule_common {
    std::string name;           ///< required, unique
    std::string run_at;         ///< required: a cron line, e.g. "0 2 * * *"
    std::string run_on = "any"; ///< "any" node of a cluster; empty: not sent (the server's default)
    std::string description;    ///< sent when not empty
    std::optional<bool> disabled; ///< sent when set; a new config is active by default
    std::string start_date;       ///< RFC 3339; sent when not empty
    std::string end_date;         ///< RFC 3339; sent when not empty
    /// Empty, or a JSON object merged over the body (nested objects member by member): fields
    /// keyops does not model, e.g. `{"cckm_synchronization_params":{"regions":[..]}}`.
    std::string extra;

protected:
    /// Writes the common members and `operation` into `o`, for the bodies' write_json;
    /// invalid_argument when name or run_at is empty or a date is not RFC 3339.
    error_code write_common(boost::json::object& o, std::string_view operation) const {
        if (name.empty() || run_at.empty() || !detail::rfc3339_or_empty(start_date) ||
            !detail::rfc3339_or_empty(end_date))
            return make_error_code(error::invalid_argument);
        o["name"] = name;
        if (!description.empty())
            o["description"] = description;
        o["operation"] = operation;
        if (!run_on.empty())
            o["run_on"] = run_on;
        o["run_at"] = run_at;
        if (disabled)
            o["disabled"] = *disabled;
        if (!start_date.empty())
            o["start_date"] = start_date;
        if (!end_date.empty())
            o["end_date"] = end_date;
        return {};
    }
};

/// The create body of a CCKM synchronization schedule, `cckm_synchronization_params`:
/// `{"cloud_name":..,"kms":[..],"oci_vaults":[..],"synchronize_all":b}` beside the common
/// members and `"operation":"cckm_synchronization"`. `kms` and `oci_vaults` are sent when not
/// empty.
struct cckm_sync_schedule : schedule_common {
    std::string cloud_name;              ///< "aws", "oci" (what Thales' provider offers), ...
    std::vector<std::string> kms;        ///< AWS: the KMS to synchronize, names or ids
    std::vector<std::string> oci_vaults; ///< OCI: the vaults to synchronize
    bool synchronize_all = false; ///< `synchronize_all`: true asks for all, not only those listed

    /// invalid_argument when name, run_at or cloud_name is empty, a date is not RFC 3339, or
    /// extra is not an object.
    error_code write_json(std::string& out) const {
        boost::json::object o;
        if (auto ec = write_common(o, cckm_synchronization))
            return ec;
        if (cloud_name.empty())
            return make_error_code(error::invalid_argument);
        boost::json::object p;
        p["cloud_name"] = cloud_name;
        if (!kms.empty())
            p["kms"] = detail::to_json_array(kms);
        if (!oci_vaults.empty())
            p["oci_vaults"] = detail::to_json_array(oci_vaults);
        p["synchronize_all"] = synchronize_all;
        o["cckm_synchronization_params"] = std::move(p);
        return detail::finish_body(o, extra, out);
    }
};

/// The create body of a CCKM key rotation schedule, `cckm_key_rotation_params`:
/// `{"cloud_name":..,"expiration":"30d","expire_in":"7d","rotation_after":"90d",
///   "aws_param":{"retain_alias":b,"rotate_material":b}}`. Each period is sent when not
/// empty, `aws_param` when either of its members is set.
struct cckm_key_rotation_schedule : schedule_common {
    std::string cloud_name;     ///< "aws" or "oci"
    std::string expiration;     ///< the new key's lifetime: `Xd` or `Yh`; empty: never expires
    std::string expire_in;      ///< rotate keys expiring within: `Xd` or `Yh`; empty: every key
    std::string rotation_after; ///< rotate keys this long after creation, then after each: `Xd`
    std::optional<bool> retain_alias;    ///< AWS: keep the alias on the archived key
    std::optional<bool> rotate_material; ///< AWS: rotate the key material (CipherTrust 2.21+)

    /// invalid_argument when name, run_at or cloud_name is empty, a period is not digits and a
    /// unit (`d` or `h`; `d` only for rotation_after), a date is not RFC 3339, or extra is not
    /// an object.
    error_code write_json(std::string& out) const {
        boost::json::object o;
        if (auto ec = write_common(o, cckm_key_rotation))
            return ec;
        if (cloud_name.empty() ||
            (!expiration.empty() && !detail::rotation_period(expiration, "dh")) ||
            (!expire_in.empty() && !detail::rotation_period(expire_in, "dh")) ||
            (!rotation_after.empty() && !detail::rotation_period(rotation_after, "d")))
            return make_error_code(error::invalid_argument);
        boost::json::object p;
        p["cloud_name"] = cloud_name;
        if (!expiration.empty())
            p["expiration"] = expiration;
        if (!expire_in.empty())
            p["expire_in"] = expire_in;
        if (!rotation_after.empty())
            p["rotation_after"] = rotation_after;
        if (retain_alias || rotate_material) {
            boost::json::object aws;
            if (retain_alias)
                aws["retain_alias"] = *retain_alias;
            if (rotate_material)
                aws["rotate_material"] = *rotate_material;
            p["aws_param"] = std::move(aws);
        }
        o["cckm_key_rotation_params"] = std::move(p);
        return detail::finish_body(o, extra, out);
    }
};

/// The create body of an XKS credential rotation schedule,
/// `cckm_xks_credential_rotation_params: {"cloud_name":"aws"}`.
struct xks_credential_rotation_schedule : schedule_common {
    std::string cloud_name = "aws"; ///< the only cloud with XKS

    /// invalid_argument when name, run_at or cloud_name is empty, a date is not RFC 3339, or
    /// extra is not an object.
    error_code write_json(std::string& out) const {
        boost::json::object o;
        if (auto ec = write_common(o, cckm_xks_credential_rotation))
            return ec;
        if (cloud_name.empty())
            return make_error_code(error::invalid_argument);
        boost::json::object p;
        p["cloud_name"] = cloud_name;
        o["cckm_xks_credential_rotation_params"] = std::move(p);
        return detail::finish_body(o, extra, out);
    }
};

/// One filter of a domain backup: a resource type and, optionally, a query object.
struct backup_filter_spec {
    std::string resource_type;  ///< "Keys", "cte_policies", "customer_fragments", "users_groups"
    std::string resource_query; ///< empty, or a JSON object: which resources of that type
};

/// The create body of a database backup schedule, `database_backup_params`
/// (`backupKey`, `connection`, `description`, `do_scp`, `tiedToHSM`, `retentionCount`,
/// `scope`, `filters`): each member sent when set.
struct database_backup_schedule : schedule_common {
    std::string backup_key;                       ///< `backupKey`; empty: the default backup key
    std::string connection;                       ///< an SCP connection's name or id
    std::string backup_description;               ///< the backup's own `description`
    std::optional<bool> do_scp;                   ///< `do_scp`: copy the backup over `connection`
    std::optional<bool> tied_to_hsm;              ///< `tiedToHSM`
    std::optional<std::uint64_t> retention_count; ///< `retentionCount`: how many backups to keep
    std::string scope;                            ///< "system" (the server's default) or "domain"
    std::vector<backup_filter_spec> filters;      ///< `filters`: what a domain backup holds

    /// invalid_argument when name or run_at is empty, a filter has no type or a query that is
    /// not a JSON object, a date is not RFC 3339, or extra is not an object.
    error_code write_json(std::string& out) const {
        boost::json::object o;
        if (auto ec = write_common(o, database_backup))
            return ec;
        boost::json::object p;
        if (!backup_key.empty())
            p["backupKey"] = backup_key;
        if (!connection.empty())
            p["connection"] = connection;
        if (!backup_description.empty())
            p["description"] = backup_description;
        if (do_scp)
            p["do_scp"] = *do_scp;
        if (tied_to_hsm)
            p["tiedToHSM"] = *tied_to_hsm;
        if (retention_count)
            p["retentionCount"] = *retention_count;
        if (!scope.empty())
            p["scope"] = scope;
        if (!filters.empty()) {
            boost::json::array a;
            for (const auto& f : filters) {
                if (f.resource_type.empty())
                    return make_error_code(error::invalid_argument);
                boost::json::object fo;
                fo["resourceType"] = f.resource_type;
                if (!f.resource_query.empty()) {
                    boost::system::error_code ec;
                    auto q = boost::json::parse(f.resource_query, ec);
                    if (ec || !q.is_object())
                        return make_error_code(error::invalid_argument);
                    fo["resourceQuery"] = std::move(q);
                }
                a.emplace_back(std::move(fo));
            }
            p["filters"] = std::move(a);
        }
        o["database_backup_params"] = std::move(p);
        return detail::finish_body(o, extra, out);
    }
};

/// Marks a member of config_update to be sent as `null`, which the server takes as "clear it".
struct cleared_t {
    explicit constexpr cleared_t() = default;
};
/// Assigned to a member of config_update to clear it: `u.kms = scheduler::cleared;`.
inline constexpr cleared_t cleared{};

/// One member of a PATCH body, with the server's three meanings: not sent (kept), a value
/// (set), or `null` (cleared). The server also keeps a member sent as `""`, so an empty string
/// or list given as a value is refused by config_update::write_json: clear it instead.
template <class T>
class member_update {
public:
    member_update() = default;
    /// Sets the member to `v`; implicit, so that a member is assigned like its value.
    member_update(T v) : value_(std::move(v)) {} // NOLINT: assigned like the value
    /// Clears the member: it is sent as `null` (`u.kms = scheduler::cleared`).
    member_update(cleared_t) noexcept : cleared_(true) {}

    /// True when the member is sent: set or cleared.
    bool sent() const noexcept { return value_.has_value() || cleared_; }
    /// True when the member is sent as `null`.
    bool is_cleared() const noexcept { return cleared_; }
    /// The value set; empty when the member is left alone or cleared.
    const std::optional<T>& value() const noexcept { return value_; }

private:
    std::optional<T> value_;
    bool cleared_ = false;
};

/// A PATCH body for update_config that sends only what is set: every other member is kept by
/// the server. Members may be set (a value), cleared (`= scheduler::cleared`, sent as null),
/// or left alone. The parameters go under the create-side member of `operation`, which need
/// not be sent itself (the server keeps it) but names where they go; when it is empty, the
/// parameters set tell which operation they are for.
///
///     scheduler::config_update u;
///     u.run_at = std::string("30 3 * * *");
///     u.kms = scheduler::cleared;
///     u.synchronize_all = true;
///     cm.call<scheduler::update_config>(scheduler::config_id(id), u);
struct config_update {
    member_update<std::string> name;        ///< `name`, unique among the configs
    member_update<std::string> description; ///< `description`: free text about the config
    member_update<std::string> run_at;      ///< `run_at`: a cron line, e.g. `30 3 * * *`
    member_update<std::string> run_on;      ///< `run_on`: the node that runs it, or `any`
    std::optional<bool> disabled;           ///< `disabled`: true stops its runs; sent when set
    member_update<std::string> start_date;  ///< RFC 3339; cleared: no start date
    member_update<std::string> end_date;    ///< RFC 3339; cleared: no end date

    /// Which operation's parameters are changed: cckm_synchronization, cckm_key_rotation,
    /// cckm_xks_credential_rotation, database_backup. Not sent: a config's operation cannot
    /// change.
    std::string operation;

    member_update<std::string> cloud_name; ///< any CCKM operation
    // CCKM synchronization.
    member_update<std::vector<std::string>> kms;        ///< `kms`: AWS KMS names or ids
    member_update<std::vector<std::string>> oci_vaults; ///< `oci_vaults`: OCI vaults
    std::optional<bool> synchronize_all;                ///< `synchronize_all`; sent when set
    // CCKM key rotation.
    member_update<std::string> expiration;     ///< `expiration`: `Xd` or `Yh`
    member_update<std::string> expire_in;      ///< `expire_in`: `Xd` or `Yh`
    member_update<std::string> rotation_after; ///< `rotation_after`: `Xd`
    std::optional<bool> retain_alias;          ///< AWS `retain_alias`; sent when set
    std::optional<bool> rotate_material;       ///< AWS `rotate_material`; sent when set
    // Database backup.
    member_update<std::string> backup_key;         ///< `backupKey`: the key encrypting backups
    member_update<std::string> connection;         ///< `connection`: an SCP connection
    member_update<std::string> backup_description; ///< the backup's own `description`
    std::optional<bool> do_scp;                    ///< `do_scp`; sent when set
    std::optional<bool> tied_to_hsm;               ///< `tiedToHSM`; sent when set
    std::optional<std::uint64_t> retention_count;  ///< `retentionCount`; sent when set
    member_update<std::string> scope;              ///< `scope`: `system` or `domain`

    /// Empty, or a JSON object merged over the body.
    std::string extra;

    /// True when a parameter of any operation is set.
    bool params_sent() const noexcept {
        return cloud_name.sent() || kms.sent() || oci_vaults.sent() || synchronize_all ||
               expiration.sent() || expire_in.sent() || rotation_after.sent() || retain_alias ||
               rotate_material || backup_key.sent() || connection.sent() ||
               backup_description.sent() || do_scp || tied_to_hsm || retention_count ||
               scope.sent();
    }

    /// True when anything at all is set (extra aside).
    bool sent_anything() const noexcept {
        return params_sent() || name.sent() || description.sent() || run_at.sent() ||
               run_on.sent() || disabled || start_date.sent() || end_date.sent();
    }

    /// The operation the parameters set belong to: `operation` when given, else the one whose
    /// members are set (cloud_name alone names none); empty when no parameter is set or they
    /// belong to two operations.
    std::string_view params_operation() const noexcept {
        if (!operation.empty())
            return operation;
        const bool sync = kms.sent() || oci_vaults.sent() || synchronize_all;
        const bool rot = expiration.sent() || expire_in.sent() || rotation_after.sent() ||
                         retain_alias || rotate_material;
        const bool backup = backup_key.sent() || connection.sent() || backup_description.sent() ||
                            do_scp || tied_to_hsm || retention_count || scope.sent();
        if (sync + rot + backup != 1)
            return {};
        return sync ? cckm_synchronization : rot ? cckm_key_rotation : database_backup;
    }

    /// invalid_argument when nothing is set; when a value is an empty string or list (the
    /// server would keep the old value: clear it instead); when parameters are set and their
    /// operation is unknown (set `operation`) or another operation's members are set too; when
    /// a date is not RFC 3339 or a period not `Xd`/`Yh`; or when extra is not an object.
    error_code write_json(std::string& out) const {
        const auto bad = [] {
            return make_error_code(error::invalid_argument);
        };
        boost::json::object o;
        bool ok = true;
        auto text = [&](boost::json::object& into, std::string_view key,
                        const member_update<std::string>& m) {
            if (m.is_cleared())
                into[key] = nullptr;
            else if (m.value()) {
                ok = ok && !m.value()->empty();
                into[key] = *m.value();
            }
        };
        auto list = [&](boost::json::object& into, std::string_view key,
                        const member_update<std::vector<std::string>>& m) {
            if (m.is_cleared())
                into[key] = nullptr;
            else if (m.value()) {
                ok = ok && !m.value()->empty();
                into[key] = detail::to_json_array(*m.value());
            }
        };
        auto flag = [&](boost::json::object& into, std::string_view key,
                        const std::optional<bool>& m) {
            if (m)
                into[key] = *m;
        };
        text(o, "name", name);
        text(o, "description", description);
        text(o, "run_at", run_at);
        text(o, "run_on", run_on);
        flag(o, "disabled", disabled);
        for (const auto* d : {&start_date, &end_date})
            if (d->value() && !parse_instant(*d->value()))
                return bad();
        text(o, "start_date", start_date);
        text(o, "end_date", end_date);
        for (const auto* p : {&expiration, &expire_in})
            if (p->value() && !detail::rotation_period(*p->value(), "dh"))
                return bad();
        if (rotation_after.value() && !detail::rotation_period(*rotation_after.value(), "d"))
            return bad();

        const std::string_view op = params_operation();
        boost::json::object p;
        text(p, "cloud_name", cloud_name);
        list(p, "kms", kms);
        list(p, "oci_vaults", oci_vaults);
        flag(p, "synchronize_all", synchronize_all);
        text(p, "expiration", expiration);
        text(p, "expire_in", expire_in);
        text(p, "rotation_after", rotation_after);
        if (retain_alias || rotate_material) {
            boost::json::object aws;
            flag(aws, "retain_alias", retain_alias);
            flag(aws, "rotate_material", rotate_material);
            p["aws_param"] = std::move(aws);
        }
        text(p, "backupKey", backup_key);
        text(p, "connection", connection);
        text(p, "description", backup_description);
        flag(p, "do_scp", do_scp);
        flag(p, "tiedToHSM", tied_to_hsm);
        if (retention_count)
            p["retentionCount"] = *retention_count;
        text(p, "scope", scope);
        if (!ok)
            return bad();
        if (!p.empty()) {
            std::string member;
            if (op == cckm_synchronization || op == cckm_key_rotation ||
                op == cckm_xks_credential_rotation || op == database_backup)
                member = std::string(op) + "_params";
            if (member.empty())
                return bad();
            // Members of another operation than the one named.
            const bool sync_only = kms.sent() || oci_vaults.sent() || synchronize_all;
            const bool rot_only = expiration.sent() || expire_in.sent() || rotation_after.sent() ||
                                  retain_alias || rotate_material;
            const bool backup_only = backup_key.sent() || connection.sent() ||
                                     backup_description.sent() || do_scp || tied_to_hsm ||
                                     retention_count || scope.sent();
            if ((sync_only && op != cckm_synchronization) ||
                (rot_only && op != cckm_key_rotation) || (backup_only && op != database_backup) ||
                (cloud_name.sent() && op == database_backup))
                return bad();
            o[member] = std::move(p);
        }
        if (o.empty() && extra.empty())
            return bad();
        return detail::finish_body(o, extra, out);
    }
};

/// Paging and order of the job-config list.
struct config_list_query {
    std::optional<std::uint64_t> skip;  ///< how many configs to pass over (`skip=`)
    std::optional<std::uint64_t> limit; ///< at most this many per page (`limit=`)
    /// Every config on one page: `limit=-1`, as Thales' Terraform provider asks real servers
    /// (`limit` is then not sent).
    bool every = false;
    /// Comma-separated fields, `-` for descending, e.g. "-createdAt" (unconfirmed here).
    std::string sort;
    /// Only the schedule of this name (`name=`; unconfirmed).
    std::string name;
    /// Further parameters sent as given.
    std::vector<std::pair<std::string, std::string>> extra;

    /// Writes what is set into `w`: name, skip, limit (`-1` when every is set), sort, then
    /// extra.
    void append_to(query_writer& w) const {
        if (!name.empty())
            w.add("name", name);
        if (skip)
            w.add("skip", *skip);
        if (every)
            w.add("limit", "-1");
        else if (limit)
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
    std::optional<job_state> status;    ///< `status=` (unconfirmed)
    std::optional<std::uint64_t> skip;  ///< how many runs to pass over (`skip=`)
    std::optional<std::uint64_t> limit; ///< at most this many per page (`limit=`)
    /// Every run on one page (`limit=-1`; `limit` is then not sent).
    bool every = false;
    std::string sort; ///< comma-separated fields, `-` for descending (`sort=`)
    std::vector<std::pair<std::string, std::string>> extra; ///< further parameters, sent as given

    /// Writes what is set into `w`: job_config_id, status (job_state::unknown is not sent), skip,
    /// limit (`-1` when every is set), sort, then extra.
    void append_to(query_writer& w) const {
        if (!job_config_id.empty())
            w.add("job_config_id", job_config_id);
        if (status && *status != job_state::unknown)
            w.add("status", to_string(*status));
        if (skip)
            w.add("skip", *skip);
        if (every)
            w.add("limit", "-1");
        else if (limit)
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
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::post;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/scheduler/job-configs");
    using bodies =
        std::tuple<cckm_sync_schedule, cckm_key_rotation_schedule, xks_credential_rotation_schedule,
                   database_backup_schedule, raw_json_body>;
    static constexpr bool body_required = true;
    using response = job_config;
    static constexpr idempotency retry = idempotency::not_idempotent;
    /// @}
};

/// GET a page of job configs.
struct list_configs : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::get;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/scheduler/job-configs");
    using query = config_list_query;
    using response = job_config_list;
    /// @}
};

/// GET one job config.
struct get_config : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::get;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/scheduler/job-configs/{id}");
    using path_params = std::tuple<config_id>;
    using response = job_config;
    /// @}
};

/// PATCH a job config with the members given (config_update, or any JSON object): the server
/// keeps what is not sent or sent as `""`, and clears what is sent as `null`. Sending the same
/// members again leaves the same config, so it is retried.
struct update_config : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::patch;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/scheduler/job-configs/{id}");
    using path_params = std::tuple<config_id>;
    using bodies = std::tuple<config_update, raw_json_body>;
    static constexpr bool body_required = true;
    using response = job_config;
    /// @}
};

/// DELETE a job config.
struct delete_config : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::delete_;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/scheduler/job-configs/{id}");
    using path_params = std::tuple<config_id>;
    using response = empty_response;
    /// @}
};

/// POST: runs a job config at once. Answers the run it started (assumed; see
/// started_without_run() for a server that answers without a body). Never retried: it would
/// start two. A body is optional (none is documented).
struct run_now : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::post;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/scheduler/job-configs/{id}/run-now");
    using path_params = std::tuple<config_id>;
    using bodies = std::tuple<raw_json_body>;
    using response = run;
    static constexpr idempotency retry = idempotency::not_idempotent;
    /// @}
};

/// GET a page of runs.
struct list_runs : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::get;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/scheduler/jobs");
    using query = run_list_query;
    using response = run_list;
    /// @}
};

/// GET one run.
struct get_run : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::get;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/v1/scheduler/jobs/{id}");
    using path_params = std::tuple<job_id>;
    using response = run;
    /// @}
};

/// After a run_now call that failed with `ec`: true when the server accepted it (2xx) but sent
/// no body, so the run started and its id is not known (find it with list_runs, newest first).
inline bool started_without_run(const error_code& ec, const diagnostics& d) noexcept {
    return ec == error::empty_body && d.http_status / 100 == 2;
}

} // namespace keyops::scheduler

#endif
