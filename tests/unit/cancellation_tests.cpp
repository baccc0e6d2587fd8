// The rule of cancellation.hpp through the async drivers, against the scripted fake transport:
// a cancellation emitted while a poll is in flight. Terminal ends the wait at once; partial and
// total let the poll finish and use its answer, so a job (rotation, run) that answer shows ended
// is reported ended. The signal is emitted when the client sends the request (its observer), so
// that the test does not depend on how long anything takes.

#include <keyops/auth/policies.hpp>
#include <keyops/transport/fake_transport.hpp>
#include <keyops/wait/run_wait.hpp>
#include <keyops/wait/wait.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <vector>

namespace cckm = keyops::cckm;
using namespace std::chrono_literals;
using keyops::cancellation_type;
using keyops::wait_outcome;

namespace {

keyops::wait_options fast() {
    keyops::wait_options w;
    w.polling.first_interval = 1ms;
    w.polling.growth = 1.0;
    w.polling.max_interval = 1ms;
    w.polling.deadline = 10s;
    return w;
}

// Emits `type` on `signal` when the client sends its request number `at` (1 for the first).
struct cancel_at_request : keyops::observer {
    boost::asio::cancellation_signal signal;
    unsigned at = 0;
    cancellation_type type = cancellation_type::none;
    unsigned sent = 0;
    void on_request(const keyops::request_event&) override {
        if (++sent == at)
            signal.emit(type);
    }
};

struct fixture {
    boost::asio::io_context io;
    cancel_at_request canceller;
    keyops::client<keyops::fake_transport, keyops::no_auth, keyops::no_retry> c{
        keyops::fake_transport(io.get_executor(), "cm.test"), keyops::no_auth(), keyops::no_retry(),
        options()};

    keyops::client_options options() {
        keyops::client_options o;
        o.observer = &canceller;
        return o;
    }
    keyops::fake_transport& fake() { return c.transport(); }
    void cancel_at(unsigned request, cancellation_type t) {
        canceller.at = request;
        canceller.type = t;
    }
};

std::string job(const std::string& id, const char* state) {
    return R"({"id":")" + id + R"(","overall_status":")" + state + R"(","abort":false})";
}

const cancellation_type all_types[] = {cancellation_type::terminal, cancellation_type::partial,
                                       cancellation_type::total};

} // namespace

BOOST_AUTO_TEST_SUITE(cancellation)

BOOST_AUTO_TEST_CASE(jobs_wait_cancelled_while_its_last_poll_is_in_flight) {
    for (auto type : all_types) {
        fixture f;
        f.fake().push_response(200, job("j1", "in_progress"));
        f.fake().push_response(200, job("j1", "completed"));
        f.cancel_at(2, type); // the poll whose answer says completed
        std::optional<keyops::job_wait_result> got;
        keyops::error_code got_ec;
        keyops::async_wait_for_job<cckm::oci>(
            f.c, "j1", fast(),
            boost::asio::bind_cancellation_slot(f.canceller.signal.slot(),
                                                [&](keyops::error_code ec, auto r) {
                                                    got_ec = ec;
                                                    got = std::move(r);
                                                }));
        f.io.run();
        BOOST_TEST_REQUIRE(got.has_value(), keyops::to_string(type));
        BOOST_TEST(f.fake().requests().size() == 2u, keyops::to_string(type));
        if (type == cancellation_type::terminal) {
            // At once: the answer is not read.
            BOOST_TEST((got->outcome == wait_outcome::cancelled));
            BOOST_TEST((got_ec == boost::asio::error::operation_aborted));
        } else {
            // The poll in flight finished and its answer was used: the job ended.
            BOOST_TEST((got->outcome == wait_outcome::completed), keyops::to_string(type));
            BOOST_TEST(!got_ec);
            BOOST_TEST(got->job->overall_status.raw == "completed");
        }
    }
}

BOOST_AUTO_TEST_CASE(jobs_wait_of_many_ends_after_the_answer_in_flight) {
    // Two jobs, read by one list: the answer in flight ends one of them; partial ends the wait
    // with the other cancelled, and sends nothing more.
    for (auto type : {cancellation_type::partial, cancellation_type::total}) {
        fixture f;
        const std::string page = R"({"skip":0,"limit":2,"total":2,"resources":[)" +
                                 job("a", "completed") + "," + job("b", "in_progress") + "]}";
        f.fake().push_response(200, page);
        f.fake().push_response(200, page); // never asked
        f.cancel_at(1, type);
        std::vector<keyops::job_wait_result> got;
        keyops::error_code got_ec;
        keyops::async_wait_for_jobs<cckm::oci>(
            f.c, {"a", "b"}, fast(),
            boost::asio::bind_cancellation_slot(f.canceller.signal.slot(),
                                                [&](keyops::error_code ec, auto r) {
                                                    got_ec = ec;
                                                    got = std::move(r);
                                                }));
        f.io.run();
        BOOST_TEST_REQUIRE(got.size() == 2u);
        BOOST_TEST(f.fake().requests().size() == 1u);
        BOOST_TEST((got[0].outcome == wait_outcome::completed));
        BOOST_TEST((got[1].outcome == wait_outcome::cancelled));
        BOOST_TEST((got_ec == boost::asio::error::operation_aborted));
    }
}

