#ifndef KEYOPS_WAIT_JOBS_WAIT_FSM_HPP
#define KEYOPS_WAIT_JOBS_WAIT_FSM_HPP

// A wait on one or many CCKM jobs of one kind as a sans-io state machine: which request to make
// next (lists of jobs by id or by status, see detail/list_plan.hpp; one GET where the kind has no
// list endpoint; a cancel when the deadline passed), what each answer changes (progress callbacks
// on every change, a job's wait ending when the job ends or its read fails), and when to pause. It
// makes no call itself: each step returns a jobs_wait_action (list, get, cancel, wait until t,
// done), and the driver (wait/detail/drivers.hpp, or an agent's own HTTP stack: see
// wait/list_query.hpp) makes the call and feeds the answer back with the time and the
// cancellation type it was given; the machine applies the rule of cancellation.hpp. It does not
// depend on the kind's type, so it is compiled once for all kinds.
//
// Each event answers the action returned last: start() first, on_list() after list, on_job()
// after get or cancel, on_wake() after wait, nothing after done (asserted).

#include <keyops/cancellation.hpp>
#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/model/cckm.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/wait/detail/list_plan.hpp>
#include <keyops/wait/types.hpp>

#include <boost/asio/error.hpp>
#include <boost/assert.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyops {

/// What a jobs wait knows of its kind.
struct jobs_wait_kind {
    std::string_view name;  ///< for the observer, e.g. "oci"
    bool has_list = true;   ///< the kind has a list endpoint (else one GET per job)
    bool has_cancel = true; ///< the kind has a cancel endpoint (cancel_on_deadline)
    /// The length of the list request's target without its query (the client's base and the
    /// kind's path), so that list targets stay within wait_options::max_list_target.
    std::size_t list_path_bytes = 64;
};

/// A wait on one or many CCKM jobs of one kind, as a sans-io state machine. It makes no call:
/// each event returns the next jobs_wait_action, which the driver carries out and answers with
/// the matching event: start() first, on_list() after list, on_job() after get or cancel,
/// on_wake() after wait, nothing after done; results() then holds one result per job. keyops'
/// clients drive it; so can an agent with its own HTTP stack (wait/list_query.hpp).
class jobs_wait_fsm {
public:
    using time_point = std::chrono::steady_clock::time_point; ///< the steady clock's time
    using action = jobs_wait_action;                          ///< what each event returns

    /// A wait on the jobs `ids` (kept in that order in results()), started at `now`. Several
    /// jobs of a kind with a list endpoint are read by lists, one job or a kind without one by
    /// GET.
    jobs_wait_fsm(std::vector<std::string> ids, wait_options opt, const jobs_wait_kind& kind,
                  time_point now)
        : opt_(std::move(opt)), timing_(opt_.polling, now), kind_name_(kind.name),
          has_cancel_(kind.has_cancel) {
        results_.resize(ids.size());
        for (std::size_t i = 0; i < ids.size(); ++i) {
            results_[i].id = std::move(ids[i]);
            pending_.push_back(i);
        }
        ended_.assign(results_.size(), false);
        seen_.assign(results_.size(), false);
        failing_.assign(results_.size(), false);
        in_chunk_.assign(results_.size(), false);
        status_page_ = std::max<std::size_t>(1, opt_.status_page_size);
        if (opt_.ids_per_list == 0)
            opt_.ids_per_list = 1;
        use_list_ = kind.has_list && results_.size() > 1;
        if (use_list_)
            plan_ = detail::list_plan(results_, kind.list_path_bytes, opt_);
    }

    /// The first step.
    action start(time_point now, cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT(last_ == last::none);
        note_cancel(c);
        if (cancel_ != detail::cancel_rule::go_on)
            return stop(now);
        return start_round(now);
    }

    /// After a wait action's pause (or sooner, when a cancellation or the stop flag cut it).
    action on_wake(time_point now, cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT(last_ == last::wait);
        note_cancel(c);
        if (cancel_ != detail::cancel_rule::go_on)
            return stop(now);
        return start_round(now);
    }

