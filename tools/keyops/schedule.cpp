// keyops schedule list, get, create, delete, run-now, runs and wait: CipherTrust scheduler job
// configs of CCKM synchronization, and their runs.

#include "commands.hpp"

#include <keyops/client/client.hpp>
#include <keyops/endpoint/scheduler.hpp>
#include <keyops/wait/run_wait.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>
#include <iostream>

namespace keyops_cli {

namespace scheduler = keyops::scheduler;

namespace {

std::string joined(const keyops::string_list& l) {
    std::string out;
    for (auto s : l)
        out += (out.empty() ? "" : ", ") + std::string(s);
    return out;
}

void line(const char* name, std::string_view value) {
    if (!value.empty())
        std::printf("%-16s%.*s\n", name, static_cast<int>(value.size()), value.data());
}

void print_config_block(const scheduler::job_config& c) {
    line("id:", c.id);
    line("name:", c.name);
    line("description:", c.description);
    line("operation:", c.operation);
    line("run_on:", c.run_on);
    line("run_at:", c.run_at);
    if (c.disabled)
        line("disabled:", *c.disabled ? "true" : "false");
    const auto& p = c.cckm_synchronization_params;
    line("cloud_name:", p.cloud_name);
    line("kms:", joined(p.kms));
    line("oci_vaults:", joined(p.oci_vaults));
    if (!p.cloud_name.empty())
        line("synchronize_all:", p.synchronize_all ? "true" : "false");
    line("created_at:", c.created_at.raw);
    line("updated_at:", c.updated_at.raw);
}

void print_run_block(const scheduler::run& r) {
    line("id:", r.id);
    line("job_config_id:", r.config());
    line("operation:", r.operation);
    line("status:", r.status.raw);
    line("created_at:", r.created_at.raw);
    line("updated_at:", r.updated_at.raw);
    line("detail:", r.detail);
    line("error:", r.error);
}

void print_config_table(const std::vector<scheduler::job_config>& configs) {
    std::printf("%-36s  %-24s  %-8s  %-15s  %s\n", "ID", "NAME", "CLOUD", "RUN_AT", "RESOURCES");
    for (const auto& c : configs) {
        const auto& p = c.cckm_synchronization_params;
        std::string res = joined(p.kms.empty() ? p.oci_vaults : p.kms);
        if (res.empty() && p.synchronize_all)
            res = "(all)";
        std::printf("%-36.*s  %-24.*s  %-8.*s  %-15.*s  %s\n", static_cast<int>(c.id.size()),
                    c.id.data(), static_cast<int>(c.name.size()), c.name.data(),
                    static_cast<int>(p.cloud_name.size()), p.cloud_name.data(),
                    static_cast<int>(c.run_at.size()), c.run_at.data(), res.c_str());
    }
}

void print_run_table(const std::vector<scheduler::run>& runs) {
    std::printf("%-36s  %-11s  %-27s  %-36s  %s\n", "ID", "STATUS", "CREATED", "JOB_CONFIG",
                "DETAIL");
    for (const auto& r : runs) {
        const std::string_view cfg = r.config();
        const std::string_view detail = r.error.empty() ? r.detail : r.error;
        std::printf("%-36.*s  %-11.*s  %-27.*s  %-36.*s  %.*s\n", static_cast<int>(r.id.size()),
                    r.id.data(), static_cast<int>(r.status.raw.size()), r.status.raw.data(),
                    static_cast<int>(r.created_at.raw.size()), r.created_at.raw.data(),
                    static_cast<int>(cfg.size()), cfg.data(), static_cast<int>(detail.size()),
                    detail.data());
    }
}

// One list page: the server's text (--json) or a table, and a count on stderr.
template <class E, class Query, class Table>
int list_page(cm_client& c, const global_options& g, const char* what, const Query& q,
              Table table) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto page = c.call<E>(q, ec, diag);
    verbose_note(g, std::string("GET ") + what, diag);
    if (ec) {
        report_error(std::string("listing ") + what, ec, diag);
        return exit_code_for(ec);
    }
    if (g.json) {
        print_json_body(page.body());
        return exit_ok;
    }
    warn_problems(page.problems());
    table(page->resources);
    const std::uint64_t skip = page->skip.value_or(0);
    std::fprintf(stderr, "%zu of %llu %s (skip %llu)%s\n", page->resources.size(),
                 static_cast<unsigned long long>(page->total.value_or(0)), what,
                 static_cast<unsigned long long>(skip),
                 scheduler::next_page_skip(*page, skip) ? "; more with --skip" : "");
    return exit_ok;
}

template <class Query>
void paging_flags(const command_args& a, Query& q) {
    if (auto l = a.value("--limit"))
        q.limit = parse_count("--limit", *l, false);
    if (auto s = a.value("--skip"))
        q.skip = parse_count("--skip", *s, true);
}

// The create body: the typed flags, with --body merged over them, or --body alone as given.
// Checked before any connection is made.
struct create_request {
    bool typed = false;
    scheduler::cckm_sync_schedule schedule;
    std::string raw;
};

create_request parse_create(const command_args& a) {
    create_request r;
    const auto body = a.value("--body");
    const auto file = a.value("--body-file");
    if (body && file)
        throw usage_error("schedule create takes --body or --body-file, not both");
    std::string text = body ? *body : file ? read_text_file("--body-file", *file) : "";
    if (body || file) {
        boost::system::error_code jec;
        auto v = boost::json::parse(text, jec);
        const char* flag = body ? "--body" : "--body-file";
        if (jec)
            throw usage_error(std::string(flag) + " is not valid JSON: " + jec.message());
        if (!v.is_object())
            throw usage_error(std::string(flag) + " must be a JSON object");
    }
    for (const char* flag : {"--name", "--cloud", "--run-at", "--run-on", "--kms", "--oci-vault"})
        if (a.has(flag))
            r.typed = true;
    r.typed = r.typed || a.has("--all");
    if (!r.typed) {
        if (!body && !file)
            throw usage_error("schedule create needs --name N --cloud CLOUD --run-at CRON (and "
                              "--kms, --oci-vault or --all), or --body JSON");
        r.raw = std::move(text);
        return r;
    }
    auto& s = r.schedule;
    const auto need = [&](const char* flag) {
        auto v = a.value(flag);
        if (!v || v->empty())
            throw usage_error(std::string("schedule create needs ") + flag);
        return *v;
    };
    s.name = need("--name");
    s.cloud_name = need("--cloud");
    s.run_at = need("--run-at");
    if (auto on = a.value("--run-on")) {
        if (on->empty())
            throw usage_error("--run-on needs a value, e.g. any");
        s.run_on = *on;
    }
    s.kms = a.values("--kms");
    s.oci_vaults = a.values("--oci-vault");
    s.synchronize_all = a.has("--all");
    for (const auto* list : {&s.kms, &s.oci_vaults})
        for (const auto& v : *list)
            if (v.empty())
                throw usage_error("--kms and --oci-vault take a non-empty name or id");
    s.extra = std::move(text);
    return r;
}

int schedule_create(cm_client& c, const global_options& g, const create_request& r) {
    const std::string what = "POST a new job config";
    if (r.typed)
        return call_and_show<scheduler::create_config>(c, g, what, print_config_block, r.schedule);
    return call_and_show<scheduler::create_config>(c, g, what, print_config_block,
                                                   scheduler::raw_json_body{r.raw});
}

int schedule_delete(cm_client& c, const global_options& g, const std::string& id) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    c.call<scheduler::delete_config>(scheduler::config_id(id), ec, diag);
    verbose_note(g, "DELETE job config " + id, diag);
    if (ec) {
        report_error("deleting job config " + id, ec, diag);
        return exit_code_for(ec);
    }
    if (!g.json)
        std::printf("deleted %s\n", id.c_str());
    return exit_ok;
}

