#ifndef KEYOPS_WAIT_SINGLE_WAIT_FSM_HPP
#define KEYOPS_WAIT_SINGLE_WAIT_FSM_HPP

// What a wait on one resource does whatever the resource is (the Network Insight proxy key
// rotation, a CipherTrust scheduler run): it counts polls and attempts, tells the observer,
// rides out the failures that may pass until the deadline and ends on the others, says in its
// diagnostics why the deadline passed, and stops when asked. rotation_wait_fsm.hpp and
// run_wait_fsm.hpp add what the resource is: the call that reads it, and its states.

#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/wait/types.hpp>

#include <boost/asio/error.hpp>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace keyops {
namespace detail {

/// `Result` has outcome, ec, diag, polls, attempts and elapsed, as rotation_wait_result.
template <class Result>
class single_wait_fsm {
public:
    using time_point = std::chrono::steady_clock::time_point;

    wait_action start(time_point now) { return poll(now); }
    wait_action on_wake(time_point now) { return poll(now); }

    /// The wait was cancelled or stopped: the resource goes on on the server.
    wait_action stop(time_point now) {
        return finish(wait_outcome::cancelled, boost::asio::error::operation_aborted, now);
    }

    Result& result() noexcept { return result_; }
    bool stop_requested() const noexcept {
        return opt_.stop && opt_.stop->load(std::memory_order_relaxed);
    }
    const wait_options& options() const noexcept { return opt_; }

protected:
    /// `noun` names the resource in sentences ("rotation"), `label` for the observer
    /// ("proxy-key rotation"); `call` is the action that reads it.
    single_wait_fsm(wait_options opt, time_point now, const char* noun, const char* label,
                    wait_action::type call)
        : opt_(std::move(opt)), timing_(opt_.polling, now), noun_(noun), label_(label),
          call_(call) {}

    /// The part of an answer every resource shares. Returns the next action when the answer
    /// decides it here (the call was cancelled; it failed, for a while or for good), nothing
    /// when the answer is to be read. `ended`: the answer says the resource ended; `state`: the
    /// last state word read, for the deadline's sentence.
    std::optional<wait_action> on_answer(const error_code& ec, const diagnostics& d, bool ended,
                                         std::string_view state, time_point now) {
        ++result_.polls;
        result_.attempts += d.attempts;
        if (ec == boost::asio::error::operation_aborted)
            return stop(now);
        const bool transient = ec && transient_poll_failure(ec, d);
        if (opt_.observer)
            opt_.observer->on_wait_poll({label_, 1, ended || (ec && !transient) ? 0u : 1u, ec,
                                         transient, timing_.elapsed(now)});
        if (transient) {
            // The server may be back at the next poll: ride it out until the deadline.
            if (opt_.on_poll_failure)
                opt_.on_poll_failure(ec, d, timing_.elapsed(now));
            failing_ = true;
            failure_ = d;
            failure_ec_ = ec;
            return pause(now, state);
        }
        if (ec) {
            result_.diag = d;
            return finish(wait_outcome::error, ec, now);
        }
        failing_ = false;
        return std::nullopt;
    }

    /// A pause until the next poll, or the end at the deadline.
    wait_action pause(time_point now, std::string_view state) {
        if (!timing_.plan_pause(opt_.polling, now)) {
            result_.diag.detail = std::string("the ") + noun_ + " was still " + std::string(state) +
                                  " when the deadline of " + seconds_text(opt_.polling.deadline) +
                                  " passed";
            if (failing_) {
                result_.diag.detail += "; its last poll failed: " + failure_.describe(failure_ec_);
                result_.diag.http_status = failure_.http_status;
            }
            return finish(wait_outcome::deadline, make_error_code(error::deadline_exceeded), now);
        }
        return {wait_action::type::wait, timing_.wake, {}};
    }

    wait_action finish(wait_outcome outcome, error_code ec, time_point now) {
        result_.outcome = outcome;
        result_.ec = ec;
        result_.elapsed = timing_.elapsed(now);
        if (outcome == wait_outcome::cancelled)
            result_.diag.detail =
                std::string("the wait was cancelled; the ") + noun_ + " goes on on the server";
        return {wait_action::type::done, {}, ec};
    }

    wait_options opt_;
    wait_timing timing_;
    Result result_;

private:
    wait_action poll(time_point now) {
        if (stop_requested())
            return stop(now);
        return {call_, {}, {}};
    }

    const char* noun_;
    const char* label_;
    wait_action::type call_;
    diagnostics failure_;
    error_code failure_ec_;
    bool failing_ = false;
};

} // namespace detail
} // namespace keyops

#endif
