// bench-wait: one wait on many jobs at once, keyops against the naive peer.
//
// Against keyops-sim on loopback over HTTPS (`scripts/bench wait` starts it with --job-seconds
// 20-60 and stops it), two runs one after the other, each on N fresh OCI jobs (default 1,000),
// started with POST and then waited on until every one has ended, about a minute later:
//
//   keyops   ONE keyops::wait_for_jobs<cckm::oci> call on the N ids, default wait_options
//   naive    one GET per job still running per round (cckm::get_job through the same kind of
//            keyops client), as the Terraform provider and the Ansible collection poll
//
// Both pause between rounds as wait_options' default polling does (1 s, growing by 1.5 up to
// 15 s), so that their rounds line up. Per round it prints the requests sent (token requests
// included), the HTTP bytes received (client_counters::bytes_in), this process's CPU time
// (CLOCK_PROCESS_CPUTIME_ID: the client's parsing, TLS and the wait's own work; the simulator is
// another process) and the jobs still waited on after it. keyops' rounds are told apart by the
// wait's on_wait_poll events (a gap of more than 400 ms between two polls starts a round); the
// naive peer's are its own loop. It also prints the longest request line keyops sent. The peak
// resident set (getrusage ru_maxrss) is read after the keyops run, which comes first: it covers
// starting the jobs and the keyops wait.
//
// The last line is the summary the issue asks for:
//     ratio requests_per_round=R naive_vs_keyops_requests=N cpu_ms_per_round=C rss_mb=M
// R and C: keyops' mean requests and CPU milliseconds per round; N: the naive peer's requests
// over keyops' (whole runs); M: the peak resident set in MiB.
//
// usage: bench-wait --url URL --ca FILE [--jobs N] [--peer both|keyops|naive]

#include <keyops/keyops.hpp>
#include <keyops/transport/beast_transport.hpp>
#include <keyops/wait/wait.hpp>

#include <boost/asio/io_context.hpp>

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace cckm = keyops::cckm;
using steady = std::chrono::steady_clock;
using cm_client = keyops::client<keyops::beast_transport, keyops::ciphertrust_auth>;

namespace {

[[noreturn]] void usage(const std::string& why) {
    std::cerr << "bench-wait: " << why
              << "\nusage: bench-wait --url URL --ca FILE [--jobs N] [--peer both|keyops|naive]\n";
    std::exit(2);
}

double cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double peak_rss_mb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0; // KiB on Linux
}

// Where a client stood at one moment.
struct mark {
    steady::time_point at;
    double cpu = 0;
    std::uint64_t requests = 0;
    std::uint64_t bytes_in = 0;
    std::size_t waiting = 0;
};

mark mark_now(const cm_client& c, std::size_t waiting) {
    return {steady::now(), cpu_ms(), c.counters().requests, c.counters().bytes_in, waiting};
}

struct round_row {
    double t_s = 0;
    std::uint64_t requests = 0;
    std::uint64_t bytes_in = 0;
    double cpu = 0;
    std::size_t waiting = 0;
};

// The rounds between consecutive marks (the first mark: before the first round).
std::vector<round_row> rows_of(const std::vector<mark>& marks) {
    std::vector<round_row> rows;
    for (std::size_t i = 1; i < marks.size(); ++i) {
        const mark &a = marks[i - 1], &b = marks[i];
        rows.push_back({std::chrono::duration<double>(b.at - marks.front().at).count(),
                        b.requests - a.requests, b.bytes_in - a.bytes_in, b.cpu - a.cpu,
                        b.waiting});
    }
    return rows;
}

struct totals {
    std::size_t rounds = 0;
    std::uint64_t requests = 0;
    std::uint64_t bytes_in = 0;
    double cpu = 0;
    std::uint64_t max_requests = 0;
    double max_cpu = 0;
};

totals print_rows(const char* peer, const std::vector<round_row>& rows) {
    totals t;
    t.rounds = rows.size();
    std::printf("%-7s %5s %7s %8s %9s %10s %9s\n", "peer", "round", "t_s", "waiting", "requests",
                "kib_in", "cpu_ms");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        std::printf("%-7s %5zu %7.1f %8zu %9llu %10.1f %9.2f\n", peer, i + 1, r.t_s, r.waiting,
                    static_cast<unsigned long long>(r.requests),
                    static_cast<double>(r.bytes_in) / 1024.0, r.cpu);
        t.requests += r.requests;
        t.bytes_in += r.bytes_in;
        t.cpu += r.cpu;
        t.max_requests = std::max(t.max_requests, r.requests);
        t.max_cpu = std::max(t.max_cpu, r.cpu);
    }
    const double n = rows.empty() ? 1.0 : static_cast<double>(rows.size());
    std::printf("%-7s rounds=%zu requests=%llu (max %llu a round) kib_in=%.1f cpu_ms=%.1f "
                "(%.2f a round, max %.2f)\n",
                peer, rows.size(), static_cast<unsigned long long>(t.requests),
                static_cast<unsigned long long>(t.max_requests),
                static_cast<double>(t.bytes_in) / 1024.0, t.cpu, t.cpu / n, t.max_cpu);
    std::fflush(stdout);
    return t;
}

