// The CipherTrust scheduler: the request builders (method, path, body), the parsers (a realistic
// job config and run, unknown fields skipped), run-now answered with or without a body, and the
// run wait against the scripted fake transport.

#include <keyops/keyops.hpp>
#include <keyops/transport/fake_transport.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace http = boost::beast::http;
namespace scheduler = keyops::scheduler;
namespace json = boost::json;
using keyops::build_request;
using namespace std::chrono_literals;

namespace {

keyops::request_context context() {
    keyops::request_context ctx;
    ctx.host = "cm.test";
    return ctx;
}

json::value body_of(const keyops::http_request& req) {
    return json::parse(req.body());
}

const std::string config_body = R"({
  "id": "a3c2b1e0-58f1-4f5e-9d7c-3f1f0c1e2d4b",
  "uri": "kylo:kylo:scheduler:job-configs:a3c2b1e0-58f1-4f5e-9d7c-3f1f0c1e2d4b",
  "account": "kylo:kylo:admin:accounts:kylo",
  "createdAt": "2024-06-01T02:00:00.123456Z",
  "updatedAt": "2024-06-01T02:00:00.123456Z",
  "name": "nightly-aws",
  "description": "all AWS keys, at two",
  "operation": "cckm_synchronization",
  "run_on": "any",
  "run_at": "0 2 * * *",
  "disabled": false,
  "future_field": {"nested": [1, {"deeper": true}]},
  "cckm_synchronization_params": {
    "cloud_name": "aws",
    "kms": ["kms-prod", "kms-dev"],
    "synchronize_all": false,
    "regions_unmodelled": ["us-east-1"]
  }
})";

const std::string run_body = R"({
  "id": "5d1e7c0a-2b3f-4c6d-8e9f-0a1b2c3d4e5f",
  "uri": "kylo:kylo:scheduler:jobs:5d1e7c0a-2b3f-4c6d-8e9f-0a1b2c3d4e5f",
  "account": "kylo:kylo:admin:accounts:kylo",
  "createdAt": "2024-06-02T02:00:00.5Z",
  "updatedAt": "2024-06-02T02:00:07.25Z",
  "job_config_id": "a3c2b1e0-58f1-4f5e-9d7c-3f1f0c1e2d4b",
  "operation": "cckm_synchronization",
  "status": "failed",
  "detail": "kms-dev: synchronization failed",
  "error": "simulated failure",
  "progress": {"done": 1, "of": 2}
})";

// A config as servers answer it (API.md section 5): every member, the parameters under
// job_config_params whatever the operation, Go's zero time for a date never set.
const std::string rotation_config_body = R"({
  "id": "0b6f3f7c-3f1d-4f0e-9a57-1c7c3b6f7a10",
  "uri": "kylo:kylo:scheduler:job-configs:0b6f3f7c-3f1d-4f0e-9a57-1c7c3b6f7a10",
  "account": "kylo:kylo:admin:accounts:kylo",
  "devAccount": "kylo:kylo:admin:accounts:kylo",
  "application": "ncryptify:gemalto:admin:apps:kylo",
  "createdAt": "2025-02-01T10:00:00.5Z",
  "updatedAt": "2025-02-01T10:00:00.5Z",
  "name": "rotate-aws-monthly",
  "description": "",
  "operation": "cckm_key_rotation",
  "run_at": "0 1 1 * *",
  "run_on": "any",
  "disabled": false,
  "start_date": "0001-01-01T00:00:00Z",
  "end_date": "2027-12-31T00:00:00Z",
  "job_config_params": {
    "cloud_name": "aws",
    "expiration": "365d",
    "expire_in": "7d",
    "rotation_after": "90d",
    "aws_param": {"retain_alias": true, "rotate_material": false}
  }
})";

const std::string backup_config_body = R"({"id":"b1","name":"nightly-backup",
  "operation":"database_backup","run_at":"0 3 * * *","run_on":"any","disabled":true,
  "start_date":"2026-01-01T00:00:00Z","end_date":"0001-01-01T00:00:00Z",
  "job_config_params":{"backupKey":"bk-1","connection":"scp-1","description":"keys only",
    "do_scp":true,"tiedToHSM":false,"retentionCount":7,"scope":"domain",
    "filters":[{"resourceType":"Keys","resourceQuery":{"name":"*enc-key*","size":256}},
               {"resourceType":"users_groups","resourceQuery":null}]}})";

