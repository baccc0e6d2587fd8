// The CipherTrust scheduler end to end against keyops-sim (see sim_tests.cpp): a schedule
// created, run at once, its run waited for, then deleted.

#include "sim_support.hpp"

#include <keyops/wait/run_wait.hpp>

#include <boost/asio/use_future.hpp>
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

} // namespace

BOOST_AUTO_TEST_SUITE(sim)

BOOST_FIXTURE_TEST_CASE(scheduler_create_run_now_wait_delete, sim_fixture) {
    auto cfg = cm.call<scheduler::create_config>(aws_schedule("it-nightly"));
    BOOST_TEST(cfg->name == "it-nightly");
    BOOST_TEST(cfg->operation == "cckm_synchronization");
    BOOST_TEST(cfg->run_on == "any");
    BOOST_TEST(cfg->description == "made by the integration test");
    BOOST_TEST(cfg->cckm_synchronization_params.kms.size() == 2u);
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
    BOOST_TEST(patched->cckm_synchronization_params.kms.size() == 2u);
    BOOST_TEST(patched->cckm_synchronization_params.synchronize_all);
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
