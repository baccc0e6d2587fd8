// Waiting, against the scripted fake transport: the wait's state machine without a socket (this
// binary also runs under ASan and UBSan).

#include <keyops/auth/policies.hpp>
#include <keyops/client/pages.hpp>
#include <keyops/transport/fake_transport.hpp>
#include <keyops/wait/wait.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace cckm = keyops::cckm;
using namespace std::chrono_literals;
using keyops::wait_outcome;

namespace {

std::string job(const std::string& id, const std::string& state, const std::string& detail,
                bool abort = false) {
    return R"({"id":")" + id + R"(","overall_status":")" + state + R"(","abort":)" +
           (abort ? "true" : "false") + R"(,"detailed_status":)" + detail +
           R"(,"key_rings":["r1","r2"]})";
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
    keyops::fake_transport& fake() { return c.transport(); }
    std::string target(std::size_t i) { return std::string(fake().requests().at(i).target()); }
};

keyops::parsed<cckm::job> parse_job(const std::string& body) {
    keyops::error_code ec;
    keyops::diagnostics d;
    return keyops::parse<cckm::job>(body, ec, d);
}

// A server for hand-driven machines: it answers each list action of a wait on OCI jobs from its
// table of job states (in order, as the real server keeps them), and keeps every target.
struct list_server {
    std::vector<std::pair<std::string, std::string>> jobs; // id, overall_status
    std::vector<std::string> targets;

    keyops::parsed<cckm::job_list> answer(const keyops::jobs_wait_fsm& fsm) {
        const auto q = keyops::list_query_for<cckm::oci>(fsm);
        keyops::request_context ctx;
        ctx.host = "cm.test";
        keyops::error_code ec;
        auto req = keyops::build_request<cckm::list_jobs<cckm::oci>>(ctx, q, ec);
        BOOST_TEST_REQUIRE(!ec);
        targets.emplace_back(req.target());
        std::vector<const std::pair<std::string, std::string>*> match;
        for (const auto& j : jobs) {
            const bool id_ok =
                q.id.empty() || std::find(q.id.begin(), q.id.end(), j.first) != q.id.end();
            if (id_ok && (!q.overall_status || j.second == to_string(*q.overall_status)))
                match.push_back(&j);
        }
        const std::size_t skip = q.skip.value_or(0), limit = q.limit.value_or(10);
        std::string body = R"({"skip":)" + std::to_string(skip) + R"(,"limit":)" +
                           std::to_string(limit) + R"(,"total":)" + std::to_string(match.size()) +
                           R"(,"resources":[)";
        for (std::size_t i = skip; i < match.size() && i < skip + limit; ++i)
            body += (i > skip ? "," : "") + job(match[i]->first, match[i]->second, "{}");
        body += "]}";
        keyops::diagnostics d;
        return keyops::parse<cckm::job_list>(body, ec, d);
    }
};

std::string uuid(std::size_t i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "6b1e2a3c-0d4f-4a5b-8c6d-%012zu", i);
    return buf;
}

} // namespace

BOOST_AUTO_TEST_SUITE(wait_fake_transport)

BOOST_AUTO_TEST_CASE(json_view_equality) {
    auto a = parse_job(job("a", "in_progress", R"({"x":"1","n":[1,2.5,{"k":null}]})"));
    auto b = parse_job(job("b", "in_progress", R"({"x":"1","n":[1,2.5,{"k":null}]})"));
    auto c = parse_job(job("c", "in_progress", R"({"x":"1","n":[1,2.5,{"k":false}]})"));
    auto d = parse_job(job("d", "in_progress", R"({"n":[1,2.5,{"k":null}],"x":"1"})"));
    auto e = parse_job(job("e", "in_progress", R"({"x":"1","n":[1.0,2.5,{"k":null}]})"));
    BOOST_TEST(keyops::equal(a->detailed_status, b->detailed_status));
    BOOST_TEST(!keyops::equal(a->detailed_status, c->detailed_status));
    BOOST_TEST(!keyops::equal(a->detailed_status, d->detailed_status)); // order matters
    BOOST_TEST(keyops::equal(a->detailed_status, e->detailed_status));  // 1 == 1.0
}

BOOST_AUTO_TEST_CASE(polling_interval_grows_to_its_cap) {
    keyops::polling_policy p;
    p.first_interval = 100ms;
    p.growth = 2.0;
    p.max_interval = 350ms;
    BOOST_TEST(p.next(100ms).count() == 200);
    BOOST_TEST(p.next(200ms).count() == 350);
    BOOST_TEST(p.next(350ms).count() == 350);
    p.growth = 0.5; // never shrinks
    BOOST_TEST(p.next(100ms).count() == 100);
}

