#ifndef KEYOPS_WAIT_ROTATION_WATCH_FSM_HPP
#define KEYOPS_WAIT_ROTATION_WATCH_FSM_HPP

// A watch on the Network Insight proxy key rotations, as a sans-io state machine: the events of
// watch_fsm.hpp for kind "proxy-key" (rotation_watch_fsm::kind_name), in batches, one per round,
// with the cursor's `proxy_key` part (watch_cursor.hpp) to go on from in another process.
//
// The server shows only the last rotation (its status, no id, no time) and the key's
// `lastUpdatedAt`, which a successful rotation moves. So each round reads the key details, then
// the status (two requests), in that order: a move of the key seen first was made by a rotation
// that ended before the status was read, so the status, read after it, cannot be of that
// rotation still running. Then:
// - a rotation running (SUBMITTED, IN_PROGRESS, or a word this version does not know) that is not
//   open is new: started; a change of its word is progress; SUCCESS or FAILED ends it (completed,
//   failed); 404 (no rotation) while one is open: vanished;
// - a move of the key ends the open rotation completed (or, with none open, is a rotation that
//   started and ended between two rounds: started, then completed); a running or FAILED status
//   beside the move is a rotation after it;
// - with no rotation open, a status that ended differently from the one last read (FAILED after
//   SUCCESS, say) is a rotation that started and ended between two rounds.
// A SUCCESS read before the key moved (the rotation ended between the two reads) leaves the
// move pending: the next move is that rotation's, not a new one. Rotations are numbered by the
// watch (the event's id: "1", "2", ...), from the cursor on. The completed event's time is the
// key's `lastUpdatedAt` (RFC 3339), when it moved; the others have none, as the server gives
// none.
//
// A default cursor starts now: a rotation running is reported started, one ended is not.
//
// Limits, as the server shows no more: two rotations that succeed within one interval are one;
// a rotation that failed between two rounds after another that failed is not seen (the status
// reads FAILED both times and the key does not move). Both reads are needed for a round: a
// failed read is an error event, and the round is read again at the next one.
//
// Cancellation follows cancellation.hpp: terminal ends at once; partial and total let the read in
// flight finish, and the round's events are handed over when it was the status read (the
// round's last), else the round is dropped. Each event answers the action returned last, as in
// watch_fsm.

#include <keyops/cancellation.hpp>
#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/model/network_insight.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/parse/timestamp.hpp>
#include <keyops/wait/watch_cursor.hpp>
#include <keyops/wait/watch_fsm.hpp>

#include <boost/asio/error.hpp>
#include <boost/assert.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyops {

/// What a rotation watch needs done next. `until` is meaningful for wait, `ec` for done.
struct rotation_watch_action {
    /// The kinds of action.
    enum class type : unsigned char {
        status,  ///< read the rotation status, then on_status()
        details, ///< read the key details, then on_details()
        /// hand events() over with next_cursor(), then on_delivered()
        events,
        wait, ///< pause until `until`, then on_wake()
        done, ///< finished with `ec` (operation_aborted when cancelled)
    };
    type kind = type::done;                        ///< what to do
    std::chrono::steady_clock::time_point until{}; ///< wait: the end of the pause
    error_code ec{}; ///< done: operation_aborted when cancelled, else empty

    /// A read of the rotation status.
    static rotation_watch_action status() noexcept { return {type::status, {}, {}}; }
    /// A read of the key details.
    static rotation_watch_action details() noexcept { return {type::details, {}, {}}; }
    /// A hand-over of the round's events.
    static rotation_watch_action events() noexcept { return {type::events, {}, {}}; }
    /// A pause until `t`.
    static rotation_watch_action wait_until(std::chrono::steady_clock::time_point t) noexcept {
        return {type::wait, t, {}};
    }
    /// The end, with `ec`.
    static rotation_watch_action done(error_code ec) noexcept { return {type::done, {}, ec}; }
};

/// The action's name: "status", "details", "events", "wait" or "done".
constexpr std::string_view to_string(rotation_watch_action::type t) noexcept {
    switch (t) {
    case rotation_watch_action::type::status:
        return "status";
    case rotation_watch_action::type::details:
        return "details";
    case rotation_watch_action::type::events:
        return "events";
    case rotation_watch_action::type::wait:
        return "wait";
    case rotation_watch_action::type::done:
        break;
    }
    return "done";
}

/// Writes to_string(t).
inline std::ostream& operator<<(std::ostream& os, rotation_watch_action::type t) {
    return os << to_string(t);
}

