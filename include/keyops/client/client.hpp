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
// It brings no_auth and static_token (auth/static_token.hpp); auth/policies.hpp has every policy.
// Thread-safety: none; like a Beast stream, a client is used from one thread or one strand.
// Concurrent async calls are allowed: each takes its own connection from the transport's pool
// (see transport/pool.hpp); a token is fetched by one call at a time, the others wait for it.
//
// Both forms run the same machine (call_fsm.hpp). Sync calls do their I/O on the calling thread
// through Transport::exchange and never run an io_context: they work whatever executor the
// client was made with (an io_context that other threads run, a strand of it, a thread pool),
// and run none of the agent's other handlers meanwhile. Their pauses between attempts sleep the
// calling thread; they are bounded by the same deadlines as async calls. Async calls go through
// Transport::async_exchange and Asio timers.
// Lifetime: the client, and a diagnostics passed to async_call, must outlive the operation; the
// io_context must outlive the client. Destroying a client that still holds a Network Insight
// token releases it, best effort: see ~client() for exactly when.
// Errors: transport errors (Asio, SSL, keyops::error::timeout ...), HTTP statuses as
// keyops::error::unauthorized / not_found / conflict / rate_limited / server_error /
// http_status, parse errors, deadline_exceeded and retry_budget_exhausted when retries stop,
// and boost::asio::error::operation_aborted when cancelled.
// Cancellation of async calls: the rule of cancellation.hpp. Terminal: the call ends at once with
// operation_aborted (the connection in use is closed). Partial and total: a pause (between
// attempts, or for another call's token fetch) ends at once with operation_aborted; a request in
// flight is let finish, since a request half sent cannot be taken back, and its answer is the
// call's result, unless it would have been retried (then operation_aborted).

#include <keyops/auth/static_token.hpp>
#include <keyops/client/call_fsm.hpp>
#include <keyops/client/detail/release.hpp>
#include <keyops/client/options.hpp>
#include <keyops/diagnostics.hpp>
#include <keyops/endpoint/descriptor.hpp>
#include <keyops/observer.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/request/build.hpp>
#include <keyops/response/detail/server_error.hpp>
#include <keyops/response/read.hpp>
#include <keyops/retry/policies.hpp>
#include <keyops/transport/detail/erased_handler.hpp>
#include <keyops/transport/detail/exchange.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace keyops {

/// Runs an endpoint descriptor to a finished call: builds the request, authorizes it (fetching
/// a token when needed), sends it through `Transport`, retries as `Retry` decides, and parses the
/// answer. Sync calls (call) do their I/O on the calling thread; async calls (async_call) take
/// any completion token. Not thread-safe: use a client from one thread or one strand (see the
/// top of this header for lifetimes, errors and cancellation).
template <class Transport, class Auth = no_auth, class Retry = exponential_backoff>
class client {
    static_assert(detail::is_transport<Transport>::value,
                  "keyops: the Transport policy must provide executor_type, get_executor(), "
                  "host_header(), close(), exchange() and async_exchange(); see "
                  "keyops/transport/detail/exchange.hpp");
    static_assert(detail::is_auth_policy<Auth>::value,
                  "keyops: the Auth policy must provide try_authorize, begin_fetch, "
                  "on_fetch_response, on_unauthorized, begin_release and on_release_response; "
                  "see keyops/auth/policies.hpp");
    static_assert(detail::is_retry_policy<Retry>::value,
                  "keyops: the Retry policy must provide on_failure(unsigned, const "
                  "attempt_outcome&, duration) returning retry_decision, and on_success(); see "
                  "keyops/retry/policies.hpp");

public:
    /// The transport's executor: async calls run through it when their handler has none.
    using executor_type = typename Transport::executor_type;
    using transport_type = Transport; ///< how requests are sent (beast_transport, fake_transport)
    using auth_type = Auth;           ///< how requests are authorized (auth/concept.hpp)
    using retry_type = Retry;         ///< what is retried, after how long (retry/policies.hpp)

    /// Takes the policies and options; nothing is sent until the first call (the first token
    /// is fetched then).
    explicit client(Transport transport, Auth auth = Auth(), Retry retry = Retry(),
                    client_options opt = {})
        : transport_(std::move(transport)), auth_(std::move(auth)), retry_(std::move(retry)),
          opt_(std::move(opt)) {
        ctx_.host = transport_.host_header();
        ctx_.ciphertrust_base = opt_.ciphertrust_base;
        ctx_.network_insight_base = opt_.network_insight_base;
        ctx_.csp_base = opt_.csp_base;
        ctx_.user_agent = opt_.user_agent;
        ctx_.accept_encoding = opt_.accept_encoding;
    }

    client(const client&) = delete;
    client& operator=(const client&) = delete;

