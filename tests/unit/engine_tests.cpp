// The call and wait machines resumed by hand, with explicit clocks and no transport: every retry
// decision, every wait transition, token renewal mid-wait, cancellation at each step.

#include <keyops/auth/policies.hpp>
#include <keyops/client/call_fsm.hpp>
#include <keyops/endpoint/cckm.hpp>
#include <keyops/endpoint/network_insight.hpp>
#include <keyops/request/build.hpp>
#include <keyops/wait/jobs_wait_fsm.hpp>
#include <keyops/wait/rotation_wait_fsm.hpp>

#include <boost/asio/ssl/error.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using keyops::call_action;
using keyops::jobs_wait_action;
using keyops::single_wait_action;
namespace cckm = keyops::cckm;

namespace {

const std::chrono::steady_clock::time_point t0{std::chrono::hours(1000)};
const std::chrono::system_clock::time_point w0{std::chrono::hours(480000)}; // 2024

keyops::call_clock at(std::chrono::milliseconds d) {
    return {t0 + d, w0 + d};
}

void answer(keyops::http_response& res, unsigned status, const std::string& body,
            const char* retry_after = nullptr) {
    res.result(status);
    if (retry_after)
        res.set(boost::beast::http::field::retry_after, retry_after);
    res.body() = body;
}

keyops::backoff_options no_jitter_budget() {
    keyops::backoff_options o;
    o.initial_delay = 100ms;
    o.max_delay = 100ms;
    return o;
}

// One call's machine and everything it refers to.
template <class Auth, class Retry = keyops::exponential_backoff>
struct call_bench {
    Auth auth;
    Retry retry;
    keyops::request_context ctx;
    keyops::call_buffers b;
    keyops::diagnostics diag;
    keyops::call_params params;

    explicit call_bench(Auth a, Retry r = Retry(no_jitter_budget(), 1))
        : auth(std::move(a)), retry(r) {
        ctx.host = "cm.test";
        keyops::error_code ec;
        keyops::detail::build_into_with<cckm::get_job<cckm::oci>>(b.req, b.target, ctx, ec,
                                                                  keyops::job_id("j1"));
        params.deadline = t0 + 120s;
    }
    keyops::call_fsm<Auth, Retry> fsm() { return {auth, retry, ctx, b, diag, params}; }
};

keyops::ciphertrust_auth cm_auth() {
    keyops::ciphertrust_credentials c;
    c.username = "admin";
    c.password = "pw";
    return keyops::ciphertrust_auth(c);
}

std::string token_body(int seconds) {
    return R"({"jwt":"jwt-)" + std::to_string(seconds) + R"(","refresh_token":"rt","duration":)" +
           std::to_string(seconds) + "}";
}

keyops::parsed<cckm::job> job(const std::string& id, const char* state, bool abort = false) {
    keyops::error_code ec;
    keyops::diagnostics d;
    return keyops::parse<cckm::job>(R"({"id":")" + id + R"(","overall_status":")" + state +
                                        R"(","abort":)" + (abort ? "true" : "false") + "}",
                                    ec, d);
}

keyops::parsed<cckm::job_list> page(const std::vector<std::pair<std::string, const char*>>& jobs) {
    std::string body =
        R"({"skip":0,"limit":50,"total":)" + std::to_string(jobs.size()) + R"(,"resources":[)";
    for (std::size_t i = 0; i < jobs.size(); ++i)
        body += (i ? "," : "") + std::string(R"({"id":")") + jobs[i].first +
                R"(","overall_status":")" + jobs[i].second + R"("})";
    body += "]}";
    keyops::error_code ec;
    keyops::diagnostics d;
    return keyops::parse<cckm::job_list>(body, ec, d);
}

keyops::jobs_wait_kind oci_kind() {
    return {"oci", true, true, 64};
}

keyops::jobs_wait_kind kind_without_list_or_cancel() {
    return {"google-update-all-versions", false, false, 64};
}

keyops::parsed<keyops::ni::rotation_status> rotation(const std::string& body) {
    keyops::error_code ec;
    keyops::diagnostics d;
    return keyops::parse<keyops::ni::rotation_status>(body, ec, d);
}

} // namespace

BOOST_AUTO_TEST_SUITE(call_machine)

