#ifndef KEYOPS_PARSE_DETAIL_SCAN_BYTES_HPP
#define KEYOPS_PARSE_DETAIL_SCAN_BYTES_HPP

// The byte-level pieces of keyops' JSON scanner (scanner.hpp): runs of plain string text and of
// whitespace found several bytes at a time, UTF-8 sequences checked, and the helpers the token
// readers (scan_tokens.hpp) decode escapes and convert numbers with.
//
// The runs are found by one of three kernels, each a type with the same two functions:
//  - scan_sse2: 16 bytes at a time with SSE2 (x86-64, and x86 where the compiler has SSE2);
//  - scan_neon: 16 bytes at a time with NEON (AArch64, little-endian);
//  - scan_portable: 8 bytes at a time in a 64-bit integer (SWAR), in plain C++ for any platform,
//    either byte order.
// scan_native is the platform's best, which the scanner uses unless told otherwise (a program
// compiled with KEYOPS_SCANNER_PORTABLE defined in every translation unit uses scan_portable).
// The tests run every kernel the platform has and compare each with basic_parser.

#include <keyops/parse/detail/byte_order.hpp>

#include <cerrno>
#include <charconv>
#include <clocale>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>

#if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
#define KEYOPS_SCANNER_SSE2 1
#include <emmintrin.h>
#endif

#if (defined(__aarch64__) || defined(_M_ARM64)) && defined(__ARM_NEON) &&                          \
    !defined(KEYOPS_BIG_ENDIAN)
#define KEYOPS_SCANNER_NEON 1
#include <arm_neon.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
#define KEYOPS_SCANNER_INLINE inline __attribute__((always_inline))
#else
#define KEYOPS_SCANNER_INLINE inline
#endif

namespace keyops {
namespace detail {

// The index of the lowest set bit of a nonzero mask.
KEYOPS_SCANNER_INLINE unsigned first_set(unsigned bits) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return static_cast<unsigned>(__builtin_ctz(bits));
#else
    unsigned n = 0;
    while ((bits & 1u) == 0) {
        bits >>= 1;
        ++n;
    }
    return n;
#endif
}

// The index of the lowest set bit of a nonzero 64-bit mask.
KEYOPS_SCANNER_INLINE unsigned first_set64(std::uint64_t bits) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return static_cast<unsigned>(__builtin_ctzll(bits));
#else
    unsigned n = 0;
    while ((bits & 1u) == 0) {
        bits >>= 1;
        ++n;
    }
    return n;
#endif
}

// Equality of two byte ranges of length `n`, inline: keys are short, and a call to memcmp costs
// more than the comparison. Loads of 8 or 4 bytes, the last one overlapping the one before.
inline bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
    if (n >= 8) {
        std::uint64_t x, y;
        for (std::size_t i = 0; i + 8 < n; i += 8) {
            std::memcpy(&x, a + i, 8);
            std::memcpy(&y, b + i, 8);
            if (x != y)
                return false;
        }
        std::memcpy(&x, a + n - 8, 8);
        std::memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        std::uint32_t x, y, u, v;
        std::memcpy(&x, a, 4);
        std::memcpy(&y, b, 4);
        std::memcpy(&u, a + n - 4, 4);
        std::memcpy(&v, b + n - 4, 4);
        return ((x ^ y) | (u ^ v)) == 0;
    }
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i])
            return false;
    return true;
}

// What ends a run of plain string text: '"', '\\', a control character or a byte of a
// multi-byte UTF-8 sequence (0x80 and up).
KEYOPS_SCANNER_INLINE bool ends_plain(unsigned char c) noexcept {
    return c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
}

