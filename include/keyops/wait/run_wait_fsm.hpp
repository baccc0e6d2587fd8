#ifndef KEYOPS_WAIT_RUN_WAIT_FSM_HPP
#define KEYOPS_WAIT_RUN_WAIT_FSM_HPP

// A wait on one CipherTrust scheduler run as a sans-io state machine, of the shape of
// rotation_wait_fsm: a `get` action (GET /v1/scheduler/jobs/{id}, the run job_id()), its answer
// fed back with on_run(), progress reported on each change, pauses, until the run ends
// (completed or failed), an error that would not pass, the deadline, or a stop. The driver
// (run_wait.hpp) makes the calls.
//
// jobs_wait_fsm is not reused: it holds cckm::job snapshots and sends CCKM cancels, neither of
// which a run has; what both need (timing, which failures to ride out) is shared from types.hpp.

#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/model/scheduler.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/wait/jobs_wait_fsm.hpp>
#include <keyops/wait/types.hpp>

#include <boost/asio/error.hpp>

#include <chrono>
#include <string>
#include <utility>

namespace keyops {

/// The end of a wait for a scheduler run. The outcome is completed, failed, deadline, cancelled
/// or error.
struct run_wait_result {
    std::string id;
    wait_outcome outcome = wait_outcome::error;
    /// The run as last read (its body kept); empty if it was never read.
    parsed<scheduler::run> run;
    /// Empty for terminal outcomes; operation_aborted, deadline_exceeded or the call's error.
    error_code ec;
    diagnostics diag;
    unsigned polls = 0;
    unsigned attempts = 0;
    std::chrono::steady_clock::duration elapsed{};
};

class run_wait_fsm {
public:
    using time_point = std::chrono::steady_clock::time_point;

    run_wait_fsm(std::string id, wait_options opt, time_point now)
        : opt_(std::move(opt)), timing_(opt_.polling, now) {
        result_.id = std::move(id);
    }

    wait_action start(time_point now) { return poll(now); }
    wait_action on_wake(time_point now) { return poll(now); }

    /// The wait was cancelled or stopped: the run goes on on the server.
    wait_action stop(time_point now) {
        return finish(wait_outcome::cancelled, boost::asio::error::operation_aborted, now);
    }

    /// The answer to a get action.
    wait_action on_run(error_code ec, const diagnostics& d, parsed<scheduler::run> r,
                       time_point now) {
        ++result_.polls;
        result_.attempts += d.attempts;
        if (ec == boost::asio::error::operation_aborted)
            return stop(now);
        const bool transient = ec && detail::transient_poll_failure(ec, d);
        if (opt_.observer) {
            const bool ended = !ec && r->done();
            opt_.observer->on_wait_poll({"scheduler run", 1, ended || (ec && !transient) ? 0u : 1u,
                                         ec, transient, timing_.elapsed(now)});
        }
        if (transient) {
            // The server may be back at the next poll: ride it out until the deadline.
            if (opt_.on_poll_failure)
                opt_.on_poll_failure(ec, d, timing_.elapsed(now));
            failing_ = true;
            failure_ = d;
            failure_ec_ = ec;
            return pause(now);
        }
        if (ec) {
            result_.diag = d;
            return finish(wait_outcome::error, ec, now);
        }
        failing_ = false;
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
        return pause(now);
    }

    /// get: the run.
    const std::string& job_id() const noexcept { return result_.id; }
    run_wait_result& result() noexcept { return result_; }
    bool stop_requested() const noexcept {
        return opt_.stop && opt_.stop->load(std::memory_order_relaxed);
    }
    const wait_options& options() const noexcept { return opt_; }

private:
    wait_action pause(time_point now) {
        if (!timing_.plan_pause(opt_.polling, now)) {
            const std::string state = read_ ? std::string(result_.run->status.raw) : "unread";
            result_.diag.detail = "the run was still " + state + " when the deadline of " +
                                  detail::seconds_text(opt_.polling.deadline) + " passed";
            if (failing_) {
                result_.diag.detail += "; its last poll failed: " + failure_.describe(failure_ec_);
                result_.diag.http_status = failure_.http_status;
            }
            return finish(wait_outcome::deadline, make_error_code(error::deadline_exceeded), now);
        }
        return {wait_action::type::wait, timing_.wake, {}};
    }

    wait_action poll(time_point now) {
        if (stop_requested())
            return stop(now);
        return {wait_action::type::get, {}, {}};
    }

    wait_action finish(wait_outcome outcome, error_code ec, time_point now) {
        result_.outcome = outcome;
        result_.ec = ec;
        result_.elapsed = timing_.elapsed(now);
        if (outcome == wait_outcome::cancelled)
            result_.diag.detail = "the wait was cancelled; the run goes on on the server";
        return {wait_action::type::done, {}, ec};
    }

    wait_options opt_;
    detail::wait_timing timing_;
    run_wait_result result_;
    diagnostics failure_;
    error_code failure_ec_;
    bool read_ = false;
    bool failing_ = false;
};

} // namespace keyops

#endif
