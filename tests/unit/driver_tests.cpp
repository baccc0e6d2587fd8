// The sync wait drivers against scripted machines, with an injected clock and sleep: a driver
// does exactly what each action says (the call it names, the pause until its time), feeds the
// machine the answer with the clock's time, and asks nothing after done. No test here depends on
// the time anything takes.

#include <keyops/wait/detail/drivers.hpp>

#include <boost/test/unit_test.hpp>

#include <deque>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using keyops::jobs_wait_action;
using keyops::single_wait_action;
using clock_point = std::chrono::steady_clock::time_point;

namespace {

const clock_point t0{std::chrono::hours(77)};

// The injected clock: each now() is 5 ms after the last; a sleep jumps to its end.
struct test_clock {
    mutable clock_point t = t0;
    mutable std::vector<clock_point> sleeps;
    clock_point now() const {
        t += 5ms;
        return t;
    }
    void sleep_until(clock_point until, const std::atomic<bool>*) const {
        sleeps.push_back(until);
        if (until > t)
            t = until;
    }
};

// What the scripted machines were told, in order.
struct told {
    std::vector<std::string> events;
    std::vector<clock_point> times;
};

// A jobs wait machine that returns the actions of its script, one per event, and records
// each event. The driver must not resume it after done.
struct scripted_jobs_fsm {
    std::deque<jobs_wait_action> script;
    told* log;
    keyops::wait_options opt;
    std::vector<keyops::job_wait_result> res;
    bool finished = false;

    jobs_wait_action next(const std::string& event, clock_point now) {
        BOOST_TEST_REQUIRE(!finished, "resumed after done with " << event);
        log->events.push_back(event);
        log->times.push_back(now);
        BOOST_TEST_REQUIRE(!script.empty());
        auto a = script.front();
        script.pop_front();
        finished = a.kind == jobs_wait_action::type::done;
        return a;
    }
    jobs_wait_action start(clock_point now) { return next("start", now); }
    jobs_wait_action on_wake(clock_point now) { return next("wake", now); }
    jobs_wait_action on_list(keyops::error_code ec, const keyops::diagnostics&,
                             keyops::parsed<keyops::cckm::job_list>, clock_point now) {
        return next(ec ? "list failed: " + ec.message() : "list", now);
    }
    jobs_wait_action on_job(keyops::error_code ec, const keyops::diagnostics&,
                            keyops::parsed<keyops::cckm::job>, clock_point now) {
        return next(ec ? "job failed: " + ec.message() : "job", now);
    }
    const std::string& job_id() const {
        static const std::string id = "j7";
        return id;
    }
    const keyops::wait_options& options() const { return opt; }
    std::vector<keyops::job_wait_result>& results() { return res; }
};

// The calls a driver makes, recorded; a failing list when `fail_list` is set.
struct scripted_polls {
    std::vector<std::string>* calls;
    bool fail_list = false;
    template <class Client, class Fsm>
    keyops::parsed<keyops::cckm::job_list> list(Client&, const Fsm&, keyops::error_code& ec,
                                                keyops::diagnostics&) {
        calls->push_back("list");
        ec = fail_list ? keyops::error_code(boost::asio::error::connection_reset)
                       : keyops::error_code();
        return {};
    }
    template <class Client>
    keyops::parsed<keyops::cckm::job> get(Client&, std::string_view id, keyops::error_code& ec,
                                          keyops::diagnostics&) {
        calls->push_back("get " + std::string(id));
        ec = {};
        return {};
    }
    template <class Client>
    keyops::parsed<keyops::cckm::job> cancel(Client&, std::string_view id, keyops::error_code& ec,
                                             keyops::diagnostics&) {
        calls->push_back("cancel " + std::string(id));
        ec = {};
        return {};
    }
};

struct no_client {};

} // namespace

BOOST_AUTO_TEST_SUITE(wait_drivers)

