#ifndef KEYOPS_PARSE_TIMESTAMP_HPP
#define KEYOPS_PARSE_TIMESTAMP_HPP

// RFC 3339 timestamps as the servers write them ("2021-03-03T09:22:15.05611Z"). A parsed
// timestamp keeps the text; the instant is computed when it is read, losslessly for every year
// from 0001 to 9999 (keyops::instant), or as a system_clock time point, which holds less.

#include <keyops/parse/detail/byte_order.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace keyops {

/// A point in time in UTC, whole seconds since 1970-01-01T00:00:00Z plus a fraction: every
/// RFC 3339 date-time (years 0000 to 9999 and any offset) fits without loss or overflow.
struct instant {
    std::int64_t seconds = 0;      ///< may be negative: before 1970
    std::uint32_t nanoseconds = 0; ///< 0 to 999,999,999

    /// Seconds since the epoch of Go's zero time, 0001-01-01T00:00:00Z, which Go servers write
    /// for a time that was never set.
    static constexpr std::int64_t go_zero_seconds = -62135596800LL;

    /// True for Go's zero time: the server's way of saying "not set".
    constexpr bool is_go_zero() const noexcept {
        return seconds == go_zero_seconds && nanoseconds == 0;
    }

    /// As a system_clock time point. Instants beyond what the clock holds (about 1677 to 2262
    /// where it counts nanoseconds) are taken at its limit, never wrapped.
    std::chrono::system_clock::time_point to_time_point() const noexcept;

    /// True for the same instant.
    friend constexpr bool operator==(const instant& a, const instant& b) noexcept {
        return a.seconds == b.seconds && a.nanoseconds == b.nanoseconds;
    }
    /// True for different instants.
    friend constexpr bool operator!=(const instant& a, const instant& b) noexcept {
        return !(a == b);
    }
    /// True when `a` is earlier than `b`.
    friend constexpr bool operator<(const instant& a, const instant& b) noexcept {
        return a.seconds != b.seconds ? a.seconds < b.seconds : a.nanoseconds < b.nanoseconds;
    }
};

namespace detail {

// Days since 1970-01-01 of a proleptic Gregorian date (the usual era-based computation).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil_date {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

// The inverse of days_from_civil.
constexpr civil_date civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

// The seconds on either side of the epoch that a system_clock time point holds, with room for a
// fraction of a second: years 0000 to 9999 do not all fit in a clock of nanoseconds.
inline constexpr std::int64_t max_clock_seconds =
    std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::duration::max())
        .count() -
    1;

constexpr bool read_digits(std::string_view s, std::size_t pos, std::size_t n, unsigned& out) {
    if (pos + n > s.size())
        return false;
    unsigned v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    out = v;
    return true;
}

} // namespace detail

inline std::chrono::system_clock::time_point instant::to_time_point() const noexcept {
    namespace chr = std::chrono;
    const std::int64_t s =
        std::clamp(seconds, -detail::max_clock_seconds, detail::max_clock_seconds);
    // Each part in the clock's own unit: their sum in nanoseconds overflows where the clock's
    // unit is coarser and its range wider (microseconds in libc++).
    return chr::system_clock::time_point(
        chr::duration_cast<chr::system_clock::duration>(chr::seconds(s)) +
        chr::duration_cast<chr::system_clock::duration>(chr::nanoseconds(nanoseconds)));
}

