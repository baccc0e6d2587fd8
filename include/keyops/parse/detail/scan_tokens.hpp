#ifndef KEYOPS_PARSE_DETAIL_SCAN_TOKENS_HPP
#define KEYOPS_PARSE_DETAIL_SCAN_TOKENS_HPP

// The token readers of keyops' JSON scanner (scanner.hpp): a number, and an escape inside a
// string. Each is a free function over a position and the end of the body, checked as strictly
// as boost::json::basic_parser checks them, that says on failure what was wrong and at which
// byte, for the scanner to report.

#include <keyops/error.hpp>
#include <keyops/parse/detail/scan_bytes.hpp>

#include <cstdint>
#include <string>

namespace keyops {
namespace detail {

/// What a token reader found wrong: the error, its sentence, and the byte it names (the end of
/// the body when the body ends inside the token).
struct scan_fault {
    error code = error::malformed_json;
    const char* detail = "";
    const char* at = nullptr;
};

inline bool set_fault(scan_fault& f, error code, const char* detail, const char* at) noexcept {
    f.code = code;
    f.detail = detail;
    f.at = at;
    return false;
}

inline bool fault_at_end(scan_fault& f, const char* end) noexcept {
    return set_fault(f, error::incomplete_json, "the body ends inside the JSON document", end);
}

/// A number as read: where it ends and what the scanner needs to deliver it.
struct number_token {
    const char* end = nullptr;  // the byte after it
    std::uint64_t mantissa = 0; // its integer digits, unless too_long
    bool negative = false;
    bool integer = true;     // neither a fraction nor an exponent
    bool too_long = false;   // more integer digits than an uint64 holds
    bool exponent_up = true; // no exponent, or one that is not negative
};

/// Reads the number at p (its first byte, which is not whitespace) up to the first byte that
/// cannot continue it. False, with `f` set, when it is not a number.
KEYOPS_SCANNER_INLINE bool read_number(const char* p, const char* end, number_token& t,
                                       scan_fault& f) noexcept {
    t.negative = *p == '-';
    if (t.negative && ++p == end)
        return fault_at_end(f, end);
    std::uint64_t mantissa = 0;
    if (*p == '0') {
        ++p;
    } else if (*p >= '1' && *p <= '9') {
        do {
            const unsigned d = static_cast<unsigned>(*p - '0');
            if (mantissa > (UINT64_MAX - d) / 10)
                t.too_long = true;
            else if (!t.too_long)
                mantissa = mantissa * 10 + d;
            ++p;
        } while (p != end && is_digit(*p));
    } else {
        return set_fault(f, error::malformed_json,
                         t.negative ? "expected a digit after '-'" : "expected a value", p);
    }
    t.mantissa = mantissa;
    if (p != end && *p == '.') {
        t.integer = false;
        if (++p == end)
            return fault_at_end(f, end);
        if (!is_digit(*p))
            return set_fault(f, error::malformed_json, "expected a digit after '.'", p);
        while (p != end && is_digit(*p))
            ++p;
    }
    if (p != end && (*p == 'e' || *p == 'E')) {
        t.integer = false;
        if (++p != end && (*p == '+' || *p == '-'))
            t.exponent_up = *p++ == '+';
        if (p == end)
            return fault_at_end(f, end);
        if (!is_digit(*p))
            return set_fault(f, error::malformed_json, "expected a digit in the exponent", p);
        std::uint64_t e = 0;
        do {
            e = e * 10 + static_cast<std::uint64_t>(*p - '0');
            if (e > 2147483647u) // as basic_parser, which keeps the exponent in an int
                return set_fault(f, error::malformed_json, "an exponent too large", p);
            ++p;
        } while (p != end && is_digit(*p));
    }
    t.end = p;
    return true;
}

/// Four hex digits at p (after "\u"): their value, or -1 with `f` set.
inline long read_hex4(const char* p, const char* end, scan_fault& f) noexcept {
    long v = 0;
    for (int i = 0; i < 4; ++i, ++p) {
        if (p == end) {
            fault_at_end(f, end);
            return -1;
        }
        const int d = hex_digit(*p);
        if (d < 0) {
            set_fault(f, error::malformed_json, "expected four hex digits after \\u", p);
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

/// Reads the escape at q (its backslash) and appends what it stands for to `out`, unless `out`
/// is null. Returns the byte after it, or null with `f` set. A UTF-16 high surrogate must be
/// followed by the escape of a low one, which is read with it.
inline const char* read_escape(const char* q, const char* end, std::string* out, scan_fault& f) {
    if (q + 1 == end) {
        fault_at_end(f, end);
        return nullptr;
    }
    char plain;
    switch (q[1]) {
    case '"':
        plain = '"';
        break;
    case '\\':
        plain = '\\';
        break;
    case '/':
        plain = '/';
        break;
    case 'b':
        plain = '\b';
        break;
    case 'f':
        plain = '\f';
        break;
    case 'n':
        plain = '\n';
        break;
    case 'r':
        plain = '\r';
        break;
    case 't':
        plain = '\t';
        break;
    case 'u': {
        long cp = read_hex4(q + 2, end, f);
        if (cp < 0)
            return nullptr;
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
            set_fault(f, error::malformed_json,
                      "a UTF-16 low surrogate without a high one before it", q);
            return nullptr;
        }
        q += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            const char* const lone = "a UTF-16 high surrogate without a low one after it";
            if (end - q < 2) {
                if (q == end || *q == '\\')
                    fault_at_end(f, end);
                else
                    set_fault(f, error::malformed_json, lone, q);
                return nullptr;
            }
            if (q[0] != '\\' || q[1] != 'u') {
                set_fault(f, error::malformed_json, lone, q);
                return nullptr;
            }
            const long low = read_hex4(q + 2, end, f);
            if (low < 0)
                return nullptr;
            if (low < 0xDC00 || low > 0xDFFF) {
                set_fault(f, error::malformed_json, lone, q);
                return nullptr;
            }
            q += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        if (out != nullptr)
            append_utf8(*out, static_cast<unsigned long>(cp));
        return q;
    }
    default:
        set_fault(f, error::malformed_json, "an unknown escape in a string", q);
        return nullptr;
    }
    if (out != nullptr)
        *out += plain;
    return q + 2;
}

} // namespace detail
} // namespace keyops

#endif
