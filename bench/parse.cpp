// bench-parse: how fast keyops reads a CCKM job list, against the floor of its design (a
// boost::json::basic_parser whose handler does nothing) and against other JSON parsers.
//
// Documents: generated list responses of 10 and 1,000 jobs shaped like the OCI seed
// (tests/fixtures/oci_sync_list.json), compact and pretty-printed as Go's encoding/json writes
// them, including its \u003c, \u003e and \u0026 escapes. A fixed seed makes every run read the
// same bytes.
//
// Every parser except the floor extracts the same fields (id, overall_status, completed_at,
// every detailed_status pair, every key_vaults entry) and folds them into a checksum that must
// agree across parsers. completed_at is converted to a time point by every parser, with the same
// function keyops uses (keyops::parse_rfc3339), so that they all pay for it.
//
// Timing: std::chrono::steady_clock; a warm-up of every parser, then ten rounds in which each
// parser of the document runs one batch of about 30 ms in turn, so that a noisy moment on a
// shared machine falls on every row alike; each row's best batch is counted. Heap allocations
// are counted by the replacement operator new of alloc_count.cpp, during one separate parse
// outside the timed loops.
//
// Three rows read only what a wait reads (the page's skip, limit and total; each job's id,
// overall_status, abort and detailed_status): keyops' field mask (cckm::job_brief_list),
// simdjson On-Demand extracting the same fields, and simdjson's DOM API, which checks the whole
// document first. Their checksum covers those fields alone and must agree between them. Before
// the last line, the benchmark prints what each makes of pages whose one fault is in a member
// none of them reads.
//
// The last line is the summary the issue asks for, on the 1,000-job compact document:
//     ratio keyops_vs_floor=X keyops_vs_dom_monotonic=Y allocations_per_job=Z
//           wait_fields_vs_simdjson=W
// W is simdjson's wait-fields time over keyops' field-mask time.

#include "alloc_count.hpp"

#include <keyops/model/cckm.hpp>
#include <keyops/parse/detail/reference.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/parse/timestamp.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <nlohmann/json.hpp>
#include <rapidjson/document.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "bench-parse: error: %s\n", what.c_str());
    std::exit(1);
}

// --- generated documents -----------------------------------------------------------------------

// A small deterministic generator (splitmix64): the same bytes on every platform, unlike the
// standard distributions.
class rng {
public:
    explicit rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::uint64_t below(std::uint64_t n) { return next() % n; }

private:
    std::uint64_t state_;
};

std::string uuid(rng& r) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 32; ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            out += '-';
        char c = hex[r.below(16)];
        if (i == 12)
            c = '4'; // version 4
        else if (i == 16)
            c = hex[8 + r.below(4)]; // variant 10xx
        out += c;
    }
    return out;
}

// RFC 3339 in UTC as Go's time.Time marshals it (RFC3339Nano): trailing zeros of the fraction
// are trimmed, and the fraction is left out when it is zero.
std::string rfc3339(std::int64_t micros_since_epoch) {
    std::int64_t secs = micros_since_epoch / 1000000;
    std::int64_t micros = micros_since_epoch % 1000000;
    if (micros < 0) {
        micros += 1000000;
        --secs;
    }
    return keyops::format_rfc3339({secs, static_cast<std::uint32_t>(micros * 1000)});
}

struct job_data {
    std::string id;
    std::string uri;
    std::string account;
    std::string created_at;
    std::string updated_at;
    std::string completed_at; // empty: left out, as the server does while the job runs
    std::string status;
    std::vector<std::pair<std::string, std::string>> detailed_status;
    std::vector<std::string> key_vaults;
    bool abort = false;
};

std::vector<job_data> make_jobs(std::size_t count, std::uint64_t seed) {
    rng r(seed);
    std::vector<job_data> jobs;
    std::size_t detailed_values = 0;
    static constexpr std::string_view compartments[] = {"cckmqa-automation", "prod-eu-frankfurt",
                                                        "tenancy-root"};
    for (std::size_t i = 0; i < count; ++i) {
        job_data j;
        j.id = uuid(r);
        j.uri = "kylo:kylo:cckm:synchronize:" + j.id;
        // Every 7th account has a '<' and a '&' in it, escaped by Go.
        j.account =
            i % 7 == 3 ? "kylo:kylo:admin:accounts:<qa & ops>" : "kylo:kylo:admin:accounts:kylo";
        // 2021-01-01 plus up to three years, at microsecond resolution.
        const std::int64_t created =
            1609459200ll * 1000000 +
            static_cast<std::int64_t>(r.below(3ull * 365 * 86400 * 1000000));
        const std::int64_t updated = created + static_cast<std::int64_t>(r.below(120ull * 1000000));
        j.created_at = rfc3339(created);
        j.updated_at = rfc3339(updated);
        const std::uint64_t s = r.below(20);
        j.status = s < 4 ? "in_progress" : s < 17 ? "completed" : "failed";
        if (j.status != "in_progress")
            j.completed_at = rfc3339(updated - static_cast<std::int64_t>(r.below(1000)));
        j.abort = j.status == "completed" && i % 23 == 5;
        const std::size_t vaults = 1 + r.below(3);
        for (std::size_t v = 0; v < vaults; ++v) {
            const std::string vault = uuid(r);
            std::string key = std::string(compartments[r.below(3)]) + "/" + vault;
            std::string value;
            if (j.status == "in_progress")
                value = "synchronization in progress";
            else if (j.status == "failed")
                value = "failed to synchronize vault: permission denied";
            else
                value = "vault synchronized successfully";
            if (detailed_values++ % 5 == 4) // every 5th value names the vault in <...>
                value = "vault <" + vault.substr(0, 8) + "> & keys: " + value;
            j.detailed_status.emplace_back(std::move(key), std::move(value));
            j.key_vaults.push_back(vault);
        }
        jobs.push_back(std::move(j));
    }
    return jobs;
}

