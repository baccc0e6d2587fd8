// Guide "Watching jobs and monitoring": an agent that reacts to CipherTrust Manager's jobs as they
// start and end, whoever started them: it follows every kind of job with the async watch on its own
// io_context, reports each failed or cancelled job (a compliance agent's work), and keeps its
// cursor so that a restart misses nothing. To show a reaction end to end, it starts two jobs itself
// once the watch has taken its first look (one that completes, one that fails), and stops when it
// has seen both end.
//
//   15_watch_agent URL CA_FILE [CURSOR_FILE]   (KEYOPS_USER and KEYOPS_PASSWORD in the environment)
//
// Exit 0 when both jobs were seen started and ended as the server ended them, 1 otherwise, 2 for
// bad usage.

#include <keyops/keyops.hpp>
#include <keyops/wait/watch.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

namespace cckm = keyops::cckm;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
    const char* user = std::getenv("KEYOPS_USER");
    const char* password = std::getenv("KEYOPS_PASSWORD");
    if (argc < 3 || argc > 4 || !user || !password) {
        std::cerr << "usage: KEYOPS_USER=.. KEYOPS_PASSWORD=.. 15_watch_agent URL CA_FILE "
                     "[CURSOR_FILE]\n";
        return 2;
    }

    keyops::transport_options topt;
    if (auto ec = keyops::parse_server_url(argv[1], topt)) {
        std::cerr << "15_watch_agent: " << argv[1] << ": " << ec.message() << '\n';
        return 2;
    }
    topt.tls.ca_file = argv[2];
    keyops::ciphertrust_credentials cred;
    cred.username = user;
    cred.password = password;

    boost::asio::io_context io;
    using cm_client = keyops::client<keyops::beast_transport, keyops::ciphertrust_auth>;
    cm_client c(keyops::beast_transport(io.get_executor(), topt), keyops::ciphertrust_auth(cred));
    // Another client stands for the others who start jobs.
    cm_client others(keyops::beast_transport(io.get_executor(), topt),
                     keyops::ciphertrust_auth(cred));

    //[cursor
    // Where the last run stopped, if it saved a cursor.
    const std::string cursor_path = argc > 3 ? argv[3] : "";
    keyops::watch_cursor cursor;
    if (std::ifstream in{cursor_path}; !cursor_path.empty() && in) {
        std::stringstream text;
        text << in.rdbuf();
        std::string why;
        if (auto saved = keyops::watch_cursor::parse(text.str(), why))
            cursor = std::move(*saved);
        else
            std::cerr << "15_watch_agent: ignoring " << cursor_path << ": " << why << '\n';
    }
    //]

    std::map<std::string, std::string> mine; // the jobs this agent started: id -> how it ended
    bool started_ours = false;
    boost::asio::cancellation_signal stop;

    //[watch
    keyops::watch_options opt;
    opt.interval = 500ms;
    auto on_batch = [&](const std::vector<keyops::watch_event>& events,
                        const keyops::watch_cursor& next) {
        for (const auto& e : events) {
            switch (e.type) {
            case keyops::watch_event_type::failed:
            case keyops::watch_event_type::aborted:
                std::cout << "ALERT " << e.kind << " job " << e.id << " "
                          << keyops::to_string(e.type) << " at " << e.time << '\n';
                break;
            case keyops::watch_event_type::error:
                std::cout << "cannot read " << e.kind << " jobs: " << e.message << '\n';
                break;
            default:
                std::cout << e.kind << " job " << e.id << " " << keyops::to_string(e.type) << '\n';
            }
            if (auto it = mine.find(e.id); it != mine.end() &&
                                           e.type != keyops::watch_event_type::started &&
                                           e.type != keyops::watch_event_type::progress)
                it->second = std::string(keyops::to_string(e.type));
        }
        if (!cursor_path.empty()) // saved with the batch: a restart goes on from here
            std::ofstream(cursor_path, std::ios::trunc) << next.to_string() << '\n';
        if (!started_ours) { // after the first look: two jobs are started elsewhere
            started_ours = true;
            for (const char* domain : {"agent-domain", "fail-agent-domain"})
                others.async_call<cckm::start_job<cckm::dsm>>(
                    cckm::raw_json_body{std::string(R"({"domains":[")") + domain + R"("]})"},
                    [&](keyops::error_code ec, auto job) {
                        if (ec)
                            std::cerr << "15_watch_agent: starting a job: " << ec.message() << '\n';
                        else
                            mine.emplace(std::string(job->id), "");
                    });
        }
        bool all_ended = !mine.empty();
        for (const auto& [id, end] : mine)
            all_ended = all_ended && !end.empty();
        if (all_ended)
            stop.emit(boost::asio::cancellation_type::terminal);
    };

    std::optional<keyops::error_code> ended;
    keyops::async_watch_jobs(c, keyops::watchable_kinds(), std::move(cursor), opt, on_batch,
                             boost::asio::bind_cancellation_slot(
                                 stop.slot(), [&](keyops::error_code ec) { ended = ec; }));
    boost::asio::steady_timer guard(io, 60s); // an example that never hangs
    guard.async_wait([&](keyops::error_code ec) {
        if (!ec)
            stop.emit(boost::asio::cancellation_type::terminal);
    });
    while (!ended && io.run_one())
        ;
    //]
    guard.cancel();

    int code = 0;
    for (const auto& [id, end] : mine) {
        std::cout << "our job " << id << ": " << (end.empty() ? "not seen ending" : end) << '\n';
        if (end.empty())
            code = 1;
    }
    const auto ends = [&](const char* want) {
        for (const auto& [id, end] : mine)
            if (end == want)
                return true;
        return false;
    };
    if (!ends("completed") || !ends("failed"))
        code = 1;
    return code;
}
