// keyops-soak: the driver of the soak test (scripts/soak, and the soak.short test through
// tests/soak/run_soak.sh). Against a keyops-sim whose faults are switched on and off at random
// and which is killed and started again now and then, it
//   - starts JOBS jobs of every CCKM kind (some with a failing resource), and waits for them
//     all in one thread: one async_wait_for_jobs per kind on one io_context;
//   - cancels about one job in ten at a random time, from a second thread;
//   - rotates the Network Insight proxy key in a loop with wait_for_rotation, from a third;
//   - at the end compares every job's outcome with the simulator's own state (GET /__sim/jobs,
//     which is never faulted) and every rotation's outcome with the status read afterwards, and
//     prints the resident set size and open descriptors at the start, the middle and the end,
//     and the requests per job per round (from /__sim/stats, which a state file keeps across
//     restarts).
// The last line reads
//   soak jobs=N wrong=0 rotations=R rotations_wrong=0 rss_kb_start=.. rss_kb_mid=.. ...
// The exit status is 1 if any outcome is wrong, if descriptors grew by more than kFdSlack from
// the start to the end, or the resident set by more than kRssGrowthKb; 2 for a usage error.
//
// usage: keyops-soak --url URL --ca FILE --seconds N --jobs N [--seed N]
// The simulator must run with --job-seconds MIN-MAX (the jobs' lengths, ending before N s).

#include <keyops/keyops.hpp>
#include <keyops/transport/beast_transport.hpp>
#include <keyops/wait/wait.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <dirent.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace cckm = keyops::cckm;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// The simulator's admin API as descriptors: the request counts and every job's state.
namespace soak_admin {

struct stats {
    std::optional<std::int64_t> total;
    keyops::json_object_view requests;
};

struct job_state {
    std::string_view kind;
    std::string_view id;
    std::string_view overall_status;
    bool abort = false;
};

struct jobs {
    std::vector<job_state> list;
};

template <class Response>
struct admin_get {
    static constexpr keyops::http_method method = keyops::http_method::get;
    static constexpr keyops::api_service service = keyops::api_service::ciphertrust;
    using path_params = std::tuple<>;
    using query = keyops::no_query;
    using bodies = std::tuple<>;
    static constexpr bool body_required = false;
    using response = Response;
    static constexpr keyops::idempotency retry = keyops::idempotency::idempotent;
};

struct get_stats : admin_get<stats> {
    static constexpr auto path = keyops::fixed_string("/__sim/stats");
};
struct get_jobs : admin_get<jobs> {
    static constexpr auto path = keyops::fixed_string("/__sim/jobs");
};

} // namespace soak_admin

template <>
struct keyops::json_schema<soak_admin::stats> {
    static constexpr field_entry fields[] = {field<&soak_admin::stats::total>("total"),
                                             field<&soak_admin::stats::requests>("requests")};
};
template <>
struct keyops::json_schema<soak_admin::job_state> {
    static constexpr field_entry fields[] = {
        field<&soak_admin::job_state::kind>("kind"), field<&soak_admin::job_state::id>("id"),
        field<&soak_admin::job_state::overall_status>("overall_status"),
        field<&soak_admin::job_state::abort>("abort")};
};
template <>
struct keyops::json_schema<soak_admin::jobs> {
    static constexpr field_entry fields[] = {field<&soak_admin::jobs::list>("jobs")};
};