// Writes JSON as Go's encoding/json does: json.Marshal (compact), or json.MarshalIndent with
// four spaces; HTML-sensitive characters escaped as \u003c, \u003e, \u0026.
class go_json_writer {
public:
    explicit go_json_writer(bool pretty) : pretty_(pretty) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }
    void key(std::string_view k) {
        element();
        quoted(k);
        out_ += pretty_ ? ": " : ":";
        after_key_ = true;
    }
    void string(std::string_view s) {
        value();
        quoted(s);
    }
    void number(long long v) {
        value();
        out_ += std::to_string(v);
    }
    void boolean(bool b) {
        value();
        out_ += b ? "true" : "false";
    }
    std::string finish() {
        out_ += '\n'; // json.Encoder ends every value with a newline
        return std::move(out_);
    }

private:
    void element() {
        if (counts_.empty())
            return;
        if (counts_.back()++ > 0)
            out_ += ',';
        if (pretty_)
            newline(counts_.size());
    }
    void value() {
        if (after_key_)
            after_key_ = false;
        else
            element();
    }
    void open(char c) {
        value();
        out_ += c;
        counts_.push_back(0);
    }
    void close(char c) {
        const bool any = counts_.back() > 0;
        counts_.pop_back();
        if (pretty_ && any)
            newline(counts_.size());
        out_ += c;
    }
    void newline(std::size_t depth) {
        out_ += '\n';
        out_.append(4 * depth, ' ');
    }
    void quoted(std::string_view s) {
        static constexpr char hex[] = "0123456789abcdef";
        out_ += '"';
        for (char c : s) {
            const auto u = static_cast<unsigned char>(c);
            if (c == '"' || c == '\\') {
                out_ += '\\';
                out_ += c;
            } else if (c == '\n') {
                out_ += "\\n";
            } else if (c == '\r') {
                out_ += "\\r";
            } else if (c == '\t') {
                out_ += "\\t";
            } else if (u < 0x20 || c == '<' || c == '>' || c == '&') {
                out_ += "\\u00";
                out_ += hex[u >> 4];
                out_ += hex[u & 15];
            } else {
                out_ += c;
            }
        }
        out_ += '"';
    }

    bool pretty_;
    bool after_key_ = false;
    std::vector<std::size_t> counts_;
    std::string out_;
};

std::string make_document(const std::vector<job_data>& jobs, std::size_t count, bool pretty) {
    go_json_writer w(pretty);
    w.begin_object();
    w.key("skip");
    w.number(0);
    w.key("limit");
    w.number(static_cast<long long>(count));
    w.key("total");
    w.number(static_cast<long long>(jobs.size()));
    w.key("resources");
    w.begin_array();
    for (std::size_t i = 0; i < count; ++i) {
        const job_data& j = jobs[i];
        w.begin_object();
        w.key("id");
        w.string(j.id);
        w.key("uri");
        w.string(j.uri);
        w.key("account");
        w.string(j.account);
        w.key("application");
        w.string("ncryptify:gemalto:admin:apps:kylo");
        w.key("devAccount");
        w.string("ncryptify:gemalto:admin:accounts:gemalto");
        w.key("createdAt");
        w.string(j.created_at);
        w.key("updatedAt");
        w.string(j.updated_at);
        if (!j.completed_at.empty()) {
            w.key("completed_at");
            w.string(j.completed_at);
        }
        w.key("overall_status");
        w.string(j.status);
        w.key("detailed_status");
        w.begin_object();
        for (const auto& [k, v] : j.detailed_status) {
            w.key(k);
            w.string(v);
        }
        w.end_object();
        w.key("cloud");
        w.string("oci");
        w.key("key_vaults");
        w.begin_array();
        for (const auto& v : j.key_vaults)
            w.string(v);
        w.end_array();
        w.key("abort");
        w.boolean(j.abort);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.finish();
}

// --- the checksum every extracting parser computes ---------------------------------------------

// Order-independent (a sum), since nlohmann::json keeps object members sorted by key. Each string
// contributes its length and three of its bytes, so undecoded escapes change the sum.
class checksum {
public:
    void job(std::string_view id, std::string_view status, keyops::job_state state,
             std::int64_t completed_micros) {
        sum_ += 1 + 3 * h(id) + 5 * h(status) + 11 * static_cast<std::uint64_t>(state) +
                static_cast<std::uint64_t>(completed_micros);
    }
    void pair(std::string_view key, std::string_view value) {
        sum_ += 1000003 + 7 * h(key) + 13 * h(value);
    }
    void vault(std::string_view v) { sum_ += 7000001 + 17 * h(v); }
    // The wait's fields: the page's counts, and each job's abort flag.
    void page(std::uint64_t skip, std::uint64_t limit, std::uint64_t total) {
        sum_ += 19 * skip + 23 * limit + 29 * total;
    }
    void abort(bool a) { sum_ += a ? 31 : 37; }
    std::uint64_t value() const noexcept { return sum_; }

private:
    static std::uint64_t h(std::string_view s) noexcept {
        if (s.empty())
            return 0;
        const auto b = [&](std::size_t i) {
            return static_cast<unsigned char>(s[i]);
        };
        return s.size() + 131u * b(0) + 137u * b(s.size() / 2) + 139u * b(s.size() - 1);
    }

    std::uint64_t sum_ = 0;
};

std::int64_t micros(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

// completed_at for the parsers that hand over text: converted as keyops converts it.
std::int64_t completed_micros(std::string_view raw) {
    if (raw.empty())
        return 0;
    const auto t = keyops::parse_rfc3339(raw);
    if (!t)
        die("bad completed_at: " + std::string(raw));
    return micros(*t);
}

// --- keyops ------------------------------------------------------------------------------------

std::uint64_t fold_keyops(const keyops::cckm::job_list& list) {
    checksum c;
    for (const keyops::cckm::job& j : list.resources) {
        c.job(j.id, j.overall_status.raw, j.overall_status.state,
              j.completed_at.has_value() ? micros(j.completed_at.time()) : 0);
        for (auto m : j.detailed_status)
            c.pair(m.key, m.value.as_string());
        for (std::string_view v : j.key_vaults)
            c.vault(v);
    }
    return c.value();
}

std::uint64_t run_keyops_borrowed(std::string_view body) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto list = keyops::parse_borrowed<keyops::cckm::job_list>(body, ec, diag);
    if (ec)
        die("keyops: " + diag.describe(ec));
    return fold_keyops(*list);
}

// The same parse with the handler driven by boost::json::basic_parser, keyops' reference: the
// scanner's gain, in the same run.
std::uint64_t run_keyops_reference(std::string_view body) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto list = keyops::detail::parse_reference<keyops::cckm::job_list>(body, ec, diag);
    if (ec)
        die("keyops reference: " + diag.describe(ec));
    return fold_keyops(*list);
}

