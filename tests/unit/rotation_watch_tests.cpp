// rotation_watch_fsm, resumed by hand with explicit clocks against a scripted Network Insight
// server: the baseline, a rotation followed from start to end, rotations that start and end
// between two rounds, the races between the two reads of a round, errors, cancellation, and a
// restart from the cursor's text that misses nothing and repeats nothing.

#include <keyops/parse/parse.hpp>
#include <keyops/wait/rotation_watch_fsm.hpp>

#include <boost/test/unit_test.hpp>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ni = keyops::ni;
using namespace std::chrono_literals;
using keyops::rotation_watch_action;
using clock_type = std::chrono::steady_clock;

namespace {

const std::int64_t key_ms = 1796551200000; // 2026-12-06T10:00:00Z

// The proxy key routes: the last rotation's status (none: 404) and the key's lastUpdatedAt.
struct fake_ni {
    std::optional<std::string> status;
    std::vector<std::string> failed_ids;
    std::int64_t updated_at = key_ms;
    int requests = 0;
    bool failing_status = false;
    bool failing_details = false;
    std::function<void()> between; // runs once, after a details read, before the status read

    // A rotation ended SUCCESS: the key moves by `seconds`.
    void succeed(std::int64_t seconds = 60) {
        status = "SUCCESS";
        failed_ids.clear();
        updated_at += seconds * 1000;
    }

    keyops::parsed<ni::rotation_status> serve_status(keyops::error_code& ec,
                                                     keyops::diagnostics& d) {
        ++requests;
        d = {};
        if (failing_status || !status) {
            d.http_status = failing_status ? 503 : 404;
            ec = keyops::make_error_code(failing_status ? keyops::error::server_error
                                                        : keyops::error::not_found);
            return {};
        }
        std::string body =
            R"({"customerId":7,"status":")" + *status + R"(","failedCollectorIds":[)";
        for (std::size_t i = 0; i < failed_ids.size(); ++i)
            body += (i ? ",\"" : "\"") + failed_ids[i] + "\"";
        body += "]}";
        auto r = keyops::parse<ni::rotation_status>(body, ec, d);
        BOOST_REQUIRE(!ec);
        return r;
    }

    keyops::parsed<ni::key_details> serve_details(keyops::error_code& ec, keyops::diagnostics& d) {
        ++requests;
        d = {};
        if (failing_details) {
            d.http_status = 503;
            ec = keyops::make_error_code(keyops::error::server_error);
            return {};
        }
        auto r = keyops::parse<ni::key_details>(
            R"({"customerId":7,"lifetime":"365","remainingValidity":"200","lastUpdatedAt":)" +
                std::to_string(updated_at) + R"(,"lastUpdatedBy":"admin"})",
            ec, d);
        BOOST_REQUIRE(!ec);
        return r;
    }
};

using strings = std::vector<std::string>;

struct round_result {
    strings events; // "started 1 SUBMITTED"
    std::vector<keyops::watch_event> raw;
    rotation_watch_action last;
    int requests = 0;
    int batches = 0;
};

// Drives the machine from `a` until it waits or is done. `cancel_at`: the cancellation given
// with the answer to that read of a round (1: the key details, 2: the status).
round_result drive(keyops::rotation_watch_fsm& fsm, fake_ni& s, rotation_watch_action a,
                   clock_type::time_point now, int cancel_at = 0,
                   keyops::cancellation_type cancel = keyops::cancellation_type::none) {
    round_result r;
    keyops::error_code ec;
    keyops::diagnostics d;
    const auto c = [&](int read) {
        return read == cancel_at ? cancel : keyops::cancellation_type::none;
    };
    for (;;) {
        switch (a.kind) {
        case rotation_watch_action::type::details: {
            ec = {};
            auto k = s.serve_details(ec, d);
            ++r.requests;
            a = fsm.on_details(ec, d, std::move(k), now, c(1));
            if (auto f = std::exchange(s.between, nullptr))
                f();
            break;
        }
        case rotation_watch_action::type::status: {
            ec = {};
            auto st = s.serve_status(ec, d);
            ++r.requests;
            a = fsm.on_status(ec, d, std::move(st), now, c(2));
            break;
        }
        case rotation_watch_action::type::events:
            ++r.batches;
            for (const auto& e : fsm.events()) {
                r.events.push_back(std::string(keyops::to_string(e.type)) + " " + e.id + " " +
                                   e.state);
                r.raw.push_back(e);
            }
            a = fsm.on_delivered(now);
            break;
        case rotation_watch_action::type::wait:
        case rotation_watch_action::type::done:
            r.last = a;
            for (const auto& e : r.events)
                BOOST_TEST_MESSAGE("  " << e);
            return r;
        }
    }
}

keyops::watch_options opts() {
    keyops::watch_options o;
    o.interval = 10s;
    return o;
}

const clock_type::time_point t0{};

// One round of a running watch, `n` intervals after t0.
round_result next_round(keyops::rotation_watch_fsm& fsm, fake_ni& s, int n) {
    const auto now = t0 + n * 10s;
    return drive(fsm, s, fsm.on_wake(now), now);
}

} // namespace

