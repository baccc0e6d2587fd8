// keyops schedule list, get, create, update, delete, run-now, runs and wait: CipherTrust scheduler
// job configs (CCKM synchronization, CCKM key rotation, XKS credential rotation, database
// backup) and their runs.

#include "commands.hpp"
#include "raw_json.hpp"

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

// A value of a parsed body as compact JSON (a backup filter's resourceQuery).
std::string json_text(keyops::json_view v) {
    switch (v.kind()) {
    case keyops::json_kind::null:
        return "null";
    case keyops::json_kind::boolean:
        return v.as_bool() ? "true" : "false";
    case keyops::json_kind::int64:
    case keyops::json_kind::uint64:
    case keyops::json_kind::double_: {
        boost::json::value n;
        if (v.kind() == keyops::json_kind::double_)
            n = v.as_double();
        else if (v.kind() == keyops::json_kind::int64)
            n = v.as_int64();
        else
            n = static_cast<std::uint64_t>(v.as_int64()); // the bits, as read
        return boost::json::serialize(n);
    }
    case keyops::json_kind::string:
        return boost::json::serialize(boost::json::string_view(v.as_string()));
    case keyops::json_kind::array: {
        std::string out = "[";
        for (keyops::json_view e : v.as_array())
            out += (out.size() > 1 ? "," : "") + json_text(e);
        return out + "]";
    }
    case keyops::json_kind::object: {
        std::string out = "{";
        for (const keyops::json_member m : v.as_object())
            out += (out.size() > 1 ? "," : "") +
                   boost::json::serialize(boost::json::string_view(m.key)) + ":" +
                   json_text(m.value);
        return out + "}";
    }
    }
    return "null";
}

void line(const char* name, std::string_view value) {
    if (!value.empty())
        std::printf("%-20s%.*s\n", name, static_cast<int>(value.size()), value.data());
}

void flag_line(const char* name, const std::optional<bool>& v) {
    if (v)
        line(name, *v ? "true" : "false");
}

// A config's start or end date: Go's zero time is a date never set, and is not shown.
void date_line(const char* name, const keyops::timestamp& t) {
    if (t.has_value() && (t.is_set() || !t.value()))
        line(name, t.raw);
}

// Every parameter the config's operation has, whichever member the server sent them under.
void print_params(const scheduler::job_params& p) {
    line("cloud_name:", p.cloud_name);
    line("kms:", joined(p.kms));
    line("oci_vaults:", joined(p.oci_vaults));
    flag_line("synchronize_all:", p.synchronize_all);
    line("expiration:", p.expiration);
    line("expire_in:", p.expire_in);
    line("rotation_after:", p.rotation_after);
    flag_line("retain_alias:", p.aws_param.retain_alias);
    flag_line("rotate_material:", p.aws_param.rotate_material);
    line("backup_key:", p.backup_key);
    line("connection:", p.connection);
    line("backup_description:", p.description);
    flag_line("do_scp:", p.do_scp);
    flag_line("tied_to_hsm:", p.tied_to_hsm);
    if (p.retention_count)
        line("retention_count:", std::to_string(*p.retention_count));
    line("scope:", p.scope);
    for (const auto& f : p.filters) {
        std::string text(f.resource_type);
        if (f.resource_query.present() && !f.resource_query.is_null())
            text += " " + json_text(f.resource_query);
        line("filter:", text);
    }
}

void print_config_block(const scheduler::job_config& c) {
    line("id:", c.id);
    line("name:", c.name);
    line("description:", c.description);
    line("operation:", c.operation);
    line("run_on:", c.run_on);
    line("run_at:", c.run_at);
    flag_line("disabled:", c.disabled);
    date_line("start_date:", c.start_date);
    date_line("end_date:", c.end_date);
    print_params(c.params());
    line("account:", c.account);
    line("created_at:", c.created_at.raw);
    line("updated_at:", c.updated_at.raw);
}

