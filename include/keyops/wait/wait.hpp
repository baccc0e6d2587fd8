#ifndef KEYOPS_WAIT_WAIT_HPP
#define KEYOPS_WAIT_WAIT_HPP

// Waiting for jobs: poll a CCKM job (or many jobs of one kind) or a Network Insight proxy key
// rotation until it ends, through a keyops::client.
//
//     keyops::wait_options w;
//     w.polling.deadline = std::chrono::minutes(10);
//     w.on_job_progress = [](const cckm::job& j, auto elapsed) { ... };
//     auto r = keyops::wait_for_job<cckm::google>(cm, id, w);        // sync
//     if (r.outcome == keyops::wait_outcome::completed) ...
//
//     keyops::async_wait_for_job<cckm::google>(cm, id, w, token);    // void(error_code,
//     job_wait_result) keyops::async_wait_for_jobs<cckm::oci>(cm, ids, w, token);     //
//     void(error_code, vector<...>) keyops::async_wait_for_rotation(ni, w, token); //
//     void(error_code, rotation_wait_result)
//
// A wait needs nothing but the job's kind and id, so it can be resumed at any time, from another
// process too. Each poll is an ordinary client call: the client's retry policy handles transport
// and server errors, its auth policy renews tokens; a call that still fails after that ends the
// wait for the jobs it concerned (outcome `error`, with the call's error and diagnostics).
// "Still running" is never an error.
//
// One job is read with GET. Several jobs of a kind that has a list endpoint are read with one
// list request per round per `ids_per_list` ids (filtered by id, following `skip` if the server
// pages), not one request per job.
//
// Completion: the error_code is empty when every job reached a terminal state (completed,
// completed but aborted, failed: the result says which); otherwise it is
// boost::asio::error::operation_aborted (cancelled), keyops::error::deadline_exceeded, or the
// error of the first call that failed. The results say the same per job.
//
// Cancellation: async waits honour terminal cancellation through the completion handler's
// cancellation slot (the request in flight or the pause between polls is cancelled at once);
// sync waits, and async ones too, stop when `wait_options::stop` becomes true (checked at least
// every 100 ms). Either way the jobs keep running on the server: a wait that stops sends no
// cancel, except `cancel_on_deadline` when the deadline passes.
//
// Deadline: checked after each round; the pause before the last round is shortened so that a
// round happens at the deadline. A call in flight at the deadline runs to its end, so a wait can
// overrun its deadline by at most one call (bounded by client_options::call_timeout).
//
// Thread-safety and lifetimes: as for client::async_call. The client must outlive the wait; the
// callbacks run on the client's executor; `stop` must outlive the wait. Sync forms run the
// client's io_context (see client.hpp) and throw only std::bad_alloc.

