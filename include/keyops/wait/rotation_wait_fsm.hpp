#ifndef KEYOPS_WAIT_ROTATION_WAIT_FSM_HPP
#define KEYOPS_WAIT_ROTATION_WAIT_FSM_HPP

// A wait on the Network Insight proxy key rotation as a sans-io state machine: read the status,
// report changes, pause, until SUCCESS, FAILED, an error, the deadline or a cancellation (the rule
// of cancellation.hpp). The driver (wait/detail/drivers.hpp) makes the status call for each
// `read` action and feeds the answer back with the time and the cancellation type.

#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/model/network_insight.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/wait/detail/single_wait_fsm.hpp>
#include <keyops/wait/types.hpp>

#include <chrono>
#include <string_view>
#include <utility>

namespace keyops {

/// A wait on the Network Insight proxy key rotation, as a sans-io state machine. Each event
/// returns the next single_wait_action, which the driver carries out and answers: start()
/// first, on_status() after read, on_wake() after wait, nothing after done; result() then holds
/// a rotation_wait_result. (start(), on_wake(), result(), stop_requested() and options() come
/// from a base class that is not part of the reference; they work as in jobs_wait_fsm.)
class rotation_wait_fsm : public detail::single_wait_fsm<rotation_wait_result> {
public:
    /// A wait started at `now`.
    rotation_wait_fsm(wait_options opt, time_point now)
        : single_wait_fsm(std::move(opt), now, "rotation", "proxy-key rotation") {}

    /// The answer to a read action: the rotation status.
    action on_status(error_code ec, const diagnostics& d, parsed<ni::rotation_status> st,
                     time_point now, cancellation_type c = cancellation_type::none) {
        if (auto a = on_answer(ec, d, !ec && st->done(), last_state(), now, c))
            return *a;
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
        return pause(now, s.status.raw);
    }

private:
    std::string_view last_state() const noexcept {
        return read_ ? result_.status->status.raw : "unread";
    }

    bool read_ = false;
};

} // namespace keyops

#endif
