// keyops: start, watch, cancel and wait for CipherTrust Manager CCKM jobs and Network Insight
// proxy key rotations from a terminal or a script. `keyops --help` prints the usage.

#include "cli.hpp"

#include <keyops/client/client.hpp>
#include <keyops/keyops.hpp>
#include <keyops/transport/beast_transport.hpp>
#include <keyops/wait/wait.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <unistd.h>
#include <variant>

using namespace keyops_cli;
namespace cckm = keyops::cckm;
namespace ni = keyops::ni;

namespace {

const char* const usage_head = R"(usage: keyops [OPTIONS] COMMAND ...

Commands:
  jobs list KIND [--status in_progress|completed|failed] [--id ID]... [--filter NAME=VALUE]...
                 [--sort SPEC] [--limit N] [--skip N] [--all]
  jobs get KIND ID
  jobs start KIND (--body JSON | --body-file FILE)
  jobs cancel KIND ID
  jobs wait KIND ID... [--interval SECONDS] [--deadline SECONDS] [--cancel-on-deadline]
  proxy-key rotate [--wait] [--deadline SECONDS] [--interval SECONDS]
  proxy-key status
  proxy-key details

)";

const char* const usage_tail = R"(
Options (before the command):
  --url URL               https://HOST[:PORT] of the server (or KEYOPS_URL)
  --cacert FILE           trust this PEM CA file instead of the system store
  --insecure              skip TLS certificate and host name checks (warns)
  --timeout SECONDS       limit for each call, retries included (default 30)
  --json                  print the server's objects as JSON
  -v, --verbose           log connections and retries to stderr (never secrets)
  CipherTrust Manager:
  --user U                with --password-file FILE or KEYOPS_PASSWORD; optional --domain D
  --token T               a bearer token instead (or KEYOPS_TOKEN)
  Network Insight:
  --ni-user U             with --ni-password-file FILE or KEYOPS_NI_PASSWORD
  --ni-domain-type LOCAL|LDAP, --ni-domain D
  --ni-token T            a token instead (or KEYOPS_NI_TOKEN)

Exit codes: 0 completed (or SUCCESS), 1 job failed (or FAILED), 2 usage error,
3 authentication failed, 4 not found, 5 deadline passed, 6 completed but aborted,
7 network, TLS or server error, 130 interrupted. With several ids the worst one wins.
)";

// The usage, with the KIND lines made from the library's list of kinds, wrapped at 94
// characters as the longest line of the rest.
std::string usage_text() {
    constexpr std::size_t width = 94;
    std::string kinds, line = "KIND:";
    for (std::size_t i = 0; i < cckm::kind_count; ++i) {
        const std::string word =
            std::string(cckm::kind_names[i]) + (i + 1 < cckm::kind_count ? "," : "");
        if (line.size() + 1 + word.size() > width) {
            kinds += line + '\n';
            line = "     ";
        }
        line += ' ' + word;
    }
    return usage_head + kinds + line + '\n' + usage_tail;
}

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_signal(int) {
    g_stop.store(true);
}

bool stdout_is_terminal() {
    return ::isatty(STDOUT_FILENO) == 1;
}

// --- auth: one client type per service, whichever credentials were given -----------------------

using cm_auth = keyops::either_auth<keyops::ciphertrust_auth>;
using ni_auth = keyops::either_auth<keyops::network_insight_auth>;
using cm_client = keyops::client<keyops::beast_transport, cm_auth>;
using ni_client = keyops::client<keyops::beast_transport, ni_auth>;

keyops::transport_options make_transport(const global_options& g) {
    if (g.url.empty())
        throw usage_error("no server given: use --url https://HOST[:PORT] or set KEYOPS_URL");
    keyops::transport_options t;
    std::string path;
    if (keyops::parse_server_url(g.url, t, &path) || !path.empty()) {
        // A URL with user information could hold a password: never echo it.
        const bool echo = g.url.find('@') == std::string::npos;
        throw usage_error("--url must be https://HOST[:PORT] (or http://), with no path" +
                          (echo ? ", not '" + g.url + "'" : std::string()));
    }
    if (!g.cacert.empty()) {
        read_text_file("--cacert", g.cacert); // a clear message now rather than a TLS error later
        t.tls.ca_file = g.cacert;
        t.tls.use_system_store = false;
    }
    t.tls.insecure_skip_verify = g.insecure;
    t.connect_timeout = g.timeout;
    t.request_timeout = g.timeout;
    const bool verbose = g.verbose;
    t.log = [verbose](keyops::log_level level, std::string_view line) {
        if (verbose || level == keyops::log_level::warning)
            std::cerr << "keyops: " << line << '\n';
    };
    return t;
}