namespace {

// Bounds of the end-of-run checks (README, "Reliability").
constexpr long kFdSlack = 8;         // descriptors: end <= start + this
constexpr long kRssGrowthKb = 16384; // resident set: end <= start + 16 MiB

using cm_client =
    keyops::client<keyops::beast_transport, keyops::ciphertrust_auth, keyops::exponential_backoff>;
using ni_client = keyops::client<keyops::beast_transport, keyops::network_insight_auth,
                                 keyops::exponential_backoff>;
using admin_client = keyops::client<keyops::beast_transport, keyops::no_auth, keyops::no_retry>;

struct options {
    std::string url;
    std::string ca;
    long seconds = 0;
    long jobs = 0;
    std::uint64_t seed = 1;
};

[[noreturn]] void usage(const std::string& why) {
    std::cerr << "keyops-soak: " << why
              << "\nusage: keyops-soak --url URL --ca FILE --seconds N --jobs N [--seed N]\n";
    std::exit(2);
}

options parse_args(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc)
            usage(a + " needs a value");
        const std::string v = argv[++i];
        auto number = [&]() -> long {
            char* end = nullptr;
            const long n = std::strtol(v.c_str(), &end, 10);
            if (v.empty() || *end != '\0' || n <= 0)
                usage(a + " wants a positive integer");
            return n;
        };
        if (a == "--url")
            o.url = v;
        else if (a == "--ca")
            o.ca = v;
        else if (a == "--seconds")
            o.seconds = number();
        else if (a == "--jobs")
            o.jobs = number();
        else if (a == "--seed")
            o.seed = static_cast<std::uint64_t>(number());
        else
            usage("unknown argument " + a);
    }
    if (o.url.empty() || o.ca.empty() || o.seconds == 0 || o.jobs == 0)
        usage("--url, --ca, --seconds and --jobs are required");
    return o;
}

keyops::transport_options transport(const options& o) {
    keyops::transport_options t;
    if (keyops::parse_server_url(o.url, t))
        usage("--url must be https://HOST:PORT");
    t.tls.ca_file = o.ca;
    t.tls.use_system_store = false;
    t.proxy_from_environment = false;
    t.connect_timeout = 5s;
    t.request_timeout = 10s;
    return t;
}

keyops::client_options call_options() {
    keyops::client_options c;
    c.call_timeout = 20s;
    return c;
}

cm_client make_cm(boost::asio::io_context& io, const options& o, std::uint64_t seed) {
    keyops::ciphertrust_credentials c;
    c.username = "admin";
    c.password = "admin";
    return cm_client(keyops::beast_transport(io.get_executor(), transport(o)),
                     keyops::ciphertrust_auth(c), keyops::exponential_backoff({}, seed),
                     call_options());
}

// --- the process's own figures --------------------------------------------------------------

long status_kb(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(field) + ":";
    while (std::getline(in, line))
        if (line.rfind(prefix, 0) == 0)
            return std::strtol(line.c_str() + prefix.size(), nullptr, 10);
    return -1;
}

long open_fds() {
    DIR* d = ::opendir("/proc/self/fd");
    if (!d)
        return -1;
    long n = 0;
    while (const dirent* e = ::readdir(d))
        if (e->d_name[0] != '.')
            ++n;
    ::closedir(d);
    return n - 1; // the directory's own descriptor
}

struct sample {
    long rss_kb = -1;
    long hwm_kb = -1;
    long fds = -1;
};

sample take_sample() {
    return {status_kb("VmRSS"), status_kb("VmHWM"), open_fds()};
}

std::mutex print_mutex;
void say(const std::string& line) {
    const std::lock_guard<std::mutex> lock(print_mutex);
    std::cout << "soak: " << line << std::endl;
}

// --- the jobs -------------------------------------------------------------------------------

struct planned_job {
    cckm::job_kind kind;
    std::string body;
    bool has_fail = false;
};

// A start body of the kind's shape naming these resources.
std::string start_body(std::string_view kind, const std::vector<std::string>& res,
                       const std::string& key_id) {
    if (kind == "google-update-all-versions")
        return R"({"key_id":")" + key_id + R"(","operation":"enable"})";
    std::string field = "resources"; // kinds whose body is any object
    if (kind == "aws" || kind == "aws-custom-key-stores")
        field = "kms";
    else if (kind == "azure" || kind == "azure-certificates" || kind == "azure-secrets")
        field = "key_vaults";
    else if (kind == "google")
        field = "key_rings";
    else if (kind == "oci")
        field = "vaults";
    else if (kind == "sfdc-keys" || kind == "sfdc-certificates")
        field = "organizations";
    else if (kind == "dsm" || kind == "external-cm")
        field = "domains";
    else if (kind == "sap")
        field = "groups";
    std::string out = "{\"" + field + "\":[";
    for (std::size_t i = 0; i < res.size(); ++i)
        out += (i ? ",\"" : "\"") + res[i] + "\"";
    return out + "]}";
}