/// A watch on the Network Insight proxy key rotations, as a sans-io state machine: the events
/// of watch_fsm for kind "proxy-key", in batches, one per round, with the cursor's `proxy_key`
/// part to go on from in another process. Each round reads the key details, then the status;
/// rotations are numbered by the watch ("1", "2", ...), as the server gives them no id. Each
/// event answers the action returned last: start() first, on_details() after details,
/// on_status() after status, on_delivered() after events, on_wake() after wait, nothing
/// after done. Two rotations that succeed within one interval are reported as one.
class rotation_watch_fsm {
public:
    using time_point = std::chrono::steady_clock::time_point; ///< the steady clock's time
    using action = rotation_watch_action;                     ///< what each event returns

    /// The kind named by the events and the error events.
    static constexpr std::string_view kind_name = "proxy-key";

    /// A watch from `cursor` (its proxy_key part; the rest is kept as it is). Of the options,
    /// interval and once apply.
    rotation_watch_fsm(watch_options opt, watch_cursor cursor)
        : opt_(std::move(opt)), committed_(std::move(cursor)), work_(committed_) {}

    /// The first step.
    action start(time_point now, cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT(last_ == last::none);
        return begin(now, c);
    }

    /// After a wait action's pause (or sooner, when a cancellation cut it).
    action on_wake(time_point now, cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT(last_ == last::wait);
        return begin(now, c);
    }

    /// The answer to a details action: the key's `lastUpdatedAt`, kept for the status read.
    action on_details(error_code ec, const diagnostics& d, parsed<ni::key_details> k,
                      time_point now, cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT(last_ == last::details);
        note_cancel(c);
        if (cancel_ != detail::cancel_rule::go_on || ec == boost::asio::error::operation_aborted)
            return emit(action::done(boost::asio::error::operation_aborted));
        ++requests_;
        if (ec) {
            add_error(d.describe(ec));
            return end_round(now);
        }
        updated_at_ = k->last_updated_at;
        return emit(action::status());
    }

    /// The answer to a status action. 404 is no rotation yet, not an error.
    action on_status(error_code ec, const diagnostics& d, parsed<ni::rotation_status> st,
                     time_point now, cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT(last_ == last::status);
        note_cancel(c);
        if (cancel_ == detail::cancel_rule::end_now || ec == boost::asio::error::operation_aborted)
            return emit(action::done(boost::asio::error::operation_aborted));
        ++requests_;
        if (ec && ec != error::not_found) {
            add_error(d.describe(ec));
            return end_round(now);
        }
        std::optional<std::string> status; // none: 404, no rotation yet (or none any more)
        failed_ids_.clear();
        if (!ec) {
            status = std::string(st->status.raw);
            for (auto id : st->failed_collector_ids)
                failed_ids_.emplace_back(id);
        }
        decide(status, updated_at_);
        return end_round(now);
    }

    /// After an events action: the events are handed over; the cursor now includes them.
    action on_delivered(time_point now, cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT(last_ == last::events);
        note_cancel(c);
        committed_ = work_;
        events_.clear();
        return after_round(now);
    }

    /// events: the events of this round, in the order they happened.
    const std::vector<watch_event>& events() const noexcept { return events_; }
    /// The cursor as of the last batch handed over (or as given, before the first).
    const watch_cursor& cursor() const noexcept { return committed_; }
    /// events: the cursor that includes these events (to be saved with them).
    const watch_cursor& next_cursor() const noexcept { return work_; }
    /// Requests answered so far (failed ones included).
    std::uint64_t requests() const noexcept { return requests_; }
    /// Rounds begun so far.
    std::uint64_t rounds() const noexcept { return rounds_; }

private:
    enum class last : unsigned char { none, status, details, events, wait, done };

    action emit(action a) {
        switch (a.kind) {
        case action::type::status:
            last_ = last::status;
            break;
        case action::type::details:
            last_ = last::details;
            break;
        case action::type::events:
            last_ = last::events;
            break;
        case action::type::wait:
            last_ = last::wait;
            break;
        case action::type::done:
            last_ = last::done;
            break;
        }
        return a;
    }

    void note_cancel(cancellation_type c) {
        cancel_ = detail::stronger(cancel_, detail::rule_of(c));
    }

    action begin(time_point now, cancellation_type c) {
        note_cancel(c);
        if (cancel_ != detail::cancel_rule::go_on)
            return emit(action::done(boost::asio::error::operation_aborted));
        ++rounds_;
        round_start_ = now;
        return emit(action::details());
    }

    action end_round(time_point now) {
        if (!events_.empty() || work_ != committed_)
            return emit(action::events());
        return after_round(now);
    }

    action after_round(time_point now) {
        if (cancel_ != detail::cancel_rule::go_on || opt_.once)
            return emit(action::done(cancel_ != detail::cancel_rule::go_on
                                         ? error_code(boost::asio::error::operation_aborted)
                                         : error_code()));
        return emit(action::wait_until(std::max(round_start_ + opt_.interval, now)));
    }