std::string run_json(const std::string& id, const std::string& status) {
    return R"({"id":")" + id + R"(","config_id":"c1","status":")" + status + R"("})";
}

keyops::wait_options fast() {
    keyops::wait_options w;
    w.polling.first_interval = 1ms;
    w.polling.growth = 1.0;
    w.polling.max_interval = 1ms;
    w.polling.deadline = 10s;
    return w;
}

struct fixture {
    boost::asio::io_context io;
    keyops::client<keyops::fake_transport, keyops::no_auth, keyops::no_retry> c{
        keyops::fake_transport(io.get_executor(), "cm.test")};
    keyops::error_code ec;
    keyops::diagnostics diag;
    keyops::fake_transport& fake() { return c.transport(); }
    std::string target(std::size_t i) { return std::string(fake().requests().at(i).target()); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(scheduler_requests)

BOOST_AUTO_TEST_CASE(create_typed_body) {
    scheduler::cckm_sync_schedule s;
    s.name = "nightly-aws";
    s.cloud_name = "aws";
    s.run_at = "0 2 * * *";
    s.kms = {"kms-prod", "kms-dev"};
    auto req = build_request<scheduler::create_config>(context(), s);
    BOOST_TEST((req.method() == http::verb::post));
    BOOST_TEST(req.target() == "/api/v1/scheduler/job-configs");
    BOOST_TEST(req[http::field::content_type] == "application/json");
    const auto expected = json::parse(
        R"({"name":"nightly-aws","operation":"cckm_synchronization","run_on":"any",
            "run_at":"0 2 * * *","cckm_synchronization_params":{"cloud_name":"aws",
            "kms":["kms-prod","kms-dev"],"synchronize_all":false}})");
    BOOST_TEST(body_of(req) == expected);
}

BOOST_AUTO_TEST_CASE(create_oci_all_with_extra_merged) {
    scheduler::cckm_sync_schedule s;
    s.name = "oci-hourly";
    s.cloud_name = "oci";
    s.run_at = "0 * * * *";
    s.run_on = "node-2";
    s.oci_vaults = {"vault-1"};
    s.synchronize_all = true;
    s.extra =
        R"({"description":"d","cckm_synchronization_params":{"regions":["r1"]},"run_on":"any"})";
    auto req = build_request<scheduler::create_config>(context(), s);
    const auto b = body_of(req).as_object();
    BOOST_TEST(b.at("description") == "d");
    BOOST_TEST(b.at("run_on") == "any"); // the extra's value wins
    const auto& p = b.at("cckm_synchronization_params").as_object();
    BOOST_TEST(p.at("cloud_name") == "oci");
    BOOST_TEST(p.at("oci_vaults") == json::parse(R"(["vault-1"])"));
    BOOST_TEST(p.at("regions") == json::parse(R"(["r1"])"));
    BOOST_TEST(p.at("synchronize_all") == true);
    BOOST_TEST(!p.contains("kms")); // empty lists are not sent
}

BOOST_AUTO_TEST_CASE(create_refuses_missing_fields_and_bad_extra) {
    scheduler::cckm_sync_schedule s;
    s.name = "n";
    s.cloud_name = "aws";
    keyops::error_code ec;
    build_request<scheduler::create_config>(context(), s, ec);
    BOOST_TEST((ec == keyops::error::invalid_argument)); // no run_at
    s.run_at = "* * * * *";
    s.extra = "[1]";
    build_request<scheduler::create_config>(context(), s, ec);
    BOOST_TEST((ec == keyops::error::invalid_argument));
    s.extra.clear();
    build_request<scheduler::create_config>(context(), s, ec);
    BOOST_TEST(!ec);
}

BOOST_AUTO_TEST_CASE(create_with_the_common_members) {
    scheduler::cckm_sync_schedule s;
    s.name = "n";
    s.run_at = "0 2 * * *";
    s.cloud_name = "oci";
    s.synchronize_all = true;
    s.description = "every OCI vault";
    s.disabled = true;
    s.start_date = "2026-01-01T00:00:00Z";
    s.end_date = "2026-12-31T23:59:59Z";
    auto req = build_request<scheduler::create_config>(context(), s);
    BOOST_TEST(body_of(req) == json::parse(R"({"name":"n","description":"every OCI vault",
                   "operation":"cckm_synchronization","run_on":"any","run_at":"0 2 * * *",
                   "disabled":true,"start_date":"2026-01-01T00:00:00Z",
                   "end_date":"2026-12-31T23:59:59Z","cckm_synchronization_params":
                   {"cloud_name":"oci","synchronize_all":true}})"));
    keyops::error_code ec;
    s.end_date = "the end of the year";
    build_request<scheduler::create_config>(context(), s, ec);
    BOOST_TEST((ec == keyops::error::invalid_argument));
}

BOOST_AUTO_TEST_CASE(create_key_rotation_xks_and_backup) {
    scheduler::cckm_key_rotation_schedule r;
    r.name = "rot";
    r.run_at = "0 1 1 * *";
    r.cloud_name = "aws";
    r.expiration = "365d";
    r.expire_in = "12h";
    r.rotation_after = "90d";
    r.retain_alias = true;
    auto req = build_request<scheduler::create_config>(context(), r);
    BOOST_TEST(body_of(req) ==
               json::parse(R"({"name":"rot","operation":"cckm_key_rotation","run_on":"any",
                   "run_at":"0 1 1 * *","cckm_key_rotation_params":{"cloud_name":"aws",
                   "expiration":"365d","expire_in":"12h","rotation_after":"90d",
                   "aws_param":{"retain_alias":true}}})"));
    keyops::error_code ec;
    for (const char* bad : {"90", "d", "9x", "12h"}) { // rotation_after: days only
        r.rotation_after = bad;
        build_request<scheduler::create_config>(context(), r, ec);
        BOOST_TEST((ec == keyops::error::invalid_argument), bad);
    }
    r.rotation_after.clear();
    r.cloud_name.clear();
    build_request<scheduler::create_config>(context(), r, ec);
    BOOST_TEST((ec == keyops::error::invalid_argument));

    scheduler::xks_credential_rotation_schedule x;
    x.name = "xks";
    x.run_at = "0 0 * * 0";
    x.run_on.clear(); // the server's default
    BOOST_TEST(body_of(build_request<scheduler::create_config>(context(), x)) ==
               json::parse(R"({"name":"xks","operation":"cckm_xks_credential_rotation",
                   "run_at":"0 0 * * 0","cckm_xks_credential_rotation_params":
                   {"cloud_name":"aws"}})"));

    scheduler::database_backup_schedule b;
    b.name = "bk";
    b.run_at = "0 3 * * *";
    b.backup_key = "bk-1";
    b.retention_count = 7;
    b.tied_to_hsm = false;
    b.scope = "domain";
    b.filters = {{"Keys", R"({"name":"*enc-key*"})"}, {"users_groups", ""}};
    BOOST_TEST(body_of(build_request<scheduler::create_config>(context(), b)) ==
               json::parse(R"({"name":"bk","operation":"database_backup","run_on":"any",
                   "run_at":"0 3 * * *","database_backup_params":{"backupKey":"bk-1",
                   "tiedToHSM":false,"retentionCount":7,"scope":"domain","filters":[
                   {"resourceType":"Keys","resourceQuery":{"name":"*enc-key*"}},
                   {"resourceType":"users_groups"}]}})"));
    b.filters = {{"Keys", "[1]"}};
    build_request<scheduler::create_config>(context(), b, ec);
    BOOST_TEST((ec == keyops::error::invalid_argument));
}

BOOST_AUTO_TEST_CASE(update_sends_only_what_is_set) {
    auto patch = [](const scheduler::config_update& u) {
        return body_of(
            build_request<scheduler::update_config>(context(), scheduler::config_id("c1"), u));
    };
    scheduler::config_update u;
    u.run_at = std::string("30 3 * * *");
    BOOST_TEST(patch(u) == json::parse(R"({"run_at":"30 3 * * *"})"));
    // Cleared members go as null, and the parameters tell their operation.
    u.kms = scheduler::cleared;
    u.synchronize_all = true;
    u.description = scheduler::cleared;
    BOOST_TEST(patch(u) == json::parse(R"({"description":null,"run_at":"30 3 * * *",
                   "cckm_synchronization_params":{"kms":null,"synchronize_all":true}})"));
    scheduler::config_update r;
    r.expiration = std::string("30d");
    r.rotate_material = true;
    r.end_date = scheduler::cleared;
    BOOST_TEST(patch(r) == json::parse(R"({"end_date":null,"cckm_key_rotation_params":
                   {"expiration":"30d","aws_param":{"rotate_material":true}}})"));
    // cloud_name alone names no operation until `operation` does.
    scheduler::config_update c;
    c.cloud_name = std::string("oci");
    keyops::error_code ec;
    build_request<scheduler::update_config>(context(), scheduler::config_id("c1"), c, ec);
    BOOST_TEST((ec == keyops::error::invalid_argument));
    c.operation = "cckm_xks_credential_rotation";
    BOOST_TEST(patch(c) ==
               json::parse(R"({"cckm_xks_credential_rotation_params":{"cloud_name":"oci"}})"));
}

BOOST_AUTO_TEST_CASE(update_refuses_what_the_server_would_misread) {
    keyops::error_code ec;
    auto refused = [&](const scheduler::config_update& u) {
        build_request<scheduler::update_config>(context(), scheduler::config_id("c1"), u, ec);
        return ec == keyops::error::invalid_argument;
    };
    BOOST_TEST(refused(scheduler::config_update{})); // nothing to change
    scheduler::config_update empty_name;
    empty_name.name = std::string(); // "" would mean "unchanged" to the server
    BOOST_TEST(refused(empty_name));
    scheduler::config_update empty_list;
    empty_list.kms = std::vector<std::string>{};
    BOOST_TEST(refused(empty_list));
    scheduler::config_update two_operations;
    two_operations.kms = std::vector<std::string>{"k"};
    two_operations.expiration = std::string("30d");
    BOOST_TEST(refused(two_operations));
    scheduler::config_update wrong_operation;
    wrong_operation.operation = "cckm_key_rotation";
    wrong_operation.oci_vaults = std::vector<std::string>{"v"};
    BOOST_TEST(refused(wrong_operation));
    scheduler::config_update bad_period;
    bad_period.expire_in = std::string("a week");
    BOOST_TEST(refused(bad_period));
    scheduler::config_update bad_date;
    bad_date.start_date = std::string("tomorrow");
    BOOST_TEST(refused(bad_date));
    scheduler::config_update ok;
    ok.disabled = false;
    BOOST_TEST(!refused(ok));
}

BOOST_AUTO_TEST_CASE(create_raw_body_sent_as_given) {
    const std::string text = R"({"name":"x","operation":"cckm_synchronization","custom":1})";
    auto req = build_request<scheduler::create_config>(context(), scheduler::raw_json_body{text});
    BOOST_TEST(req.body() == text);
}

BOOST_AUTO_TEST_CASE(config_routes) {
    const scheduler::config_id id("a/b c");
    auto get = build_request<scheduler::get_config>(context(), id);
    BOOST_TEST((get.method() == http::verb::get));
    BOOST_TEST(get.target() == "/api/v1/scheduler/job-configs/a%2Fb%20c");
    BOOST_TEST(get.body().empty());
    auto del = build_request<scheduler::delete_config>(context(), scheduler::config_id("c1"));
    BOOST_TEST((del.method() == http::verb::delete_));
    BOOST_TEST(del.target() == "/api/v1/scheduler/job-configs/c1");
    auto patch = build_request<scheduler::update_config>(context(), scheduler::config_id("c1"),
                                                         scheduler::raw_json_body{R"({"a":1})"});
    BOOST_TEST((patch.method() == http::verb::patch));
    BOOST_TEST(patch.body() == R"({"a":1})");
    auto run = build_request<scheduler::run_now>(context(), scheduler::config_id("c1"));
    BOOST_TEST((run.method() == http::verb::post));
    BOOST_TEST(run.target() == "/api/v1/scheduler/job-configs/c1/run-now");
    BOOST_TEST(run.body().empty());
}

BOOST_AUTO_TEST_CASE(list_queries) {
    scheduler::config_list_query q;
    q.name = "nightly aws";
    q.skip = 10;
    q.limit = 5;
    q.sort = "-createdAt";
    auto req = build_request<scheduler::list_configs>(context(), q);
    BOOST_TEST(req.target() ==
               "/api/v1/scheduler/job-configs?name=nightly%20aws&skip=10&limit=5&sort=-createdAt");
    scheduler::run_list_query r;
    r.job_config_id = "c1";
    r.status = keyops::job_state::in_progress;
    r.limit = 1;
    auto runs = build_request<scheduler::list_runs>(context(), r);
    BOOST_TEST(runs.target() ==
               "/api/v1/scheduler/jobs?job_config_id=c1&status=in_progress&limit=1");
    auto one = build_request<scheduler::get_run>(context(), keyops::job_id("r1"));
    BOOST_TEST(one.target() == "/api/v1/scheduler/jobs/r1");
}

BOOST_AUTO_TEST_CASE(idempotency_and_auth_service) {
    static_assert(scheduler::create_config::retry == keyops::idempotency::not_idempotent);
    static_assert(scheduler::run_now::retry == keyops::idempotency::not_idempotent);
    static_assert(scheduler::get_config::retry == keyops::idempotency::idempotent);
    static_assert(scheduler::list_configs::retry == keyops::idempotency::idempotent);
    static_assert(scheduler::delete_config::retry == keyops::idempotency::idempotent);
    static_assert(scheduler::get_run::retry == keyops::idempotency::idempotent);
    static_assert(scheduler::list_runs::retry == keyops::idempotency::idempotent);
    BOOST_TEST((scheduler::get_run::service == keyops::api_service::ciphertrust));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(scheduler_parse)

BOOST_AUTO_TEST_CASE(a_job_config) {
    keyops::error_code ec;
    keyops::diagnostics d;
    auto c = keyops::parse<scheduler::job_config>(config_body, ec, d);
    BOOST_TEST_REQUIRE(!ec, d.describe(ec));
    BOOST_TEST(c->id == "a3c2b1e0-58f1-4f5e-9d7c-3f1f0c1e2d4b");
    BOOST_TEST(c->name == "nightly-aws");
    BOOST_TEST(c->description == "all AWS keys, at two");
    BOOST_TEST(c->operation == "cckm_synchronization");
    BOOST_TEST(c->run_on == "any");
    BOOST_TEST(c->run_at == "0 2 * * *");
    BOOST_TEST((c->disabled == false));
    BOOST_TEST(c->created_at.raw == "2024-06-01T02:00:00.123456Z");
    BOOST_TEST(c->created_at.value().has_value());
    const auto& p = c->cckm_synchronization_params;
    BOOST_TEST(p.cloud_name == "aws");
    BOOST_TEST_REQUIRE(p.kms.size() == 2u);
    BOOST_TEST(p.kms[1] == "kms-dev");
    BOOST_TEST(p.oci_vaults.empty());
    BOOST_TEST((p.synchronize_all == false));
    BOOST_TEST(c.problems().empty());
}

BOOST_AUTO_TEST_CASE(a_config_as_servers_answer_it) {
    keyops::error_code ec;
    keyops::diagnostics d;
    auto c = keyops::parse<scheduler::job_config>(rotation_config_body, ec, d);
    BOOST_TEST_REQUIRE(!ec, d.describe(ec));
    BOOST_TEST(c->dev_account == "kylo:kylo:admin:accounts:kylo");
    BOOST_TEST(c->application == "ncryptify:gemalto:admin:apps:kylo");
    BOOST_TEST(c->operation == scheduler::cckm_key_rotation);
    BOOST_TEST(c->description.empty());
    BOOST_TEST(c->start_date.has_value());
    BOOST_TEST(!c->start_date.is_set()); // Go's zero time: never set
    BOOST_TEST(c->end_date.is_set());
    BOOST_TEST(c->end_date.value()->seconds == 1830211200);
    const auto& p = c->params();
    BOOST_TEST(&p == &c->job_config_params);
    BOOST_TEST(p.cloud_name == "aws");
    BOOST_TEST(p.expiration == "365d");
    BOOST_TEST(p.expire_in == "7d");
    BOOST_TEST(p.rotation_after == "90d");
    BOOST_TEST((p.aws_param.retain_alias == true));
    BOOST_TEST((p.aws_param.rotate_material == false));
    BOOST_TEST(!p.synchronize_all);
    BOOST_TEST(c.problems().empty());
}

BOOST_AUTO_TEST_CASE(a_backup_config) {
    keyops::error_code ec;
    keyops::diagnostics d;
    auto c = keyops::parse<scheduler::job_config>(backup_config_body, ec, d);
    BOOST_TEST_REQUIRE(!ec, d.describe(ec));
    BOOST_TEST((c->disabled == true));
    BOOST_TEST(c->start_date.is_set());
    BOOST_TEST(!c->end_date.is_set());
    const auto& p = c->params();
    BOOST_TEST(p.backup_key == "bk-1");
    BOOST_TEST(p.connection == "scp-1");
    BOOST_TEST(p.description == "keys only");
    BOOST_TEST((p.do_scp == true));
    BOOST_TEST((p.tied_to_hsm == false));
    BOOST_TEST((p.retention_count == std::optional<std::int64_t>(7)));
    BOOST_TEST(p.scope == "domain");
    BOOST_TEST_REQUIRE(p.filters.size() == 2u);
    BOOST_TEST(p.filters[0].resource_type == "Keys");
    BOOST_TEST(p.filters[0].resource_query.as_object().string("name") == "*enc-key*");
    BOOST_TEST(p.filters[0].resource_query.as_object().find("size").as_int64() == 256);
    BOOST_TEST(p.filters[1].resource_query.is_null());
    BOOST_TEST(p.cloud_name.empty());
}

BOOST_AUTO_TEST_CASE(parameters_under_the_create_side_name) {
    keyops::error_code ec;
    keyops::diagnostics d;
    // What an older or echoing server may send: the parameters under the create body's name.
    auto sync = keyops::parse<scheduler::job_config>(config_body, ec, d);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(sync->job_config_params.empty());
    BOOST_TEST(&sync->params() == &sync->cckm_synchronization_params);
    BOOST_TEST(sync->params().kms.size() == 2u);
    auto xks = keyops::parse<scheduler::job_config>(
        R"({"operation":"cckm_xks_credential_rotation","job_config_params":null,
            "cckm_xks_credential_rotation_params":{"cloud_name":"aws"}})",
        ec, d);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(xks->params().cloud_name == "aws");
    // Both present: job_config_params is what the server holds.
    auto both = keyops::parse<scheduler::job_config>(
        R"({"operation":"cckm_synchronization","job_config_params":{"cloud_name":"oci"},
            "cckm_synchronization_params":{"cloud_name":"aws"}})",
        ec, d);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(both->params().cloud_name == "oci");
    // A wrong type inside the parameters names its path.
    keyops::parse<scheduler::job_config>(R"({"job_config_params":{"kms":"k1"}})", ec, d);
    BOOST_TEST((ec == keyops::error::wrong_type));
    BOOST_TEST(d.json_path == "/job_config_params/kms");
}

