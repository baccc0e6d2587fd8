#ifndef KEYOPS_RETRY_POLICIES_HPP
#define KEYOPS_RETRY_POLICIES_HPP

// Retry policies, sans-io: the client tells the policy how an attempt failed, the policy answers
// whether to try again and after how long. Waiting is the client's job (an Asio timer, never a
// blocking sleep).
//
// A policy type R provides:
//   retry_decision on_failure(unsigned attempts_made, const attempt_outcome& outcome,
//                             std::chrono::steady_clock::duration time_left);
//   void on_success();
// One policy object serves every call of one client, so its state (the retry budget) is shared.

#include <keyops/error.hpp>
#include <keyops/response/retry_after.hpp>

#include <boost/asio/error.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>

namespace keyops {

/// How an attempt failed.
struct attempt_outcome {
    error_code ec;            ///< transport error, or the keyops error for the HTTP status
    unsigned http_status = 0; ///< 0 when no response arrived
    /// The server's Retry-After, already converted to a delay.
    std::optional<std::chrono::milliseconds> retry_after;
    bool idempotent = true; ///< may the request be repeated safely?
    /// When ec is error::proxy_refused: the proxy's answer to CONNECT (0 if unknown).
    unsigned proxy_status = 0;
    /// The error answer passes on a cloud's throttling (diagnostics::throttled): the server
    /// did nothing, so any method may be sent again, whatever the HTTP status.
    bool throttled = false;
};

/// A retry policy's answer to a failed attempt (on_failure): whether to try again, and when.
struct retry_decision {
    bool retry = false; ///< true: send the request again after `delay`; false: give up
    /// The pause before the next attempt (the client waits on a timer); when giving up, the
    /// pause that was refused, if any (e.g. one that would pass the deadline).
    std::chrono::milliseconds delay{0};
    /// Why not, when retry is false (or what the delay is based on): for diagnostics.
    std::string reason;
    /// The error to report when giving up, if different from the attempt's own.
    error_code give_up_error{};
};

/// Transport errors that prove the request never left: safe to retry even when not idempotent.
inline bool failed_before_sending(error_code ec) {
    namespace ae = boost::asio::error;
    return ec == ae::connection_refused || ec == ae::host_not_found ||
           ec == ae::host_not_found_try_again || ec == ae::network_unreachable ||
           ec == ae::host_unreachable || ec == error::proxy_refused;
}

/// Transport errors worth another attempt at all: connection trouble and time-outs, not TLS
/// verification failures, size limits or undecodable bodies, which would fail again. TLS errors
/// are told by their categories' names, "asio.ssl" (OpenSSL's) and "asio.ssl.stream", so that
/// the policy, like the rest of the I/O-free core, includes no OpenSSL header. Of the stream's
/// errors, a stream cut short (stream_truncated, 1: the connection ended without TLS's close, as
/// a dropped one does) is connection trouble too, as for waits (wait/types.hpp).
inline bool transient_transport_error(error_code ec) {
    const std::string_view category = ec.category().name();
    if (category == "asio.ssl")
        return false;
    if (category == "asio.ssl.stream")
        return ec.value() == 1; // boost::asio::ssl::error::stream_truncated
    if (ec.category() == error_category())
        return ec == error::timeout || ec == error::proxy_refused;
    return true;
}

/// The HTTP statuses retried: 408, 429, 500, 502, 503, 504.
constexpr bool retryable_status(unsigned status) noexcept {
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
           status == 504;
}

/// Whether the outcome may be retried at all, and if not, why. An answer that passes on a
/// cloud's throttling (`throttled`) is retried like a 429 for every method and status: the
/// server did nothing. A cloud's other errors (quota, limits) are judged by their status alone.
inline const char* retry_refusal(const attempt_outcome& o) {
    if (o.http_status != 0) {
        if (o.throttled)
            return nullptr;
        if (!retryable_status(o.http_status))
            return "the status is not retried";
        if (!o.idempotent)
            return "the operation is not idempotent and reached the server";
        return nullptr;
    }
    if (o.ec == error::proxy_refused && o.proxy_status != 0 && !retryable_status(o.proxy_status))
        return "the proxy's refusal is not retried"; // 403, 407...: asking again changes nothing
    if (!transient_transport_error(o.ec))
        return "the error is not transient";
    if (!o.idempotent && !failed_before_sending(o.ec))
        return "the operation is not idempotent and may have reached the server";
    return nullptr;
}

/// Never retries.
class no_retry {
public:
    /// Always gives up ("retries are disabled").
    retry_decision on_failure(unsigned, const attempt_outcome&,
                              std::chrono::steady_clock::duration) {
        return {false, {}, "retries are disabled", {}};
    }
    /// Does nothing.
    void on_success() noexcept {}
};

/// A token bucket shared by all calls of one client: every retry takes a token, every success
/// puts back a fraction of one. When an outage makes every call fail, retries stop once the
/// bucket is empty instead of multiplying the load.
class retry_budget {
public:
    /// A full bucket of `capacity` tokens; each success puts back `refill_per_success`, up to
    /// `capacity`.
    explicit retry_budget(double capacity = 10, double refill_per_success = 0.1) noexcept
        : capacity_(capacity), tokens_(capacity), refill_(refill_per_success) {}
    /// Takes one token for a retry: false, and nothing taken, when less than one is left.
    bool try_take() noexcept {
        if (tokens_ < 1)
            return false;
        tokens_ -= 1;
        return true;
    }
    /// A call succeeded: puts back the refill, up to the capacity.
    void on_success() noexcept { tokens_ = std::min(capacity_, tokens_ + refill_); }
    /// The tokens left (a fraction between whole ones is kept).
    double tokens() const noexcept { return tokens_; }

private:
    double capacity_;
    double tokens_;
    double refill_;
};

/// The settings of exponential_backoff (any_client_config::retry): delays, attempts, the budget.
struct backoff_options {
    /// The first retry's upper bound of its random delay (the n-th: this times
    /// `multiplier`^(n-1), up to `max_delay`).
    std::chrono::milliseconds initial_delay{200};
    std::chrono::milliseconds max_delay{10000}; ///< the most a computed delay's bound may grow to
    double multiplier = 2.0; ///< the growth of the delay's bound from one retry to the next
    /// Attempts in all, the first included.
    unsigned max_attempts = 5;
    /// Server-chosen delays (Retry-After) longer than this are cut to it.
    std::chrono::milliseconds max_retry_after{60000};
    /// Retry budget: size of the bucket and the refill per successful call.
    double budget_capacity = 10;
    double budget_refill_per_success = 0.1; ///< tokens put back per successful call
};

/// Exponential backoff with full jitter: the n-th retry waits a uniformly random time in
/// [0, min(max_delay, initial_delay * multiplier^(n-1))], unless the server said Retry-After,
/// which wins (capped). Not thread-safe: one per client, used from the client's executor.
class exponential_backoff {
public:
    /// `seed` seeds the jitter's random numbers: a fixed one makes the delays repeatable (tests).
    explicit exponential_backoff(backoff_options opt = {},
                                 std::uint64_t seed = std::random_device{}())
        : opt_(opt), budget_(opt.budget_capacity, opt.budget_refill_per_success), rng_(seed) {}