BOOST_AUTO_TEST_CASE(success_on_the_first_attempt) {
    call_bench<keyops::no_auth> c{keyops::no_auth()};
    auto fsm = c.fsm();
    auto a = fsm.resume({}, at(0ms));
    BOOST_TEST_REQUIRE((a.kind == call_action::type::exchange));
    BOOST_TEST(a.req == &c.b.req);
    BOOST_TEST((a.exchange_opt.deadline == t0 + 120s));
    answer(*a.res, 200, "{}");
    a = fsm.resume({}, at(5ms));
    BOOST_TEST_REQUIRE((a.kind == call_action::type::done));
    BOOST_TEST(!a.ec);
    BOOST_TEST(c.diag.attempts == 1u);
    BOOST_TEST(c.diag.http_status == 200u);
}

BOOST_AUTO_TEST_CASE(status_429_with_retry_after_waits_that_long_then_succeeds) {
    call_bench<keyops::no_auth> c{keyops::no_auth()};
    auto fsm = c.fsm();
    auto a = fsm.resume({}, at(0ms));
    answer(*a.res, 429, "", "2");
    a = fsm.resume({}, at(10ms));
    BOOST_TEST_REQUIRE((a.kind == call_action::type::wait));
    BOOST_TEST((a.until == t0 + 10ms + 2000ms));
    BOOST_TEST(c.diag.last_attempt.find("Retry-After 2000 ms") != std::string::npos);
    a = fsm.resume({}, at(2010ms));
    BOOST_TEST_REQUIRE((a.kind == call_action::type::exchange));
    answer(*a.res, 200, "{}");
    a = fsm.resume({}, at(2020ms));
    BOOST_TEST((a.kind == call_action::type::done));
    BOOST_TEST(!a.ec);
    BOOST_TEST(c.diag.attempts == 2u);
}

BOOST_AUTO_TEST_CASE(status_503_past_the_deadline_gives_up_with_deadline_exceeded) {
    call_bench<keyops::no_auth> c{keyops::no_auth()};
    c.params.deadline = t0 + 1s;
    auto fsm = c.fsm();
    auto a = fsm.resume({}, at(0ms));
    answer(*a.res, 503, "", "5");
    a = fsm.resume({}, at(10ms));
    BOOST_TEST_REQUIRE((a.kind == call_action::type::done));
    BOOST_TEST((a.ec == keyops::error::deadline_exceeded));
}

BOOST_AUTO_TEST_CASE(a_transport_error_is_retried_and_a_404_is_not) {
    call_bench<keyops::no_auth> c{keyops::no_auth()};
    auto fsm = c.fsm();
    auto a = fsm.resume({}, at(0ms));
    a = fsm.resume(boost::asio::error::connection_refused, at(1ms));
    BOOST_TEST_REQUIRE((a.kind == call_action::type::wait));
    BOOST_TEST((a.until <= t0 + 1ms + 100ms));
    a = fsm.resume({}, at(200ms));
    BOOST_TEST_REQUIRE((a.kind == call_action::type::exchange));
    answer(*a.res, 404, R"({"code":16,"codeDesc":"NCERRResourceNotFound","message":"no job"})");
    a = fsm.resume({}, at(210ms));
    BOOST_TEST_REQUIRE((a.kind == call_action::type::done));
    BOOST_TEST((a.ec == keyops::error::not_found));
    BOOST_TEST(c.diag.server_message == "no job");
    BOOST_TEST(c.diag.attempts == 2u);
}

BOOST_AUTO_TEST_CASE(a_token_is_fetched_first_then_renewed_when_it_expires) {
    call_bench<keyops::ciphertrust_auth> c{cm_auth()};
    {
        auto fsm = c.fsm();
        auto a = fsm.resume({}, at(0ms));
        BOOST_TEST_REQUIRE((a.kind == call_action::type::exchange));
        BOOST_TEST(a.req == &c.b.grant_req);
        BOOST_TEST(std::string(a.req->target()) == "/api/v1/auth/tokens");
        answer(*a.res, 200, token_body(60));
        a = fsm.resume({}, at(5ms));
        BOOST_TEST(a.fetch_ended);
        BOOST_TEST_REQUIRE((a.kind == call_action::type::exchange));
        BOOST_TEST(a.req == &c.b.req);
        BOOST_TEST(std::string(c.b.req[boost::beast::http::field::authorization]) ==
                   "Bearer jwt-60");
        answer(*a.res, 200, "{}");
        BOOST_TEST((fsm.resume({}, at(10ms)).kind == call_action::type::done));
    }
    {
        // 50 s later the token is within its renewal margin: a refresh grant comes first.
        auto fsm = c.fsm();
        auto a = fsm.resume({}, at(50000ms));
        BOOST_TEST_REQUIRE((a.kind == call_action::type::exchange));
        BOOST_TEST(a.req == &c.b.grant_req);
        BOOST_TEST(a.req->body().find("refresh_token") != std::string::npos);
        BOOST_TEST(a.req->body().find("pw") == std::string::npos);
        answer(*a.res, 200, token_body(61));
        a = fsm.resume({}, at(50005ms));
        BOOST_TEST_REQUIRE(a.req == &c.b.req);
        BOOST_TEST(std::string(c.b.req[boost::beast::http::field::authorization]) ==
                   "Bearer jwt-61");
    }
}