// What a config acts on, in a few words: the resources of a synchronization, the periods of a
// key rotation, the scope of a backup.
std::string target_of(const scheduler::job_config& c) {
    const auto& p = c.params();
    if (c.operation == scheduler::cckm_key_rotation) {
        std::string out;
        for (auto [name, v] : {std::pair<const char*, std::string_view>{"expiration", p.expiration},
                               {"expire_in", p.expire_in},
                               {"rotation_after", p.rotation_after}})
            if (!v.empty())
                out += (out.empty() ? "" : ", ") + std::string(name) + " " + std::string(v);
        return out;
    }
    if (c.operation == scheduler::database_backup)
        return p.scope.empty() ? std::string("system") : std::string(p.scope);
    std::string res = joined(p.kms.empty() ? p.oci_vaults : p.kms);
    if (res.empty() && p.synchronize_all.value_or(false))
        res = "(all)";
    return res;
}

// The operation, shortened as the tool's --operation names it.
std::string_view short_operation(std::string_view op) {
    if (op == scheduler::cckm_synchronization)
        return "sync";
    if (op == scheduler::cckm_key_rotation)
        return "key-rotation";
    if (op == scheduler::cckm_xks_credential_rotation)
        return "xks-rotation";
    if (op == scheduler::database_backup)
        return "backup";
    return op;
}

void print_config_table(const std::vector<const scheduler::job_config*>& configs) {
    std::printf("%-36s  %-24s  %-12s  %-8s  %-15s  %s\n", "ID", "NAME", "OPERATION", "CLOUD",
                "RUN_AT", "TARGET");
    for (const auto* c : configs) {
        const auto& p = c->params();
        const std::string_view op = short_operation(c->operation);
        std::printf("%-36.*s  %-24.*s  %-12.*s  %-8.*s  %-15.*s  %s\n",
                    static_cast<int>(c->id.size()), c->id.data(), static_cast<int>(c->name.size()),
                    c->name.data(), static_cast<int>(op.size()), op.data(),
                    static_cast<int>(p.cloud_name.size()), p.cloud_name.data(),
                    static_cast<int>(c->run_at.size()), c->run_at.data(), target_of(*c).c_str());
    }
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
                 scheduler::next_page_skip(*page, skip) ? "; more with --skip or --all" : "");
    return exit_ok;
}

void print_config_page(const std::vector<scheduler::job_config>& configs) {
    std::vector<const scheduler::job_config*> all;
    for (const auto& c : configs)
        all.push_back(&c);
    print_config_table(all);
}

// Every job config, page after page (100 a page) from `q.skip` on; --json prints one object
// `{"total":N,"resources":[...]}` holding each config as the server wrote it.
int list_all_configs(cm_client& c, const global_options& g, scheduler::config_list_query q) {
    std::vector<keyops::parsed<scheduler::job_config_list>> pages;
    std::uint64_t skip = q.skip.value_or(0);
    if (!q.limit)
        q.limit = 100;
    for (;;) {
        q.skip = skip;
        keyops::error_code ec;
        keyops::diagnostics diag;
        auto page = c.call<scheduler::list_configs>(q, ec, diag);
        verbose_note(g, "GET job configs, skip " + std::to_string(skip), diag);
        if (ec) {
            report_error("listing job configs", ec, diag);
            return exit_code_for(ec);
        }
        warn_problems(page.problems());
        const auto next = scheduler::next_page_skip(*page, skip);
        pages.push_back(std::move(page));
        if (!next || *next <= skip)
            break;
        skip = *next;
    }
    std::vector<const scheduler::job_config*> all;
    std::vector<std::string_view> texts;
    for (const auto& page : pages) {
        for (const auto& cfg : page->resources)
            all.push_back(&cfg);
        for (auto t : member_array_elements(page.body(), "resources"))
            texts.push_back(t);
    }
    if (g.json) {
        std::cout << "{\"total\":" << all.size() << ",\"resources\":" << json_array_of(texts)
                  << "}\n";
        return exit_ok;
    }
    print_config_table(all);
    std::fprintf(stderr, "%zu job configs in %zu %s\n", all.size(), pages.size(),
                 pages.size() == 1 ? "page" : "pages");
    return exit_ok;
}