BOOST_AUTO_TEST_CASE(a_run) {
    keyops::error_code ec;
    keyops::diagnostics d;
    auto r = keyops::parse<scheduler::run>(run_body, ec, d);
    BOOST_TEST_REQUIRE(!ec, d.describe(ec));
    BOOST_TEST(r->id == "5d1e7c0a-2b3f-4c6d-8e9f-0a1b2c3d4e5f");
    BOOST_TEST(r->config() == "a3c2b1e0-58f1-4f5e-9d7c-3f1f0c1e2d4b");
    BOOST_TEST(r->status.raw == "failed");
    BOOST_TEST((r->status.state == keyops::job_state::failed));
    BOOST_TEST(r->done());
    BOOST_TEST(r->detail == "kms-dev: synchronization failed");
    BOOST_TEST(r->error == "simulated failure");
    BOOST_TEST(r->updated_at.raw == "2024-06-02T02:00:07.25Z");

    auto other = keyops::parse<scheduler::run>(run_json("r2", "in_progress"), ec, d);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(other->config() == "c1"); // config_id, the other name
    BOOST_TEST(!other->done());
    auto odd = keyops::parse<scheduler::run>(run_json("r3", "queued"), ec, d);
    BOOST_TEST((odd->status.state == keyops::job_state::unknown));
    BOOST_TEST(!odd->done()); // an unknown word never ends a wait
}

