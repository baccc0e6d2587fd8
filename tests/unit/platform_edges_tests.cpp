// What differs between platforms, pinned on every one: counts past 2^32 where size_t and long
// are 32 bits (armhf), times past 2038 where time_t is 32 bits, a Content-Length past 4 GiB,
// and the byte order of the code that reads several bytes at once (s390x is big-endian).

#include "../../tools/keyops/args.hpp"

#include <keyops/auth/token_state.hpp>
#include <keyops/client/client.hpp>
#include <keyops/keyops.hpp>
#include <keyops/parse/detail/byte_order.hpp>
#include <keyops/transport/fake_transport.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

namespace cckm = keyops::cckm;
using namespace std::chrono;

namespace {

constexpr std::uint64_t two_to_32 = 4294967296ull;

template <class T>
keyops::parsed<T> parse_ok(const std::string& body) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto r = keyops::parse<T>(body, ec, diag);
    BOOST_TEST_REQUIRE(!ec, body << ": " << diag.describe(ec));
    BOOST_TEST(r.problems().empty(), body);
    return r;
}

std::int64_t seconds_of(const std::string& text) {
    const auto t = keyops::parse_instant(text);
    BOOST_TEST_REQUIRE(t.has_value(), text);
    return t->seconds;
}

// A JWT whose payload is `payload` (base64url, no padding), as jwt_times reads it.
std::string jwt_with(const std::string& payload) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (const unsigned char c : payload) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += alphabet[(acc >> bits) & 63];
        }
    }
    if (bits > 0)
        out += alphabet[(acc << (6 - bits)) & 63];
    return "eyJhbGciOiJIUzI1NiJ9." + out + ".c2ln";
}

} // namespace

BOOST_AUTO_TEST_SUITE(platform_edges)

BOOST_AUTO_TEST_CASE(the_platform) {
    BOOST_TEST_MESSAGE("size_t " << sizeof(std::size_t) * 8 << " bits, long " << sizeof(long) * 8
                                 << " bits, time_t " << sizeof(std::time_t) * 8 << " bits, "
                                 << (keyops::detail::big_endian ? "big" : "little") << "-endian");
    // The byte order keyops assumes is the one the machine has.
    const std::uint16_t one = 1;
    unsigned char first;
    std::memcpy(&first, &one, 1);
    BOOST_TEST(keyops::detail::big_endian == (first == 0));
}

