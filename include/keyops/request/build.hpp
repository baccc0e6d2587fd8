#ifndef KEYOPS_REQUEST_BUILD_HPP
#define KEYOPS_REQUEST_BUILD_HPP

// The request builder: an endpoint descriptor plus its arguments in, a Beast request out. Pure:
// no I/O, no clock, no global state; safe to call from any thread.
//
//     keyops::request_context ctx;
//     ctx.host = "cm.example.com";
//     auto req = keyops::build_request<keyops::cckm::get_job<keyops::cckm::oci>>(
//         ctx, keyops::job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9"));
//
// Arguments are matched by type: the endpoint's path parameters (keyops::job_id), its query
// type, and at most one of its body types, in any order. A missing path parameter or an
// argument of a type the endpoint does not take is a compile error with a keyops: message.
// Authorization is not set here: the auth policy adds it just before sending.

#include <keyops/diagnostics.hpp>
#include <keyops/endpoint/descriptor.hpp>
#include <keyops/endpoint/query_writer.hpp>
#include <keyops/error.hpp>
#include <keyops/http.hpp>
#include <keyops/version.hpp>

#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace keyops {

/// Where requests go and how they present themselves. Plain data; copy it freely.
struct request_context {
    /// The Host header: `cm.example.com`, `10.0.0.5:8443`, `[::1]:8443`. See host_header().
    std::string host;
    /// Base path of CipherTrust Manager's API.
    std::string ciphertrust_base = "/api";
    /// Base path of Network Insight's API: `/api/ni` on premises, `/ni/api/ni` on SaaS.
    std::string network_insight_base = "/api/ni";
    /// Where VMware Cloud Services' token exchange is (Network Insight SaaS): an origin on
    /// another host, `https://host[:port]`, which makes the request's target absolute (the
    /// transport then connects there; see beast_transport), or a path on the server itself.
    std::string csp_base = "https://console.cloud.vmware.com";
    /// The User-Agent header of every request.
    std::string user_agent = "keyops/" KEYOPS_VERSION_STRING;
    /// Accept-Encoding; empty to send none. The transport must decode what it asks for.
    std::string accept_encoding = "gzip, deflate";
};

/// The Host header value for a host and port: IPv6 literals get brackets, and the scheme's
/// default port is left out.
inline std::string host_header(std::string_view host, unsigned short port, bool tls) {
    std::string out;
    const bool ipv6 = host.find(':') != std::string_view::npos && host.front() != '[';
    if (ipv6)
        out += '[';
    out += host;
    if (ipv6)
        out += ']';
    if (port != (tls ? 443 : 80)) {
        out += ':';
        out += std::to_string(port);
    }
    return out;
}

namespace detail {

/// A body type writes a form (`application/x-www-form-urlencoded`) rather than JSON when it has
/// `error_code write_form(std::string&) const`.
template <class B, class = void>
struct has_write_form : std::false_type {};
template <class B>
struct has_write_form<
    B, std::void_t<decltype(std::declval<const B&>().write_form(std::declval<std::string&>()))>>
    : std::true_type {};

template <class E, class... Args>
struct argument_rules {
    using path_params = typename E::path_params;
    using query = typename E::query;
    using bodies = typename E::bodies;

    template <class P>
    static constexpr bool path_param_given() {
        static_assert(count_of<P, Args...> != 0,
                      "keyops: missing path parameter: this endpoint's path has a placeholder "
                      "such as {id}; pass it typed, e.g. keyops::job_id(\"...\")");
        return true;
    }

    template <class A>
    static constexpr bool argument_accepted() {
        constexpr bool is_path = in_tuple<A, path_params>::value;
        constexpr bool is_query = std::is_same_v<A, query> && !std::is_same_v<A, no_query>;
        constexpr bool is_body = in_tuple<A, bodies>::value;
        static_assert(is_path || is_query || is_body,
                      "keyops: an argument's type is not accepted by this endpoint: pass its path "
                      "parameters (e.g. keyops::job_id), its query type, or one of its bodies");
        static_assert(count_of<A, Args...> == 1, "keyops: an argument type is passed twice");
        return true;
    }

