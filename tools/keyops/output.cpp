// What the keyops tool prints (see output.hpp).

#include "output.hpp"

#include <keyops/parse/timestamp.hpp>
#include <keyops/response/read.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <sstream>
#include <unistd.h>

namespace keyops_cli {

namespace cckm = keyops::cckm;

bool stdout_is_terminal() {
    return ::isatty(STDOUT_FILENO) == 1;
}

void report_error(const std::string& what, const keyops::error_code& ec,
                  const keyops::diagnostics& diag) {
    std::cerr << "keyops: " << what << ": " << diag.describe(ec) << '\n';
}

void verbose_note(const global_options& g, const std::string& what,
                  const keyops::diagnostics& diag) {
    if (!g.verbose)
        return;
    std::cerr << "keyops: " << what << ": HTTP " << diag.http_status << ", " << diag.attempts
              << (diag.attempts == 1 ? " attempt" : " attempts");
    if (!diag.last_attempt.empty())
        std::cerr << " (" << diag.last_attempt << ')';
    std::cerr << '\n';
}

namespace {

std::string millis(keyops::event_duration d) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f ms", static_cast<double>(us) / 1000.0);
    return buf;
}

// -v: what the library's observer hook reports, a line each, on stderr. Events name requests by
// method and target only: never a header or a body, so never a secret.
class verbose_log final : public keyops::observer {
public:
    void on_connect(const keyops::connect_event& e) override {
        if (e.ec)
            std::cerr << "keyops: connect failed after " << millis(e.elapsed) << ": "
                      << e.ec.message() << '\n';
        else
            std::cerr << "keyops: connected in " << millis(e.elapsed) << '\n';
    }
    void on_tls_handshake(const keyops::tls_event& e) override {
        if (e.ec)
            std::cerr << "keyops: TLS handshake failed after " << millis(e.elapsed) << ": "
                      << e.ec.message() << '\n';
        else
            std::cerr << "keyops: TLS handshake in " << millis(e.elapsed) << '\n';
    }
    void on_response(const keyops::response_event& e) override {
        std::cerr << "keyops: " << e.method << ' ' << e.target << " -> ";
        if (e.ec)
            std::cerr << e.ec.message();
        else
            std::cerr << keyops::status_text(e.status) << ", " << e.body_bytes << " bytes";
        std::cerr << " in " << millis(e.elapsed) << '\n';
    }
    void on_retry(const keyops::retry_event& e) override {
        std::cerr << "keyops: retrying " << e.method << ' ' << e.target << " in " << millis(e.delay)
                  << " (" << e.reason << ")\n";
    }
    void on_failover(const keyops::failover_event& e) override {
        std::cerr << "keyops: node " << e.from << ' '
                  << (e.status ? std::string("answered ") + std::to_string(e.status)
                               : "cannot be reached: " + e.ec.message())
                  << "; next node " << e.to << '\n';
    }
    void on_token_renewal(const keyops::renewal_event& e) override {
        if (e.ec)
            std::cerr << "keyops: token request refused: " << e.ec.message() << '\n';
        else
            std::cerr << "keyops: token granted\n";
    }
};

} // namespace

keyops::observer* verbose_observer() {
    static verbose_log log;
    return &log;
}

std::string_view outcome_name(keyops::wait_outcome o) {
    switch (o) {
    case keyops::wait_outcome::completed:
        return "completed";
    case keyops::wait_outcome::completed_aborted:
        return "completed_aborted";
    case keyops::wait_outcome::failed:
        return "failed";
    case keyops::wait_outcome::rotation_success:
        return "SUCCESS";
    case keyops::wait_outcome::rotation_failed:
        return "FAILED";
    case keyops::wait_outcome::deadline:
        return "deadline";
    case keyops::wait_outcome::cancelled:
        return "cancelled";
    case keyops::wait_outcome::error:
        break;
    }
    return "error";
}

