// The client against the scripted fake transport: every branch of a call without a socket.

#include <keyops/client/client.hpp>
#include <keyops/keyops.hpp>
#include <keyops/transport/fake_transport.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace cckm = keyops::cckm;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using keyops::job_id;

namespace {

const std::string job_body =
    R"({"id":"j1","overall_status":"completed","abort":false,"key_vaults":["v1"]})";
const std::string not_found_body =
    R"({"code":16,"codeDesc":"NCERRResourceNotFound: Resource not found","message":"no job j9","requestID":"rq-7"})";

std::string compress(const std::string& in, int window_bits) {
    z_stream zs{};
    deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
    std::string out(in.size() + 128, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(&out[0]);
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

keyops::backoff_options fast_backoff() {
    keyops::backoff_options o;
    o.initial_delay = 1ms;
    o.max_delay = 5ms;
    return o;
}

template <class Auth = keyops::no_auth, class Retry = keyops::exponential_backoff>
struct fixture {
    boost::asio::io_context io;
    keyops::client<keyops::fake_transport, Auth, Retry> c;
    keyops::error_code ec;
    keyops::diagnostics diag;

    explicit fixture(Auth auth = Auth(), Retry retry = Retry(fast_backoff(), 7),
                     keyops::client_options opt = {})
        : c(keyops::fake_transport(io.get_executor(), "cm.test"), std::move(auth), std::move(retry),
            opt) {}

    keyops::fake_transport& fake() { return c.transport(); }
    const keyops::http_request& sent(std::size_t i) { return fake().requests().at(i); }
};

keyops::static_token bearer() {
    return {keyops::static_token::scheme::bearer, "tok-1"};
}

} // namespace

BOOST_AUTO_TEST_SUITE(client_fake_transport)

BOOST_AUTO_TEST_CASE(success_with_static_token) {
    fixture<keyops::static_token> f{bearer()};
    f.fake().push_response(200, job_body);
    auto j = f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    BOOST_TEST(j->id == "j1");
    BOOST_TEST(j->key_vaults[0] == "v1");
    BOOST_TEST(f.diag.attempts == 1u);
    BOOST_TEST(f.diag.http_status == 200u);
    const auto& req = f.sent(0);
    BOOST_TEST(req.target() == "/api/v1/cckm/oci/synchronization-jobs/j1");
    BOOST_TEST(req[http::field::authorization] == "Bearer tok-1");
    BOOST_TEST(req[http::field::host] == "cm.test");
    BOOST_TEST(req[http::field::accept] == "application/json");
}

BOOST_AUTO_TEST_CASE(static_token_schemes) {
    keyops::http_request req;
    keyops::static_token(keyops::static_token::scheme::network_insight, "n").try_authorize(req);
    BOOST_TEST(req[http::field::authorization] == "NetworkInsight n");
    keyops::http_request csp;
    keyops::static_token(keyops::static_token::scheme::csp, "c").try_authorize(csp);
    BOOST_TEST(csp["csp-auth-token"] == "c");
    BOOST_TEST(csp.count(http::field::authorization) == 0u);
}

BOOST_AUTO_TEST_CASE(retries_503_with_retry_after_then_succeeds) {
    fixture<> f;
    f.fake().push_response(503, "", {{"Retry-After", "0"}});
    f.fake().push_response(502, "<html>bad gateway</html>");
    f.fake().push_response(200, job_body);
    auto j = f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    BOOST_TEST(f.diag.attempts == 3u);
    BOOST_TEST(f.fake().requests().size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_start_is_never_retried_after_reaching_the_server) {
    fixture<> f;
    f.fake().push_response(503, R"({"code":14,"codeDesc":"NCERRInternalServerError: busy"})",
                           {{"Retry-After", "0"}});
    f.fake().push_response(200, job_body);
    cckm::google_sync_body body;
    body.key_rings = {"r"};
    f.c.call<cckm::start_job<cckm::google>>(body, f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::server_error));
    BOOST_TEST(f.fake().requests().size() == 1u);
    BOOST_TEST(f.diag.http_status == 503u);
    BOOST_TEST(*f.diag.server_code == 14);
    BOOST_TEST(f.diag.last_attempt.find("not idempotent") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_start_is_retried_when_nothing_was_sent) {
    fixture<> f;
    f.fake().push_error(boost::asio::error::connection_refused);
    f.fake().push_response(201, job_body);
    cckm::google_sync_body body;
    auto j = f.c.call<cckm::start_job<cckm::google>>(body, f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    BOOST_TEST(f.diag.attempts == 2u);
}

BOOST_AUTO_TEST_CASE(server_error_fields_reach_the_diagnostics) {
    fixture<> f;
    f.fake().push_response(404, not_found_body);
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j9"), f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::not_found));
    BOOST_TEST(f.diag.http_status == 404u);
    BOOST_TEST(*f.diag.server_code == 16);
    BOOST_TEST(f.diag.server_code_desc == "NCERRResourceNotFound: Resource not found");
    BOOST_TEST(f.diag.server_message == "no job j9");
    BOOST_TEST(f.diag.request_id == "rq-7");
    BOOST_TEST(f.diag.describe(f.ec).find("NCERRResourceNotFound") != std::string::npos);
    BOOST_TEST(f.fake().requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(network_insight_error_details) {
    fixture<> f;
    f.fake().push_response(
        409,
        R"({"code":409,"message":"rotation running","details":[{"code":1,"message":"busy","target":["collector-1"]}]})");
    f.c.call<keyops::ni::rotate_proxy_key>(f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::conflict));
    BOOST_TEST(f.diag.server_message == "rotation running");
    BOOST_TEST_REQUIRE(f.diag.server_details.size() == 1u);
    BOOST_TEST(f.diag.server_details[0].target.at(0) == "collector-1");
}

BOOST_AUTO_TEST_CASE(non_json_and_empty_error_bodies_still_report_the_status) {
    fixture<> f;
    f.fake().push_response(403, "<html><body>Forbidden by proxy</body></html>");
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::forbidden));
    BOOST_TEST(f.diag.http_status == 403u);
    BOOST_TEST(!f.diag.server_code.has_value());
    f.fake().push_response(418, "");
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::http_status));
    BOOST_TEST(f.diag.http_status == 418u);
}

BOOST_AUTO_TEST_CASE(split_reads_and_chunked_bodies) {
    fixture<> f;
    f.fake().push({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n" +
                       job_body.substr(0, 16) + "\r\n" +
                       [] {
                           std::ostringstream s;
                           s << std::hex << job_body.size() - 16;
                           return s.str();
                       }() +
                       "\r\n" + job_body.substr(16) + "\r\n0\r\n\r\n",
                   1,
                   {},
                   {}});
    auto j = f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    BOOST_TEST(j->overall_status.raw == "completed");
}

BOOST_AUTO_TEST_CASE(gzip_and_deflate_bodies_are_decoded) {
    fixture<> f;
    f.fake().push_response(200, compress(job_body, 16 + 15), {{"Content-Encoding", "gzip"}});
    f.fake().push_response(200, compress(job_body, 15), {{"Content-Encoding", "deflate"}});
    f.fake().push_response(200, compress(job_body, -15), {{"Content-Encoding", "deflate"}});
    for (int i = 0; i < 3; ++i) {
        auto j = f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
        BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
        BOOST_TEST(j->id == "j1");
    }
}

BOOST_AUTO_TEST_CASE(bad_encodings_fail_without_retry) {
    fixture<> f;
    std::string broken = compress(job_body, 16 + 15);
    broken.resize(broken.size() / 2);
    f.fake().push_response(200, broken, {{"Content-Encoding", "gzip"}});
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::bad_content_encoding));
    f.fake().push_response(200, job_body, {{"Content-Encoding", "br"}});
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::bad_content_encoding));
    BOOST_TEST(f.fake().pending_steps() == 0u);
    BOOST_TEST(f.fake().requests().size() == 2u);
}

