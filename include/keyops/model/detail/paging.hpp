#ifndef KEYOPS_MODEL_DETAIL_PAGING_HPP
#define KEYOPS_MODEL_DETAIL_PAGING_HPP

// The paging rule every list of the servers follows (CCKM jobs, the scheduler's configs and runs):
// a page holds `resources` and the server's `total`; the next page starts where this one ended.

#include <cstdint>
#include <optional>

namespace keyops::detail {

// The offset of the page after `page`, which was read from offset `skip`, or nothing when the
// server says there is no more (or sent an empty page, which ends paging whatever its total
// says, so that a server miscounting cannot make a reader loop).
template <class Page>
std::optional<std::uint64_t> next_page_skip(const Page& page, std::uint64_t skip) noexcept {
    const std::uint64_t got = page.resources.size();
    if (got == 0 || !page.total || *page.total == 0)
        return std::nullopt;
    if (*page.total <= skip || *page.total - skip <= got)
        return std::nullopt;
    return skip + got;
}

} // namespace keyops::detail

#endif
