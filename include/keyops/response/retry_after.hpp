#ifndef KEYOPS_RESPONSE_RETRY_AFTER_HPP
#define KEYOPS_RESPONSE_RETRY_AFTER_HPP

// The Retry-After header's two forms, as a delay.

#include <keyops/parse/timestamp.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace keyops {

/// Parses Retry-After: delay-seconds or an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT").
/// A date in the past gives zero; delay-seconds give at most a year. A date beyond what
/// system_clock holds (about 1677 to 2262 where it counts nanoseconds) is taken at that limit.
inline std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view v, std::chrono::system_clock::time_point now) {
    while (!v.empty() && v.front() == ' ')
        v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ')
        v.remove_suffix(1);
    if (v.empty())
        return std::nullopt;
    if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (v.size() > 9)
            return std::chrono::milliseconds(std::chrono::hours(24 * 365));
        std::int64_t s = 0;
        for (char c : v)
            s = s * 10 + (c - '0');
        return std::chrono::milliseconds(std::min<std::int64_t>(s, 365 * 24 * 3600) * 1000);
    }
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    if (v.size() != 29 || v[3] != ',' || v.substr(26) != "GMT")
        return std::nullopt;
    static constexpr std::string_view months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    auto num = [&](std::size_t pos, std::size_t n, int& out) {
        out = 0;
        for (std::size_t i = pos; i < pos + n; ++i) {
            if (v[i] < '0' || v[i] > '9')
                return false;
            out = out * 10 + (v[i] - '0');
        }
        return true;
    };
    int day, year, hour, minute, second;
    const auto m = months.find(v.substr(8, 3));
    if (m == std::string_view::npos || m % 3 != 0 || !num(5, 2, day) || !num(12, 4, year) ||
        !num(17, 2, hour) || !num(20, 2, minute) || !num(23, 2, second) || v[16] != ' ' ||
        v[19] != ':' || v[22] != ':' || day < 1 || day > 31 || hour > 23 || minute > 59 ||
        second > 60)
        return std::nullopt;
    const unsigned month = static_cast<unsigned>(m / 3 + 1);
    const std::int64_t days = detail::days_from_civil(year, month, static_cast<unsigned>(day));
    const auto when = std::chrono::system_clock::time_point(
        std::chrono::seconds(std::clamp(days * 86400 + hour * 3600 + minute * 60 + second,
                                        -detail::max_clock_seconds, detail::max_clock_seconds)));
    if (when <= now)
        return std::chrono::milliseconds(0);
    return std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
}

} // namespace keyops

#endif