    /// Best-effort release of what the server still holds for this client, when the auth
    /// policy says it holds something (network_insight_auth with a token not yet released by
    /// close()); nothing happens otherwise, and nothing is ever thrown. Then:
    ///  - If the last call was a sync one, the release is a sync exchange on the calling thread,
    ///    bounded by `release_on_destroy_timeout`: the destructor returns when the DELETE is
    ///    answered or the time is up. No io_context is run.
    ///  - Otherwise (async use) a release that owns the transport, the policy and a copy of the
    ///    request context is started (posted) on the client's executor, detached, with the same
    ///    time limit, and the destructor returns at once: the release goes on the next time the
    ///    io_context runs (a client destroyed in a handler while io_context::run() goes on is
    ///    released before run() returns: the release is outstanding work). It cannot happen if
    ///    the io_context is never run again, or is destroyed first: the release's handlers are
    ///    then destroyed without running and the token stays until it expires on the server.
    /// Release errors are not reported; call close() to learn them. As for any Asio object, the
    /// io_context must outlive the client itself.
    ~client() { release_on_destroy(); }

    /// The transport's executor.
    executor_type get_executor() const { return transport_.get_executor(); }
    /// The transport the client owns (e.g. to read its connection counts, or script a fake).
    Transport& transport() noexcept { return transport_; }
    /// The auth policy the client owns (e.g. to read its token state in tests).
    Auth& auth() noexcept { return auth_; }
    /// The retry policy the client owns, shared by all its calls.
    Retry& retry() noexcept { return retry_; }
    /// What requests are built with: the transport's Host header and the options' base paths
    /// and headers.
    const request_context& context() const noexcept { return ctx_; }
    /// The options given.
    const client_options& options() const noexcept { return opt_; }
    /// What this client has done so far (requests, retries, renewals, connects, bytes).
    const client_counters& counters() const noexcept { return counters_; }

    /// Sync call of endpoint E: `call<E>(args..., ec, diag)` or `call<E>(args...)`.
    /// - Arguments: as for build_request (path parameters, query, body), then optionally
    ///   `(error_code&, diagnostics&)`; without them, a failure throws keyops::exception
    ///   carrying both.
    /// - Returns the parsed answer (call_result<E>), empty on failure.
    /// - Errors: transport errors (Asio, SSL, error::timeout), error::unauthorized / not_found /
    ///   conflict / rate_limited / server_error / http_status for answers, parse errors,
    ///   deadline_exceeded or retry_budget_exhausted when retries stop, invalid_argument.
    ///   `diag` says the status, the server's words, the JSON path of a parse error, and why
    ///   no further attempt was made; it never holds a secret.
    /// - Thread-safety: one call at a time per client (one thread, or one strand).
    /// - Runs on the calling thread; no io_context is run. No cancellation but the deadline
    ///   (client_options::call_timeout).
    template <class E, class... Args>
    call_result<E> call(Args&&... args) {
        constexpr std::size_t n = sizeof...(Args);
        if constexpr (detail::ends_with_error_refs<Args...>()) {
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

    /// Async call of endpoint E: `async_call<E>(args..., diag, token)` or
    /// `async_call<E>(args..., token)`.
    /// - Completion signature: void(error_code, call_result<E>); errors as for call().
    /// - Lifetimes: the client, and `diag` when given, must outlive the operation; the
    ///   arguments are copied into the request before this returns.
    /// - Executor: the handler runs on its associated executor (the client's when it has none);
    ///   it never runs inside this function. Intermediate handlers run there too (see the rule
    ///   at the top of transport/beast_transport.hpp).
    /// - Thread-safety: start it from the thread or strand the client is used from.
    /// - Cancellation: per-operation, by the rule of cancellation.hpp: terminal ends the call
    ///   at once (operation_aborted, the connection in use closed); partial and total end a
    ///   pause at once and let a request in flight finish, its answer the call's result unless
    ///   it would have been retried (then operation_aborted).
    template <class E, class... Args>
    auto async_call(Args&&... args) {
        constexpr std::size_t n = sizeof...(Args);
        static_assert(n >= 1, "keyops: async_call needs a completion token as last argument");
        auto all = std::forward_as_tuple(std::forward<Args>(args)...);
        // The token keeps its value category: a composed operation passing `std::move(self)`
        // is moved, never copied.
        using token_type = std::tuple_element_t<n - 1, std::tuple<Args...>>;
        if constexpr (detail::diagnostics_before_token<Args...>()) {
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
                    detail::async_release(transport_, auth_, ctx_, diag,
                                          std::chrono::steady_clock::now() + opt_.call_timeout,
                                          std::move(self));
                    return;
                }
                transport_.close();
                self.complete(ec);
            },
            token, get_executor());
    }