    /// The answer to a list action.
    action on_list(error_code ec, const diagnostics& d, parsed<cckm::job_list> page, time_point now,
                   cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT(last_ == last::list);
        note_cancel(c);
        if (cancel_ == detail::cancel_rule::end_now)
            return stop(now);
        if (phase_ == phase::status)
            return after_answer(on_status_page(ec, d, std::move(page), now), now);
        for (std::size_t i = cursor_; i < chunk_end_; ++i) {
            auto& r = results_[todo_[i]];
            ++r.polls;
            r.attempts += d.attempts;
        }
        if (ec == boost::asio::error::operation_aborted)
            return stop(now);
        if (ec) {
            const bool transient = detail::transient_poll_failure(ec, d);
            if (transient)
                report_failure(ec, d, now);
            for (std::size_t i = cursor_; i < chunk_end_; ++i) {
                if (transient)
                    note_failure(todo_[i], ec, d);
                else
                    end_with_error(todo_[i], ec, d, now);
            }
            note_poll(chunk_end_ - cursor_, ec, transient, now);
            return after_answer(next_chunk(now), now);
        }
        for (std::size_t i = cursor_; i < chunk_end_; ++i)
            failing_[todo_[i]] = false;
        auto owner = std::make_shared<parsed<cckm::job_list>>(std::move(page));
        const auto& list = owner->value();
        for (const auto& j : list.resources) {
            plan_.for_each_match(results_, j.id, [&](std::size_t k) {
                if (in_chunk_[k] && !ended_[k]) {
                    seen_[k] = true;
                    update(k, job_snapshot(owner, &j, owner->body()), now);
                }
            });
        }
        note_poll(chunk_end_ - cursor_, {}, false, now);
        if (auto next = cckm::next_page_skip(list, skip_)) {
            skip_ = *next; // the server paged: read the rest of this chunk's matches
            return after_answer(emit(action::list()), now);
        }
        // Not in a list of its own id: read by id before it is called not found (on a cluster,
        // another node may not show a fresh job yet, and the client rides that out for a get).
        for (std::size_t i = cursor_; i < chunk_end_; ++i) {
            const std::size_t k = todo_[i];
            if (!ended_[k] && !seen_[k])
                unlisted_.push_back(k);
        }
        return after_answer(next_chunk(now), now);
    }

    /// The answer to a get or a cancel action.
    action on_job(error_code ec, const diagnostics& d, parsed<cckm::job> job, time_point now,
                  cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT(last_ == last::get || last_ == last::cancel);
        note_cancel(c);
        if (cancel_ == detail::cancel_rule::end_now)
            return stop(now);
        const std::size_t k = todo_[cursor_];
        auto& r = results_[k];
        r.attempts += d.attempts;
        if (phase_ == phase::cancel) {
            if (ec == boost::asio::error::operation_aborted)
                return stop(now);
            r.cancel_sent = !ec;
            if (ec) {
                r.diag = d;
                r.diag.last_attempt =
                    "the cancel sent at the deadline was refused: " + d.describe(ec);
            } else {
                auto owner = std::make_shared<parsed<cckm::job>>(std::move(job));
                update(k, job_snapshot(owner, &owner->value(), owner->body()), now);
            }
            ++cursor_;
            return after_answer(next_cancel(now), now);
        }
        ++r.polls;
        if (ec == boost::asio::error::operation_aborted)
            return stop(now);
        const bool transient = ec && detail::transient_poll_failure(ec, d);
        if (transient) {
            report_failure(ec, d, now);
            note_failure(k, ec, d);
        } else if (ec) {
            end_with_error(k, ec, d, now);
        } else {
            failing_[k] = false;
            auto owner = std::make_shared<parsed<cckm::job>>(std::move(job));
            update(k, job_snapshot(owner, &owner->value(), owner->body()), now);
        }
        note_poll(1, ec, transient, now);
        ++cursor_;
        return after_answer(next_get(now), now);
    }

    // --- what the current action is about ---------------------------------------------------

    /// list: the ids of this request, in order (none for a list by status).
    std::vector<std::string_view> list_ids() const {
        std::vector<std::string_view> out;
        if (phase_ != phase::ids)
            return out;
        out.reserve(chunk_end_ - cursor_);
        for (std::size_t i = cursor_; i < chunk_end_; ++i)
            out.push_back(results_[todo_[i]].id);
        return out;
    }
    /// list: the status filter (in_progress for a list by status; none for a list by id).
    std::optional<job_state> list_status() const noexcept {
        if (phase_ == phase::status)
            return job_state::in_progress;
        return std::nullopt;
    }
    /// list: the page offset (0 for the first page).
    std::uint64_t list_skip() const noexcept { return skip_; }
    /// list: the page size asked for (the number of ids for a list by id).
    std::uint64_t list_limit() const noexcept {
        return phase_ == phase::status ? opt_.status_page_size : chunk_end_ - cursor_;
    }
    /// get, cancel: the job.
    const std::string& job_id() const { return results_[todo_[cursor_]].id; }

    /// After done: one result per id, in the order given.
    std::vector<job_wait_result>& results() noexcept { return results_; }
    /// Whether the stop flag of the options is set.
    bool stop_requested() const noexcept {
        return opt_.stop && opt_.stop->load(std::memory_order_relaxed);
    }
    /// The options the wait was made with (`ids_per_list` at least 1).
    const wait_options& options() const noexcept { return opt_; }

private:
    // The action returned last: what the next event must answer.
    enum class last : unsigned char { none, list, get, cancel, wait, done };

