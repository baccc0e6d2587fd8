#ifndef KEYOPS_WAIT_LIST_QUERY_HPP
#define KEYOPS_WAIT_LIST_QUERY_HPP

// For a program that drives jobs_wait_fsm over its own HTTP stack: the list request a `list`
// action asks for, as the kind's typed query, ready for the request builder.
//
//     auto a = fsm.start(now);
//     if (a.kind == keyops::jobs_wait_action::type::list) {
//         auto q = keyops::list_query_for<keyops::cckm::oci>(fsm);
//         auto req = keyops::build_request<keyops::cckm::list_jobs<keyops::cckm::oci>>(ctx, q);
//         ... send req, parse the answer as cckm::job_list ...
//         a = fsm.on_list(ec, diag, std::move(page), now);
//     }
//
// For a kind chosen at run time, Kind is cckm::any_kind (endpoint/cckm_any.hpp) and the request
// is cckm::any_list_jobs with the kind's path. I/O-free: part of <keyops/core.hpp>.

#include <keyops/endpoint/cckm.hpp>
#include <keyops/endpoint/cckm_any.hpp>
#include <keyops/wait/jobs_wait_fsm.hpp>
#include <keyops/wait/watch_fsm.hpp>

namespace keyops {

/// The list request of the machine's current `list` action: the ids it reads (a list by id),
/// or the status filter (a list by status), with the page's offset and size.
template <class Kind>
cckm::list_query<Kind> list_query_for(const jobs_wait_fsm& fsm) {
    cckm::list_query<Kind> q;
    for (auto id : fsm.list_ids())
        q.id.emplace_back(id);
    q.overall_status = fsm.list_status();
    q.limit = fsm.list_limit();
    if (fsm.list_skip() != 0)
        q.skip = fsm.list_skip();
    return q;
}

/// The list request of a watch's current `list` action (its kind: kind_index(), for
/// cckm::any_list_jobs with that kind's path).
inline cckm::any_list_query list_query_for(const watch_fsm& fsm) {
    const auto& r = fsm.list_request();
    cckm::any_list_query q;
    for (auto id : r.ids)
        q.id.emplace_back(id);
    q.overall_status = r.status;
    q.limit = r.limit;
    if (r.skip != 0)
        q.skip = r.skip;
    if (r.sort_newest_first)
        q.sort = "-createdAt";
    return q;
}

} // namespace keyops

#endif
