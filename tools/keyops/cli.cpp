// The keyops command line: option parsing, exit codes, output.

#include "cli.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

namespace keyops_cli {

namespace cckm = keyops::cckm;

int worse(int a, int b) {
    // Best to worst: ok, aborted, failed, deadline, not found, auth, network; an interruption
    // outranks them all.
    auto rank = [](int c) {
        switch (c) {
        case exit_ok:
            return 0;
        case exit_aborted:
            return 1;
        case exit_job_failed:
            return 2;
        case exit_deadline:
            return 3;
        case exit_not_found:
            return 4;
        case exit_auth:
            return 5;
        case exit_network:
            return 6;
        case exit_usage:
            return 7;
        default:
            return 8;
        }
    };
    return rank(b) > rank(a) ? b : a;
}

namespace {

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}

// Splits `--name=value`; true when `arg` is `--name` or `--name=...`.
bool flag_matches(const std::string& arg, const std::string& name,
                  std::optional<std::string>& inline_value) {
    if (arg == name) {
        inline_value.reset();
        return true;
    }
    if (arg.size() > name.size() && arg.compare(0, name.size(), name) == 0 &&
        arg[name.size()] == '=') {
        inline_value = arg.substr(name.size() + 1);
        return true;
    }
    return false;
}

} // namespace

global_options parse_global(int argc, char** argv, std::vector<std::string>& rest) {
    global_options g;
    std::string password_file, ni_password_file;
    const std::vector<std::string> valued = {"--url",
                                             "--cacert",
                                             "--timeout",
                                             "--user",
                                             "--password-file",
                                             "--domain",
                                             "--token",
                                             "--ni-user",
                                             "--ni-password-file",
                                             "--ni-domain-type",
                                             "--ni-domain",
                                             "--ni-token"};
    int i = 1;
    for (; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.empty() || arg[0] != '-')
            break;
        if (arg == "--insecure") {
            g.insecure = true;
            continue;
        }
        if (arg == "--json") {
            g.json = true;
            continue;
        }
        if (arg == "-v" || arg == "--verbose") {
            g.verbose = true;
            continue;
        }
        if (arg == "-h" || arg == "--help")
            throw usage_error("");
        bool known = false;
        for (const auto& name : valued) {
            std::optional<std::string> inl;
            if (!flag_matches(arg, name, inl))
                continue;
            known = true;
            std::string value;
            if (inl) {
                value = *inl;
            } else {
                if (i + 1 >= argc)
                    throw usage_error(name + " needs a value");
                value = argv[++i];
            }
            if (name == "--url")
                g.url = value;
            else if (name == "--cacert")
                g.cacert = value;
            else if (name == "--timeout")
                g.timeout = parse_duration(name, value);
            else if (name == "--user")
                g.user = value;
            else if (name == "--password-file")
                password_file = value;
            else if (name == "--domain")
                g.domain = value;
            else if (name == "--token")
                g.token = value;
            else if (name == "--ni-user")
                g.ni_user = value;
            else if (name == "--ni-password-file")
                ni_password_file = value;
            else if (name == "--ni-domain-type") {
                if (value != "LOCAL" && value != "LDAP")
                    throw usage_error("--ni-domain-type must be LOCAL or LDAP, not '" + value +
                                      "'");
                g.ni_domain_type = value;
            } else if (name == "--ni-domain")
                g.ni_domain = value;
            else if (name == "--ni-token")
                g.ni_token = value;
            break;
        }
        if (!known)
            throw usage_error("unknown option '" + arg + "'");
    }
    for (; i < argc; ++i)
        rest.emplace_back(argv[i]);

    if (g.url.empty())
        if (const char* u = env("KEYOPS_URL"))
            g.url = u;
    if (!password_file.empty())
        g.password = read_secret_file("--password-file", password_file);
    else if (const char* p = env("KEYOPS_PASSWORD"))
        g.password = p;
    if (g.token.empty())
        if (const char* t = env("KEYOPS_TOKEN"))
            g.token = t;
    if (!ni_password_file.empty())
        g.ni_password = read_secret_file("--ni-password-file", ni_password_file);
    else if (const char* p = env("KEYOPS_NI_PASSWORD"))
        g.ni_password = p;
    if (g.ni_token.empty())
        if (const char* t = env("KEYOPS_NI_TOKEN"))
            g.ni_token = t;
    return g;
}