BOOST_AUTO_TEST_CASE(progress_is_reported_on_changes_only) {
    fixture f;
    f.fake().push_response(200, job("j1", "in_progress", R"({"r1":"synchronizing"})"));
    f.fake().push_response(200, job("j1", "in_progress", R"({"r1":"synchronizing"})"));
    f.fake().push_response(200, job("j1", "in_progress", R"({"r1":"done","r2":"synchronizing"})"));
    f.fake().push_response(200, job("j1", "completed", R"({"r1":"done","r2":"done"})"));
    std::vector<std::size_t> sizes;
    auto w = fast();
    w.on_job_progress = [&](const cckm::job& j, auto) {
        sizes.push_back(j.detailed_status.size());
    };
    auto r = keyops::wait_for_job<cckm::google>(f.c, "j1", w);
    BOOST_TEST((r.outcome == wait_outcome::completed));
    BOOST_TEST(r.polls == 4u);
    BOOST_TEST(r.attempts == 4u);
    BOOST_TEST((sizes == std::vector<std::size_t>{1, 2, 2}));
    BOOST_TEST(f.target(0) == "/api/v1/cckm/google/synchronization-jobs/j1");
    // The snapshot keeps its response alive, and names the body it came from.
    BOOST_TEST(r.job->detailed_status.string("r2") == "done");
    BOOST_TEST(r.job.body().find(R"("overall_status":"completed")") != std::string_view::npos);
}

BOOST_AUTO_TEST_CASE(many_jobs_follow_the_servers_pages) {
    fixture f;
    const std::string a = job("a", "completed", "{}");
    const std::string b = job("b", "failed", "{}");
    const std::string c = job("c", "completed", "{}", true);
    f.fake().push_response(200,
                           R"({"skip":0,"limit":2,"total":3,"resources":[)" + a + "," + b + "]}");
    f.fake().push_response(200, R"({"skip":2,"limit":2,"total":3,"resources":[)" + c + "]}");
    auto results = keyops::wait_for_jobs<cckm::oci>(f.c, {"a", "b", "c"}, fast());
    BOOST_TEST_REQUIRE(results.size() == 3u);
    BOOST_TEST((results[0].outcome == wait_outcome::completed));
    BOOST_TEST((results[1].outcome == wait_outcome::failed));
    BOOST_TEST((results[2].outcome == wait_outcome::completed_aborted));
    BOOST_TEST(f.fake().requests().size() == 2u);
    BOOST_TEST(f.target(0) == "/api/v1/cckm/oci/synchronization-jobs?id=a&id=b&id=c&limit=3");
    BOOST_TEST(f.target(1) ==
               "/api/v1/cckm/oci/synchronization-jobs?id=a&id=b&id=c&skip=2&limit=3");
    // Each job's view points into the page that carried it.
    BOOST_TEST(results[2].job->abort);
    BOOST_TEST(results[2].job.body().find(R"("skip":2)") != std::string_view::npos);
}

BOOST_AUTO_TEST_CASE(a_poll_failing_for_good_ends_the_wait_with_its_diagnostics) {
    fixture f;
    f.fake().push_response(200, job("j1", "in_progress", "{}"));
    f.fake().push_response(400, R"({"code":4,"codeDesc":"NCERRBadRequest: bad id"})");
    auto r = keyops::wait_for_job<cckm::aws>(f.c, "j1", fast());
    BOOST_TEST((r.outcome == wait_outcome::error));
    BOOST_TEST((r.ec == keyops::error::http_status));
    BOOST_TEST(r.diag.http_status == 400u);
    BOOST_TEST(r.diag.server_code_desc == "NCERRBadRequest: bad id");
    BOOST_TEST(r.polls == 2u);
    BOOST_TEST(r.job.has_value()); // the last good view is kept
}

