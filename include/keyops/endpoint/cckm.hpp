#ifndef KEYOPS_ENDPOINT_CCKM_HPP
#define KEYOPS_ENDPOINT_CCKM_HPP

// CCKM job endpoints. The table of job kinds (docs/server-api.md) is data here: one small type
// per kind, and four descriptor templates (list_jobs, get_job, cancel_job, start_job)
// instantiated per kind.
//
//     auto req = keyops::build_request<cckm::get_job<cckm::oci>>(ctx, keyops::job_id(id));
//
//     cckm::list_query<cckm::oci> q;
//     q.vaults = {"vault-1"};
//     q.overall_status = keyops::job_state::in_progress;
//     auto req = keyops::build_request<cckm::list_jobs<cckm::oci>>(ctx, q);

#include <keyops/endpoint/cckm_kinds.hpp>
#include <keyops/endpoint/descriptor.hpp>
#include <keyops/endpoint/detail/json_body.hpp>
#include <keyops/endpoint/job_kind.hpp>
#include <keyops/endpoint/query_writer.hpp>
#include <keyops/error.hpp>
#include <keyops/model/cckm.hpp>
#include <keyops/model/status.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace keyops::cckm {

// --- resource filters: each cloud names its list filter differently ----------------------------

/// Kinds without a documented resource filter.
struct no_resource_filter {
    static constexpr std::string_view filter_name = ""; ///< empty: no filter parameter
    /// Writes nothing.
    void append_filter_to(query_writer&) const {}
};

#define KEYOPS_CCKM_RESOURCE_FILTER(type, member)                                                  \
    struct type {                                                                                  \
        static constexpr std::string_view filter_name = #member; /**< the parameter's name */      \
        /** Jobs touching any of these resources; sent as one `member` parameter per value. */     \
        std::vector<std::string> member;                                                           \
        void append_filter_to(query_writer& w) const {                                             \
            for (const auto& v : member)                                                           \
                w.add(filter_name, v);                                                             \
        } /**< writes one parameter per value (list_query::append_to calls it) */                  \
    }

/// The `kms` filter of AWS key synchronization jobs.
KEYOPS_CCKM_RESOURCE_FILTER(kms_filter, kms);
/// The `key_vaults` filter of Azure key, certificate and secret synchronization jobs.
KEYOPS_CCKM_RESOURCE_FILTER(key_vaults_filter, key_vaults);
/// The `key_rings` filter of Google synchronization jobs.
KEYOPS_CCKM_RESOURCE_FILTER(key_rings_filter, key_rings);
/// The `vaults` filter of OCI synchronization jobs.
KEYOPS_CCKM_RESOURCE_FILTER(vaults_filter, vaults);
/// The `groups` filter of SAP synchronization jobs.
KEYOPS_CCKM_RESOURCE_FILTER(groups_filter, groups);
/// DSM: the documentation lists no `domains` list parameter; the filter is unconfirmed (a
/// server that ignores it answers every job).
KEYOPS_CCKM_RESOURCE_FILTER(domains_filter, domains);

#undef KEYOPS_CCKM_RESOURCE_FILTER

/// How a list of values is written as one query parameter.
enum class list_encoding {
    comma_joined, ///< one parameter, `name=a,b` (Salesforce's documented form)
    repeated,     ///< one parameter per value, `name=a&name=b`
};

/// Salesforce: `organizations` is documented as one string, a name or a comma-separated list.
/// Sent so by default; `organizations_encoding` chooses repeated parameters instead.
struct organizations_filter {
    static constexpr std::string_view filter_name = "organizations"; ///< the parameter's name
    /// Jobs of any of these Salesforce organizations; empty: no filter.
    std::vector<std::string> organizations;
    /// One comma-joined parameter (the default, the documented form) or one per value.
    list_encoding organizations_encoding = list_encoding::comma_joined;
    /// Writes the filter (list_query::append_to calls it); nothing when organizations is empty.
    void append_filter_to(query_writer& w) const {
        if (organizations.empty())
            return;
        if (organizations_encoding == list_encoding::repeated) {
            for (const auto& v : organizations)
                w.add(filter_name, v);
            return;
        }
        std::string joined;
        for (const auto& v : organizations)
            joined += (joined.empty() ? "" : ",") + v;
        w.add(filter_name, joined);
    }
};

// --- start bodies -------------------------------------------------------------------------------

/// Any JSON object as a start body, for kinds whose body is not modelled (and for all kinds, for
/// callers that already hold JSON). Checked to be a JSON object when the request is built.
struct raw_json_body {
    /// The body as sent: a JSON object's text, e.g. `{"synchronize_all":true}`.
    std::string text;