command_args::command_args(std::vector<std::string> args, std::vector<std::string> valued,
                           std::vector<std::string> switches) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() < 2 || arg.compare(0, 2, "--") != 0) {
            if (arg.size() > 1 && arg[0] == '-')
                throw usage_error("unknown option '" + arg + "'");
            positionals_.push_back(arg);
            continue;
        }
        bool known = false;
        for (const auto& name : switches) {
            if (arg == name) {
                named_.emplace_back(name, "");
                known = true;
                break;
            }
        }
        for (const auto& name : valued) {
            std::optional<std::string> inl;
            if (known || !flag_matches(arg, name, inl))
                continue;
            known = true;
            if (inl) {
                named_.emplace_back(name, *inl);
            } else {
                if (i + 1 >= args.size())
                    throw usage_error(name + " needs a value");
                named_.emplace_back(name, args[++i]);
            }
        }
        if (!known)
            throw usage_error("unknown option '" + arg + "'");
    }
}

std::optional<std::string> command_args::value(const std::string& name) const {
    std::optional<std::string> out;
    for (const auto& [n, v] : named_)
        if (n == name)
            out = v;
    return out;
}

std::vector<std::string> command_args::values(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : named_)
        if (n == name)
            out.push_back(v);
    return out;
}

bool command_args::has(const std::string& name) const {
    for (const auto& nv : named_)
        if (nv.first == name)
            return true;
    return false;
}

double parse_seconds(const std::string& flag, const std::string& text) {
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(v) ||
        v <= 0 || v > 31536000)
        throw usage_error(flag + " takes a number of seconds greater than 0, not '" + text + "'");
    return v;
}

std::chrono::milliseconds parse_duration(const std::string& flag, const std::string& text) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(parse_seconds(flag, text) * 1000));
}

