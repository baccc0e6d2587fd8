// The parser on everything but the happy path: escapes, unknown and missing fields, nulls, wrong
// types, numbers out of range, nesting, truncation at every byte, invalid UTF-8, size limits; the
// field mask of a wait (cckm::job_brief_list) against the full parse and a DOM.

#include "fixtures.hpp"

#include <keyops/keyops.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using keyops::error;
using keyops_test::fixture;

namespace {

struct outcome {
    keyops::error_code ec;
    keyops::diagnostics diag;
};

template <class T>
outcome parse_fails(const std::string& body, const keyops::parse_options& opt = {}) {
    outcome o;
    auto r = keyops::parse<T>(body, o.ec, o.diag, opt);
    BOOST_TEST(o.ec.failed(), "expected a parse error for: " << body.substr(0, 200));
    return o;
}

template <class T>
keyops::parsed<T> parses(const std::string& body, const keyops::parse_options& opt = {}) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto r = keyops::parse<T>(body, ec, diag, opt);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec) << " for: " << body.substr(0, 200));
    return r;
}

bool inside(std::string_view part, std::string_view whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

std::string trimmed_fixture(const std::string& name) {
    std::string s = fixture(name);
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r'))
        s.pop_back();
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(escapes)

BOOST_AUTO_TEST_CASE(escaped_values_are_decoded) {
    auto j = parses<keyops::cckm::job>(
        R"({"id":"a\"b\\c\u003cd\u003e\u0026","cloud":"\ud83d\ude00!","account":"\/x\n\t"})");
    BOOST_TEST(j->id == "a\"b\\c<d>&");
    BOOST_TEST(j->cloud == "\xF0\x9F\x98\x80!");
    BOOST_TEST(j->account == "/x\n\t");
}

BOOST_AUTO_TEST_CASE(escaped_keys_match_fields) {
    auto j = parses<keyops::cckm::job>(R"({"\u0069d":"x","overall\u005fstatus":"failed"})");
    BOOST_TEST(j->id == "x");
    BOOST_TEST((j->overall_status.state == keyops::job_state::failed));
}

BOOST_AUTO_TEST_CASE(escaped_keys_in_general_objects) {
    auto j = parses<keyops::cckm::job>(
        R"({"detailed_status":{"vault\u003c1\u003e":"ok","a\"b":"q","plain":"p"}})");
    BOOST_TEST(j->detailed_status.string("vault<1>") == "ok");
    BOOST_TEST(j->detailed_status.string("a\"b") == "q");
    BOOST_TEST(j->detailed_status.string("plain") == "p");
}

BOOST_AUTO_TEST_CASE(plain_strings_point_into_the_body_escaped_ones_do_not) {
    auto j = parses<keyops::cckm::job>(R"({"id":"plain-id","cloud":"esc\u003caped"})");
    BOOST_TEST(inside(j->id, j.body()));
    BOOST_TEST(!inside(j->cloud, j.body()));
    BOOST_TEST(j->cloud == "esc<aped");
}

BOOST_AUTO_TEST_CASE(borrowed_parse_does_not_copy) {
    const std::string body = fixture("oci_sync_list.json");
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto l = keyops::parse_borrowed<keyops::cckm::job_list>(body, ec, diag);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(l.body().data() == body.data());
    BOOST_TEST(inside(l->resources[0].id, body));
    BOOST_TEST(inside(l->resources[0].key_vaults[0], body));
}