int schedule_run_now(cm_client& c, const global_options& g, const std::string& id) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto r = c.call<scheduler::run_now>(scheduler::config_id(id), ec, diag);
    verbose_note(g, "POST run-now of job config " + id, diag);
    if (scheduler::started_without_run(ec, diag)) {
        // The other reading of the API: accepted, with no run in the answer.
        std::cerr << "keyops: the server started job config " << id << " (HTTP " << diag.http_status
                  << ") without saying which run; see keyops schedule runs "
                  << "--config " << id << '\n';
        return exit_ok;
    }
    if (ec) {
        report_error("running job config " + id, ec, diag);
        return exit_code_for(ec);
    }
    if (g.json) {
        print_json_body(r.body());
    } else {
        warn_problems(r.problems());
        print_run_block(*r);
    }
    return exit_ok;
}

int schedule_wait(cm_client& c, const global_options& g, const std::string& id,
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
    w.stop = &g_stop;
    install_stop_handlers();

    progress_view view = progress_view::for_options(g, 1);
    w.on_run_progress = [&](const scheduler::run& r, auto elapsed) {
        view.run(r, elapsed);
    };
    w.on_poll_failure = [&](const keyops::error_code& ec, const keyops::diagnostics& d,
                            auto elapsed) {
        view.outage(ec, d, elapsed);
    };
    auto r = keyops::wait_for_run(c, id, w);
    view.end();

    if (g.verbose)
        std::cerr << "keyops: waited for " << id << ": " << count_text(r.polls, "poll", "polls")
                  << ", " << count_text(r.attempts, "HTTP attempt", "HTTP attempts") << '\n';
    if (g.json) {
        std::string o = "{\"id\":" + boost::json::serialize(boost::json::string_view(r.id)) +
                        ",\"outcome\":\"" + std::string(outcome_name(r.outcome)) + "\",\"run\":";
        std::string_view text = r.run.body();
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
            text.remove_suffix(1);
        o += text.empty() ? std::string_view("null") : text;
        if (r.ec)
            o += ",\"error\":" +
                 boost::json::serialize(boost::json::string_view(r.diag.describe(r.ec)));
        std::cout << o << "}\n";
    } else {
        std::printf("%s: %s after %s, %s\n", r.id.c_str(),
                    std::string(keyops::to_string(r.outcome)).c_str(),
                    seconds_text(r.elapsed).c_str(), count_text(r.polls, "poll", "polls").c_str());
    }
    if (r.outcome == keyops::wait_outcome::error)
        report_error("waiting for scheduler run " + id, r.ec, r.diag);
    else if (r.outcome == keyops::wait_outcome::deadline && !r.diag.detail.empty())
        std::cerr << "keyops: " << id << ": " << r.diag.detail << '\n';
    else if (r.outcome == keyops::wait_outcome::failed && r.run.body().size() &&
             !r.run->error.empty())
        std::cerr << "keyops: " << id << ": " << r.run->error << '\n';
    return exit_code_for(r.outcome, r.ec);
}

} // namespace

