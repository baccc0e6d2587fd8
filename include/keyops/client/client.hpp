#ifndef KEYOPS_CLIENT_CLIENT_HPP
#define KEYOPS_CLIENT_CLIENT_HPP

// keyops::client: runs an endpoint descriptor to a finished call.
//   build the request -> auth -> transport -> on failure, retry policy -> parse the response.
//
//     boost::asio::io_context io;
//     keyops::transport_options topt;
//     keyops::parse_server_url("https://cm.example.com", topt);
//     keyops::client<keyops::beast_transport, keyops::ciphertrust_auth> cm(
//         keyops::beast_transport(io.get_executor(), topt),
//         keyops::ciphertrust_auth({"admin", password}));
//
//     // sync, throwing keyops::exception (with diagnostics):
//     auto job = cm.call<cckm::get_job<cckm::oci>>(keyops::job_id(id));
//     // sync, with error_code and diagnostics:
//     auto page = cm.call<cckm::list_jobs<cckm::oci>>(query, ec, diag);
//     // async, any completion token; signature void(error_code, keyops::parsed<Response>):
//     cm.async_call<cckm::get_job<cckm::oci>>(keyops::job_id(id), diag, boost::asio::use_future);
//
// Thread-safety: none; like a Beast stream, a client is used from one thread or one strand.
// Concurrent async calls are allowed: each takes its own connection from the transport's pool
// (see beast_transport.hpp); auth fetches one token at a time for all of them.
// Sync calls run the client's io_context until the call completes: they need the transport's
// executor to belong to an io_context that no other thread is running meanwhile. On a kept-alive
// connection of beast_transport a sync call does its socket I/O blocking, bounded by its
// deadline, and may finish without running the io_context at all (exchange_options::may_block).
// Lifetime: the client, and a diagnostics passed to async_call, must outlive the operation; the
// io_context must outlive the client. Destroying a client that still holds a Network Insight
// token releases it, best effort: see ~client() for exactly when.
// Errors: transport errors (Asio, SSL, keyops::error::timeout ...), HTTP statuses as
// keyops::error::unauthorized / not_found / conflict / rate_limited / server_error /
// http_status, parse errors, deadline_exceeded and retry_budget_exhausted when retries stop,
// and boost::asio::error::operation_aborted when cancelled.

#include <keyops/auth/policies.hpp>
#include <keyops/client/detail/server_error.hpp>
#include <keyops/diagnostics.hpp>
#include <keyops/endpoint/descriptor.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/request/build.hpp>
#include <keyops/retry/policies.hpp>
#include <keyops/transport/exchange.hpp>

#include <boost/asio/compose.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

namespace keyops {

namespace detail {
/// The io_context behind `ex`, or null when it is not an io_context executor.
template <class Executor>
boost::asio::io_context* io_context_of(const Executor& ex) noexcept {
    if constexpr (std::is_same_v<Executor, boost::asio::io_context::executor_type>) {
        return &ex.context();
    } else if constexpr (std::is_same_v<Executor, boost::asio::any_io_executor>) {
        if (auto* target = ex.template target<boost::asio::io_context::executor_type>())
            return &target->context();
    }
    return nullptr;
}

/// Runs the io_context behind `ex` one handler at a time until `done` is set: the engine of the
/// sync forms. Fails with error::invalid_argument when `ex` is not an io_context executor, and
/// with boost::asio::error::shut_down when the context ran out of work first.
template <class Executor>
void run_io_until(const Executor& ex, bool& done, error_code& ec) {
    boost::asio::io_context* io = io_context_of(ex);
    if (!io) {
        ec = make_error_code(error::invalid_argument); // sync calls need an io_context
        return;
    }
    io->restart();
    while (!done && io->run_one() != 0) {
    }
    if (!done)
        ec = boost::asio::error::shut_down;
}
} // namespace detail

struct client_options {
    std::string ciphertrust_base = "/api";
    std::string network_insight_base = "/api/ni";
    std::string user_agent = "keyops/" KEYOPS_VERSION_STRING;
    /// Accept-Encoding sent; the transport decodes gzip and deflate. Empty sends none.
    std::string accept_encoding = "gzip, deflate";
    /// Limit for a whole call: token requests, every attempt and every wait between them.
    std::chrono::milliseconds call_timeout{120000};
    /// Destroying a client that still holds a server-side credential (a Network Insight token)
    /// without close() releases it, best effort, within this time; 0 disables that release.
    /// See ~client().
    std::chrono::milliseconds release_on_destroy_timeout{2000};
    parse_options parse;
};

/// The value a call produces: the parsed response (empty_response for bodiless answers).
template <class E>
using call_result = parsed<typename E::response>;

template <>
class parsed<empty_response> {
public:
    const empty_response& value() const noexcept { return value_; }

private:
    empty_response value_;
};

template <class Transport, class Auth = no_auth, class Retry = exponential_backoff>
class client {
    static_assert(detail::is_transport<Transport>::value,
                  "keyops: the Transport policy must provide executor_type, get_executor(), "
                  "host_header(), close() and async_exchange(); see keyops/transport/exchange.hpp");
    static_assert(detail::is_auth_policy<Auth>::value,
                  "keyops: the Auth policy must provide try_authorize(http_request&), "
                  "on_unauthorized(const http_request&), async_authorize() and async_release(); "
                  "see keyops/auth/policies.hpp");
    static_assert(detail::is_retry_policy<Retry>::value,
                  "keyops: the Retry policy must provide on_failure(unsigned, const "
                  "attempt_outcome&, duration) returning retry_decision, and on_success(); see "
                  "keyops/retry/policies.hpp");

public:
    using executor_type = typename Transport::executor_type;
    using transport_type = Transport;
    using auth_type = Auth;
    using retry_type = Retry;

