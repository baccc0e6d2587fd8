// The client end to end over HTTPS against keyops-sim (started by integration/with_sim.sh, which
// sets KEYOPS_SIM_URL and KEYOPS_SIM_CA; access tokens live 2 s, jobs run 2 s).

#include <keyops/client/client.hpp>
#include <keyops/keyops.hpp>
#include <keyops/transport/beast_transport.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

namespace cckm = keyops::cckm;
using namespace std::chrono_literals;
using keyops::job_id;

// The simulator's admin API as descriptors of this test: adding an endpoint is a few lines.
namespace sim {

struct json_text {
    std::string text;
    keyops::error_code write_json(std::string& out) const {
        out = text;
        return {};
    }
};

struct stats {
    std::optional<std::int64_t> total;
    keyops::json_object_view requests;
};

template <keyops::http_method M, class Response, bool HasBody>
struct admin_endpoint {
    static constexpr keyops::http_method method = M;
    static constexpr keyops::api_service service = keyops::api_service::ciphertrust;
    using path_params = std::tuple<>;
    using query = keyops::no_query;
    using bodies = std::conditional_t<HasBody, std::tuple<json_text>, std::tuple<>>;
    static constexpr bool body_required = HasBody;
    using response = Response;
    static constexpr keyops::idempotency retry = keyops::idempotency::not_idempotent;
};

struct add_fault : admin_endpoint<keyops::http_method::post, keyops::empty_response, true> {
    static constexpr auto path = keyops::fixed_string("/__sim/faults");
};
struct clear_faults : admin_endpoint<keyops::http_method::delete_, keyops::empty_response, false> {
    static constexpr auto path = keyops::fixed_string("/__sim/faults");
};
struct get_stats : admin_endpoint<keyops::http_method::get, stats, false> {
    static constexpr auto path = keyops::fixed_string("/__sim/stats");
};
struct reset : admin_endpoint<keyops::http_method::post, keyops::empty_response, false> {
    static constexpr auto path = keyops::fixed_string("/__sim/reset");
};
struct expire_tokens : admin_endpoint<keyops::http_method::post, keyops::empty_response, false> {
    static constexpr auto path = keyops::fixed_string("/__sim/expire-tokens");
};

} // namespace sim

template <>
struct keyops::json_schema<sim::stats> {
    static constexpr field_entry fields[] = {field<&sim::stats::total>("total"),
                                             field<&sim::stats::requests>("requests")};
};

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v)
        throw std::runtime_error(std::string(name) + " is not set: run through with_sim.sh");
    return v;
}

keyops::transport_options sim_transport() {
    keyops::transport_options o;
    BOOST_TEST_REQUIRE(!keyops::parse_server_url(env("KEYOPS_SIM_URL"), o));
    o.tls.ca_file = env("KEYOPS_SIM_CA");
    o.tls.use_system_store = false;
    o.proxy_from_environment = false;
    return o;
}

keyops::backoff_options quick_retries() {
    keyops::backoff_options b;
    b.initial_delay = 20ms;
    b.max_delay = 200ms;
    b.max_attempts = 4;
    return b;
}

using cm_client = keyops::client<keyops::beast_transport, keyops::ciphertrust_auth>;
using ni_client = keyops::client<keyops::beast_transport, keyops::network_insight_auth>;
using admin_client = keyops::client<keyops::beast_transport, keyops::no_auth, keyops::no_retry>;

struct sim_fixture {
    boost::asio::io_context io;
    admin_client admin;
    cm_client cm;
    keyops::error_code ec;
    keyops::diagnostics diag;

    static keyops::client_options admin_options() {
        keyops::client_options o;
        o.ciphertrust_base = "";
        return o;
    }

    sim_fixture()
        : admin(keyops::beast_transport(io.get_executor(), sim_transport()), {}, {},
                admin_options()),
          cm(make_cm()) {
        admin.call<sim::reset>();
    }