BOOST_AUTO_TEST_CASE(a_pause_ends_at_once_for_every_type) {
    for (auto type : all_types) {
        fixture f;
        f.fake().push_response(200, job("j1", "in_progress"));
        auto w = fast();
        w.polling.first_interval = w.polling.max_interval = std::chrono::hours(1);
        std::optional<keyops::job_wait_result> got;
        keyops::async_wait_for_job<cckm::oci>(
            f.c, "j1", w,
            boost::asio::bind_cancellation_slot(
                f.canceller.signal.slot(),
                [&](keyops::error_code, keyops::job_wait_result r) { got = std::move(r); }));
        // Every step of the fake transport is a posted handler: poll() runs them all, and
        // returns with the wait in its hour-long pause.
        f.io.poll();
        BOOST_TEST_REQUIRE(f.fake().requests().size() == 1u);
        BOOST_TEST_REQUIRE(!got.has_value());
        f.canceller.signal.emit(type);
        f.io.run();
        BOOST_TEST_REQUIRE(got.has_value(), keyops::to_string(type));
        BOOST_TEST((got->outcome == wait_outcome::cancelled), keyops::to_string(type));
        BOOST_TEST(got->job->overall_status.raw == "in_progress");
    }
}

BOOST_AUTO_TEST_CASE(rotation_wait_cancelled_while_its_last_poll_is_in_flight) {
    for (auto type : all_types) {
        boost::asio::io_context io;
        cancel_at_request canceller;
        keyops::client_options o;
        o.observer = &canceller;
        keyops::client<keyops::fake_transport, keyops::no_auth, keyops::no_retry> ni{
            keyops::fake_transport(io.get_executor(), "ni.test"), keyops::no_auth(),
            keyops::no_retry(), o};
        ni.transport().push_response(200, R"({"status":"IN_PROGRESS"})");
        ni.transport().push_response(200, R"({"status":"SUCCESS"})");
        canceller.at = 2;
        canceller.type = type;
        std::optional<keyops::rotation_wait_result> got;
        keyops::async_wait_for_rotation(
            ni, fast(),
            boost::asio::bind_cancellation_slot(
                canceller.signal.slot(),
                [&](keyops::error_code, keyops::rotation_wait_result r) { got = std::move(r); }));
        io.run();
        BOOST_TEST_REQUIRE(got.has_value());
        if (type == cancellation_type::terminal)
            BOOST_TEST((got->outcome == wait_outcome::cancelled));
        else
            BOOST_TEST((got->outcome == wait_outcome::rotation_success), keyops::to_string(type));
        BOOST_TEST(got->polls == (type == cancellation_type::terminal ? 1u : 2u));
    }
}

BOOST_AUTO_TEST_CASE(run_wait_cancelled_while_its_last_poll_is_in_flight) {
    for (auto type : all_types) {
        fixture f;
        f.fake().push_response(200, R"({"id":"r1","status":"in_progress"})");
        f.fake().push_response(200, R"({"id":"r1","status":"failed","error":"boom"})");
        f.cancel_at(2, type);
        std::optional<keyops::run_wait_result> got;
        keyops::async_wait_for_run(
            f.c, "r1", fast(),
            boost::asio::bind_cancellation_slot(
                f.canceller.signal.slot(),
                [&](keyops::error_code, keyops::run_wait_result r) { got = std::move(r); }));
        f.io.run();
        BOOST_TEST_REQUIRE(got.has_value());
        if (type == cancellation_type::terminal) {
            BOOST_TEST((got->outcome == wait_outcome::cancelled));
        } else {
            BOOST_TEST((got->outcome == wait_outcome::failed), keyops::to_string(type));
            BOOST_TEST(got->run->error == "boom");
        }
    }
}

BOOST_AUTO_TEST_CASE(a_call_cancelled_partially_keeps_its_answer_but_not_its_retry) {
    // Partial while the request is in flight: a 2xx answer is the call's result...
    {
        fixture f;
        f.fake().push_response(200, job("j1", "completed"));
        f.cancel_at(1, cancellation_type::partial);
        keyops::error_code got = make_error_code(keyops::error::timeout);
        keyops::diagnostics diag;
        f.c.async_call<cckm::get_job<cckm::oci>>(
            keyops::job_id("j1"), diag,
            boost::asio::bind_cancellation_slot(
                f.canceller.signal.slot(),
                [&](keyops::error_code ec, keyops::parsed<cckm::job>) { got = ec; }));
        f.io.run();
        BOOST_TEST(!got);
    }
    // ...and one that would be retried ends with operation_aborted instead, after one request.
    {
        boost::asio::io_context io;
        cancel_at_request canceller;
        keyops::client_options o;
        o.observer = &canceller;
        keyops::backoff_options b;
        b.initial_delay = 1ms;
        keyops::client<keyops::fake_transport, keyops::no_auth> c{
            keyops::fake_transport(io.get_executor(), "cm.test"), keyops::no_auth(),
            keyops::exponential_backoff(b, 1), o};
        c.transport().push_response(503, "");
        c.transport().push_response(200, job("j1", "completed"));
        canceller.at = 1;
        canceller.type = cancellation_type::total;
        keyops::error_code got;
        keyops::diagnostics diag;
        c.async_call<cckm::get_job<cckm::oci>>(
            keyops::job_id("j1"), diag,
            boost::asio::bind_cancellation_slot(
                canceller.signal.slot(),
                [&](keyops::error_code ec, keyops::parsed<cckm::job>) { got = ec; }));
        io.run();
        BOOST_TEST((got == boost::asio::error::operation_aborted));
        BOOST_TEST(c.transport().requests().size() == 1u);
        BOOST_TEST(diag.http_status == 503u);
        BOOST_TEST(diag.last_attempt.find("the call was cancelled") != std::string::npos,
                   diag.last_attempt);
    }
}

BOOST_AUTO_TEST_SUITE_END()
