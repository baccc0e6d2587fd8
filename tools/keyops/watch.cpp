// keyops jobs watch [KIND...] [proxy-key]: every job of the kinds given (every kind with a list
// when none is given), and the Network Insight proxy key rotations when proxy-key is, as events on
// stdout, one JSON object a line:
//
//   {"event":"started","kind":"oci","id":"..","state":"in_progress","time":"..","seen":"..",
//    "job":{..the job as the server wrote it..}}
//
// event: started, progress, completed, aborted, failed, vanished (an open job the server no
// longer has: no job), error (a kind's list could not be read this round: "message" says why;
// no id, state, time or job). time: the job's own time of the event (createdAt, updatedAt,
// completed_at), as the server wrote it; seen: when the watch saw it (UTC). Rotations are kind
// "proxy-key", numbered by the watch (id "1", "2", ...), with the rotation's status word as
// state, the key's lastUpdatedAt as the time of completed (else null), no job, and
// "failed_collector_ids" on failed. The jobs and the rotations are watched side by side, each on
// its own thread and client, into one output and one cursor. --cursor FILE is read
// at the start when it exists and written (to FILE.tmp, renamed over FILE) after every batch
// is printed, so that a watch started again with it misses nothing and repeats nothing.

#include "watch.hpp"

#include "commands.hpp"
#include "kinds.hpp"
#include "raw_json.hpp"

#include <keyops/wait/watch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>

#include "ni_client.hpp"

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

