#ifndef KEYOPS_TESTS_FUZZ_TARGETS_HPP
#define KEYOPS_TESTS_FUZZ_TARGETS_HPP

// The fuzz targets: one function per target, fuzz_<name>(data, size), that hands the input to
// keyops and checks what must hold whatever the input. A broken invariant aborts through
// KEYOPS_FUZZ_CHECK; a clean error return is never a failure. fuzz_main.cpp gives one of them to
// libFuzzer (scripts/fuzz), and tests/unit/fuzz_corpus_tests.cpp replays the committed corpus
// (tests/fuzz/corpus/<name>/) through all of them in every ordinary build.
//
//   parse        the first byte picks the response type and the limits (see fuzz_parse), the
//                rest is the body
//   server_url   the input is the URL given to parse_server_url
//   no_proxy     NO_PROXY list, a NUL byte, then the host
//   retry_after  the input is the Retry-After value
//   tool_args    the keyops tool's command line, one argument per NUL-separated piece

#include "../../tools/keyops/args.hpp"

#include <keyops/endpoint/cckm.hpp>
#include <keyops/error.hpp>
#include <keyops/model/auth.hpp>
#include <keyops/model/cckm.hpp>
#include <keyops/model/csp.hpp>
#include <keyops/model/network_insight.hpp>
#include <keyops/model/scheduler.hpp>
#include <keyops/parse/detail/reference.hpp>
#include <keyops/parse/json_view.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/response/retry_after.hpp>
#include <keyops/transport/options.hpp>

