// keyops check jobs | proxy-key | login: a monitoring plugin (Nagios, Icinga, Sensu), by the
// monitoring-plugins conventions: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; one status line,
// `KEYOPS NAME STATE - text | perfdata`, the performance data as
// `'label'=value[UOM];warn;crit;min;max`; thresholds in the plugins' range syntax. A server that
// cannot be reached, or that refuses the credentials, is UNKNOWN with the reason; so is a bad
// command line (exit 3, not 2, as plugins do).

#include "check.hpp"

#include "commands.hpp"
#include "kinds.hpp"
#include "ni_client.hpp"

#include <keyops/endpoint/cckm_any.hpp>
#include <keyops/endpoint/network_insight.hpp>
#include <keyops/wait/watch.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>

namespace keyops_cli {

namespace cckm = keyops::cckm;
namespace ni = keyops::ni;

threshold_range parse_range(const std::string& flag, const std::string& text, bool days_below) {
    threshold_range r;
    r.text = text;
    std::string t = text;
    const auto number = [&](const std::string& s, double& out) {
        char* end = nullptr;
        out = std::strtod(s.c_str(), &end);
        if (s.empty() || *end != '\0' || !std::isfinite(out))
            throw usage_error(flag + " wants a threshold range: N, N:, ~:N, N:M or @N:M (" + text +
                              " is not one)");
    };
    // proxy-key: "30d" (or "30") means fewer than 30 days left.
    if (days_below && !t.empty() && t.find_first_of(":@~") == std::string::npos) {
        if (t.back() == 'd')
            t.pop_back();
        number(t, r.lo);
        r.text = t + ":";
        return r;
    }
    if (!t.empty() && t[0] == '@') {
        r.inside = true;
        t.erase(0, 1);
    }
    const auto colon = t.find(':');
    if (colon == std::string::npos) {
        number(t, r.hi);
        return r;
    }
    const std::string lo = t.substr(0, colon), hi = t.substr(colon + 1);
    if (lo == "~")
        r.lo = -std::numeric_limits<double>::infinity();
    else if (!lo.empty())
        number(lo, r.lo);
    if (!hi.empty())
        number(hi, r.hi);
    if (r.lo > r.hi)
        throw usage_error(flag + ": the range " + text + " ends before it starts");
    return r;
}

bool threshold_range::alerts(double v) const {
    const bool in = v >= lo && v <= hi;
    return inside ? in : !in;
}

namespace {

enum check_state { ok = 0, warning = 1, critical = 2, unknown = 3 };
const char* state_name(int s) {
    static const char* names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    return names[s];
}

struct check_result {
    int state = ok;
    std::string text;
    std::string perf;
};

int print_result(const std::string& name, const check_result& r) {
    std::printf("KEYOPS %s %s - %s", name.c_str(), state_name(r.state), r.text.c_str());
    if (!r.perf.empty())
        std::printf(" | %s", r.perf.c_str());
    std::printf("\n");
    std::fflush(stdout);
    return r.state;
}

// 'label'=value[UOM];warn;crit;min;max
std::string perf(const std::string& label, double value, const std::string& uom,
                 const std::optional<threshold_range>& w, const std::optional<threshold_range>& c,
                 std::optional<double> min = 0.0) {
    std::ostringstream o;
    o << '\'' << label << "'=" << value << uom << ';' << (w ? w->text : "") << ';'
      << (c ? c->text : "") << ';';
    if (min)
        o << *min;
    o << ';';
    return o.str();
}

int judge(double v, const std::optional<threshold_range>& w,
          const std::optional<threshold_range>& c) {
    if (c && c->alerts(v))
        return critical;
    if (w && w->alerts(v))
        return warning;
    return ok;
}

struct unknown_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] void fail_call(const std::string& what, const keyops::error_code& ec,
                            const keyops::diagnostics& d) {
    throw unknown_error(what + ": " + d.describe(ec));
}

// A duration as parse_duration() takes it, or a number of days: `7d`.
std::chrono::milliseconds parse_span(const std::string& flag, const std::string& text) {
    if (text.size() > 1 && text.back() == 'd') {
        const std::string n = text.substr(0, text.size() - 1);
        char* end = nullptr;
        const double days = std::strtod(n.c_str(), &end);
        if (*end == '\0' && std::isfinite(days) && days > 0 && days <= 36500)
            return std::chrono::milliseconds(static_cast<long long>(days * 86400000.0));
        throw usage_error(flag + " takes a duration greater than 0 (30s, 5m, 1h, 7d), not '" +
                          text + "'");
    }
    return parse_duration(flag, text);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// --- check jobs ----------------------------------------------------------------------------------

check_result check_jobs(const global_options& g, const command_args& a) {
    std::vector<cckm::job_kind> kinds;
    for (const auto& name : a.positionals()) {
        const auto k = parse_kind(name);
        if (!cckm::kind_row_of(k).has_list)
            throw usage_error("check jobs: " + name + " jobs have no list endpoint");
        kinds.push_back(k);
    }
    if (kinds.empty())
        kinds = keyops::watchable_kinds();
    const auto window = parse_span("--window", a.value("--window").value_or("24h"));
    std::optional<std::chrono::milliseconds> longer;
    if (auto l = a.value("--running-longer"))
        longer = parse_span("--running-longer", *l);
    std::optional<threshold_range> w = parse_range("--warning", a.value("--warning").value_or("0"));
    std::optional<threshold_range> c;
    if (auto v = a.value("--critical"))
        c = parse_range("--critical", *v);

    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto since = now - window;
    boost::asio::io_context io;
    auto client = make_cm(io, g, "check jobs");
    const cm_session_end end(client, g);
    long failed = 0, aborted = 0, stuck = 0;
    std::vector<std::string> where;
    for (const auto k : kinds) {
        const auto& row = cckm::kind_row_of(k);
        long kf = 0, ka = 0, ks = 0;
        // The jobs that ended (every page of failed and completed ones) and, with
        // --running-longer, those running.
        for (const auto state : {keyops::job_state::failed, keyops::job_state::completed,
                                 keyops::job_state::in_progress}) {
            if (state == keyops::job_state::in_progress && !longer)
                continue;
            std::uint64_t skip = 0;
            for (;;) {
                cckm::any_list_query q;
                q.overall_status = state;
                q.limit = 1000;
                if (skip)
                    q.skip = skip;
                keyops::error_code ec;
                keyops::diagnostics d;
                auto page = client.call<cckm::any_list_jobs>(cckm::kind_path(row), q, ec, d);
                if (ec)
                    fail_call("listing " + std::string(row.name) + " jobs", ec, d);
                for (const auto& j : page->resources) {
                    if (state == keyops::job_state::in_progress) {
                        const auto created = j.created_at.value();
                        if (created && created->to_time_point() < now - *longer)
                            ++ks;
                        continue;
                    }
                    const auto& at = j.completed_at.is_set() ? j.completed_at : j.updated_at;
                    const auto t = at.value();
                    if (!t || t->to_time_point() < since)
                        continue;
                    if (j.overall_status.state == keyops::job_state::failed)
                        ++kf;
                    else if (j.abort)
                        ++ka;
                }
                const auto next = cckm::next_page_skip(*page, skip);
                if (!next)
                    break;
                skip = *next;
            }
        }
        failed += kf;
        aborted += ka;
        stuck += ks;
        if (kf + ka + ks) {
            std::vector<std::string> parts;
            if (kf)
                parts.push_back(std::to_string(kf) + " failed");
            if (ka)
                parts.push_back(std::to_string(ka) + " aborted");
            if (ks)
                parts.push_back(std::to_string(ks) + " running too long");
            std::string s = std::string(row.name) + ":";
            for (std::size_t i = 0; i < parts.size(); ++i)
                s += (i ? ", " : " ") + parts[i];
            where.push_back(std::move(s));
        }
    }
    check_result r;
    const long problems = failed + aborted + stuck;
    r.state = judge(static_cast<double>(problems), w, c);
    r.text = std::to_string(failed) + " failed, " + std::to_string(aborted) + " aborted";
    if (longer)
        r.text += ", " + std::to_string(stuck) + " running longer than " +
                  a.value("--running-longer").value_or("");
    r.text += " in the last " + a.value("--window").value_or("24h") + " (" +
              std::to_string(kinds.size()) + (kinds.size() == 1 ? " kind)" : " kinds)");
    for (std::size_t i = 0; i < where.size(); ++i)
        r.text += (i ? "; " : ": ") + where[i];
    r.perf = perf("problems", static_cast<double>(problems), "", w, c) + ' ' +
             perf("failed", static_cast<double>(failed), "", {}, {}) + ' ' +
             perf("aborted", static_cast<double>(aborted), "", {}, {});
    if (longer)
        r.perf += ' ' + perf("running_too_long", static_cast<double>(stuck), "", {}, {});
    return r;
}

// --- check proxy-key -----------------------------------------------------------------------------

check_result check_proxy_key(const global_options& g, const command_args& a) {
    std::optional<threshold_range> w =
        parse_range("--warning", a.value("--warning").value_or("30d"), true);
    std::optional<threshold_range> c =
        parse_range("--critical", a.value("--critical").value_or("7d"), true);
    boost::asio::io_context io;
    auto client = make_ni(io, g);
    check_result r;
    try {
        keyops::error_code ec;
        keyops::diagnostics d;
        auto details = client.call<ni::proxy_key_details>(ec, d);
        if (ec)
            fail_call("reading the proxy key details", ec, d);
        char* end = nullptr;
        const std::string rem(details->remaining_validity);
        const double days = std::strtod(rem.c_str(), &end);
        if (rem.empty() || *end != '\0' || !std::isfinite(days))
            throw unknown_error("the proxy key details have no remainingValidity in days (\"" +
                                rem + "\")");
        r.state = judge(days, w, c);
        r.text = "the proxy key is valid for " + rem + " more days";
        if (!details->lifetime.empty())
            r.text += " of " + std::string(details->lifetime);
        r.perf = perf("remaining_days", days, "", w, c);
        if (!details->lifetime.empty()) {
            const std::string life(details->lifetime);
            const double l = std::strtod(life.c_str(), &end);
            if (*end == '\0' && std::isfinite(l))
                r.perf += ' ' + perf("lifetime_days", l, "", {}, {});
        }
        // The last rotation: FAILED is critical whatever the days left.
        auto st = client.call<ni::proxy_key_rotation_status>(ec, d);
        if (ec == keyops::error::not_found) {
            r.text += "; no rotation requested yet";
        } else if (ec) {
            fail_call("reading the proxy key rotation status", ec, d);
        } else {
            r.text += "; the last rotation " + std::string(st->status.raw);
            if (st->status.state == keyops::rotation_state::failed) {
                r.state = critical;
                if (!st->failed_collector_ids.empty()) {
                    r.text += " (collectors:";
                    for (auto id : st->failed_collector_ids)
                        r.text += " " + std::string(id);
                    r.text += ")";
                }
            }
        }
    } catch (...) {
        finish_ni(client, 0);
        throw;
    }
    finish_ni(client, 0);
    return r;
}

// --- check login ---------------------------------------------------------------------------------

check_result check_login(const global_options& g, const command_args& a) {
    std::optional<threshold_range> w, c;
    if (auto v = a.value("--warning"))
        w = parse_range("--warning", *v);
    if (auto v = a.value("--critical"))
        c = parse_range("--critical", *v);
    const bool cm = !g.user.empty() || !g.token.empty();
    const bool nis = !g.ni_user.empty() || !g.ni_token.empty() || !g.ni_csp_token.empty() ||
                     !g.ni_vidm_token.empty();
    if (!cm && !nis)
        throw usage_error("check login needs credentials: --user (CipherTrust Manager) and/or "
                          "--ni-user, --ni-token, --ni-vidm-token-file or --ni-csp-token-file");
    check_result r;
    std::vector<std::string> parts;
    boost::asio::io_context io;
    if (cm) {
        const auto t0 = std::chrono::steady_clock::now();
        auto client = make_cm(io, g, "check login");
        const cm_session_end end(client, g);
        cckm::any_list_query q; // the cheapest call that needs a token
        q.limit = 1;
        keyops::error_code ec;
        keyops::diagnostics d;
        client.call<cckm::any_list_jobs>(cckm::kind_path(cckm::kind_row_of(cckm::job_kind::dsm)), q,
                                         ec, d);
        if (ec)
            fail_call("CipherTrust Manager", ec, d);
        const double s = seconds_since(t0);
        r.state = std::max(r.state, judge(s, w, c));
        char buf[64];
        std::snprintf(buf, sizeof buf, "CipherTrust Manager accepted the login (%.3f s)", s);
        parts.emplace_back(buf);
        r.perf += perf("ciphertrust", s, "s", w, c);
    }
    if (nis) {
        const auto t0 = std::chrono::steady_clock::now();
        auto client = make_ni(io, g);
        keyops::error_code ec;
        keyops::diagnostics d;
        client.call<ni::proxy_key_details>(ec, d);
        if (ec) {
            finish_ni(client, 0);
            fail_call("Network Insight", ec, d);
        }
        const double s = seconds_since(t0);
        finish_ni(client, 0);
        r.state = std::max(r.state, judge(s, w, c));
        char buf[64];
        std::snprintf(buf, sizeof buf, "Network Insight accepted the login (%.3f s)", s);
        parts.emplace_back(buf);
        r.perf += (r.perf.empty() ? "" : " ") + perf("network_insight", s, "s", w, c);
    }
    for (std::size_t i = 0; i < parts.size(); ++i)
        r.text += (i ? "; " : "") + parts[i];
    return r;
}

} // namespace

int run_check(const global_options& g, const std::vector<std::string>& rest) {
    const std::string sub = rest.size() > 1 ? rest[1] : "";
    std::string name = sub == "proxy-key" ? "PROXY-KEY" : sub == "login" ? "LOGIN" : "JOBS";
    try {
        if (sub == "jobs") {
            command_args a(tail(rest, 2),
                           {"--window", "--warning", "--critical", "--running-longer"}, {});
            return print_result(name, check_jobs(g, a));
        }
        if (sub == "proxy-key") {
            command_args a(tail(rest, 2), {"--warning", "--critical"}, {});
            expect_positionals(a, 0, "");
            return print_result(name, check_proxy_key(g, a));
        }
        if (sub == "login") {
            command_args a(tail(rest, 2), {"--warning", "--critical"}, {});
            expect_positionals(a, 0, "");
            return print_result(name, check_login(g, a));
        }
        throw usage_error(sub.empty()
                              ? "check needs a subcommand: jobs, proxy-key or login"
                              : "unknown check '" + sub + "'; one of jobs, proxy-key, login");
    } catch (const usage_error& e) {
        check_result r;
        r.state = unknown;
        r.text = std::string("usage: ") + e.what() + " (see keyops --help)";
        return print_result(name, r);
    } catch (const std::exception& e) { // a server not reached, credentials refused, bad data
        check_result r;
        r.state = unknown;
        r.text = e.what();
        return print_result(name, r);
    }
}

} // namespace keyops_cli
