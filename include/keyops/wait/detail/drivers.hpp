#ifndef KEYOPS_WAIT_DETAIL_DRIVERS_HPP
#define KEYOPS_WAIT_DETAIL_DRIVERS_HPP

// The drivers of the wait machines, one sync and one async for each shape of wait: the jobs of
// one kind (jobs_wait_fsm.hpp, the kind's calls named by a kind policy: typed_kind_polls here,
// any_kind_polls in wait_any.hpp) and one resource (single_wait_fsm.hpp, its call named by
// rotation_reads here or run_reads in run_wait.hpp). wait.hpp and run_wait.hpp hold the public
// functions; their rules (completion, cancellation, deadline, lifetimes) are those written at the
// top of wait.hpp.

#include <keyops/cancellation.hpp>
#include <keyops/client/client.hpp>
#include <keyops/endpoint/cckm.hpp>
#include <keyops/endpoint/network_insight.hpp>
#include <keyops/wait/jobs_wait_fsm.hpp>
#include <keyops/wait/list_query.hpp>
#include <keyops/wait/rotation_wait_fsm.hpp>
#include <keyops/wait/types.hpp>

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/assert.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace keyops {
namespace detail {

// The next timer expiry of a pause: its end, or sooner to look at a stop flag.
inline wait_clock::time_point next_tick(wait_clock::time_point until, bool has_stop) {
    if (!has_stop)
        return until;
    const auto soon = wait_clock::now() + stop_check_period;
    return soon < until ? soon : until;
}

// Sleeps the calling thread until `until`; false when the stop flag was set meanwhile.
inline bool sleep_until_or_stop(wait_clock::time_point until, const std::atomic<bool>* stop) {
    for (;;) {
        if (stop && stop->load(std::memory_order_relaxed))
            return false;
        const auto now = wait_clock::now();
        if (now >= until)
            return true;
        std::this_thread::sleep_until(next_tick(until, stop != nullptr));
    }
}

// The cancellation type an async wait has been given so far.
// The clock and the sleep of the sync drivers: the steady clock and the calling thread's sleep.
// Tests give the drivers one of their own, so that nothing depends on the time a step takes.
struct thread_clock {
    wait_clock::time_point now() const { return wait_clock::now(); }
    // Until `until`, or sooner when the stop flag is set.
    void sleep_until(wait_clock::time_point until, const std::atomic<bool>* stop) const {
        sleep_until_or_stop(until, stop);
    }
};

template <class Self>
cancellation_type wait_cancellation(Self& self) {
    return self.get_cancellation_state().cancelled();
}

enum class wait_phase : unsigned char { initial, posted, running };

// A pause of an async wait: until the machine's wake time, or sooner to look at a stop flag.
template <class Self, class State>
void pause_wait(Self& self, State& s) {
    s.timer.expires_at(next_tick(s.wake, s.fsm.options().stop != nullptr));
    s.timer.async_wait(std::move(self));
}

// What both async waits do at their start and at each end of the pause timer: post first (never
// completing inside the initiating function), then the machine's first step, then its next one
// once the pause is over, cut short or not (the machine decides what a cancellation or the stop
// flag means). Nothing when the wait goes on waiting (the post, or more pause).
template <class Self, class State>
auto wait_timer_step(Self& self, State& s, error_code ec)
    -> std::optional<decltype(s.fsm.start(wait_clock::now()))> {
    if (s.ph == wait_phase::initial) {
        s.ph = wait_phase::posted;
        self.reset_cancellation_state(boost::asio::enable_total_cancellation());
        boost::asio::post(self.get_io_executor(), std::move(self));
        return std::nullopt;
    }
    const auto now = wait_clock::now();
    cancellation_type c = wait_cancellation(self);
    if (s.ph == wait_phase::posted) {
        s.ph = wait_phase::running;
        return s.fsm.start(now, c);
    }
    if (ec && c == cancellation_type::none)
        c = cancellation_type::terminal; // the timer was cancelled by other means: end now
    if (c == cancellation_type::none && !s.fsm.stop_requested() && now < s.wake) {
        pause_wait(self, s); // woken early to look at the stop flag, which is not set
        return std::nullopt;
    }
    return s.fsm.on_wake(now, c);
}

// A wait tells the client's observer of its polls unless it was given one of its own.
template <class Client>
wait_options with_observer(const Client& c, wait_options opt) {
    if (!opt.observer)
        opt.observer = c.options().observer;
    return opt;
}

// How a wait polls the jobs of a kind known at compile time: through the kind's typed
// endpoints, each compiled only when the kind has it.
template <class Kind>
class typed_kind_polls {
public:
    static_assert(cckm::is_job_kind<Kind>, "keyops: a wait needs a job kind");

    std::string_view name() const noexcept { return Kind::name; }
    bool has_list() const noexcept { return Kind::has_list; }
    bool has_cancel() const noexcept { return Kind::has_cancel; }
    /// The length of the kind's path below the CipherTrust base, for the list request's size.
    std::size_t path_size() const noexcept { return Kind::base_path.size(); }

    template <class Client>
    parsed<cckm::job_list> list(Client& c, const jobs_wait_fsm& fsm, error_code& ec,
                                diagnostics& diag) {
        if constexpr (Kind::has_list) {
            return c.template call<cckm::list_jobs<Kind>>(list_query_for<Kind>(fsm), ec, diag);
        } else {
            BOOST_ASSERT_MSG(false, "keyops: a jobs wait asked for the list of a kind without one");
            return {};
        }
    }
    template <class Client>
    parsed<cckm::job> get(Client& c, std::string_view id, error_code& ec, diagnostics& diag) {
        return c.template call<cckm::get_job<Kind>>(job_id(id), ec, diag);
    }
    template <class Client>
    parsed<cckm::job> cancel(Client& c, std::string_view id, error_code& ec, diagnostics& diag) {
        if constexpr (Kind::has_cancel) {
            return c.template call<cckm::cancel_job<Kind>>(job_id(id), ec, diag);
        } else {
            BOOST_ASSERT_MSG(false,
                             "keyops: a jobs wait asked for the cancel of a kind without one");
            return {};
        }
    }

    template <class Client, class Handler>
    void async_list(Client& c, const jobs_wait_fsm& fsm, diagnostics& diag, Handler&& h) {
        if constexpr (Kind::has_list) {
            query_ = list_query_for<Kind>(fsm); // kept: the call reads it until it completes
            c.template async_call<cckm::list_jobs<Kind>>(query_, diag, std::forward<Handler>(h));
        } else {
            BOOST_ASSERT_MSG(false, "keyops: a jobs wait asked for the list of a kind without one");
        }
    }
    template <class Client, class Handler>
    void async_get(Client& c, std::string_view id, diagnostics& diag, Handler&& h) {
        c.template async_call<cckm::get_job<Kind>>(job_id(id), diag, std::forward<Handler>(h));
    }
    template <class Client, class Handler>
    void async_cancel(Client& c, std::string_view id, diagnostics& diag, Handler&& h) {
        if constexpr (Kind::has_cancel)
            c.template async_call<cckm::cancel_job<Kind>>(job_id(id), diag,
                                                          std::forward<Handler>(h));
        else
            BOOST_ASSERT_MSG(false,
                             "keyops: a jobs wait asked for the cancel of a kind without one");
    }

private:
    std::conditional_t<Kind::has_list, cckm::list_query<Kind>, char> query_{};
};

// The machine of a wait on `ids`, of the kind `polls` reads.
template <class Client, class Polls>
jobs_wait_fsm make_jobs_wait_fsm(const Client& c, const Polls& polls, std::vector<std::string> ids,
                                 wait_options opt) {
    jobs_wait_kind kind;
    kind.name = polls.name();
    kind.has_list = polls.has_list();
    kind.has_cancel = polls.has_cancel();
    kind.list_path_bytes = c.options().ciphertrust_base.size() + polls.path_size();
    return jobs_wait_fsm(std::move(ids), with_observer(c, std::move(opt)), kind, wait_clock::now());
}

// The sync driver of a jobs wait machine: its calls on the calling thread through `polls`, its
// pauses asleep, its times from `clock`. Fsm is jobs_wait_fsm, or a test's scripted machine.
template <class Client, class Polls, class Fsm, class Clock = thread_clock>
void drive_jobs_wait(Client& c, Polls& polls, Fsm& fsm, const Clock& clock = {}) {
    diagnostics diag;
    error_code ec;
    // A sync wait has no cancellation but its stop flag, which the machine reads itself.
    jobs_wait_action a = fsm.start(clock.now());
    for (;;) {
        switch (a.kind) {
        case jobs_wait_action::type::list: {
            auto page = polls.list(c, fsm, ec, diag);
            a = fsm.on_list(ec, diag, std::move(page), clock.now());
            continue;
        }
        case jobs_wait_action::type::get: {
            auto j = polls.get(c, fsm.job_id(), ec, diag);
            a = fsm.on_job(ec, diag, std::move(j), clock.now());
            continue;
        }
        case jobs_wait_action::type::cancel: {
            auto j = polls.cancel(c, fsm.job_id(), ec, diag);
            a = fsm.on_job(ec, diag, std::move(j), clock.now());
            continue;
        }
        case jobs_wait_action::type::wait:
            clock.sleep_until(a.until, fsm.options().stop);
            a = fsm.on_wake(clock.now());
            continue;
        case jobs_wait_action::type::done:
            break;
        }
        break;
    }
}

// The sync jobs wait: jobs_wait_fsm on `ids`, driven on the calling thread.
template <class Client, class Polls>
std::vector<job_wait_result> run_jobs_wait(Client& c, Polls polls, std::vector<std::string> ids,
                                           const wait_options& opt) {
    jobs_wait_fsm fsm = make_jobs_wait_fsm(c, polls, std::move(ids), opt);
    drive_jobs_wait(c, polls, fsm);
    return std::move(fsm.results());
}

// The async driver of jobs_wait_fsm, for the kind `Polls` says how to poll (typed_kind_polls,
// or any_kind_polls of wait_any.hpp for a kind chosen at run time). The machine asks for a
// list or a cancel only of a kind that has one.
template <class Polls, class Client>
class jobs_wait_op {
public:
    jobs_wait_op(Client& c, std::vector<std::string> ids, wait_options opt, Polls polls = {})
        : st_(std::make_unique<state>(c, std::move(ids), std::move(opt), std::move(polls))) {}

    // The start (posted first, so as never to complete inside the initiating function), and
    // the pause timer.
    template <class Self>
    void operator()(Self& self, error_code ec = {}) {
        if (auto a = wait_timer_step(self, *st_, ec))
            act(self, *a);
    }

    // A list page.
    template <class Self>
    void operator()(Self& self, error_code ec, parsed<cckm::job_list> page) {
        auto& s = *st_;
        act(self,
            s.fsm.on_list(ec, s.diag, std::move(page), wait_clock::now(), wait_cancellation(self)));
    }

    // One job (GET), or the answer to a cancel.
    template <class Self>
    void operator()(Self& self, error_code ec, parsed<cckm::job> job) {
        auto& s = *st_;
        act(self,
            s.fsm.on_job(ec, s.diag, std::move(job), wait_clock::now(), wait_cancellation(self)));
    }

private:
    struct state {
        state(Client& cl, std::vector<std::string> ids, wait_options opt, Polls p)
            : c(cl), timer(cl.get_executor()), polls(std::move(p)),
              fsm(make_jobs_wait_fsm(cl, polls, std::move(ids), std::move(opt))) {}
        Client& c;
        boost::asio::steady_timer timer;
        Polls polls;
        jobs_wait_fsm fsm;
        diagnostics diag;
        wait_clock::time_point wake{};
        wait_phase ph = wait_phase::initial;
    };

    template <class Self>
    void act(Self& self, jobs_wait_action a) {
        auto& s = *st_;
        switch (a.kind) {
        case jobs_wait_action::type::list:
            return s.polls.async_list(s.c, s.fsm, s.diag, std::move(self));
        case jobs_wait_action::type::get:
            return s.polls.async_get(s.c, s.fsm.job_id(), s.diag, std::move(self));
        case jobs_wait_action::type::cancel:
            return s.polls.async_cancel(s.c, s.fsm.job_id(), s.diag, std::move(self));
        case jobs_wait_action::type::wait:
            s.wake = a.until;
            return pause(self);
        case jobs_wait_action::type::done:
            break;
        }
        auto results = std::move(s.fsm.results());
        st_.reset(); // before completing: the handler may start another wait on this client
        self.complete(a.ec, std::move(results));
    }

    template <class Self>
    void pause(Self& self) {
        pause_wait(self, *st_);
    }

    std::unique_ptr<state> st_;
};

// The drivers of a wait on one resource (single_wait_fsm.hpp), for the machine and the call
// `Reads` names: rotation_reads below, run_reads in run_wait.hpp. Reads has fsm_type, answer (the
// call's parsed result), call (the action that asks for it), read() and async_read() that make
// the call, and feed() that gives the machine its answer.

// Sync: the calls on the calling thread, the pauses asleep, the times from `clock`.
template <class Reads, class Client, class Clock = thread_clock>
auto run_single_wait(Client& c, typename Reads::fsm_type fsm, const Clock& clock = {}) {
    diagnostics diag;
    error_code ec;
    // A sync wait has no cancellation but its stop flag, which the machine reads itself.
    single_wait_action a = fsm.start(clock.now());
    for (;;) {
        switch (a.kind) {
        case single_wait_action::type::read: {
            auto r = Reads::read(c, fsm, ec, diag);
            a = Reads::feed(fsm, ec, diag, std::move(r), clock.now(), cancellation_type::none);
            continue;
        }
        case single_wait_action::type::wait:
            clock.sleep_until(a.until, fsm.options().stop);
            a = fsm.on_wake(clock.now());
            continue;
        case single_wait_action::type::done:
            break;
        }
        break;
    }
    return std::move(fsm.result());
}

// Async.
template <class Reads, class Client>
class single_wait_op {
public:
    single_wait_op(Client& c, typename Reads::fsm_type fsm)
        : st_(std::make_unique<state>(c, std::move(fsm))) {}

    // The start (posted first, so as never to complete inside the initiating function), and
    // the pause timer.
    template <class Self>
    void operator()(Self& self, error_code ec = {}) {
        if (auto a = wait_timer_step(self, *st_, ec))
            act(self, *a);
    }

    // The resource, as read.
    template <class Self>
    void operator()(Self& self, error_code ec, typename Reads::answer r) {
        auto& s = *st_;
        act(self, Reads::feed(s.fsm, ec, s.diag, std::move(r), wait_clock::now(),
                              wait_cancellation(self)));
    }

private:
    struct state {
        state(Client& cl, typename Reads::fsm_type f)
            : c(cl), timer(cl.get_executor()), fsm(std::move(f)) {}
        Client& c;
        boost::asio::steady_timer timer;
        typename Reads::fsm_type fsm;
        diagnostics diag;
        wait_clock::time_point wake{};
        wait_phase ph = wait_phase::initial;
    };

    template <class Self>
    void act(Self& self, single_wait_action a) {
        auto& s = *st_;
        switch (a.kind) {
        case single_wait_action::type::read:
            return Reads::async_read(s.c, s.fsm, s.diag, std::move(self));
        case single_wait_action::type::wait:
            s.wake = a.until;
            return pause_wait(self, s);
        case single_wait_action::type::done:
            break;
        }
        auto result = std::move(s.fsm.result());
        st_.reset(); // before completing: the handler may start another wait on this client
        self.complete(a.ec, std::move(result));
    }

    std::unique_ptr<state> st_;
};

// How the rotation wait reads the rotation: its status.
struct rotation_reads {
    using fsm_type = rotation_wait_fsm;
    using answer = parsed<ni::rotation_status>;

    template <class Client>
    static answer read(Client& c, const fsm_type&, error_code& ec, diagnostics& diag) {
        return c.template call<ni::proxy_key_rotation_status>(ec, diag);
    }
    template <class Client, class Handler>
    static void async_read(Client& c, const fsm_type&, diagnostics& diag, Handler&& h) {
        c.template async_call<ni::proxy_key_rotation_status>(diag, std::forward<Handler>(h));
    }
    static single_wait_action feed(fsm_type& fsm, error_code ec, const diagnostics& diag, answer r,
                                   wait_clock::time_point now, cancellation_type c) {
        return fsm.on_status(ec, diag, std::move(r), now, c);
    }
};

template <class Kind, class Client>
class one_job_wait_op {
public:
    one_job_wait_op(Client& c, std::string id, wait_options opt)
        : c_(c), id_(std::move(id)), opt_(std::move(opt)) {}

    template <class Self>
    void operator()(Self& self) {
        self.reset_cancellation_state(boost::asio::enable_total_cancellation());
        std::vector<std::string> ids;
        ids.push_back(std::move(id_));
        boost::asio::async_compose<Self, void(error_code, std::vector<job_wait_result>)>(
            jobs_wait_op<typed_kind_polls<Kind>, Client>(c_, std::move(ids), std::move(opt_)), self,
            c_.get_executor());
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
} // namespace keyops

#endif