    // A template, so that the check's parser is compiled only where a raw body is sent.
    /// Copies text into `out`; invalid_argument when it is not a JSON object.
    template <class String>
    error_code write_json(String& out) const {
        if (!detail::is_json_object(text))
            return make_error_code(error::invalid_argument);
        out = text;
        return {};
    }
};

/// Start body for AWS key synchronization.
struct aws_sync_body {
    std::vector<std::string> kms;     ///< KMS names or ids
    std::vector<std::string> regions; ///< regions; empty: all of the KMS's regions
    bool synchronize_all = false; ///< `synchronize_all`: true asks for all, not only those listed

    /// Writes the JSON body into `out`, replacing what it held; never fails.
    error_code write_json(std::string& out) const {
        detail::json_object_writer o;
        o.add("kms", kms);
        if (!regions.empty())
            o.add("regions", regions);
        o.add("synchronize_all", synchronize_all);
        out = std::move(o).finish();
        return {};
    }
};

/// Start body for Azure key, certificate and secret synchronization.
struct azure_sync_body {
    std::vector<std::string> key_vaults; ///< the key vaults to synchronize (`key_vaults`)
    bool synchronize_all = false; ///< `synchronize_all`: true asks for all, not only those listed
    /// Sent only when set: take a backup of each cloud key as it is synchronized.
    std::optional<bool> take_cloud_key_backup;

    /// Writes the JSON body into `out`, replacing what it held; never fails.
    error_code write_json(std::string& out) const {
        detail::json_object_writer o;
        o.add("key_vaults", key_vaults);
        o.add("synchronize_all", synchronize_all);
        if (take_cloud_key_backup)
            o.add("take_cloud_key_backup", *take_cloud_key_backup);
        out = std::move(o).finish();
        return {};
    }
};

/// Start body for OCI synchronization. The field name is not confirmed: the list filter says
/// `vaults`, the CipherTrust scheduler writes `oci_vaults`. Each list is sent under its own name
/// when it is not empty, so a caller chooses by filling one (or both).
struct oci_sync_body {
    std::vector<std::string> vaults;     ///< the vaults, sent as `vaults`
    std::vector<std::string> oci_vaults; ///< the vaults, sent as `oci_vaults`
    bool synchronize_all = false; ///< `synchronize_all`: true asks for all, not only those listed

    /// Writes the JSON body into `out`, replacing what it held: `vaults` when it is not
    /// empty or oci_vaults is empty too, `oci_vaults` when it is not empty. Never fails.
    error_code write_json(std::string& out) const {
        detail::json_object_writer o;
        if (!vaults.empty() || oci_vaults.empty())
            o.add("vaults", vaults);
        if (!oci_vaults.empty())
            o.add("oci_vaults", oci_vaults);
        o.add("synchronize_all", synchronize_all);
        out = std::move(o).finish();
        return {};
    }
};

/// Start body for SAP synchronization: `{"groups":[...],"synchronize_all":bool}`.
struct sap_sync_body {
    std::vector<std::string> groups; ///< the SAP groups to synchronize (`groups`)
    bool synchronize_all = false; ///< `synchronize_all`: true asks for all, not only those listed

    /// Writes the JSON body into `out`, replacing what it held; never fails.
    error_code write_json(std::string& out) const {
        detail::json_object_writer o;
        o.add("groups", groups);
        o.add("synchronize_all", synchronize_all);
        out = std::move(o).finish();
        return {};
    }
};

/// Start body for DSM and external CipherTrust Manager refresh:
/// `{"domains":[...],"synchronize_all":bool}`.
struct domains_refresh_body {
    std::vector<std::string> domains; ///< the domains to refresh (`domains`)
    bool synchronize_all = false; ///< `synchronize_all`: true asks for all, not only those listed

    /// Writes the JSON body into `out`, replacing what it held; never fails.
    error_code write_json(std::string& out) const {
        detail::json_object_writer o;
        o.add("domains", domains);
        o.add("synchronize_all", synchronize_all);
        out = std::move(o).finish();
        return {};
    }
};

/// Start body for Google key synchronization.
struct google_sync_body {
    std::vector<std::string> key_rings; ///< the key rings to synchronize (`key_rings`)
    bool synchronize_all = false; ///< `synchronize_all`: true asks for all, not only those listed

