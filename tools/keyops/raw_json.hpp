#ifndef KEYOPS_TOOLS_RAW_JSON_HPP
#define KEYOPS_TOOLS_RAW_JSON_HPP

// Pieces of a JSON body the library has already parsed, as the server wrote them: --json prints
// these texts rather than a re-serialised copy, which would change numbers no C++ type holds
// exactly (a Go uint64, 1e400) and the spelling of escapes.

#include <keyops/model/cckm.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace keyops_cli {

/// The elements of the array in the top-level member `name` of the object `body`, each as
/// written. Empty when there is no such member or it is not an array. `body` must be valid JSON
/// (the library parsed it first); keys are compared as written, escapes not decoded.
std::vector<std::string_view> member_array_elements(std::string_view body, std::string_view name);

/// The text of `job`, parsed from `body`: the element of its `resources` that holds it (a list
/// page), or the whole body (a single job). Empty when a list page does not hold it.
std::string_view raw_job_text(std::string_view body, const keyops::cckm::job& job);

/// A JSON array of the texts, as written.
std::string json_array_of(const std::vector<std::string_view>& elements);

} // namespace keyops_cli

#endif
