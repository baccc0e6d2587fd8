#ifndef KEYOPS_WAIT_TYPES_HPP
#define KEYOPS_WAIT_TYPES_HPP

// What a wait is asked (polling, deadline, callbacks) and what it gives back (an outcome per job
// or rotation), shared by the wait machines and their drivers.

#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/model/cckm.hpp>
#include <keyops/model/network_insight.hpp>
#include <keyops/model/scheduler.hpp>
#include <keyops/observer.hpp>
#include <keyops/parse/parse.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace keyops {

/// How often to poll. The first poll happens at once; then the pause starts at
/// `first_interval` and is multiplied by `growth` after each round, up to `max_interval`.
struct polling_policy {
    std::chrono::milliseconds first_interval{1000}; ///< the first pause (default 1 s)
    double growth = 1.5; ///< the factor of each pause over the last; below 1 counts as 1
    std::chrono::milliseconds max_interval{15000}; ///< the longest pause (default 15 s)
    /// Longest wait in all; zero for none.
    std::chrono::milliseconds deadline{std::chrono::hours(1)};

    /// The pause after one of `current`: `current` times growth, at most max_interval.
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

/// The outcome as text: "completed", "completed (aborted)", "failed", "SUCCESS", "FAILED",
/// "deadline passed", "cancelled" or "error".
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
    /// The job at `job`, which `owner` keeps alive (the parsed response holding it), read from
    /// `body`. The waits make these.
    job_snapshot(std::shared_ptr<const void> owner, const cckm::job* job,
                 std::string_view body) noexcept
        : owner_(std::move(owner)), job_(job), body_(body) {}

    bool has_value() const noexcept { return job_ != nullptr; }     ///< true when there is a job
    explicit operator bool() const noexcept { return has_value(); } ///< has_value()
    /// The job; has_value() must be true.
    const cckm::job& operator*() const noexcept { return *job_; }
    const cckm::job* operator->() const noexcept { return job_; } ///< get()
    /// The job, or null when there is none. It lives as long as a copy of this snapshot does.
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
    std::string id;                             ///< the job's id, as given to the wait
    wait_outcome outcome = wait_outcome::error; ///< how the job's wait ended
    /// The job as last read; empty if it was never read.
    job_snapshot job;
    /// Empty for terminal outcomes; operation_aborted, deadline_exceeded or the call's error.
    error_code ec;
    /// What the failed call said (HTTP status, server text, attempts), or for deadline and
    /// cancelled, why the wait ended before the job.
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
    /// How the wait ended: rotation_success, rotation_failed, deadline, cancelled or error.
    wait_outcome outcome = wait_outcome::error;
    /// The rotation status as last read; empty if never read.
    parsed<ni::rotation_status> status;
    /// Copied from the last status when the rotation FAILED.
    std::vector<std::string> failed_collector_ids;
    /// Empty for terminal outcomes; operation_aborted, deadline_exceeded or the call's error.
    error_code ec;
    /// What the failed call said (HTTP status, server text, attempts), or for deadline and
    /// cancelled, why the wait ended before the rotation.
    diagnostics diag;
    unsigned polls = 0;    ///< status requests made
    unsigned attempts = 0; ///< HTTP attempts of those requests, retries included
    std::chrono::steady_clock::duration elapsed{}; ///< from the start of the wait to its end
};

/// What a wait is asked: its pauses and deadline, a stop flag, callbacks, and how it lists jobs.
/// The defaults suit most waits; each wait reads the members that concern it.
struct wait_options {
    polling_policy polling; ///< the pauses between polls, and the deadline
    /// When the deadline passes, send the CCKM cancel for every job still running (kinds that
    /// can be cancelled). The outcome stays `deadline`; `cancel_sent` says whether it was taken.
    bool cancel_on_deadline = false;
    /// Set to true (from any thread) to stop the wait; checked at least every 100 ms.
    const std::atomic<bool>* stop = nullptr;
    /// Called with the job whenever its state, abort flag or detailed_status changed (and on the
    /// first read). The reference is valid during the call only.
    std::function<void(const cckm::job&, std::chrono::steady_clock::duration elapsed)>
        on_job_progress;
    /// Called when a poll failed for a reason that may pass (the server unreachable, a reset, a
    /// time-out, 5xx, 429): the wait goes on, and polls again after its usual pause, until its
    /// deadline. Failures that would not pass (TLS verification, 401 after renewal, 404, 400,
    /// a body that is not what was expected) end the wait of the jobs they concern instead.
    std::function<void(const error_code&, const diagnostics&,
                       std::chrono::steady_clock::duration elapsed)>
        on_poll_failure;
    /// Called whenever the rotation status changed (and on the first read).
    std::function<void(const ni::rotation_status&, std::chrono::steady_clock::duration elapsed)>
        on_rotation_progress;
    /// Called whenever a scheduler run's status or detail changed (and on the first read).
    std::function<void(const scheduler::run&, std::chrono::steady_clock::duration elapsed)>
        on_run_progress;
    /// Ids per list request when waiting on several jobs, at most (see also max_list_target).
    std::size_t ids_per_list = 200;
    /// Longest request target of a list request, in bytes: the ids read by id in a round are
    /// split into as many requests as it takes to stay within it. Servers and proxies commonly
    /// refuse request lines over 8 KiB; the line adds the method and " HTTP/1.1" (15 bytes).
    std::size_t max_list_target = 8000;
    /// From this many jobs still waited on (0: never), a round may start with a list of the
    /// kind's in-progress jobs (`overall_status=in_progress`, pages of `status_page_size`), which
    /// shows most of them at once; only the jobs not in it (those that ended since the last
    /// round, usually few) are then read by id. Chosen round by round, only when it takes fewer
    /// requests than lists by id: the server's total of in-progress jobs (other clients' jobs
    /// count too) says how many pages it takes. A server that refuses the filter (an error that
    /// would not pass) makes the wait go back to lists by id.
    std::size_t list_by_status_from = 100;
    /// Jobs per page (`limit`) of the list of in-progress jobs.
    std::size_t status_page_size = 1000;
    /// Told of each poll (on_wait_poll); null: the client's observer, if it has one.
    keyops::observer* observer = nullptr;
};