BOOST_AUTO_TEST_CASE(body_limits_apply_after_decompression) {
    fixture<> f;
    f.fake().max_body_size = 1000;
    std::string big = R"({"id":")" + std::string(5000, 'x') + R"("})";
    f.fake().push_response(200, compress(big, 16 + 15), {{"Content-Encoding", "gzip"}});
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::body_too_large));
    f.fake().push_response(200, big);
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::body_too_large));
}

BOOST_AUTO_TEST_CASE(truncated_bodies_are_errors_and_retried_when_idempotent) {
    fixture<> f;
    // Content-Length promises 500 bytes; the connection ends after 10.
    f.fake().push({"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"id\":\"j1\"",
                   7,
                   boost::asio::error::eof,
                   {}});
    f.fake().push_response(200, job_body);
    auto j = f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    BOOST_TEST(f.diag.attempts == 2u);
    // Without a retry policy the truncation is the answer.
    fixture<keyops::no_auth, keyops::no_retry> g{keyops::no_auth(), keyops::no_retry()};
    g.fake().push({"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"id\":\"j1\"", 0, {}, {}});
    g.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), g.ec, g.diag);
    BOOST_TEST(g.ec.failed());
    BOOST_TEST(g.diag.attempts == 1u);
}

BOOST_AUTO_TEST_CASE(malformed_success_bodies_name_the_path) {
    fixture<> f;
    f.fake().push_response(200, R"({"id":"j1","abort":"maybe"})");
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::wrong_type));
    BOOST_TEST(f.diag.json_path == "/abort");
    BOOST_TEST(f.diag.http_status == 200u);
    BOOST_TEST(f.diag.attempts == 1u);
}

