// keyops jobs list, get, start, cancel and wait: CipherTrust Manager CCKM jobs of every kind,
// compiled once for all kinds (the kind is a row of kinds.hpp).

#include "commands.hpp"
#include "kinds.hpp"
#include "raw_json.hpp"
#include "start_bodies.hpp"
#include "watch.hpp"

#include <keyops/auth/either_auth.hpp>
#include <keyops/auth/policies.hpp>
#include <keyops/client/client.hpp>
#include <keyops/endpoint/cckm.hpp>
#include <keyops/transport/beast_transport.hpp>
#include <keyops/wait/wait.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace keyops_cli {

namespace cckm = keyops::cckm;

namespace {

int jobs_list(cm_client& c, const global_options& g, const kind_info& k, const command_args& a) {
    const std::string name(k.name);
    if (!k.has_list)
        throw usage_error(name + " jobs have no list endpoint on the server; use jobs get KIND ID");
    any_list_query q;
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
        // The kind's own resource filter only: others are flags (--status, --id, ...).
        const std::string_view filter = k.filter_name;
        if (f.compare(0, eq, filter.data(), filter.size()) != 0 || filter.empty())
            throw usage_error(
                "--filter: " + name + " jobs have no filter '" + f.substr(0, eq) + "'" +
                (filter.empty() ? std::string("; this kind has no resource filter")
                                : "; their filter is " + std::string(filter) + "=VALUE"));
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
        auto page = c.call<any_list_jobs>(kind_path(k), q, ec, diag);
        verbose_note(g, "GET " + name + " jobs", diag);
        if (ec) {
            report_error("listing " + name + " jobs", ec, diag);
            return exit_code_for(ec);
        }
        if (g.json) {
            print_json_body(page.body());
            return exit_ok;
        }
        warn_problems(page.problems());
        std::vector<const cckm::job*> jobs;
        for (const auto& j : page->resources)
            jobs.push_back(&j);
        print_job_table(jobs);
        const std::uint64_t skip = page->skip.value_or(0);
        std::fprintf(stderr, "%zu of %llu %s jobs (skip %llu)%s\n", jobs.size(),
                     static_cast<unsigned long long>(page->total.value_or(0)), name.c_str(),
                     static_cast<unsigned long long>(skip),
                     keyops::cckm::next_page_skip(*page, skip) ? "; more with --skip or --all"
                                                               : "");
        return exit_ok;
    }
    // Every page: from --skip on, --limit per request (default 100), as keyops::for_each_job_page
    // reads them.
    std::vector<keyops::call_result<any_list_jobs>> pages;
    std::vector<std::string_view> all; // --json: the jobs as the server wrote them
    std::vector<const cckm::job*> jobs;
    std::uint64_t at = q.skip.value_or(0); // the page being read
    if (!q.limit)
        q.limit = 100;
    for (std::uint64_t skip = at;;) {
        q.skip = skip;
        auto page = c.call<any_list_jobs>(kind_path(k), q, ec, diag);
        if (ec)
            break;
        const auto next = cckm::next_page_skip(page.value(), skip);
        verbose_note(g, "GET " + name + " jobs, skip " + std::to_string(skip), diag);
        if (g.json) {
            for (std::string_view e : member_array_elements(page.body(), "resources"))
                all.push_back(e);
        } else {
            warn_problems(page.problems());
            for (const auto& j : page->resources)
                jobs.push_back(&j);
        }
        at = skip + page->resources.size();
        pages.push_back(std::move(page));
        if (!next)
            break;
        skip = *next;
    }
    if (ec) {
        verbose_note(g, "GET " + name + " jobs, skip " + std::to_string(at), diag);
        report_error("listing " + name + " jobs (skip " + std::to_string(at) + ")", ec, diag);
        return exit_code_for(ec);
    }
    if (g.json)
        std::cout << json_array_of(all) << '\n';
    else {
        print_job_table(jobs);
        std::fprintf(stderr, "%zu %s jobs in %zu pages\n", jobs.size(), name.c_str(), pages.size());
    }
    return exit_ok;
}

int jobs_get(cm_client& c, const global_options& g, const kind_info& k, const std::string& id) {
    return call_and_show<any_get_job>(c, g, "GET " + std::string(k.name) + " job " + id,
                                      print_job_block, kind_path(k), keyops::job_id(id));
}

int jobs_start(cm_client& c, const global_options& g, const kind_info& k, const command_args& a,
               const std::string& body) {
    const std::string what = "POST a new " + std::string(k.name) + " job";
    if (!has_typed_start_flags(a))
        return call_and_show<any_start_job>(c, g, what, print_job_block, kind_path(k),
                                            cckm::raw_json_body{body});
    if (!k.typed_start_body)
        throw usage_error("jobs start " + std::string(k.name) +
                          ": no start body is documented for this kind; give --body or "
                          "--body-file");
    // The modelled body, as the JSON it writes.
    return call_and_show<any_start_job>(c, g, what, print_job_block, kind_path(k),
                                        cckm::raw_json_body{k.typed_start_body(a, k.name)});
}

int jobs_cancel(cm_client& c, const global_options& g, const kind_info& k, const std::string& id) {
    if (!k.has_cancel)
        throw usage_error(std::string(k.name) + " jobs cannot be cancelled");
    return call_and_show<any_cancel_job>(c, g,
                                         "POST cancel of " + std::string(k.name) + " job " + id,
                                         print_job_block, kind_path(k), keyops::job_id(id));
}

