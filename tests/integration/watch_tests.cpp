// The watch, end to end against keyops-sim (jobs run 2 s: see with_sim.sh): the async watch
// reports jobs others start (started, then completed, failed or aborted), its cursor carries a
// second watch on, and cancellation ends it as cancellation.hpp says; the sync watch ends on its
// stop flag. The rotation watch follows the Network Insight proxy key beside the jobs, on the same
// io_context, and goes on from its cursor.

#include "sim_support.hpp"

#include <keyops/wait/watch.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace cckm = keyops::cckm;
using namespace std::chrono_literals;
using namespace sim_support;

namespace {

keyops::watch_options quick() {
    keyops::watch_options o;
    o.interval = 200ms;
    return o;
}

struct watch_fixture : sim_fixture {
    std::string start_oci(const std::string& vault) {
        return std::string(cm.call<cckm::start_job<cckm::oci>>(
                                 cckm::raw_json_body{R"({"vaults":[")" + vault + R"("]})"})
                               ->id);
    }
    std::string start_dsm(const std::string& domain) {
        return std::string(cm.call<cckm::start_job<cckm::dsm>>(
                                 cckm::raw_json_body{R"({"domains":[")" + domain + R"("]})"})
                               ->id);
    }

    // id -> the events of it, in order
    std::map<std::string, std::vector<std::string>> events;
    keyops::watch_cursor last;
    int batches = 0;

    auto recorder() {
        return [this](const std::vector<keyops::watch_event>& batch,
                      const keyops::watch_cursor& next) {
            ++batches;
            for (const auto& e : batch) {
                BOOST_TEST(e.type != keyops::watch_event_type::error, e.message);
                events[e.id].push_back(std::string(keyops::to_string(e.type)));
            }
            last = next;
        };
    }
};

const std::vector<cckm::job_kind> two_kinds{cckm::job_kind::oci, cckm::job_kind::dsm};

} // namespace

BOOST_AUTO_TEST_SUITE(watch)

BOOST_FIXTURE_TEST_CASE(the_async_watch_reports_jobs_others_start_until_cancelled, watch_fixture) {
    boost::asio::cancellation_signal signal;
    std::optional<keyops::error_code> done;
    std::string a, b, c;
    keyops::async_watch_jobs(cm, two_kinds, {}, quick(), recorder(),
                             boost::asio::bind_cancellation_slot(
                                 signal.slot(), [&](keyops::error_code ec) { done = ec; }));
    // Let the watch take its first look, then start jobs: one completes, one is cancelled (it
    // ends aborted), one fails (the simulator fails jobs whose resource is named fail-*).
    io.run_for(500ms);
    a = start_oci("vault-ok");
    b = start_dsm("domain-cancelled");
    c = start_dsm("fail-domain");
    cm.call<cckm::cancel_job<cckm::dsm>>(keyops::job_id(b));
    for (int i = 0;
         i < 100 && !(events[a].size() >= 2 && events[b].size() >= 2 && events[c].size() >= 2); ++i)
        io.run_for(100ms);
    BOOST_TEST(events[a].front() == "started");
    BOOST_TEST(events[a].back() == "completed");
    BOOST_TEST(events[b].back() == "aborted");
    BOOST_TEST(events[c].back() == "failed");
    for (const auto& id : {a, b, c})
        BOOST_TEST(std::count(events[id].begin(), events[id].end(), "started") == 1, id);
    BOOST_TEST(last.kinds.at("oci").open.empty());
    BOOST_TEST(!done);
    signal.emit(boost::asio::cancellation_type::terminal);
    io.run_for(2s);
    BOOST_REQUIRE(done);
    BOOST_TEST((*done == boost::asio::error::operation_aborted));
}

BOOST_FIXTURE_TEST_CASE(a_second_watch_goes_on_from_the_cursor, watch_fixture) {
    const auto o = quick();
    auto once = o;
    once.once = true;
    // The first look: nothing of ours runs yet.
    BOOST_TEST(!keyops::watch_jobs(cm, two_kinds, {}, once, recorder()));
    auto cursor = last;
    const auto text = cursor.to_string();
    // While no watch runs, a job starts and ends.
    const auto a = start_oci("vault-between");
    std::this_thread::sleep_for(2500ms);
    events.clear();
    std::string why;
    auto back = keyops::watch_cursor::parse(text, why);
    BOOST_REQUIRE_MESSAGE(back, why);
    BOOST_TEST(!keyops::watch_jobs(cm, two_kinds, *back, once, recorder()));
    BOOST_TEST(events[a] == (std::vector<std::string>{"started", "completed"}),
               boost::test_tools::per_element());
    // From the cursor that batch left: nothing again.
    events.clear();
    BOOST_TEST(!keyops::watch_jobs(cm, two_kinds, last, once, recorder()));
    BOOST_TEST(events.empty());
}

