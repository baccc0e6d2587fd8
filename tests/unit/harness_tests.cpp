// Every machine of the engine through a scripted environment: for each step in turn, each class
// of fault (refused, reset, time-out, TLS failure, 401, 404, 429 with Retry-After, 5xx, a
// malformed body) and each cancellation type (terminal, partial, total), with explicit clocks.
// Each case checks the outcome, that nothing is asked after done, and what the diagnostics and
// the observers saw. The cases are named after the machine, the fault and the step:
//   call_machine_every_fault_at_every_step, call_machine_every_cancellation_at_every_step,
//   jobs_wait_every_fault_at_every_step, jobs_wait_every_cancellation_at_every_step,
//   single_waits_every_fault_at_every_step, single_waits_every_cancellation_at_every_step,
//   exchange_machine_every_fault_at_every_step, exchange_machine_every_cancellation_at_every_step.

#include <keyops/auth/policies.hpp>
#include <keyops/cancellation.hpp>
#include <keyops/client/call_fsm.hpp>
#include <keyops/endpoint/cckm.hpp>
#include <keyops/request/build.hpp>
#include <keyops/transport/exchange_fsm.hpp>
#include <keyops/wait/jobs_wait_fsm.hpp>
#include <keyops/wait/rotation_wait_fsm.hpp>
#include <keyops/wait/run_wait_fsm.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using keyops::call_action;
using keyops::cancellation_type;
using keyops::jobs_wait_action;
using keyops::single_wait_action;
using keyops::wait_outcome;
namespace cckm = keyops::cckm;

namespace {

const std::chrono::steady_clock::time_point t0{std::chrono::hours(1000)};
const std::chrono::system_clock::time_point w0{std::chrono::hours(480000)};

// --- the classes of fault -------------------------------------------------------------------

enum class fault { refused, reset, timeout, tls, s401, s404, s429, s5xx, malformed };
const fault all_faults[] = {fault::refused, fault::reset, fault::timeout,
                            fault::tls,     fault::s401,  fault::s404,
                            fault::s429,    fault::s5xx,  fault::malformed};

const char* name(fault f) {
    switch (f) {
    case fault::refused:
        return "refused";
    case fault::reset:
        return "reset";
    case fault::timeout:
        return "time-out";
    case fault::tls:
        return "TLS failure";
    case fault::s401:
        return "401";
    case fault::s404:
        return "404";
    case fault::s429:
        return "429 with Retry-After";
    case fault::s5xx:
        return "503";
    case fault::malformed:
        break;
    }
    return "malformed body";
}

// The transport error of a fault, none for the faults that are answers.
keyops::error_code transport_error(fault f) {
    switch (f) {
    case fault::refused:
        return boost::asio::error::connection_refused;
    case fault::reset:
        return boost::asio::error::connection_reset;
    case fault::timeout:
        return make_error_code(keyops::error::timeout);
    case fault::tls:
        return keyops::error_code(337047686, boost::asio::error::get_ssl_category());
    default:
        return {};
    }
}

unsigned status_of(fault f) {
    switch (f) {
    case fault::s401:
        return 401;
    case fault::s404:
        return 404;
    case fault::s429:
        return 429;
    case fault::s5xx:
        return 503;
    default:
        return 200;
    }
}

// An answer (for the faults that are answers) into `res`.
void answer_fault(keyops::http_response& res, fault f) {
    res.result(status_of(f));
    if (f == fault::s429)
        res.set(boost::beast::http::field::retry_after, "3");
    res.body() = f == fault::malformed ? "{\"jwt\":" : R"({"code":1,"codeDesc":"NCERR"})";
}

// The poll errors of a wait as its call would report them: the error and its diagnostics.
struct poll_failure {
    keyops::error_code ec;
    keyops::diagnostics d;
    bool may_pass = false; // a wait rides it out
};

poll_failure poll_error(fault f) {
    poll_failure p;
    p.d.attempts = 1;
    if (auto ec = transport_error(f)) {
        p.ec = ec;
        p.may_pass = f != fault::tls;
        return p;
    }
    p.d.http_status = status_of(f);
    switch (f) {
    case fault::s401:
        p.ec = make_error_code(keyops::error::unauthorized);
        break;
    case fault::s404:
        p.ec = make_error_code(keyops::error::not_found);
        break;
    case fault::s429:
        p.ec = make_error_code(keyops::error::rate_limited);
        p.may_pass = true;
        break;
    case fault::s5xx:
        p.ec = make_error_code(keyops::error::server_error);
        p.may_pass = true;
        break;
    default: // a 2xx whose body does not parse
        p.ec = make_error_code(keyops::error::malformed_json);
        break;
    }
    return p;
}

const cancellation_type all_cancellations[] = {
    cancellation_type::terminal, cancellation_type::partial, cancellation_type::total};

// Counts what an observer is told.
struct recorder : keyops::observer {
    unsigned requests = 0, responses = 0, retries = 0, renewals = 0, polls = 0;
    void on_request(const keyops::request_event&) override { ++requests; }
    void on_response(const keyops::response_event&) override { ++responses; }
    void on_retry(const keyops::retry_event&) override { ++retries; }
    void on_token_renewal(const keyops::renewal_event&) override { ++renewals; }
    void on_wait_poll(const keyops::poll_event&) override { ++polls; }
};

// --- the call machine -------------------------------------------------------------------------

keyops::backoff_options steady_backoff() {
    keyops::backoff_options o;
    o.initial_delay = 100ms;
    o.max_delay = 100ms;
    return o;
}

// One call with CipherTrust auth: its first exchange fetches a token, its second sends the
// request; every exchange is answered well unless it is the faulty one.
struct call_env {
    keyops::ciphertrust_auth auth{credentials()};
    keyops::exponential_backoff retry{steady_backoff(), 1};
    keyops::request_context ctx;
    keyops::call_buffers b;
    keyops::diagnostics diag;
    keyops::call_params params;
    recorder rec;