BOOST_AUTO_TEST_CASE(deadline_covers_the_whole_call) {
    keyops::client_options opt;
    opt.call_timeout = 50ms;
    fixture<> f{keyops::no_auth(), keyops::exponential_backoff(fast_backoff(), 1), opt};
    f.fake().push_response(200, job_body, {}, 2000ms);
    const auto start = std::chrono::steady_clock::now();
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::timeout || f.ec == keyops::error::deadline_exceeded),
               f.ec.message());
    BOOST_TEST((std::chrono::steady_clock::now() - start < 1500ms));
    // A Retry-After longer than what is left ends the call at once.
    f.fake().push_response(503, "", {{"Retry-After", "30"}});
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::deadline_exceeded));
    BOOST_TEST(f.diag.http_status == 503u);
}

BOOST_AUTO_TEST_CASE(async_forms) {
    fixture<> f;
    f.fake().push_response(200, job_body);
    f.fake().push_response(200, job_body);
    bool called = false;
    keyops::diagnostics diag;
    f.c.async_call<cckm::get_job<cckm::oci>>(
        job_id("j1"), diag, [&](keyops::error_code ec, keyops::parsed<cckm::job> j) {
            BOOST_TEST(!ec);
            BOOST_TEST(j->id == "j1");
            called = true;
        });
    BOOST_TEST(!called); // never from inside the initiating function
    f.io.run();
    BOOST_TEST(called);
    f.io.restart();
    auto fut = f.c.async_call<cckm::get_job<cckm::oci>>(job_id("j1"), boost::asio::use_future);
    f.io.run();
    BOOST_TEST(fut.get()->overall_status.raw == "completed");
}

BOOST_AUTO_TEST_CASE(deferred_token) {
    fixture<> f;
    f.fake().push_response(200, job_body);
    auto op = f.c.async_call<cckm::get_job<cckm::oci>>(job_id("j1"), boost::asio::deferred);
    BOOST_TEST(f.fake().requests().empty()); // nothing is sent before the launch...
    std::string id;
    std::move(op)([&](keyops::error_code ec, keyops::parsed<cckm::job> j) {
        BOOST_TEST(!ec);
        id = std::string(j->id);
    });
    f.io.run();
    BOOST_TEST(f.fake().requests().size() == 1u); // ...and one request after it
    BOOST_TEST(id == "j1");
}

BOOST_AUTO_TEST_CASE(cancellation_during_backoff) {
    keyops::backoff_options o;
    o.initial_delay = 10s;
    o.max_delay = 10s;
    fixture<> f{keyops::no_auth(), keyops::exponential_backoff(o, 3)};
    f.fake().push_response(503, "", {{"Retry-After", "5"}});
    boost::asio::cancellation_signal signal;
    keyops::error_code result;
    f.c.async_call<cckm::get_job<cckm::oci>>(
        job_id("j1"),
        boost::asio::bind_cancellation_slot(
            signal.slot(), [&](keyops::error_code ec, keyops::parsed<cckm::job>) { result = ec; }));
    boost::asio::steady_timer t(f.io, 50ms);
    t.async_wait(
        [&](keyops::error_code) { signal.emit(boost::asio::cancellation_type::terminal); });
    const auto start = std::chrono::steady_clock::now();
    f.io.run();
    BOOST_TEST((result == boost::asio::error::operation_aborted));
    BOOST_TEST((std::chrono::steady_clock::now() - start < 3s));
}

BOOST_AUTO_TEST_CASE(throwing_form_carries_diagnostics) {
    fixture<> f;
    f.fake().push_response(404, not_found_body);
    try {
        f.c.call<cckm::get_job<cckm::oci>>(job_id("j9"));
        BOOST_FAIL("no exception");
    } catch (const keyops::exception& e) {
        BOOST_TEST((e.code() == keyops::error::not_found));
        BOOST_TEST(e.get_diagnostics().request_id == "rq-7");
        BOOST_TEST(std::string(e.what()).find("404") != std::string::npos);
    }
}

// OCI's throttling passed through by CCKM: the text holds TooManyRequests, under whatever status.
const std::string oci_throttled =
    R"({"code":14,"codeDesc":"NCERRInternalServerError: Internal server error",)"
    R"("message":"OCI service error: TooManyRequests. Request was throttled."})";
const std::string oci_quota =
    R"({"code":14,"codeDesc":"NCERRTooManyRequests",)"
    R"("message":"OCI service error: LimitExceeded. The tenancy's key quota is used up."})";

