#ifndef KEYOPS_WAIT_WATCH_FSM_HPP
#define KEYOPS_WAIT_WATCH_FSM_HPP

// A watch on every CCKM job of the kinds it is given, as a sans-io state machine: it reports each
// job once when it is first seen (started), on every change of its state or detailed_status
// (progress), and once when it ends (completed, aborted or failed), in batches, one per round, and
// it keeps a cursor (watch_cursor) from which a watch in another process goes on, missing nothing
// and repeating nothing.
//
// How it finds jobs, for the facts of the servers (a list envelope with `total`, paging by `skip`
// and `limit`, `sort` documented for some kinds only, which others may ignore or refuse):
// - Each round reads each kind's list newest first: `sort=-createdAt` from offset 0 while the
//   server honours it; when a page shows the server ignores it (oldest first), from the end of the
//   list backwards, starting at the offset of the last job known (one request when nothing is
//   new); when it refuses it (400), without it. A server whose order is neither is read whole.
//   Reading stops at the first page that reaches jobs older than the watermark less the settle
//   time (watch_options::settle: how late a job may appear with an older `createdAt`, on a
//   cluster).
// - A job is new when its `createdAt` is past that line and its id is not among the recent ids
//   the cursor keeps (those within the settle time of the watermark) or the open ones. A job that
//   started and ended between two rounds is new and already ended: it is reported started, then
//   ended, in the same batch.
// - Open jobs (started, not ended) not on the pages read are read by id (`id=` lists); one the
//   server no longer has is reported vanished.
// - The watermark moves only when a kind's pages were read to the line, so that a failed round
//   cannot skip jobs; a failed read is reported as an error event and tried again next round.
// - Reading newest first stops early, at the watermark, when the list's total is the total of
//   the kind's last complete read plus the new jobs found: nothing appeared below the watermark.
// So an idle round costs one request per kind while the open jobs are among the newest (a
// server that lists oldest first: one more, by id, while jobs are open).
//
// Limits: a job deleted (Azure bulk jobs can be) in the same interval as another job appears
// below the watermark within the settle time leaves the total unchanged, and the late job is
// then missed; a list in no order is recognised only once a page shows it (two jobs out of
// order), until then it is read as newest first. Kinds without a list endpoint (Google
// update-all-versions, SAP key jobs) cannot be watched.
//
// The cursor is committed when a batch is handed over: on_delivered() after an events action.
// A watch ended before that (a crash, a terminal cancellation) resumes from the cursor of the last
// batch delivered and reports the same changes again from there.
//
// Each event answers the action returned last: start() first, on_list() after list,
// on_delivered() after events, on_wake() after wait, nothing after done (asserted).

#include <keyops/cancellation.hpp>
#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/model/cckm.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/wait/types.hpp>
#include <keyops/wait/watch_cursor.hpp>

#include <boost/asio/error.hpp>
#include <boost/assert.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyops {

/// What happened to a job, as a watch reports it.
enum class watch_event_type : unsigned char {
    started,   ///< seen for the first time
    progress,  ///< its state word, abort flag or detailed_status changed
    completed, ///< ended completed
    aborted,   ///< ended completed with abort set: cancelled
    failed,    ///< ended failed
    vanished,  ///< an open job the server no longer lists, even by id
    error,     ///< a kind's list could not be read this round (`message` says why)
};

/// The event type's name: "started", "progress", "completed", "aborted", "failed", "vanished"
/// or "error".
constexpr std::string_view to_string(watch_event_type t) noexcept {
    switch (t) {
    case watch_event_type::started:
        return "started";
    case watch_event_type::progress:
        return "progress";
    case watch_event_type::completed:
        return "completed";
    case watch_event_type::aborted:
        return "aborted";
    case watch_event_type::failed:
        return "failed";
    case watch_event_type::vanished:
        return "vanished";
    case watch_event_type::error:
        break;
    }
    return "error";
}