BOOST_AUTO_TEST_CASE(a_401_renews_the_token_once) {
    call_bench<keyops::ciphertrust_auth> c{cm_auth()};
    auto fsm = c.fsm();
    auto a = fsm.resume({}, at(0ms));
    answer(*a.res, 200, token_body(600));
    a = fsm.resume({}, at(1ms));
    answer(*a.res, 401, "");
    a = fsm.resume({}, at(2ms));
    BOOST_TEST_REQUIRE((a.kind == call_action::type::exchange));
    BOOST_TEST(a.req == &c.b.grant_req); // a new token
    answer(*a.res, 200, token_body(601));
    a = fsm.resume({}, at(3ms));
    BOOST_TEST_REQUIRE(a.req == &c.b.req);
    answer(*a.res, 401, "");
    a = fsm.resume({}, at(4ms));
    BOOST_TEST_REQUIRE((a.kind == call_action::type::done)); // not twice
    BOOST_TEST((a.ec == keyops::error::unauthorized));
}

BOOST_AUTO_TEST_CASE(a_second_call_waits_for_the_first_calls_token_fetch) {
    call_bench<keyops::ciphertrust_auth> c{cm_auth()};
    c.params.may_wait_for_auth = true;
    keyops::call_buffers other;
    other.req = c.b.req;
    keyops::diagnostics other_diag;
    auto first = c.fsm();
    keyops::call_fsm<keyops::ciphertrust_auth, keyops::exponential_backoff> second(
        c.auth, c.retry, c.ctx, other, other_diag, c.params);
    auto a = first.resume({}, at(0ms));
    BOOST_TEST_REQUIRE(a.req == &c.b.grant_req);
    auto b = second.resume({}, at(0ms));
    BOOST_TEST_REQUIRE((b.kind == call_action::type::wait_auth));
    answer(*a.res, 200, token_body(600));
    a = first.resume({}, at(1ms));
    BOOST_TEST(a.fetch_ended);
    b = second.resume(boost::asio::error::operation_aborted, at(1ms)); // the wake-up
    BOOST_TEST_REQUIRE((b.kind == call_action::type::exchange));
    BOOST_TEST(b.req == &other.req);
    BOOST_TEST(std::string(other.req[boost::beast::http::field::authorization]) ==
               "Bearer jwt-600");
}

BOOST_AUTO_TEST_CASE(cancellation_at_each_step_ends_the_call_aborted) {
    // Steps: the token request, the request, the pause after a 503.
    for (int step = 0; step < 3; ++step) {
        call_bench<keyops::ciphertrust_auth> c{cm_auth()};
        auto fsm = c.fsm();
        auto a = fsm.resume({}, at(0ms));
        if (step > 0) {
            answer(*a.res, 200, token_body(600));
            a = fsm.resume({}, at(1ms));
        }
        if (step > 1) {
            answer(*a.res, 503, "");
            a = fsm.resume({}, at(2ms));
            BOOST_TEST_REQUIRE((a.kind == call_action::type::wait));
        }
        a = fsm.resume(boost::asio::error::operation_aborted, at(3ms),
                       keyops::cancellation_type::terminal);
        BOOST_TEST_REQUIRE((a.kind == call_action::type::done), "step " << step);
        BOOST_TEST(a.ec == boost::asio::error::operation_aborted);
    }
}