    /// Writes the JSON body into `out`, replacing what it held; never fails.
    error_code write_json(std::string& out) const {
        detail::json_object_writer o;
        o.add("key_rings", key_rings);
        o.add("synchronize_all", synchronize_all);
        out = std::move(o).finish();
        return {};
    }
};

/// What a Google update-all-versions job does to every version of the key (`operation`).
enum class key_version_operation { enable, disable, schedule_destroy, cancel_destroy };

/// The operation's word in the body: `enable`, `disable`, `schedule_destroy`, `cancel_destroy`.
constexpr std::string_view to_string(key_version_operation op) noexcept {
    switch (op) {
    case key_version_operation::enable:
        return "enable";
    case key_version_operation::disable:
        return "disable";
    case key_version_operation::schedule_destroy:
        return "schedule_destroy";
    case key_version_operation::cancel_destroy:
        return "cancel_destroy";
    }
    return "";
}

/// Start body for a Google update-all-versions job.
struct update_all_versions_body {
    std::string key_id; ///< the Google key whose versions change; must not be empty
    key_version_operation operation = key_version_operation::enable; ///< what is done to them

    /// Writes the JSON body into `out`, replacing what it held; invalid_argument when
    /// key_id is empty.
    error_code write_json(std::string& out) const {
        if (key_id.empty())
            return make_error_code(error::invalid_argument);
        detail::json_object_writer o;
        o.add("key_id", key_id);
        o.add("operation", to_string(operation));
        out = std::move(o).finish();
        return {};
    }
};

// --- job kinds ----------------------------------------------------------------------------------

// One tag type per kind, made from the list in cckm_kinds.hpp: its runtime tag, its
// command-line name, its path under /api, its resource filter, whether it can be listed and
// cancelled, and its modelled start body.

#define KEYOPS_CCKM_KIND_TYPE(type, name_, path_, filter, listable, cancellable, body)             \
    struct type {                                                                                  \
        static constexpr job_kind kind = job_kind::type;                                           \
        static constexpr std::string_view name = name_;                                            \
        static constexpr auto base_path = fixed_string(path_);                                     \
        using resource_filter = filter;                                                            \
        static constexpr bool has_list = listable;                                                 \
        static constexpr bool has_cancel = cancellable;                                            \
        using start_body = body;                                                                   \
    };
KEYOPS_CCKM_KINDS(KEYOPS_CCKM_KIND_TYPE)
#undef KEYOPS_CCKM_KIND_TYPE

#define KEYOPS_CCKM_KIND_TUPLE(type, ...) std::tuple<type>{},
/// Every kind, in the order of job_kind: a std::tuple of the kinds' tag types.
using all_kinds =
    decltype(std::tuple_cat(KEYOPS_CCKM_KINDS(KEYOPS_CCKM_KIND_TUPLE) std::tuple<>{}));
#undef KEYOPS_CCKM_KIND_TUPLE

/// How many kinds there are.
inline constexpr std::size_t kind_count = std::tuple_size_v<all_kinds>;

#define KEYOPS_CCKM_KIND_NAME(type, name_, ...) std::string_view(name_),
/// Every kind's command-line name, in the order of job_kind: `kind_names[std::size_t(k)]` is
/// the name of `k`. For usage texts and messages.
inline constexpr std::array<std::string_view, kind_count> kind_names = {
    KEYOPS_CCKM_KINDS(KEYOPS_CCKM_KIND_NAME)};
#undef KEYOPS_CCKM_KIND_NAME

/// Calls `f(Kind{})` with the kind type matching the runtime tag; returns what f returns.
template <class F>
decltype(auto) visit_kind(job_kind k, F&& f) {
    switch (k) {
#define KEYOPS_CCKM_KIND_CASE(type, ...)                                                           \
    case job_kind::type:                                                                           \
        return f(type{});
        KEYOPS_CCKM_KINDS(KEYOPS_CCKM_KIND_CASE)
#undef KEYOPS_CCKM_KIND_CASE
    }
    // Only a value cast from outside the enum gets here: it is taken as the last kind.
    return f(std::tuple_element_t<kind_count - 1, all_kinds>{});
}

/// The kind named `name` on command lines ("aws", "azure-certificates", ...), if any.
inline std::optional<job_kind> kind_from_name(std::string_view name) noexcept {
    std::optional<job_kind> out;
    std::apply([&](auto... k) { ((name == decltype(k)::name ? (out = k.kind, 0) : 0), ...); },
               all_kinds{});
    return out;
}

