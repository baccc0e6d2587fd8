// keyops check and keyops metrics: see check.cpp and metrics.cpp.
#ifndef KEYOPS_CLI_CHECK_HPP
#define KEYOPS_CLI_CHECK_HPP

#include "args.hpp"

#include <limits>
#include <string>
#include <vector>

namespace keyops_cli {

/// A threshold in the monitoring plugins' range syntax: `N` (0..N), `N:` (N..inf), `~:N`
/// (-inf..N), `N:M`, and `@` before any of them to alert inside the range instead of outside.
struct threshold_range {
    double lo = 0;
    double hi = std::numeric_limits<double>::infinity();
    bool inside = false;
    std::string text; ///< as written in the performance data

    /// True when `v` is to be alerted on.
    bool alerts(double v) const;
};

/// Reads a range (usage_error naming `flag` when it is not one). With `days_below`, a plain
/// number, with or without a `d` (`30d`), means "fewer than that many days": `30:`.
threshold_range parse_range(const std::string& flag, const std::string& text,
                            bool days_below = false);

/// keyops check jobs|proxy-key|login ...: prints the status line, returns the plugin's exit
/// code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
int run_check(const global_options& g, const std::vector<std::string>& rest);

/// keyops metrics [--textfile PATH]: Prometheus' text format.
int run_metrics(const global_options& g, const std::vector<std::string>& rest);

} // namespace keyops_cli

#endif
