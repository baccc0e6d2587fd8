#ifndef KEYOPS_WAIT_RUN_WAIT_HPP
#define KEYOPS_WAIT_RUN_WAIT_HPP

// Waiting for a CipherTrust scheduler run to end, through a keyops::client: the machine of
// run_wait_fsm.hpp run by a sync and an async driver, with the rules of wait.hpp (polling,
// deadline, stop flag, cancellation, transient failures ridden out, the client's observer).
//
//     keyops::wait_options w;
//     w.on_run_progress = [](const scheduler::run& r, auto elapsed) { ... };
//     auto r = keyops::wait_for_run(cm, run_id, w);                // sync
//     if (r.outcome == keyops::wait_outcome::completed) ...
//     keyops::async_wait_for_run(cm, run_id, w, token);            // void(error_code,
//                                                                  //      run_wait_result)

#include <keyops/endpoint/scheduler.hpp>
#include <keyops/wait/run_wait_fsm.hpp>
#include <keyops/wait/types.hpp>
#include <keyops/wait/wait.hpp>

#include <boost/asio/compose.hpp>

#include <string>
#include <utility>

namespace keyops {

namespace detail {

// How the run wait reads the run: GET /v1/scheduler/jobs/{id}.
struct run_reads {
    using fsm_type = run_wait_fsm;
    using answer = parsed<scheduler::run>;

    template <class Client>
    static answer read(Client& c, const fsm_type& fsm, error_code& ec, diagnostics& diag) {
        return c.template call<scheduler::get_run>(job_id(fsm.job_id()), ec, diag);
    }
    template <class Client, class Handler>
    static void async_read(Client& c, const fsm_type& fsm, diagnostics& diag, Handler&& h) {
        c.template async_call<scheduler::get_run>(job_id(fsm.job_id()), diag,
                                                  std::forward<Handler>(h));
    }
    static single_wait_action feed(fsm_type& fsm, error_code ec, const diagnostics& diag, answer r,
                                   wait_clock::time_point now, cancellation_type c) {
        return fsm.on_run(ec, diag, std::move(r), now, c);
    }
};

} // namespace detail

/// Waits for a scheduler run to end. Signature void(error_code, run_wait_result).
template <class Client, class Token>
auto async_wait_for_run(Client& c, std::string id, wait_options opt, Token&& token) {
    return boost::asio::async_compose<Token, void(error_code, run_wait_result)>(
        detail::single_wait_op<detail::run_reads, Client>(
            c, run_wait_fsm(std::move(id), detail::with_observer(c, std::move(opt)),
                            detail::wait_clock::now())),
        token, c.get_executor());
}

/// Sync: waits for a scheduler run to end.
template <class Client>
run_wait_result wait_for_run(Client& c, std::string id, const wait_options& opt = {}) {
    return detail::run_single_wait<detail::run_reads>(
        c, run_wait_fsm(std::move(id), detail::with_observer(c, opt), detail::wait_clock::now()));
}

} // namespace keyops

#endif