    template <class... P>
    static constexpr bool all_path_params(std::tuple<P...>*) {
        return (path_param_given<P>() && ...);
    }

    static constexpr bool check() {
        check_descriptor<E>();
        constexpr std::size_t body_args =
            (std::size_t(0) + ... + (in_tuple<Args, bodies>::value ? 1 : 0));
        static_assert(body_args <= 1, "keyops: pass at most one request body");
        static_assert(!E::body_required || body_args == 1,
                      "keyops: this endpoint needs a request body: pass one of its body types");
        return all_path_params(static_cast<path_params*>(nullptr)) &&
               (argument_accepted<Args>() && ...);
    }
};

// A path parameter type: a `placeholder` and a `value` (keyops::job_id, scheduler::config_id).
template <class A, class = void>
struct is_path_param : std::false_type {};
template <class A>
struct is_path_param<A, std::void_t<decltype(A::placeholder), decltype(std::declval<A>().value)>>
    : std::true_type {};

// A path parameter type may say `static constexpr bool encoded = true`: its value is then a path
// already percent-encoded, slashes included (several segments, such as a job kind's base path
// chosen at run time), and is written as it is.
template <class A, class = void>
struct is_encoded_path_param : std::false_type {};
template <class A>
struct is_encoded_path_param<A, std::enable_if_t<A::encoded>> : std::true_type {};

// Appends the value of the path parameter whose placeholder is `name`.
template <class... Args>
bool append_path_param(std::string& target, std::string_view name, const Args&... args) {
    bool found = false, empty = false;
    [[maybe_unused]] auto one = [&](const auto& a) {
        using A = std::decay_t<decltype(a)>;
        if constexpr (is_path_param<A>::value) {
            if (!found && A::placeholder == name) {
                found = true;
                empty = a.value.empty();
                if constexpr (is_encoded_path_param<A>::value) {
                    target.append(a.value);
                } else {
                    const std::size_t n =
                        boost::urls::encoded_size(a.value, boost::urls::unreserved_chars);
                    const std::size_t at = target.size();
                    target.resize(at + n);
                    boost::urls::encode(&target[at], n, a.value, boost::urls::unreserved_chars);
                }
            }
        }
    };
    (one(args), ...);
    return found && !empty;
}

// Builds into `req`, with `target` as the scratch space of the request target (a string kept
// by the caller spares its allocation).
template <class E, class... Args>
const char* build_into_with(http_request& req, std::string& target, const request_context& ctx,
                            error_code& ec, const Args&... args) {
    static_assert(argument_rules<E, Args...>::check());
    ec.clear();
    if (ctx.host.empty()) {
        ec = error::invalid_argument;
        return "the request context has no host";
    }

    target.reserve(256); // base, path and an id or a short query in one allocation
    target = E::service == api_service::ciphertrust       ? ctx.ciphertrust_base
             : E::service == api_service::network_insight ? ctx.network_insight_base
                                                          : ctx.csp_base;
    if (!target.empty() && target.back() == '/')
        target.pop_back();
    const std::string_view path = E::path.view();
    for (std::size_t i = 0; i < path.size();) {
        const std::size_t open = path.find('{', i);
        target.append(path.substr(i, open - i));
        if (open == std::string_view::npos)
            break;
        const std::size_t close = path.find('}', open);
        if (!append_path_param(target, path.substr(open, close - open + 1), args...)) {
            ec = error::invalid_argument;
            return "a path parameter is empty";
        }
        i = close + 1;
    }
    if constexpr (!std::is_same_v<typename E::query, no_query>) {
        query_writer w(target);
        [[maybe_unused]] auto one = [&](const auto& a) {
            if constexpr (std::is_same_v<std::decay_t<decltype(a)>, typename E::query>)
                a.append_to(w);
        };
        (one(args), ...);
    }

    // `req` may be a request built before (the client reuses one per call state): fields that
    // already hold the right value stay, which spares their allocations; all others go. One pass
    // over the field list, no lookups by name.
    namespace http = boost::beast::http;
    struct wanted {
        http::field name;
        std::string_view value;
        bool present;
    };
    wanted want[] = {{http::field::host, ctx.host, false},
                     {http::field::user_agent, ctx.user_agent, false},
                     {http::field::accept, "application/json", false},
                     {http::field::accept_encoding, ctx.accept_encoding, false}};
    const std::size_t wants = ctx.accept_encoding.empty() ? 3 : 4;
    for (auto it = req.begin(); it != req.end();) {
        bool keep = false;
        for (std::size_t i = 0; i < wants && !keep; ++i) {
            if (!want[i].present && it->name() == want[i].name && it->value() == want[i].value)
                keep = want[i].present = true;
        }
        if (keep)
            ++it;
        else
            it = req.erase(it);
    }
    req.body().clear();
    req.version(11);
    req.method(E::method);
    if (req.target() != target)
        req.target(target);
    for (std::size_t i = 0; i < wants; ++i)
        if (!want[i].present)
            req.insert(want[i].name, want[i].value);

    const char* failure = nullptr;
    [[maybe_unused]] auto body = [&](const auto& a) {
        using B = std::decay_t<decltype(a)>;
        if constexpr (in_tuple<B, typename E::bodies>::value && has_write_form<B>::value) {
            if (auto bec = a.write_form(req.body())) {
                ec = bec;
                failure = "the request's form body is invalid";
            }
            req.set(http::field::content_type, "application/x-www-form-urlencoded");
        } else if constexpr (in_tuple<B, typename E::bodies>::value) {
            if (auto bec = a.write_json(req.body())) {
                ec = bec;
                failure = "the request body is invalid (a raw body must be a JSON object)";
            }
            req.set(http::field::content_type, "application/json");
        }
    };
    (body(args), ...);
    if (failure)
        return failure;
    // POSTs without a body still say Content-Length: 0, which some proxies insist on.
    req.prepare_payload();
    return nullptr;
}

template <class E, class... Args>
const char* build_into(http_request& req, const request_context& ctx, error_code& ec,
                       const Args&... args) {
    std::string target;
    return build_into_with<E>(req, target, ctx, ec, args...);
}

} // namespace detail

