// The CipherTrust scheduler end to end against keyops-sim (see sim_tests.cpp): a schedule
// created, run at once, its run waited for, then deleted; the requests of Thales' own clients
// (the Terraform provider's scheduler bodies, as Go's encoder writes them, and the PowerShell
// module's refresh-token calls), sent as they send them, and their results read back with keyops.

#include "sim_support.hpp"

#include <keyops/wait/run_wait.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace scheduler = keyops::scheduler;
using namespace std::chrono_literals;
using namespace sim_support;

namespace sim {
struct run_now_empty : admin_endpoint<keyops::http_method::post, keyops::empty_response, true> {
    static constexpr auto path = keyops::fixed_string("/__sim/run-now-empty");
};
} // namespace sim

namespace {

keyops::wait_options quick_wait() {
    keyops::wait_options w;
    w.polling.first_interval = 100ms;
    w.polling.growth = 1.0;
    w.polling.max_interval = 100ms;
    w.polling.deadline = 30s;
    return w;
}

scheduler::cckm_sync_schedule aws_schedule(std::string name) {
    scheduler::cckm_sync_schedule s;
    s.name = std::move(name);
    s.cloud_name = "aws";
    s.run_at = "0 2 * * *";
    s.kms = {"kms-prod", "kms-dev"};
    s.extra = R"({"description":"made by the integration test"})";
    return s;
}

// One request as another client sends it: the headers given and nothing else (no Accept unless
// given), over TLS verified against the simulator's CA. Answers the status and the body.
struct raw_answer {
    unsigned status = 0;
    std::string body;
};

raw_answer raw_request(boost::beast::http::verb method, const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers,
                       const std::string& body = "") {
    namespace net = boost::asio;
    namespace http = boost::beast::http;
    const keyops::transport_options where = sim_transport();
    const std::string host = where.host;
    const std::string port = std::to_string(where.port);
    net::io_context io;
    net::ssl::context tls(net::ssl::context::tls_client);
    tls.load_verify_file(env("KEYOPS_SIM_CA"));
    tls.set_verify_mode(net::ssl::verify_peer);
    net::ssl::stream<net::ip::tcp::socket> stream(io, tls);
    net::connect(stream.next_layer(), net::ip::tcp::resolver(io).resolve(host, port));
    stream.handshake(net::ssl::stream_base::client);
    http::request<http::string_body> req(method, target, 11);
    req.set(http::field::host, host);
    for (const auto& [name, value] : headers)
        req.set(name, value);
    if (!body.empty() || method == http::verb::post || method == http::verb::patch) {
        req.body() = body;
        req.prepare_payload();
    }
    http::write(stream, req);
    boost::beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    boost::system::error_code ignored;
    stream.shutdown(ignored);
    return {res.result_int(), res.body()};
}

// The headers of Go's net/http (the Terraform provider): no Accept at all.
std::vector<std::pair<std::string, std::string>> go_headers(const std::string& token) {
    return {{"User-Agent", "Go-http-client/1.1"},
            {"Content-Type", "application/json"},
            {"Authorization", "Bearer " + token}};
}

std::string access_token(sim_fixture& f) {
    // A password grant as Python's requests sends it (Accept: */*); the token goes into the
    // Go-style requests below.
    auto a = raw_request(boost::beast::http::verb::post, "/api/v1/auth/tokens",
                         {{"Accept", "*/*"}, {"Content-Type", "application/json"}},
                         R"({"grant_type":"password","username":"admin","password":"admin"})");
    BOOST_TEST_REQUIRE(a.status == 200u, a.body);
    (void)f;
    return std::string(boost::json::parse(a.body).at("jwt").as_string());
}

// The provider's create body for an AWS synchronization, as Go's encoder writes its struct:
// every member, null for the other operations and absent lists, "" and the zero time for what
// was not given.
const std::string go_sync_create =
    R"({"name":"tf-aws-sync","operation":"cckm_synchronization","run_on":"",)"
    R"("run_at":"0 2 * * *","description":"","disabled":false,)"
    R"("start_date":"0001-01-01T00:00:00Z","end_date":"0001-01-01T00:00:00Z",)"
    R"("database_backup_params":null,"cckm_synchronization_params":{"cloud_name":"aws",)"
    R"("kms":["kms-prod","kms-dev"],"oci_vaults":null,"synchronize_all":false},)"
    R"("cckm_key_rotation_params":null,"cckm_xks_credential_rotation_params":null})";

// The provider's PATCH: "" for what it does not change, null to clear the kms list.
const std::string go_sync_patch =
    R"({"name":"","operation":"","run_on":"","run_at":"30 3 * * *","description":"",)"
    R"("disabled":false,"start_date":"0001-01-01T00:00:00Z","end_date":"0001-01-01T00:00:00Z",)"
    R"("database_backup_params":null,"cckm_synchronization_params":{"cloud_name":"","kms":null,)"
    R"("oci_vaults":null,"synchronize_all":true},"cckm_key_rotation_params":null,)"
    R"("cckm_xks_credential_rotation_params":null})";

const std::string go_rotation_create =
    R"({"name":"tf-aws-rotate","operation":"cckm_key_rotation","run_on":"",)"
    R"("run_at":"0 1 1 * *","description":"","disabled":false,)"
    R"("start_date":"0001-01-01T00:00:00Z","end_date":"2027-12-31T00:00:00Z",)"
    R"("database_backup_params":null,"cckm_synchronization_params":null,)"
    R"("cckm_key_rotation_params":{"cloud_name":"aws","expiration":"365d","expire_in":"",)"
    R"("rotation_after":"90d","aws_param":{"retain_alias":true,"rotate_material":false}},)"
    R"("cckm_xks_credential_rotation_params":null})";

} // namespace