    cm_client make_cm(keyops::transport_options t = sim_transport()) {
        keyops::ciphertrust_credentials c;
        c.username = "admin";
        c.password = "admin";
        return cm_client(keyops::beast_transport(io.get_executor(), t), keyops::ciphertrust_auth(c),
                         keyops::exponential_backoff(quick_retries(), 11));
    }

    ni_client make_ni() {
        keyops::network_insight_credentials c;
        c.username = "admin";
        c.password = "admin";
        return ni_client(keyops::beast_transport(io.get_executor(), sim_transport()),
                         keyops::network_insight_auth(c),
                         keyops::exponential_backoff(quick_retries(), 12));
    }

    void fault(const std::string& rule) { admin.call<sim::add_fault>(sim::json_text{rule}); }

    std::int64_t seen(std::string_view key) {
        auto s = admin.call<sim::get_stats>();
        return s->requests.find(key).as_int64();
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(sim)

BOOST_FIXTURE_TEST_CASE(every_job_kind_lists, sim_fixture) {
    std::size_t kinds = 0;
    std::apply(
        [&](auto... k) {
            auto one = [&](auto kind) {
                using K = decltype(kind);
                if constexpr (K::has_list) {
                    cckm::list_query<K> q;
                    q.limit = 2;
                    auto page = cm.call<cckm::list_jobs<K>>(q, ec, diag);
                    BOOST_TEST_REQUIRE(!ec, K::name << ": " << diag.describe(ec));
                    BOOST_TEST(page->resources.size() == 2u, K::name);
                    BOOST_TEST(*page->total >= 3, K::name);
                    BOOST_TEST(*page->limit == 2);
                    for (const auto& j : page->resources)
                        BOOST_TEST(keyops::is_terminal(j.overall_status.state), K::name);
                    ++kinds;
                }
            };
            (one(k), ...);
        },
        cckm::all_kinds{});
    BOOST_TEST(kinds == 16u);
}

BOOST_FIXTURE_TEST_CASE(seed_job_round_trip, sim_fixture) {
    auto j = cm.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"));
    BOOST_TEST(j->uri == "kylo:kylo:cckm:synchronize:45f1c056-ad1f-41b7-bf68-2b2909e51ab9");
    BOOST_TEST(j->completed_at.raw == "2022-02-03T04:20:06.015547Z");
    BOOST_TEST(j->key_vaults[0] == "5e9ee2f1-1b90-4b7d-b319-2b0848e78e75");
    BOOST_TEST(
        j->detailed_status.string("cckmqa-automation/5e9ee2f1-1b90-4b7d-b319-2b0848e78e75") ==
        "vault synchronized successfully");
    auto u = cm.call<cckm::get_job<cckm::google_update_all_versions>>(
        job_id("778a1024-dc18-49cb-833b-cfd6c000c090"));
    BOOST_TEST(*u->version_count == 2);
    BOOST_TEST(u->detailed_status.find("completed").as_array().size() == 2u);

    cm.call<cckm::get_job<cckm::oci>>(job_id("no-such-job"), ec, diag);
    BOOST_TEST((ec == keyops::error::not_found));
    BOOST_TEST(diag.http_status == 404u);
    BOOST_TEST(*diag.server_code == 16);
}

BOOST_FIXTURE_TEST_CASE(start_filter_cancel, sim_fixture) {
    cckm::google_sync_body body;
    body.key_rings = {"ring-a", "ring-b", "ring-c"};
    auto started = cm.call<cckm::start_job<cckm::google>>(body);
    const std::string id(started->id);
    BOOST_TEST((started->overall_status.state == keyops::job_state::in_progress));

    cckm::list_query<cckm::google> q;
    q.id = {id};
    q.overall_status = keyops::job_state::in_progress;
    q.key_rings = {"ring-b"};
    auto page = cm.call<cckm::list_jobs<cckm::google>>(q);
    BOOST_TEST_REQUIRE(page->resources.size() == 1u);
    BOOST_TEST(page->resources[0].id == id);

    auto cancelled = cm.call<cckm::cancel_job<cckm::google>>(job_id(id));
    BOOST_TEST(cancelled->abort);
    auto deadline = std::chrono::steady_clock::now() + 10s;
    keyops::parsed<cckm::job> now;
    do {
        std::this_thread::sleep_for(200ms);
        now = cm.call<cckm::get_job<cckm::google>>(job_id(id));
    } while (!now->done() && std::chrono::steady_clock::now() < deadline);
    BOOST_TEST((now->overall_status.state == keyops::job_state::completed));
    BOOST_TEST(now->abort);
    // Only an in-progress job can be cancelled.
    cm.call<cckm::cancel_job<cckm::google>>(job_id(id), ec, diag);
    BOOST_TEST((ec == keyops::error::conflict));
    // A start is not retried, and other bodies work too.
    cckm::update_all_versions_body uav;
    uav.key_id = "key-1";
    uav.operation = cckm::key_version_operation::disable;
    auto u = cm.call<cckm::start_job<cckm::google_update_all_versions>>(uav);
    BOOST_TEST(u->key_id == "key-1");
    BOOST_TEST(u->operation == "disable");
    auto oci = cm.call<cckm::start_job<cckm::oci>>(cckm::raw_json_body{R"({"vaults":["v1"]})"});
    BOOST_TEST(oci->resources().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(network_insight_rotation, sim_fixture) {
    auto ni = make_ni();
    auto before = ni.call<keyops::ni::proxy_key_details>();
    auto r = ni.call<keyops::ni::rotate_proxy_key>();
    BOOST_TEST((r->status.state == keyops::rotation_state::submitted));
    ni.call<keyops::ni::rotate_proxy_key>(ec, diag);
    BOOST_TEST((ec == keyops::error::conflict));
    BOOST_TEST(diag.http_status == 409u);
    auto deadline = std::chrono::steady_clock::now() + 10s;
    keyops::parsed<keyops::ni::rotation_status> s;
    do {
        std::this_thread::sleep_for(200ms);
        s = ni.call<keyops::ni::proxy_key_rotation_status>();
    } while (!s->done() && std::chrono::steady_clock::now() < deadline);
    BOOST_TEST((s->status.state == keyops::rotation_state::success));
    auto after = ni.call<keyops::ni::proxy_key_details>();
    BOOST_TEST(*after->last_updated_at > *before->last_updated_at);
    ni.close(ec, diag);
    BOOST_TEST(!ec, diag.describe(ec));
    BOOST_TEST(seen("DELETE /api/ni/auth/token") == 1);
}

BOOST_FIXTURE_TEST_CASE(two_second_tokens_across_ten_seconds, sim_fixture) {
    const auto end = std::chrono::steady_clock::now() + 10s;
    int calls = 0;
    while (std::chrono::steady_clock::now() < end) {
        cckm::list_query<cckm::dsm> q;
        q.limit = 1;
        cm.call<cckm::list_jobs<cckm::dsm>>(q, ec, diag);
        BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
        ++calls;
        std::this_thread::sleep_for(300ms);
    }
    BOOST_TEST(calls >= 20);
    // Renewed along the way: far more than one grant, far fewer than one per call.
    const auto grants = seen("POST /api/v1/auth/tokens");
    BOOST_TEST(grants >= 4);
    BOOST_TEST(grants < calls);
    // Tokens expired by the server out of turn are renewed through the 401.
    admin.call<sim::expire_tokens>();
    cm.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"), ec, diag);
    BOOST_TEST(!ec, diag.describe(ec));
}

BOOST_FIXTURE_TEST_CASE(retry_after_503, sim_fixture) {
    cm.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9")); // token
    fault(R"({"route":"/api/v1/cckm/oci","fault":"503","retry_after":"1","count":1})");
    const auto start = std::chrono::steady_clock::now();
    auto j =
        cm.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(diag.attempts == 2u);
    BOOST_TEST((std::chrono::steady_clock::now() - start >= 900ms)); // waited as told
    fault(R"({"route":"/api/v1/cckm/oci","fault":"429","retry_after":"date:1","count":1})");
    cm.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"), ec, diag);
    BOOST_TEST(!ec, diag.describe(ec));
    BOOST_TEST(diag.attempts == 2u);
}

BOOST_FIXTURE_TEST_CASE(connection_dropped_mid_body, sim_fixture) {
    cm.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"));
    fault(R"({"route":"/api/v1/cckm/oci","fault":"close_mid_body","count":1})");
    cm.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"), ec, diag);
    BOOST_TEST(!ec, diag.describe(ec));
    BOOST_TEST(diag.attempts == 2u);
    // A start that may have reached the server is not sent again.
    fault(R"({"route":"/api/v1/cckm/google","method":"POST","fault":"close_mid_body","count":1})");
    cckm::google_sync_body body;
    body.key_rings = {"r"};
    cm.call<cckm::start_job<cckm::google>>(body, ec, diag);
    BOOST_TEST(ec.failed());
    BOOST_TEST(diag.attempts == 1u);
    BOOST_TEST(seen("POST /api/v1/cckm/google/synchronization-jobs") == 1);
}

BOOST_FIXTURE_TEST_CASE(truncated_and_broken_bodies, sim_fixture) {
    cm.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"));
    fault(R"({"route":"/api/v1/cckm/oci","fault":"truncate","count":1})");
    cm.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"), ec, diag);
    BOOST_TEST(!ec, diag.describe(ec));
    BOOST_TEST(diag.attempts == 2u);

    fault(R"({"route":"/api/v1/cckm/oci","fault":"malformed","count":1})");
    cm.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"), ec, diag);
    BOOST_TEST((ec == keyops::error::malformed_json || ec == keyops::error::wrong_type ||
                ec == keyops::error::incomplete_json),
               ec.message());
    BOOST_TEST(diag.http_status == 200u);

    fault(R"({"route":"/api/v1/cckm/oci","fault":"oversize","count":1})");
    cm.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"), ec, diag);
    BOOST_TEST((ec == keyops::error::body_too_large), ec.message());
}

BOOST_FIXTURE_TEST_CASE(slow_bodies_hit_the_timeout, sim_fixture) {
    auto t = sim_transport();
    t.request_timeout = 1s;
    auto slow = make_cm(t);
    slow.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"));
    fault(R"({"route":"/api/v1/cckm/oci","fault":"slow_body","ms":100})");
    const auto start = std::chrono::steady_clock::now();
    slow.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"), ec, diag);
    BOOST_TEST((ec == keyops::error::timeout || ec == keyops::error::retry_budget_exhausted),
               diag.describe(ec));
    BOOST_TEST(diag.attempts == 4u); // every attempt timed out
    BOOST_TEST((std::chrono::steady_clock::now() - start < 30s));
    admin.call<sim::clear_faults>();
}

BOOST_FIXTURE_TEST_CASE(a_silent_server_hits_the_timeout_on_a_kept_connection, sim_fixture) {
    // The first attempt goes over the kept-alive connection, blocking (a sync call): the kernel's
    // receive timeout and the deadline must end it as the timer ends the others.
    auto t = sim_transport();
    t.request_timeout = 1s;
    auto slow = make_cm(t);
    slow.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"));
    BOOST_TEST(slow.transport().idle_connections() == 1u);
    fault(R"({"route":"/api/v1/cckm/oci","fault":"latency","ms":5000,"count":1})");
    const auto start = std::chrono::steady_clock::now();
    slow.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"), ec, diag);
    const auto took = std::chrono::steady_clock::now() - start;
    // One attempt timed out after 1 s; the retry, on a fresh connection, got the answer.
    BOOST_TEST(!ec, diag.describe(ec));
    BOOST_TEST(diag.attempts == 2u);
    BOOST_TEST((took >= 1s && took < 4s));
    admin.call<sim::clear_faults>();
}

BOOST_AUTO_TEST_SUITE_END()