    action emit(action a) noexcept {
        switch (a.kind) {
        case action::type::list:
            last_ = last::list;
            break;
        case action::type::get:
            last_ = last::get;
            break;
        case action::type::cancel:
            last_ = last::cancel;
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

    // The cancellation told with an event, kept at its strongest; the stop flag counts as a
    // total cancellation.
    void note_cancel(cancellation_type c) noexcept {
        cancel_ = detail::stronger(cancel_, detail::rule_of(c));
        if (stop_requested())
            cancel_ = detail::stronger(cancel_, detail::cancel_rule::end_after_answer);
    }

    // After an answer was used: a partial or total cancellation ends the wait now.
    action after_answer(action next, time_point now) {
        if (cancel_ == detail::cancel_rule::go_on || next.kind == action::type::done)
            return next;
        return stop(now);
    }

    // Every job still waited on ends `cancelled`.
    action stop(time_point now) {
        return stop_all(wait_outcome::cancelled, boost::asio::error::operation_aborted, now);
    }

    void note_poll(std::size_t jobs, error_code ec, bool transient, time_point now) const {
        if (!opt_.observer)
            return;
        const auto waiting =
            static_cast<std::size_t>(std::count(ended_.begin(), ended_.end(), false));
        opt_.observer->on_wait_poll(
            {kind_name_, jobs, waiting, ec, transient, timing_.elapsed(now)});
    }

    enum class phase : unsigned char { status, ids, get, cancel, finished };

    action start_round(time_point now) {
        cursor_ = 0;
        skip_ = 0;
        std::fill(seen_.begin(), seen_.end(), false);
        todo_ = pending_;
        unlisted_.clear();
        phase_ = use_list_ ? phase::status : phase::get;
        if (!use_list_)
            return next_get(now);
        return status_pays() ? emit(action::list()) : first_chunk(now);
    }

    // --- lists by status ----------------------------------------------------------------------

    // Whether this round starts with a list by status.
    bool status_pays() const {
        return by_status_ok_ && opt_.list_by_status_from != 0 && opt_.status_page_size != 0 &&
               pending_.size() >= opt_.list_by_status_from &&
               plan_.status_pays(status_total_, status_page_, pending_);
    }

    action on_status_page(error_code ec, const diagnostics& d, parsed<cckm::job_list> page,
                          time_point now) {
        if (ec == boost::asio::error::operation_aborted)
            return stop(now);
        if (ec && !detail::transient_poll_failure(ec, d)) {
            // The server refuses the filter, or this list: read by id from now on, starting
            // with the jobs this round has not seen yet.
            by_status_ok_ = false;
            note_poll(0, ec, false, now);
            collect_unseen();
            return first_chunk(now);
        }
        if (ec) { // may pass: every job not seen yet is polled again next round
            report_failure(ec, d, now);
            std::size_t failed = 0;
            for (std::size_t k : pending_) {
                if (ended_[k] || seen_[k])
                    continue;
                ++results_[k].polls;
                results_[k].attempts += d.attempts;
                note_failure(k, ec, d);
                ++failed;
            }
            note_poll(failed, ec, true, now);
            return end_round(now);
        }
        auto owner = std::make_shared<parsed<cckm::job_list>>(std::move(page));
        const auto& list = owner->value();
        std::size_t read = 0;
        for (const auto& j : list.resources) {
            plan_.for_each_match(results_, j.id, [&](std::size_t k) {
                if (ended_[k])
                    return;
                if (!seen_[k]) {
                    seen_[k] = true;
                    ++results_[k].polls;
                    results_[k].attempts += d.attempts;
                    ++read;
                }
                failing_[k] = false;
                update(k, job_snapshot(owner, &j, owner->body()), now);
            });
        }
        note_poll(read, {}, false, now);
        status_total_ = list.total ? *list.total : skip_ + list.resources.size();
        const auto next = cckm::next_page_skip(list, skip_);
        if (next)
            status_page_ = list.resources.size(); // the server's page size, as it pages
        collect_unseen();
        if (next && !todo_.empty() &&
            plan_.status_pays(*status_total_ - std::min(*status_total_, *next), status_page_,
                              todo_)) {
            skip_ = *next;
            return emit(action::list());
        }
        return first_chunk(now);
    }

    // The jobs still waited on that this round has not read: todo_.
    void collect_unseen() {
        todo_.clear();
        for (std::size_t k : pending_)
            if (!ended_[k] && !seen_[k])
                todo_.push_back(k);
    }

    // --- lists by id, gets --------------------------------------------------------------------

    action first_chunk(time_point now) {
        phase_ = phase::ids;
        cursor_ = 0;
        chunk_end_ = 0;
        return next_chunk(now);
    }

    action next_chunk(time_point now) {
        for (std::size_t i = cursor_; i < chunk_end_; ++i)
            in_chunk_[todo_[i]] = false;
        cursor_ = chunk_end_;
        skip_ = 0;
        if (cursor_ >= todo_.size()) {
            if (unlisted_.empty())
                return end_round(now);
            phase_ = phase::get; // the jobs no list showed, one get each
            todo_.swap(unlisted_);
            unlisted_.clear();
            cursor_ = 0;
            return next_get(now);
        }
        chunk_end_ = plan_.batch_end(todo_, cursor_);
        for (std::size_t i = cursor_; i < chunk_end_; ++i)
            in_chunk_[todo_[i]] = true;
        return emit(action::list());
    }

    action next_get(time_point now) {
        if (cursor_ >= todo_.size())
            return end_round(now);
        return emit(action::get());
    }

    action end_round(time_point now) {
        pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                      [&](std::size_t k) { return ended_[k]; }),
                       pending_.end());
        if (pending_.empty())
            return finish();
        if (!timing_.plan_pause(opt_.polling, now))
            return deadline_passed(now);
        return emit(action::wait_until(timing_.wake));
    }