/// One event of a watch.
struct watch_event {
    watch_event_type type = watch_event_type::started; ///< what happened
    std::string kind;                                  ///< the kind's name, e.g. "oci"
    std::string id;                                    ///< the job's id (empty for error events)
    std::string state;                                 ///< `overall_status` as the server wrote it
    /// The job's own time of the event, as the server wrote it: `createdAt` for started,
    /// `updatedAt` for progress, `completed_at` (else `updatedAt`) for an end; may be empty.
    std::string time;
    job_snapshot job;    ///< the job as read (none for vanished and error events)
    std::string message; ///< error events: what went wrong
    /// Proxy key rotations that failed (rotation_watch_fsm): `failedCollectorIds`.
    std::vector<std::string> failed_collector_ids;
};

/// A kind a watch follows: its name (for events and the cursor) and the length of its list
/// request's target without the query (the client's base and the kind's path).
struct watch_kind {
    std::string_view name;            ///< e.g. "oci": watch_event::kind and the cursor's key
    std::size_t list_path_bytes = 64; ///< the target's length without the query, in bytes
};

/// How a watch reads.
struct watch_options {
    /// From the start of one round to the start of the next.
    std::chrono::milliseconds interval{std::chrono::seconds(10)};
    /// Jobs per list page.
    std::uint64_t page_size = 100;
    /// How much older than the newest job seen a job may be when it first appears (a job made on
    /// another node of a cluster, listed late). The cursor keeps the ids of this span.
    std::chrono::seconds settle{30};
    /// Open jobs read by id per request.
    std::size_t ids_per_list = 50;
    /// One round, its events, then done (catch up and stop).
    bool once = false;
    /// The longest list target the server accepts (ids lists are split to fit).
    std::size_t max_list_target = 4000;
};

/// What a watch needs done next. `until` is meaningful for wait, `ec` for done.
struct watch_action {
    /// The kinds of action.
    enum class type : unsigned char {
        list, ///< list jobs of kind_index() as list_request() says, then on_list()
        /// hand events() over with next_cursor(), then on_delivered() (the cursor then
        /// includes them); no events when only the cursor moved (a first read, say)
        events,
        wait, ///< pause until `until`, then on_wake()
        done, ///< finished with `ec` (operation_aborted when cancelled)
    };
    type kind = type::done;                        ///< what to do
    std::chrono::steady_clock::time_point until{}; ///< wait: the end of the pause
    error_code ec{}; ///< done: operation_aborted when cancelled, else empty

    static watch_action list() noexcept { return {type::list, {}, {}}; }     ///< a list
    static watch_action events() noexcept { return {type::events, {}, {}}; } ///< a hand-over
    /// A pause until `t`.
    static watch_action wait_until(std::chrono::steady_clock::time_point t) noexcept {
        return {type::wait, t, {}};
    }
    /// The end, with `ec`.
    static watch_action done(error_code ec) noexcept { return {type::done, {}, ec}; }
};

/// The action's name: "list", "events", "wait" or "done".
constexpr std::string_view to_string(watch_action::type t) noexcept {
    switch (t) {
    case watch_action::type::list:
        return "list";
    case watch_action::type::events:
        return "events";
    case watch_action::type::wait:
        return "wait";
    case watch_action::type::done:
        break;
    }
    return "done";
}

/// Writes to_string(t).
inline std::ostream& operator<<(std::ostream& os, watch_action::type t) {
    return os << to_string(t);
}

/// Writes to_string(t).
inline std::ostream& operator<<(std::ostream& os, watch_event_type t) {
    return os << to_string(t);
}

/// The list request of a list action.
struct watch_list_request {
    std::size_t kind = 0;              ///< index into the watch's kinds
    std::vector<std::string_view> ids; ///< `id=` filters (reading open jobs by id), else none
    std::optional<job_state> status;   ///< an `overall_status` filter, else none
    std::uint64_t skip = 0;            ///< the page's offset (`skip`)
    std::uint64_t limit = 100;         ///< the page's size (`limit`)
    bool sort_newest_first = false;    ///< send `sort=-createdAt`
};