BOOST_AUTO_TEST_CASE(a_throttled_start_is_retried_within_the_budget) {
    fixture<> f;
    f.fake().push_response(500, oci_throttled);
    f.fake().push_response(400, oci_throttled, {{"Retry-After", "0"}});
    f.fake().push_response(201, job_body);
    cckm::oci_sync_body body;
    body.vaults = {"v1"};
    const double before = f.c.retry().budget().tokens();
    auto j = f.c.call<cckm::start_job<cckm::oci>>(body, f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    BOOST_TEST(j->id == "j1");
    BOOST_TEST(f.diag.attempts == 3u);
    BOOST_TEST(f.fake().requests().size() == 3u);
    BOOST_TEST(!f.diag.throttled); // the last answer was the job
    // Two retries took two tokens; the success put a tenth of one back.
    BOOST_TEST(f.c.retry().budget().tokens() == before - 2 + 0.1,
               boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(throttling_that_never_ends_stops_at_the_attempt_limit) {
    keyops::backoff_options o = fast_backoff();
    o.max_attempts = 4;
    fixture<> f{keyops::no_auth(), keyops::exponential_backoff(o, 3)};
    for (int i = 0; i < 10; ++i)
        f.fake().push_response(500, oci_throttled);
    cckm::oci_sync_body body;
    f.c.call<cckm::start_job<cckm::oci>>(body, f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::server_error));
    BOOST_TEST(f.diag.throttled);
    BOOST_TEST(f.diag.attempts == 4u);
    BOOST_TEST(f.fake().requests().size() == 4u);
    BOOST_TEST(f.diag.last_attempt.find("gave up after 4 attempts") != std::string::npos,
               f.diag.last_attempt);
}

BOOST_AUTO_TEST_CASE(other_cloud_errors_are_not_throttling) {
    // A quota error under 429: a start reached the server, so it is not sent again.
    fixture<> f;
    f.fake().push_response(429, oci_quota);
    f.fake().push_response(201, job_body);
    cckm::oci_sync_body body;
    f.c.call<cckm::start_job<cckm::oci>>(body, f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::rate_limited));
    BOOST_TEST(!f.diag.throttled);
    BOOST_TEST(f.fake().requests().size() == 1u);
    BOOST_TEST(f.diag.last_attempt.find("not idempotent") != std::string::npos);
    // The same text under 400, even for a read: the status decides, and 400 is not retried.
    fixture<> g;
    g.fake().push_response(400, oci_quota);
    g.fake().push_response(200, job_body);
    g.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), g.ec, g.diag);
    BOOST_TEST((g.ec == keyops::error::http_status));
    BOOST_TEST(g.fake().requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(no_retry_never_retries_throttling) {
    fixture<keyops::no_auth, keyops::no_retry> f{keyops::no_auth(), keyops::no_retry()};
    f.fake().push_response(500, oci_throttled);
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::server_error));
    BOOST_TEST(f.diag.throttled);
    BOOST_TEST(f.fake().requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(retry_budget_is_shared_by_calls) {
    keyops::backoff_options o = fast_backoff();
    o.budget_capacity = 2;
    o.budget_refill_per_success = 0;
    fixture<> f{keyops::no_auth(), keyops::exponential_backoff(o, 5)};
    for (int i = 0; i < 6; ++i)
        f.fake().push_response(503, "");
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag); // 3 attempts, 2 tokens
    BOOST_TEST((f.ec == keyops::error::retry_budget_exhausted));
    BOOST_TEST(f.diag.attempts == 3u);
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag); // no tokens left
    BOOST_TEST((f.ec == keyops::error::retry_budget_exhausted));
    BOOST_TEST(f.diag.attempts == 1u);
    BOOST_TEST(f.fake().requests().size() == 4u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(client_auth)

keyops::ciphertrust_credentials cm_creds() {
    keyops::ciphertrust_credentials c;
    c.username = "admin";
    c.password = "pa55-word-secret";
    return c;
}

std::string grant_type(const keyops::http_request& req) {
    return std::string(boost::json::parse(req.body()).at("grant_type").as_string());
}

BOOST_AUTO_TEST_CASE(password_grant_then_bearer) {
    fixture<keyops::ciphertrust_auth> f{keyops::ciphertrust_auth(cm_creds())};
    f.fake().push_response(200, R"({"jwt":"jwt-1","duration":300,"refresh_token":"ref-1"})");
    f.fake().push_response(200, job_body);
    f.fake().push_response(200, job_body);
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    BOOST_TEST(f.fake().requests().size() == 3u); // one token for both calls
    BOOST_TEST(f.sent(0).target() == "/api/v1/auth/tokens");
    BOOST_TEST(grant_type(f.sent(0)) == "password");
    BOOST_TEST(f.sent(1)[http::field::authorization] == "Bearer jwt-1");
    BOOST_TEST(f.sent(2)[http::field::authorization] == "Bearer jwt-1");
}

BOOST_AUTO_TEST_CASE(a_401_refreshes_once_and_retries) {
    fixture<keyops::ciphertrust_auth> f{keyops::ciphertrust_auth(cm_creds())};
    f.fake().push_response(200, R"({"jwt":"jwt-1","duration":300,"refresh_token":"ref-1"})");
    f.fake().push_response(401,
                           R"({"code":1,"codeDesc":"NCERRUnauthorized: Token is expired by 5s"})");
    f.fake().push_response(200, R"({"jwt":"jwt-2","duration":300})");
    f.fake().push_response(200, job_body);
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    BOOST_TEST_REQUIRE(f.fake().requests().size() == 4u);
    BOOST_TEST(grant_type(f.sent(2)) == "refresh_token");
    BOOST_TEST(boost::json::parse(f.sent(2).body()).at("refresh_token").as_string() == "ref-1");
    BOOST_TEST(f.sent(3)[http::field::authorization] == "Bearer jwt-2");
}

BOOST_AUTO_TEST_CASE(a_second_401_is_final) {
    fixture<keyops::ciphertrust_auth> f{keyops::ciphertrust_auth(cm_creds())};
    f.fake().push_response(200, R"({"jwt":"jwt-1","duration":300,"refresh_token":"ref-1"})");
    f.fake().push_response(401, "");
    f.fake().push_response(200, R"({"jwt":"jwt-2","duration":300})");
    f.fake().push_response(401, R"({"code":1,"codeDesc":"NCERRUnauthorized: no"})");
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::unauthorized));
    BOOST_TEST(f.fake().requests().size() == 4u);
    BOOST_TEST(f.diag.describe(f.ec).find("pa55") == std::string::npos);
    BOOST_TEST(f.diag.describe(f.ec).find("jwt-") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(refused_refresh_token_falls_back_to_password) {
    fixture<keyops::ciphertrust_auth> f{keyops::ciphertrust_auth(cm_creds())};
    f.fake().push_response(200, R"({"jwt":"jwt-1","duration":300,"refresh_token":"ref-1"})");
    f.fake().push_response(401, "");
    f.fake().push_response(401,
                           R"({"code":1,"codeDesc":"NCERRUnauthorized: refresh token expired"})");
    f.fake().push_response(200, R"({"jwt":"jwt-3","duration":300,"refresh_token":"ref-3"})");
    f.fake().push_response(200, job_body);
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    BOOST_TEST_REQUIRE(f.fake().requests().size() == 5u);
    BOOST_TEST(grant_type(f.sent(2)) == "refresh_token");
    BOOST_TEST(grant_type(f.sent(3)) == "password");
    BOOST_TEST(f.sent(4)[http::field::authorization] == "Bearer jwt-3");
}

BOOST_AUTO_TEST_CASE(wrong_password_is_reported_without_secrets) {
    fixture<keyops::ciphertrust_auth> f{keyops::ciphertrust_auth(cm_creds())};
    f.fake().push_response(401,
                           R"({"code":1,"codeDesc":"NCERRUnauthorized: invalid credentials"})");
    try {
        f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"));
        BOOST_FAIL("no exception");
    } catch (const keyops::exception& e) {
        BOOST_TEST((e.code() == keyops::error::unauthorized));
        BOOST_TEST(std::string(e.what()).find("invalid credentials") != std::string::npos);
        BOOST_TEST(std::string(e.what()).find("pa55-word-secret") == std::string::npos);
    }
    BOOST_TEST(f.fake().requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(renewal_uses_renew_refresh_token_when_asked) {
    auto creds = cm_creds();
    creds.renew_refresh_token = true;
    fixture<keyops::ciphertrust_auth> f{keyops::ciphertrust_auth(std::move(creds))};
    f.fake().push_response(200, R"({"jwt":"jwt-1","duration":1,"refresh_token":"ref-1"})");
    f.fake().push_response(200, job_body);
    f.fake().push_response(200, R"({"jwt":"jwt-2","duration":300,"refresh_token":"ref-2"})");
    f.fake().push_response(200, job_body);
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec);
    std::this_thread::sleep_for(1100ms); // the 1 s token is now due for renewal
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    auto body = boost::json::parse(f.sent(2).body());
    BOOST_TEST(body.at("grant_type").as_string() == "refresh_token");
    BOOST_TEST(body.at("renew_refresh_token").as_bool());
    BOOST_TEST(f.c.auth().state().refresh_token() == "ref-2");
}

BOOST_AUTO_TEST_CASE(concurrent_calls_share_one_token_request) {
    fixture<keyops::ciphertrust_auth> f{keyops::ciphertrust_auth(cm_creds())};
    f.fake().push_response(200, R"({"jwt":"jwt-1","duration":300})");
    for (int i = 0; i < 3; ++i)
        f.fake().push_response(200, job_body);
    int done = 0;
    for (int i = 0; i < 3; ++i)
        f.c.async_call<cckm::get_job<cckm::oci>>(
            job_id("j1"), [&](keyops::error_code ec, keyops::parsed<cckm::job>) {
                BOOST_TEST(!ec, ec.message());
                ++done;
            });
    f.io.run();
    BOOST_TEST(done == 3);
    BOOST_TEST_REQUIRE(f.fake().requests().size() == 4u);
    BOOST_TEST(f.sent(0).target() == "/api/v1/auth/tokens");
    for (int i = 1; i < 4; ++i)
        BOOST_TEST(f.sent(i)[http::field::authorization] == "Bearer jwt-1");
}

keyops::network_insight_credentials ni_creds() {
    keyops::network_insight_credentials c;
    c.username = "admin@local";
    c.password = "ni-secret";
    return c;
}

BOOST_AUTO_TEST_CASE(network_insight_token_reauth_and_release) {
    fixture<keyops::network_insight_auth> f{keyops::network_insight_auth(ni_creds())};
    const auto expiry = std::chrono::duration_cast<std::chrono::milliseconds>(
                            (std::chrono::system_clock::now() + 1h).time_since_epoch())
                            .count();
    const std::string token1 = R"({"token":"ni-1","expiry":)" + std::to_string(expiry) + "}";
    const std::string token2 = R"({"token":"ni-2","expiry":)" + std::to_string(expiry) + "}";
    f.fake().push_response(200, token1);
    f.fake().push_response(401, "");
    f.fake().push_response(200, token2);
    f.fake().push_response(200, R"({"customerId":1,"status":"IN_PROGRESS"})");
    f.fake().push_response(204, "");
    auto s = f.c.call<keyops::ni::proxy_key_rotation_status>(f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    BOOST_TEST((s->status.state == keyops::rotation_state::in_progress));
    BOOST_TEST(f.sent(0).target() == "/api/ni/auth/token");
    BOOST_TEST(f.sent(1)[http::field::authorization] == "NetworkInsight ni-1");
    BOOST_TEST(f.sent(3)[http::field::authorization] == "NetworkInsight ni-2");
    f.c.close(f.ec, f.diag);
    BOOST_TEST(!f.ec);
    BOOST_TEST_REQUIRE(f.fake().requests().size() == 5u);
    BOOST_TEST((f.sent(4).method() == http::verb::delete_));
    BOOST_TEST(f.sent(4).target() == "/api/ni/auth/token");
    BOOST_TEST(f.sent(4)[http::field::authorization] == "NetworkInsight ni-2");
    BOOST_TEST(!f.c.auth().has_token());
    BOOST_TEST(f.fake().close_calls() == 1u);
}

BOOST_AUTO_TEST_CASE(async_call_with_only_a_completion_token) {
    // An endpoint without arguments, and no diagnostics: the token is the only argument.
    fixture<keyops::static_token> f{bearer()};
    f.fake().push_response(200, R"({"customerId":1,"status":"IN_PROGRESS"})");
    std::optional<keyops::error_code> got;
    bool in_progress = false;
    f.c.async_call<keyops::ni::proxy_key_rotation_status>(
        [&](keyops::error_code e, keyops::call_result<keyops::ni::proxy_key_rotation_status> r) {
            got = e;
            in_progress = !e && r->status.state == keyops::rotation_state::in_progress;
        });
    f.io.run();
    BOOST_TEST_REQUIRE(got.has_value());
    BOOST_TEST(!*got, got->message());
    BOOST_TEST(in_progress);
}

// The fake transport moves into the release started by ~client: this wrapper keeps a log of
// what was sent where the test can still read it.
struct logged_transport {
    using executor_type = keyops::fake_transport::executor_type;
    keyops::fake_transport fake;
    std::shared_ptr<std::vector<std::string>> sent;

    executor_type get_executor() const { return fake.get_executor(); }
    std::string host_header() const { return fake.host_header(); }
    void close() { fake.close(); }
    void log(const keyops::http_request& req) {
        sent->push_back(std::string(req.method_string()) + " " + std::string(req.target()) + " " +
                        std::string(req[http::field::authorization]));
    }
    template <class Token>
    auto async_exchange(keyops::http_request& req, keyops::http_response& res,
                        const keyops::exchange_options& opt, Token&& token) {
        log(req);
        return fake.async_exchange(req, res, opt, std::forward<Token>(token));
    }
    keyops::error_code exchange(keyops::http_request& req, keyops::http_response& res,
                                const keyops::exchange_options& opt) {
        log(req);
        return fake.exchange(req, res, opt);
    }
};

struct destroyed_ni_client {
    using client_type =
        keyops::client<logged_transport, keyops::network_insight_auth, keyops::no_retry>;
    std::shared_ptr<std::vector<std::string>> sent = std::make_shared<std::vector<std::string>>();

    std::unique_ptr<client_type> make(boost::asio::io_context& io, bool answer_delete = true) {
        logged_transport t{keyops::fake_transport(io.get_executor(), "ni.test"), sent};
        const auto expiry = std::chrono::duration_cast<std::chrono::milliseconds>(
                                (std::chrono::system_clock::now() + 1h).time_since_epoch())
                                .count();
        t.fake.push_response(200, R"({"token":"ni-1","expiry":)" + std::to_string(expiry) + "}");
        t.fake.push_response(200, R"({"customerId":1,"status":"IN_PROGRESS"})");
        if (answer_delete)
            t.fake.push_response(204, "");
        return std::make_unique<client_type>(std::move(t),
                                             keyops::network_insight_auth(ni_creds()));
    }
    static std::string delete_line() { return "DELETE /api/ni/auth/token NetworkInsight ni-1"; }
};

BOOST_AUTO_TEST_CASE(network_insight_token_released_by_the_destructor) {
    destroyed_ni_client d;
    keyops::error_code ec;
    keyops::diagnostics diag;
    {
        // Sync use: the destructor sends the DELETE itself, on the calling thread.
        boost::asio::io_context io;
        auto c = d.make(io);
        c->call<keyops::ni::proxy_key_rotation_status>(ec, diag);
        BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
        BOOST_TEST(d.sent->size() == 2u);
        c.reset();
        BOOST_TEST_REQUIRE(d.sent->size() == 3u);
        BOOST_TEST(d.sent->back() == d.delete_line());
    }
    {
        // A release that fails (nothing scripted for it) is not reported, and does not throw.
        boost::asio::io_context io;
        auto c = d.make(io, false);
        c->call<keyops::ni::proxy_key_rotation_status>(ec, diag);
        BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
        c.reset();
        BOOST_TEST(d.sent->size() == 6u);
    }
    d.sent->clear();
    {
        // Async use: the release waits for the io_context to run again, and runs then.
        boost::asio::io_context io;
        auto c = d.make(io);
        bool done = false;
        c->async_call<keyops::ni::proxy_key_rotation_status>(
            [&](keyops::error_code, auto) { done = true; });
        io.run();
        BOOST_TEST_REQUIRE(done);
        c.reset();
        BOOST_TEST(d.sent->size() == 2u);
        io.restart();
        io.run();
        BOOST_TEST_REQUIRE(d.sent->size() == 3u);
        BOOST_TEST(d.sent->back() == d.delete_line());
    }
    d.sent->clear();
    {
        // Destroyed inside a handler while run() goes on: released before run() returns.
        boost::asio::io_context io;
        auto c = d.make(io);
        c->async_call<keyops::ni::proxy_key_rotation_status>(
            [&](keyops::error_code, auto) { c.reset(); });
        io.run();
        BOOST_TEST(!c);
        BOOST_TEST_REQUIRE(d.sent->size() == 3u);
        BOOST_TEST(d.sent->back() == d.delete_line());
    }
    d.sent->clear();
    {
        // Async use, and the io_context is never run again: nothing is sent, and destroying
        // the io_context frees the pending release (the sanitizer build checks for leaks).
        boost::asio::io_context io;
        auto c = d.make(io);
        c->async_call<keyops::ni::proxy_key_rotation_status>([](keyops::error_code, auto) {});
        io.run();
        c.reset();
    }
    BOOST_TEST(d.sent->size() == 2u);
}

BOOST_AUTO_TEST_CASE(network_insight_token_cap_is_reported_as_such) {
    fixture<keyops::network_insight_auth> f{keyops::network_insight_auth(ni_creds())};
    f.fake().push_response(401,
                           R"({"code":401,"message":"Token limit reached for user","details":[]})");
    f.c.call<keyops::ni::proxy_key_details>(f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::token_limit_reached));
    BOOST_TEST(f.diag.describe(f.ec).find("ni-secret") == std::string::npos);
    f.fake().push_response(401, R"({"code":401,"message":"Invalid credentials"})");
    f.c.call<keyops::ni::proxy_key_details>(f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::unauthorized));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(client_secrets)

BOOST_AUTO_TEST_CASE(secrets_a_server_echoes_are_redacted_from_diagnostics) {
    // A server (or a proxy) that echoes the Authorization header or the login body into its
    // error texts: neither the JWT nor the refresh token nor the password reaches the caller.
    keyops::ciphertrust_credentials who;
    who.username = "admin";
    who.password = "hunter2-secret";
    fixture<keyops::ciphertrust_auth, keyops::no_retry> f{keyops::ciphertrust_auth(who),
                                                          keyops::no_retry()};
    f.fake().push_response(
        200,
        R"({"jwt":"eyJhbGciOi.jwt-value.sig","refresh_token":"rt-0123456789","duration":300})");
    f.fake().push_response(
        403, R"({"code":13,"codeDesc":"NCERRForbidden: Bearer eyJhbGciOi.jwt-value.sig",)"
             R"("message":"body was {\"password\":\"hunter2-secret\",\"refresh_token\":)"
             R"(\"rt-0123456789\"}","requestID":"rq eyJhbGciOi.jwt-value.sig"})");
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::forbidden));
    const std::string all = f.diag.describe(f.ec);
    BOOST_TEST(all.find("jwt-value") == std::string::npos, all);
    BOOST_TEST(all.find("hunter2-secret") == std::string::npos, all);
    BOOST_TEST(all.find("rt-0123456789") == std::string::npos, all);
    BOOST_TEST(all.find("<redacted>") != std::string::npos, all);
    BOOST_TEST(f.diag.server_code_desc == "NCERRForbidden: Bearer <redacted>");
}