BOOST_AUTO_TEST_SUITE(rotation_watch)

BOOST_AUTO_TEST_CASE(no_rotation_yet_is_no_event_and_a_round_costs_two_requests) {
    fake_ni s; // 404 on the status route
    keyops::rotation_watch_fsm fsm(opts(), {});
    auto r = drive(fsm, s, fsm.start(t0), t0);
    BOOST_TEST(r.events.empty());
    BOOST_TEST(r.requests == 2);
    BOOST_TEST(r.batches == 1); // the cursor moved: the key was read
    BOOST_TEST((r.last.kind == rotation_watch_action::type::wait));
    BOOST_TEST((r.last.until == t0 + 10s));
    BOOST_REQUIRE(fsm.cursor().proxy_key);
    BOOST_TEST(!fsm.cursor().proxy_key->status);
    BOOST_TEST(*fsm.cursor().proxy_key->updated_at == key_ms);
    r = next_round(fsm, s, 1);
    BOOST_TEST(r.events.empty());
    BOOST_TEST(r.requests == 2);
    BOOST_TEST(r.batches == 0); // nothing moved: no batch
    BOOST_TEST(fsm.requests() == 4u);
    BOOST_TEST(fsm.rounds() == 2u);
}

BOOST_AUTO_TEST_CASE(the_baseline_reports_a_running_rotation_and_not_an_ended_one) {
    fake_ni ended;
    ended.succeed();
    keyops::rotation_watch_fsm a(opts(), {});
    BOOST_TEST(drive(a, ended, a.start(t0), t0).events.empty());
    fake_ni running;
    running.status = "SUBMITTED";
    keyops::rotation_watch_fsm b(opts(), {});
    auto r = drive(b, running, b.start(t0), t0);
    BOOST_TEST(r.events == strings({"started 1 SUBMITTED"}), boost::test_tools::per_element());
    BOOST_TEST(r.raw[0].kind == "proxy-key");
    BOOST_TEST(b.cursor().proxy_key->open);
}

BOOST_AUTO_TEST_CASE(a_rotation_is_followed_from_start_to_end) {
    fake_ni s;
    s.succeed();
    keyops::rotation_watch_fsm fsm(opts(), {});
    drive(fsm, s, fsm.start(t0), t0);
    s.status = "SUBMITTED";
    auto r = next_round(fsm, s, 1);
    BOOST_TEST(r.events == strings({"started 1 SUBMITTED"}), boost::test_tools::per_element());
    BOOST_TEST(r.raw[0].time.empty());
    BOOST_TEST(next_round(fsm, s, 2).events.empty()); // no change: nothing
    s.status = "IN_PROGRESS";
    r = next_round(fsm, s, 3);
    BOOST_TEST(r.events == strings({"progress 1 IN_PROGRESS"}), boost::test_tools::per_element());
    s.succeed(120);
    r = next_round(fsm, s, 4);
    BOOST_TEST(r.events == strings({"completed 1 SUCCESS"}), boost::test_tools::per_element());
    BOOST_TEST(r.raw[0].time == "2026-12-06T10:03:00Z"); // the key's lastUpdatedAt
    BOOST_TEST(next_round(fsm, s, 5).events.empty());
    // The next one fails.
    s.status = "IN_PROGRESS";
    BOOST_TEST(next_round(fsm, s, 6).events == strings({"started 2 IN_PROGRESS"}),
               boost::test_tools::per_element());
    s.status = "FAILED";
    s.failed_ids = {"c1", "c2"};
    r = next_round(fsm, s, 7);
    BOOST_TEST(r.events == strings({"failed 2 FAILED"}), boost::test_tools::per_element());
    BOOST_TEST(r.raw[0].failed_collector_ids == strings({"c1", "c2"}),
               boost::test_tools::per_element());
    BOOST_TEST(next_round(fsm, s, 8).events.empty());
}

