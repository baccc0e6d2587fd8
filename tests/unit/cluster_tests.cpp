// CipherTrust clusters and sessions without a socket: node URL lists, the read-after-write grace
// of a job this client started, and the refresh token revoked when the session ends.

#include <keyops/client/client.hpp>
#include <keyops/keyops.hpp>
#include <keyops/transport/fake_transport.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

namespace cckm = keyops::cckm;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using keyops::job_id;

namespace {

const std::string started_body =
    R"({"id":"j1","overall_status":"in_progress","abort":false,"key_vaults":["v1"]})";
const std::string job_body =
    R"({"id":"j1","overall_status":"completed","abort":false,"key_vaults":["v1"]})";
const std::string not_found_body =
    R"({"code":16,"codeDesc":"NCERRResourceNotFound: Resource not found","message":"no job"})";
const std::string token_body =
    R"({"jwt":"jwt-1","duration":300,"refresh_token":"ref-secret-1","refresh_token_id":"rid-1"})";

keyops::backoff_options fast_backoff() {
    keyops::backoff_options o;
    o.initial_delay = 1ms;
    o.max_delay = 5ms;
    return o;
}

template <class Auth = keyops::no_auth>
struct fixture {
    boost::asio::io_context io;
    keyops::client<keyops::fake_transport, Auth> c;
    keyops::error_code ec;
    keyops::diagnostics diag;

    explicit fixture(Auth auth = Auth(), keyops::client_options opt = {})
        : c(keyops::fake_transport(io.get_executor(), "cm.test"), std::move(auth),
            keyops::exponential_backoff(fast_backoff(), 7), opt) {}