BOOST_AUTO_TEST_SUITE_END()

// The observer: every attempt, retry, token request, connect and poll, in order, with the
// client's counters agreeing.
namespace {
struct recording_observer : keyops::observer {
    std::vector<std::string> events;
    void on_connect(const keyops::connect_event& e) override {
        events.push_back(std::string("connect ") + (e.ec ? "failed" : "ok"));
    }
    void on_request(const keyops::request_event& e) override {
        events.push_back("request " + std::string(e.method) + ' ' + std::string(e.target) + " #" +
                         std::to_string(e.attempt) + (e.token_request ? " token" : ""));
    }
    void on_response(const keyops::response_event& e) override {
        events.push_back("response " + std::to_string(e.status) + (e.ec ? " error" : "") +
                         (e.token_request ? " token" : ""));
    }
    void on_retry(const keyops::retry_event& e) override {
        events.push_back("retry after " + std::to_string(e.status) + " #" +
                         std::to_string(e.attempt));
    }
    void on_token_renewal(const keyops::renewal_event& e) override {
        events.push_back(std::string("renewal ") + (e.ec ? "failed" : "ok"));
    }
    void on_wait_poll(const keyops::poll_event& e) override {
        events.push_back("poll " + std::string(e.kind) + ' ' + std::to_string(e.jobs) + " left " +
                         std::to_string(e.still_waiting) + (e.transient ? " transient" : ""));
    }
};
} // namespace