void print_json_body(std::string_view body) {
    // The body as sent, minus surrounding white space, then a newline.
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' '))
        body.remove_suffix(1);
    std::cout << body << '\n';
}

namespace {

std::string json_text(keyops::json_view v) {
    switch (v.kind()) {
    case keyops::json_kind::string:
        return std::string(v.as_string());
    case keyops::json_kind::null:
        return "null";
    case keyops::json_kind::boolean:
        return v.as_bool() ? "true" : "false";
    case keyops::json_kind::int64:
    case keyops::json_kind::uint64:
        return std::to_string(v.as_int64());
    case keyops::json_kind::double_: {
        std::ostringstream s;
        s << v.as_double();
        return s.str();
    }
    case keyops::json_kind::array: {
        std::string out;
        for (auto e : v.as_array())
            out += (out.empty() ? "" : ", ") + json_text(e);
        return "[" + out + "]";
    }
    case keyops::json_kind::object:
        return "{...}";
    }
    return "";
}

std::string joined(const keyops::string_list& l) {
    std::string out;
    for (auto s : l)
        out += (out.empty() ? "" : ", ") + std::string(s);
    return out;
}

void line(const char* name, std::string_view value) {
    if (value.empty())
        return;
    std::printf("%-16s%.*s\n", name, static_cast<int>(value.size()), value.data());
}

// A timestamp as sent; Go's zero time, which Go servers write for a time never set, says so.
void time_line(const char* name, const keyops::timestamp& t) {
    if (t.has_value() && t.value() && t.value()->is_go_zero())
        line(name, "(not set)");
    else
        line(name, t.raw);
}

} // namespace

void warn_problems(keyops::field_problems problems) {
    for (const keyops::field_problem& p : problems) {
        const std::string path = p.path.empty() ? std::string("the body") : std::string(p.path);
        if (p.text.empty())
            std::fprintf(stderr, "keyops: warning: %s: %.*s; left out\n", path.c_str(),
                         static_cast<int>(p.detail.size()), p.detail.data());
        else
            std::fprintf(stderr, "keyops: warning: %s: %.*s (%.*s); left out\n", path.c_str(),
                         static_cast<int>(p.detail.size()), p.detail.data(),
                         static_cast<int>(p.text.size()), p.text.data());
    }
}

namespace {

bool contains_word(std::string_view text, std::string_view word) {
    const auto lower = [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    };
    for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
        std::size_t k = 0;
        while (k < word.size() && lower(text[i + k]) == word[k])
            ++k;
        if (k == word.size())
            return true;
    }
    return false;
}

// Whether a detailed_status text says its resource finished, well or badly, in the words the
// servers write ("vault synchronized successfully", "... synchronization failed: ...",
// "synchronization aborted"); "synchronizing", "refreshing" and the like are still running.
bool says_finished(std::string_view text) {
    for (std::string_view running : {"synchronizing", "refreshing", "in progress", "in_progress",
                                     "pending", "started", "running", "updating"})
        if (contains_word(text, running))
            return false;
    for (std::string_view ended : {"success", "completed", "synchronized", "refreshed", "updated",
                                   "failed", "failure", "error", "aborted", "done"})
        if (contains_word(text, ended))
            return true;
    return false;
}

} // namespace

std::pair<std::size_t, std::size_t> resource_progress(const cckm::job& j) {
    if (j.version_count) {
        const auto done = j.detailed_status.find("completed").as_array().size();
        // A count past what a 32-bit size_t holds is shown as its largest, not wrapped.
        return {done, static_cast<std::size_t>(std::min<std::uint64_t>(
                          *j.version_count, std::numeric_limits<std::size_t>::max()))};
    }
    // Done: the resources whose text says they finished. Of: the job's resource list; when the
    // job names none, unknown (0) until the job ends, when every entry has its final word.
    std::size_t done = 0, entries = 0;
    for (auto m : j.detailed_status) {
        ++entries;
        if (m.value.kind() == keyops::json_kind::string && says_finished(m.value.as_string()))
            ++done;
    }
    std::size_t total = j.resources().size();
    if (total == 0 && j.done())
        total = entries;
    if (total && done > total)
        done = total;
    return {done, total};
}

