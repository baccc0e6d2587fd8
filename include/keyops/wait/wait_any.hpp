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
    const cckm::kind_row& k = cckm::kind_row_of(kind);
    jobs_wait_fsm fsm(std::move(ids), detail::with_observer(c, opt), k.name, k.has_list,
                      k.has_cancel, detail::wait_clock::now(),
                      c.options().ciphertrust_base.size() + 1 + k.path.size());
    diagnostics diag;
    error_code ec;
    wait_action a = fsm.start(detail::wait_clock::now());
    using type = wait_action::type;
    while (a.kind != type::done) {
        switch (a.kind) {
        case type::list:
            if (k.has_list) {
                auto page = c.template call<cckm::any_list_jobs>(
                    cckm::kind_path(k), detail::list_query_for<cckm::any_kind>(fsm), ec, diag);
                a = fsm.on_list(ec, diag, std::move(page), detail::wait_clock::now());
                continue;
            }
            break;
        case type::get: {
            auto j = c.template call<cckm::any_get_job>(cckm::kind_path(k), job_id(fsm.job_id()),
                                                        ec, diag);
            a = fsm.on_job(ec, diag, std::move(j), detail::wait_clock::now());
            continue;
        }
        case type::cancel:
            if (k.has_cancel) {
                auto j = c.template call<cckm::any_cancel_job>(cckm::kind_path(k),
                                                               job_id(fsm.job_id()), ec, diag);
                a = fsm.on_job(ec, diag, std::move(j), detail::wait_clock::now());
                continue;
            }
            break;
        case type::wait:
            a = detail::sleep_until_or_stop(a.until, opt.stop)
                    ? fsm.on_wake(detail::wait_clock::now())
                    : fsm.stop(detail::wait_clock::now());
            continue;
        case type::status:
        case type::done:
            break;
        }
        a = fsm.stop(detail::wait_clock::now()); // an action this kind cannot take: never asked
    }
    return std::move(fsm.results());
}

} // namespace keyops

#endif