int run_schedule(const global_options& g, const std::vector<std::string>& rest) {
    if (rest.size() < 2)
        throw usage_error(
            "schedule needs a subcommand: list, get, create, delete, run-now, runs or wait");
    const std::string& sub = rest[1];
    std::vector<std::string> valued, switches;
    std::size_t positionals = 1;
    const char* what = "ID";
    if (sub == "list") {
        valued = {"--name", "--limit", "--skip"};
        positionals = 0;
    } else if (sub == "runs") {
        valued = {"--config", "--status", "--limit", "--skip"};
        positionals = 0;
    } else if (sub == "create") {
        valued = {"--name", "--cloud",     "--run-at", "--run-on",
                  "--kms",  "--oci-vault", "--body",   "--body-file"};
        switches = {"--all"};
        positionals = 0;
    } else if (sub == "wait") {
        valued = {"--interval", "--deadline"};
        what = "RUN_ID";
    } else if (sub != "get" && sub != "delete" && sub != "run-now") {
        throw usage_error("unknown schedule subcommand '" + sub +
                          "'; one of list, get, create, delete, run-now, runs, wait");
    }
    command_args a(tail(rest, 2), valued, switches);
    expect_positionals(a, positionals, what);
    const std::string id = positionals ? a.positionals()[0] : std::string();
    create_request create;
    if (sub == "create")
        create = parse_create(a);
    scheduler::run_list_query runs;
    if (sub == "runs") {
        if (auto cfg = a.value("--config"))
            runs.job_config_id = *cfg;
        if (auto s = a.value("--status")) {
            runs.status = keyops::job_state_from_word(*s);
            if (runs.status == keyops::job_state::unknown)
                throw usage_error("--status must be in_progress, completed or failed, not '" + *s +
                                  "'");
        }
        paging_flags(a, runs);
    }
    scheduler::config_list_query configs;
    if (sub == "list") {
        if (auto n = a.value("--name"))
            configs.name = *n;
        paging_flags(a, configs);
    }

    boost::asio::io_context io;
    auto c = make_cm(io, g, "schedule");
    const cm_session_end end(c, g);
    if (sub == "list")
        return list_page<scheduler::list_configs>(c, g, "job configs", configs, print_config_table);
    if (sub == "runs")
        return list_page<scheduler::list_runs>(c, g, "scheduler runs", runs, print_run_table);
    if (sub == "get")
        return call_and_show<scheduler::get_config>(c, g, "GET job config " + id,
                                                    print_config_block, scheduler::config_id(id));
    if (sub == "create")
        return schedule_create(c, g, create);
    if (sub == "delete")
        return schedule_delete(c, g, id);
    if (sub == "run-now")
        return schedule_run_now(c, g, id);
    return schedule_wait(c, g, id, a);
}

} // namespace keyops_cli