BOOST_AUTO_TEST_CASE(pages_and_paging) {
    keyops::error_code ec;
    keyops::diagnostics d;
    auto page = keyops::parse<scheduler::run_list>(
        R"({"skip":0,"limit":2,"total":3,"resources":[)" + run_json("a", "completed") + "," +
            run_json("b", "in_progress") + "]}",
        ec, d);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(page->resources.size() == 2u);
    BOOST_TEST(page->resources[1].id == "b");
    BOOST_TEST((scheduler::next_page_skip(*page, 0) == std::optional<std::uint64_t>(2)));
    BOOST_TEST(!scheduler::next_page_skip(*page, 1));
    auto configs = keyops::parse<scheduler::job_config_list>(
        R"({"skip":0,"limit":10,"total":1,"resources":[)" + config_body + "]}", ec, d);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(configs->resources.at(0).cckm_synchronization_params.kms.size() == 2u);
    BOOST_TEST(!scheduler::next_page_skip(*configs, 0));
}

BOOST_AUTO_TEST_CASE(a_wrong_type_is_an_error) {
    keyops::error_code ec;
    keyops::diagnostics d;
    keyops::parse<scheduler::run>(R"({"id":"r","status":7})", ec, d);
    BOOST_TEST((ec == keyops::error::wrong_type));
    BOOST_TEST(d.json_path == "/status");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(scheduler_client)

BOOST_AUTO_TEST_CASE(run_now_with_a_run) {
    fixture f;
    f.fake().push_response(201, run_json("r1", "in_progress"));
    auto r = f.c.call<scheduler::run_now>(scheduler::config_id("c1"), f.ec, f.diag);
    BOOST_TEST_REQUIRE(!f.ec);
    BOOST_TEST(r->id == "r1");
    BOOST_TEST(!scheduler::started_without_run(f.ec, f.diag));
}

BOOST_AUTO_TEST_CASE(run_now_without_a_body) {
    for (unsigned status : {200u, 202u, 204u}) {
        fixture f;
        f.fake().push_response(status, "");
        f.c.call<scheduler::run_now>(scheduler::config_id("c1"), f.ec, f.diag);
        BOOST_TEST((f.ec == keyops::error::empty_body), status);
        BOOST_TEST(f.diag.http_status == status);
        BOOST_TEST(scheduler::started_without_run(f.ec, f.diag), status);
        BOOST_TEST(f.fake().requests().size() == 1u); // never sent twice
    }
    fixture f;
    f.fake().push_response(404, R"({"code":16,"codeDesc":"NCERRResourceNotFound"})");
    f.c.call<scheduler::run_now>(scheduler::config_id("nope"), f.ec, f.diag);
    BOOST_TEST((f.ec == keyops::error::not_found));
    BOOST_TEST(!scheduler::started_without_run(f.ec, f.diag));
}

BOOST_AUTO_TEST_CASE(wait_until_completed_with_progress) {
    fixture f;
    f.fake().push_response(200, run_json("r1", "in_progress"));
    f.fake().push_response(200, run_json("r1", "in_progress"));
    f.fake().push_response(503, "");
    f.fake().push_response(200, run_json("r1", "completed"));
    auto w = fast();
    std::vector<std::string> seen;
    unsigned outages = 0;
    w.on_run_progress = [&](const scheduler::run& r, auto) {
        seen.emplace_back(r.status.raw);
    };
    w.on_poll_failure = [&](const keyops::error_code&, const keyops::diagnostics&, auto) {
        ++outages;
    };
    auto r = keyops::wait_for_run(f.c, "r1", w);
    BOOST_TEST((r.outcome == keyops::wait_outcome::completed));
    BOOST_TEST(!r.ec);
    BOOST_TEST(r.polls == 4u);
    BOOST_TEST(outages == 1u);
    BOOST_TEST(seen == (std::vector<std::string>{"in_progress", "completed"}));
    BOOST_TEST(r.run->status.raw == "completed");
    BOOST_TEST(f.target(0) == "/api/v1/scheduler/jobs/r1");
    BOOST_TEST(f.target(3) == "/api/v1/scheduler/jobs/r1");
}

BOOST_AUTO_TEST_CASE(wait_failed_not_found_and_deadline) {
    {
        fixture f;
        f.fake().push_response(200, run_json("r1", "failed"));
        auto r = keyops::wait_for_run(f.c, "r1", fast());
        BOOST_TEST((r.outcome == keyops::wait_outcome::failed));
    }
    {
        fixture f;
        f.fake().push_response(404, R"({"code":16,"codeDesc":"NCERRResourceNotFound"})");
        auto r = keyops::wait_for_run(f.c, "r9", fast());
        BOOST_TEST((r.outcome == keyops::wait_outcome::error));
        BOOST_TEST((r.ec == keyops::error::not_found));
        BOOST_TEST(r.run.body().empty());
    }
    {
        fixture f;
        for (int i = 0; i < 200; ++i)
            f.fake().push_response(200, run_json("r1", "in_progress"));
        auto w = fast();
        w.polling.first_interval = w.polling.max_interval = 20ms;
        w.polling.deadline = 50ms;
        auto r = keyops::wait_for_run(f.c, "r1", w);
        BOOST_TEST((r.outcome == keyops::wait_outcome::deadline));
        BOOST_TEST((r.ec == keyops::error::deadline_exceeded));
        BOOST_TEST(r.diag.detail.find("still in_progress") != std::string::npos, r.diag.detail);
    }
}

BOOST_AUTO_TEST_CASE(wait_rides_out_throttling_under_any_status) {
    fixture f; // no_retry: the wait itself rides it out
    f.fake().push_response(
        400,
        R"({"code":15,"message":"OCI service error: TooManyRequests. Request was throttled."})");
    f.fake().push_response(200, run_json("r1", "completed"));
    unsigned outages = 0;
    auto w = fast();
    w.on_poll_failure = [&](const keyops::error_code&, const keyops::diagnostics& d, auto) {
        BOOST_TEST(d.throttled);
        ++outages;
    };
    auto r = keyops::wait_for_run(f.c, "r1", w);
    BOOST_TEST((r.outcome == keyops::wait_outcome::completed));
    BOOST_TEST(outages == 1u);
    // Another 400 ends the wait: it would fail again.
    fixture g;
    g.fake().push_response(400, R"({"code":15,"message":"OCI service error: LimitExceeded"})");
    g.fake().push_response(200, run_json("r1", "completed"));
    auto e = keyops::wait_for_run(g.c, "r1", fast());
    BOOST_TEST((e.outcome == keyops::wait_outcome::error));
    BOOST_TEST(g.fake().requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(async_wait) {
    fixture f;
    f.fake().push_response(200, run_json("r1", "in_progress"));
    f.fake().push_response(200, run_json("r1", "completed"));
    auto fut = keyops::async_wait_for_run(f.c, "r1", fast(), boost::asio::use_future);
    f.io.run();
    auto r = fut.get();
    BOOST_TEST((r.outcome == keyops::wait_outcome::completed));
    BOOST_TEST(r.polls == 2u);
    BOOST_TEST(r.id == "r1");
}

BOOST_AUTO_TEST_SUITE_END()