/// A watch on every CCKM job of the kinds it is given, as a sans-io state machine. It makes no
/// call: each event returns the next watch_action, which the driver carries out and answers
/// with the matching event: start() first, on_list() after list, on_delivered() after events,
/// on_wake() after wait, nothing after done. The events come in batches, one per round, each
/// with the cursor to save with it (next_cursor()), from which a watch in another process goes
/// on, missing nothing and repeating nothing.
class watch_fsm {
public:
    using time_point = std::chrono::steady_clock::time_point; ///< the steady clock's time
    using action = watch_action;                              ///< what each event returns

    /// A watch from `cursor` (watch_cursor::parse; a default cursor starts now: the jobs running
    /// now are reported started, the ended ones not at all).
    watch_fsm(std::vector<watch_kind> kinds, watch_options opt, watch_cursor cursor)
        : opt_(std::move(opt)), kinds_(std::move(kinds)), committed_(std::move(cursor)) {
        if (opt_.page_size == 0)
            opt_.page_size = 1;
        if (opt_.ids_per_list == 0)
            opt_.ids_per_list = 1;
        live_.resize(kinds_.size());
        work_ = committed_;
        for (const auto& k : kinds_)
            work_.kinds[std::string(k.name)]; // present, so that the cursor names every kind
    }

    /// The first step.
    action start(time_point now, cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT(last_ == last::none);
        note_cancel(c);
        if (cancel_ != detail::cancel_rule::go_on)
            return emit(action::done(boost::asio::error::operation_aborted));
        return start_round(now);
    }

    /// After a wait action's pause (or sooner, when a cancellation cut it).
    action on_wake(time_point now, cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT(last_ == last::wait);
        note_cancel(c);
        if (cancel_ != detail::cancel_rule::go_on)
            return emit(action::done(boost::asio::error::operation_aborted));
        return start_round(now);
    }

    /// The answer to a list action.
    action on_list(error_code ec, const diagnostics& d, parsed<cckm::job_list> page, time_point now,
                   cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT(last_ == last::list);
        note_cancel(c);
        if (cancel_ == detail::cancel_rule::end_now || ec == boost::asio::error::operation_aborted)
            return emit(action::done(boost::asio::error::operation_aborted));
        ++requests_;
        auto& k = live_[kind_];
        if (ec) {
            if (request_.sort_newest_first && d.http_status == 400 && !k.sort_refused) {
                k.sort_refused = true; // the same page again, without `sort`
                return cancel_ == detail::cancel_rule::go_on ? next_request(now) : end_round(now);
            }
            add_error(d.describe(ec));
            return cancel_ == detail::cancel_rule::go_on ? next_kind(now) : end_round(now);
        }
        auto owner = std::make_shared<parsed<cckm::job_list>>(std::move(page));
        const auto& list = owner->value();
        action next;
        if (phase_ == phase::by_id) {
            next = on_ids_page(owner, list, now);
        } else {
            if (list.total) {
                k.total = *list.total;
                if (phase_ == phase::head && !round_total_)
                    round_total_ = *list.total;
            }
            next = phase_ == phase::running ? on_running_page(owner, list, now)
                                            : on_head_page(owner, list, now);
        }
        // Cancelled (partial, total) while the request was in flight: its answer is used, the
        // round ends there, and its events are handed over before the watch ends.
        if (cancel_ != detail::cancel_rule::go_on && next.kind == action::type::list)
            return end_round(now);
        return next;
    }

    /// After an events action: the events are handed over; the cursor now includes them.
    action on_delivered(time_point now, cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT(last_ == last::events);
        note_cancel(c);
        committed_ = work_;
        events_.clear();
        return after_round(now);
    }

    // --- what the current action is about ---------------------------------------------------

    /// list: the request to make.
    const watch_list_request& list_request() const noexcept { return request_; }
    /// list: the index of the kind, in the order given.
    std::size_t kind_index() const noexcept { return kind_; }
    /// events: the events of this round, in the order they were found.
    const std::vector<watch_event>& events() const noexcept { return events_; }