BOOST_AUTO_TEST_CASE(an_outage_is_ridden_out_until_the_server_answers) {
    // 500s, a refused connection and a 503 are polls that may pass: the wait goes on.
    fixture f;
    f.fake().push_response(200, job("j1", "in_progress", "{}"));
    f.fake().push_response(500, R"({"code":14,"codeDesc":"NCERRInternalServerError: boom"})");
    f.fake().push_error(boost::asio::error::connection_refused);
    f.fake().push_response(503, "");
    f.fake().push_response(200, job("j1", "completed", "{}"));
    auto w = fast();
    std::vector<keyops::error_code> failures;
    w.on_poll_failure = [&](const keyops::error_code& ec, const keyops::diagnostics&, auto) {
        failures.push_back(ec);
    };
    auto r = keyops::wait_for_job<cckm::aws>(f.c, "j1", w);
    BOOST_TEST((r.outcome == wait_outcome::completed), r.diag.describe(r.ec));
    BOOST_TEST(!r.ec);
    BOOST_TEST(r.polls == 5u);
    BOOST_TEST_REQUIRE(failures.size() == 3u);
    BOOST_TEST((failures[0] == keyops::error::server_error));
    BOOST_TEST(failures[1] == boost::asio::error::connection_refused);
}

BOOST_AUTO_TEST_CASE(a_token_request_left_unanswered_is_an_outage_too) {
    // A poll answered 401 (the token expired) renews the token; when that token request gets no
    // answer (the connection reset), no HTTP status describes the failure: the 401 that led to
    // it must not make the wait end as if the credentials had been refused.
    boost::asio::io_context io;
    keyops::network_insight_credentials creds;
    creds.username = "admin";
    creds.password = "ni-secret";
    keyops::client_options o;
    o.release_on_destroy_timeout = 0ms;
    keyops::client<keyops::fake_transport, keyops::network_insight_auth, keyops::no_retry> c(
        keyops::fake_transport(io.get_executor(), "ni.test"), keyops::network_insight_auth(creds),
        {}, o);
    const auto expiry = std::chrono::duration_cast<std::chrono::milliseconds>(
                            (std::chrono::system_clock::now() + 1h).time_since_epoch())
                            .count();
    const std::string token = R"({"token":"ni-1","expiry":)" + std::to_string(expiry) + "}";
    c.transport().push_response(200, token);
    c.transport().push_response(200, R"({"customerId":1,"status":"IN_PROGRESS"})");
    c.transport().push_response(401, R"({"code":401,"message":"Token expired"})");
    c.transport().push_error(boost::asio::error::connection_reset); // the token request
    c.transport().push_response(200, token);
    c.transport().push_response(200, R"({"customerId":1,"status":"SUCCESS"})");
    auto w = fast();
    std::vector<keyops::error_code> failures;
    std::vector<unsigned> statuses;
    w.on_poll_failure = [&](const keyops::error_code& ec, const keyops::diagnostics& d, auto) {
        failures.push_back(ec);
        statuses.push_back(d.http_status);
    };
    auto r = keyops::wait_for_rotation(c, w);
    BOOST_TEST((r.outcome == wait_outcome::rotation_success), r.diag.describe(r.ec));
    BOOST_TEST_REQUIRE(failures.size() == 1u);
    BOOST_TEST(failures[0] == boost::asio::error::connection_reset);
    BOOST_TEST(statuses[0] == 0u); // no answer, so no status
    BOOST_TEST(c.transport().requests().size() == 6u);
}

BOOST_AUTO_TEST_CASE(an_outage_past_the_deadline_says_so) {
    fixture f;
    f.fake().push_response(200, job("j1", "in_progress", "{}"));
    for (int i = 0; i < 200; ++i)
        f.fake().push_response(503, "");
    auto w = fast();
    w.polling.deadline = 100ms;
    auto r = keyops::wait_for_job<cckm::aws>(f.c, "j1", w);
    BOOST_TEST((r.outcome == wait_outcome::deadline));
    BOOST_TEST((r.ec == keyops::error::deadline_exceeded));
    BOOST_TEST(r.diag.detail.find("its last poll failed") != std::string::npos, r.diag.detail);
}

BOOST_AUTO_TEST_CASE(cancel_on_deadline_sends_the_cancel) {
    fixture f;
    // Whether the deadline passes during the first poll or at the end of the pause (cut short
    // to end at the deadline), the wait ends with the cancel.
    f.fake().push_response(200, job("j1", "in_progress", "{}"));
    f.fake().push_response(200, job("j1", "in_progress", "{}", true));
    auto w = fast();
    w.polling.first_interval = w.polling.max_interval = 1h;
    w.polling.deadline = 1ms;
    w.cancel_on_deadline = true;
    f.fake().push_response(200, job("j1", "in_progress", "{}", true));
    auto r = keyops::wait_for_job<cckm::azure>(f.c, "j1", w);
    BOOST_TEST((r.outcome == wait_outcome::deadline));
    BOOST_TEST((r.ec == keyops::error::deadline_exceeded));
    BOOST_TEST(r.cancel_sent);
    const auto& reqs = f.fake().requests();
    BOOST_TEST_REQUIRE(reqs.size() >= 2u);
    BOOST_TEST(std::string(reqs.back().target()) ==
               "/api/v1/cckm/azure/synchronization-jobs/j1/cancel");
    BOOST_TEST((reqs.back().method() == boost::beast::http::verb::post));
}

