// keyops' JSON scanner against boost::json::basic_parser, its reference: the same events for the
// same bytes (one handler records both), the same verdict on every malformed, truncated or
// mutated document and on every input of the fuzz corpus, and the same typed results through
// the schema handler (the parse fuzz target's checks, run here on mutations of every fixture).
// Each comparison runs the scanner with every byte kernel the platform has (scan_kernels.hpp:
// the portable one everywhere, SSE2 or NEON besides), and the kernels must agree with each
// other exactly, errors and offsets included.

#include "../fuzz/targets.hpp"
#include "corpus.hpp"
#include "fixtures.hpp"
#include "scan_kernels.hpp"

#include <keyops/parse/detail/reference.hpp>
#include <keyops/parse/detail/scanner.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

using keyops::error;

namespace {

// Writes every event as a line; parts are joined to the event that ends them.
class recorder {
public:
    using string_view_type = boost::json::string_view;
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

    explicit recorder(bool skip_key_x = false) : skip_key_x_(skip_key_x) {}

    std::vector<std::string> events;
    std::vector<double> doubles;

    // With skip_key_x, the value of every key "x" is skipped (the scanner's skip path).
    bool skip_value() const noexcept { return skip_key_x_ && last_key_ == "x"; }

    bool on_document_begin(keyops::error_code&) { return add("begin"); }
    bool on_document_end(keyops::error_code&) { return add("end"); }
    bool on_object_begin(keyops::error_code&) { return add("{"); }
    bool on_object_end(std::size_t n, keyops::error_code&) { return add("}" + std::to_string(n)); }
    bool on_array_begin(keyops::error_code&) { return add("["); }
    bool on_array_end(std::size_t n, keyops::error_code&) { return add("]" + std::to_string(n)); }
    bool on_key_part(string_view_type s, std::size_t, keyops::error_code&) {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_key(string_view_type s, std::size_t n, keyops::error_code&) {
        last_key_ = whole(s, n);
        return add("k:" + last_key_);
    }
    bool on_string_part(string_view_type s, std::size_t, keyops::error_code&) {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_string(string_view_type s, std::size_t n, keyops::error_code&) {
        return add("s:" + whole(s, n));
    }
    bool on_number_part(string_view_type s, keyops::error_code&) {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t v, string_view_type s, keyops::error_code&) {
        part_.append(s.data(), s.size());
        return add("i:" + std::to_string(v) + ":" + take());
    }
    bool on_uint64(std::uint64_t v, string_view_type s, keyops::error_code&) {
        part_.append(s.data(), s.size());
        return add("u:" + std::to_string(v) + ":" + take());
    }
    bool on_double(double v, string_view_type s, keyops::error_code&) {
        part_.append(s.data(), s.size());
        doubles.push_back(v);
        return add("d:" + take());
    }
    bool on_bool(bool v, keyops::error_code&) { return add(v ? "true" : "false"); }
    bool on_null(keyops::error_code&) { return add("null"); }
    bool on_comment_part(string_view_type, keyops::error_code&) { return true; }
    bool on_comment(string_view_type, keyops::error_code&) { return true; }

private:
    bool add(std::string e) {
        events.push_back(std::move(e));
        return true;
    }
    // A key or string: its parts and its last piece, whose total size the parser gives.
    std::string whole(string_view_type s, std::size_t n) {
        part_.append(s.data(), s.size());
        BOOST_TEST(n == part_.size());
        return take();
    }
    std::string take() {
        std::string s;
        s.swap(part_);
        return s;
    }

    bool skip_key_x_;
    std::string last_key_;
    std::string part_;
};

struct run {
    keyops::error_code ec; // mapped to keyops' codes
    std::size_t consumed = 0;
    std::vector<std::string> events;
    std::vector<double> doubles;
    std::string detail; // the scanner's
};

keyops::error_code mapped(const keyops::error_code& jec) {
    if (!jec)
        return jec;
    if (jec == boost::json::error::incomplete)
        return error::incomplete_json;
    if (jec == boost::json::error::too_deep)
        return error::too_deep;
    if (jec == boost::json::error::syntax || jec == boost::json::error::extra_data ||
        jec.category() == jec.category())
        return error::malformed_json;
    return jec;
}

run with_reference(const std::string& text, std::size_t depth, bool skip_x) {
    boost::json::parse_options opt;
    opt.max_depth = depth;
    boost::json::basic_parser<recorder> p(opt, skip_x);
    run r;
    keyops::error_code jec;
    r.consumed = p.write_some(false, text.data(), text.size(), jec);
    r.ec = mapped(jec);
    // What the scanner skips: the value after each key "x", a scalar or a whole container.
    const auto& ev = p.handler().events;
    const auto& dv = p.handler().doubles;
    std::size_t d = 0;
    int skipping = 0;
    for (std::size_t i = 0; i < ev.size(); ++i) {
        const std::string& e = ev[i];
        const bool is_double = e.rfind("d:", 0) == 0;
        const bool opens = e == "{" || e == "[";
        const bool closes = e[0] == '}' || e[0] == ']';
        bool drop = false;
        if (skipping > 0) {
            drop = true;
            skipping += opens ? 1 : closes ? -1 : 0;
        } else if (skip_x && i > 0 && ev[i - 1] == "k:x" && !closes && e != "end") {
            drop = true;
            skipping = opens ? 1 : 0;
        }
        if (!drop)
            r.events.push_back(e);
        if (is_double) {
            if (!drop)
                r.doubles.push_back(dv[d]);
            ++d;
        }
    }
    return r;
}

template <class Kernel>
run with_scanner(const std::string& text, std::size_t depth, bool skip_x) {
    recorder h(skip_x);
    std::string scratch;
    keyops::detail::json_scanner<recorder, Kernel> s(h, depth, scratch);
    run r;
    r.consumed = s.scan(text.data(), text.size(), r.ec);
    if (r.ec)
        BOOST_TEST(*s.detail() != '\0');
    r.detail = s.detail();
    r.events = std::move(h.events);
    r.doubles = std::move(h.doubles);
    return r;
}

// `ref` from basic_parser, which reads `0e400` as NaN (keyops' handler makes it zero).
bool close_enough(double got, double ref) {
    if (got == ref || (std::isnan(ref) && got == 0))
        return true;
    const double a = got, b = ref;
    return std::fabs(a - b) <= std::fabs(a) * 1e-15;
}

bool same_error(const run& ref, const run& got, const std::string& text) {
    return ref.ec == got.ec || keyops_fuzz::detail::scanner_is_more_precise(ref.ec, got.ec, text);
}

constexpr std::size_t every_kernel = static_cast<std::size_t>(-1);

// The kernels (`pick`: every one, or the one of that index modulo their count, so that a sweep
// over many documents shares them out) against basic_parser, and each against the first (the
// portable one): the same outcome to the byte, whatever the kernel.
void compare(const std::string& text, std::size_t depth = 32, bool skip_x = false,
             std::size_t pick = every_kernel) {
    std::size_t kernels = 0;
    keyops_test::for_each_scan_kernel([&](auto) { ++kernels; });
    const run ref = with_reference(text, depth, skip_x);
    std::optional<run> first;
    std::size_t index = 0;
    keyops_test::for_each_scan_kernel([&](auto kernel) {
        if (pick != every_kernel && index++ != pick % kernels)
            return;
        const run got = with_scanner<typename decltype(kernel)::type>(text, depth, skip_x);
        const auto what = [&] {
            return std::string(kernel.name) + " kernel, for " + std::to_string(text.size()) +
                   " bytes: " + text.substr(0, 120);
        };
        if (first) {
            BOOST_TEST((got.ec == first->ec && got.consumed == first->consumed &&
                        got.detail == first->detail && got.events == first->events &&
                        got.doubles == first->doubles),
                       what() << ": " << got.ec.message() << " at " << got.consumed << ", portable "
                              << first->ec.message() << " at " << first->consumed);
        }
        BOOST_TEST(same_error(ref, got, text), what() << ": basic_parser " << ref.ec.message()
                                                      << ", scanner " << got.ec.message());
        if (!ref.ec && !got.ec) {
            BOOST_TEST(got.consumed == ref.consumed, what());
            BOOST_TEST(got.events == ref.events, what());
            BOOST_TEST_REQUIRE(got.doubles.size() == ref.doubles.size(), what());
            for (std::size_t i = 0; i < got.doubles.size(); ++i)
                BOOST_TEST(close_enough(got.doubles[i], ref.doubles[i]), what());
        }
        if (!first)
            first = got;
    });
}

std::vector<std::string> edge_documents() {
    return {
        // Values of every kind, nested.
        R"({"a":1,"b":-2,"c":1.5,"d":true,"e":false,"f":null,"g":"s","h":[],"i":{}})",
        R"([1,[2,[3,[4,{"x":[5]}]]]])",
        " \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" : { } } \n",
        R"("top")",
        "123",
        "-0",
        "0",
        "-0.0",
        "true",
        "null",
        "[]",
        "{}",
        // Numbers at the edges of int64, uint64 and double.
        "[9223372036854775807,9223372036854775808,-9223372036854775808,-9223372036854775809]",
        "[18446744073709551615,18446744073709551616,123456789012345678901234567890]",
        "[1e308,1e309,-1e400,1e-400,0e400,2.5E+3,2.5e-3,0.1,1E2,1e0,0.000001]",
        "[1.7976931348623157e308,4.9e-324,2.2250738585072014e-308]",
        "[1e2147483647]",
        "[1e2147483648]",
        "[1e-2147483648]",
        "[01]",
        "[-]",
        "[1.]",
        "[.5]",
        "[1e]",
        "[1e+]",
        "[+1]",
        "[1.e5]",
        "[-a]",
        "[0x10]",
        "[1",
        "[-",
        "[1.",
        "[1e",
        "[1e-",
        "[12",
        "[1.5e3",
        // Strings: escapes, UTF-8, UTF-16 surrogates, control characters.
        R"(["\"\\\/\b\f\n\r\t","\u0041\u00e9\u4e2d\ud83d\ude00","\u0000","a\u003cb\u0026"])",
        "[\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\"]",
        "[\"\x7f\"]",
        R"(["\ud83d"])",
        R"(["\ude00"])",
        R"(["\ud83dx"])",
        R"(["\ud83d\u0041"])",
        R"(["\ud83d\"])",
        R"(["\u12"])",
        R"(["\u12g4"])",
        R"(["\x"])",
        R"(["\)",
        R"(["\ud83d\)",
        R"(["\ud83d\u)",
        R"(["\ud83d\ude0)",
        "[\"a\x01\"]",
        "[\"a\nb\"]",
        "[\"\xff\"]",
        "[\"\xc0\xaf\"]",
        "[\"\xed\xa0\x80\"]",
        "[\"\xf4\x90\x80\x80\"]",
        "[\"\xe0\x80\xaf\"]",
        "[\"\xc3\"]",
        "[\"\xc3",
        "[\"\xe4\xb8",
        "[\"\xf0\x9f\x98",
        "[\"\x80\"]",
        "[\"\xc3\x28\"]",
        "{\"k\xff\":1}",
        std::string("[\"a\0b\"]", 7),
        "[\"abc",
        "[\"abc\\",
        "[\"",
        // A long string, past any 16-byte block, with its special byte at each offset.
        "[\"" + std::string(100, 'x') + "\"]",
        "[\"" + std::string(40, 'y') + "\\n\"]",
        // Whitespace in runs past a 16-byte block, of every kind, ending at each offset.
        std::string(40, ' ') + "{\"a\":" + std::string(17, '\t') +
            "[1,\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r2]" + std::string(33, '\n') + "}" +
            std::string(20, ' '),
        "{" + std::string(15, ' ') + "\"b\"" + std::string(16, ' ') + ":" + std::string(31, ' ') +
            "x}",
        // Structure.
        "{",
        "[",
        "{\"a\"",
        "{\"a\":",
        "{\"a\":1",
        "{\"a\":1,",
        "[1,",
        "{,}",
        "[,]",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{1:2}",
        "{\"a\":1 \"b\":2}",
        "[1 2]",
        "]",
        "}",
        ",",
        ":",
        "[1]]",
        "{}x",
        "{} {}",
        "[1] ",
        "tru",
        "fals",
        "nul",
        "trux",
        "[nulL]",
        "[True]",
        "{\"a\":1}\x00",
        "\xef\xbb\xbf{}",
        "/*c*/{}",
        "{}//",
        "[1,2,3,4,5,6,7,8,9,10]",
        // Keys the skip path reads past: every kind of value, and malformed ones.
        R"({"x":{"a":[1,{"b":"\u00e9"}],"c":null},"y":1})",
        R"({"x":[1,2,[3]],"y":"z"})",
        R"({"x":"skipped\n\u0041","y":2})",
        R"({"x":-1.5e3,"y":true})",
        R"({"x":[1,]})",
        R"({"x":{"a" 1}})",
        R"({"x":"\ud800"})",
        "{\"x\":\"\xff\"}",
        R"({"x":[1)",
        R"({"x":tru})",
        R"({"x":01})",
        R"({"x":{}, "x":[], "x":""})",
    };
}