    static keyops::ciphertrust_credentials credentials() {
        keyops::ciphertrust_credentials c;
        c.username = "admin";
        c.password = "pw";
        return c;
    }

    call_env() {
        ctx.host = "cm.test";
        keyops::error_code ec;
        keyops::detail::build_into_with<cckm::get_job<cckm::oci>>(b.req, b.target, ctx, ec,
                                                                  keyops::job_id("j1"));
        params.deadline = t0 + 120s;
        params.obs = &rec;
    }
};

struct call_trace {
    std::vector<call_action> actions; // every action, the last one done
    unsigned exchanges = 0;
    std::string text() const {
        std::ostringstream os;
        for (const auto& a : actions)
            os << '[' << a << "] ";
        return os.str();
    }
};

// Drives the machine: exchange number `fault_at` (from 0) meets `f`; from resume number
// `cancel_at` on (0: the first), the driver passes `c`, as an Asio cancellation state stays
// set. Never resumes after done; gives up after 30 steps.
call_trace drive_call(call_env& e, std::size_t fault_at, fault f, std::size_t cancel_at = 99,
                      cancellation_type c = cancellation_type::none) {
    keyops::call_fsm<keyops::ciphertrust_auth, keyops::exponential_backoff> fsm(
        e.auth, e.retry, e.ctx, e.b, e.diag, e.params);
    call_trace t;
    auto now = t0;
    keyops::error_code ec;
    for (std::size_t i = 0; i < 30; ++i) {
        const cancellation_type given = i >= cancel_at ? c : cancellation_type::none;
        const auto wall =
            w0 + std::chrono::duration_cast<std::chrono::system_clock::duration>(now - t0);
        const auto a = fsm.resume(ec, {now, wall}, given);
        t.actions.push_back(a);
        ec = {};
        if (a.kind == call_action::type::done)
            return t;
        if (a.kind == call_action::type::wait) {
            // A pause cut by a cancellation ends early, with operation_aborted.
            if (i + 1 >= cancel_at && c != cancellation_type::none)
                ec = boost::asio::error::operation_aborted;
            else
                now = a.until;
            continue;
        }
        BOOST_TEST_REQUIRE((a.kind == call_action::type::exchange));
        const bool token = a.req == &e.b.grant_req;
        now += 10ms;
        if (i + 1 >= cancel_at && c == cancellation_type::terminal) {
            ec = boost::asio::error::operation_aborted; // the driver closed the socket
        } else if (t.exchanges == fault_at && transport_error(f)) {
            ec = transport_error(f);
        } else if (t.exchanges == fault_at) {
            answer_fault(*a.res, f);
        } else {
            a.res->result(200);
            a.res->body() = token ? R"({"jwt":"jwt-1","refresh_token":"rt","duration":600})"
                                  : R"({"id":"j1","overall_status":"completed"})";
        }
        ++t.exchanges;
    }
    BOOST_FAIL("the call did not end in 30 steps");
    return t;
}

// --- the waits: scripted servers --------------------------------------------------------------

keyops::wait_options polling() {
    keyops::wait_options w;
    w.polling.first_interval = 1s;
    w.polling.growth = 1.0;
    w.polling.max_interval = 1s;
    w.polling.deadline = 1h;
    return w;
}

keyops::parsed<cckm::job_list> page_of(const std::string& a_state, const std::string& b_state) {
    const std::string body = R"({"skip":0,"limit":2,"total":2,"resources":[{"id":"a",)"
                             R"("overall_status":")" +
                             a_state + R"("},{"id":"b","overall_status":")" + b_state + R"("}]})";
    keyops::error_code ec;
    keyops::diagnostics d;
    return keyops::parse<cckm::job_list>(body, ec, d);
}

