#ifndef KEYOPS_WAIT_WAIT_ANY_HPP
#define KEYOPS_WAIT_WAIT_ANY_HPP

// wait_for_jobs and async_wait_for_jobs with the kind chosen at run time: the machine of
// jobs_wait_fsm.hpp driven through the run-time kind descriptors of endpoint/cckm_any.hpp, so
// that each is compiled once for all kinds (wait_for_jobs<K> is compiled once per kind it is
// used with).

#include <keyops/endpoint/cckm_any.hpp>
#include <keyops/wait/wait.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyops {

namespace detail {

// How a wait polls the jobs of a kind chosen at run time: the run-time descriptors, with the
// kind's path as a parameter. The machine asks for a list or a cancel only when the row has one.
class any_kind_polls {
public:
    explicit any_kind_polls(const cckm::kind_row& k) noexcept : k_(&k) {}

    std::string_view name() const noexcept { return k_->name; }
    bool has_list() const noexcept { return k_->has_list; }
    bool has_cancel() const noexcept { return k_->has_cancel; }
    std::size_t path_size() const noexcept { return 1 + k_->path.size(); }

    template <class Client>
    parsed<cckm::job_list> list(Client& c, const jobs_wait_fsm& fsm, error_code& ec,
                                diagnostics& diag) {
        return c.template call<cckm::any_list_jobs>(cckm::kind_path(*k_),
                                                    list_query_for<cckm::any_kind>(fsm), ec, diag);
    }
    template <class Client>
    parsed<cckm::job> get(Client& c, std::string_view id, error_code& ec, diagnostics& diag) {
        return c.template call<cckm::any_get_job>(cckm::kind_path(*k_), job_id(id), ec, diag);
    }
    template <class Client>
    parsed<cckm::job> cancel(Client& c, std::string_view id, error_code& ec, diagnostics& diag) {
        return c.template call<cckm::any_cancel_job>(cckm::kind_path(*k_), job_id(id), ec, diag);
    }

    template <class Client, class Handler>
    void async_list(Client& c, const jobs_wait_fsm& fsm, diagnostics& diag, Handler&& h) {
        query_ = list_query_for<cckm::any_kind>(fsm); // kept: the call reads it until it ends
        c.template async_call<cckm::any_list_jobs>(cckm::kind_path(*k_), query_, diag,
                                                   std::forward<Handler>(h));
    }
    template <class Client, class Handler>
    void async_get(Client& c, std::string_view id, diagnostics& diag, Handler&& h) {
        c.template async_call<cckm::any_get_job>(cckm::kind_path(*k_), job_id(id), diag,
                                                 std::forward<Handler>(h));
    }
    template <class Client, class Handler>
    void async_cancel(Client& c, std::string_view id, diagnostics& diag, Handler&& h) {
        c.template async_call<cckm::any_cancel_job>(cckm::kind_path(*k_), job_id(id), diag,
                                                    std::forward<Handler>(h));
    }

private:
    const cckm::kind_row* k_;
    cckm::list_query<cckm::any_kind> query_;
};

} // namespace detail

/// Waits for several jobs of the kind `kind`, as async_wait_for_jobs<K> otherwise. Signature
/// void(error_code, std::vector<job_wait_result>), one result per id, in the order given.
template <class Client, class Token>
auto async_wait_for_jobs(Client& c, cckm::job_kind kind, std::vector<std::string> ids,
                         wait_options opt, Token&& token) {
    return boost::asio::async_compose<Token, void(error_code, std::vector<job_wait_result>)>(
        detail::jobs_wait_op<detail::any_kind_polls, Client>(
            c, std::move(ids), std::move(opt), detail::any_kind_polls(cckm::kind_row_of(kind))),
        token, c.get_executor());
}

/// Sync: waits for several jobs of the kind `kind` (e.g. from a command line or a saved
/// record); one result per id, in the order given. As wait_for_jobs<K> otherwise.
template <class Client>
std::vector<job_wait_result> wait_for_jobs(Client& c, cckm::job_kind kind,
                                           std::vector<std::string> ids,
                                           const wait_options& opt = {}) {
    return detail::run_jobs_wait(c, detail::any_kind_polls(cckm::kind_row_of(kind)), std::move(ids),
                                 opt);
}

} // namespace keyops

#endif