std::uint64_t run_keyops_owning(const std::string& body) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto list = keyops::parse<keyops::cckm::job_list>(std::string(body), ec, diag);
    if (ec)
        die("keyops: " + diag.describe(ec));
    return fold_keyops(*list);
}

// The field mask: only what a wait reads (the page's counts; each job's id, overall_status,
// abort and detailed_status), the rest skipped.
std::uint64_t run_keyops_mask(std::string_view body) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto list = keyops::parse_borrowed<keyops::cckm::job_brief_list>(body, ec, diag);
    if (ec)
        die("keyops mask: " + diag.describe(ec));
    checksum c;
    c.page(list->skip.value_or(0), list->limit.value_or(0), list->total.value_or(0));
    for (const keyops::cckm::job_brief& j : list->resources) {
        c.job(j.id, j.overall_status.raw, j.overall_status.state, 0);
        c.abort(j.abort);
        for (auto m : j.detailed_status)
            c.pair(m.key, m.value.as_string());
    }
    return c.value();
}

// --- the floor: basic_parser with a handler that does nothing ----------------------------------

struct null_handler {
    using string_view = boost::json::string_view;
    using error_code = boost::system::error_code;
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) { return true; }
    bool on_object_end(std::size_t, error_code&) { return true; }
    bool on_array_begin(error_code&) { return true; }
    bool on_array_end(std::size_t, error_code&) { return true; }
    bool on_key_part(string_view, std::size_t, error_code&) { return true; }
    bool on_key(string_view, std::size_t, error_code&) { return true; }
    bool on_string_part(string_view, std::size_t, error_code&) { return true; }
    bool on_string(string_view, std::size_t, error_code&) { return true; }
    bool on_number_part(string_view, error_code&) { return true; }
    bool on_int64(std::int64_t, string_view, error_code&) { return true; }
    bool on_uint64(std::uint64_t, string_view, error_code&) { return true; }
    bool on_double(double, string_view, error_code&) { return true; }
    bool on_bool(bool, error_code&) { return true; }
    bool on_null(error_code&) { return true; }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }
};

std::uint64_t run_floor(std::string_view body) {
    boost::json::parse_options opt;
    opt.max_depth = keyops::parse_options().max_depth; // as keyops configures its parser
    boost::json::basic_parser<null_handler> p(opt);
    boost::system::error_code ec;
    const std::size_t n = p.write_some(false, body.data(), body.size(), ec);
    if (ec || n != body.size())
        die("floor: " + ec.message());
    return n;
}

// keyops' scanner with the same do-nothing handler: every check, no work.
std::uint64_t run_scanner_floor(std::string_view body) {
    null_handler h;
    std::string scratch;
    keyops::detail::json_scanner<null_handler> s(h, keyops::parse_options().max_depth, scratch);
    keyops::error_code ec;
    const std::size_t n = s.scan(body.data(), body.size(), ec);
    if (ec || n != body.size())
        die("scanner floor: " + ec.message());
    return n;
}

// --- Boost.JSON DOM ----------------------------------------------------------------------------

std::string_view boost_string(const boost::json::object& o, std::string_view key) {
    const boost::json::value* v = o.if_contains(key);
    if (v == nullptr || !v->is_string())
        return {};
    const boost::json::string& s = v->get_string();
    return std::string_view(s.data(), s.size());
}

