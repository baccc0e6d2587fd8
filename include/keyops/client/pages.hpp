#ifndef KEYOPS_CLIENT_PAGES_HPP
#define KEYOPS_CLIENT_PAGES_HPP

// Reading every page of a CCKM job list: from the query's `skip` on, `limit` jobs per request
// (100 when the query sets none), following the server's `total` (cckm::next_page_skip), until
// the last page, an error, or a page handler that asks to stop.
//
//     cckm::list_query<cckm::oci> q;
//     q.overall_status = keyops::job_state::in_progress;
//     keyops::for_each_job_page<cckm::oci>(cm, q, ec, diag,
//         [&](keyops::parsed<cckm::job_list> page, std::uint64_t skip) {
//             for (const auto& j : page->resources) ...
//             return true; // false stops after this page
//         });
//
// The handler gets each page by value (it may keep it: every view in it stays valid while it
// lives). A failed request ends the reading with its error and diagnostics; the pages before it
// were handed over already.

#include <keyops/client/client.hpp>
#include <keyops/endpoint/cckm.hpp>
#include <keyops/model/cckm.hpp>

#include <cstddef>
#include <cstdint>
#include <utility>

namespace keyops {

/// Sync: calls `on_page(parsed<cckm::job_list>, skip)` for every page, in order; `on_page`
/// returns true to go on. Returns the number of pages read.
template <class Kind, class Client, class OnPage>
std::size_t for_each_job_page(Client& c, cckm::list_query<Kind> q, error_code& ec,
                              diagnostics& diag, OnPage&& on_page) {
    static_assert(Kind::has_list, "keyops: this kind of job has no list endpoint");
    ec.clear();
    if (!q.limit)
        q.limit = 100;
    std::uint64_t skip = q.skip.value_or(0);
    std::size_t pages = 0;
    for (;;) {
        q.skip = skip;
        auto page = c.template call<cckm::list_jobs<Kind>>(q, ec, diag);
        if (ec)
            return pages;
        ++pages;
        const auto next = cckm::next_page_skip(page.value(), skip);
        if (!on_page(std::move(page), skip) || !next)
            return pages;
        skip = *next;
    }
}

} // namespace keyops

#endif