KEYOPS_SCANNER_INLINE bool is_whitespace(char c) noexcept {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// Each kernel has:
//
//   plain(p, end, quote): the first byte in [p, end) that ends a run of plain string text;
//   `end` when there is none. `quote` tells whether that byte is the '"', found from the
//   comparisons themselves: reading the byte again would add a load to the chain that every
//   string of a document waits on.
//
//   whitespace(p, end): the first byte in [p, end) that is not JSON whitespace; `end` when
//   there is none.

/// Plain C++, 8 bytes at a time: each test is done on all the bytes of a 64-bit word at once,
/// exactly for each byte (no carry crosses from one byte into the next), so that the first
/// byte found is the first in memory whatever the byte order.
struct scan_portable {
    using word = std::uint64_t;
    static constexpr word lows = 0x7F7F7F7F7F7F7F7Full;  // the low 7 bits of each byte
    static constexpr word highs = 0x8080808080808080ull; // the high bit of each byte
    static constexpr word ones = 0x0101010101010101ull;

    // 0x80 in each byte of w that is zero, 0 in the others. A byte's low 7 bits plus 0x7F
    // carry into its high bit unless they are all zero, and never beyond the byte; `| w` adds
    // the bytes whose own high bit is set.
    static constexpr word zero_bytes(word w) noexcept { return ~(((w & lows) + lows) | w) & highs; }
    // 0x80 in each byte of w equal to c.
    static constexpr word bytes_equal(word w, unsigned char c) noexcept {
        return zero_bytes(w ^ (ones * c));
    }
    // 0x80 in each byte of w below 0x20 or from 0x80 up: a byte's low 7 bits plus 0x60 reach
    // its high bit when they are 0x20 or more, and never pass the byte.
    static constexpr word control_or_high(word w) noexcept {
        return (~((w & lows) + ones * 0x60) | w) & highs;
    }

    // The index, in memory order, of the first byte whose high bit is set in a nonzero mask.
    KEYOPS_SCANNER_INLINE static unsigned first_byte(word mask) noexcept {
#if defined(KEYOPS_BIG_ENDIAN) && (defined(__GNUC__) || defined(__clang__))
        return static_cast<unsigned>(__builtin_clzll(mask)) / 8;
#elif defined(KEYOPS_BIG_ENDIAN)
        unsigned n = 0;
        while ((mask & (word{0x80} << 56)) == 0) {
            mask <<= 8;
            ++n;
        }
        return n;
#else
        return first_set64(mask) / 8;
#endif
    }
    // Whether the byte at index i (in memory order) has its high bit set in the mask.
    KEYOPS_SCANNER_INLINE static bool has_byte(word mask, unsigned i) noexcept {
        return ((big_endian ? mask << (8 * i) >> 56 : mask >> (8 * i)) & 0x80) != 0;
    }

    KEYOPS_SCANNER_INLINE static word load(const char* p) noexcept {
        word w;
        std::memcpy(&w, p, sizeof w);
        return w;
    }

    KEYOPS_SCANNER_INLINE static const char* plain(const char* p, const char* end,
                                                   bool& quote) noexcept {
        while (end - p >= 8) {
            const word w = load(p);
            const word q = bytes_equal(w, '"');
            const word m = q | bytes_equal(w, '\\') | control_or_high(w);
            if (m != 0) {
                const unsigned i = first_byte(m);
                quote = has_byte(q, i);
                return p + i;
            }
            p += 8;
        }
        while (p != end && !ends_plain(static_cast<unsigned char>(*p)))
            ++p;
        quote = p != end && *p == '"';
        return p;
    }

    KEYOPS_SCANNER_INLINE static const char* whitespace(const char* p, const char* end) noexcept {
        while (p != end && is_whitespace(*p)) {
            // Indentation comes in runs: 8 bytes at a time.
            if (end - p >= 8) {
                const word w = load(p);
                const word ws = bytes_equal(w, ' ') | bytes_equal(w, '\n') | bytes_equal(w, '\r') |
                                bytes_equal(w, '\t');
                const word other = ~ws & highs;
                if (other != 0)
                    return p + first_byte(other);
                p += 8;
                continue;
            }
            ++p;
        }
        return p;
    }
};

#if defined(KEYOPS_SCANNER_SSE2)
/// SSE2, 16 bytes at a time; the last bytes of the body by the portable kernel.
struct scan_sse2 {
    KEYOPS_SCANNER_INLINE static const char* plain(const char* p, const char* end,
                                                   bool& quote) noexcept {
        const __m128i quotes = _mm_set1_epi8('"');
        const __m128i backslash = _mm_set1_epi8('\\');
        const __m128i space = _mm_set1_epi8(0x20);
        while (end - p >= 16) {
            const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            const __m128i q = _mm_cmpeq_epi8(b, quotes);
            // A signed compare: bytes from 0x80 up are negative, so "below 0x20" catches them too.
            const __m128i m = _mm_or_si128(_mm_or_si128(q, _mm_cmpeq_epi8(b, backslash)),
                                           _mm_cmplt_epi8(b, space));
            const unsigned bits = static_cast<unsigned>(_mm_movemask_epi8(m));
            if (bits != 0) {
                quote = (static_cast<unsigned>(_mm_movemask_epi8(q)) & bits & (0u - bits)) != 0;
                return p + first_set(bits);
            }
            p += 16;
        }
        return scan_portable::plain(p, end, quote);
    }

    KEYOPS_SCANNER_INLINE static const char* whitespace(const char* p, const char* end) noexcept {
        while (p != end && is_whitespace(*p)) {
            // Indentation comes in runs: 16 bytes at a time.
            if (end - p >= 16) {
                const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
                const __m128i ws =
                    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8(' ')),
                                              _mm_cmpeq_epi8(b, _mm_set1_epi8('\n'))),
                                 _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8('\r')),
                                              _mm_cmpeq_epi8(b, _mm_set1_epi8('\t'))));
                const unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(ws)) & 0xFFFFu;
                if (other != 0)
                    return p + first_set(other);
                p += 16;
                continue;
            }
            return scan_portable::whitespace(p, end);
        }
        return p;
    }
};
#endif