std::uint64_t fold_boost(const boost::json::value& doc) {
    checksum c;
    const boost::json::object* root = doc.if_object();
    const boost::json::value* res = root ? root->if_contains("resources") : nullptr;
    if (res == nullptr || !res->is_array())
        die("boost.json: no resources array");
    for (const boost::json::value& jv : res->get_array()) {
        const boost::json::object& o = jv.as_object();
        const std::string_view status = boost_string(o, "overall_status");
        c.job(boost_string(o, "id"), status, keyops::job_state_from_word(status),
              completed_micros(boost_string(o, "completed_at")));
        if (const boost::json::value* ds = o.if_contains("detailed_status"); ds && ds->is_object())
            for (const boost::json::key_value_pair& kv : ds->get_object()) {
                std::string_view value;
                if (kv.value().is_string())
                    value = std::string_view(kv.value().get_string().data(),
                                             kv.value().get_string().size());
                c.pair(std::string_view(kv.key().data(), kv.key().size()), value);
            }
        if (const boost::json::value* kv = o.if_contains("key_vaults"); kv && kv->is_array())
            for (const boost::json::value& v : kv->get_array())
                if (v.is_string())
                    c.vault(std::string_view(v.get_string().data(), v.get_string().size()));
    }
    return c.value();
}

std::uint64_t run_boost_dom(std::string_view body, boost::json::storage_ptr sp) {
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(body, ec, std::move(sp));
    if (ec)
        die("boost.json: " + ec.message());
    return fold_boost(doc);
}

// --- simdjson On-Demand ------------------------------------------------------------------------

std::uint64_t run_simdjson(simdjson::ondemand::parser& parser,
                           const simdjson::padded_string& body) {
    using namespace simdjson;
    checksum c;
    ondemand::document doc = parser.iterate(body);
    for (auto top : doc.get_object()) {
        if (top.key() != "resources")
            continue;
        for (auto element : top.value().get_array()) {
            std::string_view id, status, completed;
            for (auto f : element.get_object()) {
                const ondemand::raw_json_string k = f.key();
                if (k == "id") {
                    id = f.value().get_string();
                } else if (k == "overall_status") {
                    status = f.value().get_string();
                } else if (k == "completed_at") {
                    completed = f.value().get_string();
                } else if (k == "detailed_status") {
                    for (auto m : f.value().get_object()) {
                        const std::string_view key = m.unescaped_key();
                        std::string_view value;
                        if (m.value().get_string().get(value) != SUCCESS)
                            value = {};
                        c.pair(key, value);
                    }
                } else if (k == "key_vaults") {
                    for (auto v : f.value().get_array())
                        c.vault(v.get_string());
                }
            }
            // Strings stay in the parser's buffer until the next document.
            c.job(id, status, keyops::job_state_from_word(status), completed_micros(completed));
        }
    }
    return c.value();
}

// The wait's fields only, as run_keyops_mask reads them; everything else is skipped.
std::uint64_t run_simdjson_wait(simdjson::ondemand::parser& parser,
                                const simdjson::padded_string& body) {
    using namespace simdjson;
    checksum c;
    std::uint64_t skip = 0, limit = 0, total = 0;
    ondemand::document doc = parser.iterate(body);
    for (auto top : doc.get_object()) {
        const ondemand::raw_json_string key = top.key();
        if (key == "skip") {
            skip = top.value().get_uint64();
        } else if (key == "limit") {
            limit = top.value().get_uint64();
        } else if (key == "total") {
            total = top.value().get_uint64();
        } else if (key == "resources") {
            for (auto element : top.value().get_array()) {
                std::string_view id, status;
                bool abort = false;
                for (auto f : element.get_object()) {
                    const ondemand::raw_json_string k = f.key();
                    if (k == "id") {
                        id = f.value().get_string();
                    } else if (k == "overall_status") {
                        status = f.value().get_string();
                    } else if (k == "abort") {
                        abort = f.value().get_bool();
                    } else if (k == "detailed_status") {
                        for (auto m : f.value().get_object()) {
                            const std::string_view mk = m.unescaped_key();
                            std::string_view value;
                            if (m.value().get_string().get(value) != SUCCESS)
                                value = {};
                            c.pair(mk, value);
                        }
                    }
                }
                c.job(id, status, keyops::job_state_from_word(status), 0);
                c.abort(abort);
            }
        }
    }
    c.page(skip, limit, total);
    return c.value();
}

// The same fields through simdjson's DOM API, which checks the whole document (its stage 2
// builds a tape of every value) before any field is read.
std::uint64_t run_simdjson_dom_wait(simdjson::dom::parser& parser,
                                    const simdjson::padded_string& body) {
    using namespace simdjson;
    checksum c;
    const dom::object doc = parser.parse(body).get_object();
    std::uint64_t skip = 0, limit = 0, total = 0;
    for (const dom::key_value_pair top : doc) {
        if (top.key == "skip") {
            skip = top.value.get_uint64();
        } else if (top.key == "limit") {
            limit = top.value.get_uint64();
        } else if (top.key == "total") {
            total = top.value.get_uint64();
        } else if (top.key == "resources") {
            for (const dom::element element : top.value.get_array()) {
                std::string_view id, status;
                bool abort = false;
                for (const dom::key_value_pair f : element.get_object()) {
                    if (f.key == "id") {
                        id = f.value.get_string();
                    } else if (f.key == "overall_status") {
                        status = f.value.get_string();
                    } else if (f.key == "abort") {
                        abort = f.value.get_bool();
                    } else if (f.key == "detailed_status") {
                        for (const dom::key_value_pair m : f.value.get_object()) {
                            std::string_view value;
                            if (m.value.get_string().get(value) != SUCCESS)
                                value = {};
                            c.pair(m.key, value);
                        }
                    }
                }
                c.job(id, status, keyops::job_state_from_word(status), 0);
                c.abort(abort);
            }
        }
    }
    c.page(skip, limit, total);
    return c.value();
}