    /// Gives up when the outcome is not retried (retry_refusal), after max_attempts, when the
    /// delay would reach `time_left` (error::deadline_exceeded) or when the budget is empty
    /// (error::retry_budget_exhausted); otherwise retries after the delay, taking a budget token.
    retry_decision on_failure(unsigned attempts_made, const attempt_outcome& o,
                              std::chrono::steady_clock::duration time_left) {
        if (const char* why = retry_refusal(o))
            return {false, {}, why, {}};
        if (attempts_made >= opt_.max_attempts)
            return {false, {}, "gave up after " + std::to_string(attempts_made) + " attempts", {}};
        std::chrono::milliseconds delay;
        std::string basis;
        if (o.retry_after) {
            delay = std::min(*o.retry_after, opt_.max_retry_after);
            basis = "Retry-After " + std::to_string(delay.count()) + " ms";
        } else {
            const double cap = std::min<double>(
                static_cast<double>(opt_.max_delay.count()),
                static_cast<double>(opt_.initial_delay.count()) *
                    std::pow(opt_.multiplier, static_cast<double>(attempts_made - 1)));
            std::uniform_real_distribution<double> dist(0.0, std::max(cap, 0.0));
            delay = std::chrono::milliseconds(static_cast<std::int64_t>(dist(rng_)));
            basis = "backoff " + std::to_string(delay.count()) + " ms";
        }
        if (o.throttled)
            basis = "throttled by the cloud; " + basis;
        if (delay >= time_left)
            return {false, delay, basis + " would pass the deadline",
                    make_error_code(error::deadline_exceeded)};
        if (!budget_.try_take())
            return {false, delay, "the retry budget is empty",
                    make_error_code(error::retry_budget_exhausted)};
        return {true, delay, basis, {}};
    }

    /// A call succeeded: refills the budget.
    void on_success() noexcept { budget_.on_success(); }
    /// The retry budget, shared by every call of the client.
    const retry_budget& budget() const noexcept { return budget_; }
    /// The options given.
    const backoff_options& options() const noexcept { return opt_; }

private:
    backoff_options opt_;
    retry_budget budget_;
    std::mt19937_64 rng_;
};

namespace detail {
template <class R, class = void>
struct is_retry_policy : std::false_type {};
template <class R>
struct is_retry_policy<R, std::void_t<decltype(std::declval<R&>().on_failure(
                                          1u, std::declval<const attempt_outcome&>(),
                                          std::declval<std::chrono::steady_clock::duration>())),
                                      decltype(std::declval<R&>().on_success())>>
    : std::is_convertible<decltype(std::declval<R&>().on_failure(
                              1u, std::declval<const attempt_outcome&>(),
                              std::declval<std::chrono::steady_clock::duration>())),
                          retry_decision> {};
} // namespace detail

} // namespace keyops

#endif