BOOST_AUTO_TEST_CASE(invalid_arguments_end_the_call_before_any_request) {
    call_bench<keyops::no_auth> c{keyops::no_auth()};
    c.params.build_error = make_error_code(keyops::error::invalid_argument);
    auto fsm = c.fsm();
    auto a = fsm.resume({}, at(0ms));
    BOOST_TEST((a.kind == call_action::type::done));
    BOOST_TEST((a.ec == keyops::error::invalid_argument));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(wait_machine)

keyops::wait_options fast_polling(std::chrono::milliseconds deadline = 10s) {
    keyops::wait_options o;
    o.polling.first_interval = 1000ms;
    o.polling.growth = 2.0;
    o.polling.max_interval = 3000ms;
    o.polling.deadline = deadline;
    return o;
}

BOOST_AUTO_TEST_CASE(one_job_each_outcome) {
    struct row {
        const char* state;
        bool abort;
        keyops::wait_outcome outcome;
    };
    for (const row& r : {row{"completed", false, keyops::wait_outcome::completed},
                         row{"completed", true, keyops::wait_outcome::completed_aborted},
                         row{"failed", false, keyops::wait_outcome::failed}}) {
        int progress = 0;
        auto opt = fast_polling();
        opt.on_job_progress = [&](const cckm::job&, auto) {
            ++progress;
        };
        keyops::jobs_wait_fsm fsm({"j1"}, opt, oci_kind(), t0);
        auto a = fsm.start(t0);
        BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::get)); // one id: a GET, not a list
        BOOST_TEST(fsm.job_id() == "j1");
        keyops::diagnostics d;
        a = fsm.on_job({}, d, job("j1", "in_progress"), t0 + 10ms);
        BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::wait));
        BOOST_TEST((a.until == t0 + 10ms + 1000ms));
        a = fsm.on_wake(a.until);
        BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::get));
        a = fsm.on_job({}, d, job("j1", r.state, r.abort), t0 + 1020ms);
        BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::done));
        BOOST_TEST(!a.ec);
        BOOST_TEST((fsm.results().at(0).outcome == r.outcome));
        BOOST_TEST(fsm.results().at(0).polls == 2u);
        BOOST_TEST(progress == 2);
    }
}

BOOST_AUTO_TEST_CASE(many_jobs_one_list_per_round_until_each_ends) {
    keyops::jobs_wait_fsm fsm({"a", "b", "c"}, fast_polling(), oci_kind(), t0);
    keyops::diagnostics d;
    auto a = fsm.start(t0);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::list));
    BOOST_TEST(fsm.list_ids().size() == 3u);
    a = fsm.on_list({}, d, page({{"a", "in_progress"}, {"b", "completed"}, {"c", "in_progress"}}),
                    t0 + 1ms);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::wait));
    a = fsm.on_wake(a.until);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::list));
    BOOST_TEST(fsm.list_ids().size() == 2u); // b ended: no longer asked for
    a = fsm.on_list({}, d, page({{"a", "failed"}}), t0 + 1002ms);
    // c is not in a list of its own id: it is read by id before it is called not found (a
    // cluster's other node may not show a fresh job yet), and the server's 404 says so.
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::get));
    BOOST_TEST(fsm.job_id() == "c");
    keyops::diagnostics nf;
    nf.http_status = 404;
    nf.server_message = "no oci job with id c";
    a = fsm.on_job(make_error_code(keyops::error::not_found), nf, {}, t0 + 1003ms);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::done));
    BOOST_TEST((a.ec == keyops::error::not_found));
    BOOST_TEST((fsm.results()[0].outcome == keyops::wait_outcome::failed));
    BOOST_TEST((fsm.results()[1].outcome == keyops::wait_outcome::completed));
    BOOST_TEST((fsm.results()[2].outcome == keyops::wait_outcome::error));
    BOOST_TEST(fsm.results()[2].diag.server_message == "no oci job with id c");
}

BOOST_AUTO_TEST_CASE(a_job_missing_from_its_list_but_there_by_id_is_waited_on) {
    keyops::jobs_wait_fsm fsm({"a", "b"}, fast_polling(), oci_kind(), t0);
    keyops::diagnostics d;
    auto a = fsm.start(t0);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::list));
    a = fsm.on_list({}, d, page({{"a", "in_progress"}}), t0 + 1ms); // b not shown yet
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::get));
    BOOST_TEST(fsm.job_id() == "b");
    a = fsm.on_job({}, d, job("b", "in_progress"), t0 + 2ms);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::wait));
    a = fsm.on_wake(a.until);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::list));
    BOOST_TEST(fsm.list_ids().size() == 2u);
    a = fsm.on_list({}, d, page({{"a", "completed"}, {"b", "completed"}}), t0 + 1010ms);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::done));
    BOOST_TEST((fsm.results()[1].outcome == keyops::wait_outcome::completed));
    BOOST_TEST(fsm.results()[1].polls == 3u);
}

