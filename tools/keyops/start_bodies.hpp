#ifndef KEYOPS_TOOLS_START_BODIES_HPP
#define KEYOPS_TOOLS_START_BODIES_HPP

// `keyops jobs start KIND` with typed flags instead of --body: each of the library's modelled
// start bodies, made from the flags that fill it.

#include "args.hpp"

#include <keyops/endpoint/cckm.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace keyops_cli {

/// The typed flags of `jobs start` (valued, then switches).
inline const std::vector<std::string> start_valued_flags = {
    "--kms",       "--region", "--key-vault", "--key-ring", "--vault",
    "--oci-vault", "--group",  "--domain",    "--key-id",   "--operation"};
inline const std::vector<std::string> start_switch_flags = {"--all", "--take-cloud-key-backup"};

/// Whether any typed flag was given.
bool has_typed_start_flags(const command_args& a);

/// The start body of type Body (one of the library's modelled bodies) from the typed flags;
/// throws usage_error naming a flag the kind does not take, or a body left empty.
template <class Body>
Body make_start_body(const command_args& a, std::string_view kind);

} // namespace keyops_cli

#endif