BOOST_AUTO_TEST_CASE(rotation_failed_lists_collectors) {
    fixture f;
    f.fake().push_response(200, R"({"customerId":1,"status":"SUBMITTED","failedCollectorIds":[]})");
    f.fake().push_response(
        200, R"({"customerId":1,"status":"FAILED","failedCollectorIds":["c1","c2"]})");
    std::vector<std::string> seen;
    auto w = fast();
    w.on_rotation_progress = [&](const keyops::ni::rotation_status& s, auto) {
        seen.emplace_back(s.status.raw);
    };
    auto r = keyops::wait_for_rotation(f.c, w);
    BOOST_TEST((r.outcome == wait_outcome::rotation_failed));
    BOOST_TEST(!r.ec);
    BOOST_TEST((r.failed_collector_ids == std::vector<std::string>{"c1", "c2"}));
    BOOST_TEST((seen == std::vector<std::string>{"SUBMITTED", "FAILED"}));
    BOOST_TEST(f.target(0) == "/api/ni/customers/collector/data-encryption-cert/update/status");
}

BOOST_AUTO_TEST_CASE(every_page_is_read_once_then_the_reading_stops) {
    fixture f;
    auto page = [](int total, std::vector<std::string> ids) {
        std::string b = R"({"total":)" + std::to_string(total) + R"(,"resources":[)";
        for (std::size_t i = 0; i < ids.size(); ++i)
            b += (i ? "," : "") + std::string(R"({"id":")") + ids[i] +
                 R"(","overall_status":"completed"})";
        return b + "]}";
    };
    f.fake().push_response(200, page(5, {"a", "b"}));
    f.fake().push_response(200, page(5, {"c", "d"}));
    f.fake().push_response(200, page(5, {"e"}));
    cckm::list_query<cckm::oci> q;
    q.limit = 2;
    keyops::error_code ec;
    keyops::diagnostics diag;
    std::vector<std::string> seen;
    const auto n = keyops::for_each_job_page<cckm::oci>(
        f.c, q, ec, diag, [&](keyops::parsed<cckm::job_list> p, std::uint64_t) {
            for (const auto& j : p->resources)
                seen.emplace_back(j.id);
            return true;
        });
    BOOST_TEST(!ec, diag.describe(ec));
    BOOST_TEST(n == 3u);
    BOOST_TEST(seen.size() == 5u);
    BOOST_TEST(f.target(1).find("skip=2") != std::string::npos);
    BOOST_TEST(f.target(2).find("skip=4") != std::string::npos);
    // An empty page ends the reading whatever its total says; a handler may stop it too.
    f.fake().push_response(200, page(99, {}));
    BOOST_TEST(keyops::for_each_job_page<cckm::oci>(
                   f.c, q, ec, diag, [](auto&&, std::uint64_t) { return true; }) == 1u);
    f.fake().push_response(200, page(99, {"a", "b"}));
    BOOST_TEST(keyops::for_each_job_page<cckm::oci>(
                   f.c, q, ec, diag, [](auto&&, std::uint64_t) { return false; }) == 1u);
    // A failed page ends it with the error.
    f.fake().push_response(200, page(4, {"a", "b"}));
    f.fake().push_response(503, "");
    BOOST_TEST(keyops::for_each_job_page<cckm::oci>(
                   f.c, q, ec, diag, [](auto&&, std::uint64_t) { return true; }) == 1u);
    BOOST_TEST((ec == keyops::error::server_error));
    BOOST_TEST(f.fake().pending_steps() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(wait_at_scale)

// 1,000 jobs, a quarter of them ending before each of the rounds 2 to 5, and 50 in-progress jobs
// of other clients: a round takes at most 3 list requests (one list by status, then by id the
// jobs that left it), each target under 8 KiB.
BOOST_AUTO_TEST_CASE(a_thousand_jobs_take_three_requests_a_round_at_most) {
    const auto t0 = std::chrono::steady_clock::now();
    list_server server;
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < 1050; ++i) {
        server.jobs.emplace_back(uuid(i), "in_progress");
        if (i % 21 != 20) // every 21st job is another client's
            ids.push_back(uuid(i));
    }
    BOOST_TEST_REQUIRE(ids.size() == 1000u);
    std::vector<std::size_t> per_round{0};       // list requests of each round
    std::map<std::string, std::size_t> ended_in; // id: the round its end was reported in
    auto w = fast();
    w.on_job_progress = [&](const cckm::job& j, auto) {
        if (j.done())
            BOOST_TEST(ended_in.emplace(j.id, per_round.size()).second); // once only
    };
    keyops::jobs_wait_fsm fsm(ids, w, {"oci", true, true, 4 + cckm::oci::base_path.size()}, t0);
    auto a = fsm.start(t0);
    for (int step = 0; a.kind != keyops::jobs_wait_action::type::done && step < 100; ++step) {
        const auto now = t0 + std::chrono::milliseconds(step);
        if (a.kind == keyops::jobs_wait_action::type::wait) {
            // A quarter of the jobs (other clients' too) ends before the next round.
            std::size_t ended = 0;
            for (std::size_t i = 0; i < server.jobs.size() && ended < 263; ++i) {
                if (server.jobs[i].second == "in_progress") {
                    server.jobs[i].second = i % 7 == 0 ? "failed" : "completed";
                    ++ended;
                }
            }
            per_round.push_back(0);
            a = fsm.on_wake(now);
            continue;
        }
        BOOST_TEST_REQUIRE((a.kind == keyops::jobs_wait_action::type::list));
        ++per_round.back();
        a = fsm.on_list({}, {}, server.answer(fsm), now);
    }
    BOOST_TEST_REQUIRE((a.kind == keyops::jobs_wait_action::type::done));
    BOOST_TEST(!a.ec);
    BOOST_TEST(per_round.size() == 5u);
    // All in progress: a page of 1,000 shows 952 of them, one list by id the other 48.
    BOOST_TEST(per_round.front() == 2u);
    for (std::size_t r : per_round)
        BOOST_TEST(r <= 3u);
    BOOST_TEST(server.targets.front().find("overall_status=in_progress") != std::string::npos);
    for (const auto& t : server.targets)
        BOOST_TEST(t.size() + 15 < 8192u); // "GET " and " HTTP/1.1\r\n" included
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto& r = fsm.results()[i];
        const bool fails = std::stoul(ids[i].substr(24)) % 7 == 0;
        BOOST_TEST((r.outcome == (fails ? wait_outcome::failed : wait_outcome::completed)));
        BOOST_TEST(r.polls == ended_in[ids[i]]); // read once in each round it was waited on
    }
}