    /// Sync close, on the calling thread; errors (a token that could not be released) are
    /// reported, not thrown. The release takes at most `limit` (default: the call timeout).
    void close(error_code& ec, diagnostics& diag) { close(ec, diag, opt_.call_timeout); }
    /// As close(error_code&, diagnostics&), the release taking at most `limit`.
    void close(error_code& ec, diagnostics& diag, std::chrono::milliseconds limit) {
        diag.clear();
        ec = detail::release(transport_, auth_, ctx_, diag,
                             std::chrono::steady_clock::now() + limit);
        transport_.close();
    }

private:
    struct call_state {
        explicit call_state(executor_type ex) : timer(std::move(ex)) {}
        call_buffers b;
        boost::asio::steady_timer timer;
        diagnostics own_diag;
        diagnostics* diag = nullptr;
        call_params params;
    };
    using fsm_type = call_fsm<Auth, Retry>;

    template <class E, class Tuple, std::size_t... I>
    call_result<E> call_first(Tuple& all, error_code& ec, diagnostics& diag,
                              std::index_sequence<I...>) {
        return call_with<E>(ec, diag, std::get<I>(all)...);
    }

    template <class E, class Tuple, class Token, std::size_t... I>
    auto async_first(Tuple& all, diagnostics* diag, Token&& token, std::index_sequence<I...>) {
        ran_sync_ = false;
        return boost::asio::async_compose<Token, void(error_code, call_result<E>)>(
            typed_op<E>{*this, make_state<E>(std::chrono::steady_clock::now(), diag, true,
                                             std::get<I>(all)...)},
            token, get_executor());
    }

    // The state of one call starting at `now`: taken from the spare one a finished call left
    // (its request's storage is reused), or made.
    template <class E, class... A>
    std::unique_ptr<call_state> make_state(std::chrono::steady_clock::time_point now,
                                           diagnostics* diag, bool async, const A&... args) {
        auto st = std::move(spare_);
        if (!st)
            st = std::make_unique<call_state>(get_executor());
        error_code ec;
        detail::build_into_with<E>(st->b.req, st->b.target, ctx_, ec, args...);
        st->diag = diag ? diag : &st->own_diag;
        st->diag->clear();
        st->params.idempotent = E::retry == idempotency::idempotent;
        st->params.service = E::service;
        st->params.deadline = now + opt_.call_timeout;
        st->params.build_error = ec;
        st->params.may_wait_for_auth = async;
        st->params.obs = opt_.observer;
        st->params.counters = &counters_;
        st->params.not_found_grace_until = {};
        st->params.transport_replaces_fields = detail::replaces_response_fields<Transport>::value;
        (note_recent_id(st->params, args), ...);
        return st;
    }

    template <class A>
    void note_recent_id(call_params& p, const A& arg) const {
        if constexpr (std::is_same_v<A, job_id>)
            p.not_found_grace_until = recent_.grace_until(arg.value);
    }

    template <class E, class R>
    void remember_created(const R& r) {
        if constexpr (detail::creates_resource<E>::value && detail::has_string_id<R>::value)
            recent_.remember(r.id, opt_.read_after_write_grace);
    }

    // Bodies up to this size are copied out of a call's response, whose string is then kept
    // (with the rest of the call's state) for the next call.
    static constexpr std::size_t reuse_limit = 256 * 1024;

    void keep_spare(std::unique_ptr<call_state> st) {
        if (spare_)
            return;
        if (st->b.res.body().capacity() > reuse_limit)
            std::string().swap(st->b.res.body());
        spare_ = std::move(st);
    }

    // The typed end of a call: the 2xx answer parsed as E's response.
    template <class E>
    call_result<E> parse_response(call_state& st, error_code& ec) {
        using response = typename E::response;
        if constexpr (std::is_same_v<response, empty_response>) {
            return call_result<E>();
        } else {
            diagnostics where; // only the JSON location, kept apart from the call's story
            // A small body is copied into the result's storage (one allocation for both, and
            // the response's string keeps its capacity for the next call); a large one is moved
            // there rather than copied.
            std::string& body = st.b.res.body();
            auto r = body.size() <= reuse_limit
                         ? parse_copy<response>(body, ec, where, opt_.parse)
                         : parse<response>(std::move(body), ec, where, opt_.parse);
            if (ec) {
                st.diag->json_path = std::move(where.json_path);
                st.diag->json_offset = where.json_offset;
                st.diag->detail = std::move(where.detail);
            } else {
                remember_created<E>(*r);
            }
            return r;
        }
    }

    // --- the sync driver ------------------------------------------------------------------

    template <class E, class... A>
    call_result<E> call_with(error_code& ec, diagnostics& diag, const A&... args) {
        ran_sync_ = true;
        const call_clock now = call_clock::now();
        auto st = make_state<E>(now.steady, &diag, false, args...);
        ec = run_sync(*st, now);
        call_result<E> r;
        if (!ec)
            r = parse_response<E>(*st, ec);
        keep_spare(std::move(st));
        return r;
    }