BOOST_AUTO_TEST_SUITE(sim)

BOOST_FIXTURE_TEST_CASE(scheduler_terraform_bodies_read_back_with_keyops, sim_fixture) {
    namespace http = boost::beast::http;
    const std::string token = access_token(*this);
    const std::string base = "/api/v1/scheduler/job-configs";

    auto created = raw_request(http::verb::post, base, go_headers(token), go_sync_create);
    BOOST_TEST_REQUIRE(created.status == 201u, created.body);
    const std::string id(boost::json::parse(created.body).at("id").as_string());

    // keyops reads it back: the parameters under job_config_params, the zero times not set.
    auto cfg = cm.call<scheduler::get_config>(scheduler::config_id(id));
    BOOST_TEST(cfg->name == "tf-aws-sync");
    BOOST_TEST(cfg->operation == scheduler::cckm_synchronization);
    BOOST_TEST(cfg->run_on == "any"); // "" is the default
    BOOST_TEST((cfg->disabled == false));
    BOOST_TEST(!cfg->start_date.is_set());
    BOOST_TEST(!cfg->end_date.is_set());
    BOOST_TEST(!cfg->dev_account.empty());
    BOOST_TEST(!cfg->application.empty());
    BOOST_TEST(!cfg->job_config_params.empty());
    BOOST_TEST(&cfg->params() == &cfg->job_config_params);
    BOOST_TEST(cfg->params().cloud_name == "aws");
    BOOST_TEST_REQUIRE(cfg->params().kms.size() == 2u);
    BOOST_TEST(cfg->params().kms[0] == "kms-prod");
    BOOST_TEST(cfg->params().oci_vaults.empty());
    BOOST_TEST((cfg->params().synchronize_all == false));

    // The PATCH: "" keeps, null clears.
    auto patched =
        raw_request(http::verb::patch, base + "/" + id, go_headers(token), go_sync_patch);
    BOOST_TEST_REQUIRE(patched.status == 200u, patched.body);
    cfg = cm.call<scheduler::get_config>(scheduler::config_id(id));
    BOOST_TEST(cfg->name == "tf-aws-sync");
    BOOST_TEST(cfg->operation == scheduler::cckm_synchronization);
    BOOST_TEST(cfg->run_at == "30 3 * * *");
    BOOST_TEST(cfg->params().cloud_name == "aws");
    BOOST_TEST(cfg->params().kms.empty());
    BOOST_TEST((cfg->params().synchronize_all == true));

    // Key rotation, with one date set.
    auto rot = raw_request(http::verb::post, base, go_headers(token), go_rotation_create);
    BOOST_TEST_REQUIRE(rot.status == 201u, rot.body);
    const std::string rot_id(boost::json::parse(rot.body).at("id").as_string());
    auto r = cm.call<scheduler::get_config>(scheduler::config_id(rot_id));
    BOOST_TEST(r->operation == scheduler::cckm_key_rotation);
    BOOST_TEST(r->params().expiration == "365d");
    BOOST_TEST(r->params().expire_in.empty());
    BOOST_TEST(r->params().rotation_after == "90d");
    BOOST_TEST((r->params().aws_param.retain_alias == true));
    BOOST_TEST((r->params().aws_param.rotate_material == false));
    BOOST_TEST(!r->start_date.is_set());
    BOOST_TEST(r->end_date.is_set());

    // The provider's list: limit=-1, every config on one page; keyops asks the same.
    auto all = raw_request(http::verb::get, base + "?skip=0&limit=-1", go_headers(token));
    BOOST_TEST_REQUIRE(all.status == 200u, all.body);
    const auto every = boost::json::parse(all.body).as_object();
    BOOST_TEST(every.at("resources").as_array().size() == 3u); // with the seed config
    scheduler::config_list_query q;
    q.every = true;
    auto page = cm.call<scheduler::list_configs>(q);
    BOOST_TEST(page->resources.size() == 3u);
    BOOST_TEST(*page->total == 3u);
    BOOST_TEST(!scheduler::next_page_skip(*page, 0));

    // What the server refuses stays refused: kms as a string (the Ansible collection's bug).
    std::string bad = go_sync_create;
    bad.replace(bad.find(R"(["kms-prod","kms-dev"])"), 22, R"("kms-prod")");
    bad.replace(bad.find("tf-aws-sync"), 11, "tf-aws-bad1");
    auto refused = raw_request(http::verb::post, base, go_headers(token), bad);
    BOOST_TEST(refused.status == 400u, refused.body);
}

