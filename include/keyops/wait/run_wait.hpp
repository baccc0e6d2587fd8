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
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>
#include <utility>

namespace keyops {

namespace detail {

// The async driver of run_wait_fsm.
template <class Client>
class run_wait_op {
public:
    run_wait_op(Client& c, std::string id, wait_options opt)
        : st_(std::make_unique<state>(c, std::move(id), std::move(opt))) {}

    template <class Self>
    void operator()(Self& self, error_code ec = {}) {
        if (auto a = wait_timer_step(self, *st_, ec))
            act(self, *a);
    }

    template <class Self>
    void operator()(Self& self, error_code ec, parsed<scheduler::run> r) {
        auto& s = *st_;
        if (wait_cancelled(self))
            ec = boost::asio::error::operation_aborted;
        act(self, s.fsm.on_run(ec, s.diag, std::move(r), wait_clock::now()));
    }

private:
    struct state {
        state(Client& cl, std::string id, wait_options opt)
            : c(cl), timer(cl.get_executor()),
              fsm(std::move(id), with_observer(cl, std::move(opt)), wait_clock::now()) {}
        Client& c;
        boost::asio::steady_timer timer;
        run_wait_fsm fsm;
        diagnostics diag;
        wait_clock::time_point wake{};
        wait_phase ph = wait_phase::initial;
    };

    template <class Self>
    void act(Self& self, wait_action a) {
        auto& s = *st_;
        if (a.kind == wait_action::type::get)
            return s.c.template async_call<scheduler::get_run>(job_id(s.fsm.job_id()), s.diag,
                                                               std::move(self));
        if (a.kind == wait_action::type::wait) {
            s.wake = a.until;
            return pause_wait(self, s);
        }
        auto result = std::move(s.fsm.result());
        st_.reset(); // before completing: the handler may start another wait on this client
        self.complete(a.ec, std::move(result));
    }

    std::unique_ptr<state> st_;
};

} // namespace detail

/// Waits for a scheduler run to end. Signature void(error_code, run_wait_result).
template <class Client, class Token>
auto async_wait_for_run(Client& c, std::string id, wait_options opt, Token&& token) {
    return boost::asio::async_compose<Token, void(error_code, run_wait_result)>(
        detail::run_wait_op<Client>(c, std::move(id), std::move(opt)), token, c.get_executor());
}

/// Sync: waits for a scheduler run to end.
template <class Client>
run_wait_result wait_for_run(Client& c, std::string id, const wait_options& opt = {}) {
    run_wait_fsm fsm(std::move(id), detail::with_observer(c, opt), detail::wait_clock::now());
    diagnostics diag;
    error_code ec;
    wait_action a = fsm.start(detail::wait_clock::now());
    while (a.kind != wait_action::type::done) {
        if (a.kind == wait_action::type::get) {
            auto r = c.template call<scheduler::get_run>(job_id(fsm.job_id()), ec, diag);
            a = fsm.on_run(ec, diag, std::move(r), detail::wait_clock::now());
        } else if (a.kind == wait_action::type::wait) {
            a = detail::sleep_until_or_stop(a.until, opt.stop)
                    ? fsm.on_wake(detail::wait_clock::now())
                    : fsm.stop(detail::wait_clock::now());
        } else {
            a = fsm.stop(detail::wait_clock::now());
        }
    }
    return std::move(fsm.result());
}

} // namespace keyops

#endif
