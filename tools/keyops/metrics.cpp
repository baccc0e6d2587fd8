// keyops metrics [KIND...] [--textfile PATH]: what the servers hold, in Prometheus' text
// exposition format, for node_exporter's textfile collector (--textfile writes PATH.tmp and
// renames it over PATH, so the collector never reads half a file) or any scraper of stdout.
// Names follow Prometheus' rules: the keyops_ prefix, base units (seconds), and gauges only
// (these are counts and times the servers hold now, not counters of this program):
//
//   keyops_up{server}                                   1 when the server answered, else 0
//   keyops_jobs{kind,state}                             jobs listed (state: in_progress,
//                                                       completed, aborted, failed, or the
//                                                       server's own word)
//   keyops_job_last_end_timestamp_seconds{kind,outcome} when the last job ended, per outcome
//   keyops_proxy_key_remaining_validity_seconds         the Network Insight proxy key's
//   keyops_proxy_key_lifetime_seconds                   validity left and lifetime
//   keyops_proxy_key_last_updated_timestamp_seconds     when it was last rotated
//   keyops_proxy_key_rotation{state}                    1 for the last rotation's state
//   keyops_scrape_duration_seconds                      how long reading took
//
// CipherTrust Manager is read when its credentials are given, Network Insight when its are; a
// server that fails is keyops_up 0 (the reason on stderr) and the exit code is then 7.

#include "check.hpp"
#include "commands.hpp"
#include "kinds.hpp"
#include "ni_client.hpp"
#include "output.hpp"

#include <keyops/endpoint/cckm_any.hpp>
#include <keyops/endpoint/network_insight.hpp>
#include <keyops/wait/watch.hpp>

#include <boost/asio/io_context.hpp>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