template <class Query>
void paging_flags(const command_args& a, Query& q) {
    if (auto l = a.value("--limit"))
        q.limit = parse_count("--limit", *l, false);
    if (auto s = a.value("--skip"))
        q.skip = parse_count("--skip", *s, true);
}

// --operation's words, and the scheduler's.
std::string operation_from_flag(const std::string& v) {
    if (v == "sync" || v == scheduler::cckm_synchronization)
        return std::string(scheduler::cckm_synchronization);
    if (v == "key-rotation" || v == scheduler::cckm_key_rotation)
        return std::string(scheduler::cckm_key_rotation);
    if (v == "xks-credential-rotation" || v == scheduler::cckm_xks_credential_rotation)
        return std::string(scheduler::cckm_xks_credential_rotation);
    throw usage_error("--operation must be sync, key-rotation or xks-credential-rotation, not '" +
                      v + "' (other operations: --body)");
}

bool parse_bool_flag(const std::string& flag, const std::string& v) {
    if (v == "true" || v == "yes" || v == "1")
        return true;
    if (v == "false" || v == "no" || v == "0")
        return false;
    throw usage_error(flag + " must be true or false, not '" + v + "'");
}

std::optional<bool> bool_flag(const command_args& a, const char* flag) {
    if (auto v = a.value(flag))
        return parse_bool_flag(flag, *v);
    return std::nullopt;
}

// A key rotation period: digits and d (days) or, where `hours` allows, h.
std::string period_flag(const command_args& a, const char* flag, bool hours) {
    auto v = a.value(flag);
    if (!v)
        return {};
    bool ok = v->size() >= 2 && (v->back() == 'd' || (hours && v->back() == 'h'));
    for (std::size_t i = 0; ok && i + 1 < v->size(); ++i)
        ok = (*v)[i] >= '0' && (*v)[i] <= '9';
    if (!ok)
        throw usage_error(std::string(flag) + " must be a number of days" +
                          (hours ? " or hours (30d, 12h)" : " (90d)") + ", not '" + *v + "'");
    return *v;
}

// An RFC 3339 date flag (--start-date, --end-date).
std::string date_flag(const command_args& a, const char* flag) {
    auto v = a.value(flag);
    if (!v)
        return {};
    if (!keyops::parse_instant(*v))
        throw usage_error(std::string(flag) + " must be an RFC 3339 time, e.g. " +
                          "2027-01-01T00:00:00Z, not '" + *v + "'");
    return *v;
}

// The flags each operation takes, besides the common ones.
const std::vector<std::string> sync_flags = {"--kms", "--oci-vault", "--all"};
const std::vector<std::string> rotation_flags = {"--expiration", "--expire-in", "--rotation-after",
                                                 "--retain-alias", "--rotate-material"};

void refuse_flags(const command_args& a, const std::vector<std::string>& flags,
                  const std::string& operation) {
    for (const auto& f : flags)
        if (a.has(f))
            throw usage_error(f + " is not a parameter of " + operation);
}

// The JSON object of --body or --body-file (empty when neither is given), checked before any
// connection is made.
std::string body_text(const command_args& a, const char* command) {
    const auto body = a.value("--body");
    const auto file = a.value("--body-file");
    if (body && file)
        throw usage_error(std::string("schedule ") + command +
                          " takes --body or --body-file, not both");
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
    return text;
}

// The create body: the typed flags of --operation (sync when not given), with --body merged over
// them, or --body alone as given. Checked before any connection is made.
struct create_request {
    bool typed = false;
    std::string operation;
    scheduler::cckm_sync_schedule sync;
    scheduler::cckm_key_rotation_schedule rotation;
    scheduler::xks_credential_rotation_schedule xks;
    std::string raw;
};