BOOST_FIXTURE_TEST_CASE(scheduler_typed_bodies_round_trip, sim_fixture) {
    scheduler::cckm_key_rotation_schedule rot;
    rot.name = "it-rotate";
    rot.run_at = "0 1 1 * *";
    rot.cloud_name = "oci";
    rot.expiration = "30d";
    rot.expire_in = "12h";
    rot.start_date = "2026-01-01T00:00:00Z";
    auto r = cm.call<scheduler::create_config>(rot);
    BOOST_TEST(r->operation == scheduler::cckm_key_rotation);
    BOOST_TEST(r->params().cloud_name == "oci");
    BOOST_TEST(r->params().expiration == "30d");
    BOOST_TEST(r->params().expire_in == "12h");
    BOOST_TEST(r->start_date.is_set());
    BOOST_TEST(!r->end_date.is_set());

    scheduler::config_update u;
    u.expire_in = scheduler::cleared;
    u.rotation_after = std::string("60d");
    u.description = std::string("monthly");
    auto p = cm.call<scheduler::update_config>(scheduler::config_id(r->id), u);
    BOOST_TEST(p->description == "monthly");
    BOOST_TEST(p->params().expiration == "30d"); // not sent: kept
    BOOST_TEST(p->params().expire_in.empty());   // null: cleared
    BOOST_TEST(p->params().rotation_after == "60d");

    scheduler::xks_credential_rotation_schedule x;
    x.name = "it-xks";
    x.run_at = "0 0 * * 0";
    auto xc = cm.call<scheduler::create_config>(x);
    BOOST_TEST(xc->operation == scheduler::cckm_xks_credential_rotation);
    BOOST_TEST(xc->params().cloud_name == "aws");

    scheduler::database_backup_schedule b;
    b.name = "it-backup";
    b.run_at = "0 3 * * *";
    b.scope = "domain";
    b.retention_count = 5;
    b.filters = {{"Keys", R"({"name":"*enc-key*"})"}};
    auto bc = cm.call<scheduler::create_config>(b);
    BOOST_TEST(bc->operation == scheduler::database_backup);
    BOOST_TEST(bc->params().scope == "domain");
    BOOST_TEST((bc->params().retention_count == std::optional<std::int64_t>(5)));
    BOOST_TEST_REQUIRE(bc->params().filters.size() == 1u);
    BOOST_TEST(bc->params().filters[0].resource_query.as_object().string("name") == "*enc-key*");

    // A run of a key rotation config ends like any run.
    auto started = cm.call<scheduler::run_now>(scheduler::config_id(r->id));
    BOOST_TEST(started->operation == scheduler::cckm_key_rotation);
    auto done = keyops::wait_for_run(cm, std::string(started->id), quick_wait());
    BOOST_TEST((done.outcome == keyops::wait_outcome::completed), done.diag.describe(done.ec));
}