keyops::client_options make_client_options(const global_options& g) {
    keyops::client_options o;
    o.call_timeout = g.timeout;
    return o;
}

cm_client make_cm(boost::asio::io_context& io, const global_options& g) {
    auto t = make_transport(g);
    if (!g.user.empty()) {
        if (g.password.empty())
            throw usage_error("--user needs a password: --password-file FILE or KEYOPS_PASSWORD");
        keyops::ciphertrust_credentials c;
        c.username = g.user;
        c.password = g.password;
        c.domain = g.domain;
        return cm_client(keyops::beast_transport(io.get_executor(), std::move(t)),
                         cm_auth(keyops::ciphertrust_auth(std::move(c))),
                         keyops::exponential_backoff(), make_client_options(g));
    }
    if (g.token.empty())
        throw usage_error("jobs commands need CipherTrust Manager credentials: --user U with "
                          "--password-file FILE or KEYOPS_PASSWORD, or --token T or KEYOPS_TOKEN");
    return cm_client(keyops::beast_transport(io.get_executor(), std::move(t)),
                     cm_auth(keyops::static_token(keyops::static_token::scheme::bearer, g.token)),
                     keyops::exponential_backoff(), make_client_options(g));
}

ni_client make_ni(boost::asio::io_context& io, const global_options& g) {
    auto t = make_transport(g);
    if (!g.ni_user.empty()) {
        if (g.ni_password.empty())
            throw usage_error(
                "--ni-user needs a password: --ni-password-file FILE or KEYOPS_NI_PASSWORD");
        keyops::network_insight_credentials c;
        c.username = g.ni_user;
        c.password = g.ni_password;
        c.domain = g.ni_domain_type == "LDAP" ? ni::domain_type::ldap : ni::domain_type::local;
        c.domain_value = g.ni_domain.empty() ? std::string("local") : g.ni_domain;
        return ni_client(keyops::beast_transport(io.get_executor(), std::move(t)),
                         ni_auth(keyops::network_insight_auth(std::move(c))),
                         keyops::exponential_backoff(), make_client_options(g));
    }
    if (g.ni_token.empty())
        throw usage_error("proxy-key commands need Network Insight credentials: --ni-user U with "
                          "--ni-password-file FILE or KEYOPS_NI_PASSWORD, or --ni-token T");
    return ni_client(
        keyops::beast_transport(io.get_executor(), std::move(t)),
        ni_auth(keyops::static_token(keyops::static_token::scheme::network_insight, g.ni_token)),
        keyops::exponential_backoff(), make_client_options(g));
}

// --- jobs ----------------------------------------------------------------------------------------

std::vector<std::string> tail(const std::vector<std::string>& v, std::size_t from) {
    return std::vector<std::string>(
        v.begin() + static_cast<std::ptrdiff_t>(std::min(from, v.size())), v.end());
}

void expect_positionals(const command_args& a, std::size_t n, const char* what) {
    if (a.positionals().size() < n)
        throw usage_error(std::string("missing ") + what);
    if (a.positionals().size() > n)
        throw usage_error("unexpected argument '" + a.positionals()[n] + "'");
}