create_request parse_create(const command_args& a) {
    create_request r;
    const auto body = a.value("--body");
    const auto file = a.value("--body-file");
    std::string text = body_text(a, "create");
    for (const char* flag :
         {"--name", "--cloud", "--run-at", "--run-on", "--kms", "--oci-vault", "--operation",
          "--description", "--disabled", "--start-date", "--end-date", "--all"})
        if (a.has(flag))
            r.typed = true;
    for (const auto& f : rotation_flags)
        r.typed = r.typed || a.has(f);
    if (!r.typed) {
        if (!body && !file)
            throw usage_error("schedule create needs --name N --run-at CRON and the operation's "
                              "flags (sync: --cloud CLOUD and --kms, --oci-vault or --all), or "
                              "--body JSON");
        r.raw = std::move(text);
        return r;
    }
    r.operation = operation_from_flag(a.value("--operation").value_or("sync"));
    const auto need = [&](const char* flag) {
        auto v = a.value(flag);
        if (!v || v->empty())
            throw usage_error("schedule create needs " + std::string(flag));
        return *v;
    };
    scheduler::schedule_common common;
    common.name = need("--name");
    common.run_at = need("--run-at");
    if (auto on = a.value("--run-on")) {
        if (on->empty())
            throw usage_error("--run-on needs a value, e.g. any");
        common.run_on = *on;
    }
    common.description = a.value("--description").value_or("");
    common.disabled = bool_flag(a, "--disabled");
    common.start_date = date_flag(a, "--start-date");
    common.end_date = date_flag(a, "--end-date");
    common.extra = std::move(text);
    if (r.operation == scheduler::cckm_synchronization) {
        refuse_flags(a, rotation_flags, r.operation);
        auto& s = r.sync;
        static_cast<scheduler::schedule_common&>(s) = common;
        s.cloud_name = need("--cloud");
        s.kms = a.values("--kms");
        s.oci_vaults = a.values("--oci-vault");
        s.synchronize_all = a.has("--all");
        for (const auto* list : {&s.kms, &s.oci_vaults})
            for (const auto& v : *list)
                if (v.empty())
                    throw usage_error("--kms and --oci-vault take a non-empty name or id");
    } else if (r.operation == scheduler::cckm_key_rotation) {
        refuse_flags(a, sync_flags, r.operation);
        auto& s = r.rotation;
        static_cast<scheduler::schedule_common&>(s) = common;
        s.cloud_name = need("--cloud");
        s.expiration = period_flag(a, "--expiration", true);
        s.expire_in = period_flag(a, "--expire-in", true);
        s.rotation_after = period_flag(a, "--rotation-after", false);
        s.retain_alias = bool_flag(a, "--retain-alias");
        s.rotate_material = bool_flag(a, "--rotate-material");
    } else {
        refuse_flags(a, sync_flags, r.operation);
        refuse_flags(a, rotation_flags, r.operation);
        auto& s = r.xks;
        static_cast<scheduler::schedule_common&>(s) = common;
        if (auto cloud = a.value("--cloud"))
            s.cloud_name = *cloud;
        if (s.cloud_name.empty())
            throw usage_error("--cloud needs a value, e.g. aws");
    }
    return r;
}

int schedule_create(cm_client& c, const global_options& g, const create_request& r) {
    const std::string what = "POST a new job config";
    if (!r.typed)
        return call_and_show<scheduler::create_config>(c, g, what, print_config_block,
                                                       scheduler::raw_json_body{r.raw});
    if (r.operation == scheduler::cckm_key_rotation)
        return call_and_show<scheduler::create_config>(c, g, what, print_config_block, r.rotation);
    if (r.operation == scheduler::cckm_xks_credential_rotation)
        return call_and_show<scheduler::create_config>(c, g, what, print_config_block, r.xks);
    return call_and_show<scheduler::create_config>(c, g, what, print_config_block, r.sync);
}

// The PATCH body: only what the flags set; --clear NAME sends NAME as null (the server clears
// it); --body merged over the flags', or alone as given.
struct update_request {
    scheduler::config_update update;
    bool typed = false;
    std::string raw;
};