std::vector<planned_job> plan_jobs(long n, std::mt19937_64& rng) {
    std::vector<planned_job> out;
    for (long i = 0; i < n; ++i) {
        const auto kind =
            static_cast<cckm::job_kind>(static_cast<std::size_t>(i) % cckm::kind_count);
        const std::string_view name = cckm::kind_names[static_cast<std::size_t>(kind)];
        const bool fail = rng() % 100 < 15;
        std::vector<std::string> res;
        const std::size_t count = 1 + rng() % 4;
        for (std::size_t r = 0; r < count; ++r)
            res.push_back("soak-" + std::to_string(i) + "-r" + std::to_string(r));
        if (fail)
            res[rng() % count] += "-fail";
        out.push_back(
            {kind, start_body(name, res, "soak-key-" + std::to_string(i) + (fail ? "-fail" : "")),
             fail});
    }
    return out;
}

// Starts a job, again and again while the simulator is down or faulty (a start that fails
// after it was sent may leave a job behind on the server; only the ids answered are waited
// for). Empty if no start was answered within two minutes; `why` then says how the last one
// ended.
std::string start_job(cm_client& c, const planned_job& p, std::string& why) {
    const auto until = steady::now() + 120s;
    while (steady::now() < until) {
        keyops::error_code ec;
        keyops::diagnostics diag;
        std::string id = cckm::visit_kind(p.kind, [&](auto k) {
            using K = decltype(k);
            auto job = c.call<cckm::start_job<K>>(cckm::raw_json_body{p.body}, ec, diag);
            return ec ? std::string() : std::string(job->id);
        });
        if (!id.empty())
            return id;
        why = diag.describe(ec);
        std::this_thread::sleep_for(200ms);
    }
    return {};
}

struct started_job {
    cckm::job_kind kind;
    std::string id;
};

// --- the rotations ----------------------------------------------------------------------------

// Written by the rotating thread, read by the main one.
struct rotation_tally {
    std::atomic<long> rotations{0};
    std::atomic<long> wrong{0};
    std::atomic<long> start_retries{0};
    std::atomic<long> outages{0};
};

// Rotates, waits, checks the outcome against a fresh status read; until `stop`.
void rotate_loop(const options& o, const std::atomic<bool>& stop, rotation_tally& t) {
    boost::asio::io_context io; // never run: sync calls only
    keyops::network_insight_credentials cred;
    cred.username = "admin";
    cred.password = "admin";
    ni_client ni(keyops::beast_transport(io.get_executor(), transport(o)),
                 keyops::network_insight_auth(cred), keyops::exponential_backoff({}, o.seed + 3),
                 call_options());
    keyops::wait_options w;
    w.polling.first_interval = 500ms;
    w.polling.growth = 1.5;
    w.polling.max_interval = 3s;
    w.polling.deadline = std::chrono::seconds(o.seconds + 90);
    w.stop = &stop;
    w.on_poll_failure = [&](const keyops::error_code&, const keyops::diagnostics&, auto) {
        ++t.outages;
    };
    while (!stop) {
        keyops::error_code ec;
        keyops::diagnostics diag;
        ni.call<keyops::ni::rotate_proxy_key>(ec, diag);
        if (ec && ec != keyops::error::conflict) { // 409: one runs (an earlier start's)
            ++t.start_retries;
            std::this_thread::sleep_for(300ms);
            continue;
        }
        auto r = keyops::wait_for_rotation(ni, w);
        if (r.outcome == keyops::wait_outcome::cancelled)
            break; // stopped: neither right nor wrong
        if (r.outcome == keyops::wait_outcome::error && r.ec == keyops::error::not_found) {
            ++t.start_retries; // the start was lost before any rotation existed
            continue;
        }
        // The truth: the status as the server tells it now, read until answered.
        std::string truth;
        const auto until = steady::now() + 60s;
        while (truth.empty() && steady::now() < until) {
            auto st = ni.call<keyops::ni::proxy_key_rotation_status>(ec, diag);
            if (!ec)
                truth = std::string(st->status.raw);
            else
                std::this_thread::sleep_for(200ms);
        }
        ++t.rotations;
        const bool right =
            (r.outcome == keyops::wait_outcome::rotation_success && truth == "SUCCESS") ||
            (r.outcome == keyops::wait_outcome::rotation_failed && truth == "FAILED");
        if (!right) {
            ++t.wrong;
            say("WRONG rotation: the wait says " + std::string(keyops::to_string(r.outcome)) +
                " (" + r.diag.describe(r.ec) + "), the server " + truth);
        }
    }
}

