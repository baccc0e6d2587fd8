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

/// The meaning of a CCKM `overall_status` word; `unknown` for any word not known to keyops.
constexpr job_state job_state_from_word(std::string_view w) noexcept {
    if (w == "in_progress")
        return job_state::in_progress;
    if (w == "completed")
        return job_state::completed;
    if (w == "failed")
        return job_state::failed;
    return job_state::unknown;
}

/// The meaning of a Network Insight rotation `status` word (upper case, as sent); `unknown` for
/// any word not known to keyops.
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

/// The server's word for `s` (`in_progress`, `completed`, `failed`), or `unknown`.
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

/// The server's word for `s` (`SUBMITTED`, `IN_PROGRESS`, `SUCCESS`, `FAILED`), or `unknown`.
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

/// Writes to_string(s).
inline std::ostream& operator<<(std::ostream& os, job_state s) {
    return os << to_string(s);
}
/// Writes to_string(s).
inline std::ostream& operator<<(std::ostream& os, rotation_state s) {
    return os << to_string(s);
}

/// True when the job will not change any more.
constexpr bool is_terminal(job_state s) noexcept {
    return s == job_state::completed || s == job_state::failed;
}
/// True when the rotation will not change any more: success or failed.
constexpr bool is_terminal(rotation_state s) noexcept {
    return s == rotation_state::success || s == rotation_state::failed;
}

/// A status word as sent, with its normalised meaning.
template <class State>
struct status_word {
    /// The word's meaning; `unknown` when absent, null or a word keyops does not know.
    State state = State::unknown;
    /// The word as the server sent it; empty when absent or null.
    std::string_view raw;

    /// True when the server sent a word (raw is not empty).
    bool has_value() const noexcept { return !raw.empty(); }
};

/// A CCKM job's `overall_status` (also a scheduler run's `status`).
using job_status = status_word<job_state>;
/// A Network Insight rotation's `status`.
using rotation_status_word = status_word<rotation_state>;

/// Status words read from JSON: the word kept as sent, its meaning looked up. Null leaves the
/// status_word empty; a value that is not a string fails the parse with error::wrong_type.
template <class State>
struct json_member_type<status_word<State>> {
    /// The meaning of word `s`: job_state_from_word or rotation_state_from_word.
    static constexpr State from_word(std::string_view s) noexcept {
        if constexpr (std::is_same_v<State, job_state>)
            return job_state_from_word(s);
        else
            return rotation_state_from_word(s);
    }
    /// How a status_word member consumes JSON values (see parse/schema.hpp).
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