template <class K>
int jobs_list(cm_client& c, const global_options& g, const command_args& a) {
    if constexpr (!K::has_list) {
        throw usage_error(std::string(K::name) +
                          " jobs have no list endpoint on the server; use jobs get KIND ID");
    } else {
        cckm::list_query<K> q;
        if (auto s = a.value("--status")) {
            const auto st = keyops::job_state_from_word(*s);
            if (st == keyops::job_state::unknown)
                throw usage_error("--status must be in_progress, completed or failed, not '" + *s +
                                  "'");
            q.overall_status = st;
        }
        q.id = a.values("--id");
        for (const auto& f : a.values("--filter")) {
            const auto eq = f.find('=');
            if (eq == std::string::npos || eq == 0)
                throw usage_error("--filter takes NAME=VALUE, not '" + f + "'");
            q.extra.emplace_back(f.substr(0, eq), f.substr(eq + 1));
        }
        if (auto s = a.value("--sort")) {
            if (s->empty())
                throw usage_error("--sort needs a field list, e.g. -createdAt");
            q.sort = *s;
        }
        if (auto l = a.value("--limit"))
            q.limit = parse_count("--limit", *l, false);
        if (auto s = a.value("--skip"))
            q.skip = parse_count("--skip", *s, true);

        keyops::error_code ec;
        keyops::diagnostics diag;
        if (!a.has("--all")) {
            auto page = c.call<cckm::list_jobs<K>>(q, ec, diag);
            verbose_note(g, "GET " + std::string(K::name) + " jobs", diag);
            if (ec) {
                report_error(std::string("listing ") + std::string(K::name) + " jobs", ec, diag);
                return exit_code_for(ec);
            }
            if (g.json) {
                print_json_body(page.body());
                return exit_ok;
            }
            std::vector<const cckm::job*> jobs;
            for (const auto& j : page->resources)
                jobs.push_back(&j);
            print_job_table(jobs);
            const auto skip = page->skip.value_or(0);
            std::fprintf(stderr, "%zu of %lld %s jobs (skip %lld)%s\n", jobs.size(),
                         static_cast<long long>(page->total.value_or(0)),
                         std::string(K::name).c_str(), static_cast<long long>(skip),
                         page->total && skip + static_cast<std::int64_t>(jobs.size()) < *page->total
                             ? "; more with --skip or --all"
                             : "");
            return exit_ok;
        }
        // Every page: from --skip on, --limit per request (default 100).
        if (!q.limit)
            q.limit = 100;
        std::uint64_t skip = q.skip.value_or(0);
        std::vector<keyops::call_result<cckm::list_jobs<K>>> pages;
        boost::json::array all;
        std::vector<const cckm::job*> jobs;
        for (;;) {
            q.skip = skip;
            auto page = c.call<cckm::list_jobs<K>>(q, ec, diag);
            verbose_note(g, "GET " + std::string(K::name) + " jobs, skip " + std::to_string(skip),
                         diag);
            if (ec) {
                report_error(std::string("listing ") + std::string(K::name) + " jobs (skip " +
                                 std::to_string(skip) + ")",
                             ec, diag);
                return exit_code_for(ec);
            }
            const std::size_t got = page->resources.size();
            if (g.json) {
                boost::system::error_code jec;
                auto v = boost::json::parse(page.body(), jec);
                if (!jec && v.is_object())
                    if (auto* r = v.as_object().if_contains("resources"); r && r->is_array())
                        for (auto& e : r->as_array())
                            all.push_back(std::move(e));
            } else {
                for (const auto& j : page->resources)
                    jobs.push_back(&j);
            }
            const bool more =
                got != 0 && page->total && static_cast<std::uint64_t>(*page->total) > skip + got;
            pages.push_back(std::move(page));
            if (!more)
                break;
            skip += got;
        }
        if (g.json)
            std::cout << boost::json::serialize(all) << '\n';
        else {
            print_job_table(jobs);
            std::fprintf(stderr, "%zu %s jobs in %zu pages\n", jobs.size(),
                         std::string(K::name).c_str(), pages.size());
        }
        return exit_ok;
    }
}

// One call whose answer is one object: printed as the server sent it (--json) or by `show`.
// `what` names the call in -v notes and errors.
template <class E, class Client, class Show, class... Args>
int call_and_show(Client& c, const global_options& g, const std::string& what, Show show,
                  const Args&... args) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto r = c.template call<E>(args..., ec, diag);
    verbose_note(g, what, diag);
    if (ec) {
        report_error(what, ec, diag);
        return exit_code_for(ec);
    }
    if (g.json)
        print_json_body(r.body());
    else
        show(*r);
    return exit_ok;
}

template <class K>
int jobs_get(cm_client& c, const global_options& g, const std::string& id) {
    return call_and_show<cckm::get_job<K>>(c, g, "GET " + std::string(K::name) + " job " + id,
                                           print_job_block, keyops::job_id(id));
}

template <class K>
int jobs_start(cm_client& c, const global_options& g, const std::string& body) {
    return call_and_show<cckm::start_job<K>>(c, g, "POST a new " + std::string(K::name) + " job",
                                             print_job_block, cckm::raw_json_body{body});
}