// What the three wait-fields rows make of pages whose one fault is in a member none of them
// reads: keyops' field mask and simdjson's DOM check what they skip, simdjson's On-Demand walk
// passes over it.
void report_unread_faults() {
    const char* const faults[] = {"[1 2]", "{\"k\" 1}", "tru", "\"a\\q\"", "01"};
    constexpr int n = sizeof faults / sizeof faults[0];
    simdjson::ondemand::parser parser;
    simdjson::dom::parser dom_parser;
    // Whether a simdjson read of the page failed (it reports a fault by throwing).
    const auto throws = [](auto&& read) {
        try {
            (void)read();
            return 0;
        } catch (const simdjson::simdjson_error&) {
            return 1;
        }
    };
    int keyops_rejected = 0, simdjson_rejected = 0, dom_rejected = 0;
    std::string list;
    for (const char* fault : faults) {
        list += list.empty() ? "" : ", ";
        list += fault;
        const std::string page =
            std::string(R"({"skip":0,"limit":1,"total":1,"resources":[{"id":"a","uri":)") + fault +
            R"(,"overall_status":"completed","abort":false}]})";
        keyops::error_code ec;
        keyops::diagnostics diag;
        (void)keyops::parse_borrowed<keyops::cckm::job_brief_list>(page, ec, diag);
        keyops_rejected += ec ? 1 : 0;
        const simdjson::padded_string padded(page);
        simdjson_rejected += throws([&] { return run_simdjson_wait(parser, padded); });
        dom_rejected += throws([&] { return run_simdjson_dom_wait(dom_parser, padded); });
    }
    std::printf("\nwait fields on %d pages whose one fault is in a member nobody reads (%s):\n"
                "  keyops field mask rejects %d of %d; simdjson on-demand (wait fields) rejects %d "
                "of %d; simdjson dom rejects %d of %d\n",
                n, list.c_str(), keyops_rejected, n, simdjson_rejected, n, dom_rejected, n);
}

// --- RapidJSON in-situ -------------------------------------------------------------------------

// RapidJSON allocates with malloc, not operator new: this allocator counts its calls too.
class counting_crt_allocator {
public:
    static const bool kNeedFree = true;
    void* Malloc(std::size_t size) {
        if (size == 0)
            return nullptr;
        ++keyops_bench::allocations;
        return std::malloc(size);
    }
    void* Realloc(void* p, std::size_t, std::size_t size) {
        if (size == 0) {
            std::free(p);
            return nullptr;
        }
        ++keyops_bench::allocations;
        return std::realloc(p, size);
    }
    static void Free(void* p) { std::free(p); }
};

using rj_allocator = rapidjson::MemoryPoolAllocator<counting_crt_allocator>;
using rj_document =
    rapidjson::GenericDocument<rapidjson::UTF8<>, rj_allocator, counting_crt_allocator>;
using rj_value = rapidjson::GenericValue<rapidjson::UTF8<>, rj_allocator>;

std::string_view rj_string(const rj_value& v) {
    return v.IsString() ? std::string_view(v.GetString(), v.GetStringLength()) : std::string_view();
}

std::uint64_t run_rapidjson(char* buffer) {
    checksum c;
    rj_document doc;
    doc.ParseInsitu(buffer);
    if (doc.HasParseError() || !doc.IsObject())
        die("rapidjson: parse error");
    const auto res = doc.FindMember("resources");
    if (res == doc.MemberEnd() || !res->value.IsArray())
        die("rapidjson: no resources array");
    for (const rj_value& element : res->value.GetArray()) {
        std::string_view id, status, completed;
        for (const auto& f : element.GetObject()) {
            const std::string_view k = rj_string(f.name);
            if (k == "id") {
                id = rj_string(f.value);
            } else if (k == "overall_status") {
                status = rj_string(f.value);
            } else if (k == "completed_at") {
                completed = rj_string(f.value);
            } else if (k == "detailed_status" && f.value.IsObject()) {
                for (const auto& m : f.value.GetObject())
                    c.pair(rj_string(m.name), rj_string(m.value));
            } else if (k == "key_vaults" && f.value.IsArray()) {
                for (const rj_value& v : f.value.GetArray())
                    if (v.IsString())
                        c.vault(rj_string(v));
            }
        }
        c.job(id, status, keyops::job_state_from_word(status), completed_micros(completed));
    }
    return c.value();
}

// --- nlohmann/json -----------------------------------------------------------------------------

std::string_view nl_string(const nlohmann::json& o, const char* key) {
    const auto it = o.find(key);
    if (it == o.end() || !it->is_string())
        return {};
    return it->get_ref<const std::string&>();
}