namespace detail {

using wait_clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds stop_check_period{100};

// Whether a failed poll may succeed later, so that a wait rides it out: an HTTP status that
// retry policies retry (408, 429, 5xx), an answer passing on a cloud's throttling whatever its
// status (diagnostics::throttled), or no answer at all for a reason other than TLS
// verification or keyops's own checks (a refused or reset connection, a time-out, a TLS stream
// cut short). OpenSSL's own errors ("asio.ssl": a refused certificate, a failed handshake) would
// fail again; the category is told by name, so that this header needs no TLS header.
inline bool transient_poll_failure(const error_code& ec, const diagnostics& d) noexcept {
    if (d.http_status != 0)
        return d.throttled || d.http_status == 408 || d.http_status == 429 ||
               (d.http_status >= 500 && d.http_status < 600);
    if (ec == error::timeout || ec == error::deadline_exceeded ||
        ec == error::retry_budget_exhausted)
        return true;
    if (ec.category() == error_category())
        return false;
    return std::string_view(ec.category().name()) != "asio.ssl";
}

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

// Keeps the error and diagnostics of a failed poll of r, with the most attempts any took.
inline void keep_failure(job_wait_result& r, const error_code& ec, const diagnostics& d) {
    const unsigned attempts = r.diag.attempts;
    r.diag = d;
    r.diag.attempts = attempts > d.attempts ? attempts : d.attempts;
    r.ec = ec;
}

// Says why the wait of r ended before the job did (r.outcome deadline or cancelled).
inline void explain_unfinished(job_wait_result& r, bool last_poll_failed,
                               std::chrono::milliseconds deadline) {
    if (r.outcome == wait_outcome::deadline) {
        std::string why =
            last_poll_failed ? "; its last poll failed: " + r.diag.describe(r.ec) : std::string();
        r.diag.detail = "the job was still " +
                        std::string(r.job ? r.job->overall_status.raw : "unread") +
                        " when the deadline of " + seconds_text(deadline) + " passed" + why;
    } else if (r.outcome == wait_outcome::cancelled) {
        r.diag.detail = "the wait was cancelled; the job goes on on the server";
    }
}

// The completion's error of a wait on jobs: that of the first job with the gravest outcome
// (cancelled, then deadline, then error); empty when every job ended.
inline error_code first_error(const std::vector<job_wait_result>& results) {
    auto rank = [](wait_outcome o) {
        return o == wait_outcome::cancelled  ? 3
               : o == wait_outcome::deadline ? 2
               : o == wait_outcome::error    ? 1
                                             : 0;
    };
    error_code first;
    int best = 0;
    for (const auto& r : results) {
        if (rank(r.outcome) > best) {
            best = rank(r.outcome);
            first = r.ec;
        }
    }
    return first;
}

// Time bookkeeping shared by both waits.
struct wait_timing {
    wait_timing(const polling_policy& p, wait_clock::time_point now)
        : start(now), interval(p.first_interval) {
        if (p.deadline.count() > 0)
            deadline = start + p.deadline;
    }
    wait_clock::time_point start;
    wait_clock::time_point deadline = wait_clock::time_point::max();
    wait_clock::time_point wake;
    std::chrono::milliseconds interval;

