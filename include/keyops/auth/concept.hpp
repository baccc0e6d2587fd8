#ifndef KEYOPS_AUTH_CONCEPT_HPP
#define KEYOPS_AUTH_CONCEPT_HPP

// Auth policies, sans-io: what the client asks before each attempt, and after a 401. A policy
// never does I/O itself: when it needs a token it builds the request that fetches one, and the
// client's call machine (client/call_fsm.hpp) sends it through the transport and hands the answer
// back. So the policies are usable with any HTTP stack, and testable by hand with explicit clocks.
//
// An auth policy type A provides (`now`: the wall clock, which token lifetimes are measured in):
//   bool try_authorize(http_request& req, system_clock::time_point now);
//        Sets the credentials on `req` if it can without I/O; false when a token must be fetched.
//   auth_fetch begin_fetch(const request_context& ctx, http_request& grant, diagnostics& diag,
//                          system_clock::time_point now, bool may_wait, error_code& ec);
//        After try_authorize said false: `send` with the token request built into `grant`;
//        `wait` when another call's fetch is in flight and `may_wait` (look again when it ends);
//        `ready` when credentials became available (call try_authorize again); `fail` with `ec`.
//   error_code on_fetch_response(error_code ec, http_response& res, diagnostics& diag,
//                                system_clock::time_point now);
//        The answer to the token request (ec: the transport's error). Null: call try_authorize
//        again (a token arrived, or a fallback grant is due); else the call fails with it.
//   bool on_unauthorized(const http_request& req);
//        The request got 401. True when fresh credentials may help (the client then retries
//        once); the token the request carried is dropped.
//   bool begin_release(const request_context& ctx, http_request& out);
//        Builds the request that gives back what the server holds for us (Network Insight
//        tokens); false when there is nothing to give back.
//   error_code on_release_response(error_code ec, const http_response& res, diagnostics& diag);
// Optionally:
//   template <class F> void for_each_secret(F&& f) const;
//        Calls f(std::string_view) with every secret it holds (passwords, tokens): the client
//        redacts them from a call's diagnostics, whatever a server echoed back.
//   bool needs_release() const;
//        True while the server holds something for us that begin_release gives back; a client
//        destroyed without close() then releases it, best effort (see ~client in client.hpp).
//        A policy providing it must be move-constructible.
// Policies hold secrets: they never log them, and never put them in diagnostics. They are used
// from the client's executor only (not thread-safe) and must outlive the client's operations.

#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/http.hpp>
#include <keyops/request/build.hpp>
#include <keyops/response/detail/server_error.hpp>

#include <chrono>
#include <string_view>
#include <type_traits>
#include <utility>

namespace keyops {

/// What begin_fetch asks of the caller.
enum class auth_fetch : unsigned char {
    ready, ///< credentials are available now: try_authorize again
    send,  ///< send the token request built into `grant`, then on_fetch_response
    wait,  ///< another call is fetching: look again when its fetch ends
    fail,  ///< the call fails with the error given
};

namespace detail {
// The parts of the concept a policy without tokens to fetch or release has.
struct no_fetch {
    auth_fetch begin_fetch(const request_context&, http_request&, diagnostics&,
                           std::chrono::system_clock::time_point, bool, error_code& ec) {
        ec = make_error_code(error::invalid_argument);
        return auth_fetch::fail;
    }
    error_code on_fetch_response(error_code ec, http_response&, diagnostics&,
                                 std::chrono::system_clock::time_point) {
        return ec ? ec : make_error_code(error::invalid_argument);
    }
    bool on_unauthorized(const http_request&) noexcept { return false; }
    bool begin_release(const request_context&, http_request&) noexcept { return false; }
    error_code on_release_response(error_code ec, const http_response&, diagnostics&) { return ec; }
};
} // namespace detail

namespace detail {

// What ciphertrust_auth and network_insight_auth share: authorizing without I/O when the token
// is fresh, and otherwise one token fetch at a time. Derived provides pending_step(now) (0: the
// token is fresh), apply(req), build_grant(step, ctx, out) and on_grant_response(step, res, diag,
// now).
template <class Derived>
class token_auth_base {
public:
    bool
    try_authorize(http_request& req,
                  std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) {
        if (self().pending_step(now) != 0)
            return false;
        self().apply(req);
        return true;
    }