namespace detail {

template <class... Args>
constexpr bool ends_with_error_ref() {
    if constexpr (sizeof...(Args) == 0)
        return false;
    else
        return std::is_same_v<std::tuple_element_t<sizeof...(Args) - 1, std::tuple<Args...>>,
                              error_code&>;
}

template <class E, class Tuple, std::size_t... I>
http_request build_first(const request_context& ctx, Tuple& all, error_code& ec,
                         std::index_sequence<I...>) {
    http_request req;
    build_into<E>(req, ctx, ec, std::get<I>(all)...);
    return req;
}

} // namespace detail

/// Builds the request for endpoint E from its arguments (path parameters, query, body, in any
/// order): `build_request<E>(ctx, args..., ec)` sets `ec` to error::invalid_argument on an
/// invalid argument (an empty host, an empty path parameter, a body that cannot be written);
/// `build_request<E>(ctx, args...)` throws keyops::exception instead, its diagnostics saying
/// which. An argument the endpoint does not take does not compile. No I/O; thread-safe.
template <class E, class... Args>
http_request build_request(const request_context& ctx, Args&&... args) {
    if constexpr (detail::ends_with_error_ref<Args...>()) {
        auto all = std::forward_as_tuple(std::forward<Args>(args)...);
        constexpr std::size_t n = sizeof...(Args);
        return detail::build_first<E>(ctx, all, std::get<n - 1>(all),
                                      std::make_index_sequence<n - 1>());
    } else {
        http_request req;
        error_code ec;
        if (const char* what = detail::build_into<E>(req, ctx, ec, args...)) {
            diagnostics diag;
            diag.detail = what;
            throw exception(ec, std::move(diag));
        }
        return req;
    }
}

} // namespace keyops

#endif