// What the server shows at its answer number n (failed reads not counted): a ends after the
// first answer, b after the second.
keyops::parsed<cckm::job_list> jobs_answer(unsigned n) {
    return page_of(n >= 1 ? "completed" : "in_progress", n >= 2 ? "failed" : "in_progress");
}

struct wait_trace {
    std::vector<std::string> actions;
    unsigned reads = 0;   // requests made
    unsigned answers = 0; // requests answered well
    bool after_done = false;
    std::string text() const {
        std::string out;
        for (const auto& a : actions)
            out += "[" + a + "] ";
        return out;
    }
};

template <class A>
std::string str(const A& a) {
    std::ostringstream os;
    os << a;
    return os.str();
}

// A wait on jobs a and b (one list per round): read number `fault_at` fails with `f`; from
// event number `cancel_at` on (0: start), the driver passes `c`.
wait_trace drive_jobs(keyops::jobs_wait_fsm& fsm, std::size_t fault_at, fault f,
                      std::size_t cancel_at = 99, cancellation_type c = cancellation_type::none) {
    wait_trace t;
    auto now = t0;
    auto given = [&](std::size_t event) {
        return event >= cancel_at ? c : cancellation_type::none;
    };
    std::size_t event = 0;
    auto a = fsm.start(now, given(event++));
    for (int i = 0; i < 40; ++i) {
        t.actions.push_back(str(a));
        if (a.kind == jobs_wait_action::type::done)
            return t;
        if (a.kind == jobs_wait_action::type::wait) {
            now = given(event) != cancellation_type::none ? now + 1ms : a.until;
            a = fsm.on_wake(now, given(event++));
            continue;
        }
        BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::list));
        now += 10ms;
        const cancellation_type with = given(event++);
        if (with == cancellation_type::terminal) {
            // The driver cancelled the call: it ends aborted.
            keyops::diagnostics d;
            a = fsm.on_list(boost::asio::error::operation_aborted, d, {}, now, with);
        } else if (t.reads == fault_at) {
            const auto p = poll_error(f);
            a = fsm.on_list(p.ec, p.d, {}, now, with);
        } else {
            keyops::diagnostics d;
            d.attempts = 1;
            a = fsm.on_list({}, d, jobs_answer(++t.answers), now, with);
        }
        ++t.reads;
    }
    BOOST_FAIL("the wait did not end in 40 steps");
    return t;
}