BOOST_AUTO_TEST_CASE(counts_past_2_to_the_32) {
    // A page's offsets and total, and a job's count, each past what 32 bits hold.
    const auto page = parse_ok<cckm::job_list>(
        R"({"skip":4294967296,"limit":4294967297,"total":9000000000,)"
        R"("resources":[{"id":"a","version_count":4294967298},{"id":"b"}]})");
    BOOST_TEST(*page->skip == two_to_32);
    BOOST_TEST(*page->limit == two_to_32 + 1);
    BOOST_TEST(*page->total == 9000000000ull);
    BOOST_TEST(*page->resources.at(0).version_count == two_to_32 + 2);
    // The next page starts past 2^32, and the paging ends at the total.
    BOOST_TEST(*cckm::next_page_skip(*page, two_to_32) == two_to_32 + 2);
    BOOST_TEST(!cckm::next_page_skip(*page, 9000000000ull - 2).has_value());
    const auto brief = parse_ok<cckm::job_brief_list>(
        R"({"skip":4294967296,"total":4294967299,"resources":[{"id":"a"},{"id":"b"}]})");
    BOOST_TEST(*cckm::next_page_skip(*brief, two_to_32) == two_to_32 + 2);
    BOOST_TEST(!cckm::next_page_skip(*brief, two_to_32 + 1).has_value());
    const auto runs = parse_ok<keyops::scheduler::run_list>(
        R"({"skip":4294967296,"limit":-1,"total":4294967299,"resources":[{"id":"r"}]})");
    BOOST_TEST(*runs->skip == two_to_32);
    BOOST_TEST(*runs->limit == -1);
    BOOST_TEST(*keyops::scheduler::next_page_skip(*runs, two_to_32) == two_to_32 + 1);

    // Past 2^64 a count is left out with a problem, not wrapped.
    keyops::error_code ec;
    keyops::diagnostics diag;
    const auto over =
        keyops::parse<cckm::job_list>(R"({"total":18446744073709551616,"resources":[]})", ec, diag);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(!over->total.has_value());
    BOOST_TEST(over.problems().size() == 1u);

    // A JSON value read through a view keeps all 64 bits.
    const auto job = parse_ok<cckm::job>(
        R"({"id":"a","detailed_status":{"n":5000000000,"m":-5000000000,"u":18446744073709551615}})");
    const keyops::json_object_view ds = job->detailed_status;
    BOOST_TEST(ds.find("n").as_int64() == 5000000000LL);
    BOOST_TEST(ds.find("m").as_int64() == -5000000000LL);
    BOOST_TEST((ds.find("u").kind() == keyops::json_kind::uint64));

    // A request asks for them as written, and the tool reads them from its command line.
    keyops::request_context ctx;
    ctx.host = "cm.test";
    cckm::list_query<cckm::oci> q;
    q.skip = 5000000000ull;
    q.limit = two_to_32;
    const auto req = keyops::build_request<cckm::list_jobs<cckm::oci>>(ctx, q);
    const std::string target(req.target());
    BOOST_TEST(target.find("skip=5000000000") != std::string::npos, target);
    BOOST_TEST(target.find("limit=4294967296") != std::string::npos, target);
    BOOST_TEST(keyops_cli::parse_count("--skip", "5000000000", true) == 5000000000ull);
    // The tool takes up to twelve digits.
    BOOST_TEST(keyops_cli::parse_count("--limit", "999999999999", false) == 999999999999ull);
    BOOST_CHECK_THROW(keyops_cli::parse_count("--limit", "1000000000000", false),
                      keyops_cli::usage_error);
}

BOOST_AUTO_TEST_CASE(times_past_2038) {
    // The first second a 32-bit time_t cannot hold, the first an unsigned one cannot, and on.
    BOOST_TEST(seconds_of("2038-01-19T03:14:07Z") == 2147483647LL);
    BOOST_TEST(seconds_of("2038-01-19T03:14:08Z") == 2147483648LL);
    BOOST_TEST(seconds_of("2106-02-07T06:28:16Z") == 4294967296LL);
    BOOST_TEST(seconds_of("2100-01-01T00:00:00+01:00") == 4102441200LL);
    BOOST_TEST(seconds_of("9999-12-31T23:59:59Z") == 253402300799LL);

    // Through a job, as the servers write them: checked (the fast form), read, and written back.
    const auto job = parse_ok<cckm::job>(
        R"({"id":"a","createdAt":"2038-01-19T03:14:08.5Z","updatedAt":"2106-02-07T06:28:16Z",)"
        R"("completed_at":"2262-01-01T00:00:00.000000001Z"})");
    BOOST_TEST(keyops::is_rfc3339(job->created_at.raw));
    BOOST_TEST(job->created_at.value()->seconds == 2147483648LL);
    BOOST_TEST(job->created_at.value()->nanoseconds == 500000000u);
    BOOST_TEST(keyops::format_rfc3339(*job->updated_at.value()) == "2106-02-07T06:28:16Z");
    const auto created = job->created_at.time().time_since_epoch();
    BOOST_TEST(duration_cast<milliseconds>(created).count() == 2147483648500LL);
    BOOST_TEST(duration_cast<seconds>(job->updated_at.time().time_since_epoch()).count() ==
               4294967296LL);
    // 2262 is past what a clock of nanoseconds holds: taken at its limit, still after 2106.
    BOOST_TEST((job->completed_at.time() > job->updated_at.time()));

    // Token lifetimes and expiries past 2038: Network Insight's (in milliseconds or seconds)
    // and a JWT's `exp`.
    const auto ni = parse_ok<keyops::ni::token>(R"({"token":"t","expiry":4102444800000})");
    BOOST_TEST(duration_cast<seconds>(ni->expires_at()->time_since_epoch()).count() ==
               4102444800LL);
    const auto ni_s = parse_ok<keyops::ni::token>(R"({"token":"t","expiry":2147483648})");
    BOOST_TEST(duration_cast<seconds>(ni_s->expires_at()->time_since_epoch()).count() ==
               2147483648LL);
    const auto claims = keyops::jwt_times(jwt_with(R"({"iat":2147483648,"exp":4102444800})"));
    BOOST_TEST_REQUIRE(claims.has_value());
    BOOST_TEST(*claims->iat == 2147483648LL);
    BOOST_TEST(*claims->exp == 4102444800LL);

    // Retry-After as an HTTP date past 2038, from a now past 2038 too.
    const system_clock::time_point now{seconds(2147483600LL)};
    const auto wait = keyops::parse_retry_after("Tue, 19 Jan 2038 03:14:08 GMT", now);
    BOOST_TEST_REQUIRE(wait.has_value());
    BOOST_TEST(wait->count() == 48000);
    const system_clock::time_point later{seconds(4102444800LL - 10)};
    const auto wait2 = keyops::parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT", later);
    BOOST_TEST_REQUIRE(wait2.has_value());
    BOOST_TEST(wait2->count() == 10000);
}