template <class K>
int jobs_cancel(cm_client& c, const global_options& g, const std::string& id) {
    if constexpr (!K::has_cancel) {
        throw usage_error(std::string(K::name) + " jobs cannot be cancelled");
    } else {
        return call_and_show<cckm::cancel_job<K>>(
            c, g, "POST cancel of " + std::string(K::name) + " job " + id, print_job_block,
            keyops::job_id(id));
    }
}

// Shows wait progress: a live line on a terminal, plain lines otherwise.
class progress_view {
public:
    progress_view(bool live, std::FILE* out, std::size_t jobs)
        : live_(live), out_(out), jobs_(jobs) {}

    void job(const cckm::job& j, std::chrono::steady_clock::duration elapsed) {
        const auto [done, total] = resource_progress(j);
        std::string state(j.overall_status.raw);
        if (j.abort && !j.done())
            state += " (cancelling)";
        if (j.done())
            finished_[std::string(j.id)] = true;
        char text[256];
        std::snprintf(text, sizeof text, "%.*s  %-12s %zu/%zu resources  %s",
                      static_cast<int>(j.id.size()), j.id.data(), state.c_str(), done, total,
                      seconds_text(elapsed).c_str());
        show(text);
    }

    void rotation(const ni::rotation_status& s, std::chrono::steady_clock::duration elapsed) {
        char text[160];
        std::snprintf(text, sizeof text, "proxy key rotation  %-12.*s  %s",
                      static_cast<int>(s.status.raw.size()), s.status.raw.data(),
                      seconds_text(elapsed).c_str());
        show(text);
    }

    void end() {
        if (live_ && shown_) {
            std::fputc('\n', out_);
            std::fflush(out_);
        }
    }

private:
    void show(const char* text) {
        if (!out_)
            return;
        if (live_) {
            std::string prefix;
            if (jobs_ > 1)
                prefix =
                    std::to_string(finished_.size()) + "/" + std::to_string(jobs_) + " done | ";
            std::fprintf(out_, "\r\033[K%s%s", prefix.c_str(), text);
        } else {
            std::fprintf(out_, "%s\n", text);
        }
        std::fflush(out_);
        shown_ = true;
    }

    bool live_;
    std::FILE* out_;
    std::size_t jobs_;
    bool shown_ = false;
    std::map<std::string, bool> finished_;
};

void install_stop_handlers() {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
}

template <class K>
int jobs_wait(cm_client& c, const global_options& g, const std::vector<std::string>& ids,
              const command_args& a) {
    keyops::wait_options w;
    w.polling.first_interval = std::chrono::milliseconds(1000);
    w.polling.growth = 1.5;
    w.polling.max_interval = std::chrono::milliseconds(10000);
    w.polling.deadline = std::chrono::milliseconds(0);
    if (auto i = a.value("--interval")) {
        w.polling.first_interval = w.polling.max_interval = parse_duration("--interval", *i);
        w.polling.growth = 1.0;
    }
    if (auto d = a.value("--deadline"))
        w.polling.deadline = parse_duration("--deadline", *d);
    w.cancel_on_deadline = a.has("--cancel-on-deadline");
    if constexpr (!K::has_cancel)
        if (w.cancel_on_deadline)
            throw usage_error("--cancel-on-deadline: " + std::string(K::name) +
                              " jobs cannot be cancelled");
    w.stop = &g_stop;
    install_stop_handlers();

    // Progress goes to stdout, or to stderr when stdout carries JSON.
    const bool terminal = stdout_is_terminal();
    std::FILE* out = g.json ? (::isatty(STDERR_FILENO) ? stderr : nullptr) : stdout;
    progress_view view(g.json ? ::isatty(STDERR_FILENO) == 1 : terminal, out, ids.size());
    w.on_job_progress = [&](const cckm::job& j, auto elapsed) {
        view.job(j, elapsed);
    };

    auto results = keyops::wait_for_jobs<K>(c, ids, w);
    view.end();

    int code = exit_ok;
    boost::json::array out_json;
    for (const auto& r : results) {
        code = worse(code, exit_code_for(r.outcome, r.ec));
        if (g.verbose)
            std::cerr << "keyops: waited for " << r.id << ": " << r.polls << " polls, "
                      << r.attempts << " HTTP attempts\n";
        if (g.json) {
            boost::json::object o;
            o["id"] = r.id;
            o["outcome"] = outcome_name(r.outcome);
            o["job"] = r.job ? job_object_from(r.job.body(), r.id) : boost::json::value(nullptr);
            if (r.ec)
                o["error"] = r.diag.describe(r.ec);
            out_json.push_back(std::move(o));
        } else {
            std::printf("%s: %s", r.id.c_str(), std::string(keyops::to_string(r.outcome)).c_str());
            if (r.job && is_terminal(r.outcome)) {
                const auto [done, total] = resource_progress(*r.job);
                std::printf(", %zu/%zu resources", done, total);
            }
            if (r.cancel_sent)
                std::printf(", cancel sent");
            std::printf(" after %s, %u polls\n", seconds_text(r.elapsed).c_str(), r.polls);
        }
        if (r.outcome == keyops::wait_outcome::error)
            report_error("waiting for " + std::string(K::name) + " job " + r.id, r.ec, r.diag);
        else if (r.outcome == keyops::wait_outcome::deadline && !r.diag.detail.empty())
            std::cerr << "keyops: " << r.id << ": " << r.diag.detail << '\n';
    }
    if (g.json)
        std::cout << boost::json::serialize(out_json) << '\n';
    return code;
}