BOOST_AUTO_TEST_SUITE(client_observer)

BOOST_AUTO_TEST_CASE(sees_requests_retries_renewals_and_counts_them) {
    recording_observer obs;
    keyops::client_options opt;
    opt.observer = &obs;
    fixture<keyops::ciphertrust_auth> f{keyops::ciphertrust_auth(client_auth::cm_creds()),
                                        keyops::exponential_backoff(fast_backoff(), 7), opt};
    f.fake().push_response(200, R"({"jwt":"jwt-1","duration":300,"refresh_token":"ref-1"})");
    f.fake().push_response(503, "", {{"Retry-After", "0"}});
    f.fake().push_error(boost::asio::error::connection_refused);
    f.fake().push_response(200, job_body);
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    const std::string target = "/api/v1/cckm/oci/synchronization-jobs/j1";
    const std::vector<std::string> want = {
        "request POST /api/v1/auth/tokens #1 token",
        "connect ok",
        "response 200 token",
        "renewal ok",
        "request GET " + target + " #1",
        "connect ok", // the fake transport keeps no connection
        "response 503",
        "retry after 503 #1",
        "request GET " + target + " #2",
        "connect failed",
        "response 0 error",
        "retry after 0 #2",
        "request GET " + target + " #3",
        "connect ok",
        "response 200",
    };
    BOOST_TEST(obs.events == want, boost::test_tools::per_element());
    const keyops::client_counters& n = f.c.counters();
    BOOST_TEST(n.requests == 4u);
    BOOST_TEST(n.retries == 2u);
    BOOST_TEST(n.renewals == 1u);
    BOOST_TEST(n.connects >= 3u);
    BOOST_TEST(n.bytes_out > 0u);
    BOOST_TEST(n.bytes_in > job_body.size());
    // Never a secret in an event.
    for (const auto& e : obs.events) {
        BOOST_TEST(e.find("jwt-1") == std::string::npos);
        BOOST_TEST(e.find(client_auth::cm_creds().password) == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(sees_each_wait_poll) {
    recording_observer obs;
    keyops::client_options opt;
    opt.observer = &obs;
    keyops::backoff_options once = fast_backoff();
    once.max_attempts = 1; // the wait, not the call, rides out the 503
    fixture<> f{keyops::no_auth(), keyops::exponential_backoff(once, 7), opt};
    f.fake().push_response(200, R"({"id":"j1","overall_status":"in_progress"})");
    f.fake().push_response(503, "");
    f.fake().push_response(200, R"({"id":"j1","overall_status":"completed"})");
    keyops::wait_options w;
    w.polling.first_interval = std::chrono::milliseconds(1);
    w.polling.max_interval = std::chrono::milliseconds(1);
    w.polling.deadline = std::chrono::seconds(10);
    auto r = keyops::wait_for_job<cckm::oci>(f.c, "j1", w);
    BOOST_TEST((r.outcome == keyops::wait_outcome::completed));
    std::vector<std::string> polls;
    for (const auto& e : obs.events)
        if (e.rfind("poll ", 0) == 0)
            polls.push_back(e);
    const std::vector<std::string> want = {"poll oci 1 left 1", "poll oci 1 left 1 transient",
                                           "poll oci 1 left 0"};
    BOOST_TEST(polls == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