/// Parses an RFC 3339 date-time (`T` or `t` or a space between date and time, `Z`/`z` or a
/// numeric offset, up to nine fraction digits; more are accepted and truncated). Returns nullopt
/// for anything else, including out-of-range fields such as month 13 or second 61. Every
/// accepted text has an exact instant: no arithmetic here can overflow.
constexpr std::optional<instant> parse_instant(std::string_view s) noexcept {
    unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!detail::read_digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-' ||
        !detail::read_digits(s, 5, 2, month) || s[7] != '-' || !detail::read_digits(s, 8, 2, day) ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !detail::read_digits(s, 11, 2, hour) ||
        s[13] != ':' || !detail::read_digits(s, 14, 2, minute) || s[16] != ':' ||
        !detail::read_digits(s, 17, 2, second))
        return std::nullopt;
    constexpr unsigned month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || day > month_days[month - 1] || hour > 23 ||
        minute > 59 || second > 60)
        return std::nullopt;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && day == 29 && !leap)
        return std::nullopt;

    std::size_t pos = 19;
    std::uint32_t nanos = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        const std::size_t first = pos;
        std::uint32_t scale = 100000000;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            nanos += static_cast<std::uint32_t>(s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == first)
            return std::nullopt;
    }
    std::int64_t offset_seconds = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        unsigned oh = 0, om = 0;
        if (!detail::read_digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
            !detail::read_digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
            return std::nullopt;
        offset_seconds = (s[pos] == '+' ? 1 : -1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size())
        return std::nullopt;

    const std::int64_t days = detail::days_from_civil(year, month, day);
    return instant{days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds, nanos};
}

/// As parse_instant(), as a system_clock time point (see instant::to_time_point()).
inline std::optional<std::chrono::system_clock::time_point>
parse_rfc3339(std::string_view s) noexcept {
    const auto t = parse_instant(s);
    if (!t)
        return std::nullopt;
    return t->to_time_point();
}

namespace detail {

// Nonzero when a byte of `w` under the mask `m` (0xFF bytes) is not an ASCII digit.
constexpr std::uint64_t non_digits(std::uint64_t w, std::uint64_t m) noexcept {
    constexpr std::uint64_t highs = 0xF0F0F0F0F0F0F0F0ull;
    constexpr std::uint64_t threes = 0x3030303030303030ull;
    constexpr std::uint64_t sixes = 0x0606060606060606ull;
    const std::uint64_t d = w & m;
    // High nibble 3, and a low nibble of at most 9 (adding 6 keeps the high nibble at 3).
    return ((d & highs) ^ (threes & m)) | (((d + (sixes & m)) & highs) ^ (threes & m));
}

// The 8 bytes at p, the first in the lowest bits whatever the platform's byte order.
inline std::uint64_t load8(const char* p) noexcept {
    return load_le64(p);
}

} // namespace detail

/// The same answer as `parse_instant(s).has_value()`, found quickly for the form the servers
/// write (`YYYY-MM-DDTHH:MM:SS`, an optional fraction of up to 15 digits, `Z`): the parser checks
/// every timestamp it reads with it, and leaves the instant to be worked out when it is read.
/// Other forms (offsets, lower case, a space) are checked by parse_instant().
inline bool is_rfc3339(std::string_view s) noexcept {
    const std::size_t n = s.size();
    const char* p = s.data();
    if (n < 20 || n > 36 || n == 21 || p[n - 1] != 'Z' || p[10] != 'T' ||
        p[19] != (n == 20 ? 'Z' : '.'))
        return parse_instant(s).has_value();
    using u64 = std::uint64_t;
    // Bytes 0-7 "YYYY-MM-", 8-15 "DDTHH:MM", 16-19 ":SS." (byte 19 checked above).
    const u64 w0 = detail::load8(p), w1 = detail::load8(p + 8);
    const std::uint32_t w2 = detail::load_le32(p + 16);
    constexpr u64 sep0 = u64{'-'} << 32 | u64{'-'} << 56, dig0 = 0x00FFFF00FFFFFFFFull;
    constexpr u64 sep1 = u64{'T'} << 16 | u64{':'} << 40, dig1 = 0xFFFF00FFFF00FFFFull;
    u64 bad = ((w0 ^ sep0) & ~dig0) | detail::non_digits(w0, dig0) | ((w1 ^ sep1) & ~dig1) |
              detail::non_digits(w1, dig1) | ((w2 ^ u64{':'}) & 0xFF) |
              detail::non_digits(w2, 0x00FFFF00ull);
    // The fraction, bytes 20 to n-2: the 8 bytes that end the text (their last is the Z), and
    // bytes 20-27 as well when the fraction is longer than the 7 of those.
    if (n > 20) {
        const std::size_t lo = n >= 28 ? 0 : 28 - n; // the first fraction byte of the tail
        bad |= detail::non_digits(detail::load8(p + n - 8), (0x00FFFFFFFFFFFFFFull >> (8 * lo))
                                                                << (8 * lo));
        if (n > 28)
            bad |= detail::non_digits(detail::load8(p + 20), ~u64{0});
    }
    if (bad)
        return false;
    const auto two = [p](std::size_t i) {
        return static_cast<unsigned>(p[i] - '0') * 10 + static_cast<unsigned>(p[i + 1] - '0');
    };
    const unsigned month = two(5), day = two(8);
    constexpr unsigned char month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month - 1 > 11 || day - 1 >= month_days[month - 1 > 11 ? 0 : month - 1] || two(11) > 23 ||
        two(14) > 59 || two(17) > 60)
        return false;
    if (month == 2 && day == 29) {
        const unsigned year = two(0) * 100 + two(2);
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }
    return true;
}