    auth_fetch begin_fetch(const request_context& ctx, http_request& grant, diagnostics& diag,
                           std::chrono::system_clock::time_point now, bool may_wait,
                           error_code& ec) {
        ec.clear();
        step_ = self().pending_step(now);
        if (step_ == 0)
            return auth_fetch::ready;
        if (fetching_ && may_wait)
            return auth_fetch::wait;
        ec = self().build_grant(step_, ctx, grant);
        if (ec) {
            diag.last_attempt = "the credentials cannot be sent";
            return auth_fetch::fail;
        }
        fetching_ = true;
        return auth_fetch::send;
    }

    error_code on_fetch_response(error_code ec, http_response& res, diagnostics& diag,
                                 std::chrono::system_clock::time_point now) {
        fetching_ = false;
        if (ec) {
            diag.last_attempt = "the token request failed";
            if (ec == error::proxy_refused)
                detail::note_proxy_refusal(diag, res);
            return ec;
        }
        return self().on_grant_response(step_, res, diag, now);
    }

    /// Whether a token request is in flight.
    bool fetching() const noexcept { return fetching_; }

private:
    Derived& self() noexcept { return static_cast<Derived&>(*this); }
    bool fetching_ = false;
    int step_ = 0;
};

} // namespace detail

namespace detail {
// The outcome of a release request (begin_release's): the transport's error, the status of a
// non-2xx answer with the server's words in `diag`, or none.
inline error_code release_answer(error_code ec, const http_response& res, diagnostics& diag,
                                 api_service service) {
    if (ec) {
        if (ec == error::proxy_refused)
            note_proxy_refusal(diag, res);
        return ec;
    }
    if (res.result_int() / 100 != 2) {
        fill_server_error(diag, service, res);
        return status_error(res.result_int());
    }
    return {};
}

template <class A, class = void>
struct is_auth_policy : std::false_type {};
template <class A>
struct is_auth_policy<
    A,
    std::void_t<
        decltype(std::declval<A&>().try_authorize(
            std::declval<http_request&>(), std::declval<std::chrono::system_clock::time_point>())),
        decltype(std::declval<A&>().begin_fetch(
            std::declval<const request_context&>(), std::declval<http_request&>(),
            std::declval<diagnostics&>(), std::declval<std::chrono::system_clock::time_point>(),
            true, std::declval<error_code&>())),
        decltype(std::declval<A&>().on_fetch_response(
            std::declval<error_code>(), std::declval<http_response&>(),
            std::declval<diagnostics&>(), std::declval<std::chrono::system_clock::time_point>())),
        decltype(std::declval<A&>().on_unauthorized(std::declval<const http_request&>())),
        decltype(std::declval<A&>().begin_release(std::declval<const request_context&>(),
                                                  std::declval<http_request&>())),
        decltype(std::declval<A&>().on_release_response(std::declval<error_code>(),
                                                        std::declval<const http_response&>(),
                                                        std::declval<diagnostics&>()))>>
    : std::true_type {};

struct secret_sink {
    void operator()(std::string_view) const noexcept {}
};
template <class A, class = void>
struct has_secrets : std::false_type {};
template <class A>
struct has_secrets<
    A, std::void_t<decltype(std::declval<const A&>().for_each_secret(std::declval<secret_sink>()))>>
    : std::true_type {};

/// Redacts every secret `auth` holds from `diag`.
template <class A>
void redact_secrets(const A& auth, diagnostics& diag) {
    if constexpr (has_secrets<A>::value)
        auth.for_each_secret([&](std::string_view s) { diag.redact(s); });
}

template <class A, class = void>
struct needs_release_on_destroy : std::false_type {};
template <class A>
struct needs_release_on_destroy<A, std::void_t<decltype(std::declval<const A&>().needs_release())>>
    : std::true_type {};
} // namespace detail

} // namespace keyops

#endif
