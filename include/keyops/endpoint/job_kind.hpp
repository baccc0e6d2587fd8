#ifndef KEYOPS_ENDPOINT_JOB_KIND_HPP
#define KEYOPS_ENDPOINT_JOB_KIND_HPP

// The CCKM job kinds as a run-time value, made from the list in cckm_kinds.hpp beside it; the
// kinds' tag types and their endpoints are in endpoint/cckm.hpp.

#include <keyops/endpoint/cckm_kinds.hpp>

namespace keyops::cckm {

/// Runtime names of the kinds, for command lines and configuration.
enum class job_kind {
#define KEYOPS_CCKM_KIND_ENUMERATOR(type, ...) type,
    KEYOPS_CCKM_KINDS(KEYOPS_CCKM_KIND_ENUMERATOR)
#undef KEYOPS_CCKM_KIND_ENUMERATOR
};

} // namespace keyops::cckm

#endif