namespace keyops_cli {

namespace {

std::string json_text(std::string_view s) {
    return boost::json::serialize(boost::json::string_view(s.data(), s.size()));
}

std::string utc_now() {
    using namespace std::chrono;
    const auto t = time_point_cast<microseconds>(system_clock::now()).time_since_epoch().count();
    return keyops::format_rfc3339(
        keyops::instant{t / 1000000, static_cast<std::uint32_t>((t % 1000000) * 1000)});
}

std::string event_line(const keyops::watch_event& e, const std::string& seen) {
    std::string o = "{\"event\":\"" + std::string(keyops::to_string(e.type)) +
                    "\",\"kind\":" + json_text(e.kind);
    if (e.type == keyops::watch_event_type::error)
        return o + ",\"message\":" + json_text(e.message) + ",\"seen\":\"" + seen + "\"}";
    o += ",\"id\":" + json_text(e.id) + ",\"state\":" + json_text(e.state);
    o += ",\"time\":" + (e.time.empty() ? std::string("null") : json_text(e.time));
    o += ",\"seen\":\"" + seen + "\",\"job\":";
    const std::string_view job = e.job ? raw_job_text(e.job.body(), *e.job) : "";
    o += job.empty() ? std::string_view("null") : job;
    if (e.type == keyops::watch_event_type::failed &&
        e.kind == keyops::rotation_watch_fsm::kind_name) {
        o += ",\"failed_collector_ids\":[";
        for (std::size_t i = 0; i < e.failed_collector_ids.size(); ++i)
            o += (i ? "," : "") + json_text(e.failed_collector_ids[i]);
        o += ']';
    }
    return o + '}';
}

// The cursor file's text, or nothing when there is no file yet.
std::optional<std::string> read_cursor_file(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return std::nullopt;
    return read_text_file("--cursor", path);
}

// Written whole to PATH.tmp, then renamed over PATH: a reader (or a watch killed meanwhile)
// finds the old cursor or the new one, never half of one.
void write_cursor_file(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text << '\n';
        out.flush();
        if (!out)
            throw std::runtime_error("--cursor: cannot write " + tmp);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
        throw std::runtime_error("--cursor: cannot rename " + tmp + " to " + path + ": " +
                                 ec.message());
}

} // namespace

int run_jobs_watch(const global_options& g, const std::vector<std::string>& args) {
    command_args a(args, {"--cursor", "--since", "--interval", "--page-size", "--settle"},
                   {"--once"});
    std::vector<keyops::cckm::job_kind> kinds;
    bool rotations = false;
    for (const auto& name : a.positionals()) {
        if (name == keyops::rotation_watch_fsm::kind_name) {
            rotations = true;
            continue;
        }
        const auto k = parse_kind(name);
        if (!keyops::cckm::kind_row_of(k).has_list)
            throw usage_error("jobs watch: " + name +
                              " jobs have no list endpoint, so they cannot be watched");
        kinds.push_back(k);
    }
    if (kinds.empty() && !rotations)
        kinds = keyops::watchable_kinds();

    keyops::watch_options opt;
    opt.once = a.has("--once");
    if (auto i = a.value("--interval")) {
        opt.interval = parse_duration("--interval", *i);
        if (opt.interval.count() <= 0)
            throw usage_error("--interval must be more than 0");
    }
    if (auto s = a.value("--settle"))
        opt.settle =
            std::chrono::duration_cast<std::chrono::seconds>(parse_duration("--settle", *s));
    if (auto p = a.value("--page-size")) {
        char* end = nullptr;
        const unsigned long long n = std::strtoull(p->c_str(), &end, 10);
        if (p->empty() || *end != '\0' || n < 1 || n > 1000 || (*p)[0] == '-')
            throw usage_error("--page-size wants a number from 1 to 1000");
        opt.page_size = n;
    }

    keyops::watch_cursor cursor;
    const auto cursor_path = a.value("--cursor");
    if (cursor_path) {
        if (auto text = read_cursor_file(*cursor_path)) {
            std::string why;
            auto c = keyops::watch_cursor::parse(*text, why);
            if (!c)
                throw usage_error("--cursor " + *cursor_path + ": " + why);
            cursor = std::move(*c);
        }
    }
    if (auto s = a.value("--since")) {
        const auto t = keyops::parse_instant(*s);
        if (!t)
            throw usage_error("--since wants an RFC 3339 time, e.g. 2026-12-01T00:00:00Z");
        for (const auto k : kinds) { // kinds the cursor has read already go on from it
            auto& kc = cursor.kinds[std::string(keyops::cckm::kind_row_of(k).name)];
            if (!kc.watermark)
                kc.since = *t;
        }
    }

    // One output and one cursor for both watches: a batch is printed, and the cursor with it
    // written, under the lock.
    std::mutex out_mutex;
    keyops::watch_cursor saved = cursor;
    bool errors = false;
    const auto deliver = [&](const std::vector<keyops::watch_event>& events,
                             const keyops::watch_cursor& next, bool of_rotations) {
        const std::lock_guard<std::mutex> lock(out_mutex);
        const std::string seen = utc_now();
        std::string out;
        for (const auto& e : events) {
            out += event_line(e, seen);
            out += '\n';
            if (e.type == keyops::watch_event_type::error) {
                errors = true;
                if (g.verbose)
                    std::cerr << "keyops: jobs watch: " << e.kind << ": " << e.message << '\n';
            }
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fflush(stdout);
        if (of_rotations)
            saved.proxy_key = next.proxy_key;
        else
            saved.kinds = next.kinds;
        if (cursor_path)
            write_cursor_file(*cursor_path, saved.to_string());
    };

    install_stop_handlers();
    keyops::error_code rotation_ec;
    std::exception_ptr rotation_error;
    std::thread rotation_thread;
    std::optional<boost::asio::io_context> ni_io;
    std::unique_ptr<ni_client> ni;
    if (rotations) { // a bad option is a usage error before anything runs
        ni_io.emplace();
        ni.reset(new ni_client(make_ni(*ni_io, g))); // made in place: a client does not move
    }
    const auto watch_rotations = [&] {
        try {
            rotation_ec = keyops::watch_rotation(
                *ni, cursor, opt,
                [&](const std::vector<keyops::watch_event>& events,
                    const keyops::watch_cursor& next) { deliver(events, next, true); },
                &g_stop);
            finish_ni(*ni, 0);
        } catch (...) {
            rotation_error = std::current_exception();
            g_stop = true; // the other watch ends too
        }
    };
    keyops::error_code ec;
    if (kinds.empty()) {
        watch_rotations();
    } else {
        if (rotations)
            rotation_thread = std::thread(watch_rotations);
        try {
            boost::asio::io_context io;
            auto c = make_cm(io, g, "jobs watch");
            const cm_session_end end(c, g);
            ec = keyops::watch_jobs(
                c, kinds, cursor, opt,
                [&](const std::vector<keyops::watch_event>& events,
                    const keyops::watch_cursor& next) { deliver(events, next, false); },
                &g_stop);
        } catch (...) {
            if (rotation_thread.joinable()) {
                g_stop = true;
                rotation_thread.join();
            }
            throw;
        }
        if (rotation_thread.joinable())
            rotation_thread.join();
    }
    if (rotation_error)
        std::rethrow_exception(rotation_error);
    if (ec == boost::asio::error::operation_aborted ||
        rotation_ec == boost::asio::error::operation_aborted || g_stop.load())
        return exit_interrupted;
    return errors ? exit_network : exit_ok;
}

} // namespace keyops_cli