BOOST_AUTO_TEST_CASE(the_sync_jobs_driver_does_what_each_action_says) {
    told log;
    std::vector<std::string> calls;
    scripted_jobs_fsm fsm{{jobs_wait_action::list(), jobs_wait_action::wait_until(t0 + 1s),
                           jobs_wait_action::get(), jobs_wait_action::cancel(),
                           jobs_wait_action::wait_until(t0 + 3s), jobs_wait_action::list(),
                           jobs_wait_action::done({})},
                          &log,
                          {},
                          {}};
    scripted_polls polls{&calls};
    no_client c;
    test_clock clock;
    keyops::detail::drive_jobs_wait(c, polls, fsm, clock);
    BOOST_TEST(calls == (std::vector<std::string>{"list", "get j7", "cancel j7", "list"}));
    BOOST_TEST(log.events ==
               (std::vector<std::string>{"start", "list", "wake", "job", "job", "wake", "list"}));
    // Each pause slept until the action's time, and the machine was woken with a time after it.
    BOOST_TEST_REQUIRE(clock.sleeps.size() == 2u);
    BOOST_TEST((clock.sleeps[0] == t0 + 1s));
    BOOST_TEST((clock.sleeps[1] == t0 + 3s));
    BOOST_TEST((log.times[2] > t0 + 1s));
    BOOST_TEST((log.times[5] > t0 + 3s));
    // Every event carried the clock's time, in order.
    for (std::size_t i = 1; i < log.times.size(); ++i)
        BOOST_TEST((log.times[i] > log.times[i - 1]));
    BOOST_TEST(fsm.script.empty()); // nothing asked after done, nothing left unasked
}

BOOST_AUTO_TEST_CASE(the_sync_jobs_driver_feeds_a_failed_call_to_the_machine) {
    told log;
    std::vector<std::string> calls;
    scripted_jobs_fsm fsm{
        {jobs_wait_action::list(), jobs_wait_action::done(boost::asio::error::connection_reset)},
        &log,
        {},
        {}};
    scripted_polls polls{&calls, true};
    no_client c;
    keyops::detail::drive_jobs_wait(c, polls, fsm, test_clock{});
    BOOST_TEST(log.events.at(1) ==
               "list failed: " +
                   keyops::error_code(boost::asio::error::connection_reset).message());
    BOOST_TEST(calls.size() == 1u);
}

namespace {

// A single-resource machine for run_single_wait, scripted like the jobs one.
struct scripted_single_fsm {
    std::deque<single_wait_action> script;
    told* log;
    keyops::wait_options opt;
    int res = 42;
    bool finished = false;

    single_wait_action next(const std::string& event, clock_point now) {
        BOOST_TEST_REQUIRE(!finished, "resumed after done with " << event);
        log->events.push_back(event);
        log->times.push_back(now);
        BOOST_TEST_REQUIRE(!script.empty());
        auto a = script.front();
        script.pop_front();
        finished = a.kind == single_wait_action::type::done;
        return a;
    }
    single_wait_action start(clock_point now) { return next("start", now); }
    single_wait_action on_wake(clock_point now) { return next("wake", now); }
    const keyops::wait_options& options() const { return opt; }
    int& result() { return res; }
};

struct scripted_reads {
    using fsm_type = scripted_single_fsm;
    static inline unsigned reads = 0;
    template <class Client>
    static int read(Client&, const fsm_type&, keyops::error_code& ec, keyops::diagnostics&) {
        ++reads;
        ec = {};
        return 1;
    }
    static single_wait_action feed(fsm_type& fsm, keyops::error_code, const keyops::diagnostics&,
                                   int answer, clock_point now, keyops::cancellation_type c) {
        BOOST_TEST((c == keyops::cancellation_type::none)); // a sync wait is never cancelled
        return fsm.next("answer " + std::to_string(answer), now);
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(the_sync_single_driver_does_what_each_action_says) {
    told log;
    scripted_reads::reads = 0;
    test_clock clock;
    no_client c;
    const int result = keyops::detail::run_single_wait<scripted_reads>(
        c,
        scripted_single_fsm{{single_wait_action::read(), single_wait_action::wait_until(t0 + 2s),
                             single_wait_action::read(), single_wait_action::done({})},
                            &log,
                            {},
                            42,
                            false},
        clock);
    BOOST_TEST(result == 42);
    BOOST_TEST(scripted_reads::reads == 2u);
    BOOST_TEST(log.events == (std::vector<std::string>{"start", "answer 1", "wake", "answer 1"}));
    BOOST_TEST_REQUIRE(clock.sleeps.size() == 1u);
    BOOST_TEST((clock.sleeps[0] == t0 + 2s));
}

BOOST_AUTO_TEST_SUITE_END()
