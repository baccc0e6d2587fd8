#ifndef KEYOPS_CANCELLATION_HPP
#define KEYOPS_CANCELLATION_HPP

// How every machine of the engine takes a cancellation: the one rule the call (call_fsm.hpp),
// the waits (jobs_wait_fsm.hpp, rotation_wait_fsm.hpp, run_wait_fsm.hpp) and the exchange
// (exchange_fsm.hpp) follow. A machine is told the cancellation type with each event it is
// resumed with; its driver passes on what it was given (an async operation's cancellation
// state, or total for a sync wait whose stop flag was set) and decides nothing itself.
//
//   none      nothing to do.
//   terminal  the operation ends at once with boost::asio::error::operation_aborted. An answer
//             that arrives together with it is not read. The driver cancels what is in flight
//             (the socket, the timer), which leaves the connection closed.
//   partial,  a pause ends at once. A request in flight is let finish, and its answer is used:
//   total     a job that answer shows ended is reported ended, with its outcome, and a call
//             whose answer is a success succeeds. Then the operation ends: a wait's unfinished
//             jobs end `cancelled`, a call that would have retried ends with operation_aborted.
//             An exchange is one request in flight: it is let finish.
//
// A cancellation is sticky: once seen, the machine ends at its next step whatever it is told
// afterwards.

#include <boost/asio/cancellation_type.hpp>

#include <ostream>
#include <string_view>

namespace keyops {

/// The cancellation types of Asio's per-operation cancellation, as the machines take them.
using cancellation_type = boost::asio::cancellation_type_t;

/// The strongest type set in `c`: "terminal", "partial", "total" or "none".
constexpr std::string_view to_string(cancellation_type c) noexcept {
    if ((c & cancellation_type::terminal) != cancellation_type::none)
        return "terminal";
    if ((c & cancellation_type::partial) != cancellation_type::none)
        return "partial";
    if ((c & cancellation_type::total) != cancellation_type::none)
        return "total";
    return "none";
}

namespace detail {

/// What a machine does with a cancellation type (see the top of this header).
enum class cancel_rule : unsigned char {
    go_on,            ///< none
    end_after_answer, ///< partial, total: the request in flight finishes first
    end_now,          ///< terminal
};

constexpr cancel_rule rule_of(cancellation_type c) noexcept {
    if ((c & cancellation_type::terminal) != cancellation_type::none)
        return cancel_rule::end_now;
    if ((c & (cancellation_type::partial | cancellation_type::total)) != cancellation_type::none)
        return cancel_rule::end_after_answer;
    return cancel_rule::go_on;
}

/// The stronger of two rules: a machine keeps the strongest it was told.
constexpr cancel_rule stronger(cancel_rule a, cancel_rule b) noexcept {
    return static_cast<unsigned char>(a) > static_cast<unsigned char>(b) ? a : b;
}

constexpr std::string_view to_string(cancel_rule r) noexcept {
    switch (r) {
    case cancel_rule::go_on:
        return "go_on";
    case cancel_rule::end_after_answer:
        return "end_after_answer";
    case cancel_rule::end_now:
        break;
    }
    return "end_now";
}

inline std::ostream& operator<<(std::ostream& os, cancel_rule r) {
    return os << to_string(r);
}

} // namespace detail
} // namespace keyops

#endif