#include <keyops/client/client.hpp>
#include <keyops/endpoint/cckm.hpp>
#include <keyops/endpoint/network_insight.hpp>

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace keyops {

/// How often to poll. The first poll happens at once; then the pause starts at
/// `first_interval` and is multiplied by `growth` after each round, up to `max_interval`.
struct polling_policy {
    std::chrono::milliseconds first_interval{1000};
    double growth = 1.5;
    std::chrono::milliseconds max_interval{15000};
    /// Longest wait in all; zero for none.
    std::chrono::milliseconds deadline{std::chrono::hours(1)};

    std::chrono::milliseconds next(std::chrono::milliseconds current) const noexcept {
        const double grown = static_cast<double>(current.count()) * (growth < 1.0 ? 1.0 : growth);
        const double cap = static_cast<double>(max_interval.count());
        return std::chrono::milliseconds(static_cast<std::int64_t>(grown < cap ? grown : cap));
    }
};

/// How a wait ended.
enum class wait_outcome : std::uint8_t {
    completed,         ///< the job ended `completed`
    completed_aborted, ///< the job ended `completed` with `abort`: it was cancelled
    failed,            ///< the job ended `failed`
    rotation_success,  ///< the proxy key rotation ended `SUCCESS`
    rotation_failed,   ///< the rotation ended `FAILED` (see failed_collector_ids)
    deadline,          ///< still running when the deadline passed
    cancelled,         ///< the wait was cancelled or stopped (the job was not)
    error,             ///< a call failed: see ec and diag
};

constexpr std::string_view to_string(wait_outcome o) noexcept {
    switch (o) {
    case wait_outcome::completed:
        return "completed";
    case wait_outcome::completed_aborted:
        return "completed (aborted)";
    case wait_outcome::failed:
        return "failed";
    case wait_outcome::rotation_success:
        return "SUCCESS";
    case wait_outcome::rotation_failed:
        return "FAILED";
    case wait_outcome::deadline:
        return "deadline passed";
    case wait_outcome::cancelled:
        return "cancelled";
    case wait_outcome::error:
        break;
    }
    return "error";
}

/// True for the outcomes where the job itself ended.
constexpr bool is_terminal(wait_outcome o) noexcept {
    return o == wait_outcome::completed || o == wait_outcome::completed_aborted ||
           o == wait_outcome::failed || o == wait_outcome::rotation_success ||
           o == wait_outcome::rotation_failed;
}

/// A job as last read, keeping alive the response it was parsed from (a GET's body, or a
/// whole list page shared with the other jobs of that page).
class job_snapshot {
public:
    job_snapshot() = default;
    job_snapshot(std::shared_ptr<const void> owner, const cckm::job* job,
                 std::string_view body) noexcept
        : owner_(std::move(owner)), job_(job), body_(body) {}

    bool has_value() const noexcept { return job_ != nullptr; }
    explicit operator bool() const noexcept { return has_value(); }
    const cckm::job& operator*() const noexcept { return *job_; }
    const cckm::job* operator->() const noexcept { return job_; }
    const cckm::job* get() const noexcept { return job_; }
    /// The response body the job was read from: the job object itself (GET, cancel), or the
    /// whole list page that holds it (waits on several jobs).
    std::string_view body() const noexcept { return body_; }

private:
    std::shared_ptr<const void> owner_;
    const cckm::job* job_ = nullptr;
    std::string_view body_;
};

/// The end of a wait for one job.
struct job_wait_result {
    std::string id;
    wait_outcome outcome = wait_outcome::error;
    /// The job as last read; empty if it was never read.
    job_snapshot job;
    /// Empty for terminal outcomes; operation_aborted, deadline_exceeded or the call's error.
    error_code ec;
    diagnostics diag;
    /// Requests that read this job (a list request counts for every job it carried).
    unsigned polls = 0;
    /// HTTP attempts of those requests, retries included.
    unsigned attempts = 0;
    /// From the start of the wait to the moment this job's wait ended.
    std::chrono::steady_clock::duration elapsed{};
    /// A cancel was sent and accepted (cancel_on_deadline).
    bool cancel_sent = false;
};

/// The end of a wait for a proxy key rotation.
struct rotation_wait_result {
    wait_outcome outcome = wait_outcome::error;
    /// The rotation status as last read; empty if never read.
    parsed<ni::rotation_status> status;
    /// Copied from the last status when the rotation FAILED.
    std::vector<std::string> failed_collector_ids;
    error_code ec;
    diagnostics diag;
    unsigned polls = 0;
    unsigned attempts = 0;
    std::chrono::steady_clock::duration elapsed{};
};

struct wait_options {
    polling_policy polling;
    /// When the deadline passes, send the CCKM cancel for every job still running (kinds that
    /// can be cancelled). The outcome stays `deadline`; `cancel_sent` says whether it was taken.
    bool cancel_on_deadline = false;
    /// Set to true (from any thread) to stop the wait; checked at least every 100 ms.
    const std::atomic<bool>* stop = nullptr;
    /// Called with the job whenever its state, abort flag or detailed_status changed (and on the
    /// first read). The reference is valid during the call only.
    std::function<void(const cckm::job&, std::chrono::steady_clock::duration elapsed)>
        on_job_progress;
    /// Called whenever the rotation status changed (and on the first read).
    std::function<void(const ni::rotation_status&, std::chrono::steady_clock::duration elapsed)>
        on_rotation_progress;
    /// Ids per list request when waiting on several jobs (keeps URLs short).
    std::size_t ids_per_list = 50;
};

namespace detail {

using wait_clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds stop_check_period{100};

inline wait_outcome outcome_of(const cckm::job& j) noexcept {
    if (j.overall_status.state == job_state::failed)
        return wait_outcome::failed;
    return j.abort ? wait_outcome::completed_aborted : wait_outcome::completed;
}

inline bool job_changed(const cckm::job* before, const cckm::job& now) noexcept {
    return !before || before->overall_status.raw != now.overall_status.raw ||
           before->abort != now.abort || !equal(before->detailed_status, now.detailed_status);
}

inline std::string seconds_text(wait_clock::duration d) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

// Time bookkeeping shared by both waits.
struct wait_timing {
    explicit wait_timing(const polling_policy& p)
        : start(wait_clock::now()), interval(p.first_interval) {
        if (p.deadline.count() > 0)
            deadline = start + p.deadline;
    }
    wait_clock::time_point start;
    wait_clock::time_point deadline = wait_clock::time_point::max();
    wait_clock::time_point wake;
    std::chrono::milliseconds interval;

    bool past_deadline() const { return wait_clock::now() >= deadline; }
    wait_clock::duration elapsed() const { return wait_clock::now() - start; }
    // Plans the pause before the next round; returns false if the deadline already passed.
    bool plan_pause(const polling_policy& p) {
        const auto now = wait_clock::now();
        if (now >= deadline)
            return false;
        wake = deadline - now > interval ? now + interval : deadline;
        interval = p.next(interval);
        return true;
    }
    // The next timer expiry: the wake time, or sooner to look at a stop flag.
    wait_clock::time_point next_tick(bool has_stop) const {
        if (!has_stop)
            return wake;
        const auto soon = wait_clock::now() + stop_check_period;
        return soon < wake ? soon : wake;
    }
};

template <class Kind, class Client>
struct jobs_wait_state {
    jobs_wait_state(Client& c, std::vector<std::string> ids, wait_options o)
        : client(c), opt(std::move(o)), timer(c.get_executor()), timing(opt.polling) {
        results.resize(ids.size());
        for (std::size_t i = 0; i < ids.size(); ++i) {
            results[i].id = std::move(ids[i]);
            pending.push_back(i);
        }
        ended.assign(results.size(), false);
        seen.assign(results.size(), false);
        if (opt.ids_per_list == 0)
            opt.ids_per_list = 1;
        if constexpr (Kind::has_list)
            use_list = results.size() > 1;
    }

    Client& client;
    wait_options opt;
    boost::asio::steady_timer timer;
    wait_timing timing;
    std::vector<job_wait_result> results;
    std::vector<std::size_t> pending; // indices of results still waited on, this round
    std::vector<bool> ended;
    std::vector<bool> seen;
    bool use_list = false;
    enum class phase { initial, start, poll, pause, cancel } ph = phase::initial;
    std::size_t cursor = 0;    // position in pending
    std::size_t chunk_end = 0; // list: end of the current chunk in pending
    std::uint64_t skip = 0;    // list: page offset within the chunk
    cckm::list_query<Kind> query;
    diagnostics call_diag;
};

template <class Kind, class Client>
class jobs_wait_op {
public:
    explicit jobs_wait_op(std::unique_ptr<jobs_wait_state<Kind, Client>> st) : st_(std::move(st)) {}

    // The start (posted first, so as never to complete inside the initiating function), and
    // the pause timer.
    template <class Self>
    void operator()(Self& self, error_code ec = {}) {
        auto& s = *st_;
        if (s.ph == state::phase::initial) {
            s.ph = state::phase::start;
            return boost::asio::post(self.get_io_executor(), std::move(self));
        }
        if (s.ph == state::phase::start)
            return start_round(self);
        if (ec || cancelled(self))
            return stop_all(self, wait_outcome::cancelled, boost::asio::error::operation_aborted);
        if (stop_requested())
            return stop_all(self, wait_outcome::cancelled, boost::asio::error::operation_aborted);
        if (wait_clock::now() < s.timing.wake)
            return pause(self);
        start_round(self);
    }

    // A list page.
    template <class Self>
    void operator()(Self& self, error_code ec, parsed<cckm::job_list> page) {
        auto& s = *st_;
        for (std::size_t i = s.cursor; i < s.chunk_end; ++i) {
            auto& r = s.results[s.pending[i]];
            ++r.polls;
            r.attempts += s.call_diag.attempts;
        }
        if (aborted(self, ec))
            return stop_all(self, wait_outcome::cancelled, boost::asio::error::operation_aborted);
        if (ec) {
            for (std::size_t i = s.cursor; i < s.chunk_end; ++i)
                end_with_error(s.pending[i], ec, s.call_diag);
            return next_chunk(self);
        }
        auto owner = std::make_shared<parsed<cckm::job_list>>(std::move(page));
        const auto& list = owner->value();
        for (const auto& j : list.resources) {
            for (std::size_t i = s.cursor; i < s.chunk_end; ++i) {
                const std::size_t k = s.pending[i];
                if (!s.ended[k] && s.results[k].id == j.id) {
                    s.seen[k] = true;
                    update(k, job_snapshot(owner, &j, owner->body()));
                }
            }
        }
        const std::uint64_t got = list.resources.size();
        if (got != 0 && list.total && static_cast<std::uint64_t>(*list.total) > s.skip + got) {
            s.skip += got; // the server paged: read the rest of this chunk's matches
            return request_list(self);
        }
        for (std::size_t i = s.cursor; i < s.chunk_end; ++i) {
            const std::size_t k = s.pending[i];
            if (!s.ended[k] && !s.seen[k]) {
                diagnostics d = s.call_diag;
                d.detail = "job " + s.results[k].id + " is not in the list of " +
                           std::string(Kind::name) + " jobs";
                end_with_error(k, make_error_code(error::not_found), d);
            }
        }
        next_chunk(self);
    }

    // One job (GET), or the answer to a cancel.
    template <class Self>
    void operator()(Self& self, error_code ec, parsed<cckm::job> job) {
        auto& s = *st_;
        const std::size_t k = s.pending[s.cursor];
        auto& r = s.results[k];
        r.attempts += s.call_diag.attempts;
        if (s.ph == state::phase::cancel) {
            if (aborted(self, ec))
                return stop_all(self, wait_outcome::cancelled,
                                boost::asio::error::operation_aborted);
            r.cancel_sent = !ec;
            if (ec) {
                r.diag = s.call_diag;
                r.diag.last_attempt =
                    "the cancel sent at the deadline was refused: " + s.call_diag.describe(ec);
            } else {
                auto owner = std::make_shared<parsed<cckm::job>>(std::move(job));
                const cckm::job* p = &owner->value();
                update(k, job_snapshot(owner, p, owner->body()));
            }
            ++s.cursor;
            return send_cancel(self);
        }
        ++r.polls;
        if (aborted(self, ec))
            return stop_all(self, wait_outcome::cancelled, boost::asio::error::operation_aborted);
        if (ec) {
            end_with_error(k, ec, s.call_diag);
        } else {
            auto owner = std::make_shared<parsed<cckm::job>>(std::move(job));
            const cckm::job* p = &owner->value();
            update(k, job_snapshot(owner, p, owner->body()));
        }
        ++s.cursor;
        request_get(self);
    }

private:
    using state = jobs_wait_state<Kind, Client>;

    template <class Self>
    static bool cancelled(Self& self) {
        return self.get_cancellation_state().cancelled() != boost::asio::cancellation_type::none;
    }
    template <class Self>
    static bool aborted(Self& self, error_code ec) {
        return cancelled(self) || ec == boost::asio::error::operation_aborted;
    }
    bool stop_requested() const {
        return st_->opt.stop && st_->opt.stop->load(std::memory_order_relaxed);
    }

    template <class Self>
    void start_round(Self& self) {
        auto& s = *st_;
        if (cancelled(self) || stop_requested())
            return stop_all(self, wait_outcome::cancelled, boost::asio::error::operation_aborted);
        s.ph = state::phase::poll;
        s.cursor = 0;
        s.skip = 0;
        std::fill(s.seen.begin(), s.seen.end(), false);
        if (s.use_list) {
            if constexpr (Kind::has_list) {
                s.chunk_end = std::min(s.pending.size(), s.opt.ids_per_list);
                return request_list(self);
            }
        }
        request_get(self);
    }

    template <class Self>
    void request_list(Self& self) {
        if constexpr (Kind::has_list) {
            auto& s = *st_;
            s.query = cckm::list_query<Kind>();
            for (std::size_t i = s.cursor; i < s.chunk_end; ++i)
                s.query.id.push_back(s.results[s.pending[i]].id);
            s.query.limit = s.chunk_end - s.cursor;
            if (s.skip != 0)
                s.query.skip = s.skip;
            s.client.template async_call<cckm::list_jobs<Kind>>(s.query, s.call_diag,
                                                                std::move(self));
        }
    }

    template <class Self>
    void next_chunk(Self& self) {
        auto& s = *st_;
        s.cursor = s.chunk_end;
        s.skip = 0;
        if (s.cursor >= s.pending.size())
            return end_round(self);
        s.chunk_end = std::min(s.pending.size(), s.cursor + s.opt.ids_per_list);
        request_list(self);
    }

    template <class Self>
    void request_get(Self& self) {
        auto& s = *st_;
        if (s.cursor >= s.pending.size())
            return end_round(self);
        s.client.template async_call<cckm::get_job<Kind>>(job_id(s.results[s.pending[s.cursor]].id),
                                                          s.call_diag, std::move(self));
    }

    template <class Self>
    void end_round(Self& self) {
        auto& s = *st_;
        s.pending.erase(std::remove_if(s.pending.begin(), s.pending.end(),
                                       [&](std::size_t k) { return s.ended[k]; }),
                        s.pending.end());
        if (s.pending.empty())
            return finish(self);
        if (!s.timing.plan_pause(s.opt.polling))
            return deadline_passed(self);
        pause(self);
    }

    template <class Self>
    void pause(Self& self) {
        auto& s = *st_;
        s.ph = state::phase::pause;
        s.timer.expires_at(s.timing.next_tick(s.opt.stop != nullptr));
        s.timer.async_wait(std::move(self));
    }

    template <class Self>
    void deadline_passed(Self& self) {
        auto& s = *st_;
        if constexpr (Kind::has_cancel) {
            if (s.opt.cancel_on_deadline) {
                s.ph = state::phase::cancel;
                s.cursor = 0;
                return send_cancel(self);
            }
        }
        stop_all(self, wait_outcome::deadline, make_error_code(error::deadline_exceeded));
    }

    template <class Self>
    void send_cancel(Self& self) {
        if constexpr (Kind::has_cancel) {
            auto& s = *st_;
            if (s.cursor < s.pending.size()) {
                return s.client.template async_call<cckm::cancel_job<Kind>>(
                    job_id(s.results[s.pending[s.cursor]].id), s.call_diag, std::move(self));
            }
        }
        stop_all(self, wait_outcome::deadline, make_error_code(error::deadline_exceeded));
    }

    // A new view of job k: report progress, and end its wait if it is done.
    void update(std::size_t k, job_snapshot snap) {
        auto& s = *st_;
        auto& r = s.results[k];
        const bool changed = detail::job_changed(r.job.get(), *snap);
        r.job = std::move(snap);
        if (changed && s.opt.on_job_progress)
            s.opt.on_job_progress(*r.job, s.timing.elapsed());
        if (r.job->done()) {
            r.outcome = outcome_of(*r.job);
            r.ec.clear();
            r.elapsed = s.timing.elapsed();
            s.ended[k] = true;
        }
    }

    void end_with_error(std::size_t k, error_code ec, const diagnostics& d) {
        auto& s = *st_;
        auto& r = s.results[k];
        r.outcome = wait_outcome::error;
        r.ec = ec;
        const unsigned attempts = r.diag.attempts;
        r.diag = d;
        r.diag.attempts = std::max(attempts, d.attempts);
        r.elapsed = s.timing.elapsed();
        s.ended[k] = true;
    }

    // Ends the wait of every job still pending with `outcome`, then completes.
    template <class Self>
    void stop_all(Self& self, wait_outcome outcome, error_code ec) {
        auto& s = *st_;
        for (std::size_t k : s.pending) {
            if (s.ended[k])
                continue;
            auto& r = s.results[k];
            r.outcome = outcome;
            r.ec = ec;
            r.elapsed = s.timing.elapsed();
            if (outcome == wait_outcome::deadline) {
                r.diag.detail = "the job was still " +
                                std::string(r.job ? r.job->overall_status.raw : "unread") +
                                " when the deadline of " + seconds_text(s.opt.polling.deadline) +
                                " passed";
            } else if (outcome == wait_outcome::cancelled) {
                r.diag.detail = "the wait was cancelled; the job goes on on the server";
            }
            s.ended[k] = true;
        }
        s.pending.clear();
        finish(self);
    }

    template <class Self>
    void finish(Self& self) {
        auto& s = *st_;
        error_code first;
        auto rank = [](wait_outcome o) {
            return o == wait_outcome::cancelled  ? 3
                   : o == wait_outcome::deadline ? 2
                   : o == wait_outcome::error    ? 1
                                                 : 0;
        };
        int best = 0;
        for (const auto& r : s.results) {
            if (rank(r.outcome) > best) {
                best = rank(r.outcome);
                first = r.ec;
            }
        }
        auto results = std::move(s.results);
        st_.reset(); // before completing: the handler may start another wait on this client
        self.complete(first, std::move(results));
    }

    std::unique_ptr<state> st_;
};

template <class Client>
struct rotation_wait_state {
    rotation_wait_state(Client& c, wait_options o)
        : client(c), opt(std::move(o)), timer(c.get_executor()), timing(opt.polling) {}
    Client& client;
    wait_options opt;
    boost::asio::steady_timer timer;
    wait_timing timing;
    rotation_wait_result result;
    diagnostics call_diag;
    bool posted = false;
    bool started = false;
    bool read = false;
};

template <class Client>
class rotation_wait_op {
public:
    explicit rotation_wait_op(std::unique_ptr<rotation_wait_state<Client>> st)
        : st_(std::move(st)) {}

    template <class Self>
    void operator()(Self& self, error_code ec = {}) {
        auto& s = *st_;
        if (!s.posted) {
            s.posted = true; // never complete inside the initiating function
            return boost::asio::post(self.get_io_executor(), std::move(self));
        }
        if (s.started && (ec || cancelled(self)))
            return stop(self, wait_outcome::cancelled, boost::asio::error::operation_aborted);
        if (cancelled(self) || stop_requested())
            return stop(self, wait_outcome::cancelled, boost::asio::error::operation_aborted);
        if (s.started && wait_clock::now() < s.timing.wake)
            return pause(self);
        s.started = true;
        s.client.template async_call<ni::proxy_key_rotation_status>(s.call_diag, std::move(self));
    }

    template <class Self>
    void operator()(Self& self, error_code ec, parsed<ni::rotation_status> st) {
        auto& s = *st_;
        ++s.result.polls;
        s.result.attempts += s.call_diag.attempts;
        if (cancelled(self) || ec == boost::asio::error::operation_aborted)
            return stop(self, wait_outcome::cancelled, boost::asio::error::operation_aborted);
        if (ec) {
            s.result.diag = s.call_diag;
            return stop(self, wait_outcome::error, ec);
        }
        const auto* before = s.read ? &s.result.status.value() : nullptr;
        const bool changed = !before || before->status.raw != st->status.raw ||
                             before->failed_collector_ids.size() != st->failed_collector_ids.size();
        s.result.status = std::move(st);
        s.read = true;
        const auto& now = s.result.status.value();
        if (changed && s.opt.on_rotation_progress)
            s.opt.on_rotation_progress(now, s.timing.elapsed());
        if (now.done()) {
            if (now.status.state == rotation_state::failed) {
                for (auto id : now.failed_collector_ids)
                    s.result.failed_collector_ids.emplace_back(id);
                return stop(self, wait_outcome::rotation_failed, {});
            }
            return stop(self, wait_outcome::rotation_success, {});
        }
        if (!s.timing.plan_pause(s.opt.polling)) {
            s.result.diag.detail = "the rotation was still " + std::string(now.status.raw) +
                                   " when the deadline of " + seconds_text(s.opt.polling.deadline) +
                                   " passed";
            return stop(self, wait_outcome::deadline, make_error_code(error::deadline_exceeded));
        }
        pause(self);
    }

private:
    template <class Self>
    static bool cancelled(Self& self) {
        return self.get_cancellation_state().cancelled() != boost::asio::cancellation_type::none;
    }
    bool stop_requested() const {
        return st_->opt.stop && st_->opt.stop->load(std::memory_order_relaxed);
    }

    template <class Self>
    void pause(Self& self) {
        auto& s = *st_;
        s.timer.expires_at(s.timing.next_tick(s.opt.stop != nullptr));
        s.timer.async_wait(std::move(self));
    }

    template <class Self>
    void stop(Self& self, wait_outcome outcome, error_code ec) {
        auto& s = *st_;
        s.result.outcome = outcome;
        s.result.ec = ec;
        s.result.elapsed = s.timing.elapsed();
        if (outcome == wait_outcome::cancelled)
            s.result.diag.detail = "the wait was cancelled; the rotation goes on on the server";
        auto result = std::move(s.result);
        st_.reset();
        self.complete(ec, std::move(result));
    }

    std::unique_ptr<rotation_wait_state<Client>> st_;
};

template <class Kind, class Client>
class one_job_wait_op {
public:
    one_job_wait_op(Client& c, std::string id, wait_options opt)
        : c_(c), id_(std::move(id)), opt_(std::move(opt)) {}

    template <class Self>
    void operator()(Self& self) {
        std::vector<std::string> ids;
        ids.push_back(std::move(id_));
        auto st =
            std::make_unique<jobs_wait_state<Kind, Client>>(c_, std::move(ids), std::move(opt_));
        boost::asio::async_compose<Self, void(error_code, std::vector<job_wait_result>)>(
            jobs_wait_op<Kind, Client>(std::move(st)), self, c_.get_executor());
    }

    template <class Self>
    void operator()(Self& self, error_code ec, std::vector<job_wait_result> r) {
        self.complete(ec, std::move(r.front()));
    }

private:
    Client& c_;
    std::string id_;
    wait_options opt_;
};

} // namespace detail

/// Waits for several jobs of one kind. Signature void(error_code, std::vector<job_wait_result>),
/// one result per id, in the order given.
template <class Kind, class Client, class Token>
auto async_wait_for_jobs(Client& c, std::vector<std::string> ids, wait_options opt, Token&& token) {
    static_assert(cckm::is_job_kind<Kind>, "keyops: async_wait_for_jobs<K> needs a job kind");
    auto st =
        std::make_unique<detail::jobs_wait_state<Kind, Client>>(c, std::move(ids), std::move(opt));
    return boost::asio::async_compose<Token, void(error_code, std::vector<job_wait_result>)>(
        detail::jobs_wait_op<Kind, Client>(std::move(st)), token, c.get_executor());
}

/// Waits for one job. Signature void(error_code, job_wait_result).
template <class Kind, class Client, class Token>
auto async_wait_for_job(Client& c, std::string id, wait_options opt, Token&& token) {
    static_assert(cckm::is_job_kind<Kind>, "keyops: async_wait_for_job<K> needs a job kind");
    return boost::asio::async_compose<Token, void(error_code, job_wait_result)>(
        detail::one_job_wait_op<Kind, Client>(c, std::move(id), std::move(opt)), token,
        c.get_executor());
}

/// Waits for the last proxy key rotation to end. Signature void(error_code,
/// rotation_wait_result). A server with no rotation yet answers 404: outcome error, not_found.
template <class Client, class Token>
auto async_wait_for_rotation(Client& c, wait_options opt, Token&& token) {
    auto st = std::make_unique<detail::rotation_wait_state<Client>>(c, std::move(opt));
    return boost::asio::async_compose<Token, void(error_code, rotation_wait_result)>(
        detail::rotation_wait_op<Client>(std::move(st)), token, c.get_executor());
}

/// Sync: waits for several jobs of one kind; one result per id, in the order given.
template <class Kind, class Client>
std::vector<job_wait_result> wait_for_jobs(Client& c, std::vector<std::string> ids,
                                           const wait_options& opt = {}) {
    std::vector<job_wait_result> out;
    bool done = false;
    error_code ec;
    const std::vector<std::string> copy = ids;
    async_wait_for_jobs<Kind>(c, std::move(ids), opt,
                              [&](error_code, std::vector<job_wait_result> r) {
                                  out = std::move(r);
                                  done = true;
                              });
    c.run_until_done(done, ec);
    if (!done) {
        out.clear();
        for (const auto& id : copy) {
            job_wait_result r;
            r.id = id;
            r.ec = ec;
            r.diag.detail = "the client's executor could not run the wait";
            out.push_back(std::move(r));
        }
    }
    return out;
}

/// Sync: waits for one job.
template <class Kind, class Client>
job_wait_result wait_for_job(Client& c, std::string id, const wait_options& opt = {}) {
    std::vector<std::string> ids;
    ids.push_back(std::move(id));
    return std::move(wait_for_jobs<Kind>(c, std::move(ids), opt).front());
}

/// Sync, with the kind chosen at run time (e.g. from a command line or a saved record).
template <class Client>
std::vector<job_wait_result> wait_for_jobs(Client& c, cckm::job_kind kind,
                                           std::vector<std::string> ids,
                                           const wait_options& opt = {}) {
    return cckm::visit_kind(
        kind, [&](auto k) { return wait_for_jobs<decltype(k)>(c, std::move(ids), opt); });
}

/// Sync: waits for the last proxy key rotation to end.
template <class Client>
rotation_wait_result wait_for_rotation(Client& c, const wait_options& opt = {}) {
    rotation_wait_result out;
    bool done = false;
    error_code ec;
    async_wait_for_rotation(c, opt, [&](error_code, rotation_wait_result r) {
        out = std::move(r);
        done = true;
    });
    c.run_until_done(done, ec);
    if (!done) {
        out.ec = ec;
        out.diag.detail = "the client's executor could not run the wait";
    }
    return out;
}

} // namespace keyops

#endif
