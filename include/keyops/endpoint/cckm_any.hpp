#ifndef KEYOPS_ENDPOINT_CCKM_ANY_HPP
#define KEYOPS_ENDPOINT_CCKM_ANY_HPP

// The CCKM job endpoints with the kind chosen at run time: one row of data per kind
// (cckm::kind_row_of) and four descriptors that take the kind's path as a path parameter. Code
// written with them is compiled once for every kind, where cckm::get_job<K> and its siblings
// instantiate a client's call path (and a wait, and whatever prints the answer) once per kind:
// a program handling every kind is the smaller for it (the keyops tool is). The requests
// are the same, byte for byte.
//
//     const auto& k = keyops::cckm::kind_row_of(keyops::cckm::job_kind::oci);
//     auto job = client.call<keyops::cckm::any_get_job>(keyops::cckm::kind_path(k),
//                                                       keyops::job_id(id));
//
// What the typed descriptors check at compile time (a list or a cancel the kind does not have)
// is the caller's to check here, from the row.

#include <keyops/endpoint/cckm.hpp>
#include <keyops/endpoint/descriptor.hpp>
#include <keyops/model/cckm.hpp>

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>

namespace keyops::cckm {

/// One job kind, at run time.
struct kind_row {
    job_kind kind;         ///< its job_kind value
    std::string_view name; ///< its command-line name, e.g. `azure-certificates`
    /// The kind's base_path without its leading '/', e.g. `v1/cckm/oci/synchronization-jobs`.
    std::string_view path;
    /// Its resource filter's parameter (`vaults`, `kms`, ...); empty when it has none.
    std::string_view filter_name;
    bool has_list;   ///< whether it has a list: any_list_jobs may be called for it
    bool has_cancel; ///< whether its jobs can be cancelled: any_cancel_job may be called for it
};

namespace detail {
template <class K>
constexpr kind_row row_of() {
    return {
        K::kind,     K::name,      K::base_path.view().substr(1), K::resource_filter::filter_name,
        K::has_list, K::has_cancel};
}
inline const std::array<kind_row, kind_count>& kind_rows() {
    static const std::array<kind_row, kind_count> rows = std::apply(
        [](auto... k) { return std::array<kind_row, kind_count>{row_of<decltype(k)>()...}; },
        all_kinds{});
    return rows;
}
} // namespace detail

/// The row of `k`; as visit_kind, a value cast from outside the enum is taken as the last kind.
inline const kind_row& kind_row_of(job_kind k) {
    const auto& rows = detail::kind_rows();
    const auto i = static_cast<std::size_t>(k);
    return rows[i < rows.size() ? i : rows.size() - 1];
}

/// The `{kind}` path parameter: a kind's path, written as it is (it needs no encoding).
struct kind_path {
    /// The placeholder in the any_* descriptors' paths that the value replaces.
    static constexpr std::string_view placeholder = "{kind}";
    static constexpr bool encoded = true; ///< written into the path as it is, slashes included
    /// Refers to `k.path` without copying it (the rows of kind_row_of live as long as the program).
    explicit kind_path(const kind_row& k) noexcept : value(k.path) {}
    std::string_view value; ///< the kind's path, e.g. `v1/cckm/oci/synchronization-jobs`
};

/// The kind that any_list_query is made for: it has no resource filter.
struct any_kind {
    using resource_filter = no_resource_filter; ///< none: see any_list_query
};
/// A job list query without a resource filter member: resource filters go in `extra`
/// (`{filter_name, value}`), since their name depends on the kind.
using any_list_query = list_query<any_kind>;

/// list_jobs with the kind as a path parameter: GET a page of jobs of one kind. For a kind
/// whose row has has_list.
struct any_list_jobs : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::get;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/{kind}");
    using path_params = std::tuple<kind_path>;
    using query = any_list_query;
    using response = job_list;
    /// @}
};

/// get_job with the kind as a path parameter: GET one job.
struct any_get_job : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::get;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/{kind}/{id}");
    using path_params = std::tuple<kind_path, job_id>;
    using response = job;
    /// @}
};

/// cancel_job with the kind as a path parameter: POST a cancel for an in-progress job;
/// retried. For a kind whose row has has_cancel.
struct any_cancel_job : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::post;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/{kind}/{id}/cancel");
    using path_params = std::tuple<kind_path, job_id>;
    using response = job;
    /// @}
};

/// start_job with the kind as a path parameter: POST a new job, its body a raw_json_body. Never
/// retried once it may have reached the server: it would start two.
struct any_start_job : descriptor_defaults {
    /// @name Endpoint descriptor
    /// @{

    /// Read by build_request and the clients (see descriptor_defaults); `path` is under the
    /// base path of `service`.
    static constexpr http_method method = http_method::post;
    static constexpr api_service service = api_service::ciphertrust;
    static constexpr auto path = fixed_string("/{kind}");
    using path_params = std::tuple<kind_path>;
    using bodies = std::tuple<raw_json_body>;
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