BOOST_FIXTURE_TEST_CASE(a_partial_cancellation_lets_the_round_hand_over_then_ends, watch_fixture) {
    boost::asio::cancellation_signal signal;
    std::optional<keyops::error_code> done;
    keyops::async_watch_jobs(cm, two_kinds, {}, quick(), recorder(),
                             boost::asio::bind_cancellation_slot(
                                 signal.slot(), [&](keyops::error_code ec) { done = ec; }));
    io.run_for(500ms);
    const auto batches_before = batches;
    signal.emit(boost::asio::cancellation_type::partial);
    io.run_for(3s);
    BOOST_REQUIRE(done);
    BOOST_TEST((*done == boost::asio::error::operation_aborted));
    BOOST_TEST(batches >= batches_before);
}

BOOST_FIXTURE_TEST_CASE(the_sync_watch_ends_when_its_stop_flag_is_set, watch_fixture) {
    std::atomic<bool> stop{false};
    std::thread setter([&] {
        std::this_thread::sleep_for(700ms);
        stop = true;
    });
    const auto ec = keyops::watch_jobs(cm, two_kinds, {}, quick(), recorder(), &stop);
    setter.join();
    BOOST_TEST((ec == boost::asio::error::operation_aborted));
}

BOOST_FIXTURE_TEST_CASE(the_rotation_watch_runs_beside_the_jobs_watch_on_one_io_context,
                        watch_fixture) {
    auto ni = make_ni();
    boost::asio::cancellation_signal jobs_signal, rotation_signal;
    std::optional<keyops::error_code> jobs_done, rotation_done;
    std::vector<std::string> rotations; // "started 1 SUBMITTED"
    keyops::watch_cursor rotation_cursor;
    keyops::async_watch_jobs(
        cm, two_kinds, {}, quick(), recorder(),
        boost::asio::bind_cancellation_slot(jobs_signal.slot(),
                                            [&](keyops::error_code ec) { jobs_done = ec; }));
    keyops::async_watch_rotation(
        ni, {}, quick(),
        [&](const std::vector<keyops::watch_event>& batch, const keyops::watch_cursor& next) {
            for (const auto& e : batch) {
                BOOST_TEST(e.kind == "proxy-key");
                rotations.push_back(std::string(keyops::to_string(e.type)) + " " + e.id);
            }
            rotation_cursor = next;
        },
        boost::asio::bind_cancellation_slot(rotation_signal.slot(),
                                            [&](keyops::error_code ec) { rotation_done = ec; }));
    io.run_for(500ms);
    ni.async_call<keyops::ni::rotate_proxy_key>(
        [](keyops::error_code ec, keyops::parsed<keyops::ni::rotation_status>) {
            BOOST_TEST(!ec, ec.message());
        });
    const auto a = start_oci("vault-beside");
    for (int i = 0; i < 100 && !(rotations.size() >= 2 && events[a].size() >= 2); ++i)
        io.run_for(100ms);
    BOOST_TEST((rotations.size() >= 2 && rotations.front() == "started 1"));
    BOOST_TEST((!rotations.empty() && rotations.back() == "completed 1"));
    BOOST_TEST(events[a].back() == "completed");
    BOOST_REQUIRE(rotation_cursor.proxy_key);
    BOOST_TEST(rotation_cursor.proxy_key->rotations == 1u);
    BOOST_TEST(!rotation_cursor.proxy_key->open);
    jobs_signal.emit(boost::asio::cancellation_type::terminal);
    rotation_signal.emit(boost::asio::cancellation_type::terminal);
    io.run_for(2s);
    BOOST_REQUIRE(jobs_done);
    BOOST_REQUIRE(rotation_done);
    BOOST_TEST((*rotation_done == boost::asio::error::operation_aborted));
    // A rotation made while no watch runs: the sync watch from the cursor reports it once.
    ni.call<keyops::ni::rotate_proxy_key>();
    std::this_thread::sleep_for(2500ms);
    auto once = quick();
    once.once = true;
    rotations.clear();
    const auto record = [&](const std::vector<keyops::watch_event>& batch,
                            const keyops::watch_cursor& next) {
        for (const auto& e : batch)
            rotations.push_back(std::string(keyops::to_string(e.type)) + " " + e.id);
        rotation_cursor = next;
    };
    BOOST_TEST(!keyops::watch_rotation(ni, rotation_cursor, once, record));
    BOOST_TEST(rotations == (std::vector<std::string>{"started 2", "completed 2"}),
               boost::test_tools::per_element());
    rotations.clear();
    BOOST_TEST(!keyops::watch_rotation(ni, rotation_cursor, once, record));
    BOOST_TEST(rotations.empty());
}

BOOST_AUTO_TEST_SUITE_END()