BOOST_FIXTURE_TEST_CASE(powershell_refresh_token_calls, sim_fixture) {
    namespace http = boost::beast::http;
    // The PowerShell module's login (no Accept header), with labels on the refresh token.
    const std::vector<std::pair<std::string, std::string>> ps = {
        {"User-Agent", "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) PowerShell/7.4.1"},
        {"Content-Type", "application/json"}};
    auto login = raw_request(http::verb::post, "/api/v1/auth/tokens", ps,
                             R"({"grant_type":"password","username":"admin","password":"admin",)"
                             R"("labels":["keyops-it","ps"]})");
    BOOST_TEST_REQUIRE(login.status == 200u, login.body);
    const auto grant = boost::json::parse(login.body).as_object();
    const std::string jwt(grant.at("jwt").as_string());
    const std::string refresh_id(grant.at("refresh_token_id").as_string());
    const std::string refresh(grant.at("refresh_token").as_string());
    auto auth = ps;
    auth.emplace_back("Authorization", "Bearer " + jwt);

    auto list =
        raw_request(http::verb::get, "/api/v1/auth/tokens?labels=keyops-it&skip=0&limit=10", auth);
    BOOST_TEST_REQUIRE(list.status == 200u, list.body);
    const auto page = boost::json::parse(list.body).as_object();
    BOOST_TEST(page.at("total").to_number<int>() == 1);
    const auto& one = page.at("resources").as_array().at(0).as_object();
    BOOST_TEST(one.at("id").as_string() == refresh_id);
    BOOST_TEST(list.body.find(refresh) == std::string::npos); // never the secret
    BOOST_TEST(list.body.find(jwt) == std::string::npos);

    auto got = raw_request(http::verb::get, "/api/v1/auth/tokens/" + refresh_id, auth);
    BOOST_TEST(got.status == 200u, got.body);
    BOOST_TEST(boost::json::parse(got.body).at("id").as_string() == refresh_id);

    auto none = raw_request(http::verb::get, "/api/v1/auth/tokens?labels=keyops-it,other", auth);
    BOOST_TEST(boost::json::parse(none.body).at("total").to_number<int>() == 0);

    auto del = raw_request(http::verb::delete_, "/api/v1/auth/tokens/" + refresh_id, auth);
    BOOST_TEST(del.status / 100 == 2u, del.body);
    auto gone = raw_request(http::verb::get, "/api/v1/auth/tokens/" + refresh_id, auth);
    BOOST_TEST(gone.status == 404u);

    // keyops' own sessions are listed there too while they last, and revoked when they end.
    cm.call<scheduler::list_configs>(scheduler::config_list_query{});
    auto listed = raw_request(http::verb::get, "/api/v1/auth/tokens?limit=-1", auth);
    BOOST_TEST_REQUIRE(listed.status == 200u, listed.body);
    BOOST_TEST(boost::json::parse(listed.body).at("total").to_number<int>() >= 1);
}