    /// The cursor as of the last batch handed over (or as given, before the first).
    const watch_cursor& cursor() const noexcept { return committed_; }
    /// events: the cursor that includes these events, which cursor() becomes once they are
    /// handed over (to be saved with them).
    const watch_cursor& next_cursor() const noexcept { return work_; }
    /// The kinds, as given.
    const std::vector<watch_kind>& kinds() const noexcept { return kinds_; }
    /// Requests answered so far (failed ones included).
    std::uint64_t requests() const noexcept { return requests_; }
    /// Rounds begun so far.
    std::uint64_t rounds() const noexcept { return rounds_; }

    /// The order a kind's list was last seen in (for the observer and the tests).
    enum class list_order : unsigned char { newest_first, oldest_first, none };
    /// The order kind number `kind` (an index into kinds()) was last seen listed in.
    list_order order_of(std::size_t kind) const noexcept { return live_[kind].order; }
    /// True when the server refused `sort` (400) for kind number `kind`: it is listed without.
    bool sort_refused(std::size_t kind) const noexcept { return live_[kind].sort_refused; }

private:
    enum class last : unsigned char { none, list, events, wait, done };
    enum class phase : unsigned char { running, head, by_id };

    struct live_kind { // what a watch learns of a kind and keeps only while it runs
        list_order order = list_order::newest_first;
        bool sort_refused = false;
        std::optional<std::uint64_t> total;    // the list's total, as last read
        std::optional<std::uint64_t> complete; // its total when its last read was complete
    };

