#ifndef KEYOPS_WAIT_RUN_WAIT_FSM_HPP
#define KEYOPS_WAIT_RUN_WAIT_FSM_HPP

// A wait on one CipherTrust scheduler run as a sans-io state machine, as rotation_wait_fsm on
// detail/single_wait_fsm.hpp: a `read` action (GET /v1/scheduler/jobs/{id}, the run job_id()), its
// answer fed back with on_run(), progress reported on each change, pauses, until the run ends
// (completed or failed), an error that would not pass, the deadline, or a cancellation (the rule
// of cancellation.hpp). The driver (run_wait.hpp) makes the calls.
//
// jobs_wait_fsm is not reused: it holds cckm::job snapshots and sends CCKM cancels, neither of
// which a run has; what both need (timing, which failures to ride out) is shared from types.hpp.

#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/model/scheduler.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/wait/detail/single_wait_fsm.hpp>
#include <keyops/wait/types.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

namespace keyops {

/// The end of a wait for a scheduler run. The outcome is completed, failed, deadline, cancelled
/// or error.
struct run_wait_result {
    std::string id;                             ///< the run's id, as given to the wait
    wait_outcome outcome = wait_outcome::error; ///< how the wait ended
    /// The run as last read (its body kept); empty if it was never read.
    parsed<scheduler::run> run;
    /// Empty for terminal outcomes; operation_aborted, deadline_exceeded or the call's error.
    error_code ec;
    /// What the failed call said (HTTP status, server text, attempts), or for deadline and
    /// cancelled, why the wait ended before the run.
    diagnostics diag;
    unsigned polls = 0;    ///< requests that read the run
    unsigned attempts = 0; ///< HTTP attempts of those requests, retries included
    std::chrono::steady_clock::duration elapsed{}; ///< from the start of the wait to its end
};

/// A wait on one CipherTrust scheduler run, as a sans-io state machine. Each event returns the
/// next single_wait_action, which the driver carries out and answers: start() first, on_run()
/// after read (GET the run job_id()), on_wake() after wait, nothing after done; result() then
/// holds a run_wait_result. (start(), on_wake(), result(), stop_requested() and options() come
/// from a base class that is not part of the reference; they work as in jobs_wait_fsm.)
class run_wait_fsm : public detail::single_wait_fsm<run_wait_result> {
public:
    /// A wait on the run `id`, started at `now`.
    run_wait_fsm(std::string id, wait_options opt, time_point now)
        : single_wait_fsm(std::move(opt), now, "run", "scheduler run") {
        result_.id = std::move(id);
    }

    /// The answer to a read action: the run.
    action on_run(error_code ec, const diagnostics& d, parsed<scheduler::run> r, time_point now,
                  cancellation_type c = cancellation_type::none) {
        if (auto a = on_answer(ec, d, !ec && r->done(), last_state(), now, c))
            return *a;
        const scheduler::run* before = read_ ? &result_.run.value() : nullptr;
        const bool changed = !before || before->status.raw != r->status.raw ||
                             before->detail != r->detail || before->error != r->error;
        result_.run = std::move(r);
        read_ = true;
        const auto& now_run = result_.run.value();
        if (changed && opt_.on_run_progress)
            opt_.on_run_progress(now_run, timing_.elapsed(now));
        if (now_run.done())
            return finish(now_run.status.state == job_state::failed ? wait_outcome::failed
                                                                    : wait_outcome::completed,
                          {}, now);
        return pause(now, now_run.status.raw);
    }

    /// read: the run.
    const std::string& job_id() const noexcept { return result_.id; }

private:
    std::string_view last_state() const noexcept {
        return read_ ? result_.run->status.raw : "unread";
    }

    bool read_ = false;
};

} // namespace keyops

#endif