    static bool running(const std::optional<std::string>& s) noexcept {
        return s && !is_terminal(rotation_state_from_word(*s));
    }
    static bool ended(const std::optional<std::string>& s) noexcept {
        return s && is_terminal(rotation_state_from_word(*s));
    }

    // Both reads of a round are in: the events, and the cursor moved on.
    void decide(const std::optional<std::string>& s, std::optional<std::int64_t> updated_at) {
        const bool baseline = !work_.proxy_key;
        auto& r = baseline ? work_.proxy_key.emplace() : *work_.proxy_key;
        if (baseline) { // a rotation running now is reported; one ended before the watch, not
            r.status = s;
            r.updated_at = updated_at;
            if (running(s)) {
                r.rotations = 1;
                r.open = true;
                add(watch_event_type::started, r.rotations, *s, {});
            }
            return;
        }
        bool moved = updated_at && (!r.updated_at || *updated_at > *r.updated_at);
        if (moved && r.pending) { // the move of the rotation that ended SUCCESS before
            r.updated_at = updated_at;
            r.pending = false;
            moved = false;
        }
        if (moved) { // a rotation succeeded: the open one, or one between two rounds
            if (!r.open) {
                ++r.rotations;
                add(watch_event_type::started, r.rotations, "SUCCESS", {});
            }
            add(watch_event_type::completed, r.rotations, "SUCCESS", time_of(*updated_at));
            r.open = false;
            r.pending = false;
            r.updated_at = updated_at;
            // The status, read after the move, is of that rotation or of one after it.
            if (running(s)) {
                ++r.rotations;
                r.open = true;
                add(watch_event_type::started, r.rotations, *s, {});
            } else if (ended(s) && rotation_state_from_word(*s) == rotation_state::failed) {
                ++r.rotations;
                add(watch_event_type::started, r.rotations, *s, {});
                add(watch_event_type::failed, r.rotations, *s, {}, true);
            }
            r.status = s;
            return;
        }
        if (r.open) {
            if (running(s)) {
                if (s != r.status)
                    add(watch_event_type::progress, r.rotations, *s, {});
            } else if (ended(s)) {
                const bool success = rotation_state_from_word(*s) == rotation_state::success;
                add(success ? watch_event_type::completed : watch_event_type::failed, r.rotations,
                    *s, {}, !success);
                r.pending = success; // the key moves after the status said SUCCESS
                r.open = false;
            } else { // 404: the server has no rotation any more
                add(watch_event_type::vanished, r.rotations, {}, {});
                r.open = false;
            }
            r.status = s;
            return;
        }
        if (running(s)) { // a new rotation
            ++r.rotations;
            r.open = true;
            r.pending = false;
            add(watch_event_type::started, r.rotations, *s, {});
        } else if (ended(s) && s != r.status) { // one ended otherwise (FAILED after SUCCESS, say)
            ++r.rotations;
            const bool success = rotation_state_from_word(*s) == rotation_state::success;
            add(watch_event_type::started, r.rotations, *s, {});
            add(success ? watch_event_type::completed : watch_event_type::failed, r.rotations, *s,
                {}, !success);
            r.pending = success;
        }
        r.status = s;
    }

    // Epoch milliseconds in RFC 3339.
    static std::string time_of(std::int64_t epoch_ms) {
        std::int64_t secs = epoch_ms / 1000;
        std::int64_t ms = epoch_ms % 1000;
        if (ms < 0) {
            ms += 1000;
            --secs;
        }
        return format_rfc3339(instant{secs, static_cast<std::uint32_t>(ms) * 1000000u});
    }

    void add(watch_event_type t, std::uint64_t id, std::string_view state, std::string time,
             bool with_failed_ids = false) {
        watch_event e;
        e.type = t;
        e.kind = std::string(kind_name);
        e.id = std::to_string(id);
        e.state = std::string(state);
        e.time = std::move(time);
        if (with_failed_ids)
            e.failed_collector_ids = failed_ids_;
        events_.push_back(std::move(e));
    }

    void add_error(std::string message) {
        watch_event e;
        e.type = watch_event_type::error;
        e.kind = std::string(kind_name);
        e.message = std::move(message);
        events_.push_back(std::move(e));
    }

    watch_options opt_;
    watch_cursor committed_;
    watch_cursor work_;
    std::vector<watch_event> events_;
    std::optional<std::int64_t> updated_at_; // the key details of the round
    std::vector<std::string> failed_ids_;
    last last_ = last::none;
    detail::cancel_rule cancel_ = detail::cancel_rule::go_on;
    time_point round_start_{};
    std::uint64_t requests_ = 0;
    std::uint64_t rounds_ = 0;
};

} // namespace keyops

#endif