/// True for the kinds' tag types (a `kind`, a `base_path` and a `resource_filter`); the
/// descriptor templates check it.
template <class T, class = void>
inline constexpr bool is_job_kind = false;
template <class T>
inline constexpr bool is_job_kind<
    T, std::void_t<decltype(T::kind), decltype(T::base_path), typename T::resource_filter>> = true;

// --- list query ---------------------------------------------------------------------------------

/// Filters, paging and order of a job list. The kind's resource filter appears as a member named
/// as the server names it (`vaults` for OCI, `kms` for AWS, ...); kinds without one have none.
template <class Kind>
struct list_query : Kind::resource_filter {
    /// Only these job ids (repeated `id=` parameters).
    std::vector<std::string> id;
    /// Only jobs in this state (`overall_status=`); job_state::unknown is not sent.
    std::optional<job_state> overall_status;
    std::optional<std::uint64_t> skip;  ///< how many jobs to pass over (`skip=`)
    std::optional<std::uint64_t> limit; ///< at most this many jobs per page (`limit=`)
    /// Comma-separated fields, `-` for descending, e.g. "-createdAt".
    std::string sort;
    /// Further parameters sent as given, for filters newer servers add.
    std::vector<std::pair<std::string, std::string>> extra;

    /// Writes what is set into `w`: id, overall_status, the resource filter, skip, limit, sort,
    /// then extra.
    void append_to(query_writer& w) const {
        for (const auto& v : id)
            w.add("id", v);
        if (overall_status && *overall_status != job_state::unknown)
            w.add("overall_status", to_string(*overall_status));
        this->append_filter_to(w);
        if (skip)
            w.add("skip", *skip);
        if (limit)
            w.add("limit", *limit);
        if (!sort.empty())
            w.add("sort", sort);
        for (const auto& [name, value] : extra)
            w.add(name, value);
    }
};

// --- descriptors --------------------------------------------------------------------------------

/// Azure bulk jobs only: DELETE a bulk job.
template <class Kind>
struct delete_job : descriptor_defaults {
    static_assert(is_job_kind<Kind>, "keyops: cckm::delete_job<K> needs a kind such as cckm::oci");
    static_assert(Kind::kind == job_kind::azure_bulk,
                  "keyops: only Azure bulk jobs can be deleted (cckm::delete_job<azure_bulk>)");
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::delete_;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = Kind::base_path + fixed_string("/{id}");
    using path_params = std::tuple<job_id>;
    using response = empty_response;
    /// @}
};

/// GET a page of jobs of one kind.
template <class Kind>
struct list_jobs : descriptor_defaults {
    static_assert(is_job_kind<Kind>, "keyops: cckm::list_jobs<K> needs a kind such as cckm::oci");
    static_assert(Kind::has_list, "keyops: this kind of job has no list endpoint");
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::get;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = Kind::base_path;
    using query = list_query<Kind>;
    using response = job_list;
    /// @}
};

/// GET one job.
template <class Kind>
struct get_job : descriptor_defaults {
    static_assert(is_job_kind<Kind>, "keyops: cckm::get_job<K> needs a kind such as cckm::oci");
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::get;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = Kind::base_path + fixed_string("/{id}");
    using path_params = std::tuple<job_id>;
    using response = job;
    /// @}
};

/// POST a cancel for an in-progress job. Repeating a cancel changes nothing, so it is retried.
template <class Kind>
struct cancel_job : descriptor_defaults {
    static_assert(is_job_kind<Kind>, "keyops: cckm::cancel_job<K> needs a kind such as cckm::oci");
    static_assert(Kind::has_cancel, "keyops: this kind of job cannot be cancelled");
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::post;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = Kind::base_path + fixed_string("/{id}/cancel");
    using path_params = std::tuple<job_id>;
    using response = job;
    /// @}
};

/// POST a new job. Never retried once it may have reached the server: it would start two.
template <class Kind>
struct start_job : descriptor_defaults {
    static_assert(is_job_kind<Kind>, "keyops: cckm::start_job<K> needs a kind such as cckm::oci");
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::post;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = Kind::base_path;
    using bodies = std::conditional_t<std::is_same_v<typename Kind::start_body, raw_json_body>,
                                      std::tuple<raw_json_body>,
                                      std::tuple<typename Kind::start_body, raw_json_body>>;
    static constexpr bool body_required = true;
    using response = job;
    static constexpr idempotency retry = idempotency::not_idempotent;
    /// @}
    /// Its answer names a new job, which other nodes of a cluster may not show for a moment:
    /// see client_options::read_after_write_grace.
    static constexpr bool creates_resource = true;
};

} // namespace keyops::cckm

#endif