int run_jobs(const global_options& g, const std::vector<std::string>& rest) {
    if (rest.size() < 2)
        throw usage_error("jobs needs a subcommand: list, get, start, cancel or wait");
    const std::string& sub = rest[1];
    std::vector<std::string> valued, switches;
    if (sub == "list") {
        valued = {"--status", "--id", "--filter", "--sort", "--limit", "--skip"};
        switches = {"--all"};
    } else if (sub == "start") {
        valued = {"--body", "--body-file"};
    } else if (sub == "wait") {
        valued = {"--interval", "--deadline"};
        switches = {"--cancel-on-deadline"};
    } else if (sub != "get" && sub != "cancel") {
        throw usage_error("unknown jobs subcommand '" + sub +
                          "'; one of list, get, start, cancel, wait");
    }
    command_args a(tail(rest, 2), valued, switches);
    if (a.positionals().empty())
        throw usage_error("jobs " + sub + " needs a KIND");
    const auto kind = parse_kind(a.positionals()[0]);

    std::string body;
    if (sub == "list") {
        expect_positionals(a, 1, "KIND");
    } else if (sub == "get" || sub == "cancel") {
        expect_positionals(a, 2, "job ID");
    } else if (sub == "wait") {
        if (a.positionals().size() < 2)
            throw usage_error("jobs wait needs at least one job ID");
    } else if (sub == "start") {
        expect_positionals(a, 1, "KIND");
        const auto inline_body = a.value("--body");
        const auto file = a.value("--body-file");
        if (inline_body.has_value() == file.has_value())
            throw usage_error("jobs start needs exactly one of --body JSON or --body-file FILE");
        body = inline_body ? *inline_body : read_text_file("--body-file", *file);
        boost::system::error_code jec;
        auto v = boost::json::parse(body, jec);
        const char* flag = inline_body ? "--body" : "--body-file";
        if (jec)
            throw usage_error(std::string(flag) + " is not valid JSON: " + jec.message());
        if (!v.is_object())
            throw usage_error(std::string(flag) + " must be a JSON object");
    }

    boost::asio::io_context io;
    auto c = make_cm(io, g);
    return cckm::visit_kind(kind, [&](auto k) -> int {
        using K = decltype(k);
        if (sub == "list")
            return jobs_list<K>(c, g, a);
        if (sub == "get")
            return jobs_get<K>(c, g, a.positionals()[1]);
        if (sub == "start")
            return jobs_start<K>(c, g, body);
        if (sub == "cancel")
            return jobs_cancel<K>(c, g, a.positionals()[1]);
        return jobs_wait<K>(c, g, tail(a.positionals(), 1), a);
    });
}

// --- proxy-key
// -------------------------------------------------------------------------------------

int finish_ni(ni_client& c, int code) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    c.close(ec, diag); // releases the token (each user may hold at most 100)
    if (ec)
        report_error("releasing the Network Insight token", ec, diag);
    return code;
}