std::uint64_t run_nlohmann(std::string_view body) {
    checksum c;
    const nlohmann::json doc = nlohmann::json::parse(body.begin(), body.end());
    const auto res = doc.find("resources");
    if (res == doc.end() || !res->is_array())
        die("nlohmann: no resources array");
    for (const nlohmann::json& o : *res) {
        const std::string_view status = nl_string(o, "overall_status");
        c.job(nl_string(o, "id"), status, keyops::job_state_from_word(status),
              completed_micros(nl_string(o, "completed_at")));
        if (const auto ds = o.find("detailed_status"); ds != o.end() && ds->is_object())
            for (const auto& [k, v] : ds->items())
                c.pair(k, v.is_string() ? std::string_view(v.get_ref<const std::string&>())
                                        : std::string_view());
        if (const auto kv = o.find("key_vaults"); kv != o.end() && kv->is_array())
            for (const nlohmann::json& v : *kv)
                if (v.is_string())
                    c.vault(v.get_ref<const std::string&>());
    }
    return c.value();
}

// --- measurement -------------------------------------------------------------------------------

using clock_type = std::chrono::steady_clock;

// The rows the summary line is computed from.
enum class role { other, floor, keyops_borrowed, dom_monotonic, keyops_mask, simdjson_wait };

// What a row's checksum covers: every extracted field, or only the wait's.
enum class fields { all, wait };

// One row of the table. `run(i)` parses once and returns the checksum; `prepare(n)` readies the
// inputs of runs 0..n-1 outside the timing (RapidJSON's mutable copies), at most `chunk` at once.
struct parser_case {
    const char* name;
    role kind;
    bool extracts; // false for the floor, which has no checksum to compare
    std::function<std::uint64_t(std::size_t)> run;
    std::function<void(std::size_t)> prepare = [](std::size_t) {
    };
    std::size_t chunk = std::numeric_limits<std::size_t>::max();
    fields covers = fields::all;
};

struct measurement {
    double ns_per_parse;
    std::size_t allocations;
    std::uint64_t checksum;
};

volatile std::uint64_t g_sink;

struct settings {
    double batch_seconds = 0.03; // ten rounds: about 0.3 s per cell
    int batches = 10;
    std::string only_document;  // empty: all
    std::string only_parser;    // empty: all; "=NAME": that parser; else a substring of names
    std::string print_document; // non-empty: write this document to stdout, measure nothing
};

// Runs `n` parses, in chunks of at most p.chunk with prepare() untimed between them; answers the
// timed nanoseconds.
double timed_runs(const parser_case& p, std::size_t n) {
    double ns = 0;
    std::uint64_t sink = 0;
    for (std::size_t done = 0; done < n;) {
        const std::size_t c = std::min(p.chunk, n - done);
        p.prepare(c);
        const auto t0 = clock_type::now();
        for (std::size_t i = 0; i < c; ++i)
            sink += p.run(i);
        const auto t1 = clock_type::now();
        ns += std::chrono::duration<double, std::nano>(t1 - t0).count();
        done += c;
    }
    g_sink = sink;
    return ns;
}

// Warms a parser up (at least 3 parses and 30 ms, which also estimates one parse's cost),
// counts the allocations of one parse after it, and sizes its batches.
measurement warm_up(const parser_case& p, const settings& cfg, std::size_t& per_batch) {
    measurement m{};
    std::size_t n = 0;
    double ns = 0;
    while (n < 3 || ns < 30e6) {
        const std::size_t step = std::max<std::size_t>(1, n);
        ns += timed_runs(p, step);
        n += step;
    }
    // One parse with the allocation counter, outside any timed loop and after the warm-up, so
    // that state a parser keeps between parses (simdjson's parser) counts as already there.
    p.prepare(1);
    keyops_bench::allocations = 0;
    m.checksum = p.run(0);
    m.allocations = keyops_bench::allocations;
    per_batch =
        std::max<std::size_t>(1, static_cast<std::size_t>(cfg.batch_seconds * 1e9 / (ns / n)));
    m.ns_per_parse = std::numeric_limits<double>::infinity();
    return m;
}

// Every parser of one document, measured alternately: round after round, each runs one batch.
std::vector<measurement> measure_alternately(const std::vector<const parser_case*>& ps,
                                             const settings& cfg) {
    std::vector<measurement> ms;
    std::vector<std::size_t> per_batch(ps.size());
    for (std::size_t i = 0; i < ps.size(); ++i)
        ms.push_back(warm_up(*ps[i], cfg, per_batch[i]));
    for (int b = 0; b < cfg.batches; ++b)
        for (std::size_t i = 0; i < ps.size(); ++i)
            ms[i].ns_per_parse =
                std::min(ms[i].ns_per_parse, timed_runs(*ps[i], per_batch[i]) / per_batch[i]);
    return ms;
}

struct document {
    std::string name;
    std::size_t jobs;
    bool pretty;
    std::string text;
};

void usage() {
    std::fprintf(stderr,
                 "usage: bench-parse [--document=NAME] [--parser=TEXT] [--batch-ms=N] "
                 "[--batches=N]\n"
                 "  --document  only the document NAME ('10 compact', '1000 pretty', ...)\n"
                 "  --parser    only the parsers whose name contains TEXT; =NAME: only NAME\n"
                 "  --batch-ms  milliseconds per timed batch (default 30)\n"
                 "  --batches   rounds, each one batch of every parser in turn; the "
                 "best\n"
                 "              batch of each counted (default 10)\n"
                 "  --print-document=NAME  write the generated document NAME and exit\n"
                 "A filtered run does not print the ratio line.\n");
}