    explicit client(Transport transport, Auth auth = Auth(), Retry retry = Retry(),
                    client_options opt = {})
        : transport_(std::move(transport)), auth_(std::move(auth)), retry_(std::move(retry)),
          opt_(std::move(opt)) {
        ctx_.host = transport_.host_header();
        ctx_.ciphertrust_base = opt_.ciphertrust_base;
        ctx_.network_insight_base = opt_.network_insight_base;
        ctx_.user_agent = opt_.user_agent;
        ctx_.accept_encoding = opt_.accept_encoding;
    }

    client(const client&) = delete;
    client& operator=(const client&) = delete;

    /// Best-effort release of what the server still holds for this client, when the auth
    /// policy says it holds something (network_insight_auth with a token not yet released by
    /// close()); nothing happens otherwise, and nothing is ever thrown. Then:
    ///  - A release that owns the transport, the policy and a copy of the request context is
    ///    started (posted) on the client's executor, detached, with a deadline of
    ///    `release_on_destroy_timeout`: it sends DELETE /auth/token and is then freed.
    ///  - If the last thing the client did was a sync call (so, by the contract of sync calls,
    ///    no other thread runs its io_context), the destructor is not itself running inside
    ///    that io_context, and the executor belongs to an io_context, the destructor runs that
    ///    io_context, as a sync call would (restarting it if it had stopped), until the release
    ///    finishes or the timeout passes. Other handlers ready in that context may run
    ///    meanwhile, as during any sync call.
    ///  - Otherwise (async use) the destructor returns at once; the release goes on the next
    ///    time the io_context runs: a client destroyed in a handler while io_context::run()
    ///    goes on is released before run() returns (the release is outstanding work).
    /// It cannot happen if the io_context is never run again, or is destroyed first: the
    /// release's handlers are then destroyed without running (no memory leaks, no access to the
    /// destroyed context) and the token stays until it expires on the server. Release errors
    /// are not reported; call close() to learn them. As for any Asio object, the io_context
    /// must outlive the client itself.
    ~client() { release_on_destroy(); }

    executor_type get_executor() const { return transport_.get_executor(); }
    Transport& transport() noexcept { return transport_; }
    Auth& auth() noexcept { return auth_; }
    Retry& retry() noexcept { return retry_; }
    const request_context& context() const noexcept { return ctx_; }
    const client_options& options() const noexcept { return opt_; }

    /// Sync call. Arguments as for build_request, optionally followed by
    /// `(error_code&, diagnostics&)`; without them, failures throw keyops::exception.
    template <class E, class... Args>
    call_result<E> call(Args&&... args) {
        constexpr std::size_t n = sizeof...(Args);
        if constexpr (ends_with_error_refs<Args...>()) {
            auto all = std::forward_as_tuple(std::forward<Args>(args)...);
            return call_first<E>(all, std::get<n - 2>(all), std::get<n - 1>(all),
                                 std::make_index_sequence<n - 2>());
        } else {
            error_code ec;
            diagnostics diag;
            auto r = call_with<E>(ec, diag, args...);
            if (ec)
                throw exception(ec, std::move(diag));
            return r;
        }
    }