    bool past_deadline(wait_clock::time_point now) const { return now >= deadline; }
    wait_clock::duration elapsed(wait_clock::time_point now) const { return now - start; }
    // Plans the pause before the next round; returns false if the deadline already passed.
    bool plan_pause(const polling_policy& p, wait_clock::time_point now) {
        if (now >= deadline)
            return false;
        wake = deadline - now > interval ? now + interval : deadline;
        interval = p.next(interval);
        return true;
    }
};

} // namespace detail
/// What a wait on CCKM jobs (jobs_wait_fsm) needs done next. Made by its named factories;
/// `until` is meaningful for wait, `ec` for done.
struct jobs_wait_action {
    /// The kinds of action.
    enum class type : unsigned char {
        list,   ///< list jobs: ids list_ids(), status list_status(), list_skip(), list_limit()
        get,    ///< GET the job job_id()
        cancel, ///< POST the cancel of the job job_id()
        wait,   ///< pause until `until`, then on_wake()
        done,   ///< finished with `ec`: see results()
    };
    type kind = type::done;                        ///< what to do
    std::chrono::steady_clock::time_point until{}; ///< wait: the end of the pause
    /// done: the wait's error, empty when every job ended (see jobs_wait_fsm::results()).
    error_code ec{};

    static jobs_wait_action list() noexcept { return {type::list, {}, {}}; }     ///< a list
    static jobs_wait_action get() noexcept { return {type::get, {}, {}}; }       ///< a get
    static jobs_wait_action cancel() noexcept { return {type::cancel, {}, {}}; } ///< a cancel
    /// A pause until `t`.
    static jobs_wait_action wait_until(std::chrono::steady_clock::time_point t) noexcept {
        return {type::wait, t, {}};
    }
    /// The end, with the wait's error `ec`.
    static jobs_wait_action done(error_code ec) noexcept { return {type::done, {}, ec}; }
};

/// The action's name: "list", "get", "cancel", "wait" or "done".
constexpr std::string_view to_string(jobs_wait_action::type t) noexcept {
    switch (t) {
    case jobs_wait_action::type::list:
        return "list";
    case jobs_wait_action::type::get:
        return "get";
    case jobs_wait_action::type::cancel:
        return "cancel";
    case jobs_wait_action::type::wait:
        return "wait";
    case jobs_wait_action::type::done:
        break;
    }
    return "done";
}

/// What a wait on one resource (rotation_wait_fsm, run_wait_fsm) needs done next. Made by its
/// named factories; `until` is meaningful for wait, `ec` for done.
struct single_wait_action {
    /// The kinds of action.
    enum class type : unsigned char {
        read, ///< read the resource: the rotation status, or the run job_id()
        wait, ///< pause until `until`, then on_wake()
        done, ///< finished with `ec`: see result()
    };
    type kind = type::done;                        ///< what to do
    std::chrono::steady_clock::time_point until{}; ///< wait: the end of the pause
    error_code ec{}; ///< done: the wait's error, empty when the resource ended (see result())

    static single_wait_action read() noexcept { return {type::read, {}, {}}; } ///< a read
    /// A pause until `t`.
    static single_wait_action wait_until(std::chrono::steady_clock::time_point t) noexcept {
        return {type::wait, t, {}};
    }
    /// The end, with the wait's error `ec`.
    static single_wait_action done(error_code ec) noexcept { return {type::done, {}, ec}; }
};

/// The action's name: "read", "wait" or "done".
constexpr std::string_view to_string(single_wait_action::type t) noexcept {
    switch (t) {
    case single_wait_action::type::read:
        return "read";
    case single_wait_action::type::wait:
        return "wait";
    case single_wait_action::type::done:
        break;
    }
    return "done";
}

/// Writes to_string(t).
inline std::ostream& operator<<(std::ostream& os, jobs_wait_action::type t) {
    return os << to_string(t);
}
/// Writes to_string(t).
inline std::ostream& operator<<(std::ostream& os, single_wait_action::type t) {
    return os << to_string(t);
}
/// Writes to_string(o).
inline std::ostream& operator<<(std::ostream& os, wait_outcome o) {
    return os << to_string(o);
}
/// Writes `list`, `get`, `cancel`, `wait until N` (`until` in ticks of the steady clock since
/// its epoch), or `done: ` and the error's message (`ok` when none).
inline std::ostream& operator<<(std::ostream& os, const jobs_wait_action& a) {
    os << a.kind;
    if (a.kind == jobs_wait_action::type::wait)
        os << " until " << a.until.time_since_epoch().count();
    else if (a.kind == jobs_wait_action::type::done)
        os << ": " << (a.ec ? a.ec.message() : std::string("ok"));
    return os;
}
/// Writes `read`, `wait until N` (`until` in ticks of the steady clock since its epoch), or
/// `done: ` and the error's message (`ok` when none).
inline std::ostream& operator<<(std::ostream& os, const single_wait_action& a) {
    os << a.kind;
    if (a.kind == single_wait_action::type::wait)
        os << " until " << a.until.time_since_epoch().count();
    else if (a.kind == single_wait_action::type::done)
        os << ": " << (a.ec ? a.ec.message() : std::string("ok"));
    return os;
}

} // namespace keyops

#endif