    // `start`: the time the call began (its first step reads no clock of its own).
    error_code run_sync(call_state& st, const call_clock& start) {
        fsm_type fsm(auth_, retry_, ctx_, st.b, *st.diag, st.params);
        error_code io;
        for (bool first = true;; first = false) {
            const call_action a = fsm.resume(io, first ? start : call_clock::now());
            io = {};
            switch (a.kind) {
            case call_action::type::exchange:
                io = transport_.exchange(*a.req, *a.res, a.exchange_opt);
                break;
            case call_action::type::wait:
                // A sleep may end a little before the steady clock reaches its end (Windows):
                // the machine is resumed once it has.
                while (std::chrono::steady_clock::now() < a.until)
                    std::this_thread::sleep_until(a.until);
                break;
            case call_action::type::wait_auth: // sync calls fetch their own token: not asked
                break;
            case call_action::type::done:
                return a.ec;
            }
        }
    }

    // --- the async driver -----------------------------------------------------------------

    template <class E>
    struct typed_op {
        client& c;
        std::unique_ptr<call_state> st;
        bool started = false;

        template <class Self>
        void operator()(Self& self, error_code ec = {}) {
            if (!started) {
                started = true;
                // Every cancellation type reaches the machine, which applies the rule.
                self.reset_cancellation_state(boost::asio::enable_total_cancellation());
                call_state& s = *st;
                // The call's intermediate operations then allocate from the client's recycled
                // memory, as the transport's do.
                return c.start_run(
                    s, detail::erase_handler(std::move(self), c.get_executor(), *c.memory_));
            }
            call_result<E> r;
            if (!ec)
                r = c.parse_response<E>(*st, ec);
            c.keep_spare(std::move(st));
            self.complete(ec, std::move(r));
        }
    };

    // Compiled once per client type, for a type-erased handler, not once per endpoint.
    void start_run(call_state& st, detail::erased_handler handler) {
        boost::asio::async_compose<detail::erased_handler, void(error_code)>(
            run_op{*this, &st, fsm_type(auth_, retry_, ctx_, st.b, *st.diag, st.params)}, handler,
            get_executor());
    }

    struct run_op {
        client& c;
        call_state* st;
        fsm_type fsm;
        bool started = false;

        template <class Self>
        void operator()(Self& self, error_code ec = {}) {
            if (!started)
                self.reset_cancellation_state(boost::asio::enable_total_cancellation());
            const call_action a =
                fsm.resume(ec, call_clock::now(), self.get_cancellation_state().cancelled());
            if (a.fetch_ended)
                c.wake_auth_waiters();
            switch (a.kind) {
            case call_action::type::exchange:
                started = true;
                return c.transport_.async_exchange(*a.req, *a.res, a.exchange_opt, std::move(self));
            case call_action::type::wait:
                started = true;
                st->timer.expires_at(a.until);
                return st->timer.async_wait(std::move(self));
            case call_action::type::wait_auth:
                started = true;
                return c.auth_waiters().async_wait(std::move(self));
            case call_action::type::done:
                break;
            }
            if (!started) {
                started = true; // never complete inside the initiating function
                return boost::asio::post(self.get_io_executor(), std::move(self));
            }
            self.complete(a.ec);
        }
    };

    // Calls waiting for another call's token fetch wait on this timer, which never expires: the
    // end of the fetch cancels it.
    boost::asio::steady_timer& auth_waiters() {
        if (!auth_wakeup_)
            auth_wakeup_ = std::make_unique<boost::asio::steady_timer>(
                get_executor(), std::chrono::steady_clock::time_point::max());
        return *auth_wakeup_;
    }
    void wake_auth_waiters() {
        if (auth_wakeup_)
            auth_wakeup_->cancel();
    }

    void release_on_destroy() noexcept {
        detail::release_on_destroy(transport_, auth_, ctx_, ran_sync_,
                                   opt_.release_on_destroy_timeout);
    }

    Transport transport_;
    Auth auth_;
    Retry retry_;
    client_options opt_;
    client_counters counters_;
    request_context ctx_;
    bool ran_sync_ = false;             // the last call was a sync one (see ~client)
    std::unique_ptr<call_state> spare_; // a finished call's state, for the next call
    detail::recent_writes recent_;      // jobs this client started, within the grace
    std::unique_ptr<boost::asio::steady_timer> auth_wakeup_;
    // Memory for the handlers of async calls (see detail/erased_handler.hpp); on the heap, so
    // that it stays put if the client's storage moves with it.
    std::unique_ptr<detail::handler_memory> memory_ = std::make_unique<detail::handler_memory>();
};

} // namespace keyops

#endif