std::string nested(std::size_t depth, bool skip_key) {
    std::string s;
    if (skip_key)
        s += "{\"x\":";
    for (std::size_t i = 0; i < depth; ++i)
        s += (i % 2) ? "{\"k\":" : "[";
    s += "0";
    for (std::size_t i = depth; i-- > 0;)
        s += (i % 2) ? "}" : "]";
    if (skip_key)
        s += "}";
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(scanner)

BOOST_AUTO_TEST_CASE(edge_documents_match_basic_parser) {
    for (const std::string& doc : edge_documents()) {
        compare(doc);
        compare(doc, 32, true);
        // Every truncation of every one of them.
        for (std::size_t n = 0; n < doc.size(); ++n)
            compare(doc.substr(0, n), 32, n % 2 == 0);
    }
}

BOOST_AUTO_TEST_CASE(nesting_limits_match_basic_parser) {
    for (std::size_t limit : {1u, 2u, 3u, 8u, 32u, 64u, 65u, 100u}) {
        for (std::size_t depth : {limit - 1, limit, limit + 1}) {
            compare(nested(depth, false), limit);
            compare(nested(depth, true), limit + 1, true);
            compare(nested(depth, true), limit, true);
        }
    }
    // Past the levels the scanner keeps on its own stack.
    compare(nested(1000, false), 2000);
    compare(nested(1000, true), 1000, true);
}

BOOST_AUTO_TEST_CASE(errors_name_the_fault) {
    struct expectation {
        std::string body;
        error code;
        std::string detail;
        std::size_t offset;
    };
    const std::vector<expectation> cases = {
        {R"({"id":"a\q"})", error::malformed_json, "unknown escape", 8},
        {"{\"id\":\"a\x01\"}", error::malformed_json, "control character", 8},
        {"{\"id\":\"ab\xff\"}", error::invalid_utf8, "not UTF-8", 9},
        {R"({"id" "a"})", error::malformed_json, "expected ':'", 6},
        {R"({"id":"a" "b"})", error::malformed_json, "expected ',' or '}'", 10},
        {R"({"abort":true,"x":01})", error::malformed_json, "expected ',' or '}'", 19},
        {R"({"id":"a)", error::incomplete_json, "ends inside", 8},
        {R"({"v":[1,]})", error::malformed_json, "expected a value", 8},
        {R"({"v":"\udc00"})", error::malformed_json, "low surrogate", 6},
    };
    for (const auto& c : cases) {
        keyops::error_code ec;
        keyops::diagnostics diag;
        auto r = keyops::parse<keyops::cckm::job>(c.body, ec, diag);
        BOOST_TEST((ec == c.code), c.body << ": " << ec.message());
        BOOST_TEST(diag.detail.find(c.detail) != std::string::npos, c.body << ": " << diag.detail);
        BOOST_TEST(diag.json_offset == c.offset, c.body);
    }
}

BOOST_AUTO_TEST_CASE(fixtures_and_their_mutations_match_basic_parser) {
    static const char replacements[] = {'"', '\\', '{', ']', ',', '0', 'e', '\xff', '\x01', ' '};
    const auto probe = keyops_fuzz::fuzz_parse;
    for (const char* name :
         {"oci_sync_list.json", "dsm_refresh_list.json", "azure_certificates_job.json",
          "google_update_all_versions_job.json", "ni_rotation_status.json", "ni_error_401.json"}) {
        const std::string doc = keyops_test::fixture(name);
        compare(doc);
        compare(doc, 32, true);
        // Three of the ten replacements at each offset, in turn, so that each meets every
        // part of the document without the sweep costing ten parses a byte (the parse fuzz
        // target tries the rest at random); the kernels take the mutations and cuts in turn.
        constexpr std::size_t per_offset = 3, kinds = sizeof replacements;
        for (std::size_t i = 0; i < doc.size(); ++i) {
            for (std::size_t k = 0; k < per_offset; ++k) {
                const char c = replacements[(i * per_offset + k) % kinds];
                std::string m = doc;
                m[i] = c;
                compare(m, 32, (i & 1) != 0, i * per_offset + k);
                // Typed, through the schema handler: as a list (with the field mask) and a job.
                for (char selector : {'\x01', '\x00'}) {
                    std::string input = selector + m;
                    probe(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
                }
            }
            const std::string cut = doc.substr(0, i);
            compare(cut, 32, false, i);
            std::string input = '\x01' + cut;
            probe(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
        }
    }
}

// Every input of the parse target's corpus (its first byte picks types and limits there; here
// the rest is the body) with every kernel: whole, with the values of "x" skipped, and within
// the nesting limit the first byte names; and cut at every byte, the cuts shared out among the
// kernels.
BOOST_AUTO_TEST_CASE(corpus_matches_basic_parser) {
    BOOST_TEST_MESSAGE("kernels: " << keyops_test::scan_kernel_names());
    std::size_t inputs = 0;
    for (const auto& file : keyops_test::corpus_files("parse")) {
        const std::string input = keyops_test::read_corpus_file(file);
        BOOST_TEST_CHECKPOINT("parse/" << file.filename().string());
        if (input.empty())
            continue;
        const std::string body = input.substr(1);
        const auto selector = static_cast<unsigned char>(input[0]);
        compare(body);
        compare(body, 32, true);
        if ((selector & 16) != 0 && (selector >> 5) != 0)
            compare(body, selector >> 5, (selector & 1) != 0);
        for (std::size_t n = 0; n < body.size(); ++n)
            compare(body.substr(0, n), 32, n % 2 == 0, n / 2);
        ++inputs;
    }
    BOOST_TEST(inputs >= 10u);
}

BOOST_AUTO_TEST_SUITE_END()