update_request parse_update(const command_args& a) {
    update_request r;
    auto& u = r.update;
    const auto body = a.value("--body");
    const auto file = a.value("--body-file");
    std::string text = body_text(a, "update");
    const auto text_flag = [&](const char* flag, scheduler::member_update<std::string>& m) {
        if (auto v = a.value(flag)) {
            if (v->empty())
                throw usage_error(std::string(flag) +
                                  " needs a value (an empty one changes nothing; --clear "
                                  "removes a setting)");
            m = *v;
            r.typed = true;
        }
    };
    text_flag("--name", u.name);
    text_flag("--description", u.description);
    text_flag("--run-at", u.run_at);
    text_flag("--run-on", u.run_on);
    text_flag("--cloud", u.cloud_name);
    if (auto d = date_flag(a, "--start-date"); !d.empty())
        u.start_date = d;
    if (auto d = date_flag(a, "--end-date"); !d.empty())
        u.end_date = d;
    if (auto d = bool_flag(a, "--disabled"))
        u.disabled = d;
    for (const auto& [flag, m] :
         {std::pair<const char*, scheduler::member_update<std::vector<std::string>>*>{"--kms",
                                                                                      &u.kms},
          {"--oci-vault", &u.oci_vaults}}) {
        auto v = a.values(flag);
        for (const auto& one : v)
            if (one.empty())
                throw usage_error(std::string(flag) + " takes a non-empty name or id");
        if (!v.empty())
            *m = std::move(v);
    }
    if (auto all = a.value("--sync-all"))
        u.synchronize_all = parse_bool_flag("--sync-all", *all);
    if (auto p = period_flag(a, "--expiration", true); !p.empty())
        u.expiration = p;
    if (auto p = period_flag(a, "--expire-in", true); !p.empty())
        u.expire_in = p;
    if (auto p = period_flag(a, "--rotation-after", false); !p.empty())
        u.rotation_after = p;
    u.retain_alias = bool_flag(a, "--retain-alias");
    u.rotate_material = bool_flag(a, "--rotate-material");
    for (const auto& name : a.values("--clear")) {
        if (name == "description")
            u.description = scheduler::cleared;
        else if (name == "start_date" || name == "start-date")
            u.start_date = scheduler::cleared;
        else if (name == "end_date" || name == "end-date")
            u.end_date = scheduler::cleared;
        else if (name == "kms")
            u.kms = scheduler::cleared;
        else if (name == "oci_vaults" || name == "oci-vaults")
            u.oci_vaults = scheduler::cleared;
        else if (name == "expiration")
            u.expiration = scheduler::cleared;
        else if (name == "expire_in" || name == "expire-in")
            u.expire_in = scheduler::cleared;
        else if (name == "rotation_after" || name == "rotation-after")
            u.rotation_after = scheduler::cleared;
        else
            throw usage_error("--clear takes description, start_date, end_date, kms, oci_vaults, "
                              "expiration, expire_in or rotation_after, not '" +
                              name + "'");
    }
    if (auto op = a.value("--operation"))
        u.operation = operation_from_flag(*op);
    r.typed = r.typed || u.sent_anything();
    if (!r.typed && !body && !file)
        throw usage_error("schedule update ID needs a change: --name, --run-at, --cloud, --kms, "
                          "--clear NAME, ... or --body JSON");
    if (r.typed)
        u.extra = std::move(text);
    else
        r.raw = std::move(text);
    // Parameters that tell no operation are fine when they are --cloud alone (the config's
    // operation is read before sending); members of two operations are not.
    auto without_cloud = u;
    without_cloud.cloud_name = {};
    const bool cloud_alone =
        u.params_sent() && u.params_operation().empty() && !without_cloud.params_sent();
    std::string ignored;
    if (r.typed && !cloud_alone && u.write_json(ignored))
        throw usage_error("schedule update: these flags are not parameters of one operation "
                          "(sync: --kms, --oci-vault, --sync-all; key-rotation: --expiration, "
                          "--expire-in, --rotation-after, --retain-alias, --rotate-material)");
    return r;
}

