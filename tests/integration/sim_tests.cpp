// The client end to end over HTTPS against keyops-sim (started by integration/with_sim.sh, which
// sets KEYOPS_SIM_URL and KEYOPS_SIM_CA; access tokens live 2 s, jobs run 2 s). Some cases go
// through connect_proxy.hpp, a CONNECT proxy run by the test itself.

#include "sim_support.hpp"

#include "connect_proxy.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/test/unit_test.hpp>

#if defined(BOOST_ASIO_HAS_CO_AWAIT)
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#endif

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace cckm = keyops::cckm;
using namespace std::chrono_literals;
using keyops::job_id;

using namespace sim_support;

#ifdef _WIN32
namespace {
// Windows has no setenv and unsetenv: _putenv sets, and an empty value removes.
int setenv(const char* name, const char* value, int) {
    return ::_putenv((std::string(name) + "=" + value).c_str());
}
int unsetenv(const char* name) {
    return ::_putenv((std::string(name) + "=").c_str());
}
} // namespace
#endif

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

// --- through an HTTP proxy (CONNECT) -----------------------------------------------------------

namespace {

const char* const oci_seed_job = "45f1c056-ad1f-41b7-bf68-2b2909e51ab9";

// The request line the transport sends to reach the simulator through a proxy.
std::string connect_line() {
    const auto t = sim_transport();
    return "CONNECT " + t.host + ":" + std::to_string(t.port) + " HTTP/1.1";
}

// Sets the proxy variables for one test case and puts back what was there before.
class proxy_environment {
public:
    explicit proxy_environment(const std::map<std::string, std::string>& set) {
        for (const char* name :
             {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"}) {
            const char* v = std::getenv(name);
            saved_.emplace_back(name, v ? std::optional<std::string>(v) : std::nullopt);
            ::unsetenv(name);
        }
        for (const auto& [name, value] : set)
            ::setenv(name.c_str(), value.c_str(), 1);
    }
    ~proxy_environment() {
        for (const auto& [name, value] : saved_) {
            if (value)
                ::setenv(name.c_str(), value->c_str(), 1);
            else
                ::unsetenv(name.c_str());
        }
    }
    proxy_environment(const proxy_environment&) = delete;
    proxy_environment& operator=(const proxy_environment&) = delete;

private:
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

using plain_client =
    keyops::client<keyops::beast_transport, keyops::no_auth, keyops::exponential_backoff>;

} // namespace

BOOST_FIXTURE_TEST_CASE(https_through_a_connect_proxy, sim_fixture) {
    keyops_test::connect_proxy proxy;
    auto t = sim_transport();
    t.proxy = keyops::proxy_options{"127.0.0.1", proxy.port()};
    auto via = make_cm(t);
    auto j = via.call<cckm::get_job<cckm::oci>>(job_id(oci_seed_job), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(j->id == oci_seed_job);
    // The token request and the call share one tunnel, opened with the simulator's authority;
    // TLS ran inside it (the certificate of 127.0.0.1 was verified against the simulator's CA).
    const auto seen_by_proxy = proxy.requests();
    BOOST_TEST_REQUIRE(seen_by_proxy.size() == 1u);
    BOOST_TEST(seen_by_proxy[0] == connect_line());
    BOOST_TEST(proxy.tunnels() == 1u);
    BOOST_TEST(via.transport().connections_opened() == 1u);
    via.call<cckm::get_job<cckm::oci>>(job_id(oci_seed_job), ec, diag);
    BOOST_TEST(!ec, diag.describe(ec));
    BOOST_TEST(proxy.tunnels() == 1u); // kept alive through the tunnel
    BOOST_TEST(seen("GET /api/v1/cckm/oci/synchronization-jobs/" + std::string(oci_seed_job)) == 2);
}

BOOST_FIXTURE_TEST_CASE(a_refused_connect, sim_fixture) {
    keyops_test::connect_proxy proxy;
    proxy.refuse(407);
    auto t = sim_transport();
    t.proxy = keyops::proxy_options{"127.0.0.1", proxy.port()};
    auto via = make_cm(t);
    via.call<cckm::get_job<cckm::oci>>(job_id(oci_seed_job), ec, diag);
    BOOST_TEST((ec == keyops::error::proxy_refused), diag.describe(ec));
    const std::string text = diag.describe(ec);
    BOOST_TEST(text.find("proxy refused the tunnel") != std::string::npos, text);
    BOOST_TEST(text.find("407 Proxy Authentication Required to CONNECT") != std::string::npos,
               text);
    BOOST_TEST(diag.http_status == 0u); // the server never answered
    BOOST_TEST(proxy.tunnels() == 0u);

    // Without a token to fetch, the retry policy decides: a 403 or 407 is not asked again...
    plain_client plain(keyops::beast_transport(io.get_executor(), t), {},
                       keyops::exponential_backoff(quick_retries(), 13),
                       sim_fixture::admin_options());
    proxy.refuse(403);
    plain.call<sim::get_stats>(ec, diag);
    BOOST_TEST((ec == keyops::error::proxy_refused));
    BOOST_TEST(diag.attempts == 1u);
    BOOST_TEST(diag.describe(ec).find("403 Forbidden to CONNECT") != std::string::npos,
               diag.describe(ec));
    BOOST_TEST(diag.last_attempt.find("not retried") != std::string::npos, diag.last_attempt);
    BOOST_TEST(proxy.requests().size() == 2u);
    // ...while a proxy's 503 is, even for a request that is not idempotent: it never left.
    proxy.refuse(503);
    plain.call<sim::get_stats>(ec, diag);
    BOOST_TEST((ec == keyops::error::proxy_refused));
    BOOST_TEST(diag.attempts == 4u);
    BOOST_TEST(proxy.requests().size() == 6u);
    for (const auto& line : proxy.requests())
        BOOST_TEST(line == connect_line());
    // Nothing of it reached the simulator.
    BOOST_TEST(seen("GET /api/v1/cckm/oci/synchronization-jobs/" + std::string(oci_seed_job)) == 0);
    BOOST_TEST(*admin.call<sim::get_stats>()->total == 0);
}

BOOST_FIXTURE_TEST_CASE(https_proxy_from_the_environment, sim_fixture) {
    keyops_test::connect_proxy proxy;
    const std::string url = "http://127.0.0.1:" + std::to_string(proxy.port());
    auto t = sim_transport();
    t.proxy_from_environment = true; // read when the transport is constructed
    {
        // NO_PROXY entries that do not match the host leave the proxy in use.
        proxy_environment vars({{"HTTPS_PROXY", url}, {"NO_PROXY", "example.com,.internal"}});
        auto via = make_cm(t);
        BOOST_TEST_REQUIRE(via.transport().options().proxy.has_value());
        BOOST_TEST(via.transport().options().proxy->port == proxy.port());
        via.call<cckm::get_job<cckm::oci>>(job_id(oci_seed_job), ec, diag);
        BOOST_TEST(!ec, diag.describe(ec));
        BOOST_TEST(proxy.tunnels() == 1u);
        BOOST_TEST_REQUIRE(proxy.requests().size() == 1u);
        BOOST_TEST(proxy.requests()[0] == connect_line());
    }
    {
        // The lower-case form counts too, and wins over the upper-case one.
        proxy_environment vars({{"https_proxy", url}, {"HTTPS_PROXY", "http://127.0.0.1:9"}});
        auto via = make_cm(t);
        via.call<cckm::get_job<cckm::oci>>(job_id(oci_seed_job), ec, diag);
        BOOST_TEST(!ec, diag.describe(ec));
        BOOST_TEST(proxy.tunnels() == 2u);
    }
    {
        // HTTP_PROXY is for plain HTTP only: an HTTPS server is reached directly.
        proxy_environment vars({{"HTTP_PROXY", url}});
        auto direct = make_cm(t);
        BOOST_TEST(!direct.transport().options().proxy.has_value());
    }
    BOOST_TEST(proxy.requests().size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(no_proxy_bypasses_the_proxy, sim_fixture) {
    keyops_test::connect_proxy proxy;
    const std::string url = "http://127.0.0.1:" + std::to_string(proxy.port());
    auto t = sim_transport();
    t.proxy_from_environment = true;
    for (const char* no_proxy : {"localhost, 127.0.0.1", "*", "127.0.0.1"}) {
        proxy_environment vars({{"HTTPS_PROXY", url}, {"no_proxy", no_proxy}});
        auto direct = make_cm(t);
        BOOST_TEST(!direct.transport().options().proxy.has_value(), no_proxy);
        direct.call<cckm::get_job<cckm::oci>>(job_id(oci_seed_job), ec, diag);
        BOOST_TEST(!ec, diag.describe(ec));
    }
    BOOST_TEST(proxy.requests().empty());
    // A proxy set in the options is used whatever NO_PROXY says.
    proxy_environment vars(std::map<std::string, std::string>{{"NO_PROXY", "*"}});
    t.proxy = keyops::proxy_options{"127.0.0.1", proxy.port()};
    auto via = make_cm(t);
    via.call<cckm::get_job<cckm::oci>>(job_id(oci_seed_job), ec, diag);
    BOOST_TEST(!ec, diag.describe(ec));
    BOOST_TEST(proxy.requests().size() == 1u);
}

// --- kept-alive connections the server closed ----------------------------------------------------

BOOST_FIXTURE_TEST_CASE(a_kept_connection_closed_by_the_server, sim_fixture) {
    const std::string get_path =
        "GET /api/v1/cckm/oci/synchronization-jobs/" + std::string(oci_seed_job);
    cm.call<cckm::get_job<cckm::oci>>(job_id(oci_seed_job)); // a token and a kept connection
    BOOST_TEST_REQUIRE(cm.transport().idle_connections() == 1u);
    const auto opened = cm.transport().connections_opened();
    // Answered as if the connection stayed open, then closed by the server, as an idle timeout
    // would: the client keeps it, and learns of the close only when it wants it again.
    fault(R"({"route":"/api/v1/cckm/oci","fault":"close_after","count":1})");
    cm.call<cckm::get_job<cckm::oci>>(job_id(oci_seed_job), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(cm.transport().idle_connections() == 1u);
    BOOST_TEST(cm.transport().connections_opened() == opened);
    // The next call goes out on a new connection: one attempt, no error, nothing sent twice.
    cm.call<cckm::get_job<cckm::oci>>(job_id(oci_seed_job), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(diag.attempts == 1u);
    BOOST_TEST(diag.last_attempt.empty(), diag.last_attempt);
    BOOST_TEST(cm.transport().connections_opened() == opened + 1);
    BOOST_TEST(seen(get_path) == 3);

    // The server reads a GET on the kept connection and closes it without an answer: the GET
    // is idempotent, so the transport sends it again on a new connection, within one attempt.
    fault(R"({"route":"/api/v1/cckm/oci","fault":"close_before","count":1})");
    cm.call<cckm::get_job<cckm::oci>>(job_id(oci_seed_job), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(diag.attempts == 1u);
    BOOST_TEST(seen(get_path) == 5); // the server saw it twice
    BOOST_TEST(cm.transport().connections_opened() == opened + 2);

    // The same with a POST that starts a job: it may have been acted on, so it is not sent
    // again, neither by the transport nor by the retry policy.
    fault(R"({"route":"/api/v1/cckm/google","method":"POST","fault":"close_before","count":1})");
    BOOST_TEST_REQUIRE(cm.transport().idle_connections() == 1u);
    cckm::google_sync_body body;
    body.key_rings = {"ring-a"};
    cm.call<cckm::start_job<cckm::google>>(body, ec, diag);
    BOOST_TEST(ec.failed());
    BOOST_TEST(keyops::detail::is_connection_closed(ec), ec.message());
    BOOST_TEST(diag.attempts == 1u);
    BOOST_TEST(diag.last_attempt.find("not idempotent") != std::string::npos, diag.last_attempt);
    BOOST_TEST(seen("POST /api/v1/cckm/google/synchronization-jobs") == 1);
    BOOST_TEST(cm.transport().connections_opened() == opened + 2);
    // A POST whose kept connection the server had closed before it was written goes out on a
    // new connection. (The round trip to the admin API in between makes sure the close has
    // arrived: the simulator handles its events in order, on one thread.)
    fault(R"({"route":"/api/v1/cckm/oci","fault":"close_after","count":1})");
    cm.call<cckm::get_job<cckm::oci>>(job_id(oci_seed_job), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(seen(get_path) == 6);
    auto started = cm.call<cckm::start_job<cckm::google>>(body, ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(diag.attempts == 1u);
    BOOST_TEST(started->key_rings.size() == 1u);
    BOOST_TEST(seen("POST /api/v1/cckm/google/synchronization-jobs") == 2);
    BOOST_TEST(cm.transport().connections_opened() == opened + 4);
}

// --- Network Insight tokens released when the client is destroyed --------------------------------

BOOST_FIXTURE_TEST_CASE(network_insight_token_released_on_destruction, sim_fixture) {
    {
        auto ni = make_ni();
        ni.call<keyops::ni::proxy_key_details>();
        BOOST_TEST(ni.auth().has_token());
        BOOST_TEST(live_ni_tokens() == 1);
    } // destroyed after sync calls: the destructor runs the io_context for the release
    BOOST_TEST(seen("DELETE /api/ni/auth/token") == 1);
    BOOST_TEST(live_ni_tokens() == 0);

    // Used asynchronously, on an io_context of its own: the release waits for that context.
    boost::asio::io_context other;
    {
        auto ni = make_ni_on(other);
        std::optional<keyops::error_code> got;
        ni.async_call<keyops::ni::proxy_key_details>(
            [&](keyops::error_code e, keyops::call_result<keyops::ni::proxy_key_details>) {
                got = e;
            });
        other.run();
        BOOST_TEST_REQUIRE(got.has_value());
        BOOST_TEST(!*got, got->message());
        BOOST_TEST(live_ni_tokens() == 1);
    }
    BOOST_TEST(live_ni_tokens() == 1); // nothing ran `other` yet
    BOOST_TEST(seen("DELETE /api/ni/auth/token") == 1);
    other.restart();
    other.run(); // the release is outstanding work: run() returns once it is done
    BOOST_TEST(seen("DELETE /api/ni/auth/token") == 2);
    BOOST_TEST(live_ni_tokens() == 0);

    // Closed clients, and clients that never got a token, release nothing more.
    {
        auto ni = make_ni();
        ni.call<keyops::ni::proxy_key_details>();
        ni.close(ec, diag);
        BOOST_TEST(!ec, diag.describe(ec));
    }
    { auto unused = make_ni(); }
    BOOST_TEST(seen("DELETE /api/ni/auth/token") == 3);
    BOOST_TEST(seen("POST /api/ni/auth/token") == 3);
    BOOST_TEST(live_ni_tokens() == 0);

    // Disabled by its option: the token stays live.
    {
        keyops::client_options o;
        o.release_on_destroy_timeout = std::chrono::milliseconds(0);
        keyops::network_insight_credentials c;
        c.username = "admin";
        c.password = "admin";
        ni_client ni(keyops::beast_transport(io.get_executor(), sim_transport()),
                     keyops::network_insight_auth(c),
                     keyops::exponential_backoff(quick_retries(), 14), o);
        ni.call<keyops::ni::proxy_key_details>();
    }
    BOOST_TEST(live_ni_tokens() == 1);
    BOOST_TEST(seen("DELETE /api/ni/auth/token") == 3);
}

// --- C++20 coroutines
// -------------------------------------------------------------------------------

// Registered only where Asio has co_await (C++20 builds); the C++17 builds do not list it.
#if defined(BOOST_ASIO_HAS_CO_AWAIT)
BOOST_FIXTURE_TEST_CASE(use_awaitable_in_a_coroutine, sim_fixture) {
    auto ni = make_ni();
    std::string uri;
    std::string updated_by;
    bool not_found = false;
    bool finished = false;
    std::exception_ptr failure;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            auto job = co_await cm.async_call<cckm::get_job<cckm::oci>>(job_id(oci_seed_job),
                                                                        boost::asio::use_awaitable);
            uri = std::string(job->uri);
            keyops::diagnostics d;
            auto details = co_await ni.async_call<keyops::ni::proxy_key_details>(
                d, boost::asio::use_awaitable);
            updated_by = std::string(details->last_updated_by);
            try {
                co_await cm.async_call<cckm::get_job<cckm::oci>>(job_id("no-such-job"), d,
                                                                 boost::asio::use_awaitable);
            } catch (const boost::system::system_error& e) {
                not_found = e.code() == keyops::error::not_found && d.http_status == 404;
            }
            finished = true;
        },
        [&](std::exception_ptr e) { failure = e; });
    io.restart();
    io.run();
    BOOST_TEST(!failure);
    BOOST_TEST(finished);
    BOOST_TEST(uri == "kylo:kylo:cckm:synchronize:" + std::string(oci_seed_job));
    BOOST_TEST(updated_by == "admin");
    BOOST_TEST(not_found);
    BOOST_TEST(seen("GET /api/ni/customers/collector/data-encryption-cert/details") == 1);
    ni.close(ec, diag);
    BOOST_TEST(!ec, diag.describe(ec));
}
#endif

BOOST_FIXTURE_TEST_CASE(a_silent_server_hits_the_timeout_on_a_kept_connection, sim_fixture) {
    // The first attempt goes over the kept-alive connection, blocking (a sync call): the kernel's
    // receive timeout and the deadline must end it as the timer ends the others.
    auto t = sim_transport();
    t.request_timeout = 1s;
    auto slow = make_cm(t);
    slow.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"));
    BOOST_TEST(slow.transport().idle_connections() == 1u);
    fault(R"({"route":"/api/v1/cckm/oci","fault":"latency","ms":5000,"count":1})");
    slow.call<cckm::get_job<cckm::oci>>(job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"), ec, diag);
    // One attempt timed out after 1 s; the retry, on a fresh connection, got the answer.
    BOOST_TEST(!ec, diag.describe(ec));
    BOOST_TEST(diag.attempts == 2u);
    admin.call<sim::clear_faults>();
}

BOOST_FIXTURE_TEST_CASE(async_calls_on_a_kept_connection_keep_their_deadlines, sim_fixture) {
    // Async calls one after the other on one kept-alive connection, each started from the last
    // one's completion handler: a silent server still ends an attempt at the request timeout
    // (not at the deadline of an earlier exchange, nor never), and run() returns as soon as the
    // last call is done, with no deadline left waiting.
    auto t = sim_transport();
    t.request_timeout = 1s;
    auto slow = make_cm(t);
    const job_id id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9");
    std::vector<keyops::error_code> got;
    std::vector<unsigned> attempts;
    std::chrono::steady_clock::time_point last_done;
    std::function<void()> next = [&] {
        slow.async_call<cckm::get_job<cckm::oci>>(
            id, diag, [&](keyops::error_code e, keyops::call_result<cckm::get_job<cckm::oci>>) {
                got.push_back(e);
                attempts.push_back(diag.attempts);
                if (got.size() == 3)
                    fault(R"({"route":"/api/v1/cckm/oci","fault":"latency","ms":5000,"count":1})");
                if (got.size() < 6)
                    next();
                else
                    last_done = std::chrono::steady_clock::now();
            });
    };
    next();
    const auto start = std::chrono::steady_clock::now();
    io.restart();
    io.run();
    const auto end = std::chrono::steady_clock::now();
    const auto took = end - start;
    BOOST_TEST_REQUIRE(got.size() == 6u);
    for (const auto& e : got)
        BOOST_TEST(!e, e.message());
    BOOST_TEST(attempts[3] == 2u); // the first attempt timed out after 1 s, the retry answered
    BOOST_TEST(attempts[5] == 1u);
    BOOST_TEST((took < 4s));               // not the silent server's 5 s
    BOOST_TEST((end - last_done < 500ms)); // no deadline (1 s) left waiting after the last call
    BOOST_TEST(slow.transport().idle_connections() == 1u);
    admin.call<sim::clear_faults>();
}

BOOST_FIXTURE_TEST_CASE(sync_calls_from_a_strand_that_other_threads_run, sim_fixture) {
    // The client's executor is a strand of an io_context that two other threads run, as in an
    // agent with its own event loop: sync calls do their I/O on the calling thread and never
    // touch that context, so they complete, and the agent's own handlers go on meanwhile.
    boost::asio::io_context agent;
    auto guard = boost::asio::make_work_guard(agent);
    std::atomic<int> ticks{0};
    std::atomic<bool> stopping{false};
    std::function<void()> tick;
    boost::asio::steady_timer timer(agent);
    tick = [&] {
        ++ticks;
        if (stopping) // the timer is only ever touched by the agent's threads
            return;
        timer.expires_after(5ms);
        timer.async_wait([&](keyops::error_code e) {
            if (!e)
                tick();
        });
    };
    boost::asio::post(agent, tick);
    std::thread a([&] { agent.run(); });
    std::thread b([&] { agent.run(); });
    {
        keyops::ciphertrust_credentials c;
        c.username = "admin";
        c.password = "admin";
        keyops::client<keyops::beast_transport, keyops::ciphertrust_auth> cm_on_strand(
            keyops::beast_transport(boost::asio::make_strand(agent), sim_transport()),
            keyops::ciphertrust_auth(c));
        for (int i = 0; i < 5; ++i) {
            auto job = cm_on_strand.call<cckm::get_job<cckm::oci>>(job_id(oci_seed_job), ec, diag);
            BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
            BOOST_TEST(job->id == oci_seed_job);
        }
        keyops::wait_options w;
        w.polling.first_interval = 10ms;
        w.polling.deadline = 20s;
        auto r = keyops::wait_for_job<cckm::oci>(cm_on_strand, std::string(oci_seed_job), w);
        BOOST_TEST(keyops::is_terminal(r.outcome), r.diag.describe(r.ec));
    }
    BOOST_TEST(ticks.load() > 0); // the agent's loop was never blocked
    stopping = true;              // the tick chain ends at its next tick
    guard.reset();
    a.join();
    b.join();
}

// The observer over real TLS: one connect and one handshake for a kept-alive connection, both
// timed; the counters see the bytes both ways.
BOOST_AUTO_TEST_CASE(observer_sees_connect_and_tls_handshake) {
    struct counting : keyops::observer {
        int connects = 0, handshakes = 0, failures = 0, responses = 0;
        keyops::event_duration handshake_time{};
        void on_connect(const keyops::connect_event& e) override {
            ++connects;
            failures += e.ec ? 1 : 0;
        }
        void on_tls_handshake(const keyops::tls_event& e) override {
            ++handshakes;
            failures += e.ec ? 1 : 0;
            handshake_time += e.elapsed;
        }
        void on_response(const keyops::response_event&) override { ++responses; }
    } obs;
    boost::asio::io_context io;
    keyops::ciphertrust_credentials creds;
    creds.username = "admin";
    creds.password = "admin";
    keyops::client_options opt;
    opt.observer = &obs;
    cm_client cm(keyops::beast_transport(io.get_executor(), sim_transport()),
                 keyops::ciphertrust_auth(creds), keyops::exponential_backoff(quick_retries(), 3),
                 opt);
    keyops::error_code ec;
    keyops::diagnostics diag;
    for (int i = 0; i < 3; ++i) {
        cm.call<cckm::list_jobs<cckm::oci>>(cckm::list_query<cckm::oci>{}, ec, diag);
        BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    }
    BOOST_TEST(obs.connects == 1);
    BOOST_TEST(obs.handshakes == 1);
    BOOST_TEST(obs.failures == 0);
    BOOST_TEST(obs.responses == 4); // the token and three lists
    BOOST_TEST(obs.handshake_time.count() > 0);
    BOOST_TEST(cm.counters().requests == 4u);
    BOOST_TEST(cm.counters().connects == 1u);
    BOOST_TEST(cm.counters().bytes_in > cm.counters().bytes_out);
}

BOOST_AUTO_TEST_SUITE_END()
