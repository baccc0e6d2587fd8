// The auth and retry logic as I/O-free state machines, resumed by hand with explicit clocks.

#include <keyops/auth/token_state.hpp>
#include <keyops/retry/policies.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

using namespace std::chrono;
using keyops::ciphertrust_token_state;
using step = ciphertrust_token_state::step;

namespace {

// A JWT whose payload is {"iat":1000,"exp":1300} (signature irrelevant).
const std::string jwt_300 = "eyJhbGciOiJIUzI1NiJ9.eyJpYXQiOjEwMDAsImV4cCI6MTMwMH0.c2ln";

keyops::ctm::token token(std::string_view jwt, std::optional<std::int64_t> duration,
                         std::string_view refresh = "") {
    keyops::ctm::token t;
    t.jwt = jwt;
    t.duration = duration;
    t.refresh_token = refresh;
    return t;
}

const system_clock::time_point t0 = system_clock::time_point(seconds(1700000000));

} // namespace

BOOST_AUTO_TEST_SUITE(ciphertrust_token_fsm)

BOOST_AUTO_TEST_CASE(password_first_then_refresh_before_expiry) {
    ciphertrust_token_state s(seconds(30));
    BOOST_TEST((s.next(t0) == step::password_grant));
    s.on_token(token("a.b.c", 300, "r1"), t0);
    BOOST_TEST((s.next(t0) == step::ready));
    BOOST_TEST(s.access_token() == "a.b.c");
    BOOST_TEST((s.next(t0 + seconds(269)) == step::ready));
    BOOST_TEST((s.next(t0 + seconds(270)) == step::refresh_grant)); // 30 s margin
    BOOST_TEST(s.refresh_token() == "r1");
    s.on_token(token("d.e.f", 300), t0 + seconds(270));
    BOOST_TEST(s.access_token() == "d.e.f");
    BOOST_TEST(s.refresh_token() == "r1"); // kept when the grant sends none
}

BOOST_AUTO_TEST_CASE(short_tokens_use_a_fifth_as_margin) {
    ciphertrust_token_state s(seconds(30));
    s.on_token(token("a.b.c", 10, "r"), t0);
    BOOST_TEST((s.next(t0 + seconds(7)) == step::ready));
    BOOST_TEST((s.next(t0 + seconds(8)) == step::refresh_grant));
}

BOOST_AUTO_TEST_CASE(lifetime_from_the_jwt_when_duration_is_missing) {
    ciphertrust_token_state s(seconds(30));
    s.on_token(token(jwt_300, std::nullopt), t0);
    BOOST_TEST(duration_cast<seconds>(s.expires_at() - t0).count() == 300);
    auto claims = keyops::jwt_times(jwt_300);
    BOOST_TEST_REQUIRE(claims.has_value());
    BOOST_TEST(*claims->exp == 1300);
    BOOST_TEST(!keyops::jwt_times("not-a-jwt").has_value());
    BOOST_TEST(!keyops::jwt_times("a.!!!.c").has_value());
}

BOOST_AUTO_TEST_CASE(refused_refresh_falls_back_to_password) {
    ciphertrust_token_state s;
    s.on_token(token("a.b.c", 300, "r1"), t0);
    BOOST_TEST((s.next(t0 + seconds(400)) == step::refresh_grant));
    BOOST_TEST((s.on_refused(step::refresh_grant) == step::password_grant));
    BOOST_TEST((s.next(t0 + seconds(400)) == step::password_grant));
    BOOST_TEST(s.refresh_token().empty());
    BOOST_TEST((s.on_refused(step::password_grant) == step::failed));
}

BOOST_AUTO_TEST_CASE(unauthorized_drops_only_the_token_used) {
    ciphertrust_token_state s;
    s.on_token(token("new.token.x", 300, "r"), t0);
    BOOST_TEST(s.on_unauthorized("old.token.y")); // a stale request: a newer token exists
    BOOST_TEST((s.next(t0) == step::ready));
    BOOST_TEST(s.on_unauthorized("new.token.x"));
    BOOST_TEST((s.next(t0) == step::refresh_grant));
}