namespace keyops_cli {

namespace cckm = keyops::cckm;
namespace ni = keyops::ni;

namespace {

// A label value, escaped as the text format wants (backslash, double quote, newline).
std::string label(std::string_view v) {
    std::string out;
    for (const char ch : v) {
        if (ch == '\\' || ch == '"')
            out += '\\';
        if (ch == '\n') {
            out += "\\n";
            continue;
        }
        out += ch;
    }
    return out;
}

// The shortest text that reads back as `v`, whatever the locale.
std::string number(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

struct family {
    std::string help, type = "gauge";
    std::vector<std::string> samples; // `{labels} value` or ` value`
};

class exposition {
public:
    void add(const std::string& name, const std::string& help, const std::string& labels,
             double value) {
        auto& f = families_[name];
        f.help = help;
        f.samples.push_back(labels + " " + number(value));
    }
    std::string text() const {
        std::string out;
        for (const auto& [name, f] : families_) {
            out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
            for (const auto& s : f.samples)
                out += name + s + "\n";
        }
        return out;
    }

private:
    std::map<std::string, family> families_;
};

// Every job of the kind: the count per state and the time of the last end per outcome.
void read_kind(cm_client& c, const cckm::kind_row& row, exposition& x) {
    std::map<std::string, long> counts{
        {"in_progress", 0}, {"completed", 0}, {"aborted", 0}, {"failed", 0}};
    std::map<std::string, double> last_end;
    std::uint64_t skip = 0;
    for (;;) {
        cckm::any_list_query q;
        q.limit = 1000;
        if (skip)
            q.skip = skip;
        keyops::error_code ec;
        keyops::diagnostics d;
        auto page = c.call<cckm::any_list_jobs>(cckm::kind_path(row), q, ec, d);
        if (ec)
            throw std::runtime_error("listing " + std::string(row.name) +
                                     " jobs: " + d.describe(ec));
        for (const auto& j : page->resources) {
            std::string state(j.overall_status.raw);
            if (j.overall_status.state == keyops::job_state::completed && j.abort)
                state = "aborted";
            ++counts[state];
            if (!j.done())
                continue;
            const auto& at = j.completed_at.is_set() ? j.completed_at : j.updated_at;
            if (const auto t = at.value()) {
                const double s =
                    static_cast<double>(t->seconds) + static_cast<double>(t->nanoseconds) / 1e9;
                auto& l = last_end[state];
                l = std::max(l, s);
            }
        }
        const auto next = cckm::next_page_skip(*page, skip);
        if (!next)
            break;
        skip = *next;
    }
    const std::string kind = "kind=\"" + label(row.name) + "\"";
    for (const auto& [state, n] : counts)
        x.add("keyops_jobs", "Jobs the server lists, per kind and state.",
              "{" + kind + ",state=\"" + label(state) + "\"}", static_cast<double>(n));
    for (const auto& [outcome, t] : last_end)
        x.add("keyops_job_last_end_timestamp_seconds",
              "When the last job of the kind ended, per outcome (Unix time).",
              "{" + kind + ",outcome=\"" + label(outcome) + "\"}", t);
}

void read_proxy_key(ni_client& c, exposition& x) {
    keyops::error_code ec;
    keyops::diagnostics d;
    auto details = c.call<ni::proxy_key_details>(ec, d);
    if (ec)
        throw std::runtime_error("reading the proxy key details: " + d.describe(ec));
    const auto days = [](std::string_view text) -> std::optional<double> {
        const std::string s(text);
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (s.empty() || *end != '\0' || !std::isfinite(v))
            return std::nullopt;
        return v;
    };
    if (auto v = days(details->remaining_validity))
        x.add("keyops_proxy_key_remaining_validity_seconds",
              "How long the Network Insight proxy key stays valid.", "", *v * 86400);
    if (auto v = days(details->lifetime))
        x.add("keyops_proxy_key_lifetime_seconds", "The Network Insight proxy key's lifetime.", "",
              *v * 86400);
    if (details->last_updated_at)
        x.add("keyops_proxy_key_last_updated_timestamp_seconds",
              "When the Network Insight proxy key was last rotated (Unix time).", "",
              static_cast<double>(*details->last_updated_at) / 1000.0);
    auto st = c.call<ni::proxy_key_rotation_status>(ec, d);
    if (ec == keyops::error::not_found)
        return; // no rotation ever requested
    if (ec)
        throw std::runtime_error("reading the proxy key rotation status: " + d.describe(ec));
    const std::string now(st->status.raw);
    for (const char* s : {"SUBMITTED", "IN_PROGRESS", "SUCCESS", "FAILED"})
        x.add("keyops_proxy_key_rotation",
              "The state of the last proxy key rotation: 1 for its state, 0 for the others.",
              std::string("{state=\"") + s + "\"}", now == s ? 1 : 0);
    if (now != "SUBMITTED" && now != "IN_PROGRESS" && now != "SUCCESS" && now != "FAILED")
        x.add("keyops_proxy_key_rotation",
              "The state of the last proxy key rotation: 1 for its state, 0 for the others.",
              "{state=\"" + label(now) + "\"}", 1);
}

} // namespace

int run_metrics(const global_options& g, const std::vector<std::string>& rest) {
    command_args a(tail(rest, 1), {"--textfile"}, {});
    std::vector<cckm::job_kind> kinds;
    for (const auto& name : a.positionals()) {
        const auto k = parse_kind(name);
        if (!cckm::kind_row_of(k).has_list)
            throw usage_error("metrics: " + name + " jobs have no list endpoint");
        kinds.push_back(k);
    }
    if (kinds.empty())
        kinds = keyops::watchable_kinds();
    const bool cm = !g.user.empty() || !g.token.empty();
    const bool nis = !g.ni_user.empty() || !g.ni_token.empty() || !g.ni_csp_token.empty() ||
                     !g.ni_vidm_token.empty();
    if (!cm && !nis)
        throw usage_error("metrics needs credentials: --user (CipherTrust Manager) and/or "
                          "--ni-user, --ni-token, --ni-vidm-token-file or --ni-csp-token-file");

    const auto t0 = std::chrono::steady_clock::now();
    exposition x;
    int code = exit_ok;
    boost::asio::io_context io;
    const auto up = [&](const char* server, bool ok) {
        x.add("keyops_up", "Whether the server answered every read (1) or not (0).",
              std::string("{server=\"") + server + "\"}", ok ? 1 : 0);
        if (!ok)
            code = exit_network;
    };
    if (cm) {
        auto c = make_cm(io, g, "metrics");
        const cm_session_end end(c, g);
        exposition part;
        try {
            for (const auto k : kinds)
                read_kind(c, cckm::kind_row_of(k), part);
            x = std::move(part);
            up("ciphertrust", true);
        } catch (const std::exception& e) {
            std::cerr << "keyops: metrics: CipherTrust Manager: " << e.what() << '\n';
            up("ciphertrust", false);
        }
    }
    if (nis) {
        auto c = make_ni(io, g);
        try {
            exposition part = x;
            read_proxy_key(c, part);
            x = std::move(part);
            up("network_insight", true);
        } catch (const std::exception& e) {
            std::cerr << "keyops: metrics: Network Insight: " << e.what() << '\n';
            up("network_insight", false);
        }
        finish_ni(c, 0);
    }
    x.add("keyops_scrape_duration_seconds", "How long reading the servers took.", "",
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());

    const std::string text = x.text();
    if (auto path = a.value("--textfile")) {
        const std::string tmp = *path + ".tmp";
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            out << text;
            out.flush();
            if (!out)
                throw std::runtime_error("--textfile: cannot write " + tmp);
        }
        std::error_code ec;
        std::filesystem::rename(tmp, *path, ec);
        if (ec)
            throw std::runtime_error("--textfile: cannot rename " + tmp + " to " + *path + ": " +
                                     ec.message());
    } else {
        std::fwrite(text.data(), 1, text.size(), stdout);
    }
    return code;
}

} // namespace keyops_cli