int jobs_wait(cm_client& c, const global_options& g, const kind_info& k,
              const std::vector<std::string>& ids, const command_args& a) {
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
    if (!k.has_cancel && w.cancel_on_deadline)
        throw usage_error("--cancel-on-deadline: " + std::string(k.name) +
                          " jobs cannot be cancelled");
    w.stop = &g_stop;
    install_stop_handlers();

    progress_view view = progress_view::for_options(g, ids.size());
    w.on_job_progress = [&](const cckm::job& j, auto elapsed) {
        view.job(j, elapsed);
    };
    w.on_poll_failure = [&](const keyops::error_code& ec, const keyops::diagnostics& d,
                            auto elapsed) {
        view.outage(ec, d, elapsed);
    };

    auto results = keyops::wait_for_jobs(c, k.kind, ids, w);
    view.end();

    int code = exit_ok;
    std::vector<std::string> out_json; // one object per job; the job as the server wrote it
    for (const auto& r : results) {
        code = worse(code, exit_code_for(r.outcome, r.ec));
        if (g.verbose)
            std::cerr << "keyops: waited for " << r.id << ": "
                      << count_text(r.polls, "poll", "polls") << ", "
                      << count_text(r.attempts, "HTTP attempt", "HTTP attempts") << '\n';
        if (g.json) {
            std::string o = "{\"id\":" + boost::json::serialize(boost::json::string_view(r.id)) +
                            ",\"outcome\":\"" + std::string(outcome_name(r.outcome)) +
                            "\",\"job\":";
            const std::string_view job_text = r.job ? raw_job_text(r.job.body(), *r.job) : "";
            o += job_text.empty() ? std::string_view("null") : job_text;
            if (r.ec)
                o += ",\"error\":" +
                     boost::json::serialize(boost::json::string_view(r.diag.describe(r.ec)));
            o += '}';
            out_json.push_back(std::move(o));
        } else {
            std::printf("%s: %s", r.id.c_str(), std::string(keyops::to_string(r.outcome)).c_str());
            if (r.job && is_terminal(r.outcome)) {
                const auto [done, total] = resource_progress(*r.job);
                std::printf(", %s resources", progress_text(done, total).c_str());
            }
            if (r.cancel_sent)
                std::printf(", cancel sent");
            std::printf(" after %s, %s\n", seconds_text(r.elapsed).c_str(),
                        count_text(r.polls, "poll", "polls").c_str());
        }
        if (r.outcome == keyops::wait_outcome::error)
            report_error("waiting for " + std::string(k.name) + " job " + r.id, r.ec, r.diag);
        else if (r.outcome == keyops::wait_outcome::deadline && !r.diag.detail.empty())
            std::cerr << "keyops: " << r.id << ": " << r.diag.detail << '\n';
    }
    if (g.json)
        std::cout << json_array_of({out_json.begin(), out_json.end()}) << '\n';
    return code;
}

} // namespace

int run_jobs(const global_options& g, const std::vector<std::string>& rest) {
    if (rest.size() < 2)
        throw usage_error("jobs needs a subcommand: list, get, start, cancel, wait or watch");
    const std::string& sub = rest[1];
    if (sub == "watch")
        return run_jobs_watch(g, tail(rest, 2));
    std::vector<std::string> valued, switches;
    if (sub == "list") {
        valued = {"--status", "--id", "--filter", "--sort", "--limit", "--skip"};
        switches = {"--all"};
    } else if (sub == "start") {
        valued = {"--body", "--body-file"};
        valued.insert(valued.end(), start_valued_flags.begin(), start_valued_flags.end());
        switches = start_switch_flags;
    } else if (sub == "wait") {
        valued = {"--interval", "--deadline"};
        switches = {"--cancel-on-deadline"};
    } else if (sub != "get" && sub != "cancel") {
        throw usage_error("unknown jobs subcommand '" + sub +
                          "'; one of list, get, start, cancel, wait, watch");
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
        const bool typed = has_typed_start_flags(a);
        if (typed && (inline_body || file))
            throw usage_error("jobs start takes either --body/--body-file or the kind's flags "
                              "(--kms, --key-vault, --key-ring, --vault, --group, --domain, ...), "
                              "not both");
        if (!typed && inline_body.has_value() == file.has_value())
            throw usage_error("jobs start needs the kind's flags (e.g. --key-ring R, --vault V, "
                              "--all) or exactly one of --body JSON or --body-file FILE");
        if (!typed)
            body = inline_body ? *inline_body : read_text_file("--body-file", *file);
        if (!typed) {
            boost::system::error_code jec;
            auto v = boost::json::parse(body, jec);
            const char* flag = inline_body ? "--body" : "--body-file";
            if (jec)
                throw usage_error(std::string(flag) + " is not valid JSON: " + jec.message());
            if (!v.is_object())
                throw usage_error(std::string(flag) + " must be a JSON object");
        }
    }

    boost::asio::io_context io;
    auto c = make_cm(io, g, "jobs");
    const cm_session_end end(c, g);
    const kind_info& k = kind_info_of(kind);
    if (sub == "list")
        return jobs_list(c, g, k, a);
    if (sub == "get")
        return jobs_get(c, g, k, a.positionals()[1]);
    if (sub == "start")
        return jobs_start(c, g, k, a, body);
    if (sub == "cancel")
        return jobs_cancel(c, g, k, a.positionals()[1]);
    return jobs_wait(c, g, k, tail(a.positionals(), 1), a);
}

} // namespace keyops_cli