std::string progress_text(std::size_t done, std::size_t total) {
    if (total)
        return std::to_string(done) + "/" + std::to_string(total);
    return std::to_string(done) + " done";
}

void print_job_block(const cckm::job& j) {
    line("id:", j.id);
    line("uri:", j.uri);
    line("cloud:", j.cloud);
    line("overall_status:", j.overall_status.raw);
    std::printf("%-16s%s\n", "abort:", j.abort ? "true" : "false");
    time_line("created_at:", j.created_at);
    time_line("updated_at:", j.updated_at);
    time_line("completed_at:", j.completed_at);
    line("resources:", joined(j.resources()));
    line("regions:", joined(j.regions));
    line("sync_item:", j.sync_item);
    line("key_id:", j.key_id);
    line("operation:", j.operation);
    if (j.version_count)
        std::printf("%-16s%llu\n",
                    "version_count:", static_cast<unsigned long long>(*j.version_count));
    const auto [done, total] = resource_progress(j);
    if (total)
        std::printf("%-16s%zu of %zu done\n", "progress:", done, total);
    else if (done)
        std::printf("%-16s%zu done\n", "progress:", done);
    if (!j.detailed_status.empty()) {
        std::printf("detailed_status:\n");
        for (auto m : j.detailed_status)
            std::printf("  %.*s: %s\n", static_cast<int>(m.key.size()), m.key.data(),
                        json_text(m.value).c_str());
    }
}

void print_job_table(const std::vector<const cckm::job*>& jobs) {
    std::printf("%-36s  %-11s  %-5s  %-27s  %s\n", "ID", "STATUS", "ABORT", "CREATED", "RESOURCES");
    for (const auto* j : jobs) {
        const auto [done, total] = resource_progress(*j);
        std::string res = joined(j->resources());
        if (res.empty() && !j->key_id.empty())
            res = std::string(j->key_id);
        if (res.size() > 60 && stdout_is_terminal())
            res = res.substr(0, 57) + "..."; // a script reading the table gets every name
        std::printf("%-36.*s  %-11.*s  %-5s  %-27.*s  %s %s\n", static_cast<int>(j->id.size()),
                    j->id.data(), static_cast<int>(j->overall_status.raw.size()),
                    j->overall_status.raw.data(), j->abort ? "yes" : "no",
                    static_cast<int>(j->created_at.raw.size()), j->created_at.raw.data(),
                    progress_text(done, total).c_str(), res.c_str());
    }
}

void print_rotation_block(const keyops::ni::rotation_status& s) {
    std::printf("%-20s%.*s\n", "status:", static_cast<int>(s.status.raw.size()),
                s.status.raw.data());
    if (s.customer_id)
        std::printf("%-20s%d\n", "customer_id:", static_cast<int>(*s.customer_id));
    std::printf("%-20s%s\n", "failed_collectors:",
                s.failed_collector_ids.empty() ? "none" : joined(s.failed_collector_ids).c_str());
}

void print_details_block(const keyops::ni::key_details& d) {
    if (d.customer_id)
        std::printf("%-20s%d\n", "customer_id:", static_cast<int>(*d.customer_id));
    std::printf("%-20s%.*s days\n", "lifetime:", static_cast<int>(d.lifetime.size()),
                d.lifetime.data());
    std::printf("%-20s%.*s days\n",
                "remaining_validity:", static_cast<int>(d.remaining_validity.size()),
                d.remaining_validity.data());
    if (d.last_updated_at) {
        // Epoch milliseconds, written in 64 bits: past 2038 where time_t has 32.
        const std::int64_t ms = *d.last_updated_at;
        const std::int64_t s = ms / 1000 - (ms % 1000 < 0 ? 1 : 0);
        std::printf("%-20s%s\n",
                    "last_updated_at:", keyops::format_rfc3339(keyops::instant{s, 0}).c_str());
    }
    std::printf("%-20s%.*s\n", "last_updated_by:", static_cast<int>(d.last_updated_by.size()),
                d.last_updated_by.data());
}