BOOST_AUTO_TEST_CASE(content_length_past_4_gib_is_refused) {
    boost::asio::io_context io;
    keyops::client<keyops::fake_transport, keyops::no_auth, keyops::no_retry> c(
        keyops::fake_transport(io.get_executor(), "cm.test"), keyops::no_auth(),
        keyops::no_retry());
    keyops::error_code ec;
    keyops::diagnostics diag;
    // With the default limit, with the largest limit a 32-bit size_t holds, and with the
    // platform's largest: 4 GiB and more never fits, and is refused from the header alone.
    for (const std::size_t limit :
         {std::size_t{16 * 1024 * 1024}, std::size_t{0xFFFFFFFFu},
          sizeof(std::size_t) == 4 ? std::numeric_limits<std::size_t>::max() : 0xFFFFFFFFu}) {
        for (const char* length : {"4294967296", "5000000000", "18446744073709551615"}) {
            c.transport().max_body_size = limit;
            c.transport().push({std::string("HTTP/1.1 200 OK\r\nContent-Length: ") + length +
                                    "\r\n\r\n{\"id\":\"j1\"}",
                                0,
                                {},
                                {}});
            c.call<cckm::get_job<cckm::oci>>(keyops::job_id("j1"), ec, diag);
            BOOST_TEST((ec == keyops::error::body_too_large), length << ": " << ec.message());
            BOOST_TEST(diag.describe(ec).find("size limit") != std::string::npos,
                       diag.describe(ec));
        }
    }
    // Past 2^64 the length is not a number Beast reads: refused as such, never wrapped.
    c.transport().push(
        {"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n{}", 0, {}, {}});
    c.call<cckm::get_job<cckm::oci>>(keyops::job_id("j1"), ec, diag);
    BOOST_TEST(ec.failed());
    BOOST_TEST(c.transport().pending_steps() == 0u);
}

BOOST_AUTO_TEST_CASE(words_read_in_memory_order) {
    // The first byte is the lowest on every platform.
    const char bytes[] = "\x01\x02\x03\x04\x05\x06\x07\x08";
    BOOST_TEST(keyops::detail::load_le64(bytes) == 0x0807060504030201ull);
    BOOST_TEST(keyops::detail::load_le32(bytes) == 0x04030201u);
    // The timestamp check that reads 8 bytes at a time accepts what the byte-by-byte parser
    // accepts, at every length of fraction, and refuses a wrong byte at every place.
    std::string t = "2024-02-29T23:59:60";
    for (int digits = 0; digits <= 15; ++digits) {
        const std::string text = t + (digits ? "." + std::string(digits, '7') : "") + "Z";
        BOOST_TEST(keyops::is_rfc3339(text), text);
        BOOST_TEST(keyops::parse_instant(text).has_value(), text);
        for (std::size_t i = 0; i + 1 < text.size(); ++i) {
            for (const char c : {'x', '/', ':', '0', '9', '-', 'T'}) {
                std::string m = text;
                m[i] = c;
                BOOST_TEST(keyops::is_rfc3339(m) == keyops::parse_instant(m).has_value(), m);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