BOOST_AUTO_TEST_CASE(rotations_that_start_and_end_between_rounds_are_reported_started_then_ended) {
    fake_ni s; // no rotation yet
    keyops::rotation_watch_fsm fsm(opts(), {});
    drive(fsm, s, fsm.start(t0), t0);
    s.succeed();
    auto r = next_round(fsm, s, 1);
    BOOST_TEST(r.events == strings({"started 1 SUCCESS", "completed 1 SUCCESS"}),
               boost::test_tools::per_element());
    BOOST_TEST(r.raw[1].time == "2026-12-06T10:01:00Z");
    s.succeed(); // SUCCESS after SUCCESS: the key moved
    r = next_round(fsm, s, 2);
    BOOST_TEST(r.events == strings({"started 2 SUCCESS", "completed 2 SUCCESS"}),
               boost::test_tools::per_element());
    s.status = "FAILED"; // FAILED after SUCCESS: the word changed
    s.failed_ids = {"c9"};
    r = next_round(fsm, s, 3);
    BOOST_TEST(r.events == strings({"started 3 FAILED", "failed 3 FAILED"}),
               boost::test_tools::per_element());
    BOOST_TEST(r.raw[1].failed_collector_ids == strings({"c9"}), boost::test_tools::per_element());
    s.succeed(); // SUCCESS after FAILED
    r = next_round(fsm, s, 4);
    BOOST_TEST(r.events == strings({"started 4 SUCCESS", "completed 4 SUCCESS"}),
               boost::test_tools::per_element());
    BOOST_TEST(next_round(fsm, s, 5).events.empty());
    s.status = "FAILED";
    BOOST_TEST(next_round(fsm, s, 6).events.size() == 2u);
    // The documented limit: another failure after a failure leaves no trace the server shows.
    BOOST_TEST(next_round(fsm, s, 7).events.empty());
}

BOOST_AUTO_TEST_CASE(a_rotation_that_ends_between_the_two_reads_is_reported_once) {
    fake_ni s;
    s.status = "IN_PROGRESS";
    keyops::rotation_watch_fsm fsm(opts(), {});
    drive(fsm, s, fsm.start(t0), t0); // started 1
    s.between = [&] {
        s.succeed();
    };
    auto r = next_round(fsm, s, 1); // the key read before the move, the status after it
    BOOST_TEST(r.events == strings({"completed 1 SUCCESS"}), boost::test_tools::per_element());
    BOOST_TEST(r.raw[0].time.empty());
    BOOST_TEST(fsm.cursor().proxy_key->pending);
    BOOST_TEST(next_round(fsm, s, 2).events.empty()); // the move is rotation 1's
    // Not open: the key read, then another rotation started and succeeded before the status:
    // the status still reads SUCCESS; the next round sees the move.
    s.between = [&] {
        s.succeed();
    };
    BOOST_TEST(next_round(fsm, s, 3).events.empty());
    r = next_round(fsm, s, 4);
    BOOST_TEST(r.events == strings({"started 2 SUCCESS", "completed 2 SUCCESS"}),
               boost::test_tools::per_element());
    BOOST_TEST(next_round(fsm, s, 5).events.empty());
}

BOOST_AUTO_TEST_CASE(an_end_and_the_next_start_in_one_interval_are_both_reported) {
    fake_ni s;
    s.status = "IN_PROGRESS";
    keyops::rotation_watch_fsm fsm(opts(), {});
    drive(fsm, s, fsm.start(t0), t0); // started 1
    s.succeed(90);                    // rotation 1 ends SUCCESS: the key moves...
    s.status = "SUBMITTED";           // ...and rotation 2 starts, within one interval
    auto r = next_round(fsm, s, 1);
    BOOST_TEST(r.events == strings({"completed 1 SUCCESS", "started 2 SUBMITTED"}),
               boost::test_tools::per_element());
    BOOST_TEST(r.raw[0].time == "2026-12-06T10:01:30Z");
    s.status = "FAILED";
    s.failed_ids = {"c3"};
    r = next_round(fsm, s, 2);
    BOOST_TEST(r.events == strings({"failed 2 FAILED"}), boost::test_tools::per_element());
    // An end SUCCESS and a rotation that failed after it, both in one interval.
    s.status = "IN_PROGRESS";
    BOOST_TEST(next_round(fsm, s, 3).events == strings({"started 3 IN_PROGRESS"}),
               boost::test_tools::per_element());
    s.succeed();
    s.status = "FAILED";
    s.failed_ids = {"c4"};
    r = next_round(fsm, s, 4);
    BOOST_TEST(r.events == strings({"completed 3 SUCCESS", "started 4 FAILED", "failed 4 FAILED"}),
               boost::test_tools::per_element());
    BOOST_TEST(r.raw[2].failed_collector_ids == strings({"c4"}), boost::test_tools::per_element());
    BOOST_TEST(next_round(fsm, s, 5).events.empty());
}