std::string seconds_text(std::chrono::steady_clock::duration d) {
    const auto tenths = std::chrono::duration_cast<std::chrono::milliseconds>(d).count() / 100;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "s";
}

void progress_view::job(const cckm::job& j, std::chrono::steady_clock::duration elapsed) {
    const auto [done, total] = resource_progress(j);
    std::string state(j.overall_status.raw);
    if (j.abort && !j.done())
        state += " (cancelling)";
    if (j.done())
        finished_[std::string(j.id)] = true;
    char text[256];
    std::snprintf(text, sizeof text, "%.*s  %-12s %s resources  %s", static_cast<int>(j.id.size()),
                  j.id.data(), state.c_str(), progress_text(done, total).c_str(),
                  seconds_text(elapsed).c_str());
    show(text);
}

void progress_view::rotation(const keyops::ni::rotation_status& s,
                             std::chrono::steady_clock::duration elapsed) {
    char text[160];
    std::snprintf(text, sizeof text, "proxy key rotation  %-12.*s  %s",
                  static_cast<int>(s.status.raw.size()), s.status.raw.data(),
                  seconds_text(elapsed).c_str());
    show(text);
}

void progress_view::run(const keyops::scheduler::run& r,
                        std::chrono::steady_clock::duration elapsed) {
    const std::string_view detail = r.error.empty() ? r.detail : r.error;
    char text[256];
    std::snprintf(text, sizeof text, "%.*s  %-12.*s %.120s  %s", static_cast<int>(r.id.size()),
                  r.id.data(), static_cast<int>(r.status.raw.size()), r.status.raw.data(),
                  std::string(detail).c_str(), seconds_text(elapsed).c_str());
    show(text);
}

void progress_view::outage(const keyops::error_code& ec, const keyops::diagnostics& d,
                           std::chrono::steady_clock::duration elapsed) {
    const std::string why = d.describe(ec);
    char text[256];
    std::snprintf(text, sizeof text, "server not answering (%.160s); polling again  %s",
                  why.c_str(), seconds_text(elapsed).c_str());
    show(text);
}

void progress_view::end() {
    if (live_ && shown_) {
        std::fputc('\n', out_);
        std::fflush(out_);
    }
}

std::string count_text(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + ' ' + (n == 1 ? one : many);
}

progress_view progress_view::for_options(const global_options& g, std::size_t jobs) {
    const bool escapes = std::getenv("NO_COLOR") == nullptr || *std::getenv("NO_COLOR") == '\0';
    if (g.no_progress)
        return progress_view(false, nullptr, jobs, escapes);
    if (g.json) {
        const bool tty = ::isatty(STDERR_FILENO) == 1;
        return progress_view(tty, tty ? stderr : nullptr, jobs, escapes);
    }
    return progress_view(stdout_is_terminal(), stdout, jobs, escapes);
}

void progress_view::show(const char* text) {
    if (!out_)
        return;
    if (live_) {
        std::string line;
        if (jobs_ > 1)
            line = std::to_string(finished_.size()) + "/" + std::to_string(jobs_) + " done | ";
        line += text;
        if (escapes_) {
            std::fprintf(out_, "\r\033[K%s", line.c_str());
        } else {
            // No escape sequences: spaces over what the last line left.
            const std::size_t pad = last_width_ > line.size() ? last_width_ - line.size() : 0;
            std::fprintf(out_, "\r%s%s", line.c_str(), std::string(pad, ' ').c_str());
        }
        last_width_ = line.size();
    } else {
        std::fprintf(out_, "%s\n", text);
    }
    std::fflush(out_);
    shown_ = true;
}

} // namespace keyops_cli
