#ifndef KEYOPS_WAIT_ROTATION_WAIT_FSM_HPP
#define KEYOPS_WAIT_ROTATION_WAIT_FSM_HPP

// A wait on the Network Insight proxy key rotation as a sans-io state machine: read the status,
// report changes, pause, until SUCCESS, FAILED, an error or the deadline. The driver (wait.hpp)
// makes the status call for each `status` action and feeds the answer back with the time.

#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/model/network_insight.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/wait/jobs_wait_fsm.hpp>
#include <keyops/wait/types.hpp>

#include <boost/asio/error.hpp>

#include <chrono>
#include <string>
#include <utility>

namespace keyops {

class rotation_wait_fsm {
public:
    using time_point = std::chrono::steady_clock::time_point;

    rotation_wait_fsm(wait_options opt, time_point now)
        : opt_(std::move(opt)), timing_(opt_.polling, now) {}

    wait_action start(time_point now) { return poll(now); }
    wait_action on_wake(time_point now) { return poll(now); }

    /// The wait was cancelled or stopped.
    wait_action stop(time_point now) {
        return finish(wait_outcome::cancelled, boost::asio::error::operation_aborted, now);
    }

    /// The answer to a status action.
    wait_action on_status(error_code ec, const diagnostics& d, parsed<ni::rotation_status> st,
                          time_point now) {
        ++result_.polls;
        result_.attempts += d.attempts;
        if (ec == boost::asio::error::operation_aborted)
            return stop(now);
        if (opt_.observer) {
            const bool transient = ec && detail::transient_poll_failure(ec, d);
            const bool ended = !ec && st->done();
            opt_.observer->on_wait_poll({"proxy-key rotation", 1,
                                         ended || (ec && !transient) ? 0u : 1u, ec, transient,
                                         timing_.elapsed(now)});
        }
        if (ec && detail::transient_poll_failure(ec, d)) {
            // The server may be back at the next poll: ride it out until the deadline.
            if (opt_.on_poll_failure)
                opt_.on_poll_failure(ec, d, timing_.elapsed(now));
            failing_ = true;
            failure_ = d;
            failure_ec_ = ec;
            return pause(now, read_ ? std::string(result_.status->status.raw) : "unread");
        }
        if (ec) {
            result_.diag = d;
            return finish(wait_outcome::error, ec, now);
        }
        failing_ = false;
        const auto* before = read_ ? &result_.status.value() : nullptr;
        const bool changed = !before || before->status.raw != st->status.raw ||
                             before->failed_collector_ids.size() != st->failed_collector_ids.size();
        result_.status = std::move(st);
        read_ = true;
        const auto& s = result_.status.value();
        if (changed && opt_.on_rotation_progress)
            opt_.on_rotation_progress(s, timing_.elapsed(now));
        if (s.done()) {
            if (s.status.state == rotation_state::failed) {
                for (auto id : s.failed_collector_ids)
                    result_.failed_collector_ids.emplace_back(id);
                return finish(wait_outcome::rotation_failed, {}, now);
            }
            return finish(wait_outcome::rotation_success, {}, now);
        }
        return pause(now, std::string(s.status.raw));
    }

    rotation_wait_result& result() noexcept { return result_; }
    bool stop_requested() const noexcept {
        return opt_.stop && opt_.stop->load(std::memory_order_relaxed);
    }
    const wait_options& options() const noexcept { return opt_; }

private:
    wait_action pause(time_point now, const std::string& state) {
        if (!timing_.plan_pause(opt_.polling, now)) {
            result_.diag.detail = "the rotation was still " + state + " when the deadline of " +
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
        return {wait_action::type::status, {}, {}};
    }

    wait_action finish(wait_outcome outcome, error_code ec, time_point now) {
        result_.outcome = outcome;
        result_.ec = ec;
        result_.elapsed = timing_.elapsed(now);
        if (outcome == wait_outcome::cancelled)
            result_.diag.detail = "the wait was cancelled; the rotation goes on on the server";
        return {wait_action::type::done, {}, ec};
    }

    wait_options opt_;
    detail::wait_timing timing_;
    rotation_wait_result result_;
    diagnostics failure_;
    error_code failure_ec_;
    bool read_ = false;
    bool failing_ = false;
};

} // namespace keyops

#endif
