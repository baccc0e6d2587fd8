#ifndef KEYOPS_WAIT_DETAIL_LIST_PLAN_HPP
#define KEYOPS_WAIT_DETAIL_LIST_PLAN_HPP

// How a wait on many jobs of one kind reads them, for jobs_wait_fsm (sans-io, like it). Each
// round reads every job still waited on, in one of two ways:
//   - by id: list requests filtered by id, as many ids in each as fit in max_list_target (and
//     at most ids_per_list), following `skip` if the server pages; one GET for a single job;
//   - by status, for large waits (list_by_status_from): first the kind's in-progress jobs
//     (`overall_status=in_progress`, pages of status_page_size), which show most of the jobs
//     at once; then by id the jobs that were not in it, which have usually ended since the last
//     round. The machine picks it when it takes fewer requests than by id alone, from the
//     total of in-progress jobs the server gave last time; it stops paging once the rest is
//     cheaper read by id. Jobs missing from a page (the list shifts as jobs end) are read by id
//     too, so no view is lost, only a request spent.
// list_plan packs the ids into list requests, counts them, weighs the two ways, and finds a
// listed job among the wait's own by id in O(log n).

#include <keyops/wait/types.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace keyops::detail {

// Bytes that one `id` parameter takes in a request target: "&id=" (or "?id=") and the id,
// percent-encoded as query_writer encodes it (everything outside RFC 3986's unreserved set).
inline std::size_t id_param_bytes(std::string_view id) noexcept {
    std::size_t n = 4;
    for (char ch : id) {
        const auto c = static_cast<unsigned char>(ch);
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        n += plain ? 1 : 3;
    }
    return n;
}

// Room a list target leaves for paging: "&skip=" and "&limit=" with 20 digits each.
constexpr std::size_t paging_param_bytes = 54;

class list_plan {
public:
    list_plan() = default;

    // `path_bytes`: the length of the list request's target without its query (base and path).
    list_plan(const std::vector<job_wait_result>& jobs, std::size_t path_bytes,
              const wait_options& opt)
        : max_ids_(std::max<std::size_t>(1, opt.ids_per_list)) {
        const std::size_t fixed = path_bytes + paging_param_bytes;
        room_ = opt.max_list_target > fixed ? opt.max_list_target - fixed : 0;
        bytes_.reserve(jobs.size());
        by_id_.reserve(jobs.size());
        for (std::size_t k = 0; k < jobs.size(); ++k) {
            bytes_.push_back(static_cast<std::uint32_t>(id_param_bytes(jobs[k].id)));
            by_id_.push_back(k);
        }
        std::stable_sort(by_id_.begin(), by_id_.end(),
                         [&](std::size_t a, std::size_t b) { return jobs[a].id < jobs[b].id; });
    }

    // The end of the batch of `order` (indices of jobs) that starts at `from`: as many ids as
    // fit, at most ids_per_list, at least one.
    std::size_t batch_end(const std::vector<std::size_t>& order, std::size_t from) const noexcept {
        std::size_t used = 0, end = from;
        while (end < order.size() && end - from < max_ids_) {
            const std::size_t b = bytes_[order[end]];
            if (end > from && used + b > room_)
                break;
            used += b;
            ++end;
        }
        return end;
    }

    // How many list requests read every job of `order` by id.
    std::size_t batches(const std::vector<std::size_t>& order) const noexcept {
        std::size_t n = 0;
        for (std::size_t from = 0; from < order.size(); from = batch_end(order, from))
            ++n;
        return n;
    }

    // Whether a list by status of `in_progress` jobs (unknown: the first round), `per_page` a
    // page, then lists by id of the jobs of `order` that it will not show (one more request, for
    // the jobs that ended meanwhile) take fewer requests than lists by id of all of `order`.
    bool status_pays(std::optional<std::uint64_t> in_progress, std::uint64_t per_page,
                     const std::vector<std::size_t>& order) const noexcept {
        const std::uint64_t per = per_page == 0 ? 1 : per_page;
        const std::uint64_t pages = in_progress ? (*in_progress + per - 1) / per : 1;
        return pages + 1 < batches(order);
    }

    // The indices of the jobs whose id is `id` (more than one if an id was given twice).
    template <class F>
    void for_each_match(const std::vector<job_wait_result>& jobs, std::string_view id,
                        F&& f) const {
        auto it = std::lower_bound(
            by_id_.begin(), by_id_.end(), id,
            [&](std::size_t k, std::string_view v) { return std::string_view(jobs[k].id) < v; });
        for (; it != by_id_.end() && jobs[*it].id == id; ++it)
            f(*it);
    }

private:
    std::vector<std::uint32_t> bytes_; // per job: its id parameter's bytes
    std::vector<std::size_t> by_id_;   // job indices sorted by id
    std::size_t room_ = 0;             // bytes for id parameters in one target
    std::size_t max_ids_ = 1;
};

} // namespace keyops::detail

#endif