BOOST_AUTO_TEST_CASE(the_deadline_ends_the_wait_with_and_without_a_cancel) {
    for (bool cancel : {false, true}) {
        auto opt = fast_polling(2500ms);
        opt.cancel_on_deadline = cancel;
        keyops::jobs_wait_fsm fsm({"j1"}, opt, oci_kind(), t0);
        keyops::diagnostics d;
        auto a = fsm.start(t0);
        std::vector<std::chrono::steady_clock::time_point> wakes;
        while (a.kind == jobs_wait_action::type::get) {
            a = fsm.on_job({}, d, job("j1", "in_progress"), wakes.empty() ? t0 : wakes.back());
            if (a.kind != jobs_wait_action::type::wait)
                break;
            wakes.push_back(a.until);
            a = fsm.on_wake(a.until);
        }
        // Pauses of 1 s, then 1.5 s cut to the deadline at 2.5 s.
        BOOST_TEST_REQUIRE(wakes.size() == 2u);
        BOOST_TEST((wakes[0] == t0 + 1000ms));
        BOOST_TEST((wakes[1] == t0 + 2500ms));
        if (cancel) {
            BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::cancel));
            a = fsm.on_job({}, d, job("j1", "in_progress", true), t0 + 2600ms);
        }
        BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::done));
        BOOST_TEST((a.ec == keyops::error::deadline_exceeded));
        BOOST_TEST((fsm.results()[0].outcome == keyops::wait_outcome::deadline));
        BOOST_TEST(fsm.results()[0].cancel_sent == cancel);
    }
}

BOOST_AUTO_TEST_CASE(a_kind_without_a_list_reads_each_job) {
    keyops::jobs_wait_fsm fsm({"a", "b"}, fast_polling(), kind_without_list_or_cancel(), t0);
    keyops::diagnostics d;
    auto a = fsm.start(t0);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::get));
    BOOST_TEST(fsm.job_id() == "a");
    a = fsm.on_job({}, d, job("a", "completed"), t0);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::get));
    BOOST_TEST(fsm.job_id() == "b");
    a = fsm.on_job({}, d, job("b", "completed"), t0);
    BOOST_TEST((a.kind == jobs_wait_action::type::done));
}

BOOST_AUTO_TEST_CASE(a_poll_that_may_pass_is_ridden_out_one_that_cannot_ends_the_wait) {
    keyops::jobs_wait_fsm fsm({"j1"}, fast_polling(), oci_kind(), t0);
    keyops::diagnostics d;
    d.attempts = 5;
    d.last_attempt = "gave up after 5 attempts";
    fsm.start(t0);
    // The server is down: the wait pauses and polls again.
    auto a = fsm.on_job(boost::asio::error::connection_refused, d, {}, t0);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::wait));
    a = fsm.on_wake(a.until);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::get));
    // A 503 after retries: still worth waiting for.
    keyops::diagnostics busy;
    busy.http_status = 503;
    a = fsm.on_job(make_error_code(keyops::error::server_error), busy, {}, t0 + 1s);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::wait));
    a = fsm.on_wake(a.until);
    // A 404 will not pass: the wait ends with the call's error and diagnostics.
    keyops::diagnostics gone;
    gone.http_status = 404;
    gone.attempts = 1;
    gone.last_attempt = "404 Not Found; the status is not retried";
    a = fsm.on_job(make_error_code(keyops::error::not_found), gone, {}, t0 + 3s);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::done));
    BOOST_TEST((a.ec == keyops::error::not_found));
    BOOST_TEST(fsm.results()[0].attempts == 6u);
    BOOST_TEST(fsm.results()[0].polls == 3u);
    BOOST_TEST(fsm.results()[0].diag.last_attempt == gone.last_attempt);
    // TLS verification failing is for good too.
    BOOST_TEST(!keyops::detail::transient_poll_failure(
        keyops::error_code(1, boost::asio::error::get_ssl_category()), keyops::diagnostics()));
    BOOST_TEST(keyops::detail::transient_poll_failure(boost::asio::error::connection_reset,
                                                      keyops::diagnostics()));
}

BOOST_AUTO_TEST_CASE(cancellation_at_each_step_ends_the_wait_cancelled) {
    // While a poll is in flight (its call ends aborted), and during a pause.
    for (int step = 0; step < 2; ++step) {
        keyops::jobs_wait_fsm fsm({"j1"}, fast_polling(), oci_kind(), t0);
        keyops::diagnostics d;
        auto a = fsm.start(t0);
        if (step == 0) {
            a = fsm.on_job(boost::asio::error::operation_aborted, d, {}, t0);
        } else {
            a = fsm.on_job({}, d, job("j1", "in_progress"), t0);
            BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::wait));
            a = fsm.on_wake(t0 + 10ms, keyops::cancellation_type::terminal);
        }
        BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::done));
        BOOST_TEST(a.ec == boost::asio::error::operation_aborted);
        BOOST_TEST((fsm.results()[0].outcome == keyops::wait_outcome::cancelled));
    }
}