std::uint64_t parse_count(const std::string& flag, const std::string& text, bool allow_zero) {
    std::uint64_t v = 0;
    bool ok = !text.empty() && text.size() <= 12;
    for (char c : text) {
        if (c < '0' || c > '9') {
            ok = false;
            break;
        }
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (!ok || (!allow_zero && v == 0))
        throw usage_error(
            flag + " takes a whole number" +
            (allow_zero ? std::string(" (0 or more)") : std::string(" greater than 0")) +
            ", not '" + text + "'");
    return v;
}

cckm::job_kind parse_kind(const std::string& text) {
    if (auto k = cckm::kind_from_name(text))
        return *k;
    std::string names;
    for (const auto name : cckm::kind_names)
        names += (names.empty() ? "" : ", ") + std::string(name);
    throw usage_error("unknown job kind '" + text + "'; one of: " + names);
}

std::string read_text_file(const std::string& flag, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw usage_error(flag + ": cannot read '" + path + "'");
    std::ostringstream s;
    s << in.rdbuf();
    if (!in.good() && !in.eof())
        throw usage_error(flag + ": cannot read '" + path + "'");
    return s.str();
}

std::string read_secret_file(const std::string& flag, const std::string& path) {
    std::string s = read_text_file(flag, path);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
    if (s.empty())
        throw usage_error(flag + ": '" + path + "' is empty");
    return s;
}

int exit_code_for(const keyops::error_code& ec) {
    using keyops::error;
    if (ec == error::unauthorized || ec == error::forbidden || ec == error::token_limit_reached)
        return exit_auth;
    if (ec == error::not_found)
        return exit_not_found;
    if (ec == error::deadline_exceeded)
        return exit_deadline;
    if (ec == error::invalid_argument)
        return exit_usage;
    if (ec == boost::asio::error::operation_aborted)
        return exit_interrupted;
    return exit_network;
}

int exit_code_for(keyops::wait_outcome outcome, const keyops::error_code& ec) {
    switch (outcome) {
    case keyops::wait_outcome::completed:
    case keyops::wait_outcome::rotation_success:
        return exit_ok;
    case keyops::wait_outcome::completed_aborted:
        return exit_aborted;
    case keyops::wait_outcome::failed:
    case keyops::wait_outcome::rotation_failed:
        return exit_job_failed;
    case keyops::wait_outcome::deadline:
        return exit_deadline;
    case keyops::wait_outcome::cancelled:
        return exit_interrupted;
    case keyops::wait_outcome::error:
        break;
    }
    return exit_code_for(ec);
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

} // namespace

std::pair<std::size_t, std::size_t> resource_progress(const cckm::job& j) {
    if (j.version_count) {
        const auto done = j.detailed_status.find("completed").as_array().size();
        return {done, static_cast<std::size_t>(*j.version_count)};
    }
    std::size_t total = j.resources().size();
    std::size_t done = 0;
    for (auto m : j.detailed_status) {
        const auto text = m.value.as_string();
        const bool running = text.find("synchronizing") != std::string_view::npos ||
                             text.find("refreshing") != std::string_view::npos ||
                             text.find("in progress") != std::string_view::npos ||
                             text.find("in_progress") != std::string_view::npos;
        done += running ? 0 : 1;
    }
    if (total < j.detailed_status.size())
        total = j.detailed_status.size();
    if (j.done() && total == 0)
        total = done;
    return {done, total};
}

void print_job_block(const cckm::job& j) {
    line("id:", j.id);
    line("uri:", j.uri);
    line("cloud:", j.cloud);
    line("overall_status:", j.overall_status.raw);
    std::printf("%-16s%s\n", "abort:", j.abort ? "true" : "false");
    line("created_at:", j.created_at.raw);
    line("updated_at:", j.updated_at.raw);
    line("completed_at:", j.completed_at.raw);
    line("resources:", joined(j.resources()));
    line("regions:", joined(j.regions));
    line("sync_item:", j.sync_item);
    line("key_id:", j.key_id);
    line("operation:", j.operation);
    if (j.version_count)
        std::printf("%-16s%lld\n", "version_count:", static_cast<long long>(*j.version_count));
    const auto [done, total] = resource_progress(j);
    if (total)
        std::printf("%-16s%zu of %zu done\n", "progress:", done, total);
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
        if (res.size() > 60)
            res = res.substr(0, 57) + "...";
        std::printf("%-36.*s  %-11.*s  %-5s  %-27.*s  %zu/%zu %s\n", static_cast<int>(j->id.size()),
                    j->id.data(), static_cast<int>(j->overall_status.raw.size()),
                    j->overall_status.raw.data(), j->abort ? "yes" : "no",
                    static_cast<int>(j->created_at.raw.size()), j->created_at.raw.data(), done,
                    total, res.c_str());
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
        const std::time_t t = static_cast<std::time_t>(*d.last_updated_at / 1000);
        char buf[32];
        std::tm tm{};
        gmtime_r(&t, &tm);
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        std::printf("%-20s%s\n", "last_updated_at:", buf);
    }
    std::printf("%-20s%.*s\n", "last_updated_by:", static_cast<int>(d.last_updated_by.size()),
                d.last_updated_by.data());
}

boost::json::value job_object_from(std::string_view body, std::string_view id) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object())
        return nullptr;
    auto& o = v.as_object();
    if (auto* r = o.if_contains("resources"); r && r->is_array()) {
        for (auto& e : r->as_array())
            if (e.is_object())
                if (auto* i = e.as_object().if_contains("id");
                    i && i->is_string() && i->as_string() == id)
                    return e;
        return nullptr;
    }
    return v;
}

std::string seconds_text(std::chrono::steady_clock::duration d) {
    const auto tenths = std::chrono::duration_cast<std::chrono::milliseconds>(d).count() / 100;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "s";
}

} // namespace keyops_cli