std::vector<std::string> start_jobs(cm_client& cm, std::size_t n) {
    std::vector<std::string> ids;
    ids.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::string v = "bench-" + std::to_string(i);
        auto j = cm.call<cckm::start_job<cckm::oci>>(cckm::raw_json_body{
            R"({"vaults":[")" + v + R"(-a",")" + v + R"(-b",")" + v + R"(-c"]})"});
        ids.emplace_back(j->id);
    }
    return ids;
}

bool all_ended(const std::vector<keyops::job_wait_result>& rs) {
    return std::all_of(rs.begin(), rs.end(),
                       [](const auto& r) { return keyops::is_terminal(r.outcome); });
}

// The client's observer: the longest request line sent ("GET /api/... HTTP/1.1\r\n"), and,
// during the keyops wait (`marks` set), the end of each round, from the wait's poll events.
class meter : public keyops::observer {
public:
    const cm_client* client = nullptr;
    std::vector<mark>* marks = nullptr;
    std::size_t longest_line = 0;

    void on_request(const keyops::request_event& e) override {
        longest_line = std::max(longest_line, e.method.size() + 1 + e.target.size() + 11);
    }
    void on_wait_poll(const keyops::poll_event& e) override {
        const auto now = steady::now();
        if (has_last_ && now - last_ > std::chrono::milliseconds(400))
            marks->push_back(last_mark_); // the previous round ended at its last poll
        last_ = now;
        has_last_ = true;
        last_mark_ = mark_now(*client, e.still_waiting);
    }
    void finish() {
        if (has_last_)
            marks->push_back(last_mark_);
        marks = nullptr;
        has_last_ = false;
    }

private:
    steady::time_point last_{};
    bool has_last_ = false;
    mark last_mark_;
};

totals run_keyops(cm_client& cm, meter& m, std::size_t n, double& rss_mb) {
    auto ids = start_jobs(cm, n);
    std::vector<mark> marks{mark_now(cm, n)};
    m.marks = &marks;
    m.longest_line = 0;
    keyops::wait_options w; // the client's observer (m) sees the wait's polls
    w.polling.deadline = std::chrono::minutes(10);
    auto results = keyops::wait_for_jobs<cckm::oci>(cm, std::move(ids), w);
    m.finish();
    rss_mb = peak_rss_mb();
    std::printf("keyops  longest request line: %zu bytes\n", m.longest_line);
    if (!all_ended(results))
        std::cerr << "bench-wait: keyops: some jobs did not end\n";
    return print_rows("keyops", rows_of(marks));
}

totals run_naive(cm_client& cm, std::size_t n) {
    auto pending = start_jobs(cm, n);
    std::vector<mark> marks{mark_now(cm, n)};
    keyops::polling_policy p;
    auto interval = p.first_interval;
    keyops::error_code ec;
    keyops::diagnostics diag;
    while (!pending.empty()) {
        std::vector<std::string> still;
        for (const auto& id : pending) {
            auto j = cm.call<cckm::get_job<cckm::oci>>(keyops::job_id(id), ec, diag);
            if (ec || !j->done())
                still.push_back(id);
        }
        pending.swap(still);
        marks.push_back(mark_now(cm, pending.size()));
        if (pending.empty())
            break;
        std::this_thread::sleep_for(interval);
        interval = p.next(interval);
    }
    return print_rows("naive", rows_of(marks));
}

} // namespace

int main(int argc, char** argv) {
    std::string url, ca, peer = "both";
    std::size_t jobs = 1000;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto need = [&]() -> std::string {
            if (i + 1 >= argc)
                usage(std::string(a) + " needs a value");
            return argv[++i];
        };
        if (a == "--url")
            url = need();
        else if (a == "--ca")
            ca = need();
        else if (a == "--jobs")
            jobs = std::strtoul(need().c_str(), nullptr, 10);
        else if (a == "--peer")
            peer = need();
        else
            usage("unknown argument " + std::string(a));
    }
    if (url.empty() || ca.empty() || jobs == 0)
        usage("--url, --ca and a positive --jobs are needed");
    if (peer != "both" && peer != "keyops" && peer != "naive")
        usage("--peer is both, keyops or naive");

    boost::asio::io_context io;
    keyops::transport_options t;
    if (keyops::parse_server_url(url, t))
        usage("bad --url " + url);
    t.tls.ca_file = ca;
    t.tls.use_system_store = false;
    t.proxy_from_environment = false;
    keyops::ciphertrust_credentials cred;
    cred.username = "admin";
    cred.password = "admin";
    meter m;
    keyops::client_options opt;
    opt.observer = &m;
    cm_client cm(keyops::beast_transport(io.get_executor(), t), keyops::ciphertrust_auth(cred),
                 keyops::exponential_backoff{}, opt);
    m.client = &cm;

    std::printf("bench-wait: %zu oci jobs against %s\n", jobs, url.c_str());
    totals k, v;
    double rss = 0;
    if (peer != "naive")
        k = run_keyops(cm, m, jobs, rss);
    if (peer != "keyops")
        v = run_naive(cm, jobs);
    if (peer == "both") {
        const double rounds = static_cast<double>(std::max<std::size_t>(1, k.rounds));
        std::printf("ratio requests_per_round=%.2f naive_vs_keyops_requests=%.1f "
                    "cpu_ms_per_round=%.2f rss_mb=%.1f\n",
                    static_cast<double>(k.requests) / rounds,
                    static_cast<double>(v.requests) /
                        static_cast<double>(std::max<std::uint64_t>(1, k.requests)),
                    k.cpu / rounds, rss);
    }
    return 0;
}