keyops::parsed<keyops::ni::rotation_status> rotation_answer(unsigned n) {
    keyops::error_code ec;
    keyops::diagnostics d;
    return keyops::parse<keyops::ni::rotation_status>(
        n >= 2 ? R"({"status":"SUCCESS"})" : R"({"status":"IN_PROGRESS"})", ec, d);
}

keyops::parsed<keyops::scheduler::run> run_answer(unsigned n) {
    keyops::error_code ec;
    keyops::diagnostics d;
    return keyops::parse<keyops::scheduler::run>(n >= 2 ? R"({"id":"r1","status":"completed"})"
                                                        : R"({"id":"r1","status":"in_progress"})",
                                                 ec, d);
}

// A wait on one resource (rotation or run): read number `fault_at` fails with `f`; from event
// `cancel_at` on, the driver passes `c`. `feed` gives the machine the answer number n (0 for a
// failed read).
template <class Fsm, class Feed>
wait_trace drive_single(Fsm& fsm, Feed feed, std::size_t fault_at, fault f,
                        std::size_t cancel_at = 99, cancellation_type c = cancellation_type::none) {
    wait_trace t;
    auto now = t0;
    auto given = [&](std::size_t event) {
        return event >= cancel_at ? c : cancellation_type::none;
    };
    std::size_t event = 0;
    auto a = fsm.start(now, given(event++));
    for (int i = 0; i < 40; ++i) {
        t.actions.push_back(str(a));
        if (a.kind == single_wait_action::type::done)
            return t;
        if (a.kind == single_wait_action::type::wait) {
            now = given(event) != cancellation_type::none ? now + 1ms : a.until;
            a = fsm.on_wake(now, given(event++));
            continue;
        }
        BOOST_TEST_REQUIRE((a.kind == single_wait_action::type::read));
        now += 10ms;
        const cancellation_type with = given(event++);
        if (with == cancellation_type::terminal) {
            keyops::diagnostics d;
            a = feed(fsm, boost::asio::error::operation_aborted, d, 0, now, with);
        } else if (t.reads == fault_at) {
            const auto p = poll_error(f);
            a = feed(fsm, p.ec, p.d, 0, now, with);
        } else {
            keyops::diagnostics d;
            d.attempts = 1;
            a = feed(fsm, {}, d, ++t.answers, now, with);
        }
        ++t.reads;
    }
    BOOST_FAIL("the wait did not end in 40 steps");
    return t;
}

auto rotation_feed = [](keyops::rotation_wait_fsm& fsm, keyops::error_code ec,
                        const keyops::diagnostics& d, unsigned n, auto now, cancellation_type c) {
    return fsm.on_status(ec, d, n ? rotation_answer(n) : decltype(rotation_answer(1)){}, now, c);
};
auto run_feed = [](keyops::run_wait_fsm& fsm, keyops::error_code ec, const keyops::diagnostics& d,
                   unsigned n, auto now, cancellation_type c) {
    return fsm.on_run(ec, d, n ? run_answer(n) : decltype(run_answer(1)){}, now, c);
};

} // namespace

BOOST_AUTO_TEST_SUITE(machine_harness)