#if defined(KEYOPS_SCANNER_NEON)
/// NEON, 16 bytes at a time; the last bytes of the body by the portable kernel. NEON has no
/// byte mask move: the comparison's 16 bytes of 0x00 or 0xFF are narrowed to 16 nibbles of a
/// 64-bit word (a shift right by 4 of each 16-bit pair), byte i giving bits 4i to 4i+3.
struct scan_neon {
    KEYOPS_SCANNER_INLINE static std::uint64_t nibbles(uint8x16_t m) noexcept {
        return vget_lane_u64(vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_u8(m), 4)), 0);
    }

    KEYOPS_SCANNER_INLINE static const char* plain(const char* p, const char* end,
                                                   bool& quote) noexcept {
        const uint8x16_t quotes = vdupq_n_u8('"');
        const uint8x16_t backslash = vdupq_n_u8('\\');
        const int8x16_t space = vdupq_n_s8(0x20);
        while (end - p >= 16) {
            const uint8x16_t b = vld1q_u8(reinterpret_cast<const std::uint8_t*>(p));
            const uint8x16_t q = vceqq_u8(b, quotes);
            // A signed compare: bytes from 0x80 up are negative, so "below 0x20" catches them too.
            const uint8x16_t m = vorrq_u8(vorrq_u8(q, vceqq_u8(b, backslash)),
                                          vcltq_s8(vreinterpretq_s8_u8(b), space));
            const std::uint64_t bits = nibbles(m);
            if (bits != 0) {
                const unsigned i = first_set64(bits) / 4;
                quote = ((nibbles(q) >> (4 * i)) & 1) != 0;
                return p + i;
            }
            p += 16;
        }
        return scan_portable::plain(p, end, quote);
    }

    KEYOPS_SCANNER_INLINE static const char* whitespace(const char* p, const char* end) noexcept {
        while (p != end && is_whitespace(*p)) {
            // Indentation comes in runs: 16 bytes at a time.
            if (end - p >= 16) {
                const uint8x16_t b = vld1q_u8(reinterpret_cast<const std::uint8_t*>(p));
                const uint8x16_t ws = vorrq_u8(
                    vorrq_u8(vceqq_u8(b, vdupq_n_u8(' ')), vceqq_u8(b, vdupq_n_u8('\n'))),
                    vorrq_u8(vceqq_u8(b, vdupq_n_u8('\r')), vceqq_u8(b, vdupq_n_u8('\t'))));
                const std::uint64_t other = nibbles(vmvnq_u8(ws));
                if (other != 0)
                    return p + first_set64(other) / 4;
                p += 16;
                continue;
            }
            return scan_portable::whitespace(p, end);
        }
        return p;
    }
};
#endif

