// Waiting for jobs and rotations, end to end against keyops-sim (jobs run 2 s, tokens live 2 s:
// see with_sim.sh).

#include "sim_support.hpp"

#include <keyops/wait/wait.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace cckm = keyops::cckm;
using namespace std::chrono_literals;
using keyops::wait_outcome;
using namespace sim_support;

namespace {

keyops::wait_options quick_polling() {
    keyops::wait_options w;
    w.polling.first_interval = 200ms;
    w.polling.growth = 1.0;
    w.polling.max_interval = 200ms;
    w.polling.deadline = 30s;
    return w;
}

struct wait_fixture : sim_fixture {
    std::string start_google(std::vector<std::string> rings) {
        cckm::google_sync_body body;
        body.key_rings = std::move(rings);
        return std::string(cm.call<cckm::start_job<cckm::google>>(body)->id);
    }
    std::string start_oci(const std::string& vault) {
        return std::string(cm.call<cckm::start_job<cckm::oci>>(
                                 cckm::raw_json_body{R"({"vaults":[")" + vault + R"("]})"})
                               ->id);
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(wait)

BOOST_FIXTURE_TEST_CASE(one_job_to_completion_with_progress_across_token_expiry, wait_fixture) {
    const std::string id = start_google({"ring-a", "ring-b", "ring-c", "ring-d"});
    // Every live token expires just before the first poll: the wait must not notice.
    fault(R"({"route":"/api/v1/cckm/google/synchronization-jobs/","method":"GET",)"
          R"("fault":"expire_tokens","count":1})");
    admin.call<sim::clear_stats>();

    std::vector<std::string> states;
    std::vector<std::size_t> finished;
    auto w = quick_polling();
    w.on_job_progress = [&](const cckm::job& j, std::chrono::steady_clock::duration) {
        states.emplace_back(j.overall_status.raw);
        std::size_t n = 0;
        for (auto m : j.detailed_status)
            n += m.value.as_string().find("successfully") != std::string_view::npos;
        finished.push_back(n);
    };
    auto r = keyops::wait_for_job<cckm::google>(cm, id, w);
    BOOST_TEST_REQUIRE((r.outcome == wait_outcome::completed), r.diag.describe(r.ec));
    BOOST_TEST(!r.ec);
    BOOST_TEST(r.id == id);
    BOOST_TEST_REQUIRE(r.job.has_value());
    BOOST_TEST(r.job->id == id);
    BOOST_TEST((r.job->overall_status.state == keyops::job_state::completed));
    BOOST_TEST(r.job->detailed_status.size() == 4u);
    BOOST_TEST(r.polls >= 3u);
    BOOST_TEST(r.attempts >= r.polls + 1); // the first poll was answered 401 and sent again
    BOOST_TEST(r.elapsed.count() > 0);
    // Progress: first read in progress, then one call per change, the last one completed.
    BOOST_TEST_REQUIRE(states.size() >= 2u);
    BOOST_TEST(states.front() == "in_progress");
    BOOST_TEST(states.back() == "completed");
    BOOST_TEST(finished.back() == 4u);
    for (std::size_t i = 1; i < finished.size(); ++i)
        BOOST_TEST(finished[i] >= finished[i - 1]);
    BOOST_TEST(states.size() <= r.polls);
    // The tokens route saw at least the renewal after the 401.
    BOOST_TEST(seen("POST /api/v1/auth/tokens") >= 1);
}

BOOST_FIXTURE_TEST_CASE(failed_and_aborted_jobs, wait_fixture) {
    const std::string failing = start_google({"ring-1", "ring-fail"});
    auto r = keyops::wait_for_job<cckm::google>(cm, failing, quick_polling());
    BOOST_TEST((r.outcome == wait_outcome::failed));
    BOOST_TEST(!r.ec);
    BOOST_TEST((r.job->overall_status.state == keyops::job_state::failed));

    const std::string cancelled = start_google({"ring-x", "ring-y"});
    cm.call<cckm::cancel_job<cckm::google>>(keyops::job_id(cancelled));
    r = keyops::wait_for_job<cckm::google>(cm, cancelled, quick_polling());
    BOOST_TEST((r.outcome == wait_outcome::completed_aborted));
    BOOST_TEST(r.job->abort);
}

BOOST_FIXTURE_TEST_CASE(deadline_and_cancel_on_deadline, wait_fixture) {
    const std::string id = start_google({"ring-a", "ring-b"});
    auto w = quick_polling();
    w.polling.deadline = 300ms;
    auto r = keyops::wait_for_job<cckm::google>(cm, id, w);
    BOOST_TEST((r.outcome == wait_outcome::deadline));
    BOOST_TEST((r.ec == keyops::error::deadline_exceeded));
    BOOST_TEST(!r.cancel_sent);
    BOOST_TEST(r.diag.detail.find("still in_progress") != std::string::npos, r.diag.detail);
    BOOST_TEST(!r.job->abort);

    w.cancel_on_deadline = true;
    r = keyops::wait_for_job<cckm::google>(cm, id, w);
    BOOST_TEST((r.outcome == wait_outcome::deadline));
    BOOST_TEST(r.cancel_sent);
    BOOST_TEST(r.job->abort); // the cancel's answer
    // The wait resumes from the id and kind alone, chosen at run time.
    auto again = keyops::wait_for_jobs(cm, cckm::job_kind::google, {id}, quick_polling());
    BOOST_TEST_REQUIRE(again.size() == 1u);
    BOOST_TEST((again[0].outcome == wait_outcome::completed_aborted));
}

BOOST_FIXTURE_TEST_CASE(ten_jobs_one_list_request_per_round, wait_fixture) {
    std::vector<std::string> ids;
    for (int i = 0; i < 10; ++i)
        ids.push_back(start_oci("vault-" + std::to_string(i)));
    admin.call<sim::clear_stats>();

    std::set<std::string> progressed;
    auto w = quick_polling();
    w.on_job_progress = [&](const cckm::job& j, auto) {
        progressed.emplace(j.id);
    };
    auto results = keyops::wait_for_jobs<cckm::oci>(cm, ids, w);
    BOOST_TEST_REQUIRE(results.size() == 10u);
    unsigned rounds = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        BOOST_TEST(results[i].id == ids[i]);
        BOOST_TEST((results[i].outcome == wait_outcome::completed), results[i].id);
        BOOST_TEST(results[i].job->id == ids[i]);
        rounds = std::max(rounds, results[i].polls);
    }
    BOOST_TEST(progressed.size() == 10u);
    BOOST_TEST(rounds >= 2u);
    // One list request per round and nothing else (no GET per job), but token renewals.
    auto stats = admin.call<sim::get_stats>();
    BOOST_TEST(stats->requests.find("GET /api/v1/cckm/oci/synchronization-jobs").as_int64() ==
               static_cast<std::int64_t>(rounds));
    BOOST_TEST(*stats->total == static_cast<std::int64_t>(rounds) +
                                    stats->requests.find("POST /api/v1/auth/tokens").as_int64());
}

BOOST_FIXTURE_TEST_CASE(list_chunks_and_unknown_ids, wait_fixture) {
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i)
        ids.push_back(start_oci("chunk-" + std::to_string(i)));
    ids.push_back("00000000-0000-4000-8000-000000000000");
    admin.call<sim::clear_stats>();
    auto w = quick_polling();
    w.ids_per_list = 2; // 6 ids: 3 list requests in the first round
    auto results = keyops::wait_for_jobs<cckm::oci>(cm, ids, w);
    BOOST_TEST_REQUIRE(results.size() == 6u);
    for (std::size_t i = 0; i < 5; ++i)
        BOOST_TEST((results[i].outcome == wait_outcome::completed));
    BOOST_TEST((results[5].outcome == wait_outcome::error));
    BOOST_TEST((results[5].ec == keyops::error::not_found));
    // Not in the list of its own id, then read by id: the server's 404 is the answer.
    BOOST_TEST(results[5].diag.server_code_desc.find("NCERRResourceNotFound") != std::string::npos,
               results[5].diag.describe(results[5].ec));
    BOOST_TEST(results[5].polls == 2u);
    BOOST_TEST(admin.call<sim::get_stats>()
                   ->requests.find("GET /api/v1/cckm/oci/synchronization-jobs/" + ids[5])
                   .as_int64() == 1);
    unsigned rounds = 0;
    for (std::size_t i = 0; i < 5; ++i)
        rounds = std::max(rounds, results[i].polls);
    // The first round takes 3 requests; later rounds ask only for the jobs still running.
    const auto lists = admin.call<sim::get_stats>()
                           ->requests.find("GET /api/v1/cckm/oci/synchronization-jobs")
                           .as_int64();
    BOOST_TEST(lists >= static_cast<std::int64_t>(rounds) + 2);
    BOOST_TEST(lists <= 3 * static_cast<std::int64_t>(rounds));
}

BOOST_FIXTURE_TEST_CASE(kind_without_list_reads_each_job, wait_fixture) {
    cckm::update_all_versions_body b;
    b.key_id = "projects/p/locations/l/keyRings/r/cryptoKeys/k1";
    std::vector<std::string> ids;
    ids.emplace_back(cm.call<cckm::start_job<cckm::google_update_all_versions>>(b)->id);
    b.key_id = "projects/p/locations/l/keyRings/r/cryptoKeys/k-fail";
    ids.emplace_back(cm.call<cckm::start_job<cckm::google_update_all_versions>>(b)->id);
    auto results =
        keyops::wait_for_jobs<cckm::google_update_all_versions>(cm, ids, quick_polling());
    BOOST_TEST((results[0].outcome == wait_outcome::completed));
    BOOST_TEST((results[1].outcome == wait_outcome::failed));
    BOOST_TEST(results[0].job->detailed_status.find("completed").is_array());
}

BOOST_FIXTURE_TEST_CASE(unknown_job_is_not_found, wait_fixture) {
    auto r = keyops::wait_for_job<cckm::dsm>(cm, "no-such-job", quick_polling());
    BOOST_TEST((r.outcome == wait_outcome::error));
    BOOST_TEST((r.ec == keyops::error::not_found));
    BOOST_TEST(r.diag.http_status == 404u);
    BOOST_TEST(r.polls == 1u);
}

BOOST_FIXTURE_TEST_CASE(async_wait_cancelled_through_its_slot, wait_fixture) {
    const std::string id = start_google({"ring-a"});
    boost::asio::cancellation_signal signal;
    boost::asio::steady_timer later(io, 300ms);
    later.async_wait(
        [&](keyops::error_code) { signal.emit(boost::asio::cancellation_type::terminal); });
    bool done = false;
    keyops::job_wait_result result;
    keyops::error_code got;
    keyops::async_wait_for_job<cckm::google>(
        cm, id, quick_polling(),
        boost::asio::bind_cancellation_slot(signal.slot(),
                                            [&](keyops::error_code e, keyops::job_wait_result r) {
                                                got = e;
                                                result = std::move(r);
                                                done = true;
                                            }));
    io.restart();
    while (!done && io.run_one() != 0) {
    }
    BOOST_TEST_REQUIRE(done);
    BOOST_TEST((got == boost::asio::error::operation_aborted));
    BOOST_TEST((result.outcome == wait_outcome::cancelled));
    // The job itself goes on.
    auto j = cm.call<cckm::get_job<cckm::google>>(keyops::job_id(id));
    BOOST_TEST(!j->abort);
}

BOOST_FIXTURE_TEST_CASE(sync_wait_stopped_by_flag, wait_fixture) {
    const std::string id = start_google({"ring-a"});
    std::atomic<bool> stop{false};
    auto w = quick_polling();
    w.polling.first_interval = w.polling.max_interval = 5s;
    w.stop = &stop;
    std::thread stopper([&] {
        std::this_thread::sleep_for(300ms);
        stop = true;
    });
    auto r = keyops::wait_for_job<cckm::google>(cm, id, w);
    stopper.join();
    BOOST_TEST((r.outcome == wait_outcome::cancelled));
    BOOST_TEST((r.ec == boost::asio::error::operation_aborted));
    BOOST_TEST(r.polls == 1u); // stopped during the first pause
}

BOOST_FIXTURE_TEST_CASE(rotation_success_and_failure, wait_fixture) {
    auto ni = make_ni();
    // Before any rotation the status is 404.
    auto none = keyops::wait_for_rotation(ni, quick_polling());
    BOOST_TEST((none.outcome == wait_outcome::error));
    BOOST_TEST((none.ec == keyops::error::not_found));

    auto started = ni.call<keyops::ni::rotate_proxy_key>();
    BOOST_TEST((started->status.state == keyops::rotation_state::submitted));
    std::vector<std::string> seen_states;
    auto w = quick_polling();
    w.on_rotation_progress = [&](const keyops::ni::rotation_status& s, auto) {
        seen_states.emplace_back(s.status.raw);
    };
    auto r = keyops::wait_for_rotation(ni, w);
    BOOST_TEST((r.outcome == wait_outcome::rotation_success), r.diag.describe(r.ec));
    BOOST_TEST(!r.ec);
    BOOST_TEST(r.status->status.raw == "SUCCESS");
    BOOST_TEST_REQUIRE(!seen_states.empty());
    BOOST_TEST(seen_states.back() == "SUCCESS");

    admin.call<sim::rotation_fail>(sim::json_text{R"({"collectors":["c-7","c-9"]})"});
    ni.call<keyops::ni::rotate_proxy_key>();
    // The async form, with a future.
    auto fut = keyops::async_wait_for_rotation(ni, quick_polling(), boost::asio::use_future);
    io.restart();
    io.run();
    auto failed = fut.get();
    BOOST_TEST((failed.outcome == wait_outcome::rotation_failed));
    BOOST_TEST((failed.failed_collector_ids == std::vector<std::string>{"c-7", "c-9"}));
    keyops::diagnostics d;
    keyops::error_code e;
    ni.close(e, d);
    BOOST_TEST(!e, d.describe(e));
}

BOOST_AUTO_TEST_SUITE_END()