#include <boost/url/parse.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// Aborts with the condition's text when it is false: a broken invariant, a bug to report.
#define KEYOPS_FUZZ_CHECK(cond)                                                                    \
    ((cond) ? static_cast<void>(0) : ::keyops_fuzz::detail::check_failed(#cond, __FILE__, __LINE__))

namespace keyops_fuzz {
namespace detail {

[[noreturn]] inline void check_failed(const char* what, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", file, line, what);
    std::fflush(stderr);
    std::abort();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) noexcept {
    return size ? std::string_view(reinterpret_cast<const char*>(data), size) : std::string_view();
}

// --- parse ----------------------------------------------------------------------------------

// Writes every value of a parsed result into a text, reading every byte that each view points
// to: two results are equal when their texts are, and AddressSanitizer sees a view into freed
// or foreign memory.
class dump {
public:
    /// `coarse`: doubles written to 12 digits, so that two parsers that round a long decimal
    /// to neighbouring doubles write the same text (the scanner rounds correctly, basic_parser
    /// 1.81 not always).
    explicit dump(bool coarse = false) : coarse_(coarse) {}

    const std::string& text() const noexcept { return out_; }

    void str(std::string_view s) {
        num(static_cast<std::int64_t>(s.size()));
        out_.append(s.data(), s.size());
        out_ += ';';
    }
    void num(std::int64_t v) {
        out_ += std::to_string(v);
        out_ += ';';
    }
    void boolean(bool b) { out_ += b ? "t;" : "f;"; }
    template <class Int>
    void opt(const std::optional<Int>& v) {
        if (v)
            num(static_cast<std::int64_t>(*v));
        else
            out_ += "-;";
    }
    void time(const keyops::timestamp& t) {
        str(t.raw);
        boolean(t.has_value());
        const auto since_epoch = t.time().time_since_epoch().count();
        num(static_cast<std::int64_t>(since_epoch));
        // Not wrapped around: years after 1970 are after the epoch, years before it before
        // (1969 and 1970 can go either way with an offset). The instant written back in UTC
        // reads as the same instant.
        if (const auto v = t.value()) {
            const int year = std::atoi(std::string(t.raw.substr(0, 4)).c_str());
            KEYOPS_FUZZ_CHECK(year <= 1970 || since_epoch > 0);
            KEYOPS_FUZZ_CHECK(year >= 1969 || since_epoch < 0);
            KEYOPS_FUZZ_CHECK(v->nanoseconds < 1000000000u);
            const std::string back = keyops::format_rfc3339(*v);
            if (back.size() >= 20 && back[0] != '-' && back[4] == '-') {
                const auto again = keyops::parse_instant(back);
                KEYOPS_FUZZ_CHECK(again && *again == *v);
            }
        }
    }
    template <class State>
    void status(const keyops::status_word<State>& w) {
        str(w.raw);
        num(static_cast<std::int64_t>(w.state));
        boolean(w.has_value());
    }
    void list(keyops::string_list l) {
        num(static_cast<std::int64_t>(l.size()));
        for (std::string_view s : l)
            str(s);
    }

    // Every accessor of every node, whatever its kind: each must answer without undefined
    // behaviour. Every value equals itself, and every key of an object finds a value.
    void value(keyops::json_view v) {
        KEYOPS_FUZZ_CHECK(keyops::equal(v, v));
        num(static_cast<std::int64_t>(v.kind()));
        boolean(v.present());
        boolean(v.as_bool());
        const double d = v.as_double();
        if (v.kind() == keyops::json_kind::double_) // truncated: the sign is kept, or zero
            KEYOPS_FUZZ_CHECK(d >= 0 ? v.as_int64() >= 0 : v.as_int64() <= 0);
        if (coarse_ && v.kind() == keyops::json_kind::double_) {
            char text[32];
            // basic_parser reads `-0e999` as NaN, which keyops' handler makes +0.
            std::snprintf(text, sizeof text, "%.12g", d == 0 ? 0.0 : d);
            str(text);
        } else {
            num(v.as_int64());
            std::uint64_t bits = 0;
            std::memcpy(&bits, &d, sizeof bits);
            num(static_cast<std::int64_t>(bits));
        }
        str(v.as_string());
        const keyops::json_array_view a = v.as_array();
        KEYOPS_FUZZ_CHECK(a.empty() == (a.size() == 0));
        num(static_cast<std::int64_t>(a.size()));
        std::size_t n = 0;
        for (keyops::json_view e : a) {
            KEYOPS_FUZZ_CHECK(keyops::equal(e, a[n]));
            value(e);
            ++n;
        }
        KEYOPS_FUZZ_CHECK(n == a.size());
        object(v.as_object());
    }
    void object(keyops::json_object_view o) {
        KEYOPS_FUZZ_CHECK(keyops::equal(o, o));
        num(static_cast<std::int64_t>(o.size()));
        std::size_t n = 0;
        for (const keyops::json_member m : o) {
            str(m.key);
            KEYOPS_FUZZ_CHECK(o.contains(m.key));
            KEYOPS_FUZZ_CHECK(o.find(m.key).present());
            str(o.string(m.key));
            value(m.value);
            ++n;
        }
        KEYOPS_FUZZ_CHECK(n == o.size());
    }

private:
    bool coarse_;
    std::string out_;
};

inline void write(dump& d, const keyops::cckm::job& j) {
    for (std::string_view s : {j.id, j.uri, j.account, j.application, j.dev_account, j.cloud,
                               j.sync_item, j.job_id, j.key_id, j.operation})
        d.str(s);
    d.time(j.created_at);
    d.time(j.updated_at);
    d.time(j.completed_at);
    d.status(j.overall_status);
    d.object(j.detailed_status);
    d.boolean(j.abort);
    for (const keyops::string_list& l :
         {j.key_vaults, j.vaults, j.key_rings, j.kms, j.domains, j.organizations, j.regions})
        d.list(l);
    d.opt(j.version_count);
    d.list(j.resources());
    d.boolean(j.done());
}

inline void write(dump& d, const keyops::cckm::job_brief& j) {
    d.str(j.id);
    d.status(j.overall_status);
    d.boolean(j.abort);
    d.object(j.detailed_status);
    d.boolean(j.done());
}

inline void write(dump& d, const keyops::scheduler::job_params& p) {
    d.str(p.cloud_name);
    d.list(p.kms);
    d.list(p.oci_vaults);
    d.opt(p.synchronize_all);
    for (std::string_view s : {p.expiration, p.expire_in, p.rotation_after, p.backup_key,
                               p.connection, p.description, p.scope})
        d.str(s);
    d.opt(p.aws_param.retain_alias);
    d.opt(p.aws_param.rotate_material);
    d.opt(p.do_scp);
    d.opt(p.tied_to_hsm);
    d.opt(p.retention_count);
    d.num(static_cast<std::int64_t>(p.filters.size()));
    for (const auto& f : p.filters) {
        d.str(f.resource_type);
        d.value(f.resource_query);
    }
    d.boolean(p.empty());
}

inline void write(dump& d, const keyops::scheduler::job_config& c) {
    for (std::string_view s : {c.id, c.uri, c.account, c.dev_account, c.application, c.name,
                               c.description, c.operation, c.run_on, c.run_at})
        d.str(s);
    d.opt(c.disabled);
    d.time(c.created_at);
    d.time(c.updated_at);
    d.time(c.start_date);
    d.time(c.end_date);
    d.boolean(c.start_date.is_set());
    write(d, c.job_config_params);
    write(d, c.cckm_synchronization_params);
    write(d, c.cckm_key_rotation_params);
    write(d, c.cckm_xks_credential_rotation_params);
    write(d, c.database_backup_params);
    write(d, c.params());
}

inline void write(dump& d, const keyops::scheduler::run& r) {
    for (std::string_view s :
         {r.id, r.uri, r.account, r.job_config_id, r.config_id, r.operation, r.detail, r.error})
        d.str(s);
    d.status(r.status);
    d.time(r.created_at);
    d.time(r.updated_at);
    d.str(r.config());
    d.boolean(r.done());
}

// A page: of jobs, full (cckm::job_list) or through the field mask (cckm::job_brief_list), or of
// the scheduler's configs and runs. Each namespace's next_page_skip, found by argument.
template <class List>
void write_page(dump& d, const List& l) {
    d.opt(l.skip);
    d.opt(l.limit);
    d.opt(l.total);
    d.num(static_cast<std::int64_t>(l.resources.size()));
    for (const auto& j : l.resources)
        write(d, j);
    const auto next = next_page_skip(l, std::uint64_t{0});
    if (next)
        KEYOPS_FUZZ_CHECK(*next == l.resources.size() && l.total && *l.total > 0 &&
                          static_cast<std::uint64_t>(*l.total) > *next);
    d.opt(next);
}

inline void write(dump& d, const keyops::cckm::job_list& l) {
    write_page(d, l);
}
inline void write(dump& d, const keyops::cckm::job_brief_list& l) {
    write_page(d, l);
}
inline void write(dump& d, const keyops::scheduler::job_config_list& l) {
    write_page(d, l);
}
inline void write(dump& d, const keyops::scheduler::run_list& l) {
    write_page(d, l);
}

inline void write(dump& d, const keyops::cckm::error_body& e) {
    d.opt(e.code);
    d.str(e.code_desc);
    d.str(e.message);
    d.str(e.request_id);
}

inline void write(dump& d, const keyops::csp::error_body& e) {
    d.opt(e.status_code);
    d.str(e.message);
    d.str(e.request_id);
}

inline void write(dump& d, const keyops::csp::access_token& t) {
    d.str(t.access_token);
    d.opt(t.expires_in);
    d.str(t.token_type);
    d.str(t.scope);
}

inline void write(dump& d, const keyops::ni::rotation_status& r) {
    d.opt(r.customer_id);
    d.status(r.status);
    d.list(r.failed_collector_ids);
    d.boolean(r.done());
}

inline void write(dump& d, const keyops::ni::key_details& k) {
    d.opt(k.customer_id);
    d.str(k.lifetime);
    d.str(k.remaining_validity);
    d.opt(k.last_updated_at);
    d.str(k.last_updated_by);
}

inline void write(dump& d, const keyops::ni::error_body& e) {
    d.opt(e.code);
    d.str(e.message);
    d.num(static_cast<std::int64_t>(e.details.size()));
    for (const keyops::ni::error_detail& x : e.details) {
        d.opt(x.code);
        d.str(x.message);
        d.list(x.target);
    }
}

inline void write(dump& d, const keyops::ctm::token& t) {
    for (std::string_view s :
         {t.jwt, t.token_type, t.refresh_token, t.refresh_token_id, t.client_id})
        d.str(s);
    d.opt(t.duration);
    d.opt(t.refresh_token_expires_in);
}

inline void write(dump& d, const keyops::ni::token& t) {
    d.str(t.token);
    d.opt(t.expiry);
    const auto at = t.expires_at();
    KEYOPS_FUZZ_CHECK(at.has_value() == t.expiry.has_value());
    if (at)
        d.num(static_cast<std::int64_t>(at->time_since_epoch().count()));
}

/// Where keyops' scanner and basic_parser (`ref`) may name different errors for the same bytes,
/// the scanner being the more precise: a UTF-8 sequence that no byte after it can mend, which
/// basic_parser calls a syntax error or, at the end of the body, a truncation; a syntax error
/// near a byte that is not UTF-8 (a stray 0xFF between values), which keyops' reference mapping
/// calls invalid UTF-8 (it looks for such a byte after basic_parser stopped); and a body that
/// ends inside a number (`1.`, `1e-`), which basic_parser calls a syntax error.
inline bool scanner_is_more_precise(const keyops::error_code& ref, const keyops::error_code& got,
                                    std::string_view body) {
    using keyops::error;
    if (got == error::invalid_utf8)
        return ref == error::malformed_json || ref == error::incomplete_json;
    if (got == error::malformed_json && ref == error::invalid_utf8)
        return true;
    if (got == error::incomplete_json && ref == error::malformed_json && !body.empty())
        return std::string_view(".eE+-").find(body.back()) != std::string_view::npos;
    return false;
}

template <class T>
std::string dump_of(const keyops::parsed<T>& r, bool coarse = false) {
    dump d(coarse);
    write(d, r.value());
    d.str(r.body());
    // Each value left out is named by a path, and a number's text is what the body holds.
    for (const keyops::field_problem& p : r.problems()) {
        KEYOPS_FUZZ_CHECK(!p.detail.empty());
        KEYOPS_FUZZ_CHECK(p.path.empty() || p.path[0] == '/');
        KEYOPS_FUZZ_CHECK(r.body().find(p.text) != std::string_view::npos);
        d.num(static_cast<int>(p.code));
        d.str(p.path);
        d.str(p.text);
        d.str(p.detail);
    }
    return d.text();
}

// One body parsed by parse(std::string), parse_copy and parse_borrowed with the same limits.
// The three must agree on the outcome, the diagnostics and, on success, every value. The
// results stay alive, so that recheck() can find one spoilt by a later parse.
template <class T>
class parse_run {
public:
    parse_run(std::string_view body, const keyops::parse_options& opt) {
        results_[0] = keyops::parse<T>(std::string(body), ec_[0], diag_[0], opt);
        results_[1] = keyops::parse_copy<T>(body, ec_[1], diag_[1], opt);
        results_[2] = keyops::parse_borrowed<T>(body, ec_[2], diag_[2], opt);
        for (int i = 0; i < 3; ++i) {
            KEYOPS_FUZZ_CHECK(ec_[i] == ec_[0]);
            KEYOPS_FUZZ_CHECK(diag_[i].json_offset == diag_[0].json_offset);
            KEYOPS_FUZZ_CHECK(diag_[i].json_path == diag_[0].json_path);
            KEYOPS_FUZZ_CHECK(diag_[i].detail == diag_[0].detail);
            if (ec_[i]) {
                // A parse error, never one of another layer, and the result is empty.
                KEYOPS_FUZZ_CHECK(ec_[i].category() == keyops::error_category());
                KEYOPS_FUZZ_CHECK(ec_[i].value() >=
                                  static_cast<int>(keyops::error::malformed_json));
                KEYOPS_FUZZ_CHECK(ec_[i].value() <= static_cast<int>(keyops::error::empty_body));
                KEYOPS_FUZZ_CHECK(diag_[i].json_offset <= body.size());
                KEYOPS_FUZZ_CHECK(results_[i].body().empty());
                continue;
            }
            KEYOPS_FUZZ_CHECK(results_[i].body() == body);
            dumps_[i] = dump_of(results_[i]);
            KEYOPS_FUZZ_CHECK(dumps_[i] == dumps_[0]);
        }
        if (!ec_[0]) {
            // Only parse_borrowed keeps the caller's buffer.
            KEYOPS_FUZZ_CHECK(body.empty() || results_[1].body().data() != body.data());
            KEYOPS_FUZZ_CHECK(results_[2].body().data() == body.data());
        }
        same_as_reference(body, opt);
    }

    const keyops::error_code& ec() const noexcept { return ec_[0]; }
    const keyops::diagnostics& diag() const noexcept { return diag_[0]; }
    const std::string& text() const noexcept { return dumps_[0]; }

    // The results, moved and moved back, still hold what they held after parsing.
    void recheck() {
        if (ec_[0])
            return;
        for (int i = 0; i < 3; ++i) {
            keyops::parsed<T> moved = std::move(results_[i]);
            KEYOPS_FUZZ_CHECK(dump_of(moved) == dumps_[i]);
            results_[i] = std::move(moved);
            KEYOPS_FUZZ_CHECK(dump_of(results_[i]) == dumps_[i]);
        }
    }

private:
    // keyops' scanner against basic_parser driving the same handler: the same outcome, and the
    // same values; on failure the same error at the same JSON path. An error's offset may
    // differ (the scanner names the byte at fault, basic_parser where it stopped), and so may its
    // sentence.
    void same_as_reference(std::string_view body, const keyops::parse_options& opt) {
        keyops::error_code ec;
        keyops::diagnostics diag;
        const auto ref = keyops::detail::parse_reference<T>(body, ec, diag, opt);
        KEYOPS_FUZZ_CHECK(ec == ec_[2] || scanner_is_more_precise(ec, ec_[2], body));
        if (ec) {
            KEYOPS_FUZZ_CHECK(ec != ec_[2] || diag.json_path == diag_[2].json_path);
            return;
        }
        KEYOPS_FUZZ_CHECK(dump_of(ref, true) == dump_of(results_[2], true));
    }

    keyops::parsed<T> results_[3];
    keyops::error_code ec_[3];
    keyops::diagnostics diag_[3];
    std::string dumps_[3];
};

// `mode` bit 0: also with body limits just below and at the body's size; bit 1: also with a
// nesting limit of `depth` (0 to 7).
template <class T>
void parse_as(std::string_view body, unsigned mode, std::size_t depth) {
    const keyops::parse_options defaults;
    parse_run<T> full(body, defaults);
    if (mode & 1) {
        if (!body.empty()) {
            keyops::parse_options small;
            small.max_body_size = body.size() - 1;
            parse_run<T> r(body, small);
            KEYOPS_FUZZ_CHECK(r.ec() == keyops::error::body_too_large);
            KEYOPS_FUZZ_CHECK(r.diag().json_offset == small.max_body_size);
        }
        keyops::parse_options exact;
        exact.max_body_size = body.size();
        parse_run<T> r(body, exact);
        KEYOPS_FUZZ_CHECK(r.ec() == full.ec());
        KEYOPS_FUZZ_CHECK(r.diag().json_offset == full.diag().json_offset);
        KEYOPS_FUZZ_CHECK(r.text() == full.text());
        r.recheck();
    }
    if (mode & 2) {
        keyops::parse_options shallow;
        shallow.max_depth = depth;
        parse_run<T> r(body, shallow);
        if (!r.ec()) {
            // What parses within a tighter limit parses the same within the default one.
            KEYOPS_FUZZ_CHECK(!full.ec());
            KEYOPS_FUZZ_CHECK(r.text() == full.text());
        } else if (r.ec() != keyops::error::too_deep) {
            // An error before the nesting got too deep is the same error at the same place.
            KEYOPS_FUZZ_CHECK(r.ec() == full.ec());
            KEYOPS_FUZZ_CHECK(r.diag().json_offset == full.diag().json_offset);
        }
        r.recheck();
    }
    // The other parses reused the thread's cached storage and scratch: the first results are
    // intact.
    full.recheck();
}

// --- tool_args -----------------------------------------------------------------------------

// The value parsers on one text: each accepts only what it documents, and what it returns
// reads back as the text.
inline void value_parsers(const std::string& text) {
    std::optional<double> seconds;
    try {
        seconds = keyops_cli::parse_seconds("--x", text);
        KEYOPS_FUZZ_CHECK(*seconds > 0 && *seconds <= 31536000);
    } catch (const keyops_cli::usage_error&) {
    }
    try {
        const std::chrono::milliseconds d = keyops_cli::parse_duration("--x", text);
        KEYOPS_FUZZ_CHECK(seconds.has_value());
        // A positive number of seconds never becomes a zero or negative duration.
        KEYOPS_FUZZ_CHECK(d.count() >= 1 && d.count() <= 31536000000LL);
    } catch (const keyops_cli::usage_error&) {
        KEYOPS_FUZZ_CHECK(!seconds.has_value());
    }
    for (const bool allow_zero : {false, true}) {
        try {
            const std::uint64_t n = keyops_cli::parse_count("--x", text, allow_zero);
            KEYOPS_FUZZ_CHECK(allow_zero || n > 0);
            const auto first = text.find_first_not_of('0');
            KEYOPS_FUZZ_CHECK(std::to_string(n) ==
                              (first == std::string::npos ? "0" : text.substr(first)));
        } catch (const keyops_cli::usage_error&) {
        }
    }
    try {
        const keyops::cckm::job_kind k = keyops_cli::parse_kind(text);
        KEYOPS_FUZZ_CHECK(static_cast<std::size_t>(k) < keyops::cckm::kind_count);
        KEYOPS_FUZZ_CHECK(keyops::cckm::kind_names[static_cast<std::size_t>(k)] == text);
    } catch (const keyops_cli::usage_error&) {
    }
}

// A command's arguments as `jobs` and `proxy-key` read them (the option lists of jobs.cpp and
// proxy_key.cpp), up to the point where the tool would call the server.
inline void command_line(const std::vector<std::string>& rest) {
    if (rest.size() < 2)
        return;
    const std::string& sub = rest[1];
    std::vector<std::string> valued, switches;
    if (rest[0] == "jobs") {
        if (sub == "list") {
            valued = {"--status", "--id", "--filter", "--sort", "--limit", "--skip"};
            switches = {"--all"};
        } else if (sub == "start") {
            valued = {"--body", "--body-file"};
        } else if (sub == "wait") {
            valued = {"--interval", "--deadline"};
            switches = {"--cancel-on-deadline"};
        } else if (sub != "get" && sub != "cancel") {
            return;
        }
    } else if (rest[0] == "proxy-key") {
        if (sub == "rotate") {
            valued = {"--deadline", "--interval"};
            switches = {"--wait"};
        } else if (sub != "status" && sub != "details") {
            return;
        }
    } else {
        return;
    }
    const keyops_cli::command_args a(keyops_cli::tail(rest, 2), valued, switches);
    std::size_t named = 0;
    for (const std::string& name : valued) {
        const std::vector<std::string> all = a.values(name);
        named += all.size();
        const std::optional<std::string> last = a.value(name);
        KEYOPS_FUZZ_CHECK(a.has(name) == !all.empty());
        KEYOPS_FUZZ_CHECK(last.has_value() == !all.empty());
        if (last)
            KEYOPS_FUZZ_CHECK(*last == all.back());
    }
    for (const std::string& name : switches)
        if (a.has(name))
            ++named;
    // Each positional and each option is at least one argument of its own.
    KEYOPS_FUZZ_CHECK(a.positionals().size() + named <= rest.size() - 2);
    for (const char* name : {"--limit", "--skip"})
        if (auto v = a.value(name))
            keyops_cli::parse_count(name, *v, std::string_view(name) == "--skip");
    for (const char* name : {"--interval", "--deadline"})
        if (auto v = a.value(name))
            keyops_cli::parse_duration(name, *v);
    if (rest[0] == "jobs") {
        if (a.positionals().empty())
            return;
        keyops_cli::parse_kind(a.positionals()[0]);
        if (sub != "wait")
            keyops_cli::expect_positionals(a, sub == "get" || sub == "cancel" ? 2 : 1, "an ID");
    } else {
        keyops_cli::expect_positionals(a, 0, "");
    }
}

// parse_global reads the files that --password-file, --token-file and their --ni- twins name,
// and standard input for `-`. Inputs that give such an option a path or `-` are left out, so
// that none makes the harness read /dev/zero, a pipe or the terminal: only plain names in the
// working directory are read.
inline bool reads_outside(const std::vector<std::string>& args) {
    bool file_option = false, outside = false;
    for (const std::string& a : args) {
        for (const char* name :
             {"--password-file", "--ni-password-file", "--token-file", "--ni-token-file"}) {
            if (a.rfind(name, 0) == 0) {
                file_option = true;
                if (a == std::string(name) + "=-")
                    outside = true;
            }
        }
        if (a == "-" || a.find('/') != std::string::npos)
            outside = true;
    }
    return file_option && outside;
}

// A user name without a password makes parse_global ask for one on the terminal: the
// environment gives it one instead, once, unless the process has its own. No config file is
// read (a --profile is then refused), whatever the process's environment names.
inline void no_password_prompt() {
    static const bool set = [] {
#ifdef _WIN32
        // Windows: _putenv sets, an empty value removes; the config file is under %APPDATA%.
        if (!std::getenv("KEYOPS_PASSWORD"))
            ::_putenv("KEYOPS_PASSWORD=fuzz");
        if (!std::getenv("KEYOPS_NI_PASSWORD"))
            ::_putenv("KEYOPS_NI_PASSWORD=fuzz");
        ::_putenv("KEYOPS_CONFIG=");
        ::_putenv("KEYOPS_PROFILE=");
        ::_putenv("APPDATA=/nonexistent/keyops-fuzz");
#else
        ::setenv("KEYOPS_PASSWORD", "fuzz", 0);
        ::setenv("KEYOPS_NI_PASSWORD", "fuzz", 0);
        ::unsetenv("KEYOPS_CONFIG");
        ::unsetenv("KEYOPS_PROFILE");
        ::setenv("XDG_CONFIG_HOME", "/nonexistent/keyops-fuzz", 1);
#endif
        return true;
    }();
    static_cast<void>(set);
}

} // namespace detail

/// The first byte: bits 0-2 pick the types (0 cckm::job and scheduler::job_config and run;
/// 1 the pages: cckm::job_list, job_brief_list, scheduler::job_config_list and run_list;
/// 2 the error bodies of CCKM and VMware CSP; 3 ni::rotation_status; 4 ni::key_details;
/// 5 ni::error_body; 6 ctm::token and csp::access_token; 7 ni::token), bit 3 adds
/// parses with body limits just below and at the body's size, bit 4 one with a nesting limit of
/// bits 5-7 (0 to 7). The default limits are always tried. E.g. '8' to '?' are the eight types
/// with both extras and a nesting limit of 1.
inline void fuzz_parse(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return;
    const unsigned selector = data[0];
    const std::string_view body = detail::as_text(data + 1, size - 1);
    const unsigned mode = (selector >> 3) & 3;
    const std::size_t depth = selector >> 5;
    switch (selector & 7) {
    case 0: // one resource
        detail::parse_as<keyops::cckm::job>(body, mode, depth);
        detail::parse_as<keyops::scheduler::job_config>(body, mode, depth);
        return detail::parse_as<keyops::scheduler::run>(body, mode, depth);
    case 1: // a page, and the field mask of a wait on the same bytes
        detail::parse_as<keyops::cckm::job_list>(body, mode, depth);
        detail::parse_as<keyops::cckm::job_brief_list>(body, mode, depth);
        detail::parse_as<keyops::scheduler::job_config_list>(body, mode, depth);
        return detail::parse_as<keyops::scheduler::run_list>(body, mode, depth);
    case 2:
        detail::parse_as<keyops::cckm::error_body>(body, mode, depth);
        return detail::parse_as<keyops::csp::error_body>(body, mode, depth);
    case 3:
        return detail::parse_as<keyops::ni::rotation_status>(body, mode, depth);
    case 4:
        return detail::parse_as<keyops::ni::key_details>(body, mode, depth);
    case 5:
        return detail::parse_as<keyops::ni::error_body>(body, mode, depth);
    case 6:
        detail::parse_as<keyops::ctm::token>(body, mode, depth);
        return detail::parse_as<keyops::csp::access_token>(body, mode, depth);
    default:
        return detail::parse_as<keyops::ni::token>(body, mode, depth);
    }
}

inline void fuzz_server_url(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = detail::as_text(data, size);
    keyops::transport_options opt;
    std::string base = "untouched";
    const keyops::error_code ec = keyops::parse_server_url(text, opt, &base);
    keyops::transport_options without_base;
    KEYOPS_FUZZ_CHECK(keyops::parse_server_url(text, without_base) == ec);
    if (ec) {
        // Refused, and nothing was changed.
        KEYOPS_FUZZ_CHECK(ec == keyops::error::invalid_argument);
        KEYOPS_FUZZ_CHECK(opt.host.empty() && opt.port == 443 && opt.use_tls);
        KEYOPS_FUZZ_CHECK(base == "untouched");
        return;
    }
    KEYOPS_FUZZ_CHECK(!opt.host.empty());
    KEYOPS_FUZZ_CHECK(opt.port >= 1); // and at most 65535, as an unsigned short
    KEYOPS_FUZZ_CHECK(without_base.host == opt.host && without_base.port == opt.port &&
                      without_base.use_tls == opt.use_tls);
    KEYOPS_FUZZ_CHECK(opt.use_tls == (text.size() > 4 && (text[4] == 's' || text[4] == 'S')));
    KEYOPS_FUZZ_CHECK(base.empty() || base.back() != '/');
    // The port is the one written, not wrapped into range.
    const auto u = boost::urls::parse_uri(text);
    KEYOPS_FUZZ_CHECK(u.has_value());
    if (u->has_port()) {
        const std::string_view digits = u->port();
        const auto first = digits.find_first_not_of('0');
        KEYOPS_FUZZ_CHECK(first != std::string_view::npos &&
                          digits.substr(first) == std::to_string(opt.port));
    } else {
        KEYOPS_FUZZ_CHECK(opt.port == (opt.use_tls ? 443 : 80));
    }
    // The host and port make a URL that reads back the same.
    const bool v6 = opt.host.find(':') != std::string::npos;
    const std::string again = std::string(opt.use_tls ? "https://" : "http://") +
                              (v6 ? "[" + opt.host + "]" : opt.host) + ":" +
                              std::to_string(opt.port);
    keyops::transport_options back;
    KEYOPS_FUZZ_CHECK(!keyops::parse_server_url(again, back));
    KEYOPS_FUZZ_CHECK(back.host == opt.host && back.port == opt.port &&
                      back.use_tls == opt.use_tls);
}

inline void fuzz_no_proxy(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = detail::as_text(data, size);
    const auto nul = input.find('\0');
    const std::string_view list = input.substr(0, nul);
    const std::string_view host =
        nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
    const bool match = keyops::no_proxy_matches(list, host);
    // Brackets around the host do not matter (they are taken off once), nor does the case of
    // its letters.
    if (host.size() < 2 || host.front() != '[' || host.back() != ']')
        KEYOPS_FUZZ_CHECK(keyops::no_proxy_matches(list, "[" + std::string(host) + "]") == match);
    std::string upper(host);
    for (char& c : upper)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    KEYOPS_FUZZ_CHECK(keyops::no_proxy_matches(list, upper) == match);
    // More entries exempt more hosts, never fewer.
    KEYOPS_FUZZ_CHECK(!match || keyops::no_proxy_matches(std::string(list) + ",other", host));
    KEYOPS_FUZZ_CHECK(!match || keyops::no_proxy_matches("other," + std::string(list), host));
    KEYOPS_FUZZ_CHECK(keyops::no_proxy_matches("*", host));
    // Entries with no host in them (`[]`, `.`, blanks) exempt nothing.
    KEYOPS_FUZZ_CHECK(!keyops::no_proxy_matches(" , [],.,", host));
    KEYOPS_FUZZ_CHECK(keyops::no_proxy_matches(std::string(list) + ",[]", host) == match);
    // A plain host name exempts itself, and its subdomains.
    const bool plain = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '.';
    }) && host.find_first_not_of(".-") != std::string_view::npos;
    if (plain) {
        KEYOPS_FUZZ_CHECK(keyops::no_proxy_matches(host, host));
        KEYOPS_FUZZ_CHECK(keyops::no_proxy_matches(host, "sub." + std::string(host)));
    }
}

inline void fuzz_retry_after(const std::uint8_t* data, std::size_t size) {
    using namespace std::chrono;
    const std::string_view text = detail::as_text(data, size);
    // From the epoch to 2100, in order: a later now never means a longer wait.
    const system_clock::time_point nows[] = {
        system_clock::time_point(), system_clock::time_point(seconds(784111777)),
        system_clock::time_point(seconds(1700000000)) + milliseconds(999),
        system_clock::time_point(seconds(4102444800LL))};
    std::string_view trimmed = text;
    while (!trimmed.empty() && trimmed.front() == ' ')
        trimmed.remove_prefix(1);
    while (!trimmed.empty() && trimmed.back() == ' ')
        trimmed.remove_suffix(1);
    const bool seconds_form =
        !trimmed.empty() &&
        std::all_of(trimmed.begin(), trimmed.end(), [](char c) { return c >= '0' && c <= '9'; });
    const auto first = keyops::parse_retry_after(text, nows[0]);
    std::optional<milliseconds> previous = first;
    for (const system_clock::time_point now : nows) {
        const auto r = keyops::parse_retry_after(text, now);
        KEYOPS_FUZZ_CHECK(r.has_value() == first.has_value());
        if (!r)
            continue;
        KEYOPS_FUZZ_CHECK(r->count() >= 0);
        if (seconds_form) {
            KEYOPS_FUZZ_CHECK(*r == *first);
            KEYOPS_FUZZ_CHECK(*r <= hours(24 * 365));
        } else {
            KEYOPS_FUZZ_CHECK(*r <= *previous);
        }
        previous = r;
    }
    if (seconds_form)
        KEYOPS_FUZZ_CHECK(first.has_value());
}

inline void fuzz_tool_args(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> args{"keyops"};
    if (size > 0) {
        const std::string_view input = detail::as_text(data, size);
        std::size_t from = 0;
        for (;;) {
            const auto nul = input.find('\0', from);
            args.emplace_back(input.substr(from, nul - from));
            if (nul == std::string_view::npos)
                break;
            from = nul + 1;
        }
    }
    if (detail::reads_outside(args))
        return;
    detail::no_password_prompt();
    std::vector<char*> argv;
    for (std::string& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    try {
        std::vector<std::string> rest;
        const keyops_cli::global_options g =
            keyops_cli::parse_global(static_cast<int>(args.size()), argv.data(), rest);
        // The command and its arguments are words of the command line, unchanged and in order
        // (global options may stand anywhere among them).
        KEYOPS_FUZZ_CHECK(rest.size() < args.size());
        std::size_t at = 1;
        for (const std::string& word : rest) {
            while (at < args.size() && args[at] != word)
                ++at;
            KEYOPS_FUZZ_CHECK(at < args.size());
            ++at;
        }
        KEYOPS_FUZZ_CHECK(g.timeout.count() >= 1);
        KEYOPS_FUZZ_CHECK(g.ni_domain_type == "LOCAL" || g.ni_domain_type == "LDAP");
        detail::command_line(rest);
    } catch (const keyops_cli::usage_error&) {
        // A clean refusal.
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tool_args: %s\n", e.what());
        detail::check_failed("only usage_error is thrown", __FILE__, __LINE__);
    }
    for (std::size_t i = 1; i < args.size(); ++i)
        detail::value_parsers(args[i]);
}

} // namespace keyops_fuzz

#endif
