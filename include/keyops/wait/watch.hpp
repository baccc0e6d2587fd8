#ifndef KEYOPS_WAIT_WATCH_HPP
#define KEYOPS_WAIT_WATCH_HPP

// A watch on every job of the CCKM kinds given (watch_fsm.hpp), and one on the Network Insight
// proxy key rotations (rotation_watch_fsm.hpp), driven over a client: sync on the calling thread,
// or async on the client's executor.
//
//     keyops::watch_cursor cursor; // or watch_cursor::parse(saved text, why)
//     keyops::async_watch_jobs(client, keyops::watchable_kinds(), cursor, opt,
//         [&](const std::vector<keyops::watch_event>& events, const keyops::watch_cursor& next) {
//             for (const auto& e : events) react(e);
//             save(next.to_string()); // the watch goes on from here after a restart
//         },
//         [](keyops::error_code ec) { /* ended: cancelled (operation_aborted), or once done */ });
//
// Events come in batches, one per round, through a callback called on the watch's executor (the
// async watch) or thread (the sync one), with the cursor that includes them; the next round
// begins when the callback returns, so a slow consumer slows the watch instead of queueing
// events. A callback was chosen over a channel the agent pulls from: it needs nothing beyond
// Asio's composed operations, costs no allocation per event, and gives the agent the batch and
// its cursor at once, to be saved together.
//
// Completion: void(error_code): operation_aborted when cancelled or stopped, success when
// watch_options::once ended it after one round. A failed read never ends the watch: it is an
// error event, and the next round reads again. Cancellation follows cancellation.hpp: terminal
// ends it at once (the batch being found is not handed over, and the cursor stays where the last
// batch left it); partial and total let the read in flight finish, hand over what it found,
// then end. The sync watch ends the same way, after the call in flight, when `stop` is set.

#include <keyops/cancellation.hpp>
#include <keyops/client/client.hpp>
#include <keyops/endpoint/cckm_any.hpp>
#include <keyops/endpoint/network_insight.hpp>
#include <keyops/wait/detail/drivers.hpp>
#include <keyops/wait/list_query.hpp>
#include <keyops/wait/rotation_watch_fsm.hpp>
#include <keyops/wait/watch_fsm.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <memory>
#include <utility>
#include <vector>

namespace keyops {

/// Every kind with a list endpoint: the kinds a watch can follow.
inline std::vector<cckm::job_kind> watchable_kinds() {
    std::vector<cckm::job_kind> out;
    for (const auto& row : cckm::detail::kind_rows())
        if (row.has_list)
            out.push_back(row.kind);
    return out;
}

namespace detail {

// The machine of a watch over client `c`: the kinds as the cursor and the events name them.
template <class Client>
watch_fsm make_watch_fsm(const Client& c, const std::vector<cckm::job_kind>& kinds,
                         watch_options opt, watch_cursor cursor) {
    std::vector<watch_kind> ks;
    for (const auto k : kinds) {
        const auto& row = cckm::kind_row_of(k);
        BOOST_ASSERT_MSG(row.has_list, "keyops: a watch needs kinds with a list endpoint");
        ks.push_back({row.name, c.options().ciphertrust_base.size() + 1 + row.path.size()});
    }
    return watch_fsm(std::move(ks), std::move(opt), std::move(cursor));
}

inline const cckm::kind_row& watch_row(const std::vector<cckm::job_kind>& kinds,
                                       const watch_fsm& fsm) {
    return cckm::kind_row_of(kinds[fsm.list_request().kind]);
}

// The sync driver: the calls on the calling thread, the pauses asleep, the times from `clock`.
template <class Client, class OnBatch, class Clock = thread_clock>
error_code drive_watch(Client& c, const std::vector<cckm::job_kind>& kinds, watch_fsm& fsm,
                       OnBatch& on_batch, const std::atomic<bool>* stop, const Clock& clock = {}) {
    const auto stopped = [stop] {
        return stop && stop->load(std::memory_order_relaxed) ? cancellation_type::partial
                                                             : cancellation_type::none;
    };
    diagnostics diag;
    error_code ec;
    watch_action a = fsm.start(clock.now(), stopped());
    for (;;) {
        switch (a.kind) {
        case watch_action::type::list: {
            auto page = c.template call<cckm::any_list_jobs>(cckm::kind_path(watch_row(kinds, fsm)),
                                                             list_query_for(fsm), ec, diag);
            a = fsm.on_list(ec, diag, std::move(page), clock.now(), stopped());
            continue;
        }
        case watch_action::type::events:
            on_batch(fsm.events(), fsm.next_cursor());
            a = fsm.on_delivered(clock.now(), stopped());
            continue;
        case watch_action::type::wait:
            clock.sleep_until(a.until, stop);
            a = fsm.on_wake(clock.now(), stopped());
            continue;
        case watch_action::type::done:
            return a.ec;
        }
    }
}

// The async driver.
template <class Client, class OnBatch>
class watch_op {
public:
    watch_op(Client& c, std::vector<cckm::job_kind> kinds, watch_options opt, watch_cursor cursor,
             OnBatch on_batch)
        : st_(std::make_unique<state>(c, std::move(kinds), std::move(opt), std::move(cursor),
                                      std::move(on_batch))) {}