/// The kernel the scanner uses unless told otherwise: the platform's fastest, or the portable
/// one when KEYOPS_SCANNER_PORTABLE is defined (in every translation unit of the program).
#if defined(KEYOPS_SCANNER_PORTABLE)
using scan_native = scan_portable;
#elif defined(KEYOPS_SCANNER_SSE2)
using scan_native = scan_sse2;
#elif defined(KEYOPS_SCANNER_NEON)
using scan_native = scan_neon;
#else
using scan_native = scan_portable;
#endif

// The length of the UTF-8 sequence of two to four bytes at p (its first byte is 0x80 or more),
// 0 when it is not UTF-8 (overlong, a surrogate, past U+10FFFF, a bad byte), or -1 when the
// body ends inside a sequence that was valid so far.
inline int utf8_sequence(const unsigned char* p, const unsigned char* end) noexcept {
    const unsigned c = p[0];
    int len;
    unsigned lo = 0x80, hi = 0xBF; // the range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; // overlong below
        else if (c == 0xED)
            hi = 0x9F; // UTF-16 surrogates above
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90; // overlong below
        else if (c == 0xF4)
            hi = 0x8F; // past U+10FFFF above
    } else {
        return 0;
    }
    const std::ptrdiff_t left = end - p;
    for (int i = 1; i < len; ++i) {
        if (i >= left)
            return -1;
        const unsigned b = p[i];
        if (i == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80)
            return 0;
    }
    return len;
}

inline bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

// The double nearest to the number in [p, end); false when it is past a double's range.
inline bool to_double(const char* p, const char* end, double& d) {
#if defined(__cpp_lib_to_chars)
    return std::from_chars(p, end, d).ec != std::errc::result_out_of_range;
#else
    // A standard library without floating-point from_chars: strtod on a copy, with the
    // locale's decimal point.
    std::string copy(p, end);
    const std::size_t dot = copy.find('.');
    if (dot != std::string::npos)
        copy[dot] = *std::localeconv()->decimal_point;
    errno = 0;
    d = std::strtod(copy.c_str(), nullptr);
    // strtod sets ERANGE for a subnormal result too, which from_chars returns as in range: out
    // of range is a result of zero or infinity.
    return errno != ERANGE || (d != 0 && d != HUGE_VAL && d != -HUGE_VAL);
#endif
}

// Of a number out of a double's range: whether its magnitude is large (its negative exponent
// is smaller than its count of integer digits), as opposed to tiny.
inline bool mantissa_is_large(const char* p, const char* end) noexcept {
    if (*p == '-')
        ++p;
    std::size_t digits = 0;
    while (p != end && is_digit(*p)) {
        ++digits;
        ++p;
    }
    while (p != end && *p != 'e' && *p != 'E')
        ++p;
    if (p == end || ++p == end || *p++ != '-')
        return true;
    std::uint64_t e = 0;
    while (p != end && is_digit(*p))
        e = e * 10 + static_cast<std::uint64_t>(*p++ - '0');
    return e < digits;
}

inline int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

inline void append_utf8(std::string& out, unsigned long cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

} // namespace detail
} // namespace keyops

#endif
