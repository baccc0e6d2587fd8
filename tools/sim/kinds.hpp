// keyops-sim: the CCKM job kinds it serves (the library's kinds plus what only the simulator
// knows: cloud, resource field, texts, sample names) and the vendor's example jobs.
#ifndef KEYOPS_SIM_KINDS_HPP
#define KEYOPS_SIM_KINDS_HPP

#include <keyops/endpoint/cckm.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace keyops_sim {

enum class Style { named, generic, uav };

struct KindData {
    keyops::cckm::job_kind kind;
    const char* cloud;      // "cloud" field
    const char* field;      // resource list field of the job object
    const char* filter;     // list filter query name ("" none)
    const char* body_field; // start body field (Style::named)
    const char* noun;       // for the detailed_status texts
    const char* ok_text;
    const char* prefix;    // detailed_status key prefix (Azure region, OCI compartment)
    const char* sync_item; // "" none
    Style style;
    const char* samples[3]; // two good resource names and a failing one, for the initial jobs
};

// A served kind: the library's facts about it and the simulator's data.
struct Kind : KindData {
    std::string_view name; // the library's command-line name, in messages
    std::string path;      // list / start path: /api and the library's path
    bool has_list;
    bool has_cancel;
};

// The served kinds, in the library's order (the order of the initial jobs, and so of their ids).
const std::vector<Kind>& kinds();

// The index of `kind` in kinds(), or kinds().size() if the simulator does not serve it.
std::size_t kind_index(keyops::cckm::job_kind kind);

// Verbatim example responses from the vendor documentation, served as they are.
struct SeedJob {
    keyops::cckm::job_kind kind;
    const char* json;
};
const std::vector<SeedJob>& example_jobs();

} // namespace keyops_sim

#endif