BOOST_AUTO_TEST_CASE(a_success_read_before_the_key_moves_takes_the_move_later) {
    fake_ni s;
    s.status = "IN_PROGRESS";
    keyops::rotation_watch_fsm fsm(opts(), {});
    drive(fsm, s, fsm.start(t0), t0);
    s.status = "SUCCESS"; // the server moves lastUpdatedAt a little later
    auto r = next_round(fsm, s, 1);
    BOOST_TEST(r.events == strings({"completed 1 SUCCESS"}), boost::test_tools::per_element());
    BOOST_TEST(r.raw[0].time.empty());
    BOOST_TEST(fsm.cursor().proxy_key->pending);
    s.updated_at += 5000;
    BOOST_TEST(next_round(fsm, s, 2).events.empty()); // its own move, not a new rotation
    BOOST_TEST(!fsm.cursor().proxy_key->pending);
    s.succeed();
    BOOST_TEST(next_round(fsm, s, 3).events ==
                   strings({"started 2 SUCCESS", "completed 2 SUCCESS"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_rotation_the_server_forgets_is_vanished) {
    fake_ni s;
    s.status = "IN_PROGRESS";
    keyops::rotation_watch_fsm fsm(opts(), {});
    drive(fsm, s, fsm.start(t0), t0);
    s.status.reset();
    BOOST_TEST(next_round(fsm, s, 1).events == strings({"vanished 1 "}),
               boost::test_tools::per_element());
    BOOST_TEST(!fsm.cursor().proxy_key->open);
    BOOST_TEST(next_round(fsm, s, 2).events.empty());
}

BOOST_AUTO_TEST_CASE(a_failed_read_is_an_error_event_and_the_next_round_catches_up) {
    fake_ni s;
    s.succeed();
    keyops::rotation_watch_fsm fsm(opts(), {});
    drive(fsm, s, fsm.start(t0), t0);
    const auto before = fsm.cursor();
    s.status = "SUBMITTED";
    s.failing_details = true;
    auto r = next_round(fsm, s, 1);
    BOOST_TEST(r.requests == 1); // no status read without the key
    BOOST_REQUIRE(r.raw.size() == 1u);
    BOOST_TEST((r.raw[0].type == keyops::watch_event_type::error));
    BOOST_TEST(r.raw[0].kind == "proxy-key");
    BOOST_TEST(r.raw[0].message.find("503") != std::string::npos, r.raw[0].message);
    BOOST_TEST((fsm.cursor() == before));
    s.failing_details = false;
    s.failing_status = true;
    r = next_round(fsm, s, 2);
    BOOST_TEST(r.requests == 2);
    BOOST_TEST(r.events == strings({"error  "}), boost::test_tools::per_element());
    BOOST_TEST((fsm.cursor() == before)); // the key alone decides nothing
    s.failing_status = false;
    BOOST_TEST(next_round(fsm, s, 3).events == strings({"started 1 SUBMITTED"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(cancellation_ends_at_once_or_after_the_round_s_last_read) {
    for (const auto c : {keyops::cancellation_type::terminal, keyops::cancellation_type::partial}) {
        fake_ni s;
        s.succeed();
        keyops::rotation_watch_fsm fsm(opts(), {});
        drive(fsm, s, fsm.start(t0), t0);
        const auto before = fsm.cursor();
        s.status = "SUBMITTED";
        // With the key details, the round's first read: it is dropped, whatever the type.
        auto r = drive(fsm, s, fsm.on_wake(t0 + 10s), t0 + 10s, 1, c);
        BOOST_TEST(r.requests == 1);
        BOOST_TEST(r.events.empty());
        BOOST_TEST((r.last.kind == rotation_watch_action::type::done));
        BOOST_TEST((r.last.ec == boost::asio::error::operation_aborted));
        BOOST_TEST((fsm.cursor() == before));
        // With the status, its last: terminal drops the round, partial hands it over.
        keyops::rotation_watch_fsm again(opts(), before);
        r = drive(again, s, again.start(t0), t0, 2, c);
        BOOST_TEST(r.requests == 2);
        BOOST_TEST((r.last.ec == boost::asio::error::operation_aborted));
        if (c == keyops::cancellation_type::terminal) {
            BOOST_TEST(r.events.empty());
            BOOST_TEST((again.cursor() == before));
        } else {
            BOOST_TEST(r.events == strings({"started 1 SUBMITTED"}),
                       boost::test_tools::per_element());
        }
    }
    fake_ni s;
    keyops::rotation_watch_fsm fsm(opts(), {});
    const auto a = fsm.start(t0, keyops::cancellation_type::total);
    BOOST_TEST((a.kind == rotation_watch_action::type::done));
    BOOST_TEST(s.requests == 0);
}

BOOST_AUTO_TEST_CASE(a_watch_resumed_from_the_cursor_text_misses_nothing_and_repeats_nothing) {
    fake_ni s;
    s.status = "SUBMITTED";
    strings seen;
    const auto keep = [&](const round_result& r) {
        seen.insert(seen.end(), r.events.begin(), r.events.end());
    };
    std::string text;
    {
        keyops::rotation_watch_fsm fsm(opts(), {});
        keep(drive(fsm, s, fsm.start(t0), t0));
        s.status = "IN_PROGRESS";
        keep(next_round(fsm, s, 1));
        text = fsm.cursor().to_string();
    } // the process ends; the server goes on
    s.succeed();
    s.status = "IN_PROGRESS"; // the next one started while no watch ran
    std::string why;
    auto cursor = keyops::watch_cursor::parse(text, why);
    BOOST_REQUIRE_MESSAGE(cursor, why);
    keyops::rotation_watch_fsm fsm(opts(), *cursor);
    auto r = drive(fsm, s, fsm.start(t0), t0);
    keep(r);
    s.succeed();
    keep(next_round(fsm, s, 1));
    keep(next_round(fsm, s, 2));
    // Rotation 1 ended and rotation 2 started while no watch ran: the new watch reports both.
    BOOST_TEST(seen ==
                   strings({"started 1 SUBMITTED", "progress 1 IN_PROGRESS", "completed 1 SUCCESS",
                            "started 2 IN_PROGRESS", "completed 2 SUCCESS"}),
               boost::test_tools::per_element());
    BOOST_TEST(fsm.cursor().proxy_key->rotations == 2u);
}

BOOST_AUTO_TEST_CASE(the_cursor_text_keeps_the_rotation_and_bad_text_is_named) {
    fake_ni s;
    s.status = "IN_PROGRESS";
    keyops::watch_cursor start;
    start.kinds["oci"].since = keyops::instant{1796551200, 0};
    keyops::rotation_watch_fsm fsm(opts(), start);
    drive(fsm, s, fsm.start(t0), t0);
    const auto text = fsm.cursor().to_string();
    BOOST_TEST(text.find(R"("proxy_key":{"status":"IN_PROGRESS","updated_at":1796551200000,)"
                         R"("rotations":1,"open":true,"pending":false})") != std::string::npos,
               text);
    std::string why;
    auto back = keyops::watch_cursor::parse(text, why);
    BOOST_REQUIRE_MESSAGE(back, why);
    BOOST_TEST((*back == fsm.cursor()));
    BOOST_TEST(back->kinds.count("oci") == 1u); // the jobs' part is kept as it was
    const std::pair<const char*, const char*> bad[] = {
        {R"({"keyops_watch":1,"kinds":{},"proxy_key":[]})", "\"proxy_key\" is not an object"},
        {R"({"keyops_watch":1,"kinds":{},"proxy_key":{"status":1,"rotations":0,"open":false,)"
         R"("pending":false}})",
         "status is not text"},
        {R"({"keyops_watch":1,"kinds":{},"proxy_key":{"updated_at":"x","rotations":0,)"
         R"("open":false,"pending":false}})",
         "updated_at"},
        {R"({"keyops_watch":1,"kinds":{},"proxy_key":{"rotations":-1,"open":false,)"
         R"("pending":false}})",
         "rotations is not a count"},
        {R"({"keyops_watch":1,"kinds":{},"proxy_key":{"rotations":1,"open":1,"pending":false}})",
         "open is not true or false"},
    };
    for (const auto& [t, what] : bad) {
        why.clear();
        BOOST_TEST(!keyops::watch_cursor::parse(t, why));
        BOOST_TEST(why.find(what) != std::string::npos, why << " names " << what);
    }
}

BOOST_AUTO_TEST_SUITE_END()
