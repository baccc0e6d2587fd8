#ifndef KEYOPS_WAIT_WAIT_ANY_HPP
#define KEYOPS_WAIT_WAIT_ANY_HPP

// wait_for_jobs with the kind chosen at run time: the machine of jobs_wait_fsm.hpp driven on the
// calling thread through the run-time kind descriptors of endpoint/cckm_any.hpp, so that it is
// compiled once for all kinds (wait_for_jobs<K> is compiled once per kind it is used with).

#include <keyops/endpoint/cckm_any.hpp>
#include <keyops/wait/wait.hpp>

#include <string>
#include <utility>
#include <vector>

namespace keyops {

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