    keyops::fake_transport& fake() { return c.transport(); }
    const keyops::http_request& sent(std::size_t i) { return fake().requests().at(i); }
};

keyops::client_options grace(std::chrono::milliseconds g) {
    keyops::client_options o;
    o.read_after_write_grace = g;
    return o;
}

keyops::ciphertrust_credentials cm_creds() {
    keyops::ciphertrust_credentials c;
    c.username = "admin";
    c.password = "pa55-word-secret";
    return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(clusters)

BOOST_AUTO_TEST_CASE(node_url_lists) {
    keyops::transport_options t;
    std::string path = "unchanged";
    BOOST_TEST_REQUIRE(!keyops::parse_server_urls(
        "https://cm1.example:8443, https://cm2.example,https://[::1]:9443", t, &path));
    BOOST_TEST(t.host == "cm1.example");
    BOOST_TEST(t.port == 8443);
    BOOST_TEST(t.use_tls);
    BOOST_TEST(path.empty());
    BOOST_TEST_REQUIRE(t.other_nodes.size() == 2u);
    BOOST_TEST(t.other_nodes[0].host == "cm2.example");
    BOOST_TEST(t.other_nodes[0].port == 443);
    BOOST_TEST(t.other_nodes[1].host == "::1");
    BOOST_TEST(t.other_nodes[1].port == 9443);

    // One URL is the plain case, and clears nodes left from before.
    BOOST_TEST_REQUIRE(!keyops::parse_server_urls("http://cm.example/base/", t, &path));
    BOOST_TEST(t.host == "cm.example");
    BOOST_TEST(!t.use_tls);
    BOOST_TEST(t.port == 80);
    BOOST_TEST(path == "/base");
    BOOST_TEST(t.other_nodes.empty());

    // The same path on every node is fine; anything mixed is not, and leaves t alone.
    BOOST_TEST(!keyops::parse_server_urls("https://a/api,https://b/api", t, &path));
    BOOST_TEST(path == "/api");
    BOOST_TEST(t.other_nodes.size() == 1u);
    for (const char* bad : {"https://a,http://b", "https://a/api,https://b", "https://a,,https://b",
                            "https://a,", ",https://a", "", "https://a,ftp://b",
                            "https://a,https://b:0", "https://a,https://user@b"}) {
        keyops::transport_options u;
        u.host = "kept";
        BOOST_TEST((keyops::parse_server_urls(bad, u) == keyops::error::invalid_argument), bad);
        BOOST_TEST(u.host == "kept", bad);
        BOOST_TEST(u.other_nodes.empty(), bad);
    }
}

BOOST_AUTO_TEST_CASE(a_job_just_started_is_read_again_while_not_visible) {
    fixture<> f(keyops::no_auth(), grace(2000ms));
    f.fake().push_response(201, started_body);
    f.fake().push_response(404, not_found_body);
    f.fake().push_response(404, not_found_body);
    f.fake().push_response(200, job_body);
    auto started =
        f.c.call<cckm::start_job<cckm::oci>>(keyops::cckm::raw_json_body{"{}"}, f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    BOOST_TEST(started->id == "j1");
    auto j = f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    BOOST_TEST(j->overall_status.raw == "completed");
    BOOST_TEST(f.fake().requests().size() == 4u);
    BOOST_TEST(f.c.counters().retries == 2u);
    BOOST_TEST(f.diag.attempts == 3u);

    // Another id gets no grace: its 404 is an answer.
    f.fake().push_response(404, not_found_body);
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j9"), f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::not_found));
    BOOST_TEST(f.fake().requests().size() == 5u);
}

BOOST_AUTO_TEST_CASE(the_grace_also_holds_for_async_calls) {
    fixture<> f(keyops::no_auth(), grace(2000ms));
    f.fake().push_response(201, started_body);
    f.fake().push_response(404, not_found_body);
    f.fake().push_response(200, job_body);
    auto s = f.c.async_call<cckm::start_job<cckm::oci>>(keyops::cckm::raw_json_body{"{}"},
                                                        boost::asio::use_future);
    f.io.run();
    BOOST_TEST(s.get()->id == "j1");
    f.io.restart();
    auto g = f.c.async_call<cckm::get_job<cckm::oci>>(job_id("j1"), boost::asio::use_future);
    f.io.run();
    BOOST_TEST(g.get()->overall_status.raw == "completed");
    BOOST_TEST(f.fake().requests().size() == 3u);
}

BOOST_AUTO_TEST_CASE(without_grace_or_after_it_a_404_is_not_found) {
    {
        fixture<> f(keyops::no_auth(), grace(0ms));
        f.fake().push_response(201, started_body);
        f.fake().push_response(404, not_found_body);
        f.c.call<cckm::start_job<cckm::oci>>(keyops::cckm::raw_json_body{"{}"}, f.ec, f.diag);
        BOOST_TEST_REQUIRE(!f.ec);
        f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
        BOOST_TEST((f.ec == keyops::error::not_found));
        BOOST_TEST(f.fake().requests().size() == 2u);
    }
    {
        // A short grace that runs out: the call ends with not_found, and the job it never saw
        // was asked for only while the grace lasted (steps are left over).
        fixture<> f(keyops::no_auth(), grace(150ms));
        f.fake().push_response(201, started_body);
        for (int i = 0; i < 20; ++i)
            f.fake().push_response(404, not_found_body);
        f.c.call<cckm::start_job<cckm::oci>>(keyops::cckm::raw_json_body{"{}"}, f.ec, f.diag);
        BOOST_TEST_REQUIRE(!f.ec);
        f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
        BOOST_TEST((f.ec == keyops::error::not_found));
        BOOST_TEST(f.diag.attempts >= 2u);
        BOOST_TEST(f.fake().pending_steps() > 0u);
        BOOST_TEST(f.diag.server_code_desc.find("NCERRResourceNotFound") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(close_revokes_the_refresh_token) {
    fixture<keyops::ciphertrust_auth> f{keyops::ciphertrust_auth(cm_creds())};
    f.fake().push_response(200, token_body);
    f.fake().push_response(200, job_body);
    f.fake().push_response(200, "{}");
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    BOOST_TEST(f.c.auth().needs_release());
    f.c.close(f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    BOOST_TEST_REQUIRE(f.fake().requests().size() == 3u);
    const auto& revoke = f.sent(2);
    BOOST_TEST(revoke.method() == http::verb::post);
    BOOST_TEST(revoke.target() == "/api/v1/auth/revoke");
    BOOST_TEST(revoke[http::field::authorization] == "Bearer jwt-1");
    const auto body = boost::json::parse(revoke.body()).as_object();
    BOOST_TEST(body.at("token").as_string() == "ref-secret-1");
    BOOST_TEST(body.at("token_type_hint").as_string() == "refresh_token");
    BOOST_TEST(!f.c.auth().needs_release());
    BOOST_TEST(f.c.auth().state().refresh_token().empty());

    // Nothing more to revoke: a second close sends nothing.
    f.c.close(f.ec, f.diag);
    BOOST_TEST(!f.ec);
    BOOST_TEST(f.fake().requests().size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_refused_revocation_is_reported_without_the_token) {
    fixture<keyops::ciphertrust_auth> f{keyops::ciphertrust_auth(cm_creds())};
    f.fake().push_response(200, token_body);
    f.fake().push_response(200, job_body);
    // A server that echoes what it was sent must not put the token in our diagnostics.
    f.fake().push_response(
        500, R"({"code":1,"codeDesc":"NCERRInternal","message":"cannot revoke ref-secret-1"})");
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec);
    f.c.close(f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::server_error));
    const std::string text = f.diag.describe(f.ec);
    BOOST_TEST(text.find("ref-secret-1") == std::string::npos, text);
    BOOST_TEST(text.find("revoked") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(revocation_can_be_turned_off) {
    auto creds = cm_creds();
    creds.revoke_on_close = false;
    fixture<keyops::ciphertrust_auth> f{keyops::ciphertrust_auth(std::move(creds))};
    f.fake().push_response(200, token_body);
    f.fake().push_response(200, job_body);
    f.c.call<cckm::get_job<cckm::oci>>(job_id("j1"), f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec);
    BOOST_TEST(!f.c.auth().needs_release());
    f.c.close(f.ec, f.diag);
    BOOST_TEST(!f.ec);
    BOOST_TEST(f.fake().requests().size() == 2u);
}

BOOST_AUTO_TEST_CASE(the_csp_exchange_is_a_form_post_to_another_origin) {
    keyops::request_context ctx;
    ctx.host = "api.mgmt.example";
    keyops::error_code ec;
    auto req = keyops::build_request<keyops::csp::authorize>(
        ctx, keyops::csp::api_token_grant{"a+b c/d=e"}, ec);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(req.method() == http::verb::post);
    BOOST_TEST(req.target() ==
               "https://console.cloud.vmware.com/csp/gateway/am/api/auth/api-tokens/authorize");
    BOOST_TEST(req[http::field::content_type] == "application/x-www-form-urlencoded");
    BOOST_TEST(req.body() == "api_token=a%2Bb%20c%2Fd%3De");
    // An empty token is refused before anything is sent.
    keyops::build_request<keyops::csp::authorize>(ctx, keyops::csp::api_token_grant{}, ec);
    BOOST_TEST((ec == keyops::error::invalid_argument));

    auto v = keyops::build_request<keyops::ni::create_token_vidm>(
        ctx, keyops::ni::vidm_credentials{"vidm-1"}, ec);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(v.target() == "/api/ni/auth/token/vidm");
    BOOST_TEST(boost::json::parse(v.body()).at("vidm_token").as_string() == "vidm-1");
}

BOOST_AUTO_TEST_CASE(csp_auth_exchanges_sends_and_renews) {
    keyops::network_insight_csp_credentials cr;
    cr.api_token = "csp-api-secret";
    keyops::client_options o;
    o.network_insight_base = "/ni/api/ni";
    fixture<keyops::network_insight_csp_auth> f(keyops::network_insight_csp_auth(cr), o);
    f.fake().push_response(200,
                           R"({"access_token":"acc-1","expires_in":1800,"token_type":"bearer"})");
    f.fake().push_response(200, R"({"status":"SUCCESS"})");
    f.fake().push_response(401, R"({"code":401,"message":"expired"})");
    f.fake().push_response(200, R"({"access_token":"acc-2","expires_in":1800})");
    f.fake().push_response(200, R"({"status":"SUCCESS"})");
    f.c.call<keyops::ni::proxy_key_rotation_status>(f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    BOOST_TEST(f.sent(0).target() ==
               "https://console.cloud.vmware.com/csp/gateway/am/api/auth/api-tokens/authorize");
    BOOST_TEST(f.sent(0).body() == "api_token=csp-api-secret");
    BOOST_TEST(f.sent(1).target() ==
               "/ni/api/ni/customers/collector/data-encryption-cert/update/status");
    BOOST_TEST(f.sent(1)["csp-auth-token"] == "acc-1");
    BOOST_TEST(f.sent(1).count(http::field::authorization) == 0u);
    // A 401 drops the access token: a new exchange, and the call is made again with it.
    f.c.call<keyops::ni::proxy_key_rotation_status>(f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec, f.diag.describe(f.ec));
    BOOST_TEST(f.fake().requests().size() == 5u);
    BOOST_TEST(f.sent(4)["csp-auth-token"] == "acc-2");
    BOOST_TEST(f.c.counters().renewals == 2u);
}

BOOST_AUTO_TEST_CASE(a_refused_csp_token_is_unauthorized_with_csps_words) {
    keyops::network_insight_csp_credentials cr;
    cr.api_token = "csp-api-secret";
    fixture<keyops::network_insight_csp_auth> f{keyops::network_insight_csp_auth(cr)};
    f.fake().push_response(
        400,
        R"({"statusCode":400,"message":"invalid_grant for csp-api-secret","requestId":"r-9"})");
    f.c.call<keyops::ni::proxy_key_details>(f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::unauthorized));
    BOOST_TEST(f.diag.server_code.value_or(0) == 400);
    BOOST_TEST(f.diag.request_id == "r-9");
    const std::string text = f.diag.describe(f.ec);
    BOOST_TEST(text.find("csp-api-secret") == std::string::npos, text);
    BOOST_TEST(text.find("CSP API token was refused") != std::string::npos, text);
}

BOOST_AUTO_TEST_SUITE_END()
