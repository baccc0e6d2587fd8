#ifndef KEYOPS_PARSE_DETAIL_SCAN_BYTES_HPP
#define KEYOPS_PARSE_DETAIL_SCAN_BYTES_HPP

// The byte-level pieces of keyops' JSON scanner (scanner.hpp): runs of plain string text and of
// whitespace found 16 bytes at a time where SSE2 is there, UTF-8 sequences checked, and the
// helpers the token readers (scan_tokens.hpp) decode escapes and convert numbers with.

#include <cerrno>
#include <charconv>
#include <clocale>
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

// The first byte in [p, end) that ends a run of plain string text: '"', '\\', a control
// character or a byte of a multi-byte UTF-8 sequence; `end` when there is none. `quote` tells
// whether that byte is the '"', found from the comparisons themselves: reading the byte again
// would add a load to the chain that every string of a document waits on.
KEYOPS_SCANNER_INLINE const char* scan_plain(const char* p, const char* end, bool& quote) noexcept {
#if defined(KEYOPS_SCANNER_SSE2)
    const __m128i quotes = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i q = _mm_cmpeq_epi8(b, quotes);
        // A signed compare: bytes from 0x80 up are negative, so "below 0x20" catches them too.
        const __m128i m =
            _mm_or_si128(_mm_or_si128(q, _mm_cmpeq_epi8(b, backslash)), _mm_cmplt_epi8(b, space));
        const unsigned bits = static_cast<unsigned>(_mm_movemask_epi8(m));
        if (bits != 0) {
            quote = (static_cast<unsigned>(_mm_movemask_epi8(q)) & bits & (0u - bits)) != 0;
            return p + first_set(bits);
        }
        p += 16;
    }
#endif
    for (; p != end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
            break;
    }
    quote = p != end && *p == '"';
    return p;
}

KEYOPS_SCANNER_INLINE const char* scan_plain(const char* p, const char* end) noexcept {
    bool quote;
    return scan_plain(p, end, quote);
}

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

// The first byte in [p, end) that is not JSON whitespace; `end` when there is none.
KEYOPS_SCANNER_INLINE const char* skip_whitespace(const char* p, const char* end) noexcept {
    while (p != end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) {
#if defined(KEYOPS_SCANNER_SSE2)
        // Indentation comes in runs: 16 bytes at a time.
        if (end - p >= 16) {
            const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            const __m128i ws = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8(' ')),
                                                         _mm_cmpeq_epi8(b, _mm_set1_epi8('\n'))),
                                            _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8('\r')),
                                                         _mm_cmpeq_epi8(b, _mm_set1_epi8('\t'))));
            const unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(ws)) & 0xFFFFu;
            if (other != 0)
                return p + first_set(other);
            p += 16;
            continue;
        }
#endif
        ++p;
    }
    return p;
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
    return errno != ERANGE;
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
