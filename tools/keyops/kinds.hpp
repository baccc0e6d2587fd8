#ifndef KEYOPS_TOOLS_KINDS_HPP
#define KEYOPS_TOOLS_KINDS_HPP

// The CCKM job kinds as run-time data for the jobs commands: one row per kind (its name, path,
// list and cancel support, how its typed start body is made) and four endpoint descriptors that
// take the kind's path as an argument. The commands are then compiled once for all kinds, not
// once per kind: the library's cckm::get_job<K> and friends would instantiate the client's call
// path, the wait loop and the printing for each of the eighteen kinds. The requests are the same
// byte for byte: the path is the kind's `base_path`, written as it is.

#include "args.hpp"

#include <keyops/endpoint/cckm.hpp>
#include <keyops/endpoint/descriptor.hpp>
#include <keyops/model/cckm.hpp>

#include <string>
#include <string_view>
#include <tuple>

namespace keyops_cli {

/// One job kind, at run time.
struct kind_info {
    std::string_view name;
    /// cckm::<kind>::base_path without its leading '/', e.g. `v1/cckm/oci/synchronization-jobs`.
    std::string_view path;
    /// The name of its resource filter (`vaults`, `kms`, ...; empty when it has none).
    std::string_view filter_name;
    bool has_list;
    bool has_cancel;
    /// The kind's modelled start body made from the typed flags of `jobs start`, as JSON; null
    /// for kinds whose only body is raw JSON.
    std::string (*typed_start_body)(const command_args& a, std::string_view kind);
};

/// The row of `k`.
const kind_info& kind_info_of(keyops::cckm::job_kind k);

/// The `{kind}` path parameter: a kind's path, already encoded.
struct kind_path {
    static constexpr std::string_view placeholder = "{kind}";
    static constexpr bool encoded = true;
    explicit kind_path(const kind_info& k) noexcept : value(k.path) {}
    std::string_view value;
};

/// A job list query with no resource filter member: the tool sends resource filters as `extra`
/// parameters (--filter NAME=VALUE), so the filter members of cckm::list_query<K> stay empty.
struct any_kind {
    using resource_filter = keyops::cckm::no_resource_filter;
};
using any_list_query = keyops::cckm::list_query<any_kind>;

// cckm::list_jobs, get_job, cancel_job and start_job with the kind as a path parameter.
struct any_list_jobs : keyops::descriptor_defaults {
    static constexpr keyops::http_method method = keyops::http_method::get;
    static constexpr keyops::api_service service = keyops::api_service::ciphertrust;
    static constexpr auto path = keyops::fixed_string("/{kind}");
    using path_params = std::tuple<kind_path>;
    using query = any_list_query;
    using response = keyops::cckm::job_list;
};

struct any_get_job : keyops::descriptor_defaults {
    static constexpr keyops::http_method method = keyops::http_method::get;
    static constexpr keyops::api_service service = keyops::api_service::ciphertrust;
    static constexpr auto path = keyops::fixed_string("/{kind}/{id}");
    using path_params = std::tuple<kind_path, keyops::job_id>;
    using response = keyops::cckm::job;
};

struct any_cancel_job : keyops::descriptor_defaults {
    static constexpr keyops::http_method method = keyops::http_method::post;
    static constexpr keyops::api_service service = keyops::api_service::ciphertrust;
    static constexpr auto path = keyops::fixed_string("/{kind}/{id}/cancel");
    using path_params = std::tuple<kind_path, keyops::job_id>;
    using response = keyops::cckm::job;
};

struct any_start_job : keyops::descriptor_defaults {
    static constexpr keyops::http_method method = keyops::http_method::post;
    static constexpr keyops::api_service service = keyops::api_service::ciphertrust;
    static constexpr auto path = keyops::fixed_string("/{kind}");
    using path_params = std::tuple<kind_path>;
    using bodies = std::tuple<keyops::cckm::raw_json_body>;
    static constexpr bool body_required = true;
    using response = keyops::cckm::job;
    static constexpr keyops::idempotency retry = keyops::idempotency::not_idempotent;
    static constexpr bool creates_resource = true;
};

} // namespace keyops_cli

#endif
