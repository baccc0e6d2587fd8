#ifndef KEYOPS_ENDPOINT_DESCRIPTOR_HPP
#define KEYOPS_ENDPOINT_DESCRIPTOR_HPP

// What every endpoint descriptor is made of. A descriptor is a type with only static members:
//
//     struct my_endpoint {
//         static constexpr http_method method = http_method::get;
//         static constexpr api_service service = api_service::ciphertrust;
//         static constexpr auto path = fixed_string("/v1/things/{id}"); // under the service base
//         using path_params = std::tuple<job_id>;   // one type per {placeholder}
//         using query = no_query;                   // or a query struct with append_to()
//         using bodies = std::tuple<>;              // accepted request body types
//         static constexpr bool body_required = false;
//         using response = my_response;             // a type with a json_schema, or empty_response
//         static constexpr idempotency retry = idempotency::idempotent;
//     };
//
// Deriving from descriptor_defaults gives the common values of path_params, query, bodies,
// body_required and retry; a descriptor then declares only the rest and what differs:
//
//     struct my_endpoint : descriptor_defaults {
//         static constexpr http_method method = http_method::get;
//         static constexpr api_service service = api_service::ciphertrust;
//         static constexpr auto path = fixed_string("/v1/things/{id}");
//         using path_params = std::tuple<job_id>;
//         using response = my_response;
//     };
//
// check_descriptor<E>() verifies the parts at compile time, with readable messages.

// Boost 1.81's verb.hpp streams a string_view without including <ostream>.
#include <ostream>

#include <boost/beast/http/verb.hpp>

#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace keyops {

/// The HTTP method of an endpoint: Boost.Beast's `verb` (`http_method::get`, `post`, `patch`,
/// `delete_`).
using http_method = boost::beast::http::verb;

/// Whether an operation may be sent again after it may have reached the server.
enum class idempotency : unsigned char {
    idempotent,    ///< repeating it has no further effect (GET, DELETE, cancel, token grants)
    not_idempotent ///< repeating it may act twice (starting a job, rotating a key)
};

/// Which server an endpoint belongs to: its base path (request_context) and error shape.
enum class api_service : unsigned char {
    ciphertrust,     ///< CipherTrust Manager, under ciphertrust_base
    network_insight, ///< Network Insight, under network_insight_base
    vmware_csp       ///< VMware Cloud Services (the SaaS token exchange), under csp_base
};

/// A string usable as a compile-time constant and concatenable with `+`.
template <std::size_t N>
struct fixed_string {
    char data[N + 1] = {}; ///< the N characters and a terminating NUL

    constexpr fixed_string() = default;
    /// Copies a string literal of N characters and its NUL; the deduction guide gives N, as in
    /// `fixed_string("/v1/auth/tokens")`.
    constexpr fixed_string(const char (&s)[N + 1]) {
        for (std::size_t i = 0; i <= N; ++i)
            data[i] = s[i];
    }
    /// N, the number of characters.
    constexpr std::size_t size() const noexcept { return N; }
    /// The N characters, without the NUL, as a view of this object's array.
    constexpr std::string_view view() const noexcept { return std::string_view(data, N); }
    /// The same as view(), so that a fixed_string is accepted where a string_view is.
    constexpr operator std::string_view() const noexcept { return view(); }

    /// This string followed by `o`, e.g. `Kind::base_path + fixed_string("/{id}")`.
    template <std::size_t M>
    constexpr fixed_string<N + M> operator+(const fixed_string<M>& o) const {
        fixed_string<N + M> r;
        for (std::size_t i = 0; i < N; ++i)
            r.data[i] = data[i];
        for (std::size_t i = 0; i <= M; ++i)
            r.data[N + i] = o.data[i];
        return r;
    }
};
/// Deduces N from a string literal: its size without the terminating NUL.
template <std::size_t N>
fixed_string(const char (&)[N]) -> fixed_string<N - 1>;

/// The `{id}` path parameter: a job's id. Explicit, so that a plain string cannot be passed by
/// mistake where the endpoint expects an id.
struct job_id {
    /// The placeholder in an endpoint's path that the value replaces.
    static constexpr std::string_view placeholder = "{id}";
    /// Holds `v` without copying it: the string must stay valid until the request is built.
    constexpr explicit job_id(std::string_view v) noexcept : value(v) {}
    std::string_view value; ///< the id; percent-encoded into the path
};

/// Marks an endpoint without query parameters.
struct no_query {};

/// The response type of endpoints that answer without a body worth reading.
struct empty_response {};

/// The members most descriptors share: no path parameters, no query, no body, retried. A
/// descriptor derived from it redeclares only what differs; E::query, E::retry and the others it
/// does not declare are found here.
struct descriptor_defaults {
    using path_params = std::tuple<>;                             ///< no path parameter
    using query = no_query;                                       ///< no query parameters
    using bodies = std::tuple<>;                                  ///< no request body
    static constexpr bool body_required = false;                  ///< false: no body needed
    static constexpr idempotency retry = idempotency::idempotent; ///< retried: idempotent
};

namespace detail {

template <class T, class... Ts>
inline constexpr std::size_t count_of = (std::size_t(0) + ... + (std::is_same_v<T, Ts> ? 1 : 0));

template <class T, class Tuple>
struct in_tuple;
template <class T, class... Ts>
struct in_tuple<T, std::tuple<Ts...>> : std::bool_constant<(std::is_same_v<T, Ts> || ...)> {};

constexpr std::size_t count_placeholders(std::string_view path) noexcept {
    std::size_t n = 0;
    for (char c : path)
        n += c == '{' ? 1 : 0;
    return n;
}

// A hand-written search: std::string_view::find is not a constant expression under GCC's
// sanitizers.
constexpr bool contains(std::string_view hay, std::string_view needle) noexcept {
    for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
        std::size_t k = 0;
        while (k < needle.size() && hay[i + k] == needle[k])
            ++k;
        if (k == needle.size())
            return true;
    }
    return false;
}

template <class Tuple>
struct placeholders_present;
template <class... P>
struct placeholders_present<std::tuple<P...>> {
    static constexpr bool check([[maybe_unused]] std::string_view path) noexcept {
        return (contains(path, P::placeholder) && ...);
    }
};

} // namespace detail

/// Compile-time checks of a descriptor; build_request runs them for every endpoint it builds.
template <class E>
constexpr bool check_descriptor() {
    static_assert(std::tuple_size_v<typename E::path_params> ==
                      detail::count_placeholders(E::path.view()),
                  "keyops: the endpoint's path has a different number of {placeholders} than "
                  "its path_params");
    static_assert(detail::placeholders_present<typename E::path_params>::check(E::path.view()),
                  "keyops: a type in the endpoint's path_params has no {placeholder} in its path");
    static_assert(E::path.view().size() > 0 && E::path.view()[0] == '/',
                  "keyops: an endpoint path starts with '/'");
    static_assert(!E::body_required || std::tuple_size_v<typename E::bodies> > 0,
                  "keyops: an endpoint that requires a body must list its body types");
    return true;
}

} // namespace keyops

#endif