    action deadline_passed(time_point now) {
        if (has_cancel_ && opt_.cancel_on_deadline) {
            phase_ = phase::cancel;
            todo_ = pending_;
            cursor_ = 0;
            return next_cancel(now);
        }
        return stop_all(wait_outcome::deadline, make_error_code(error::deadline_exceeded), now);
    }

    action next_cancel(time_point now) {
        if (cursor_ < todo_.size())
            return emit(action::cancel());
        return stop_all(wait_outcome::deadline, make_error_code(error::deadline_exceeded), now);
    }

    // A new view of job k: report progress, and end its wait if it is done.
    void update(std::size_t k, job_snapshot snap, time_point now) {
        auto& r = results_[k];
        const bool changed = detail::job_changed(r.job.get(), *snap);
        r.job = std::move(snap);
        if (changed && opt_.on_job_progress)
            opt_.on_job_progress(*r.job, timing_.elapsed(now));
        if (r.job->done()) {
            r.outcome = detail::outcome_of(*r.job);
            r.ec.clear();
            r.elapsed = timing_.elapsed(now);
            ended_[k] = true;
        }
    }

    // A poll of job k failed for a reason that may pass: the job stays waited on.
    void note_failure(std::size_t k, error_code ec, const diagnostics& d) {
        detail::keep_failure(results_[k], ec, d);
        failing_[k] = true;
    }

    void report_failure(error_code ec, const diagnostics& d, time_point now) {
        if (opt_.on_poll_failure)
            opt_.on_poll_failure(ec, d, timing_.elapsed(now));
    }

    void end_with_error(std::size_t k, error_code ec, const diagnostics& d, time_point now) {
        auto& r = results_[k];
        r.outcome = wait_outcome::error;
        detail::keep_failure(r, ec, d);
        r.elapsed = timing_.elapsed(now);
        ended_[k] = true;
    }

    // Ends the wait of every job still pending with `outcome`.
    action stop_all(wait_outcome outcome, error_code ec, time_point now) {
        for (std::size_t k : pending_) {
            if (ended_[k])
                continue;
            auto& r = results_[k];
            r.outcome = outcome;
            r.ec = ec;
            r.elapsed = timing_.elapsed(now);
            detail::explain_unfinished(r, failing_[k], opt_.polling.deadline);
            ended_[k] = true;
        }
        pending_.clear();
        return finish();
    }

    action finish() {
        phase_ = phase::finished;
        return emit(action::done(detail::first_error(results_)));
    }

    wait_options opt_;
    detail::wait_timing timing_;
    std::string_view kind_name_;
    bool has_cancel_;
    bool use_list_ = false;
    bool by_status_ok_ = true; // no list by status has failed for good
    phase phase_ = phase::get;
    std::vector<job_wait_result> results_;
    detail::list_plan plan_;
    std::vector<std::size_t> pending_;  // indices of results still waited on, this round
    std::vector<std::size_t> todo_;     // this round's jobs read by id (lists, gets, cancels)
    std::vector<std::size_t> unlisted_; // this round's jobs no list by id showed: read by get
    std::vector<bool> ended_;
    std::vector<bool> seen_;     // read this round
    std::vector<bool> failing_;  // the job's last poll failed for a reason that may pass
    std::vector<bool> in_chunk_; // in the current list by id
    std::size_t cursor_ = 0;     // position in todo_
    std::size_t chunk_end_ = 0;  // list by id: end of the current chunk in todo_
    std::uint64_t skip_ = 0;     // list: page offset (within the chunk, for a list by id)
    std::optional<std::uint64_t> status_total_; // in-progress jobs at the last list by status
    std::uint64_t status_page_;                 // the server's page size, once it paged
    last last_ = last::none;
    detail::cancel_rule cancel_ = detail::cancel_rule::go_on;
};

} // namespace keyops

#endif