BOOST_FIXTURE_TEST_CASE(a_throttled_start_is_retried_and_the_job_starts, sim_fixture) {
    // OCI's throttling passed through twice on the start, under a 500 and a 400.
    fault(R"({"route":"/api/v1/cckm/oci/synchronization-jobs","method":"POST",)"
          R"("fault":"throttle_text","count":1})");
    fault(R"({"route":"/api/v1/cckm/oci/synchronization-jobs","method":"POST",)"
          R"("fault":"throttle_text","status":400,"count":1})");
    keyops::cckm::oci_sync_body body;
    body.vaults = {"vault-1"};
    const double before = cm.retry().budget().tokens();
    auto job = cm.call<keyops::cckm::start_job<keyops::cckm::oci>>(body, ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(diag.attempts == 3u);
    BOOST_TEST(cm.retry().budget().tokens() == before - 2 + 0.1,
               boost::test_tools::tolerance(1e-9));
    BOOST_TEST(seen("POST /api/v1/cckm/oci/synchronization-jobs") == 3);

    // A quota error under 429 is not throttling: the start is not sent again.
    fault(R"({"route":"/api/v1/cckm/oci/synchronization-jobs","method":"POST",)"
          R"("fault":"oci_quota","count":1})");
    cm.call<keyops::cckm::start_job<keyops::cckm::oci>>(body, ec, diag);
    BOOST_TEST((ec == keyops::error::rate_limited));
    BOOST_TEST(diag.attempts == 1u);
    BOOST_TEST(!diag.throttled);

    // A wait rides out throttled reads.
    fault(R"({"route":"/api/v1/cckm/oci/synchronization-jobs","method":"GET",)"
          R"("fault":"throttle_text","status":400,"count":2})");
    keyops::wait_options w;
    w.polling.first_interval = 100ms;
    w.polling.growth = 1.0;
    w.polling.max_interval = 100ms;
    w.polling.deadline = 30s;
    auto done = keyops::wait_for_job<keyops::cckm::oci>(cm, std::string(job->id), w);
    BOOST_TEST((done.outcome == keyops::wait_outcome::completed), done.diag.describe(done.ec));
}

BOOST_FIXTURE_TEST_CASE(scheduler_create_run_now_wait_delete, sim_fixture) {
    auto cfg = cm.call<scheduler::create_config>(aws_schedule("it-nightly"));
    BOOST_TEST(cfg->name == "it-nightly");
    BOOST_TEST(cfg->operation == "cckm_synchronization");
    BOOST_TEST(cfg->run_on == "any");
    BOOST_TEST(cfg->description == "made by the integration test");
    BOOST_TEST(cfg->params().kms.size() == 2u);
    const std::string id(cfg->id);

    // A second schedule of the same name is refused, and the create was not retried.
    cm.call<scheduler::create_config>(aws_schedule("it-nightly"), ec, diag);
    BOOST_TEST((ec == keyops::error::conflict));
    BOOST_TEST(diag.attempts == 1u);

    scheduler::config_list_query q;
    q.name = "it-nightly";
    auto page = cm.call<scheduler::list_configs>(q);
    BOOST_TEST_REQUIRE(page->resources.size() == 1u);
    BOOST_TEST(page->resources[0].id == id);

    // PATCH merges: run_at changed, the params kept, a nested member added.
    auto patched = cm.call<scheduler::update_config>(
        scheduler::config_id(id),
        scheduler::raw_json_body{
            R"({"run_at":"30 3 * * *","cckm_synchronization_params":{"synchronize_all":true}})"});
    BOOST_TEST(patched->run_at == "30 3 * * *");
    BOOST_TEST(patched->params().kms.size() == 2u);
    BOOST_TEST((patched->params().synchronize_all == true));
    cm.call<scheduler::update_config>(scheduler::config_id(id),
                                      scheduler::raw_json_body{R"({"run_at":"soon"})"}, ec, diag);
    BOOST_TEST((ec == keyops::error::http_status));
    BOOST_TEST(diag.http_status == 400u);
    BOOST_TEST(cm.call<scheduler::get_config>(scheduler::config_id(id))->run_at == "30 3 * * *");

    auto started = cm.call<scheduler::run_now>(scheduler::config_id(id));
    BOOST_TEST(started->config() == id);
    BOOST_TEST((started->status.state == keyops::job_state::in_progress));
    const std::string run_id(started->id);

    std::vector<std::string> seen;
    auto w = quick_wait();
    w.on_run_progress = [&](const scheduler::run& r, auto) {
        seen.emplace_back(r.status.raw);
    };
    auto r = keyops::wait_for_run(cm, run_id, w);
    BOOST_TEST((r.outcome == keyops::wait_outcome::completed), r.diag.describe(r.ec));
    BOOST_TEST(r.run->id == run_id);
    BOOST_TEST(r.polls >= 2u);
    BOOST_TEST_REQUIRE(!seen.empty());
    BOOST_TEST(seen.front() == "in_progress");
    BOOST_TEST(seen.back() == "completed");

    scheduler::run_list_query rq;
    rq.job_config_id = id;
    auto runs = cm.call<scheduler::list_runs>(rq);
    BOOST_TEST_REQUIRE(runs->resources.size() == 1u);
    BOOST_TEST((runs->resources[0].status.state == keyops::job_state::completed));

    cm.call<scheduler::delete_config>(scheduler::config_id(id));
    cm.call<scheduler::get_config>(scheduler::config_id(id), ec, diag);
    BOOST_TEST((ec == keyops::error::not_found));
}

BOOST_FIXTURE_TEST_CASE(scheduler_async_wait_and_a_bodiless_run_now, sim_fixture) {
    auto cfg = cm.call<scheduler::create_config>(aws_schedule("it-async"));
    const std::string id(cfg->id);
    auto started = cm.call<scheduler::run_now>(scheduler::config_id(id));
    auto fut = keyops::async_wait_for_run(cm, std::string(started->id), quick_wait(),
                                          boost::asio::use_future);
    io.run();
    auto r = fut.get();
    BOOST_TEST((r.outcome == keyops::wait_outcome::completed));

    // The other reading of run-now: 204, no body. The run starts all the same.
    admin.call<sim::run_now_empty>(sim::json_text{R"({"empty":true})"});
    cm.call<scheduler::run_now>(scheduler::config_id(id), ec, diag);
    BOOST_TEST(scheduler::started_without_run(ec, diag), diag.describe(ec));
    scheduler::run_list_query rq;
    rq.job_config_id = id;
    auto runs = cm.call<scheduler::list_runs>(rq);
    BOOST_TEST(runs->resources.size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