// --- the cancels ------------------------------------------------------------------------------

struct cancel_tally {
    std::atomic<long> sent{0};
    std::atomic<long> accepted{0};
};

void cancel_loop(const options& o,
                 const std::vector<std::pair<steady::time_point, started_job>>& plan,
                 const std::atomic<bool>& stop, cancel_tally& t) {
    boost::asio::io_context io; // never run: sync calls only
    cm_client cm = make_cm(io, o, o.seed + 2);
    for (const auto& [when, job] : plan) {
        while (!stop && steady::now() < when)
            std::this_thread::sleep_for(50ms);
        if (stop)
            return;
        keyops::error_code ec;
        keyops::diagnostics diag;
        cckm::visit_kind(job.kind, [&, &id = job.id](auto k) {
            using K = decltype(k);
            if constexpr (K::has_cancel) {
                ++t.sent;
                cm.call<cckm::cancel_job<K>>(keyops::job_id(id), ec, diag);
                if (!ec)
                    ++t.accepted;
            }
        });
    }
}

} // namespace

int main(int argc, char** argv) {
    const options o = parse_args(argc, argv);
    std::mt19937_64 rng(o.seed);
    const sample base = take_sample();

    // Start every job (before the waits, through a client of their own).
    std::vector<started_job> started;
    {
        boost::asio::io_context io; // never run: sync calls only
        cm_client starter = make_cm(io, o, o.seed + 1);
        for (const auto& p : plan_jobs(o.jobs, rng)) {
            std::string why;
            std::string id = start_job(starter, p, why);
            if (id.empty()) {
                say("a " + std::string(cckm::kind_names[static_cast<std::size_t>(p.kind)]) +
                    " job could not be started in two minutes: " + why);
                return 1;
            }
            started.push_back({p.kind, std::move(id)});
        }
    }
    say(std::to_string(started.size()) + " jobs started");
    const auto t0 = steady::now();

    // About one job in ten (of the kinds that can be cancelled) is cancelled at a random time
    // in the first 60% of the run.
    std::vector<std::pair<steady::time_point, started_job>> cancels;
    for (const auto& j : started)
        if (rng() % 10 == 0) {
            const auto at = std::chrono::milliseconds(
                2000 + static_cast<long>(rng() % static_cast<std::uint64_t>(o.seconds * 600)));
            cancels.emplace_back(t0 + at, j);
        }
    std::sort(cancels.begin(), cancels.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });

    std::atomic<bool> stop{false};
    rotation_tally rot;
    cancel_tally can;
    std::thread rotator([&] { rotate_loop(o, stop, rot); });
    std::thread canceller([&] { cancel_loop(o, cancels, stop, can); });

    // One async wait per kind, all on one io_context run by this thread.
    boost::asio::io_context io;
    cm_client cm = make_cm(io, o, o.seed);
    keyops::wait_options w;
    w.polling.first_interval = 1s;
    w.polling.growth = 1.5;
    w.polling.max_interval = 5s;
    w.polling.deadline = std::chrono::seconds(o.seconds + 90);
    long outages = 0;
    long progress_events = 0;
    w.on_poll_failure = [&](const keyops::error_code&, const keyops::diagnostics&, auto) {
        ++outages;
    };
    std::set<std::string> seen_done; // jobs whose end a wait has seen (for the status lines)
    w.on_job_progress = [&](const cckm::job& j, auto) {
        ++progress_events;
        if (j.done())
            seen_done.emplace(j.id);
    };

    std::map<std::string, keyops::job_wait_result> results;
    std::size_t waits_running = 0;
    boost::asio::steady_timer ticker(io);
    for (std::size_t k = 0; k < cckm::kind_count; ++k) {
        const auto kind = static_cast<cckm::job_kind>(k);
        std::vector<std::string> ids;
        for (const auto& j : started)
            if (j.kind == kind)
                ids.push_back(j.id);
        if (ids.empty())
            continue;
        ++waits_running;
        cckm::visit_kind(kind, [&](auto kt) {
            using K = decltype(kt);
            keyops::async_wait_for_jobs<K>(
                cm, std::move(ids), w,
                [&](keyops::error_code, std::vector<keyops::job_wait_result> rs) {
                    for (auto& r : rs)
                        results.emplace(r.id, std::move(r));
                    if (--waits_running == 0)
                        ticker.cancel();
                });
        });
    }

    // Samples: "start" once the first rounds are done, "middle" at half the run, "end" when
    // every wait has ended; a status line every sixth of the run.
    sample at_start, at_mid;
    const auto start_at =
        t0 + std::min(std::chrono::seconds(10), std::chrono::seconds(o.seconds / 4));
    const auto mid_at = t0 + std::chrono::seconds(o.seconds / 2);
    const auto every = std::chrono::seconds(std::max<long>(5, o.seconds / 6));
    auto next_status = t0 + every;
    long peak_kb = base.rss_kb; // VmHWM can lag behind VmRSS: the largest sample is kept too
    std::function<void()> tick = [&] {
        const auto now = steady::now();
        peak_kb = std::max(peak_kb, std::max(status_kb("VmRSS"), status_kb("VmHWM")));
        if (at_start.fds < 0 && now >= start_at) {
            at_start = take_sample();
            say("start: rss_kb=" + std::to_string(at_start.rss_kb) +
                " fds=" + std::to_string(at_start.fds));
        }
        if (at_mid.fds < 0 && now >= mid_at) {
            at_mid = take_sample();
            say("middle: rss_kb=" + std::to_string(at_mid.rss_kb) +
                " fds=" + std::to_string(at_mid.fds));
        }
        if (now >= next_status) {
            next_status += every;
            const sample s = take_sample();
            say("at " +
                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - t0).count()) +
                " s: " + std::to_string(seen_done.size()) + "/" + std::to_string(started.size()) +
                " jobs seen ended, " + std::to_string(outages) + " failed polls ridden out, " +
                std::to_string(rot.rotations) + " rotations, rss_kb=" + std::to_string(s.rss_kb) +
                " fds=" + std::to_string(s.fds));
        }
        ticker.expires_after(250ms);
        ticker.async_wait([&](keyops::error_code ec) {
            if (!ec && waits_running > 0)
                tick();
        });
    };
    tick();
    io.run();
    const auto waited = steady::now() - t0;
    if (at_start.fds < 0)
        at_start = take_sample();
    if (at_mid.fds < 0)
        at_mid = take_sample();
    stop = true;
    canceller.join();
    rotator.join();
    const sample at_end = take_sample();
    peak_kb = std::max(peak_kb, std::max(at_end.rss_kb, at_end.hwm_kb));

    // The truth, from the simulator itself (the admin API is never faulted; the simulator may
    // be down for a moment).
    boost::asio::io_context admin_io;
    keyops::client_options ao = call_options();
    ao.ciphertrust_base = "";
    admin_client admin(keyops::beast_transport(admin_io.get_executor(), transport(o)), {}, {}, ao);
    bool answered = true;
    auto ask = [&](auto descriptor) {
        using D = decltype(descriptor);
        const auto until = steady::now() + 120s;
        for (;;) {
            keyops::error_code ec;
            keyops::diagnostics diag;
            auto r = admin.call<D>(ec, diag);
            if (!ec || steady::now() >= until) {
                if (ec) {
                    say("the simulator did not answer: " + diag.describe(ec));
                    answered = false;
                }
                return r;
            }
            std::this_thread::sleep_for(250ms);
        }
    };
    auto truth = ask(soak_admin::get_jobs{});
    auto stats = ask(soak_admin::get_stats{});
    if (!answered)
        return 1;
    std::map<std::string_view, const soak_admin::job_state*> server;
    for (const auto& j : truth->list)
        server[j.id] = &j;

    long wrong = 0;
    std::map<std::string, long> outcomes;
    unsigned long job_rounds = 0;
    for (const auto& j : started) {
        auto it = results.find(j.id);
        auto sj = server.find(j.id);
        std::string expect = "missing";
        if (sj != server.end()) {
            const auto& s = *sj->second;
            expect = s.overall_status == "failed" ? "failed"
                     : s.overall_status != "completed"
                         ? std::string(s.overall_status)
                         : (s.abort ? "completed (aborted)" : "completed");
        }
        const std::string got =
            it == results.end() ? "no result" : std::string(keyops::to_string(it->second.outcome));
        ++outcomes[got];
        if (it != results.end())
            job_rounds += it->second.polls;
        if (got != expect) {
            if (++wrong <= 10)
                say("WRONG " + std::string(cckm::kind_names[static_cast<std::size_t>(j.kind)]) +
                    " " + j.id + ": the wait says " + got +
                    (it != results.end() && it->second.ec
                         ? " (" + it->second.diag.describe(it->second.ec) + ")"
                         : std::string()) +
                    ", the server " + expect);
        }
    }
    std::int64_t polls_sent = 0, token_requests = 0;
    for (auto m : stats->requests) {
        const std::string_view key = m.key;
        if (key.rfind("GET /api/v1/cckm/", 0) == 0)
            polls_sent += m.value.as_int64();
        else if (key == "POST /api/v1/auth/tokens")
            token_requests += m.value.as_int64();
    }
    // What the results hold: each job's last view keeps the response it came from alive (a
    // list page, shared with the other jobs of that page), so the pages a wait ends with stay
    // in memory until its results go.
    std::set<const char*> pages;
    std::size_t held_bytes = 0;
    for (const auto& [id, r] : results)
        if (r.job && pages.insert(r.job.body().data()).second)
            held_bytes += r.job.body().size();
    std::string mix;
    for (const auto& [name, n] : outcomes)
        mix += (mix.empty() ? "" : ", ") + name + " " + std::to_string(n);
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%.3f",
                  job_rounds ? static_cast<double>(polls_sent) / static_cast<double>(job_rounds)
                             : 0.0);
    say("outcomes: " + mix);
    say("waits took " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(waited).count()) + " s; " +
        std::to_string(job_rounds) + " job-rounds, " + std::to_string(polls_sent) +
        " CCKM GET requests seen by the server (retries included), " +
        std::to_string(token_requests) + " token requests, " +
        std::to_string(stats->total.value_or(0)) + " requests in all; " + std::to_string(outages) +
        " failed polls ridden out; " + std::to_string(progress_events) +
        " progress events; cancels sent " + std::to_string(can.sent) + ", accepted " +
        std::to_string(can.accepted) + "; rotations " + std::to_string(rot.rotations) + " (" +
        std::to_string(rot.outages) + " failed status polls ridden out, " +
        std::to_string(rot.start_retries) + " starts again); the results hold " +
        std::to_string(pages.size()) + " responses of " + std::to_string(held_bytes / 1024) +
        " KiB; peak rss_kb=" + std::to_string(peak_kb) + " (before any client: rss_kb=" +
        std::to_string(base.rss_kb) + " fds=" + std::to_string(base.fds) + ")");
    std::cout << "soak jobs=" << started.size() << " wrong=" << wrong
              << " rotations=" << rot.rotations << " rotations_wrong=" << rot.wrong
              << " rss_kb_start=" << at_start.rss_kb << " rss_kb_mid=" << at_mid.rss_kb
              << " rss_kb_end=" << at_end.rss_kb << " rss_kb_peak=" << peak_kb
              << " fds_start=" << at_start.fds << " fds_mid=" << at_mid.fds
              << " fds_end=" << at_end.fds << " requests_per_job_per_round=" << ratio << std::endl;

    int rc = 0;
    if (wrong > 0 || rot.wrong > 0) {
        say("FAIL: outcomes differ from the simulator's");
        rc = 1;
    }
    if (at_end.fds > at_start.fds + kFdSlack) {
        say("FAIL: open descriptors grew from " + std::to_string(at_start.fds) + " to " +
            std::to_string(at_end.fds));
        rc = 1;
    }
    if (at_end.rss_kb > at_start.rss_kb + kRssGrowthKb) {
        say("FAIL: the resident set grew from " + std::to_string(at_start.rss_kb) + " kB to " +
            std::to_string(at_end.rss_kb) + " kB");
        rc = 1;
    }
    return rc;
}
