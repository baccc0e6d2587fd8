// bench-watch: the watcher of `scripts/bench watch`. It drives keyops::watch_fsm over a client
// against keyops-sim, one round every --interval-ms, and for each round prints
//
//     round N requests R bytes B cpu_ms C events E
//
// (requests made, response bytes received, the process's CPU time, events found). Each event is
// appended to --events FILE as `kind id type seen completed_at` (seen: the wall-clock time the
// round read it, Unix seconds; completed_at: the job's own end time, or -), and the cursor is
// written to --cursor FILE after every batch (FILE.tmp renamed over it), so that the script can
// kill this process with SIGKILL and start it again from the cursor. It runs until SIGTERM or
// SIGINT, then prints `done rounds N`.

#include <keyops/keyops.hpp>
#include <keyops/wait/watch.hpp>

#include <boost/asio/io_context.hpp>

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

namespace cckm = keyops::cckm;

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) {
    g_stop = true;
}

double cpu_ms() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return (static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
}

double wall_now() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::string arg(int argc, char** argv, const char* name, const char* fallback = nullptr) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0)
            return argv[i + 1];
    if (!fallback) {
        std::cerr << "bench-watch: " << name << " is required\n";
        std::exit(2);
    }
    return fallback;
}

} // namespace

int main(int argc, char** argv) {
    const std::string url = arg(argc, argv, "--url"), ca = arg(argc, argv, "--ca");
    const std::string cursor_path = arg(argc, argv, "--cursor");
    const std::string events_path = arg(argc, argv, "--events");
    const int interval_ms = std::stoi(arg(argc, argv, "--interval-ms", "2000"));
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);

    keyops::transport_options topt;
    if (auto ec = keyops::parse_server_url(url, topt)) {
        std::cerr << "bench-watch: " << url << ": " << ec.message() << '\n';
        return 2;
    }
    topt.tls.ca_file = ca;
    keyops::ciphertrust_credentials cred;
    cred.username = "admin";
    cred.password = "admin";
    boost::asio::io_context io;
    keyops::client<keyops::beast_transport, keyops::ciphertrust_auth> c(
        keyops::beast_transport(io.get_executor(), topt), keyops::ciphertrust_auth(cred));

    keyops::watch_cursor cursor;
    if (std::ifstream in{cursor_path}) {
        std::stringstream text;
        text << in.rdbuf();
        std::string why;
        auto saved = keyops::watch_cursor::parse(text.str(), why);
        if (!saved) {
            std::cerr << "bench-watch: " << cursor_path << ": " << why << '\n';
            return 1;
        }
        cursor = std::move(*saved);
    }
    const auto kinds = keyops::watchable_kinds();
    keyops::watch_options opt;
    opt.interval = std::chrono::milliseconds(interval_ms);
    auto fsm = keyops::detail::make_watch_fsm(c, kinds, opt, std::move(cursor));
    std::ofstream events(events_path, std::ios::app);

    keyops::diagnostics diag;
    keyops::error_code ec;
    std::uint64_t requests = 0, bytes = 0, found = 0, round = 0;
    double cpu0 = cpu_ms();
    double seen = wall_now();
    auto a = fsm.start(std::chrono::steady_clock::now());
    for (;;) {
        if (a.kind == keyops::watch_action::type::list) {
            seen = wall_now();
            auto page = c.call<cckm::any_list_jobs>(
                cckm::kind_path(cckm::kind_row_of(kinds[fsm.list_request().kind])),
                keyops::list_query_for(fsm), ec, diag);
            ++requests;
            if (!ec)
                bytes += page.body().size();
            a = fsm.on_list(ec, diag, std::move(page), std::chrono::steady_clock::now());
        } else if (a.kind == keyops::watch_action::type::events) {
            std::string out;
            for (const auto& e : fsm.events()) {
                if (e.type == keyops::watch_event_type::error) {
                    std::cerr << "bench-watch: " << e.kind << ": " << e.message << '\n';
                    continue;
                }
                char t[32];
                std::snprintf(t, sizeof t, "%.6f", seen);
                std::string end = "-";
                if (e.job && e.job->completed_at.is_set())
                    if (const auto i = e.job->completed_at.value())
                        end = std::to_string(i->seconds) + "." +
                              std::to_string(1000000000 + i->nanoseconds).substr(1);
                out += e.kind + " " + e.id + " " + std::string(keyops::to_string(e.type)) + " " +
                       t + " " + end + "\n";
                ++found;
            }
            events << out << std::flush;
            {
                std::ofstream tmp(cursor_path + ".tmp", std::ios::trunc);
                tmp << fsm.next_cursor().to_string() << '\n';
            }
            std::filesystem::rename(cursor_path + ".tmp", cursor_path);
            a = fsm.on_delivered(std::chrono::steady_clock::now());
        } else if (a.kind == keyops::watch_action::type::wait) {
            const double cpu = cpu_ms();
            std::printf("round %llu requests %llu bytes %llu cpu_ms %.2f events %llu\n",
                        static_cast<unsigned long long>(++round),
                        static_cast<unsigned long long>(requests),
                        static_cast<unsigned long long>(bytes), cpu - cpu0,
                        static_cast<unsigned long long>(found));
            std::fflush(stdout);
            requests = bytes = found = 0;
            while (!g_stop && std::chrono::steady_clock::now() < a.until)
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (g_stop)
                break;
            cpu0 = cpu_ms();
            a = fsm.on_wake(std::chrono::steady_clock::now());
        } else {
            break;
        }
    }
    std::printf("done rounds %llu\n", static_cast<unsigned long long>(round));
    return 0;
}