BOOST_AUTO_TEST_CASE(network_insight_expiry_units) {
    keyops::network_insight_token_state s(seconds(30));
    using nstep = keyops::network_insight_token_state::step;
    BOOST_TEST((s.next(t0) == nstep::create_token));
    keyops::ni::token ms;
    ms.token = "tok";
    ms.expiry = duration_cast<milliseconds>((t0 + seconds(600)).time_since_epoch()).count();
    s.on_token(ms, t0);
    BOOST_TEST((s.next(t0 + seconds(569)) == nstep::ready));
    BOOST_TEST((s.next(t0 + seconds(570)) == nstep::create_token));
    keyops::ni::token secs;
    secs.token = "tok2";
    secs.expiry = duration_cast<seconds>((t0 + seconds(600)).time_since_epoch()).count();
    s.on_token(secs, t0);
    BOOST_TEST(duration_cast<seconds>(s.expires_at() - t0).count() == 600);
    s.on_unauthorized("tok2");
    BOOST_TEST((s.next(t0) == nstep::create_token));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(retry_fsm)

keyops::attempt_outcome status(unsigned code, bool idempotent = true,
                               std::optional<milliseconds> retry_after = std::nullopt) {
    keyops::attempt_outcome o;
    o.http_status = code;
    o.ec = keyops::error::server_error;
    o.idempotent = idempotent;
    o.retry_after = retry_after;
    return o;
}

keyops::attempt_outcome transport(keyops::error_code ec, bool idempotent = true) {
    keyops::attempt_outcome o;
    o.ec = ec;
    o.idempotent = idempotent;
    return o;
}

BOOST_AUTO_TEST_CASE(retried_statuses) {
    keyops::exponential_backoff b({}, 1);
    for (unsigned code : {408u, 429u, 500u, 502u, 503u, 504u})
        BOOST_TEST(b.on_failure(1, status(code), hours(1)).retry, code);
    for (unsigned code : {400u, 401u, 403u, 404u, 409u, 422u, 501u})
        BOOST_TEST(!b.on_failure(1, status(code), hours(1)).retry, code);
}

BOOST_AUTO_TEST_CASE(posts_that_may_have_arrived_are_not_retried) {
    keyops::exponential_backoff b({}, 1);
    BOOST_TEST(!b.on_failure(1, status(503, false), hours(1)).retry);
    BOOST_TEST(
        !b.on_failure(1, transport(boost::asio::error::connection_reset, false), hours(1)).retry);
    BOOST_TEST(!b.on_failure(1, transport(keyops::error::timeout, false), hours(1)).retry);
    // Nothing was sent: safe even for a POST.
    BOOST_TEST(
        b.on_failure(1, transport(boost::asio::error::connection_refused, false), hours(1)).retry);
    BOOST_TEST(
        b.on_failure(1, transport(boost::asio::error::connection_reset, true), hours(1)).retry);
}

BOOST_AUTO_TEST_CASE(proxy_refusals) {
    keyops::exponential_backoff b({}, 1);
    auto refused = [](unsigned proxy_status, bool idempotent) {
        auto o = transport(keyops::error::proxy_refused, idempotent);
        o.proxy_status = proxy_status;
        return o;
    };
    // 403 and 407 would come again: not retried.
    auto d = b.on_failure(1, refused(407, true), hours(1));
    BOOST_TEST(!d.retry);
    BOOST_TEST(d.reason == "the proxy's refusal is not retried");
    BOOST_TEST(!b.on_failure(1, refused(403, true), hours(1)).retry);
    // A proxy's 502/503 may pass, and proves the request never left, even a POST.
    BOOST_TEST(b.on_failure(1, refused(503, false), hours(1)).retry);
    BOOST_TEST(b.on_failure(1, refused(502, true), hours(1)).retry);
    // No status known (a transport of one's own): transient, as before.
    BOOST_TEST(b.on_failure(1, refused(0, false), hours(1)).retry);
}

BOOST_AUTO_TEST_CASE(permanent_errors_are_not_retried) {
    keyops::exponential_backoff b({}, 1);
    keyops::error_code tls(static_cast<int>(boost::asio::ssl::error::unspecified_system_error),
                           boost::asio::ssl::error::get_stream_category());
    BOOST_TEST(!b.on_failure(1, transport(tls), hours(1)).retry);
    // A stream cut short (no TLS close) is a dropped connection: retried.
    const keyops::error_code cut = boost::asio::ssl::error::stream_truncated;
    BOOST_TEST(cut.value() == 1);
    BOOST_TEST(b.on_failure(1, transport(cut), hours(1)).retry);
    BOOST_TEST(!b.on_failure(1, transport(keyops::error::body_too_large), hours(1)).retry);
    BOOST_TEST(!b.on_failure(1, transport(keyops::error::bad_content_encoding), hours(1)).retry);
}

BOOST_AUTO_TEST_CASE(full_jitter_grows_and_is_capped) {
    keyops::backoff_options o;
    o.initial_delay = milliseconds(100);
    o.max_delay = milliseconds(1000);
    o.multiplier = 2;
    o.max_attempts = 100;
    o.budget_capacity = 1e9;
    keyops::exponential_backoff b(o, 42);
    for (unsigned attempt = 1; attempt < 20; ++attempt) {
        const double cap = std::min(1000.0, 100.0 * std::pow(2.0, attempt - 1));
        milliseconds biggest(0);
        for (int i = 0; i < 200; ++i) {
            auto d = b.on_failure(attempt, status(503), hours(1));
            BOOST_TEST_REQUIRE(d.retry);
            BOOST_TEST(d.delay.count() >= 0);
            BOOST_TEST(d.delay.count() <= cap);
            biggest = std::max(biggest, d.delay);
        }
        BOOST_TEST(biggest.count() >= cap * 0.8); // jitter spans the range
    }
}

BOOST_AUTO_TEST_CASE(retry_after_wins_and_is_capped) {
    keyops::backoff_options o;
    o.max_retry_after = seconds(5);
    keyops::exponential_backoff b(o, 1);
    auto d = b.on_failure(1, status(503, true, milliseconds(2000)), hours(1));
    BOOST_TEST(d.retry);
    BOOST_TEST(d.delay.count() == 2000);
    d = b.on_failure(1, status(429, true, milliseconds(3600000)), hours(1));
    BOOST_TEST(d.delay.count() == 5000);
}

BOOST_AUTO_TEST_CASE(attempts_and_deadline_stop_retries) {
    keyops::backoff_options o;
    o.max_attempts = 3;
    keyops::exponential_backoff b(o, 1);
    BOOST_TEST(b.on_failure(2, status(503), hours(1)).retry);
    auto d = b.on_failure(3, status(503), hours(1));
    BOOST_TEST(!d.retry);
    BOOST_TEST(d.reason.find("3 attempts") != std::string::npos);
    d = b.on_failure(1, status(503, true, milliseconds(5000)), seconds(2));
    BOOST_TEST(!d.retry);
    BOOST_TEST((d.give_up_error == keyops::error::deadline_exceeded));
}

BOOST_AUTO_TEST_CASE(budget_stops_a_retry_storm) {
    keyops::backoff_options o;
    o.budget_capacity = 3;
    o.budget_refill_per_success = 0.5;
    o.max_attempts = 100;
    keyops::exponential_backoff b(o, 1);
    BOOST_TEST(b.on_failure(1, status(503), hours(1)).retry);
    BOOST_TEST(b.on_failure(1, status(503), hours(1)).retry);
    BOOST_TEST(b.on_failure(1, status(503), hours(1)).retry);
    auto d = b.on_failure(1, status(503), hours(1));
    BOOST_TEST(!d.retry);
    BOOST_TEST((d.give_up_error == keyops::error::retry_budget_exhausted));
    b.on_success();
    BOOST_TEST(!b.on_failure(1, status(503), hours(1)).retry); // half a token
    b.on_success();
    BOOST_TEST(b.on_failure(1, status(503), hours(1)).retry);
}

BOOST_AUTO_TEST_CASE(no_retry_never_retries) {
    keyops::no_retry n;
    BOOST_TEST(!n.on_failure(1, status(503), hours(1)).retry);
}

BOOST_AUTO_TEST_CASE(retry_after_forms) {
    const auto now = system_clock::time_point(seconds(784111777)); // Sun, 06 Nov 1994 08:49:37 GMT
    BOOST_TEST(keyops::parse_retry_after("120", now)->count() == 120000);
    BOOST_TEST(keyops::parse_retry_after(" 0 ", now)->count() == 0);
    BOOST_TEST(keyops::parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now)->count() == 10000);
    BOOST_TEST(keyops::parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now)->count() == 0);
    BOOST_TEST(keyops::parse_retry_after("Wed, 01 Jan 2025 00:00:00 GMT", now)->count() > 0);
    for (const char* bad : {"", "soon", "-5", "1.5", "Sun, 06 Nov 1994 08:49:37 UTC",
                            "Sun, 06 Xyz 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT"})
        BOOST_TEST(!keyops::parse_retry_after(bad, now).has_value(), bad);
}

BOOST_AUTO_TEST_SUITE_END()