int schedule_update(cm_client& c, const global_options& g, const std::string& id,
                    update_request& r) {
    const std::string what = "PATCH job config " + id;
    if (!r.typed)
        return call_and_show<scheduler::update_config>(c, g, what, print_config_block,
                                                       scheduler::config_id(id),
                                                       scheduler::raw_json_body{r.raw});
    auto& u = r.update;
    if (u.params_sent() && u.params_operation().empty()) {
        // Parameters that do not tell their operation (--cloud alone): the config's own.
        keyops::error_code ec;
        keyops::diagnostics diag;
        auto cfg = c.call<scheduler::get_config>(scheduler::config_id(id), ec, diag);
        verbose_note(g, "GET job config " + id + " (its operation)", diag);
        if (ec) {
            report_error("reading job config " + id, ec, diag);
            return exit_code_for(ec);
        }
        u.operation = std::string(cfg->operation);
    }
    std::string ignored;
    if (u.write_json(ignored))
        throw usage_error("schedule update: these flags are not parameters of one operation "
                          "(sync: --kms, --oci-vault, --sync-all; key-rotation: --expiration, "
                          "--expire-in, --rotation-after, --retain-alias, --rotate-material)");
    return call_and_show<scheduler::update_config>(c, g, what, print_config_block,
                                                   scheduler::config_id(id), u);
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
        throw usage_error("schedule needs a subcommand: list, get, create, update, delete, "
                          "run-now, runs or wait");
    const std::string& sub = rest[1];
    std::vector<std::string> valued, switches;
    std::size_t positionals = 1;
    const char* what = "ID";
    const std::vector<std::string> common = {"--name",         "--run-at",
                                             "--run-on",       "--cloud",
                                             "--description",  "--disabled",
                                             "--start-date",   "--end-date",
                                             "--operation",    "--kms",
                                             "--oci-vault",    "--expiration",
                                             "--expire-in",    "--rotation-after",
                                             "--retain-alias", "--rotate-material",
                                             "--body",         "--body-file"};
    if (sub == "list") {
        valued = {"--name", "--limit", "--skip"};
        switches = {"--all"};
        positionals = 0;
    } else if (sub == "runs") {
        valued = {"--config", "--status", "--limit", "--skip"};
        positionals = 0;
    } else if (sub == "create") {
        valued = common;
        switches = {"--all"};
        positionals = 0;
    } else if (sub == "update") {
        valued = common;
        valued.insert(valued.end(), {"--sync-all", "--clear"});
    } else if (sub == "wait") {
        valued = {"--interval", "--deadline"};
        what = "RUN_ID";
    } else if (sub != "get" && sub != "delete" && sub != "run-now") {
        throw usage_error("unknown schedule subcommand '" + sub +
                          "'; one of list, get, create, update, delete, run-now, runs, wait");
    }
    command_args a(tail(rest, 2), valued, switches);
    expect_positionals(a, positionals, what);
    const std::string id = positionals ? a.positionals()[0] : std::string();
    create_request create;
    if (sub == "create")
        create = parse_create(a);
    update_request update;
    if (sub == "update")
        update = parse_update(a);
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
        return a.has("--all") ? list_all_configs(c, g, configs)
                              : list_page<scheduler::list_configs>(c, g, "job configs", configs,
                                                                   print_config_page);
    if (sub == "runs")
        return list_page<scheduler::list_runs>(c, g, "scheduler runs", runs, print_run_table);
    if (sub == "get")
        return call_and_show<scheduler::get_config>(c, g, "GET job config " + id,
                                                    print_config_block, scheduler::config_id(id));
    if (sub == "create")
        return schedule_create(c, g, create);
    if (sub == "update")
        return schedule_update(c, g, id, update);
    if (sub == "delete")
        return schedule_delete(c, g, id);
    if (sub == "run-now")
        return schedule_run_now(c, g, id);
    return schedule_wait(c, g, id, a);
}

} // namespace keyops_cli
