#ifndef KEYOPS_MODEL_STATUS_HPP
#define KEYOPS_MODEL_STATUS_HPP

// Status words of both servers, normalised to enums that agree on meaning (see
// docs/server-api.md, "Status words, side by side"). The raw word is always kept: a newer server
// may add words, which map to `unknown` rather than to an error.

#include <keyops/parse/schema.hpp>

#include <cstdint>
#include <ostream>
#include <string_view>
#include <type_traits>

namespace keyops {

/// The state of a CCKM job (`overall_status`). A cancelled job ends `completed` with abort set.
enum class job_state : std::uint8_t { unknown, in_progress, completed, failed };

/// The state of a Network Insight proxy key rotation (`status`).
enum class rotation_state : std::uint8_t { unknown, submitted, in_progress, success, failed };

constexpr job_state job_state_from_word(std::string_view w) noexcept {
    if (w == "in_progress")
        return job_state::in_progress;
    if (w == "completed")
        return job_state::completed;
    if (w == "failed")
        return job_state::failed;
    return job_state::unknown;
}

constexpr rotation_state rotation_state_from_word(std::string_view w) noexcept {
    if (w == "SUBMITTED")
        return rotation_state::submitted;
    if (w == "IN_PROGRESS")
        return rotation_state::in_progress;
    if (w == "SUCCESS")
        return rotation_state::success;
    if (w == "FAILED")
        return rotation_state::failed;
    return rotation_state::unknown;
}

constexpr std::string_view to_string(job_state s) noexcept {
    switch (s) {
    case job_state::in_progress:
        return "in_progress";
    case job_state::completed:
        return "completed";
    case job_state::failed:
        return "failed";
    case job_state::unknown:
        break;
    }
    return "unknown";
}

constexpr std::string_view to_string(rotation_state s) noexcept {
    switch (s) {
    case rotation_state::submitted:
        return "SUBMITTED";
    case rotation_state::in_progress:
        return "IN_PROGRESS";
    case rotation_state::success:
        return "SUCCESS";
    case rotation_state::failed:
        return "FAILED";
    case rotation_state::unknown:
        break;
    }
    return "unknown";
}

inline std::ostream& operator<<(std::ostream& os, job_state s) {
    return os << to_string(s);
}
inline std::ostream& operator<<(std::ostream& os, rotation_state s) {
    return os << to_string(s);
}

/// True when the job will not change any more.
constexpr bool is_terminal(job_state s) noexcept {
    return s == job_state::completed || s == job_state::failed;
}
constexpr bool is_terminal(rotation_state s) noexcept {
    return s == rotation_state::success || s == rotation_state::failed;
}

/// A status word as sent, with its normalised meaning.
template <class State>
struct status_word {
    State state = State::unknown;
    /// The word as the server sent it; empty when absent or null.
    std::string_view raw;

    bool has_value() const noexcept { return !raw.empty(); }
};

using job_status = status_word<job_state>;
using rotation_status_word = status_word<rotation_state>;

// Status words read from JSON: the word kept as sent, its meaning looked up.
template <class State>
struct json_member_type<status_word<State>> {
    static constexpr State from_word(std::string_view s) noexcept {
        if constexpr (std::is_same_v<State, job_state>)
            return job_state_from_word(s);
        else
            return rotation_state_from_word(s);
    }
    static constexpr value_sink value{"a status word string",
                                      [](detail::parse_state&, void* m, std::string_view s) {
                                          *static_cast<status_word<State>*>(m) = {from_word(s), s};
                                          return true;
                                      },
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      [](detail::parse_state&, void* m) {
                                          *static_cast<status_word<State>*>(m) = {};
                                          return true;
                                      },
                                      nullptr,
                                      nullptr};
};

} // namespace keyops

#endif