    /// Async call. Arguments as for build_request, optionally followed by a `diagnostics&`
    /// that must outlive the operation, then a completion token.
    /// Signature: void(error_code, call_result<E>). Honours per-operation cancellation
    /// (terminal): the call ends with boost::asio::error::operation_aborted.
    template <class E, class... Args>
    auto async_call(Args&&... args) {
        constexpr std::size_t n = sizeof...(Args);
        static_assert(n >= 1, "keyops: async_call needs a completion token as last argument");
        auto all = std::forward_as_tuple(std::forward<Args>(args)...);
        // The token keeps its value category: a composed operation passing `std::move(self)`
        // is moved, never copied.
        using token_type = std::tuple_element_t<n - 1, std::tuple<Args...>>;
        if constexpr (diagnostics_before_token<Args...>()) {
            return async_first<E>(all, &std::get<n - 2>(all),
                                  std::forward<token_type>(std::get<n - 1>(all)),
                                  std::make_index_sequence<n - 2>());
        } else {
            return async_first<E>(all, nullptr, std::forward<token_type>(std::get<n - 1>(all)),
                                  std::make_index_sequence<n - 1>());
        }
    }

    /// Releases server-side credentials (Network Insight tokens) and drops idle connections.
    /// Signature void(error_code).
    template <class Token>
    auto async_close(diagnostics& diag, Token&& token) {
        return boost::asio::async_compose<Token, void(error_code)>(
            [this, &diag, started = false](auto& self, error_code ec = {}) mutable {
                if (!started) {
                    started = true;
                    auth_.async_release(
                        transport_,
                        auth_call{ctx_, diag, std::chrono::steady_clock::now() + opt_.call_timeout},
                        std::move(self));
                    return;
                }
                transport_.close();
                self.complete(ec);
            },
            token, get_executor());
    }

    /// The engine of the sync forms, for sync operations built on this client (keyops' sync
    /// waits use it): runs the client's io_context one handler at a time until `done` is set.
    /// The same rules as for sync calls apply (see above).
    void run_until_done(bool& done, error_code& ec) { run_until(done, ec); }

    /// Sync close; errors (a token that could not be released) are reported, not thrown.
    void close(error_code& ec, diagnostics& diag) {
        ec.clear();
        bool done = false;
        async_close(diag, [&](error_code e) {
            ec = e;
            done = true;
        });
        run_until(done, ec);
    }

private:
    // A separate function: in one `n >= 2 && ...` condition, tuple_element_t<n - 2> would be
    // instantiated even for n == 1 (a call with only a completion token), and fail to compile.
    template <class... Args>
    static constexpr bool diagnostics_before_token() {
        constexpr std::size_t n = sizeof...(Args);
        if constexpr (n < 2) {
            return false;
        } else {
            return std::is_same_v<std::decay_t<std::tuple_element_t<n - 2, std::tuple<Args...>>>,
                                  diagnostics>;
        }
    }

    template <class... Args>
    static constexpr bool ends_with_error_refs() {
        constexpr std::size_t n = sizeof...(Args);
        if constexpr (n < 2) {
            return false;
        } else {
            using tuple = std::tuple<Args...>;
            return std::is_same_v<std::tuple_element_t<n - 2, tuple>, error_code&> &&
                   std::is_same_v<std::tuple_element_t<n - 1, tuple>, diagnostics&>;
        }
    }

    template <class E, class Tuple, std::size_t... I>
    call_result<E> call_first(Tuple& all, error_code& ec, diagnostics& diag,
                              std::index_sequence<I...>) {
        return call_with<E>(ec, diag, std::get<I>(all)...);
    }

    template <class E, class Tuple, class Token, std::size_t... I>
    auto async_first(Tuple& all, diagnostics* diag, Token&& token, std::index_sequence<I...>) {
        ran_sync_ = false; // call_with sets it again when this call is a sync one
        return boost::asio::async_compose<Token, void(error_code, call_result<E>)>(
            call_op<E>{{}, *this, make_state<E>(diag, false, std::get<I>(all)...)}, token,
            get_executor());
    }

    // The state of one call: taken from the spare one a finished call left (its request's
    // storage is reused), or made.
    template <class E, class... A>
    auto make_state(diagnostics* diag, bool blocking, const A&... args) {
        auto st = std::move(spare_);
        if (!st)
            st = std::make_unique<call_state>(get_executor());
        error_code ec;
        detail::build_into_with<E>(st->req, st->target, ctx_, ec, args...);
        st->diag = diag ? diag : &st->own_diag;
        st->diag->clear();
        st->build_error = ec;
        if (ec)
            st->diag->detail = "the request arguments are invalid";
        st->deadline = std::chrono::steady_clock::now() + opt_.call_timeout;
        st->attempts = 0;
        st->reauthorized = false;
        st->blocking = blocking;
        return st;
    }