BOOST_AUTO_TEST_CASE(copied_parse_owns_its_copy) {
    std::string body = fixture("oci_sync_list.json");
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto l = keyops::parse_copy<keyops::cckm::job_list>(body, ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(l.body() == body);
    BOOST_TEST(static_cast<const void*>(l.body().data()) != static_cast<const void*>(body.data()));
    const std::string first_id(l->resources[0].id);
    BOOST_TEST(inside(l->resources[0].id, l.body()));
    // The caller's buffer is free: overwriting it changes nothing in the result.
    std::fill(body.begin(), body.end(), 'x');
    BOOST_TEST(std::string(l->resources[0].id) == first_id);
    auto moved = std::move(l);
    BOOST_TEST(std::string(moved->resources[0].id) == first_id);

    // Failures as with parse(): empty result, the place in the diagnostics.
    auto bad = keyops::parse_copy<keyops::cckm::job>(R"({"id":1})", ec, diag);
    BOOST_TEST((ec == keyops::error::wrong_type));
    BOOST_TEST(diag.json_path == "/id");
    BOOST_TEST(bad.body().empty());
    auto empty = keyops::parse_copy<keyops::cckm::job>("", ec, diag);
    BOOST_TEST((ec == keyops::error::empty_body));
}

BOOST_AUTO_TEST_CASE(parses_in_a_row_reuse_nothing_stale) {
    // The scratch stacks are kept per thread between parses: a parse that failed half-way
    // leaves nothing behind for the next one.
    keyops::error_code ec;
    keyops::diagnostics diag;
    keyops::parse<keyops::cckm::job_list>(R"({"resources":[{"id":"a","key_vaults":["v1","v2",)", ec,
                                          diag);
    BOOST_TEST(ec.failed());
    auto l = keyops::parse<keyops::cckm::job_list>(
        R"({"resources":[{"id":"b","key_vaults":["w1"]}]})", ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST_REQUIRE(l->resources.size() == 1u);
    BOOST_TEST(l->resources[0].id == "b");
    BOOST_TEST_REQUIRE(l->resources[0].key_vaults.size() == 1u);
    BOOST_TEST(l->resources[0].key_vaults[0] == "w1");
}

BOOST_AUTO_TEST_CASE(results_outlive_their_recycled_neighbours) {
    // A dropped result's storage serves the next parse on the thread: results alive at the same
    // time never share it.
    keyops::error_code ec;
    keyops::diagnostics diag;
    std::vector<keyops::parsed<keyops::cckm::job>> kept;
    for (int i = 0; i < 8; ++i) {
        const std::string id = "job-" + std::to_string(i);
        {
            auto dropped = keyops::parse_copy<keyops::cckm::job>(
                R"({"id":"dropped","key_vaults":["x"]})", ec, diag);
            BOOST_TEST_REQUIRE(!ec);
        }
        kept.push_back(keyops::parse_copy<keyops::cckm::job>(
            R"({"id":")" + id + R"(","key_vaults":["v"]})", ec, diag));
        BOOST_TEST_REQUIRE(!ec);
    }
    for (int i = 0; i < 8; ++i)
        BOOST_TEST(std::string(kept[static_cast<std::size_t>(i)]->id) ==
                   "job-" + std::to_string(i));
}

BOOST_AUTO_TEST_CASE(long_escaped_string) {
    std::string value;
    std::string expected;
    for (int i = 0; i < 5000; ++i) {
        value += "ab\\u003c";
        expected += "ab<";
    }
    auto j = parses<keyops::cckm::job>("{\"id\":\"" + value + "\"}");
    BOOST_TEST(j->id == expected);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(lifetimes)

BOOST_AUTO_TEST_CASE(views_survive_moves) {
    std::vector<keyops::parsed<keyops::cckm::job_list>> kept;
    for (int i = 0; i < 20; ++i) // the vector reallocates, moving every element
        kept.push_back(parses<keyops::cckm::job_list>(fixture("oci_sync_list.json")));
    for (const auto& l : kept) {
        const auto& j = l->resources.at(0);
        BOOST_TEST(j.id == "45f1c056-ad1f-41b7-bf68-2b2909e51ab9");
        BOOST_TEST(j.key_vaults[0] == "5e9ee2f1-1b90-4b7d-b319-2b0848e78e75");
        BOOST_TEST(
            j.detailed_status.string("cckmqa-automation/5e9ee2f1-1b90-4b7d-b319-2b0848e78e75") ==
            "vault synchronized successfully");
    }
}

BOOST_AUTO_TEST_CASE(short_bodies_survive_moves) {
    // Short enough for std::string's inline buffer: the body must still not move.
    auto a = parses<keyops::cckm::job>(R"({"id":"a"})");
    auto b = std::move(a);
    keyops::parsed<keyops::cckm::job> c;
    c = std::move(b);
    BOOST_TEST(c->id == "a");
    BOOST_TEST(c.body() == R"({"id":"a"})");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(schema_tolerance)

BOOST_AUTO_TEST_CASE(unknown_fields_at_any_depth_are_skipped) {
    auto l = parses<keyops::cckm::job_list>(
        R"({"new_top":{"a":[{"b":{"c":[1,2.5,-3,true,null,{"d":"x\u003c"}]}}]},)"
        R"("resources":[{"id":"right","future":{"id":"wrong","resources":[{"id":"no"}]},)"
        R"("labels":["a","b"],"n":1e300,"abort":true}],"total":1,"next":null})");
    BOOST_TEST_REQUIRE(l->resources.size() == 1u);
    BOOST_TEST(l->resources[0].id == "right");
    BOOST_TEST(l->resources[0].abort == true);
    BOOST_TEST(*l->total == 1);
}

BOOST_AUTO_TEST_CASE(missing_fields_are_empty) {
    auto j = parses<keyops::cckm::job>("{}");
    BOOST_TEST(j->id.empty());
    BOOST_TEST(!j->created_at.has_value());
    BOOST_TEST(!j->overall_status.has_value());
    BOOST_TEST((j->overall_status.state == keyops::job_state::unknown));
    BOOST_TEST(j->detailed_status.empty());
    BOOST_TEST(j->key_vaults.empty());
    BOOST_TEST(!j->version_count.has_value());
    BOOST_TEST(j->abort == false);
    BOOST_TEST(!j->done());
    auto l = parses<keyops::cckm::job_list>("{}");
    BOOST_TEST(l->resources.empty());
    BOOST_TEST(!l->total.has_value());
}

BOOST_AUTO_TEST_CASE(nulls_are_accepted_for_optional_fields) {
    auto j = parses<keyops::cckm::job>(
        R"({"id":null,"createdAt":null,"completed_at":null,"overall_status":null,)"
        R"("detailed_status":null,"key_vaults":null,"abort":null,"version_count":null,)"
        R"("cloud":null})");
    BOOST_TEST(j->id.empty());
    BOOST_TEST(!j->completed_at.has_value());
    BOOST_TEST(j->detailed_status.empty());
    BOOST_TEST(j->key_vaults.empty());
    BOOST_TEST(!j->version_count.has_value());
    auto l = parses<keyops::cckm::job_list>(R"({"resources":null,"total":null})");
    BOOST_TEST(l->resources.empty());
    auto e = parses<keyops::ni::error_body>(R"({"code":null,"details":[{"target":null}]})");
    BOOST_TEST(e->details.size() == 1u);
}

BOOST_AUTO_TEST_CASE(later_duplicate_keys_win) {
    auto j = parses<keyops::cckm::job>(R"({"id":"first","id":"second"})");
    BOOST_TEST(j->id == "second");
}

BOOST_AUTO_TEST_CASE(general_values_in_detailed_status) {
    auto j = parses<keyops::cckm::job>(
        R"({"detailed_status":{"s":"text","i":-5,"u":18446744073709551615,"d":2.5,)"
        R"("t":true,"n":null,"a":[1,[2,[3]],{"k":"v"}],"o":{"x":{"y":"z"}},"e":{},"ea":[]}})");
    const auto& ds = j->detailed_status;
    BOOST_TEST(ds.size() == 10u);
    BOOST_TEST(ds.string("s") == "text");
    BOOST_TEST(ds.find("i").as_int64() == -5);
    BOOST_TEST((ds.find("u").kind() == keyops::json_kind::uint64));
    BOOST_TEST(ds.find("d").as_double() == 2.5);
    BOOST_TEST(ds.find("t").as_bool());
    BOOST_TEST(ds.find("n").present());
    BOOST_TEST(ds.find("n").is_null());
    BOOST_TEST(!ds.find("missing").present());
    auto a = ds.find("a").as_array();
    BOOST_TEST_REQUIRE(a.size() == 3u);
    BOOST_TEST(a[0].as_int64() == 1);
    BOOST_TEST(a[1].as_array()[1].as_array()[0].as_int64() == 3);
    BOOST_TEST(a[2].as_object().string("k") == "v");
    BOOST_TEST(ds.find("o").as_object().find("x").as_object().string("y") == "z");
    BOOST_TEST(ds.find("e").as_object().empty());
    BOOST_TEST(ds.find("ea").as_array().empty());
    std::vector<std::string> keys;
    for (auto m : ds)
        keys.emplace_back(m.key);
    BOOST_TEST(keys ==
               (std::vector<std::string>{"s", "i", "u", "d", "t", "n", "a", "o", "e", "ea"}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(wrong_types_name_the_path) {
    struct row {
        const char* body;
        const char* path;
    };
    const row rows[] = {
        {R"({"resources":[{"id":"a"},{"id":"b","overall_status":7}]})",
         "/resources/1/overall_status"},
        {R"({"resources":[{"key_vaults":["a","b",3]}]})", "/resources/0/key_vaults/2"},
        {R"({"resources":{"id":"a"}})", "/resources"},
        {R"({"resources":["a"]})", "/resources/0"},
        {R"({"resources":[{"abort":"yes"}]})", "/resources/0/abort"},
        {R"({"resources":[{"detailed_status":["x"]}]})", "/resources/0/detailed_status"},
        {R"({"resources":[{"version_count":"2"}]})", "/resources/0/version_count"},
        {R"({"resources":[{"id":{"nested":true}}]})", "/resources/0/id"},
        {R"({"resources":[{"key_vaults":"a"}]})", "/resources/0/key_vaults"},
        {R"({"total":"1"})", "/total"},
        {R"([1,2])", ""},
        {R"("text")", ""},
    };
    for (const auto& r : rows) {
        auto o = parse_fails<keyops::cckm::job_list>(r.body);
        BOOST_TEST((o.ec == error::wrong_type), r.body << ": " << o.ec.message());
        BOOST_TEST(o.diag.json_path == r.path, r.body);
        BOOST_TEST(o.diag.detail.find("expected") != std::string::npos);
        BOOST_TEST(o.diag.json_offset <= std::string(r.body).size());
    }
}

BOOST_AUTO_TEST_CASE(json_pointer_escapes_keys) {
    auto o = parse_fails<keyops::cckm::job>(R"({"detailed_status":{"a/b~c":1},"abort":1})");
    BOOST_TEST(o.diag.json_path == "/abort");
    auto p = parse_fails<keyops::ni::error_body>(R"({"details":[{"target":[1]}]})");
    BOOST_TEST(p.diag.json_path == "/details/0/target/0");
}

// A number its field cannot hold leaves that field empty and is reported on its own, with its
// text; the rest of the document parses. (Until the hardening issue, any such number failed the
// whole parse with number_out_of_range, which made a whole job list unreadable.)
BOOST_AUTO_TEST_CASE(numbers_a_field_cannot_hold_are_reported_alone) {
    auto list = parses<keyops::cckm::job_list>(
        R"({"resources":[)"
        R"({"id":"a","version_count":99999999999999999999,"overall_status":"completed"},)"
        R"({"id":"b","version_count":-1,"abort":true},)"
        R"({"id":"c","version_count":2.5,"cloud":"gcp"},)"
        R"({"id":"d","version_count":18446744073709551615},)"
        R"({"id":"e","version_count":2.0},{"id":"f","version_count":1e3}],)"
        R"("total":18446744073709551615,"skip":0,"limit":1e400})");
    const auto& r = list->resources;
    BOOST_TEST_REQUIRE(r.size() == 6u);
    BOOST_TEST(r[0].id == "a");
    BOOST_TEST(!r[0].version_count.has_value());
    BOOST_TEST((r[0].overall_status.state == keyops::job_state::completed));
    BOOST_TEST(!r[1].version_count.has_value());
    BOOST_TEST(r[1].abort);
    BOOST_TEST(!r[2].version_count.has_value());
    BOOST_TEST(r[2].cloud == "gcp");
    // A count is unsigned: every value a Go uint64 writes fits.
    BOOST_TEST(*r[3].version_count == 18446744073709551615ULL);
    BOOST_TEST(*list->total == 18446744073709551615ULL);
    BOOST_TEST(*r[4].version_count == 2u);
    BOOST_TEST(*r[5].version_count == 1000u);
    BOOST_TEST(!list->limit.has_value());

    struct expected {
        error code;
        const char* path;
        const char* text;
    };
    const expected want[] = {
        {error::number_out_of_range, "/resources/0/version_count", "99999999999999999999"},
        {error::number_out_of_range, "/resources/1/version_count", "-1"},
        {error::wrong_type, "/resources/2/version_count", "2.5"},
        {error::number_out_of_range, "/limit", "1e400"},
    };
    BOOST_TEST_REQUIRE(list.problems().size() == std::size(want));
    std::size_t i = 0;
    for (const keyops::field_problem& p : list.problems()) {
        BOOST_TEST((p.code == want[i].code), p.path);
        BOOST_TEST(p.path == want[i].path);
        BOOST_TEST(p.text == want[i].text);
        BOOST_TEST(!p.detail.empty());
        BOOST_TEST(inside(p.text, list.body()));
        ++i;
    }

    auto i32 =
        parses<keyops::ni::rotation_status>(R"({"customerId":2147483648,"status":"SUCCESS"})");
    BOOST_TEST(!i32->customer_id.has_value());
    BOOST_TEST(i32->status.raw == "SUCCESS");
    BOOST_TEST_REQUIRE(i32.problems().size() == 1u);
    BOOST_TEST(i32.problems().begin()->detail.find("32-bit") != std::string_view::npos);
    auto neg32 = parses<keyops::ni::rotation_status>(R"({"customerId":-2147483649})");
    BOOST_TEST(!neg32->customer_id.has_value());
    BOOST_TEST(neg32.problems().size() == 1u);
    auto ok = parses<keyops::ni::rotation_status>(R"({"customerId":-2147483648})");
    BOOST_TEST(*ok->customer_id == -2147483648LL);
    BOOST_TEST(ok.problems().empty());
    auto max64 = parses<keyops::cckm::job>(R"({"version_count":9223372036854775807})");
    BOOST_TEST(*max64->version_count == 9223372036854775807ULL);

    // A later valid value of a repeated member wins; an unholdable one empties it.
    auto twice = parses<keyops::cckm::job>(R"({"version_count":3,"version_count":-3})");
    BOOST_TEST(!twice->version_count.has_value());
    // Strings are not numbers: the wrong JSON type still fails the parse.
    auto str = parse_fails<keyops::cckm::job>(R"({"version_count":"3"})");
    BOOST_TEST((str.ec == error::wrong_type));
}

BOOST_AUTO_TEST_CASE(malformed_json) {
    for (const char* body : {R"({"id":})", R"({'id':1})", R"({"id":"a"} x)", R"({"id":"a",})",
                             R"({"id" "a"})", "{\"id\":\"a\"}\n// comment", R"({"n":01})",
                             R"({"n":1.})", R"({"s":"\x"})", "{\"s\":\"a\nb\"}", R"({"n":-})"}) {
        auto o = parse_fails<keyops::cckm::job>(body);
        BOOST_TEST((o.ec == error::malformed_json), body << ": " << o.ec.message());
        BOOST_TEST(!o.diag.detail.empty());
    }
}

BOOST_AUTO_TEST_CASE(empty_bodies) {
    for (const char* body : {"", " ", "\r\n\t "}) {
        auto o = parse_fails<keyops::cckm::job>(body);
        BOOST_TEST((o.ec == error::empty_body));
    }
}

BOOST_AUTO_TEST_CASE(invalid_utf8) {
    for (const char* body :
         {"{\"id\":\"a\xff\"}", "{\"id\":\"\xc0\xaf\"}", "{\"id\":\"\xed\xa0\x80\"}",
          "{\"unknown\":\"\xfe\"}", "{\"detailed_status\":{\"k\xff\":\"v\"}}"}) {
        auto o = parse_fails<keyops::cckm::job>(body);
        BOOST_TEST((o.ec == error::invalid_utf8), o.ec.message());
    }
    auto o = parse_fails<keyops::cckm::job>("{\"id\":\"abc\xff\"}");
    BOOST_TEST(o.diag.json_offset == 10u);
}

BOOST_AUTO_TEST_CASE(timestamps) {
    // A text that is not RFC 3339 is reported for its field alone (it failed the whole parse
    // before the hardening issue); the text is kept as sent.
    auto bad = parses<keyops::cckm::job>(R"({"id":"j","createdAt":"yesterday","abort":true})");
    BOOST_TEST(bad->id == "j");
    BOOST_TEST(bad->abort);
    BOOST_TEST(bad->created_at.raw == "yesterday");
    BOOST_TEST(!bad->created_at.value().has_value());
    BOOST_TEST_REQUIRE(bad.problems().size() == 1u);
    BOOST_TEST((bad.problems().begin()->code == error::invalid_timestamp));
    BOOST_TEST(bad.problems().begin()->path == "/createdAt");
    BOOST_TEST(bad.problems().begin()->text.empty());
    for (const char* t : {"2021-02-29T00:00:00Z", "2021-13-01T00:00:00Z", "2021-01-01T24:00:00Z",
                          "2021-01-01T00:00:00", "2021-01-01T00:00:00.Z", "2021-01-01T00:00:00Zx",
                          "2021-01-01T00:00:00+2:00"})
        BOOST_TEST(!keyops::parse_rfc3339(t).has_value(), t);
    using namespace std::chrono;
    auto leap = keyops::parse_rfc3339("2020-02-29T23:59:59.123456789Z");
    BOOST_TEST_REQUIRE(leap.has_value());
    // To the clock's own precision: nanoseconds in libstdc++, microseconds in libc++.
    BOOST_TEST(leap->time_since_epoch().count() ==
               duration_cast<system_clock::duration>(nanoseconds(1583020799123456789LL)).count());
    auto offset = keyops::parse_rfc3339("2021-03-03T11:22:15+02:00");
    auto utc = keyops::parse_rfc3339("2021-03-03T09:22:15Z");
    BOOST_TEST((offset == utc));
    auto negative = keyops::parse_rfc3339("1969-12-31T23:59:59Z");
    BOOST_TEST(duration_cast<seconds>(negative->time_since_epoch()).count() == -1);
}

// Go writes 0001-01-01T00:00:00Z for a time never set: it parses, exactly, and says so.
BOOST_AUTO_TEST_CASE(go_zero_time) {
    auto j = parses<keyops::cckm::job>(
        R"({"completed_at":"0001-01-01T00:00:00Z","createdAt":"2021-03-03T09:22:15Z"})");
    BOOST_TEST(j.problems().empty());
    BOOST_TEST(j->completed_at.has_value());
    BOOST_TEST_REQUIRE(j->completed_at.value().has_value());
    BOOST_TEST(j->completed_at.value()->is_go_zero());
    BOOST_TEST(j->completed_at.value()->seconds == -62135596800LL);
    BOOST_TEST(!j->completed_at.is_set());
    BOOST_TEST(j->created_at.is_set());
    // Beyond system_clock's range the time point is the clock's limit, not a wrapped value.
    BOOST_TEST((j->completed_at.time() < std::chrono::system_clock::time_point{}));
    BOOST_TEST(!keyops::timestamp{}.value().has_value());
    BOOST_TEST(!keyops::timestamp{}.is_set());
}

// Every year 0001..9999 round-trips exactly through instant and back to text: the first and
// last second of each year, a leap day where there is one, and a fraction.
BOOST_AUTO_TEST_CASE(every_year_round_trips) {
    std::int64_t previous = std::numeric_limits<std::int64_t>::min();
    unsigned failures = 0;
    for (int year = 1; year <= 9999; ++year) {
        char y[16];
        std::snprintf(y, sizeof y, "%04d", year);
        const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        std::vector<std::string> texts = {std::string(y) + "-01-01T00:00:00Z"};
        if (leap)
            texts.push_back(std::string(y) + "-02-29T08:00:00.000001Z");
        texts.push_back(std::string(y) + "-06-15T12:34:56.5Z");
        texts.push_back(std::string(y) + "-12-31T23:59:59.123456789Z");
        for (const std::string& t : texts) {
            const auto v = keyops::parse_instant(t);
            if (!v || keyops::format_rfc3339(*v) != t || v->seconds <= previous) {
                if (++failures < 10)
                    BOOST_TEST(false, t << " did not round-trip");
                continue;
            }
            previous = v->seconds;
        }
        // The last second of a year is one second before the first of the next.
        const auto last = keyops::parse_instant(std::string(y) + "-12-31T23:59:59Z");
        char next[16];
        std::snprintf(next, sizeof next, "%04d", year + 1);
        if (year < 9999) {
            const auto first = keyops::parse_instant(std::string(next) + "-01-01T00:00:00Z");
            BOOST_TEST_REQUIRE((last && first));
            if (first->seconds != last->seconds + 1 && ++failures < 10)
                BOOST_TEST(false,
                           "year " << year << " does not end where " << year + 1 << " begins");
        }
    }
    BOOST_TEST(failures == 0u);
    // The ends of RFC 3339, offsets included, have exact instants.
    const auto low = keyops::parse_instant("0000-01-01T00:00:00+23:59");
    BOOST_TEST_REQUIRE(low.has_value());
    BOOST_TEST(keyops::format_rfc3339(*low) == "-0001-12-31T00:01:00Z");
    const auto high = keyops::parse_instant("9999-12-31T23:59:59.999999999-23:59");
    BOOST_TEST_REQUIRE(high.has_value());
    BOOST_TEST(keyops::format_rfc3339(*high) == "10000-01-01T23:58:59.999999999Z");
    BOOST_TEST(keyops::parse_instant("1970-01-01T00:00:00Z")->seconds == 0);
}

BOOST_AUTO_TEST_CASE(size_limit) {
    keyops::parse_options opt;
    opt.max_body_size = 64;
    std::string body = R"({"id":")" + std::string(100, 'x') + R"("})";
    auto o = parse_fails<keyops::cckm::job>(body, opt);
    BOOST_TEST((o.ec == error::body_too_large));
    BOOST_TEST(o.diag.detail.find("limit is 64") != std::string::npos);
    opt.max_body_size = body.size();
    auto j = parses<keyops::cckm::job>(body, opt);
    BOOST_TEST(j->id.size() == 100u);
}

BOOST_AUTO_TEST_CASE(depth_limit) {
    auto nest = [](int depth) {
        std::string s = R"({"id":"x","unknown":)";
        for (int i = 0; i < depth; ++i)
            s += "[";
        for (int i = 0; i < depth; ++i)
            s += "]";
        return s + "}";
    };
    parses<keyops::cckm::job>(nest(30));
    auto o = parse_fails<keyops::cckm::job>(nest(40));
    BOOST_TEST((o.ec == error::too_deep));
    auto deep_status =
        std::string(R"({"detailed_status":)") + std::string(50, '[') + std::string(50, ']') + "}";
    auto d = parse_fails<keyops::cckm::job>(deep_status);
    BOOST_TEST((d.ec == error::wrong_type || d.ec == error::too_deep));
    keyops::parse_options opt;
    opt.max_depth = 64;
    parses<keyops::cckm::job>(nest(40), opt);
    auto huge = parse_fails<keyops::cckm::job>(nest(100000));
    BOOST_TEST((huge.ec == error::too_deep));
}

BOOST_AUTO_TEST_CASE(every_truncation_fails_cleanly) {
    for (const char* name :
         {"oci_sync_list.json", "dsm_refresh_list.json", "azure_certificates_job.json",
          "google_update_all_versions_job.json", "ni_rotation_status.json", "ni_error_401.json"}) {
        const std::string whole = trimmed_fixture(name);
        for (std::size_t n = 0; n < whole.size(); ++n) {
            keyops::error_code ec;
            keyops::diagnostics diag;
            // Each type, so that truncation is seen by every schema, not just the right one.
            auto a = keyops::parse<keyops::cckm::job_list>(whole.substr(0, n), ec, diag);
            BOOST_TEST_REQUIRE(ec.failed(), name << " cut at " << n);
            BOOST_TEST((ec == error::incomplete_json || ec == error::empty_body),
                       name << " cut at " << n << ": " << ec.message());
            BOOST_TEST(diag.json_offset <= n);
            auto b = keyops::parse<keyops::cckm::job>(whole.substr(0, n), ec, diag);
            BOOST_TEST(ec.failed());
            auto c = keyops::parse<keyops::ni::error_body>(whole.substr(0, n), ec, diag);
            BOOST_TEST(ec.failed());
        }
    }
}

BOOST_AUTO_TEST_CASE(truncated_escapes_and_utf8) {
    const std::string whole = "{\"id\":\"a\\u003cb\\ud83d\\ude00\xc3\xa9\"}";
    for (std::size_t n = 0; n < whole.size(); ++n) {
        keyops::error_code ec;
        keyops::diagnostics diag;
        auto r = keyops::parse<keyops::cckm::job>(whole.substr(0, n), ec, diag);
        BOOST_TEST(ec.failed(), "cut at " << n);
    }
    auto full = parses<keyops::cckm::job>(whole);
    BOOST_TEST(full->id == "a<b\xF0\x9F\x98\x80\xc3\xa9");
}

BOOST_AUTO_TEST_CASE(diagnostics_never_hold_values) {
    const std::string secret = "s3cr3t-refresh-token-value";
    for (const std::string& body :
         {R"({"jwt":")" + secret + R"(","duration":"300"})",
          R"({"refresh_token":")" + secret + R"(","jwt":)" + "7}",
          R"({"refresh_token":")" + secret + R"(" "x"})", R"({"refresh_token":")" + secret}) {
        auto o = parse_fails<keyops::ctm::token>(body);
        BOOST_TEST(o.diag.describe(o.ec).find(secret) == std::string::npos);
        BOOST_TEST(o.diag.describe(o.ec).find("s3cr3t") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(throwing_form) {
    try {
        auto r = keyops::parse<keyops::cckm::job_list>(R"({"resources":[{"abort":"no"}]})");
        BOOST_FAIL("no exception");
    } catch (const keyops::exception& e) {
        BOOST_TEST((e.code() == error::wrong_type));
        BOOST_TEST(e.get_diagnostics().json_path == "/resources/0/abort");
        BOOST_TEST(std::string(e.what()).find("/resources/0/abort") != std::string::npos);
        BOOST_TEST(std::string(e.what()).find("expected a boolean, found a string") !=
                   std::string::npos);
    }
    auto ok = keyops::parse<keyops::cckm::job>(R"({"id":"z"})");
    BOOST_TEST(ok->id == "z");
}

BOOST_AUTO_TEST_CASE(error_codes_have_messages) {
    for (int e = static_cast<int>(error::malformed_json);
         e <= static_cast<int>(error::retry_budget_exhausted); ++e) {
        keyops::error_code ec = static_cast<error>(e);
        BOOST_TEST(ec.message() != "unknown keyops error");
        BOOST_TEST(std::string(ec.category().name()) == "keyops");
    }
}

BOOST_AUTO_TEST_SUITE_END()

// The field mask (cckm::job_brief, cckm::job_brief_list): what a wait reads, the rest skipped;
// compared with the full parse and with Boost.JSON's DOM, on the fixtures and generated lists.
BOOST_AUTO_TEST_SUITE(field_mask)

namespace {

std::string_view dom_string(const boost::json::object& o, std::string_view key) {
    const boost::json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

std::optional<std::uint64_t> dom_count(const boost::json::object& o, std::string_view key) {
    const boost::json::value* v = o.if_contains(key);
    if (v && v->is_uint64())
        return v->get_uint64();
    if (v && v->is_int64() && v->get_int64() >= 0)
        return static_cast<std::uint64_t>(v->get_int64());
    return std::nullopt;
}

// detailed_status against its DOM object: the same keys in the same order, the same strings.
void same_detailed(keyops::json_object_view got, const boost::json::value* want,
                   const std::string& where) {
    if (want == nullptr || want->is_null()) {
        BOOST_TEST(got.size() == 0u, where);
        return;
    }
    const boost::json::object& o = want->as_object();
    BOOST_TEST_REQUIRE(got.size() == o.size(), where);
    auto it = o.begin();
    for (auto m : got) {
        BOOST_TEST(m.key == std::string_view(it->key()), where);
        BOOST_TEST(m.value.is_string() == it->value().is_string(), where << " " << m.key);
        if (it->value().is_string())
            BOOST_TEST(m.value.as_string() == std::string_view(it->value().get_string()), where);
        ++it;
    }
}

void same_job(const keyops::cckm::job_brief& got, const boost::json::object& want,
              const std::string& where) {
    BOOST_TEST(got.id == dom_string(want, "id"), where);
    BOOST_TEST(got.overall_status.raw == dom_string(want, "overall_status"), where);
    BOOST_TEST((got.overall_status.state ==
                keyops::job_state_from_word(dom_string(want, "overall_status"))),
               where);
    const boost::json::value* abort = want.if_contains("abort");
    BOOST_TEST(got.abort == (abort && abort->is_bool() && abort->get_bool()), where);
    same_detailed(got.detailed_status, want.if_contains("detailed_status"), where);
}

// The mask, the full parse and the DOM of one list body agree on every field the mask keeps.
void list_agrees(const std::string& body, const std::string& name) {
    auto mask = parses<keyops::cckm::job_brief_list>(body);
    auto full = parses<keyops::cckm::job_list>(body);
    const boost::json::object dom = boost::json::parse(body).as_object();
    BOOST_TEST((mask->skip == dom_count(dom, "skip")), name);
    BOOST_TEST((mask->limit == dom_count(dom, "limit")), name);
    BOOST_TEST((mask->total == dom_count(dom, "total")), name);
    BOOST_TEST((mask->total == full->total && mask->skip == full->skip), name);
    const boost::json::array& jobs = dom.at("resources").as_array();
    BOOST_TEST_REQUIRE(mask->resources.size() == jobs.size(), name);
    BOOST_TEST_REQUIRE(full->resources.size() == jobs.size(), name);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        const std::string where = name + " job " + std::to_string(i);
        const keyops::cckm::job_brief& m = mask->resources[i];
        const keyops::cckm::job& f = full->resources[i];
        same_job(m, jobs[i].as_object(), where);
        BOOST_TEST(m.id == f.id, where);
        BOOST_TEST(m.overall_status.raw == f.overall_status.raw, where);
        BOOST_TEST(m.abort == f.abort, where);
        BOOST_TEST(m.done() == f.done(), where);
        BOOST_TEST(m.detailed_status.size() == f.detailed_status.size(), where);
    }
    std::uint64_t from = mask->skip.value_or(0);
    BOOST_TEST(
        (keyops::cckm::next_page_skip(*mask, from) == keyops::cckm::next_page_skip(*full, from)),
        name);
}

// A generated list: members in the server's order or shuffled, unknown members with nested
// values, escapes, nulls, numbers of every kind in skipped places.
std::string generated_list(unsigned seed, std::size_t count) {
    std::uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
    const auto next = [&state](std::uint64_t n) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return (state >> 33) % n;
    };
    static const char* words[] = {"in_progress", "completed", "failed", "paused", ""};
    boost::json::array resources;
    for (std::size_t i = 0; i < count; ++i) {
        std::vector<std::pair<std::string, boost::json::value>> members;
        members.emplace_back("id", "job-" + std::to_string(seed) + "-" + std::to_string(i) +
                                       (next(4) == 0 ? "<&>\"\\" : ""));
        members.emplace_back("uri", "kylo:kylo:cckm:synchronize:" + std::to_string(i));
        members.emplace_back("createdAt", next(5) == 0 ? "not a time" : "2023-04-05T06:07:08.9Z");
        if (next(6) == 0)
            members.emplace_back("overall_status", nullptr);
        else
            members.emplace_back("overall_status", words[next(5)]);
        boost::json::object detailed;
        for (std::size_t k = 0, n = next(4); k < n; ++k)
            detailed["vault/" + std::to_string(k) + (k == 1 ? "\xc3\xa9\\u" : "")] =
                k == 2 ? boost::json::value(nullptr)
                       : boost::json::value("state \u00e9 <" + std::to_string(k) + ">");
        if (next(7) == 0)
            members.emplace_back("detailed_status", nullptr);
        else if (next(7) != 0)
            members.emplace_back("detailed_status", std::move(detailed));
        members.emplace_back("key_vaults", boost::json::array{"a", "b\u00e9"});
        members.emplace_back("version_count",
                             next(2) ? boost::json::value(-5) : boost::json::value(1.5e300));
        members.emplace_back(
            "extra",
            boost::json::parse(R"({"x":[1,{"y":[true,false,null,-2,3.5]}],"z":"\u0041"})"));
        if (next(3) != 0)
            members.emplace_back("abort", next(2) == 0);
        if (next(3) == 0)
            for (std::size_t k = members.size() - 1; k > 0; --k)
                std::swap(members[k], members[next(k + 1)]);
        boost::json::object job;
        for (auto& [k, v] : members)
            job[k] = std::move(v);
        resources.push_back(std::move(job));
    }
    boost::json::object list;
    list["skip"] = seed % 3;
    list["limit"] = count;
    list["total"] = count * 3 + seed;
    list["resources"] = std::move(resources);
    return boost::json::serialize(list);
}

} // namespace

BOOST_AUTO_TEST_CASE(fixture_lists_agree_with_the_full_parse_and_the_dom) {
    for (const char* name : {"oci_sync_list.json", "dsm_refresh_list.json"})
        list_agrees(fixture(name), name);
}

BOOST_AUTO_TEST_CASE(fixture_jobs_agree_with_the_full_parse_and_the_dom) {
    for (const char* name :
         {"azure_certificates_job.json", "google_update_all_versions_job.json"}) {
        const std::string body = fixture(name);
        auto mask = parses<keyops::cckm::job_brief>(body);
        auto full = parses<keyops::cckm::job>(body);
        same_job(*mask, boost::json::parse(body).as_object(), name);
        BOOST_TEST(mask->id == full->id);
        BOOST_TEST(mask->abort == full->abort);
        BOOST_TEST(mask->overall_status.raw == full->overall_status.raw);
    }
}

BOOST_AUTO_TEST_CASE(generated_lists_agree_with_the_full_parse_and_the_dom) {
    for (unsigned seed = 0; seed < 40; ++seed)
        list_agrees(generated_list(seed, seed % 9 == 0 ? 0 : 1 + seed * 7 % 60),
                    "generated list " + std::to_string(seed));
}

// The parser takes a key by the schema entry it expects next when the bytes are that name and a
// quote; keys that only begin or end like the expected name, or spell it with escapes, are read
// and looked up instead, and end where the full parse and the DOM say.
BOOST_AUTO_TEST_CASE(keys_near_the_expected_names_are_read_as_written) {
    const std::string body =
        R"({"skip":0,"limit":2,"total":2,"resources":[)"
        R"({"i":"x","idd":"y","id":"job-1","ur":"u","uri":"v","uri\"":1,)"
        R"("overall\u005fstatus":"failed","detailed_status":{"a":"b"},"abor":true,"abort":true},)"
        R"({"id\u0000":"q","\u0069d":"job-2","overall_status" : "completed","abort\u0000":true,)"
        R"("abort":false,"detailed_status":null,"cloud":"oci"}]})";
    list_agrees(body, "near keys");
    auto mask = parses<keyops::cckm::job_brief_list>(body);
    BOOST_TEST_REQUIRE(mask->resources.size() == 2u);
    BOOST_TEST(mask->resources[0].id == "job-1");
    BOOST_TEST(mask->resources[0].overall_status.raw == "failed");
    BOOST_TEST(mask->resources[0].abort);
    BOOST_TEST(mask->resources[1].id == "job-2");
    BOOST_TEST(!mask->resources[1].abort);
    // An unread member's fault names that member.
    auto bad = parse_fails<keyops::cckm::job_brief_list>(
        R"({"resources":[{"id":"a","uri":"b","account":[1,}]})");
    BOOST_TEST((bad.ec == error::malformed_json));
    BOOST_TEST(bad.diag.json_path == "/resources/0/account");
}

BOOST_AUTO_TEST_CASE(skipped_members_are_still_checked) {
    using keyops::cckm::job_brief_list;
    const std::string head = R"({"total":1,"resources":[{"id":"a",)";
    // Anything malformed in a member the mask skips fails the parse as it does the full one.
    for (const char* bad : {R"("uri":[1,}]})", R"("uri":tru]})", R"("uri":"a\q"}]})",
                            R"("uri":{"k" 1}}]})", R"("uri":01}]})", R"("uri":"x"}]} x)"}) {
        auto o = parse_fails<job_brief_list>(head + bad);
        BOOST_TEST((o.ec == error::malformed_json), bad << ": " << o.ec.message());
        parse_fails<keyops::cckm::job_list>(head + bad);
    }
    auto utf8 = parse_fails<job_brief_list>(head + "\"uri\":\"\xff\"}]}");
    BOOST_TEST((utf8.ec == error::invalid_utf8));
    auto deep = parse_fails<job_brief_list>(head + "\"uri\":" + std::string(40, '[') +
                                            std::string(40, ']') + "}]}");
    BOOST_TEST((deep.ec == error::too_deep));
    // A skipped member may hold any type: it is not read.
    auto ok = parses<job_brief_list>(head + R"("uri":5,"key_vaults":{"x":1},"createdAt":7}]})");
    BOOST_TEST(ok->resources.at(0).id == "a");
    BOOST_TEST(ok.problems().empty());
}

BOOST_AUTO_TEST_CASE(wrong_types_of_kept_fields_name_the_path) {
    using keyops::cckm::job_brief_list;
    const struct {
        const char* body;
        const char* path;
    } cases[] = {
        {R"({"resources":[{"id":"a"},{"id":5}]})", "/resources/1/id"},
        {R"({"resources":[{"abort":"yes"}]})", "/resources/0/abort"},
        {R"({"resources":[{"overall_status":[]}]})", "/resources/0/overall_status"},
        {R"({"resources":[{"detailed_status":"x"}]})", "/resources/0/detailed_status"},
        {R"({"resources":{}})", "/resources"},
        {R"({"total":"3","resources":[]})", "/total"},
    };
    for (const auto& c : cases) {
        auto o = parse_fails<job_brief_list>(c.body);
        BOOST_TEST((o.ec == error::wrong_type), c.body << ": " << o.ec.message());
        BOOST_TEST(o.diag.json_path == c.path, c.body);
        BOOST_TEST(!o.diag.detail.empty());
    }
    auto neg = parses<job_brief_list>(R"({"total":-1,"resources":[]})");
    BOOST_TEST(!neg->total.has_value());
    BOOST_TEST(neg.problems().size() == 1u);
}

BOOST_AUTO_TEST_CASE(every_truncation_fails_cleanly) {
    for (const char* name : {"oci_sync_list.json", "dsm_refresh_list.json"}) {
        const std::string whole = trimmed_fixture(name);
        for (std::size_t n = 0; n < whole.size(); ++n) {
            keyops::error_code ec;
            keyops::diagnostics diag;
            auto a = keyops::parse<keyops::cckm::job_brief_list>(whole.substr(0, n), ec, diag);
            BOOST_TEST_REQUIRE(ec.failed(), name << " cut at " << n);
            BOOST_TEST((ec == error::incomplete_json || ec == error::empty_body),
                       name << " cut at " << n << ": " << ec.message());
            BOOST_TEST(diag.json_offset <= n);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

// The parser's quick timestamp test answers as parse_instant() does, on the servers' form and
// on every one-byte change, cut and extension of it.
BOOST_AUTO_TEST_CASE(quick_timestamp_test_agrees_with_parse_instant) {
    std::vector<std::string> texts;
    for (const char* base :
         {"2021-03-03T09:22:15Z", "2021-03-03T09:22:15.5Z", "2020-02-29T23:59:59.123456789Z",
          "2021-02-28T00:00:00.056110Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:60.99999999999Z",
          "2024-12-31T23:59:59.1234567890123Z", "2021-01-01T00:00:00+02:00", "1900-02-29T00:00:00Z",
          "2000-02-29T00:00:00.1Z"}) {
        const std::string b = base;
        texts.push_back(b);
        for (std::size_t n = 0; n < b.size(); ++n) {
            texts.push_back(b.substr(0, n));
            texts.push_back(b.substr(0, n) + "Z");
        }
        for (std::size_t i = 0; i < b.size(); ++i)
            for (char c : {'0', '1', '2', '3', '5', '9', '/',  ':',    '-',    '.', 'T',
                           't', ' ', 'Z', 'z', '+', 'a', '\0', '\x7f', '\xc3', ':', '/'}) {
                std::string t = b;
                t[i] = c;
                texts.push_back(t);
            }
        for (const char* more : {"0", "00", "0000000", "123456789012", "Z", "x"})
            texts.push_back(b.substr(0, b.size() - 1) + more + "Z");
    }
    for (int month = 0; month <= 13; ++month)
        for (int day = 0; day <= 32; ++day) {
            char t[40];
            std::snprintf(t, sizeof t, "2023-%02d-%02dT12:00:00.25Z", month, day);
            texts.push_back(t);
            std::snprintf(t, sizeof t, "2024-%02d-%02dT23:59:60Z", month, day);
            texts.push_back(t);
        }
    unsigned disagreements = 0;
    for (const std::string& t : texts)
        if (keyops::is_rfc3339(t) != keyops::parse_instant(t).has_value() && disagreements++ < 10)
            BOOST_TEST(false, "is_rfc3339 and parse_instant disagree on '" << t << "'");
    BOOST_TEST(disagreements == 0u);
    BOOST_TEST(texts.size() > 3000u);
}