int run_proxy_key(const global_options& g, const std::vector<std::string>& rest) {
    if (rest.size() < 2)
        throw usage_error("proxy-key needs a subcommand: rotate, status or details");
    const std::string& sub = rest[1];
    std::vector<std::string> valued, switches;
    if (sub == "rotate") {
        valued = {"--deadline", "--interval"};
        switches = {"--wait"};
    } else if (sub != "status" && sub != "details") {
        throw usage_error("unknown proxy-key subcommand '" + sub +
                          "'; one of rotate, status, details");
    }
    command_args a(tail(rest, 2), valued, switches);
    expect_positionals(a, 0, "");
    if (!a.has("--wait") && (a.has("--deadline") || a.has("--interval")))
        throw usage_error("--deadline and --interval apply to proxy-key rotate --wait");

    keyops::wait_options w;
    w.polling.first_interval = std::chrono::milliseconds(1000);
    w.polling.growth = 1.0;
    w.polling.deadline = std::chrono::milliseconds(0);
    if (auto i = a.value("--interval"))
        w.polling.first_interval = w.polling.max_interval = parse_duration("--interval", *i);
    if (auto d = a.value("--deadline"))
        w.polling.deadline = parse_duration("--deadline", *d);

    boost::asio::io_context io;
    auto c = make_ni(io, g);
    keyops::error_code ec;
    keyops::diagnostics diag;
    if (sub == "details")
        return finish_ni(c, call_and_show<ni::proxy_key_details>(c, g, "GET proxy key details",
                                                                 print_details_block));
    if (sub == "status")
        return finish_ni(c, call_and_show<ni::proxy_key_rotation_status>(
                                c, g, "GET proxy key rotation status", print_rotation_block));
    auto s = c.call<ni::rotate_proxy_key>(ec, diag);
    verbose_note(g, "POST proxy key rotation", diag);
    if (ec) {
        report_error("rotating the proxy key", ec, diag);
        return finish_ni(c, exit_code_for(ec));
    }
    if (!a.has("--wait")) {
        if (g.json)
            print_json_body(s.body());
        else
            print_rotation_block(*s);
        return finish_ni(c, exit_ok);
    }
    if (!g.json)
        std::printf("proxy key rotation %.*s\n", static_cast<int>(s->status.raw.size()),
                    s->status.raw.data());
    w.stop = &g_stop;
    install_stop_handlers();
    std::FILE* out = g.json ? (::isatty(STDERR_FILENO) ? stderr : nullptr) : stdout;
    progress_view view(g.json ? ::isatty(STDERR_FILENO) == 1 : stdout_is_terminal(), out, 1);
    w.on_rotation_progress = [&](const ni::rotation_status& st, auto elapsed) {
        view.rotation(st, elapsed);
    };
    auto r = keyops::wait_for_rotation(c, w);
    view.end();
    if (g.verbose)
        std::cerr << "keyops: waited for the rotation: " << r.polls << " polls, " << r.attempts
                  << " HTTP attempts\n";
    if (r.outcome == keyops::wait_outcome::error) {
        report_error("waiting for the proxy key rotation", r.ec, r.diag);
    } else if (g.json) {
        print_json_body(r.status.body());
    } else {
        std::printf("rotation %s after %s", std::string(keyops::to_string(r.outcome)).c_str(),
                    seconds_text(r.elapsed).c_str());
        if (!r.failed_collector_ids.empty()) {
            std::printf("; failed collectors:");
            for (const auto& id : r.failed_collector_ids)
                std::printf(" %s", id.c_str());
        }
        std::printf("\n");
        if (!r.diag.detail.empty())
            std::cerr << "keyops: " << r.diag.detail << '\n';
    }
    return finish_ni(c, exit_code_for(r.outcome, r.ec));
}

int run(const global_options& g, const std::vector<std::string>& rest) {
    if (rest.empty())
        throw usage_error("no command given");
    if (rest[0] == "jobs")
        return run_jobs(g, rest);
    if (rest[0] == "proxy-key")
        return run_proxy_key(g, rest);
    if (rest[0] == "help")
        throw usage_error("");
    throw usage_error("unknown command '" + rest[0] + "'; one of jobs, proxy-key");
}

} // namespace

int main(int argc, char** argv) {
    try {
        std::vector<std::string> rest;
        const auto g = parse_global(argc, argv, rest);
        return run(g, rest);
    } catch (const usage_error& e) {
        if (*e.what() == '\0') { // --help
            std::cout << usage_text();
            return exit_ok;
        }
        std::cerr << "keyops: " << e.what() << "\n\n" << usage_text();
        return exit_usage;
    } catch (const keyops::exception& e) {
        std::cerr << "keyops: " << e.what() << '\n';
        return exit_code_for(e.code());
    } catch (const std::exception& e) {
        std::cerr << "keyops: " << e.what() << '\n';
        return exit_network;
    }
}