BOOST_AUTO_TEST_CASE(call_machine_every_fault_at_every_step) {
    // Step 0: the token request; step 1: the request itself.
    for (std::size_t step = 0; step < 2; ++step) {
        for (fault f : all_faults) {
            call_env e;
            const auto t = drive_call(e, step, f);
            const auto& end = t.actions.back();
            const std::string what =
                std::string(name(f)) + " at step " + std::to_string(step) + ": " + t.text();
            BOOST_TEST_REQUIRE((end.kind == call_action::type::done), what);
            // What the observer saw adds up: an answer (or failure) for every request, a
            // renewal for every token request, a retry for every pause.
            BOOST_TEST(e.rec.requests == t.exchanges, what);
            BOOST_TEST(e.rec.responses == t.exchanges, what);
            std::size_t pauses = 0;
            for (const auto& a : t.actions)
                pauses += a.kind == call_action::type::wait;
            BOOST_TEST(e.rec.retries == pauses, what);
            if (step == 0) {
                // A token request that fails ends the call with that failure: no request.
                BOOST_TEST(t.exchanges == 1u, what);
                BOOST_TEST(e.rec.renewals == 1u, what);
                BOOST_TEST(!!end.ec, what);
                BOOST_TEST(e.diag.http_status == (transport_error(f) ? 0u : status_of(f)), what);
                if (auto te = transport_error(f))
                    BOOST_TEST((end.ec == te), what);
                continue;
            }
            switch (f) {
            case fault::refused:
            case fault::reset:
            case fault::timeout:
            case fault::s5xx:
                // Retried after the backoff, and the second attempt succeeds.
                BOOST_TEST(!end.ec, what);
                BOOST_TEST(e.diag.attempts == 2u, what);
                BOOST_TEST(pauses == 1u, what);
                break;
            case fault::s429: {
                // Retried after exactly the Retry-After.
                BOOST_TEST(!end.ec, what);
                BOOST_TEST(pauses == 1u, what);
                const auto& pause = t.actions.at(2);
                BOOST_TEST_REQUIRE((pause.kind == call_action::type::wait), what);
                BOOST_TEST((pause.until == t0 + 20ms + 3s), what);
                break;
            }
            case fault::tls:
                BOOST_TEST((end.ec == transport_error(f)), what);
                BOOST_TEST(e.diag.attempts == 1u, what);
                break;
            case fault::s401:
                // The token is renewed once, and the request sent again with it.
                BOOST_TEST(!end.ec, what);
                BOOST_TEST(e.rec.renewals == 2u, what);
                BOOST_TEST(t.exchanges == 4u, what);
                break;
            case fault::s404:
                BOOST_TEST((end.ec == keyops::error::not_found), what);
                BOOST_TEST(e.diag.http_status == 404u, what);
                BOOST_TEST(e.diag.attempts == 1u, what);
                break;
            case fault::malformed:
                // The machine does not parse: a 2xx ends the call well, and the typed layer
                // above reports the body (client_tests).
                BOOST_TEST(!end.ec, what);
                BOOST_TEST(e.b.res.body() == "{\"jwt\":", what);
                break;
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(call_machine_every_cancellation_at_every_step) {
    // Resumes: 0 start, 1 after the token request, 2 after the request (503: retried), 3 after
    // the pause, 4 after the request sent again.
    for (cancellation_type c : all_cancellations) {
        for (std::size_t at = 0; at <= 4; ++at) {
            call_env e;
            const auto t = drive_call(e, 1, fault::s5xx, at, c);
            const auto& end = t.actions.back();
            const std::string what = std::string(keyops::to_string(c)) + " at resume " +
                                     std::to_string(at) + ": " + t.text();
            BOOST_TEST_REQUIRE((end.kind == call_action::type::done), what);
            // It ends at the resume it was told (nothing started after it)...
            BOOST_TEST(t.actions.size() == at + 1, what);
            if (c == cancellation_type::terminal || at == 0 || at == 3) {
                // ...at once: terminal, or nothing in flight (start, a pause).
                BOOST_TEST((end.ec == boost::asio::error::operation_aborted), what);
            } else if (at == 1) {
                // The token answer in flight is kept (for the next calls); no request is sent.
                BOOST_TEST((end.ec == boost::asio::error::operation_aborted), what);
                BOOST_TEST(end.fetch_ended, what);
                keyops::http_request probe;
                BOOST_TEST(e.auth.try_authorize(probe, w0), what);
            } else if (at == 2) {
                // The 503 in flight would have been retried: the call ends aborted instead.
                BOOST_TEST((end.ec == boost::asio::error::operation_aborted), what);
                BOOST_TEST(e.diag.http_status == 503u, what);
                BOOST_TEST(e.diag.last_attempt.find("cancelled") != std::string::npos, what);
            } else {
                // The request in flight succeeded: its answer is the call's.
                BOOST_TEST(!end.ec, what);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(jobs_wait_every_fault_at_every_step) {
    // Reads: 0 (a ends), 1 (b ends); a fault at each.
    for (std::size_t step = 0; step < 2; ++step) {
        for (fault f : all_faults) {
            recorder rec;
            auto w = polling();
            w.observer = &rec;
            unsigned failures = 0;
            w.on_poll_failure = [&](const keyops::error_code&, const keyops::diagnostics&, auto) {
                ++failures;
            };
            keyops::jobs_wait_fsm fsm({"a", "b"}, w, {"oci", true, true, 64}, t0);
            const auto t = drive_jobs(fsm, step, f);
            const std::string what =
                std::string(name(f)) + " at read " + std::to_string(step) + ": " + t.text();
            BOOST_TEST_REQUIRE(t.actions.back().rfind("done", 0) == 0u, what);
            const auto& r = fsm.results();
            const auto p = poll_error(f);
            BOOST_TEST(rec.polls == t.reads, what);
            if (p.may_pass) {
                // Ridden out: one more round, then both end as the server says.
                BOOST_TEST(failures == 1u, what);
                BOOST_TEST(t.reads == 3u, what);
                BOOST_TEST((r[0].outcome == wait_outcome::completed), what);
                BOOST_TEST((r[1].outcome == wait_outcome::failed), what);
                continue;
            }
            // For good: the jobs still waited on end with the read's error.
            BOOST_TEST(failures == 0u, what);
            BOOST_TEST(t.reads == step + 1, what);
            for (const auto& one : r) {
                if (step >= 1 && &one == &r[0]) { // a had ended before the fault
                    BOOST_TEST((one.outcome == wait_outcome::completed), what);
                    continue;
                }
                BOOST_TEST((one.outcome == wait_outcome::error), what);
                BOOST_TEST((one.ec == p.ec), what);
                BOOST_TEST(one.diag.http_status == p.d.http_status, what);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(jobs_wait_every_cancellation_at_every_step) {
    // Events: 0 start, 1 answer (a ends), 2 wake, 3 answer (b ends).
    for (cancellation_type c : all_cancellations) {
        for (std::size_t at = 0; at <= 3; ++at) {
            keyops::jobs_wait_fsm fsm({"a", "b"}, polling(), {"oci", true, true, 64}, t0);
            const auto t = drive_jobs(fsm, 99, fault::reset, at, c);
            const std::string what = std::string(keyops::to_string(c)) + " at event " +
                                     std::to_string(at) + ": " + t.text();
            BOOST_TEST_REQUIRE(t.actions.back().rfind("done", 0) == 0u, what);
            BOOST_TEST(t.actions.size() == at + 1, what); // it ends where it was told
            const auto& r = fsm.results();
            const bool answer_used = c != cancellation_type::terminal && (at == 1 || at == 3);
            // a ended with the first answer, b with the second, if they were used.
            const bool a_ended = at > 1 || (at == 1 && answer_used);
            const bool b_ended = at == 3 && answer_used;
            BOOST_TEST(
                (r[0].outcome == (a_ended ? wait_outcome::completed : wait_outcome::cancelled)),
                what);
            BOOST_TEST((r[1].outcome == (b_ended ? wait_outcome::failed : wait_outcome::cancelled)),
                       what);
        }
    }
}

BOOST_AUTO_TEST_CASE(single_waits_every_fault_at_every_step) {
    for (std::size_t step = 0; step < 2; ++step) {
        for (fault f : all_faults) {
            const auto p = poll_error(f);
            const std::string what = std::string(name(f)) + " at read " + std::to_string(step);
            {
                keyops::rotation_wait_fsm fsm(polling(), t0);
                const auto t = drive_single(fsm, rotation_feed, step, f);
                const auto& r = fsm.result();
                BOOST_TEST_REQUIRE(t.actions.back().rfind("done", 0) == 0u, what + t.text());
                BOOST_TEST(r.polls == t.reads, what);
                if (p.may_pass) {
                    BOOST_TEST((r.outcome == wait_outcome::rotation_success), what);
                    BOOST_TEST(t.reads == 3u, what);
                } else {
                    BOOST_TEST((r.outcome == wait_outcome::error), what);
                    BOOST_TEST((r.ec == p.ec), what);
                    BOOST_TEST(r.diag.http_status == p.d.http_status, what);
                }
            }
            {
                keyops::run_wait_fsm fsm("r1", polling(), t0);
                const auto t = drive_single(fsm, run_feed, step, f);
                const auto& r = fsm.result();
                BOOST_TEST_REQUIRE(t.actions.back().rfind("done", 0) == 0u, what + t.text());
                if (p.may_pass)
                    BOOST_TEST((r.outcome == wait_outcome::completed), what);
                else
                    BOOST_TEST((r.outcome == wait_outcome::error), what);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(single_waits_every_cancellation_at_every_step) {
    // Events: 0 start, 1 answer (in progress), 2 wake, 3 answer (ended).
    for (cancellation_type c : all_cancellations) {
        for (std::size_t at = 0; at <= 3; ++at) {
            const std::string what =
                std::string(keyops::to_string(c)) + " at event " + std::to_string(at);
            const bool ended = at == 3 && c != cancellation_type::terminal;
            {
                keyops::rotation_wait_fsm fsm(polling(), t0);
                const auto t = drive_single(fsm, rotation_feed, 99, fault::reset, at, c);
                BOOST_TEST_REQUIRE(t.actions.back().rfind("done", 0) == 0u, what + t.text());
                BOOST_TEST(t.actions.size() == at + 1, what + t.text());
                BOOST_TEST((fsm.result().outcome ==
                            (ended ? wait_outcome::rotation_success : wait_outcome::cancelled)),
                           what);
            }
            {
                keyops::run_wait_fsm fsm("r1", polling(), t0);
                const auto t = drive_single(fsm, run_feed, 99, fault::reset, at, c);
                BOOST_TEST_REQUIRE(t.actions.back().rfind("done", 0) == 0u, what + t.text());
                BOOST_TEST((fsm.result().outcome ==
                            (ended ? wait_outcome::completed : wait_outcome::cancelled)),
                           what);
                if (!ended)
                    BOOST_TEST((fsm.result().ec == boost::asio::error::operation_aborted), what);
            }
        }
    }
}

// --- the exchange machine ---------------------------------------------------------------------

namespace {

const std::string good_answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";

struct exchange_trace {
    std::vector<keyops::exchange_action> actions;
    std::string text() const {
        std::ostringstream os;
        for (const auto& a : actions)
            os << '[' << a << "] ";
        return os.str();
    }
};

// One exchange over TLS, every step answered well except number `fault_at`, which fails with
// `ec` (or, for the read, gets `bytes` instead of the good answer); from resume `cancel_at` on,
// the driver passes `c`.
exchange_trace drive_exchange(keyops::connection_state& conn, keyops::http_response& res,
                              std::size_t fault_at, keyops::error_code ec,
                              const std::string& bytes = good_answer, std::size_t cancel_at = 99,
                              cancellation_type c = cancellation_type::none) {
    keyops::exchange_limits lim;
    lim.tls = true;
    keyops::http_request req{boost::beast::http::verb::get, "/api/v1/x", 11};
    req.set(boost::beast::http::field::host, "cm.test");
    keyops::exchange_options opt;
    keyops::exchange_fsm fsm(lim, req, res, opt, conn);
    exchange_trace t;
    keyops::error_code last;
    std::size_t n = 0;
    for (std::size_t i = 0; i < 20; ++i) {
        const auto a = fsm.resume(last, n, t0, i >= cancel_at ? c : cancellation_type::none);
        t.actions.push_back(a);
        last = {};
        n = 0;
        if (a.step == keyops::exchange_step::done)
            return t;
        if (i == fault_at && ec) {
            last = ec;
        } else if (a.step == keyops::exchange_step::write) {
            n = a.out.size();
        } else if (a.step == keyops::exchange_step::read) {
            const std::string& from = i == fault_at ? bytes : good_answer;
            n = std::min(from.size(), a.in.size());
            std::memcpy(a.in.data(), from.data(), n);
        }
    }
    BOOST_FAIL("the exchange did not end in 20 steps");
    return t;
}

} // namespace

BOOST_AUTO_TEST_CASE(exchange_machine_every_fault_at_every_step) {
    // Steps: 0 resolve, 1 connect, 2 handshake, 3 write, 4 read.
    const keyops::error_code errors[] = {
        transport_error(fault::refused), transport_error(fault::reset),
        transport_error(fault::timeout), transport_error(fault::tls)};
    for (std::size_t step = 0; step <= 4; ++step) {
        for (const auto& ec : errors) {
            keyops::connection_state conn;
            keyops::http_response res;
            const auto t = drive_exchange(conn, res, step, ec);
            const std::string what =
                ec.message() + " at step " + std::to_string(step) + ": " + t.text();
            BOOST_TEST_REQUIRE((t.actions.back().step == keyops::exchange_step::done), what);
            BOOST_TEST(t.actions.size() == step + 2, what); // nothing after the failing step
            BOOST_TEST(!!t.actions.back().ec, what);
            BOOST_TEST(!conn.open, what); // a failed exchange leaves no connection to reuse
            BOOST_TEST(conn.request_written == (step >= 3), what);
        }
        // A malformed answer at the read.
        if (step == 4) {
            keyops::connection_state conn;
            keyops::http_response res;
            const auto t = drive_exchange(conn, res, 4, {}, "HTTP/1.1 2x0 OK\r\n\r\n");
            BOOST_TEST_REQUIRE((t.actions.back().step == keyops::exchange_step::done));
            BOOST_TEST(!!t.actions.back().ec, t.text());
            BOOST_TEST(!conn.open);
        }
    }
    // And the well-answered exchange, for reference.
    keyops::connection_state conn;
    keyops::http_response res;
    const auto t = drive_exchange(conn, res, 99, {});
    BOOST_TEST(!t.actions.back().ec, t.text());
    BOOST_TEST(res.body() == "{}");
    BOOST_TEST(conn.open);
}

BOOST_AUTO_TEST_CASE(exchange_machine_every_cancellation_at_every_step) {
    for (cancellation_type c : all_cancellations) {
        for (std::size_t at = 0; at <= 5; ++at) {
            keyops::connection_state conn;
            keyops::http_response res;
            const auto t = drive_exchange(conn, res, 99, {}, good_answer, at, c);
            const std::string what = std::string(keyops::to_string(c)) + " at resume " +
                                     std::to_string(at) + ": " + t.text();
            const auto& end = t.actions.back();
            BOOST_TEST_REQUIRE((end.step == keyops::exchange_step::done), what);
            if (c == cancellation_type::terminal) {
                BOOST_TEST(t.actions.size() == at + 1, what);
                BOOST_TEST((end.ec == boost::asio::error::operation_aborted), what);
                BOOST_TEST(!conn.open, what);
            } else {
                // One request in flight: let finish.
                BOOST_TEST(!end.ec, what);
                BOOST_TEST(res.body() == "{}", what);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