// A server that refuses the status filter for good (400): the wait reads by id from then on.
BOOST_AUTO_TEST_CASE(a_refused_status_list_falls_back_to_lists_by_id) {
    const auto t0 = std::chrono::steady_clock::now();
    list_server server;
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < 6; ++i) {
        server.jobs.emplace_back(uuid(i), "completed");
        ids.push_back(uuid(i));
    }
    auto w = fast();
    w.list_by_status_from = 2;
    w.ids_per_list = 2; // three lists by id, so a list by status would pay
    keyops::jobs_wait_fsm fsm(ids, w, {"oci", true, true, 64}, t0);
    auto a = fsm.start(t0);
    BOOST_TEST_REQUIRE((a.kind == keyops::jobs_wait_action::type::list));
    BOOST_TEST((fsm.list_status() == keyops::job_state::in_progress));
    BOOST_TEST(fsm.list_ids().empty());
    keyops::diagnostics bad;
    bad.http_status = 400;
    a = fsm.on_list(keyops::make_error_code(keyops::error::http_status), bad, {}, t0);
    std::size_t lists = 0;
    while (a.kind == keyops::jobs_wait_action::type::list) {
        BOOST_TEST(!fsm.list_status());
        BOOST_TEST(fsm.list_ids().size() == 2u);
        ++lists;
        a = fsm.on_list({}, {}, server.answer(fsm), t0);
    }
    BOOST_TEST_REQUIRE((a.kind == keyops::jobs_wait_action::type::done));
    BOOST_TEST(!a.ec);
    BOOST_TEST(lists == 3u);
    for (const auto& r : fsm.results())
        BOOST_TEST((r.outcome == wait_outcome::completed));
}

BOOST_AUTO_TEST_SUITE_END()