/// Writes `t` in RFC 3339 form in UTC: `YYYY-MM-DDTHH:MM:SS` with `Z`, and a fraction with its
/// trailing zeros dropped when there is one. For a text parse_instant() accepted with `Z` and
/// the same fraction digits, this gives the text back: every year 0001..9999 round-trips.
/// Years outside 0000..9999 (reached only through offsets) are written with their sign and
/// all their digits.
inline std::string format_rfc3339(const instant& t) {
    const std::int64_t day_seconds = 86400;
    std::int64_t days = t.seconds / day_seconds;
    std::int64_t rem = t.seconds % day_seconds;
    if (rem < 0) {
        rem += day_seconds;
        --days;
    }
    const detail::civil_date d = detail::civil_from_days(days);
    std::string out;
    std::int64_t year = d.year;
    if (year < 0) {
        out += '-';
        year = -year;
    }
    std::string digits = std::to_string(year);
    if (digits.size() < 4)
        out.append(4 - digits.size(), '0');
    out += digits;
    auto two = [&out](std::int64_t v) {
        out += static_cast<char>('0' + v / 10);
        out += static_cast<char>('0' + v % 10);
    };
    out += '-';
    two(d.month);
    out += '-';
    two(d.day);
    out += 'T';
    two(rem / 3600);
    out += ':';
    two(rem / 60 % 60);
    out += ':';
    two(rem % 60);
    if (t.nanoseconds) {
        char frac[10];
        std::uint32_t n = t.nanoseconds % 1000000000u;
        for (int i = 8; i >= 0; --i) {
            frac[i] = static_cast<char>('0' + n % 10);
            n /= 10;
        }
        int len = 9;
        while (len > 1 && frac[len - 1] == '0')
            --len;
        out += '.';
        out.append(frac, static_cast<std::size_t>(len));
    }
    out += 'Z';
    return out;
}

/// A timestamp member of a response: the text as the server sent it. The parser checks it: a
/// text that is not RFC 3339 is reported for that field alone (error::invalid_timestamp, in
/// keyops::parsed::problems()) and the rest of the object parses. The instant is worked out
/// when it is read.
struct timestamp {
    /// The text as the server sent it; empty when the field was absent or null.
    std::string_view raw;

    /// True when the server sent a text (Go's zero time included: see is_set()).
    bool has_value() const noexcept { return !raw.empty(); }
    explicit operator bool() const noexcept { return has_value(); } ///< has_value()

    /// The exact instant; nullopt when the field was absent, null or not RFC 3339.
    std::optional<instant> value() const noexcept { return parse_instant(raw); }

    /// True when there is an instant and it is not Go's zero time `0001-01-01T00:00:00Z`, which
    /// Go servers write for a time never set.
    bool is_set() const noexcept {
        const auto v = value();
        return v && !v->is_go_zero();
    }

    /// The instant as a system_clock time point (the clock's epoch when there is none); see
    /// instant::to_time_point() for instants the clock cannot hold.
    std::chrono::system_clock::time_point time() const noexcept {
        const auto v = value();
        return v ? v->to_time_point() : std::chrono::system_clock::time_point{};
    }
};

} // namespace keyops

#endif
