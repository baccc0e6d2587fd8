#ifndef KEYOPS_TOOLS_KINDS_HPP
#define KEYOPS_TOOLS_KINDS_HPP

// The CCKM job kinds as run-time data for the jobs commands: one row per kind (its name, path,
// list and cancel support, how its typed start body is made) and four endpoint descriptors that
// take the kind's path as an argument. The commands are then compiled once for all kinds, not
// once per kind: the library's cckm::get_job<K> and friends would instantiate the client's call
// path, the wait loop and the printing for each of the eighteen kinds. The requests are the same
// byte for byte: the path is the kind's `base_path`, written as it is.

#include "args.hpp"

#include <keyops/endpoint/cckm_any.hpp>

#include <string>
#include <string_view>

namespace keyops_cli {

/// One job kind, at run time: the library's row (endpoint/cckm_any.hpp) and how the tool makes
/// its typed start body.
struct kind_info : keyops::cckm::kind_row {
    /// The kind's modelled start body made from the typed flags of `jobs start`, as JSON; null
    /// for kinds whose only body is raw JSON.
    std::string (*typed_start_body)(const command_args& a, std::string_view kind);
};

/// The row of `k`.
const kind_info& kind_info_of(keyops::cckm::job_kind k);

using keyops::cckm::any_cancel_job;
using keyops::cckm::any_get_job;
using keyops::cckm::any_kind;
using keyops::cckm::any_list_jobs;
using keyops::cckm::any_list_query;
using keyops::cckm::any_start_job;
using keyops::cckm::kind_path;

} // namespace keyops_cli

#endif