    // Bodies up to this size are copied out of a call's response, whose string is then kept
    // (with the rest of the call's state) for the next call.
    static constexpr std::size_t reuse_limit = 256 * 1024;

    template <class State>
    void keep_spare(State st) {
        if (spare_)
            return;
        if (st->res.body().capacity() > reuse_limit)
            std::string().swap(st->res.body());
        spare_ = std::move(st);
    }

    template <class E, class... A>
    call_result<E> call_with(error_code& ec, diagnostics& diag, const A&... args) {
        ec.clear();
        std::optional<call_result<E>> out;
        bool done = false;
        // The caller waits: the transport may do the socket I/O blocking, bounded by the
        // call's deadline, rather than through the io_context.
        auto handler = [&](error_code e, call_result<E> r) {
            ec = e;
            out.emplace(std::move(r));
            done = true;
        };
        boost::asio::async_compose<decltype(handler), void(error_code, call_result<E>)>(
            call_op<E>{{}, *this, make_state<E>(&diag, true, args...)}, handler, get_executor());
        run_until(done, ec);
        return out ? std::move(*out) : call_result<E>();
    }

    // What a release on destruction owns: the client's transport and auth policy are moved in.
    struct release_job {
        Transport transport;
        Auth auth;
        request_context ctx;
        diagnostics diag;
    };

    void release_on_destroy() noexcept {
        if constexpr (detail::needs_release_on_destroy<Auth>::value &&
                      std::is_move_constructible_v<Transport> &&
                      std::is_move_constructible_v<Auth>) {
            try {
                if (opt_.release_on_destroy_timeout.count() <= 0 || !auth_.needs_release())
                    return;
                const auto deadline =
                    std::chrono::steady_clock::now() + opt_.release_on_destroy_timeout;
                const executor_type ex = get_executor();
                auto done = std::make_shared<std::atomic<bool>>(false);
                auto job = std::make_unique<release_job>(
                    release_job{std::move(transport_), std::move(auth_), ctx_, diagnostics()});
                boost::asio::post(ex, [job = std::move(job), done, deadline]() mutable {
                    release_job& j = *job;
                    j.auth.async_release(j.transport, auth_call{j.ctx, j.diag, deadline},
                                         [job = std::move(job), done](error_code) mutable {
                                             job.reset(); // the transport goes with it
                                             done->store(true);
                                         });
                });
                boost::asio::io_context* io = detail::io_context_of(ex);
                if (!ran_sync_ || !io || io->get_executor().running_in_this_thread())
                    return;
                if (io->stopped())
                    io->restart();
                while (!done->load() && std::chrono::steady_clock::now() < deadline &&
                       io->run_one_until(deadline) != 0) {
                }
            } catch (...) {
                // Best effort: the token then expires on the server.
            }
        }
    }

    void run_until(bool& done, error_code& ec) {
        ran_sync_ = true;
        detail::run_io_until(get_executor(), done, ec);
    }

    struct call_state {
        explicit call_state(executor_type ex) : timer(std::move(ex)) {}
        http_request req;
        std::string target; // scratch of the request builder
        http_response res;
        boost::asio::steady_timer timer;
        diagnostics own_diag;
        diagnostics* diag = nullptr;
        error_code build_error;
        std::chrono::steady_clock::time_point deadline;
        unsigned attempts = 0;
        bool reauthorized = false;
        bool blocking = false; // a sync call: see exchange_options::may_block
    };

    template <class E>
    struct call_op : boost::asio::coroutine {
        client& c;
        std::unique_ptr<call_state> st;

        static constexpr bool idempotent = E::retry == idempotency::idempotent;
        using response = typename E::response;

        template <class Self>
        void finish(Self& self, error_code ec) {
            c.keep_spare(std::move(st));
            self.complete(ec, call_result<E>());
        }

        template <class Self>
        bool cancelled(Self& self) const {
            return self.get_cancellation_state().cancelled() !=
                   boost::asio::cancellation_type::none;
        }