    // The start (posted first, so as never to complete inside the initiating function), and
    // the pause timer.
    template <class Self>
    void operator()(Self& self, error_code ec = {}) {
        auto& s = *st_;
        if (s.ph == wait_phase::initial) {
            s.ph = wait_phase::posted;
            self.reset_cancellation_state(boost::asio::enable_total_cancellation());
            return boost::asio::post(self.get_io_executor(), std::move(self));
        }
        auto c = wait_cancellation(self);
        if (s.ph == wait_phase::posted) {
            s.ph = wait_phase::running;
            return act(self, s.fsm.start(wait_clock::now(), c));
        }
        if (ec && c == cancellation_type::none)
            c = cancellation_type::terminal; // the timer was cancelled by other means: end now
        act(self, s.fsm.on_wake(wait_clock::now(), c));
    }

    // A list page.
    template <class Self>
    void operator()(Self& self, error_code ec, parsed<cckm::job_list> page) {
        auto& s = *st_;
        act(self,
            s.fsm.on_list(ec, s.diag, std::move(page), wait_clock::now(), wait_cancellation(self)));
    }

private:
    struct state {
        state(Client& cl, std::vector<cckm::job_kind> k, watch_options opt, watch_cursor cur,
              OnBatch cb)
            : c(cl), kinds(std::move(k)), timer(cl.get_executor()), on_batch(std::move(cb)),
              fsm(make_watch_fsm(cl, kinds, std::move(opt), std::move(cur))) {}
        Client& c;
        std::vector<cckm::job_kind> kinds;
        boost::asio::steady_timer timer;
        OnBatch on_batch;
        watch_fsm fsm;
        diagnostics diag;
        cckm::any_list_query query; // kept: the call reads it until it ends
        wait_phase ph = wait_phase::initial;
    };

    template <class Self>
    void act(Self& self, watch_action a) {
        auto& s = *st_;
        for (;;) {
            switch (a.kind) {
            case watch_action::type::list:
                s.query = list_query_for(s.fsm);
                return s.c.template async_call<cckm::any_list_jobs>(
                    cckm::kind_path(watch_row(s.kinds, s.fsm)), s.query, s.diag, std::move(self));
            case watch_action::type::events:
                s.on_batch(s.fsm.events(), s.fsm.next_cursor());
                a = s.fsm.on_delivered(wait_clock::now(), wait_cancellation(self));
                continue;
            case watch_action::type::wait:
                s.timer.expires_at(a.until);
                return s.timer.async_wait(std::move(self));
            case watch_action::type::done:
                break;
            }
            break;
        }
        st_.reset(); // before completing: the handler may start another watch on this client
        self.complete(a.ec);
    }

    std::unique_ptr<state> st_;
};

// The sync driver of a rotation watch, over a Network Insight client.
template <class Client, class OnBatch, class Clock = thread_clock>
error_code drive_rotation_watch(Client& c, rotation_watch_fsm& fsm, OnBatch& on_batch,
                                const std::atomic<bool>* stop, const Clock& clock = {}) {
    const auto stopped = [stop] {
        return stop && stop->load(std::memory_order_relaxed) ? cancellation_type::partial
                                                             : cancellation_type::none;
    };
    diagnostics diag;
    error_code ec;
    rotation_watch_action a = fsm.start(clock.now(), stopped());
    for (;;) {
        switch (a.kind) {
        case rotation_watch_action::type::status: {
            auto st = c.template call<ni::proxy_key_rotation_status>(ec, diag);
            a = fsm.on_status(ec, diag, std::move(st), clock.now(), stopped());
            continue;
        }
        case rotation_watch_action::type::details: {
            auto k = c.template call<ni::proxy_key_details>(ec, diag);
            a = fsm.on_details(ec, diag, std::move(k), clock.now(), stopped());
            continue;
        }
        case rotation_watch_action::type::events:
            on_batch(fsm.events(), fsm.next_cursor());
            a = fsm.on_delivered(clock.now(), stopped());
            continue;
        case rotation_watch_action::type::wait:
            clock.sleep_until(a.until, stop);
            a = fsm.on_wake(clock.now(), stopped());
            continue;
        case rotation_watch_action::type::done:
            return a.ec;
        }
    }
}

// The async driver of a rotation watch.
template <class Client, class OnBatch>
class rotation_watch_op {
public:
    rotation_watch_op(Client& c, watch_options opt, watch_cursor cursor, OnBatch on_batch)
        : st_(std::make_unique<state>(c, std::move(opt), std::move(cursor), std::move(on_batch))) {}