settings parse_args(int argc, char** argv) {
    settings cfg;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const auto value = [&](std::string_view opt) -> std::optional<std::string> {
            if (a.substr(0, opt.size()) != opt)
                return std::nullopt;
            return std::string(a.substr(opt.size()));
        };
        if (auto v = value("--document="))
            cfg.only_document = *v;
        else if (auto v = value("--parser="))
            cfg.only_parser = *v;
        else if (auto v = value("--batch-ms="))
            cfg.batch_seconds = std::atof(v->c_str()) / 1e3;
        else if (auto v = value("--print-document="))
            cfg.print_document = *v;
        else if (auto v = value("--batches="))
            cfg.batches = std::max(1, std::atoi(v->c_str()));
        else {
            usage();
            std::exit(a == "--help" || a == "-h" ? 0 : 2);
        }
    }
    return cfg;
}

} // namespace

int main(int argc, char** argv) {
    const settings cfg = parse_args(argc, argv);
    const std::vector<job_data> jobs = make_jobs(1000, 0x6b65796f7073ull); // "keyops"
    std::vector<document> docs;
    for (std::size_t count : {std::size_t{10}, std::size_t{1000}})
        for (bool pretty : {false, true})
            docs.push_back({std::to_string(count) + (pretty ? " pretty" : " compact"), count,
                            pretty, make_document(jobs, count, pretty)});

    if (!cfg.print_document.empty()) {
        for (const document& d : docs)
            if (d.name == cfg.print_document) {
                std::fwrite(d.text.data(), 1, d.text.size(), stdout);
                return 0;
            }
        die("no document named '" + cfg.print_document + "'");
    }

    std::printf("bench-parse: CCKM list responses shaped like the OCI seed, generated with a fixed "
                "seed\n");
    for (const document& d : docs)
        std::printf("  %-13s %4zu jobs, %8zu bytes\n", d.name.c_str(), d.jobs, d.text.size());
    std::printf(
        "notes:\n"
        "  every row but the floor extracts id, overall_status, completed_at, each "
        "detailed_status pair\n"
        "    and each key_vaults entry into a checksum compared across parsers; completed_at is "
        "converted\n"
        "    to a time point by every parser, with keyops::parse_rfc3339 (same cost as keyops)\n"
        "  keyops borrowed: parse_borrowed<cckm::job_list> over the caller's buffer; keyops "
        "owning:\n"
        "    parse<cckm::job_list> of a std::string copy of the body, the copy timed\n"
        "  floor: boost::json::basic_parser over the same buffer, every handler callback just "
        "returns true\n"
        "  boost.json dom (monotonic): a fresh monotonic_resource per parse (heap blocks); "
        "'reused buffer':\n"
        "    a fresh monotonic_resource per parse over one preallocated 16 MiB buffer\n"
        "  simdjson on-demand (stage 1: %s, on-demand code: %s, as built without -march):\n"
        "    one parser reused across parses; the padded_string is made before timing\n"
        "  rapidjson in-situ: the mutable copies are made outside the timing (up to 4 MiB of "
        "them at a\n"
        "    time); default flags, so no UTF-8 validation; its mallocs are counted via its "
        "allocator\n"
        "  field mask / wait fields: only the page's counts and each job's id, overall_status, "
        "abort and\n"
        "    detailed_status, into a checksum of their own compared between the rows; simdjson "
        "dom:\n"
        "    its DOM API, which checks the whole document before the fields are read\n"
        "  time: best of %d rounds, each one batch of ~%.0f ms of every parser in turn; "
        "allocs/parse:\n"
        "    one parse after the warm-up\n\n",
        simdjson::get_active_implementation()->name().c_str(),
        simdjson::builtin_implementation()->name().c_str(), cfg.batches, cfg.batch_seconds * 1e3);

    std::printf("%-13s  %-42s %9s %9s %13s\n", "document", "parser", "ns/job", "MB/s",
                "allocs/parse");

    // The summary: the borrowed keyops parse on the 1,000-job compact document.
    std::optional<measurement> floor, borrowed, monotonic, mask, simdjson_wait;
    std::vector<unsigned char> reused_buffer(16u << 20);
    // The same jobs give the same checksum, compact or pretty.
    // Per number of jobs and per set of fields covered.
    std::vector<std::pair<std::pair<std::size_t, fields>, std::uint64_t>> checksum_by_jobs;

    for (const document& d : docs) {
        if (!cfg.only_document.empty() && d.name != cfg.only_document)
            continue;
        const std::string_view body = d.text;
        const simdjson::padded_string padded(body);
        simdjson::ondemand::parser sj_parser;
        simdjson::dom::parser sj_dom_parser;

        // RapidJSON parses in place: a pool of copies, refreshed between timed chunks.
        const std::size_t rj_chunk = std::max<std::size_t>(1, (4u << 20) / (body.size() + 1));
        std::vector<std::vector<char>> rj_copies(rj_chunk, std::vector<char>(body.size() + 1));

        std::vector<parser_case> cases;
        cases.push_back(
            {"floor (basic_parser, null handler)", role::floor, false, [&](std::size_t) {
                 return run_floor(body);
             }});
        cases.push_back(
            {"floor (keyops scanner, null handler)", role::other, false, [&](std::size_t) {
                 return run_scanner_floor(body);
             }});
        cases.push_back({"keyops parse_borrowed", role::keyops_borrowed, true, [&](std::size_t) {
                             return run_keyops_borrowed(body);
                         }});
        cases.push_back(
            {"keyops parse_borrowed, basic_parser", role::other, true, [&](std::size_t) {
                 return run_keyops_reference(body);
             }});
        cases.push_back({"keyops parse (owning, body copied)", role::other, true, [&](std::size_t) {
                             return run_keyops_owning(d.text);
                         }});
        cases.push_back({"boost.json dom (default allocator)", role::other, true, [&](std::size_t) {
                             return run_boost_dom(body, {});
                         }});
        cases.push_back({"boost.json dom (monotonic)", role::dom_monotonic, true, [&](std::size_t) {
                             boost::json::monotonic_resource mr;
                             return run_boost_dom(body, &mr);
                         }});
        cases.push_back(
            {"boost.json dom (monotonic, reused buffer)", role::other, true, [&](std::size_t) {
                 boost::json::monotonic_resource mr(reused_buffer.data(), reused_buffer.size());
                 return run_boost_dom(body, &mr);
             }});
        cases.push_back({"simdjson on-demand", role::other, true, [&](std::size_t) {
                             return run_simdjson(sj_parser, padded);
                         }});
        cases.push_back({"rapidjson in-situ", role::other, true,
                         [&](std::size_t i) { return run_rapidjson(rj_copies[i].data()); },
                         [&](std::size_t n) {
                             for (std::size_t i = 0; i < n; ++i) {
                                 std::memcpy(rj_copies[i].data(), body.data(), body.size());
                                 rj_copies[i][body.size()] = '\0';
                             }
                         },
                         rj_chunk});
        cases.push_back({"nlohmann", role::other, true, [&](std::size_t) {
                             return run_nlohmann(body);
                         }});
        parser_case mask_case{"keyops field mask (job_brief_list)", role::keyops_mask, true,
                              [&](std::size_t) {
                                  return run_keyops_mask(body);
                              }};
        mask_case.covers = fields::wait;
        cases.push_back(mask_case);
        parser_case sj_wait{"simdjson on-demand (wait fields)", role::simdjson_wait, true,
                            [&](std::size_t) {
                                return run_simdjson_wait(sj_parser, padded);
                            }};
        sj_wait.covers = fields::wait;
        cases.push_back(sj_wait);
        parser_case sj_dom_wait{"simdjson dom (wait fields, all checked)", role::other, true,
                                [&](std::size_t) {
                                    return run_simdjson_dom_wait(sj_dom_parser, padded);
                                }};
        sj_dom_wait.covers = fields::wait;
        cases.push_back(sj_dom_wait);

        std::vector<const parser_case*> chosen;
        for (const parser_case& p : cases)
            if (cfg.only_parser.empty() ||
                (cfg.only_parser[0] == '='
                     ? cfg.only_parser.substr(1) == p.name
                     : std::string_view(p.name).find(cfg.only_parser) != std::string_view::npos))
                chosen.push_back(&p);
        const std::vector<measurement> results = measure_alternately(chosen, cfg);
        for (std::size_t i = 0; i < chosen.size(); ++i) {
            const parser_case& p = *chosen[i];
            const measurement& m = results[i];
            if (p.extracts) {
                auto it = std::find_if(
                    checksum_by_jobs.begin(), checksum_by_jobs.end(),
                    [&](const auto& e) { return e.first == std::make_pair(d.jobs, p.covers); });
                if (it == checksum_by_jobs.end())
                    checksum_by_jobs.emplace_back(std::make_pair(d.jobs, p.covers), m.checksum);
                else if (it->second != m.checksum)
                    die("checksum mismatch on the " + d.name + " document: " + p.name + " has " +
                        std::to_string(m.checksum) + ", the first parser had " +
                        std::to_string(it->second));
            }
            const double ns_per_job = m.ns_per_parse / static_cast<double>(d.jobs);
            const double mb_per_s = static_cast<double>(body.size()) / m.ns_per_parse * 1e3;
            std::printf("%-13s  %-42s %9.1f %9.1f %13zu\n", d.name.c_str(), p.name, ns_per_job,
                        mb_per_s, m.allocations);
            std::fflush(stdout);
            if (d.jobs == 1000 && !d.pretty) {
                if (p.kind == role::floor)
                    floor = m;
                else if (p.kind == role::keyops_borrowed)
                    borrowed = m;
                else if (p.kind == role::dom_monotonic)
                    monotonic = m;
                else if (p.kind == role::keyops_mask)
                    mask = m;
                else if (p.kind == role::simdjson_wait)
                    simdjson_wait = m;
            }
        }
    }

    if (!floor || !borrowed || !monotonic || !mask || !simdjson_wait)
        return 0; // a filtered run
    report_unread_faults();
    std::printf("ratio keyops_vs_floor=%.2f keyops_vs_dom_monotonic=%.2f allocations_per_job=%.3f "
                "wait_fields_vs_simdjson=%.2f\n",
                borrowed->ns_per_parse / floor->ns_per_parse,
                monotonic->ns_per_parse / borrowed->ns_per_parse,
                static_cast<double>(borrowed->allocations) / 1000.0,
                simdjson_wait->ns_per_parse / mask->ns_per_parse);
    return 0;
}
