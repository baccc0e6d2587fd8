#ifndef KEYOPS_CLIENT_OPTIONS_HPP
#define KEYOPS_CLIENT_OPTIONS_HPP

// keyops::client's options, and what it remembers of the jobs it started (the read-after-write
// grace of client_options::read_after_write_grace).

#include <keyops/diagnostics.hpp>
#include <keyops/observer.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/version.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace keyops {

namespace detail {
template <class E, class = void>
struct creates_resource : std::false_type {};
template <class E>
struct creates_resource<E, std::enable_if_t<E::creates_resource>> : std::true_type {};
template <class R, class = void>
struct has_string_id : std::false_type {};
template <class R>
struct has_string_id<R, std::void_t<decltype(std::string_view(std::declval<const R&>().id))>>
    : std::true_type {};
} // namespace detail

/// The settings of a keyops::client (and any_client_config::client): the APIs' base paths, the
/// headers it sends, its time limits, the parse limits and the observer. Plain data.
struct client_options {
    /// Base path of CipherTrust Manager's API on the server (request_context::ciphertrust_base).
    std::string ciphertrust_base = "/api";
    /// Base path of Network Insight's API: `/api/ni` on premises, `/ni/api/ni` on SaaS.
    std::string network_insight_base = "/api/ni";
    /// VMware Cloud Services' token exchange (Network Insight SaaS): `https://host[:port]` of
    /// another host (the transport connects there for it), or a path on the server itself.
    std::string csp_base = "https://console.cloud.vmware.com";
    /// The User-Agent header of every request.
    std::string user_agent = "keyops/" KEYOPS_VERSION_STRING;
    /// Accept-Encoding sent; the transport decodes gzip and deflate. Empty sends none.
    std::string accept_encoding = "gzip, deflate";
    /// Limit for a whole call: token requests, every attempt and every wait between them.
    std::chrono::milliseconds call_timeout{120000};
    /// Destroying a client that still holds a server-side credential (a Network Insight token)
    /// without close() releases it, best effort, within this time; 0 disables that release.
    /// See ~client().
    std::chrono::milliseconds release_on_destroy_timeout{2000};
    /// Read after write across a cluster's nodes: for this long after this client started a
    /// job (an endpoint with `creates_resource`), a call naming that job's id that is answered
    /// 404 is asked again after a short pause instead of failing: another node may not have
    /// the job yet. 0 turns this off.
    std::chrono::milliseconds read_after_write_grace{2000};
    /// Limits of the JSON parse of answers (body size, nesting depth).
    parse_options parse;
    /// Told of connects, handshakes, requests, responses, retries, token requests and (through
    /// the waits) polls; null for none. Must outlive the client. See observer.hpp.
    keyops::observer* observer = nullptr;
};

namespace detail {

// How a call's arguments end: `(..., error_code&, diagnostics&)` (sync, not throwing) or
// `(..., diagnostics&, token)` (async).
// A separate function: in one `n >= 2 && ...` condition, tuple_element_t<n - 2> would be
// instantiated even for n == 1 (a call with only a completion token), and fail to compile.
template <class... Args>
constexpr bool diagnostics_before_token() {
    constexpr std::size_t n = sizeof...(Args);
    if constexpr (n < 2) {
        return false;
    } else {
        return std::is_same_v<std::decay_t<std::tuple_element_t<n - 2, std::tuple<Args...>>>,
                              diagnostics>;
    }
}

template <class... Args>
constexpr bool ends_with_error_refs() {
    constexpr std::size_t n = sizeof...(Args);
    if constexpr (n < 2) {
        return false;
    } else {
        using tuple = std::tuple<Args...>;
        return std::is_same_v<std::tuple_element_t<n - 2, tuple>, error_code&> &&
               std::is_same_v<std::tuple_element_t<n - 1, tuple>, diagnostics&>;
    }
}

// The ids of jobs a client started, each with the end of its grace.
class recent_writes {
public:
    /// Notes `id` as created now, visible everywhere after `grace` (0 or less: not noted).
    void remember(std::string_view id, std::chrono::milliseconds grace) {
        if (grace.count() <= 0 || id.empty())
            return;
        const auto now = std::chrono::steady_clock::now();
        ids_.erase(std::remove_if(ids_.begin(), ids_.end(),
                                  [&](const entry& e) { return e.until <= now; }),
                   ids_.end());
        if (ids_.size() >= 64) // a bound for a client that starts jobs in a burst
            ids_.erase(ids_.begin());
        ids_.push_back({std::string(id), now + grace});
    }

    /// The end of `id`'s grace; the clock's minimum (never) when it has none left.
    std::chrono::steady_clock::time_point grace_until(std::string_view id) const {
        if (ids_.empty())
            return {};
        const auto now = std::chrono::steady_clock::now();
        for (const auto& e : ids_)
            if (e.until > now && e.id == id)
                return e.until;
        return {};
    }

private:
    struct entry {
        std::string id;
        std::chrono::steady_clock::time_point until;
    };
    std::vector<entry> ids_;
};

} // namespace detail
} // namespace keyops

#endif