BOOST_AUTO_TEST_CASE(token_expiry_mid_wait_is_renewed_inside_the_poll) {
    // The wait machine's polls run through the call machine, as the drivers do: the token
    // expires between rounds and the second poll fetches a new one first.
    call_bench<keyops::ciphertrust_auth> c{cm_auth()};
    keyops::jobs_wait_fsm wait({"j1"}, fast_polling(), oci_kind(), t0);
    int grants = 0;
    auto poll = [&](std::chrono::milliseconds when, const char* state) {
        auto call = c.fsm();
        auto a = call.resume({}, at(when));
        while (a.kind == call_action::type::exchange) {
            if (a.req == &c.b.grant_req) {
                ++grants;
                answer(*a.res, 200, token_body(2)); // tokens live two seconds
            } else {
                answer(*a.res, 200,
                       R"({"id":"j1","overall_status":")" + std::string(state) + "\"}");
            }
            a = call.resume({}, at(when));
        }
        BOOST_TEST_REQUIRE((a.kind == call_action::type::done));
        BOOST_TEST_REQUIRE(!a.ec);
        keyops::error_code ec;
        keyops::diagnostics pd;
        return keyops::parse<cckm::job>(c.b.res.body(), ec, pd);
    };
    auto a = wait.start(t0);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::get));
    a = wait.on_job({}, c.diag, poll(0ms, "in_progress"), t0);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::wait));
    a = wait.on_wake(t0 + 5000ms);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::get));
    a = wait.on_job({}, c.diag, poll(5000ms, "completed"), t0 + 5000ms);
    BOOST_TEST_REQUIRE((a.kind == jobs_wait_action::type::done));
    BOOST_TEST((wait.results()[0].outcome == keyops::wait_outcome::completed));
    BOOST_TEST(grants == 2);
}

BOOST_AUTO_TEST_CASE(rotation_success_failure_and_deadline) {
    keyops::diagnostics d;
    {
        keyops::rotation_wait_fsm fsm(fast_polling(), t0);
        auto a = fsm.start(t0);
        BOOST_TEST_REQUIRE((a.kind == single_wait_action::type::read));
        a = fsm.on_status({}, d, rotation(R"({"status":"IN_PROGRESS"})"), t0);
        BOOST_TEST_REQUIRE((a.kind == single_wait_action::type::wait));
        a = fsm.on_wake(a.until);
        a = fsm.on_status({}, d, rotation(R"({"status":"SUCCESS"})"), t0 + 1s);
        BOOST_TEST_REQUIRE((a.kind == single_wait_action::type::done));
        BOOST_TEST((fsm.result().outcome == keyops::wait_outcome::rotation_success));
        BOOST_TEST(fsm.result().polls == 2u);
    }
    {
        keyops::rotation_wait_fsm fsm(fast_polling(), t0);
        fsm.start(t0);
        auto a = fsm.on_status(
            {}, d, rotation(R"({"status":"FAILED","failedCollectorIds":["c1","c2"]})"), t0);
        BOOST_TEST_REQUIRE((a.kind == single_wait_action::type::done));
        BOOST_TEST((fsm.result().outcome == keyops::wait_outcome::rotation_failed));
        BOOST_TEST(fsm.result().failed_collector_ids.size() == 2u);
    }
    {
        keyops::rotation_wait_fsm fsm(fast_polling(500ms), t0);
        fsm.start(t0);
        auto a = fsm.on_status({}, d, rotation(R"({"status":"IN_PROGRESS"})"), t0);
        BOOST_TEST_REQUIRE((a.kind == single_wait_action::type::wait));
        BOOST_TEST((a.until == t0 + 500ms));
        a = fsm.on_wake(a.until);
        a = fsm.on_status({}, d, rotation(R"({"status":"IN_PROGRESS"})"), t0 + 500ms);
        BOOST_TEST_REQUIRE((a.kind == single_wait_action::type::done));
        BOOST_TEST((a.ec == keyops::error::deadline_exceeded));
        BOOST_TEST((fsm.result().outcome == keyops::wait_outcome::deadline));
    }
}

BOOST_AUTO_TEST_SUITE_END()
