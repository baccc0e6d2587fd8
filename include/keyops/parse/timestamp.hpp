#ifndef KEYOPS_PARSE_TIMESTAMP_HPP
#define KEYOPS_PARSE_TIMESTAMP_HPP

// RFC 3339 timestamps as the servers write them ("2021-03-03T09:22:15.05611Z"): the point in
// time, and the raw text so that nothing is lost in the conversion.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace keyops {

struct timestamp {
    /// The text as the server sent it; empty when the field was absent or null.
    std::string_view raw;
    /// The instant; meaningful only when `has_value()`. Instants beyond what system_clock
    /// holds (about 1677 to 2262 where it counts nanoseconds) are taken at that limit.
    std::chrono::system_clock::time_point time{};

    bool has_value() const noexcept { return !raw.empty(); }
    explicit operator bool() const noexcept { return has_value(); }
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

/// Parses an RFC 3339 date-time (`T` or `t` or a space between date and time, `Z`/`z` or a
/// numeric offset, up to nine fraction digits; more are accepted and truncated). Returns nullopt
/// for anything else, including out-of-range fields such as month 13 or second 61.
inline std::optional<std::chrono::system_clock::time_point>
parse_rfc3339(std::string_view s) noexcept {
    unsigned year, month, day, hour, minute, second;
    if (!detail::read_digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-' ||
        !detail::read_digits(s, 5, 2, month) || s[7] != '-' || !detail::read_digits(s, 8, 2, day) ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !detail::read_digits(s, 11, 2, hour) ||
        s[13] != ':' || !detail::read_digits(s, 14, 2, minute) || s[16] != ':' ||
        !detail::read_digits(s, 17, 2, second))
        return std::nullopt;
    static constexpr unsigned month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || day > month_days[month - 1] || hour > 23 ||
        minute > 59 || second > 60)
        return std::nullopt;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && day == 29 && !leap)
        return std::nullopt;

    std::size_t pos = 19;
    std::int64_t nanos = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        const std::size_t first = pos;
        std::int64_t scale = 100000000;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            nanos += (s[pos] - '0') * scale;
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
        unsigned oh, om;
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
    const std::int64_t secs =
        std::clamp(days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds,
                   -detail::max_clock_seconds, detail::max_clock_seconds);
    using namespace std::chrono;
    return system_clock::time_point(
        duration_cast<system_clock::duration>(seconds(secs) + nanoseconds(nanos)));
}

} // namespace keyops

#endif
