// The JSON scanner's byte kernels (parse/detail/scan_bytes.hpp) each against a loop over one
// byte at a time: every kernel of the platform (the portable one everywhere, SSE2 or NEON
// besides) finds the same byte, and says the same of it, for every special byte at every place
// of every length and alignment, and on random bytes. The whole scanner runs every kernel in
// scanner_tests.cpp.

#include "scan_kernels.hpp"

#include <keyops/parse/detail/scan_bytes.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <type_traits>

namespace {

using keyops::detail::ends_plain;
using keyops::detail::is_whitespace;

const char* plain_by_bytes(const char* p, const char* end, bool& quote) {
    while (p != end && !ends_plain(static_cast<unsigned char>(*p)))
        ++p;
    quote = p != end && *p == '"';
    return p;
}

const char* whitespace_by_bytes(const char* p, const char* end) {
    while (p != end && is_whitespace(*p))
        ++p;
    return p;
}

const char specials[] = {'"',    '\\',   '\x00', '\x01', '\x1f', '\x20', '\x21', '\x7f', '\x80',
                         '\xc3', '\xff', ' ',    '\n',   '\r',   '\t',   'a',    '[',    ']'};

// The kernel's answers on [text + from, text + size) against the byte loop's; the number of
// differences.
template <class Kernel>
int differences(const std::string& text, std::size_t from) {
    const char* const b = text.data() + from;
    const char* const e = text.data() + text.size();
    bool want_quote = false, got_quote = false;
    const char* const want = plain_by_bytes(b, e, want_quote);
    const char* const got = Kernel::plain(b, e, got_quote);
    int n = 0;
    if (got != want || got_quote != want_quote)
        ++n;
    if (Kernel::whitespace(b, e) != whitespace_by_bytes(b, e))
        ++n;
    return n;
}

} // namespace

BOOST_AUTO_TEST_SUITE(scanner_kernels)

BOOST_AUTO_TEST_CASE(every_special_byte_at_every_place) {
    BOOST_TEST_MESSAGE("kernels: " << keyops_test::scan_kernel_names());
    keyops_test::for_each_scan_kernel([](auto kernel) {
        using K = typename decltype(kernel)::type;
        std::size_t cases = 0, bad = 0;
        std::string first_bad;
        // Runs of plain text and of each kind of whitespace, past two 16-byte blocks, read from
        // every place up to a block and a byte into them.
        for (std::size_t len = 0; len <= 40; ++len) {
            for (std::size_t pos = 0; pos <= len; ++pos) {
                for (const char special : specials) {
                    for (int fill = 0; fill < 3; ++fill) {
                        std::string text(len, fill == 0 ? 'x' : ' ');
                        if (fill == 2)
                            for (std::size_t i = 0; i < len; ++i)
                                text[i] = "\t\n\r "[i % 4];
                        if (pos < len)
                            text[pos] = special;
                        for (std::size_t from = 0; from <= len && from <= 17; ++from) {
                            ++cases;
                            if (differences<K>(text, from) != 0 && bad++ == 0)
                                first_bad = "length " + std::to_string(len) + ", byte " +
                                            std::to_string(int(special)) + " at " +
                                            std::to_string(pos) + ", from " + std::to_string(from);
                        }
                    }
                }
            }
        }
        BOOST_TEST_MESSAGE(kernel.name << ": " << cases << " cases");
        BOOST_TEST(bad == 0u, kernel.name << ": " << bad << " wrong, the first: " << first_bad);
    });
}

BOOST_AUTO_TEST_CASE(random_bytes) {
    keyops_test::for_each_scan_kernel([](auto kernel) {
        using K = typename decltype(kernel)::type;
        std::mt19937 rng(25); // the same bytes on every platform
        int bad = 0;
        for (int i = 0; i < 20000; ++i) {
            std::string text(rng() % 70, '\0');
            const bool any_byte = rng() % 2 == 0;
            for (char& c : text)
                c = any_byte && rng() % 4 != 0 ? static_cast<char>(rng() & 0xFF)
                                               : specials[rng() % sizeof specials];
            bad += differences<K>(text, 0);
        }
        BOOST_TEST(bad == 0, kernel.name);
    });
}

// The scanner's default is the platform's best kernel: the SSE2 one on x86-64, the NEON one on
// little-endian AArch64, the portable one elsewhere (armhf, s390x) or when a program asks for it.
BOOST_AUTO_TEST_CASE(the_platform_s_kernel) {
    using keyops::detail::scan_native;
#if defined(KEYOPS_SCANNER_PORTABLE)
    BOOST_TEST((std::is_same_v<scan_native, keyops::detail::scan_portable>));
#elif defined(__x86_64__) || defined(_M_X64)
    BOOST_TEST((std::is_same_v<scan_native, keyops::detail::scan_sse2>));
#elif defined(__aarch64__) && !defined(KEYOPS_BIG_ENDIAN)
    BOOST_TEST((std::is_same_v<scan_native, keyops::detail::scan_neon>));
#else
    BOOST_TEST((std::is_same_v<scan_native, keyops::detail::scan_portable>));
#endif
}

BOOST_AUTO_TEST_SUITE_END()