    // The start (posted first, so as never to complete inside the initiating function), and
    // the pause timer.
    template <class Self>
    void operator()(Self& self, error_code ec = {}) {
        auto& s = *st_;
        if (s.ph == wait_phase::initial) {
            s.ph = wait_phase::posted;
            self.reset_cancellation_state(boost::asio::enable_total_cancellation());
            return boost::asio::post(self.get_io_executor(), std::move(self));
        }
        auto c = wait_cancellation(self);
        if (s.ph == wait_phase::posted) {
            s.ph = wait_phase::running;
            return act(self, s.fsm.start(wait_clock::now(), c));
        }
        if (ec && c == cancellation_type::none)
            c = cancellation_type::terminal; // the timer was cancelled by other means: end now
        act(self, s.fsm.on_wake(wait_clock::now(), c));
    }

    // The status.
    template <class Self>
    void operator()(Self& self, error_code ec, parsed<ni::rotation_status> st) {
        auto& s = *st_;
        act(self,
            s.fsm.on_status(ec, s.diag, std::move(st), wait_clock::now(), wait_cancellation(self)));
    }

    // The key details.
    template <class Self>
    void operator()(Self& self, error_code ec, parsed<ni::key_details> k) {
        auto& s = *st_;
        act(self,
            s.fsm.on_details(ec, s.diag, std::move(k), wait_clock::now(), wait_cancellation(self)));
    }

private:
    struct state {
        state(Client& cl, watch_options opt, watch_cursor cur, OnBatch cb)
            : c(cl), timer(cl.get_executor()), on_batch(std::move(cb)),
              fsm(std::move(opt), std::move(cur)) {}
        Client& c;
        boost::asio::steady_timer timer;
        OnBatch on_batch;
        rotation_watch_fsm fsm;
        diagnostics diag;
        wait_phase ph = wait_phase::initial;
    };

    template <class Self>
    void act(Self& self, rotation_watch_action a) {
        auto& s = *st_;
        for (;;) {
            switch (a.kind) {
            case rotation_watch_action::type::status:
                return s.c.template async_call<ni::proxy_key_rotation_status>(s.diag,
                                                                              std::move(self));
            case rotation_watch_action::type::details:
                return s.c.template async_call<ni::proxy_key_details>(s.diag, std::move(self));
            case rotation_watch_action::type::events:
                s.on_batch(s.fsm.events(), s.fsm.next_cursor());
                a = s.fsm.on_delivered(wait_clock::now(), wait_cancellation(self));
                continue;
            case rotation_watch_action::type::wait:
                s.timer.expires_at(a.until);
                return s.timer.async_wait(std::move(self));
            case rotation_watch_action::type::done:
                break;
            }
            break;
        }
        st_.reset(); // before completing: the handler may start another watch on this client
        self.complete(a.ec);
    }

    std::unique_ptr<state> st_;
};

} // namespace detail

/// Sync: watches `kinds` from `cursor` on the calling thread, calling
/// `on_batch(const std::vector<watch_event>&, const watch_cursor&)` with each round's events and
/// the cursor that includes them, until `stop` is set (then operation_aborted, after the call in
/// flight and the batch it completes) or watch_options::once ends it (success).
template <class Client, class OnBatch>
error_code watch_jobs(Client& c, const std::vector<cckm::job_kind>& kinds, watch_cursor cursor,
                      const watch_options& opt, OnBatch&& on_batch,
                      const std::atomic<bool>* stop = nullptr) {
    auto fsm = detail::make_watch_fsm(c, kinds, opt, std::move(cursor));
    return detail::drive_watch(c, kinds, fsm, on_batch, stop);
}

/// Async: as watch_jobs, on the client's executor; completes with void(error_code). See the top
/// of this header for cancellation. The client must outlive the watch.
template <class Client, class OnBatch, class CompletionToken>
auto async_watch_jobs(Client& c, std::vector<cckm::job_kind> kinds, watch_cursor cursor,
                      watch_options opt, OnBatch on_batch, CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, void(error_code)>(
        detail::watch_op<Client, OnBatch>(c, std::move(kinds), std::move(opt), std::move(cursor),
                                          std::move(on_batch)),
        token, c.get_executor());
}

/// Sync: watches the Network Insight proxy key rotations (rotation_watch_fsm.hpp) from
/// `cursor`'s proxy_key part over the Network Insight client `c`, as watch_jobs does the jobs:
/// `on_batch(events, cursor)` per round with events, until `stop` or watch_options::once.
/// Two requests a round: the status and the key details.
template <class Client, class OnBatch>
error_code watch_rotation(Client& c, watch_cursor cursor, const watch_options& opt,
                          OnBatch&& on_batch, const std::atomic<bool>* stop = nullptr) {
    rotation_watch_fsm fsm(opt, std::move(cursor));
    return detail::drive_rotation_watch(c, fsm, on_batch, stop);
}

/// Async: as watch_rotation, on the client's executor; completes with void(error_code), with
/// the cancellation of async_watch_jobs. The client must outlive the watch.
template <class Client, class OnBatch, class CompletionToken>
auto async_watch_rotation(Client& c, watch_cursor cursor, watch_options opt, OnBatch on_batch,
                          CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, void(error_code)>(
        detail::rotation_watch_op<Client, OnBatch>(c, std::move(opt), std::move(cursor),
                                                   std::move(on_batch)),
        token, c.get_executor());
}

} // namespace keyops

#endif