    action emit(action a) {
        switch (a.kind) {
        case action::type::list:
            last_ = last::list;
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

    action start_round(time_point now) {
        ++rounds_;
        round_start_ = now;
        kind_ = 0;
        return begin_kind(now);
    }

    // --- one kind's reading -----------------------------------------------------------------

    action begin_kind(time_point now) {
        if (kind_ >= kinds_.size())
            return end_round(now);
        seen_.clear();
        newest_.reset();
        reached_line_ = false;
        tail_reached_line_ = false;
        new_count_ = 0;
        round_total_.reset();
        auto& st = state();
        baseline_ = !st.watermark && !st.since;
        // A kind never read before (no watermark, no `since`) starts with the jobs running now.
        phase_ = !st.watermark && !st.since ? phase::running : phase::head;
        set_head_start();
        if (phase_ == phase::running)
            skip_ = 0;
        return next_request(now);
    }

    // Where a kind's head read starts: offset 0 newest first (or in no order); when the server
    // lists oldest first, at the last job known (the total last read, less one), reading on to
    // the end, then backwards from there if that job was not at or before the line.
    void set_head_start() {
        const auto& k = live_[kind_];
        skip_ = 0;
        backwards_ = false;
        first_page_ = true;
        tail_start_ = 0;
        if (k.order == list_order::oldest_first && k.total && *k.total > 0)
            tail_start_ = skip_ = *k.total - 1;
    }

    action next_request(time_point now) {
        (void)now;
        auto& k = live_[kind_];
        request_ = watch_list_request{};
        request_.kind = kind_;
        request_.limit = opt_.page_size;
        request_.skip = skip_;
        switch (phase_) {
        case phase::running:
            request_.status = job_state::in_progress;
            break;
        case phase::head:
            request_.sort_newest_first = !k.sort_refused && k.order != list_order::none;
            break;
        case phase::by_id: {
            request_.skip = 0;
            std::size_t bytes = kinds_[kind_].list_path_bytes + 16;
            while (id_cursor_ < id_todo_.size() && request_.ids.size() < opt_.ids_per_list) {
                const auto& id = id_todo_[id_cursor_];
                const std::size_t cost = id.size() * 3 + 4; // `&id=` and escapes at worst
                if (!request_.ids.empty() && bytes + cost > opt_.max_list_target)
                    break;
                bytes += cost;
                request_.ids.emplace_back(id);
                ++id_cursor_;
            }
            request_.limit = request_.ids.size();
            break;
        }
        }
        return emit(action::list());
    }

    action on_running_page(const std::shared_ptr<parsed<cckm::job_list>>& owner,
                           const cckm::job_list& list, time_point now) {
        for (const auto& j : list.resources) {
            seen_.insert(std::string(j.id));
            if (!j.done() && !is_open(j.id))
                open_job(owner, j, false);
        }
        if (auto next = cckm::next_page_skip(list, skip_)) {
            skip_ = *next;
            return next_request(now);
        }
        phase_ = phase::head; // then the newest jobs, for the watermark
        set_head_start();
        return next_request(now);
    }

    action on_head_page(const std::shared_ptr<parsed<cckm::job_list>>& owner,
                        const cckm::job_list& list, time_point now) {
        auto& k = live_[kind_];
        // The order this page shows. A page that contradicts the order the read assumed restarts
        // the kind's read in the order shown (the jobs taken so far stay taken).
        if (const auto shown = page_order(list);
            shown && *shown != k.order && k.order != list_order::none) {
            k.order = k.order == list_order::newest_first && *shown == list_order::oldest_first &&
                              list.total
                          ? list_order::oldest_first
                          : list_order::none;
            set_head_start();
            if (k.order == list_order::oldest_first) // the last page first
                tail_start_ = skip_ =
                    *list.total > opt_.page_size ? *list.total - opt_.page_size : 0;
            return next_request(now);
        }
        for (const auto& j : list.resources)
            take(owner, j);
        const bool reaches = page_reaches_line(list);
        const bool first = std::exchange(first_page_, false);
        const auto next = cckm::next_page_skip(list, skip_);

        switch (k.order) {
        case list_order::newest_first:
            // Newest first: on until a page reaches the line, or the watermark when the count
            // of jobs says every job past it is read.
            if (next && !reaches && !(page_reaches_watermark(list) && all_counted())) {
                skip_ = *next;
                return next_request(now);
            }
            reached_line_ = true;
            break;
        case list_order::oldest_first:
            if (!backwards_) {
                if (first)
                    tail_reached_line_ = reaches;
                if (next) { // forwards to the end of the list first
                    skip_ = *next;
                    return next_request(now);
                }
                backwards_ = true;
                if (tail_reached_line_ || tail_start_ == 0 || all_counted()) {
                    reached_line_ = true;
                    break;
                }
                skip_ = tail_start_; // then backwards from where it started
            } else if (reaches || skip_ == 0) {
                reached_line_ = true;
                break;
            }
            skip_ = skip_ > opt_.page_size ? skip_ - opt_.page_size : 0;
            return next_request(now);
        case list_order::none: // no order: the whole list
            if (next) {
                skip_ = *next;
                return next_request(now);
            }
            reached_line_ = true;
            break;
        }
        return after_head(now);
    }

    // The kind's head read is done: the line reached, or the list read to its end.
    action after_head(time_point now) {
        auto& st = state();
        if (reached_line_) {
            if (newest_ && (!st.watermark || *st.watermark < *newest_))
                st.watermark = *newest_;
            prune_recent();
            live_[kind_].complete = round_total_;
        }
        // Open jobs the pages did not show are read by id.
        id_todo_.clear();
        id_cursor_ = 0;
        for (const auto& [id, o] : st.open)
            if (!seen_.count(id))
                id_todo_.push_back(id);
        if (id_todo_.empty())
            return next_kind(now);
        phase_ = phase::by_id;
        id_found_.clear();
        return next_request(now);
    }

    action on_ids_page(const std::shared_ptr<parsed<cckm::job_list>>& owner,
                       const cckm::job_list& list, time_point now) {
        for (const auto& j : list.resources) {
            if (!is_open(j.id))
                continue;
            id_found_.insert(std::string(j.id));
            follow(owner, j);
        }
        if (id_cursor_ < id_todo_.size())
            return next_request(now);
        // Asked for by id and not there: gone.
        auto& st = state();
        for (const auto& id : id_todo_) {
            if (id_found_.count(id) || !st.open.count(id))
                continue;
            watch_event e;
            e.type = watch_event_type::vanished;
            e.kind = std::string(kinds_[kind_].name);
            e.id = id;
            e.state = st.open[id].state;
            events_.push_back(std::move(e));
            st.open.erase(id);
        }
        return next_kind(now);
    }

    action next_kind(time_point now) {
        ++kind_;
        return begin_kind(now);
    }

    action end_round(time_point now) {
        if (!events_.empty() || work_ != committed_) // events, or only the cursor moved
            return emit(action::events());
        committed_ = work_;
        return after_round(now);
    }

    action after_round(time_point now) {
        if (cancel_ != detail::cancel_rule::go_on || opt_.once)
            return emit(action::done(cancel_ != detail::cancel_rule::go_on
                                         ? error_code(boost::asio::error::operation_aborted)
                                         : error_code()));
        const auto next = round_start_ + opt_.interval;
        return emit(action::wait_until(std::max(next, now)));
    }

    // --- jobs -------------------------------------------------------------------------------

    detail::watch_kind_cursor& state() { return work_.kinds[std::string(kinds_[kind_].name)]; }

    bool is_open(std::string_view id) {
        auto& open = state().open;
        return open.find(std::string(id)) != open.end();
    }

    // A job of a head page: followed if open, else reported if new.
    void take(const std::shared_ptr<parsed<cckm::job_list>>& owner, const cckm::job& j) {
        seen_.insert(std::string(j.id));
        const auto created = j.created_at.value();
        if (created && (!newest_ || *newest_ < *created))
            newest_ = *created;
        if (is_open(j.id)) {
            follow(owner, j);
            return;
        }
        auto& st = state();
        if (baseline_) { // the jobs that ended before the watch began are not reported
            if (created)
                st.recent[std::string(j.id)] = *created;
            return;
        }
        if (!created || !past_line(*created) || st.recent.count(std::string(j.id)))
            return;
        ++new_count_;
        open_job(owner, j, true);
    }

    // A job seen for the first time: started, and ended too if it is done.
    void open_job(const std::shared_ptr<parsed<cckm::job_list>>& owner, const cckm::job& j,
                  bool may_be_done) {
        add_event(watch_event_type::started, owner, j, j.created_at.raw);
        if (const auto created = j.created_at.value())
            state().recent[std::string(j.id)] = *created; // never new again
        if (may_be_done && j.done()) {
            add_event(end_type(j), owner, j, end_time(j));
            return;
        }
        state().open[std::string(j.id)] = open_of(j);
    }

    // An open job, read again: progress when it changed, its end when it ended.
    void follow(const std::shared_ptr<parsed<cckm::job_list>>& owner, const cckm::job& j) {
        auto& open = state().open;
        auto it = open.find(std::string(j.id));
        if (j.done()) {
            add_event(end_type(j), owner, j, end_time(j));
            open.erase(it);
            return;
        }
        auto now = open_of(j);
        if (now == it->second)
            return;
        it->second = std::move(now);
        add_event(watch_event_type::progress, owner, j, j.updated_at.raw);
    }

    static detail::watch_open_job open_of(const cckm::job& j) {
        return {std::string(j.overall_status.raw), j.abort, detail::digest_of(j.detailed_status)};
    }

    static watch_event_type end_type(const cckm::job& j) noexcept {
        if (j.overall_status.state == job_state::failed)
            return watch_event_type::failed;
        return j.abort ? watch_event_type::aborted : watch_event_type::completed;
    }

    static std::string_view end_time(const cckm::job& j) noexcept {
        return j.completed_at.has_value() ? j.completed_at.raw : j.updated_at.raw;
    }

    void add_event(watch_event_type t, const std::shared_ptr<parsed<cckm::job_list>>& owner,
                   const cckm::job& j, std::string_view time) {
        watch_event e;
        e.type = t;
        e.kind = std::string(kinds_[kind_].name);
        e.id = std::string(j.id);
        e.state = std::string(j.overall_status.raw);
        e.time = std::string(time);
        e.job = job_snapshot(owner, &j, owner->body());
        events_.push_back(std::move(e));
    }

    void add_error(std::string message) {
        watch_event e;
        e.type = watch_event_type::error;
        e.kind = std::string(kinds_[kind_].name);
        e.message = std::move(message);
        events_.push_back(std::move(e));
    }

    // --- the line ----------------------------------------------------------------------------

    // The line: jobs created after it may be new. The watermark less the settle time, or `since`.
    std::optional<instant> line() {
        const auto& st = state();
        std::optional<instant> l;
        // A kind read for the first time: its newest job so far stands for the watermark.
        if (const auto& w = baseline_ ? newest_ : st.watermark) {
            l = *w;
            l->seconds -= opt_.settle.count();
        }
        if (st.since && (!l || *l < *st.since))
            l = *st.since;
        return l;
    }

    bool past_line(const instant& created) {
        const auto l = line();
        return !l || *l < created;
    }

    // True when the page holds a job at or before the line: the jobs past it are all read.
    bool page_reaches_line(const cckm::job_list& list) {
        const auto l = line();
        if (!l)
            return false;
        bool reached = false;
        for (const auto& j : list.resources)
            if (const auto c = j.created_at.value(); c && !(*l < *c))
                reached = true;
        return reached;
    }

    // True when the page holds a job at or before the watermark.
    bool page_reaches_watermark(const cckm::job_list& list) {
        const auto& w = state().watermark;
        if (!w || baseline_)
            return false;
        for (const auto& j : list.resources)
            if (const auto c = j.created_at.value(); c && !(*w < *c))
                return true;
        return false;
    }

    // True when the list's total is the total of the last complete read plus the new jobs found:
    // no job appeared elsewhere in the list (one listed late, below the watermark), and none was
    // deleted (which would shift the list under an offset).
    bool all_counted() const {
        const auto& k = live_[kind_];
        return !baseline_ && k.complete && round_total_ &&
               *round_total_ == *k.complete + new_count_;
    }

    void prune_recent() {
        auto& st = state();
        const auto l = line();
        if (!l)
            return;
        for (auto it = st.recent.begin(); it != st.recent.end();)
            it = (*l < it->second) ? std::next(it) : st.recent.erase(it);
    }

    // The order of a page's creation times: nullopt when it shows none (fewer than two
    // different times).
    static std::optional<list_order> page_order(const cckm::job_list& list) {
        bool up = false, down = false;
        std::optional<instant> prev;
        for (const auto& j : list.resources) {
            const auto c = j.created_at.value();
            if (!c)
                continue;
            if (prev) {
                if (*prev < *c)
                    up = true;
                else if (*c < *prev)
                    down = true;
            }
            prev = c;
        }
        if (up && down)
            return list_order::none;
        if (up)
            return list_order::oldest_first;
        if (down)
            return list_order::newest_first;
        return std::nullopt;
    }

    watch_options opt_;
    std::vector<watch_kind> kinds_;
    std::vector<live_kind> live_;
    watch_cursor committed_; // as of the last batch handed over
    watch_cursor work_;      // with this round's changes
    std::vector<watch_event> events_;

    last last_ = last::none;
    phase phase_ = phase::head;
    detail::cancel_rule cancel_ = detail::cancel_rule::go_on;
    time_point round_start_{};
    std::size_t kind_ = 0;
    watch_list_request request_;
    std::uint64_t skip_ = 0;
    std::uint64_t tail_start_ = 0;
    bool backwards_ = false;
    bool first_page_ = true;
    bool tail_reached_line_ = false;
    bool reached_line_ = false;
    bool baseline_ = false;                    // the kind is read for the first time
    std::uint64_t new_count_ = 0;              // new jobs the kind's read found
    std::optional<std::uint64_t> round_total_; // the total of the kind's first head page
    std::optional<instant> newest_;
    std::set<std::string> seen_;
    std::vector<std::string> id_todo_;
    std::size_t id_cursor_ = 0;
    std::set<std::string> id_found_;
    std::uint64_t requests_ = 0;
    std::uint64_t rounds_ = 0;
};

} // namespace keyops

#endif
