// A CipherTrust cluster against keyops-sim's three nodes (with_sim.sh: --nodes 3,
// --replication-lag 800): failover from a node that is down or answers 503, sync and async, the
// read-after-write window across nodes, and refresh tokens revoked when a session ends.

#include "sim_support.hpp"

#include <boost/asio/use_future.hpp>

#include <initializer_list>
#include <string>
#include <vector>

namespace cckm = keyops::cckm;
using keyops::job_id;
using namespace sim_support;

namespace {

// The simulator's node URLs, in its order (node 1 first).
std::vector<std::string> node_urls() {
    std::vector<std::string> out;
    std::string all = env("KEYOPS_SIM_NODES");
    std::size_t at = 0;
    while (at <= all.size()) {
        const auto comma = all.find(',', at);
        out.push_back(all.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
        if (comma == std::string::npos)
            break;
        at = comma + 1;
    }
    return out;
}

// Transport options for the nodes given by number (1..3), in that order.
keyops::transport_options nodes_of(std::initializer_list<int> nodes) {
    const auto urls = node_urls();
    std::string list;
    for (int n : nodes)
        list += (list.empty() ? "" : ",") + urls.at(static_cast<std::size_t>(n - 1));
    keyops::transport_options o = sim_transport();
    BOOST_TEST_REQUIRE(!keyops::parse_server_urls(list, o));
    return o;
}

std::string name_of(int node) {
    return node_urls().at(static_cast<std::size_t>(node - 1)).substr(sizeof("https://") - 1);
}

struct node_down : sim::admin_endpoint<keyops::http_method::post, keyops::empty_response, false> {
    static constexpr auto path = keyops::fixed_string("/__sim/nodes/{id}/down");
    using path_params = std::tuple<job_id>;
};
struct node_up : sim::admin_endpoint<keyops::http_method::post, keyops::empty_response, false> {
    static constexpr auto path = keyops::fixed_string("/__sim/nodes/{id}/up");
    using path_params = std::tuple<job_id>;
};

// The admin client talks to node 1, which these tests never take down.
struct cluster_fixture : sim_fixture {
    void down(int n) { admin.call<node_down>(job_id(std::to_string(n))); }
    void up(int n) { admin.call<node_up>(job_id(std::to_string(n))); }
    std::int64_t revoked() { return *admin.call<sim::get_tokens>()->cckm_refresh_revoked; }
};

} // namespace

BOOST_AUTO_TEST_SUITE(cluster)

BOOST_FIXTURE_TEST_CASE(a_node_that_is_down_is_passed_over_and_the_next_one_kept, cluster_fixture) {
    down(2);
    auto c = make_cm(nodes_of({2, 3, 1}));
    auto page = c.call<cckm::list_jobs<cckm::oci>>(ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(page->total.value_or(0) > 0u);
    BOOST_TEST(diag.node == name_of(3));
    BOOST_TEST(c.transport().current_node() == 1u);
    const auto failovers = c.counters().failovers;
    BOOST_TEST(failovers >= 1u);
    // Sticky: the next calls go to node 3 at once.
    c.call<cckm::get_job<cckm::oci>>(job_id(std::string(page->resources.at(0).id)), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(c.counters().failovers == failovers);
    BOOST_TEST(diag.node == name_of(3));
    up(2);
}

BOOST_FIXTURE_TEST_CASE(async_calls_fail_over_too, cluster_fixture) {
    down(2);
    auto c = make_cm(nodes_of({2, 1}));
    keyops::diagnostics d;
    auto fut = c.async_call<cckm::list_jobs<cckm::oci>>(d, boost::asio::use_future);
    io.run();
    BOOST_TEST(fut.get()->total.value_or(0) > 0u);
    BOOST_TEST(d.node == name_of(1));
    BOOST_TEST(c.counters().failovers >= 1u);
    BOOST_TEST(c.transport().current_node() == 1u);
    io.restart();
    up(2);
}

BOOST_FIXTURE_TEST_CASE(a_503_moves_on_at_once, cluster_fixture) {
    fault(R"({"route":"/api/v1/cckm","node":2,"fault":"503","count":0})");
    auto c = make_cm(nodes_of({2, 3}));
    auto page = c.call<cckm::list_jobs<cckm::oci>>(ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(diag.node == name_of(3));
    BOOST_TEST(c.counters().failovers == 1u);
    BOOST_TEST(c.counters().retries == 0u); // not a retry: the same attempt on another node
}

BOOST_FIXTURE_TEST_CASE(every_node_down_reports_the_last_one, cluster_fixture) {
    down(2);
    down(3);
    auto c = make_cm(nodes_of({2, 3}));
    c.call<cckm::list_jobs<cckm::oci>>(ec, diag);
    BOOST_TEST((ec == boost::asio::error::connection_refused), ec.message());
    BOOST_TEST(!diag.node.empty());
    BOOST_TEST(diag.describe(ec).find("[node 127.0.0.1:") != std::string::npos, diag.describe(ec));
    up(2);
    up(3);
}

BOOST_FIXTURE_TEST_CASE(a_job_just_started_is_waited_for_on_another_node, cluster_fixture) {
    // Started through node 1; node 1 then answers 503 to reads, so the read goes to node 2,
    // which does not have the job for 800 ms: the grace rides that out.
    auto c = make_cm(nodes_of({1, 2}));
    auto started =
        c.call<cckm::start_job<cckm::oci>>(cckm::raw_json_body{R"({"synchronize_all":true})"});
    const std::string id(started->id);
    fault(R"({"route":"/api/v1/cckm","method":"GET","node":1,"fault":"503","count":0})");
    auto j = c.call<cckm::get_job<cckm::oci>>(job_id(id), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(j->id == id);
    BOOST_TEST(diag.node == name_of(2));
    BOOST_TEST(c.counters().retries >= 1u); // at least one 404 was asked again
    BOOST_TEST(c.counters().failovers == 1u);

    // Without the grace, the same read is "not found".
    keyops::client_options no_grace;
    no_grace.read_after_write_grace = std::chrono::milliseconds(0);
    keyops::ciphertrust_credentials cr;
    cr.username = "admin";
    cr.password = "admin";
    cm_client strict(keyops::beast_transport(io.get_executor(), nodes_of({1, 3})),
                     keyops::ciphertrust_auth(cr), keyops::exponential_backoff(quick_retries(), 3),
                     no_grace);
    auto again =
        strict.call<cckm::start_job<cckm::oci>>(cckm::raw_json_body{R"({"synchronize_all":true})"});
    strict.call<cckm::get_job<cckm::oci>>(job_id(std::string(again->id)), ec, diag);
    BOOST_TEST((ec == keyops::error::not_found), diag.describe(ec));
    BOOST_TEST(diag.node == name_of(3));
}

BOOST_FIXTURE_TEST_CASE(sessions_revoke_their_refresh_tokens, cluster_fixture) {
    const auto before = revoked();
    {
        auto c = make_cm();
        c.call<cckm::list_jobs<cckm::oci>>();
        BOOST_TEST(c.auth().needs_release());
        c.close(ec, diag);
        BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
        BOOST_TEST(revoked() == before + 1);
    }
    BOOST_TEST(revoked() == before + 1); // closed: the destructor has nothing left to do
    {
        auto c = make_cm();
        c.call<cckm::list_jobs<cckm::oci>>(); // destroyed without close(): revoked there
    }
    BOOST_TEST(revoked() == before + 2);
    BOOST_TEST(*admin.call<sim::get_tokens>()->cckm_refresh == 0);
}

BOOST_FIXTURE_TEST_CASE(a_wait_right_after_a_start_rides_out_the_replication_lag, cluster_fixture) {
    auto c = make_cm(nodes_of({1, 2}));
    auto started =
        c.call<cckm::start_job<cckm::oci>>(cckm::raw_json_body{R"({"vaults":["lagging-1"]})"});
    const std::string id(started->id);
    fault(R"({"route":"/api/v1/cckm","method":"GET","node":1,"fault":"503","count":0})");
    keyops::wait_options w;
    w.polling.first_interval = std::chrono::milliseconds(200);
    w.polling.growth = 1.0;
    w.polling.max_interval = std::chrono::milliseconds(200);
    w.polling.deadline = std::chrono::seconds(30);
    auto r = keyops::wait_for_jobs<cckm::oci>(c, {id}, w);
    BOOST_TEST_REQUIRE(r.size() == 1u);
    BOOST_TEST((r[0].outcome == keyops::wait_outcome::completed), r[0].diag.describe(r[0].ec));
    BOOST_TEST(c.counters().failovers >= 1u);

    // Two jobs are read in lists, which node 2 does not show them in yet: each is then read by
    // id, and those 404s are ridden out as a single job's are.
    auto c2 = make_cm(nodes_of({1, 2}));
    std::vector<std::string> ids;
    for (const char* v : {R"({"vaults":["lagging-2"]})", R"({"vaults":["lagging-3"]})"})
        ids.emplace_back(c2.call<cckm::start_job<cckm::oci>>(cckm::raw_json_body{v})->id);
    auto both = keyops::wait_for_jobs(c2, cckm::job_kind::oci, ids, w); // the run-time kind form
    BOOST_TEST_REQUIRE(both.size() == 2u);
    for (const auto& one : both)
        BOOST_TEST((one.outcome == keyops::wait_outcome::completed), one.diag.describe(one.ec));
    BOOST_TEST(seen("GET /api/v1/cckm/oci/synchronization-jobs/" + ids[0]) >= 1);
}

BOOST_FIXTURE_TEST_CASE(network_insight_saas_rotation_through_a_csp_on_another_origin,
                        cluster_fixture) {
    // The API on node 1 under /ni/api/ni, the CSP token exchange on node 2: an absolute target
    // the transport routes to that origin.
    keyops::client_options o;
    o.network_insight_base = "/ni/api/ni";
    o.csp_base = node_urls().at(1);
    keyops::network_insight_csp_credentials cr;
    cr.api_token = "keyops-sim-csp-api-token";
    keyops::client<keyops::beast_transport, keyops::network_insight_csp_auth> saas(
        keyops::beast_transport(io.get_executor(), sim_transport()),
        keyops::network_insight_csp_auth(cr), keyops::exponential_backoff(quick_retries(), 5), o);
    saas.call<keyops::ni::rotate_proxy_key>();
    BOOST_TEST(!saas.auth().access_token().empty());
    keyops::wait_options w;
    w.polling.first_interval = std::chrono::milliseconds(200);
    w.polling.growth = 1.0;
    w.polling.max_interval = std::chrono::milliseconds(200);
    w.polling.deadline = std::chrono::seconds(30);
    auto r = keyops::wait_for_rotation(saas, w);
    BOOST_TEST((r.outcome == keyops::wait_outcome::rotation_success), r.diag.describe(r.ec));
    // Access tokens live 2 s here (with_sim.sh): renewed during the wait, before they expire.
    const auto exchanges = seen("POST /csp/gateway/am/api/auth/api-tokens/authorize");
    BOOST_TEST(exchanges >= 1);
    BOOST_TEST(seen("POST /ni/api/ni/customers/collector/data-encryption-cert/update") == 1);
    BOOST_TEST(saas.transport().connections_opened() >= 2u); // the API's and the CSP's

    // Expired access tokens are renewed with the API token (a 401, then a new exchange).
    admin.call<sim::expire_tokens>();
    saas.call<keyops::ni::proxy_key_details>();
    BOOST_TEST(seen("POST /csp/gateway/am/api/auth/api-tokens/authorize") >= exchanges + 1);
    BOOST_TEST(seen("GET /ni/api/ni/customers/collector/data-encryption-cert/details") == 2);

    // A wrong API token: unauthorized, with CSP's words and without the token.
    cr.api_token = "not-the-sims-token";
    keyops::client<keyops::beast_transport, keyops::network_insight_csp_auth> wrong(
        keyops::beast_transport(io.get_executor(), sim_transport()),
        keyops::network_insight_csp_auth(cr), keyops::exponential_backoff(quick_retries(), 5), o);
    wrong.call<keyops::ni::proxy_key_details>(ec, diag);
    BOOST_TEST((ec == keyops::error::unauthorized), diag.describe(ec));
    BOOST_TEST(diag.server_message.find("not valid") != std::string::npos, diag.describe(ec));
    BOOST_TEST(diag.describe(ec).find("not-the-sims-token") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_vidm_token_gets_a_network_insight_token, cluster_fixture) {
    keyops::network_insight_credentials cr;
    cr.vidm_token = "keyops-sim-vidm-token";
    ni_client ni(keyops::beast_transport(io.get_executor(), sim_transport()),
                 keyops::network_insight_auth(cr), keyops::exponential_backoff(quick_retries(), 5));
    auto d = ni.call<keyops::ni::proxy_key_details>();
    BOOST_TEST(d->customer_id.value_or(0) == 1);
    BOOST_TEST(seen("POST /api/ni/auth/token/vidm") == 1);
    ni.close(ec, diag);
    BOOST_TEST(!ec, diag.describe(ec)); // the token is released like a password login's
}

BOOST_AUTO_TEST_SUITE_END()