        template <class Self>
        void operator()(Self& self, error_code ec = {}) {
            BOOST_ASIO_CORO_REENTER(*this) {
                if (st->build_error) {
                    BOOST_ASIO_CORO_YIELD boost::asio::post(self.get_io_executor(),
                                                            std::move(self));
                    return finish(self, st->build_error);
                }
                for (;;) {
                    st->diag->attempts = ++st->attempts;
                    if (!c.auth_.try_authorize(st->req)) {
                        BOOST_ASIO_CORO_YIELD c.auth_.async_authorize(
                            c.transport_, auth_call{c.ctx_, *st->diag, st->deadline}, st->req,
                            std::move(self));
                        if (ec)
                            return finish(self, ec);
                    }
                    if (cancelled(self))
                        return finish(self, boost::asio::error::operation_aborted);
                    // The response's body keeps its capacity across attempts and calls; the
                    // transport replaces header and body.
                    st->res.base() = http_response::header_type();
                    st->res.body().clear();
                    st->diag->detail.clear(); // the transport may explain a failure there
                    BOOST_ASIO_CORO_YIELD c.transport_.async_exchange(
                        st->req, st->res,
                        exchange_options{st->deadline, idempotent, st->blocking, st->diag},
                        std::move(self));
                    if (cancelled(self) || ec == boost::asio::error::operation_aborted)
                        return finish(self, boost::asio::error::operation_aborted);
                    {
                        attempt_outcome outcome;
                        outcome.idempotent = idempotent;
                        if (!ec) {
                            const unsigned status = st->res.result_int();
                            st->diag->http_status = status;
                            if (status / 100 == 2) {
                                c.retry_.on_success();
                                return complete_ok(self);
                            }
                            if (status == 401 && !st->reauthorized &&
                                c.auth_.on_unauthorized(st->req)) {
                                // The token was refused: one more try with a fresh one.
                                st->reauthorized = true;
                                st->diag->last_attempt = "401: renewing the credentials";
                                continue;
                            }
                            detail::fill_server_error(*st->diag, E::service, st->res);
                            outcome.ec = detail::status_error(status);
                            outcome.http_status = status;
                            outcome.retry_after = detail::retry_after_of(st->res);
                        } else {
                            st->diag->http_status = 0;
                            outcome.ec = ec;
                            if (ec == error::proxy_refused) {
                                outcome.proxy_status = st->res.result_int();
                                detail::note_proxy_refusal(*st->diag, st->res);
                            }
                        }
                        const auto now = std::chrono::steady_clock::now();
                        retry_decision d = c.retry_.on_failure(
                            st->attempts, outcome,
                            st->deadline > now ? st->deadline - now
                                               : std::chrono::steady_clock::duration::zero());
                        // The error itself is reported by the code; say what else happened.
                        st->diag->last_attempt =
                            outcome.http_status
                                ? detail::status_text(outcome.http_status) + "; " + d.reason
                                : d.reason;
                        if (!d.retry)
                            return finish(self, d.give_up_error ? d.give_up_error : outcome.ec);
                        st->timer.expires_after(d.delay);
                    }
                    BOOST_ASIO_CORO_YIELD st->timer.async_wait(std::move(self));
                    if (ec || cancelled(self))
                        return finish(self, boost::asio::error::operation_aborted);
                }
            }
        }

        template <class Self>
        void complete_ok(Self& self) {
            if constexpr (std::is_same_v<response, empty_response>) {
                c.keep_spare(std::move(st));
                self.complete(error_code(), call_result<E>());
            } else {
                error_code ec;
                diagnostics where; // only the JSON location, kept apart from the call's story
                // A small body is copied into the result's storage (one allocation for both,
                // and the response's string keeps its capacity for the next call); a large one
                // is moved there rather than copied.
                std::string& body = st->res.body();
                auto r = body.size() <= reuse_limit
                             ? parse_copy<response>(body, ec, where, c.opt_.parse)
                             : parse<response>(std::move(body), ec, where, c.opt_.parse);
                if (ec) {
                    st->diag->json_path = std::move(where.json_path);
                    st->diag->json_offset = where.json_offset;
                    st->diag->detail = std::move(where.detail);
                }
                c.keep_spare(std::move(st));
                self.complete(ec, std::move(r));
            }
        }
    };

    Transport transport_;
    Auth auth_;
    Retry retry_;
    client_options opt_;
    request_context ctx_;
    bool ran_sync_ = false;             // the last call was a sync one (see ~client)
    std::unique_ptr<call_state> spare_; // a finished call's state, for the next call
};

} // namespace keyops

#endif
