#ifndef KEYOPS_WAIT_DETAIL_SINGLE_WAIT_FSM_HPP
#define KEYOPS_WAIT_DETAIL_SINGLE_WAIT_FSM_HPP

// What a wait on one resource does whatever the resource is (the Network Insight proxy key
// rotation, a CipherTrust scheduler run): it counts polls and attempts, tells the observer,
// rides out the failures that may pass until the deadline and ends on the others, says in its
// diagnostics why the deadline passed, and ends on a cancellation by the rule of
// cancellation.hpp (the stop flag counts as a total cancellation). rotation_wait_fsm.hpp and
// run_wait_fsm.hpp add what the resource is: the call that reads it, and its states.
//
// Each event answers the action returned last: start() first, the resource's answer after read,
// on_wake() after wait, nothing after done (asserted).

#include <keyops/cancellation.hpp>
#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/wait/types.hpp>

#include <boost/asio/error.hpp>
#include <boost/assert.hpp>

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
    using action = single_wait_action;

    /// The first step.
    action start(time_point now, cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT(last_ == single_wait_action::type::done && !started_);
        started_ = true;
        return poll(now, c);
    }
    /// After a wait action's pause (or sooner, when a cancellation or the stop flag cut it).
    action on_wake(time_point now, cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT(started_ && last_ == single_wait_action::type::wait);
        return poll(now, c);
    }

    Result& result() noexcept { return result_; }
    bool stop_requested() const noexcept {
        return opt_.stop && opt_.stop->load(std::memory_order_relaxed);
    }
    const wait_options& options() const noexcept { return opt_; }

protected:
    /// `noun` names the resource in sentences ("rotation"), `label` for the observer
    /// ("proxy-key rotation"); `call` is the action that reads it.
    single_wait_fsm(wait_options opt, time_point now, const char* noun, const char* label)
        : opt_(std::move(opt)), timing_(opt_.polling, now), noun_(noun), label_(label) {}

    /// The part of an answer every resource shares. Returns the next action when the answer
    /// decides it here (a terminal cancellation; the call was cancelled; it failed, for a while
    /// or for good), nothing when the answer is to be read. `ended`: the answer says the resource
    /// ended; `state`: the last state word read, for the deadline's sentence.
    std::optional<action> on_answer(const error_code& ec, const diagnostics& d, bool ended,
                                    std::string_view state, time_point now, cancellation_type c) {
        BOOST_ASSERT(started_ && last_ == single_wait_action::type::read);
        note_cancel(c);
        if (cancel_ == cancel_rule::end_now)
            return stop(now);
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

    /// A pause until the next poll, or the end at the deadline; the end at once after an
    /// answer that came with a partial or total cancellation.
    action pause(time_point now, std::string_view state) {
        if (cancel_ != cancel_rule::go_on)
            return stop(now);
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
        return emit(action::wait_until(timing_.wake));
    }

    action finish(wait_outcome outcome, error_code ec, time_point now) {
        result_.outcome = outcome;
        result_.ec = ec;
        result_.elapsed = timing_.elapsed(now);
        if (outcome == wait_outcome::cancelled)
            result_.diag.detail =
                std::string("the wait was cancelled; the ") + noun_ + " goes on on the server";
        return emit(action::done(ec));
    }

    /// The wait was cancelled or stopped: the resource goes on on the server.
    action stop(time_point now) {
        return finish(wait_outcome::cancelled, boost::asio::error::operation_aborted, now);
    }

    wait_options opt_;
    wait_timing timing_;
    Result result_;

private:
    action poll(time_point now, cancellation_type c) {
        note_cancel(c);
        if (cancel_ != cancel_rule::go_on)
            return stop(now);
        return emit(action::read());
    }

    action emit(action a) noexcept {
        last_ = a.kind;
        return a;
    }

    // The cancellation told with an event, kept at its strongest; the stop flag counts as a
    // total cancellation.
    void note_cancel(cancellation_type c) noexcept {
        cancel_ = stronger(cancel_, rule_of(c));
        if (stop_requested())
            cancel_ = stronger(cancel_, cancel_rule::end_after_answer);
    }

    const char* noun_;
    const char* label_;
    diagnostics failure_;
    error_code failure_ec_;
    bool failing_ = false;
    bool started_ = false;
    single_wait_action::type last_ = single_wait_action::type::done;
    cancel_rule cancel_ = cancel_rule::go_on;
};

} // namespace detail
} // namespace keyops

#endif
