#ifndef KEYOPS_CLIENT_CALL_FSM_HPP
#define KEYOPS_CLIENT_CALL_FSM_HPP

// One call as a sans-io state machine: get credentials (fetching a token when the auth policy
// needs one) -> send the request -> on failure ask the retry policy -> wait -> send again, until
// a 2xx answer, an error the retry policy gives up on, or the call's deadline. It holds no
// socket, timer or executor: resume() returns what to do next (exchange this request, wait until
// t, wait for another call's token fetch, done), and a driver does it and resumes the machine
// with the result and the time. keyops::client's sync and async forms are two such drivers; a
// test resumes the machine by hand with explicit clocks.
//
// The machine does not parse: a call that ends well leaves the 2xx response in `res` for the
// typed layer (client.hpp) to parse with the endpoint's response type, so the machine is compiled
// once per auth and retry policy, not once per endpoint.
//
// Cancellation: a driver passes the cancellation type it was given to resume(), and the machine
// applies the rule of cancellation.hpp: terminal ends the call at once; partial and total end a
// pause at once and let a request in flight finish (its answer decides the call, but a call that
// would have been retried ends with operation_aborted). A step that ended with operation_aborted
// ends the call too.
//
// Each resume() answers the action returned last; none follows done (asserted).

#include <keyops/auth/concept.hpp>
#include <keyops/cancellation.hpp>
#include <keyops/diagnostics.hpp>
#include <keyops/endpoint/descriptor.hpp>
#include <keyops/error.hpp>
#include <keyops/http.hpp>
#include <keyops/observer.hpp>
#include <keyops/request/build.hpp>
#include <keyops/response/detail/server_error.hpp>
#include <keyops/retry/policies.hpp>
#include <keyops/transport/exchange_fsm.hpp>

#include <boost/asio/error.hpp>
#include <boost/assert.hpp>

#include <algorithm>
#include <chrono>
#include <ostream>
#include <string>

namespace keyops {

/// The two clocks a call reads: the steady one for deadlines and waits, the wall clock for
/// token lifetimes.
struct call_clock {
    std::chrono::steady_clock::time_point steady; ///< for deadlines, pauses and elapsed times
    std::chrono::system_clock::time_point wall;   ///< for token lifetimes (auth policies)
    /// Both clocks read now.
    static call_clock now() noexcept {
        return {std::chrono::steady_clock::now(), std::chrono::system_clock::now()};
    }
};

/// What a call needs done next. Made by its named factories; each member is meaningful for the
/// kinds its comment names.
struct call_action {
    /// The kinds of action.
    enum class type : unsigned char {
        exchange,  ///< send `*req`, read into `*res`, with `exchange`; resume with the error
        wait,      ///< resume at `until` (or earlier when cancelled)
        wait_auth, ///< resume when another call's token fetch ended (async drivers only)
        done,      ///< finished with `ec`; on success the 2xx answer is in the call's response
    };
    /// Which action; the members below say with what.
    type kind = type::done;
    http_request* req = nullptr;                   ///< exchange
    http_response* res = nullptr;                  ///< exchange
    exchange_options exchange_opt{};               ///< exchange
    std::chrono::steady_clock::time_point until{}; ///< wait
    error_code ec{};                               ///< done
    /// A token fetch has just ended (any kind): drivers wake the calls waiting for it.
    bool fetch_ended = false;

    /// exchange: send `req`, read into `res`, with `opt`.
    static call_action exchange(http_request& req, http_response& res,
                                const exchange_options& opt) noexcept {
        call_action a;
        a.kind = type::exchange;
        a.req = &req;
        a.res = &res;
        a.exchange_opt = opt;
        return a;
    }
    /// wait: resume at `t`.
    static call_action wait_until(std::chrono::steady_clock::time_point t) noexcept {
        call_action a;
        a.kind = type::wait;
        a.until = t;
        return a;
    }
    /// wait_auth: resume when another call's token fetch ends.
    static call_action wait_auth() noexcept {
        call_action a;
        a.kind = type::wait_auth;
        return a;
    }
    /// done: the call ended with `ec` (empty on success).
    static call_action done(error_code ec) noexcept {
        call_action a;
        a.kind = type::done;
        a.ec = ec;
        return a;
    }
};

/// The action's name, for logs and test messages.
constexpr std::string_view to_string(call_action::type t) noexcept {
    switch (t) {
    case call_action::type::exchange:
        return "exchange";
    case call_action::type::wait:
        return "wait";
    case call_action::type::wait_auth:
        return "wait_auth";
    case call_action::type::done:
        break;
    }
    return "done";
}

/// Writes the action's name.
inline std::ostream& operator<<(std::ostream& os, call_action::type t) {
    return os << to_string(t);
}

/// `exchange GET /api/...`, `wait until N`, `wait_auth`, `done: <error>`; `(fetch ended)` after.
inline std::ostream& operator<<(std::ostream& os, const call_action& a) {
    os << a.kind;
    if (a.kind == call_action::type::exchange && a.req)
        os << ' ' << a.req->method_string() << ' ' << a.req->target();
    else if (a.kind == call_action::type::wait)
        os << " until " << a.until.time_since_epoch().count();
    else if (a.kind == call_action::type::done)
        os << ": " << (a.ec ? a.ec.message() : std::string("ok"));
    if (a.fetch_ended)
        os << " (fetch ended)";
    return os;
}

/// The messages of one call; kept by the client from call to call, so that their storage is
/// reused.
struct call_buffers {
    http_request req;        ///< the call's request, sent again on each attempt
    std::string target;      ///< the request builder's scratch
    http_response res;       ///< the answer to the last attempt; on success, the 2xx answer
    http_request grant_req;  ///< a token request (auth policy's begin_fetch)
    http_response grant_res; ///< the answer to the token request
};

/// What one call is.
struct call_params {
    /// May the request be sent again once it may have reached the server (the endpoint's
    /// idempotency)? False: retried only when it never left.
    bool idempotent = true;
    /// The server the call goes to: how its error answers are read into the diagnostics.
    api_service service = api_service::ciphertrust;
    /// The whole call's limit: token requests, every attempt and every wait between them.
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    /// Building the request failed: the call ends with this at once.
    error_code build_error{};
    /// May the call wait for another call's token fetch (async drivers) rather than fetch a
    /// token of its own (sync drivers, which have nothing else to run meanwhile)?
    bool may_wait_for_auth = false;
    /// Told of every attempt, retry and token request (and, through the exchanges, of connects
    /// and handshakes); null for none.
    observer* obs = nullptr;
    /// Where the events are counted; null for nowhere.
    client_counters* counters = nullptr;
    /// Until then, a 404 is "not visible yet" (the call reads what this client has just
    /// created, and another node of the cluster may not have it yet): asked again after a short
    /// pause rather than reported. The default, the clock's minimum, is never.
    std::chrono::steady_clock::time_point not_found_grace_until{};
    /// The transport replaces the response's fields itself, keeping those that come again
    /// unchanged (the exchange machine's reader does, see transport/detail/response_reader.hpp):
    /// the call then leaves them in place from one attempt or call to the next rather than
    /// clearing them, which spares their allocations. False: cleared before every attempt.
    bool transport_replaces_fields = false;
};

namespace detail {
inline std::string_view method_text(const http_request& req) noexcept {
    const auto m = req.method_string();
    return std::string_view(m.data(), m.size());
}
inline std::string_view target_text(const http_request& req) noexcept {
    const auto t = req.target();
    return std::string_view(t.data(), t.size());
}
} // namespace detail

/// One call as a sans-io state machine (see the top of this header): credentials, the request,
/// retries and pauses until a 2xx answer, an error given up on, or the deadline. resume() returns
/// what to do next, and the driver resumes it with the result and the time.
template <class Auth, class Retry>
class call_fsm {
public:
    /// Every reference must outlive the machine.
    call_fsm(Auth& auth, Retry& retry, const request_context& ctx, call_buffers& b,
             diagnostics& diag, const call_params& p) noexcept
        : auth_(&auth), retry_(&retry), ctx_(&ctx), b_(&b), diag_(&diag), p_(p) {}

    /// The next step; `ec`: how the previous one went (ignored on the first call); `c`: the
    /// cancellation the driver was given (see the top of this header).
    call_action resume(error_code ec, const call_clock& now,
                       cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT_MSG(at_ != at::finished, "keyops: call_fsm resumed after done");
        cancel_ = detail::stronger(cancel_, detail::rule_of(c));
        // A token answer is read whatever the cancellation: the fetch serves every call.
        if (cancel_ == detail::cancel_rule::end_now && at_ != at::fetching)
            return finish(boost::asio::error::operation_aborted);
        switch (at_) {
        case at::start:
            if (p_.build_error) {
                diag_->detail = "the request arguments are invalid";
                return finish(p_.build_error);
            }
            return attempt(now);
        case at::fetching: {
            // A token request that got no answer has no status: the one left by the attempt
            // before it (a 401 that asked for the new token) does not describe this failure.
            diag_->http_status = ec ? 0u : b_->grant_res.result_int();
            note_response(b_->grant_req, b_->grant_res, ec, true, now);
            const error_code e = auth_->on_fetch_response(ec, b_->grant_res, *diag_, now.wall);
            note_renewal(e ? e : ec);
            call_action a;
            if (ec == boost::asio::error::operation_aborted ||
                cancel_ == detail::cancel_rule::end_now)
                a = finish(boost::asio::error::operation_aborted);
            else if (e)
                a = finish(e);
            else
                a = authorize(now);
            a.fetch_ended = true;
            return a;
        }
        case at::waiting_for_auth:
            // Woken (the timer's operation_aborted is the wake-up, not a cancellation).
            return authorize(now);
        case at::exchanging:
            return on_exchange(ec, now);
        case at::pausing:
            if (ec)
                return finish(boost::asio::error::operation_aborted);
            return attempt(now);
        case at::finished:
            break;
        }
        return call_action::done(result_);
    }

    /// Attempts made so far, token requests not counted (as diagnostics::attempts).
    unsigned attempts() const noexcept { return attempts_; }

private:
    enum class at : unsigned char {
        start,
        fetching,
        waiting_for_auth,
        exchanging,
        pausing,
        finished
    };

    call_action attempt(const call_clock& now) {
        diag_->attempts = ++attempts_;
        return authorize(now);
    }

    // Credentials for the request, then the request; nothing new starts once a partial or
    // total cancellation was seen.
    call_action authorize(const call_clock& now) {
        for (;;) {
            if (cancel_ != detail::cancel_rule::go_on)
                return finish(boost::asio::error::operation_aborted);
            if (auth_->try_authorize(b_->req, now.wall))
                return send(now);
            error_code ec;
            switch (auth_->begin_fetch(*ctx_, b_->grant_req, *diag_, now.wall, p_.may_wait_for_auth,
                                       ec)) {
            case auth_fetch::ready:
                continue;
            case auth_fetch::wait:
                at_ = at::waiting_for_auth;
                return call_action::wait_auth();
            case auth_fetch::send:
                at_ = at::fetching;
                b_->grant_res.base() = http_response::header_type();
                b_->grant_res.body().clear();
                note_send(b_->grant_req, 1, true, now);
                return call_action::exchange(
                    b_->grant_req, b_->grant_res,
                    exchange_options{p_.deadline, true, diag_, p_.obs, p_.counters});
            case auth_fetch::fail:
                break;
            }
            return finish(ec ? ec : make_error_code(error::unauthorized));
        }
    }

    void note_send(const http_request& req, unsigned attempt, bool token_request,
                   const call_clock& now) {
        sent_at_ = now.steady;
        if (p_.counters)
            ++p_.counters->requests;
        if (p_.obs)
            p_.obs->on_request(
                {detail::method_text(req), detail::target_text(req), attempt, token_request});
    }

    void note_response(const http_request& req, const http_response& res, error_code ec,
                       bool token_request, const call_clock& now) {
        if (p_.obs)
            p_.obs->on_response({detail::method_text(req), detail::target_text(req),
                                 ec ? 0u : res.result_int(), ec, now.steady - sent_at_,
                                 ec ? 0u : res.body().size(), token_request});
    }

    void note_renewal(error_code result) {
        if (p_.counters)
            ++p_.counters->renewals;
        if (p_.obs)
            p_.obs->on_token_renewal({result});
    }

    call_action send(const call_clock& now) {
        // The response's body keeps its capacity across attempts and calls, and its fields too
        // when the transport replaces them itself.
        if (p_.transport_replaces_fields) {
            b_->res.result(boost::beast::http::status::ok);
            b_->res.version(11);
            b_->res.reason({});
        } else {
            b_->res.base() = http_response::header_type();
        }
        b_->res.body().clear();
        diag_->detail.clear(); // the transport may explain a failure there
        at_ = at::exchanging;
        note_send(b_->req, attempts_, false, now);
        return call_action::exchange(
            b_->req, b_->res,
            exchange_options{p_.deadline, p_.idempotent, diag_, p_.obs, p_.counters});
    }

    call_action on_exchange(error_code ec, const call_clock& now) {
        if (ec == boost::asio::error::operation_aborted)
            return finish(boost::asio::error::operation_aborted);
        note_response(b_->req, b_->res, ec, false, now);
        attempt_outcome outcome;
        outcome.idempotent = p_.idempotent;
        if (!ec) {
            const unsigned status = b_->res.result_int();
            diag_->http_status = status;
            diag_->throttled = false;
            if (status / 100 == 2) {
                retry_->on_success();
                return finish({});
            }
            if (status == 401 && !reauthorized_ && auth_->on_unauthorized(b_->req)) {
                // The token was refused: one more try with a fresh one.
                reauthorized_ = true;
                diag_->last_attempt = "401: renewing the credentials";
                return attempt(now);
            }
            if (status == 404 && now.steady < p_.not_found_grace_until)
                return not_visible_yet(now);
            detail::fill_server_error(*diag_, p_.service, b_->res);
            outcome.ec = detail::status_error(status);
            outcome.http_status = status;
            outcome.retry_after = detail::retry_after_of(b_->res, now.wall);
            outcome.throttled = diag_->throttled;
        } else {
            diag_->http_status = 0;
            diag_->throttled = false;
            outcome.ec = ec;
            if (ec == error::proxy_refused) {
                outcome.proxy_status = b_->res.result_int();
                detail::note_proxy_refusal(*diag_, b_->res);
            }
        }
        const auto left = p_.deadline > now.steady ? p_.deadline - now.steady
                                                   : std::chrono::steady_clock::duration::zero();
        const retry_decision d = retry_->on_failure(attempts_, outcome, left);
        // The error itself is reported by the code; say what else happened.
        diag_->last_attempt =
            outcome.http_status ? status_text(outcome.http_status) + "; " + d.reason : d.reason;
        if (!d.retry)
            return finish(d.give_up_error ? d.give_up_error : outcome.ec);
        if (cancel_ != detail::cancel_rule::go_on) {
            diag_->last_attempt += "; not retried: the call was cancelled";
            return finish(boost::asio::error::operation_aborted);
        }
        if (p_.counters)
            ++p_.counters->retries;
        if (p_.obs)
            p_.obs->on_retry({detail::method_text(b_->req), detail::target_text(b_->req), attempts_,
                              outcome.http_status, outcome.ec, d.delay, d.reason});
        at_ = at::pausing;
        return call_action::wait_until(now.steady + d.delay);
    }

    // A 404 within the read-after-write grace: the same request again after a short pause (a
    // tenth of a second, growing to half a second), within the grace and the deadline.
    call_action not_visible_yet(const call_clock& now) {
        using namespace std::chrono;
        if (cancel_ != detail::cancel_rule::go_on)
            return finish(boost::asio::error::operation_aborted);
        ++grace_pauses_;
        const steady_clock::duration step = milliseconds(std::min(500u, 100u * grace_pauses_));
        steady_clock::time_point until = now.steady + step;
        if (until > p_.not_found_grace_until)
            until = p_.not_found_grace_until;
        if (until > p_.deadline)
            until = p_.deadline;
        diag_->last_attempt = "404 Not Found: just created, not visible on this node yet";
        if (p_.counters)
            ++p_.counters->retries;
        if (p_.obs)
            p_.obs->on_retry({detail::method_text(b_->req), detail::target_text(b_->req), attempts_,
                              404, make_error_code(error::not_found), until - now.steady,
                              "404 within the read-after-write grace"});
        at_ = at::pausing;
        return call_action::wait_until(until);
    }

    call_action finish(error_code ec) {
        at_ = at::finished;
        result_ = ec;
        // Whatever the server echoed (an Authorization header, a login body) leaves no secret
        // in what the caller sees.
        detail::redact_secrets(*auth_, *diag_);
        return call_action::done(ec);
    }

    Auth* auth_;
    Retry* retry_;
    const request_context* ctx_;
    call_buffers* b_;
    diagnostics* diag_;
    call_params p_;
    error_code result_{};
    unsigned attempts_ = 0;
    std::chrono::steady_clock::time_point sent_at_{};
    at at_ = at::start;
    bool reauthorized_ = false;
    unsigned grace_pauses_ = 0;
    detail::cancel_rule cancel_ = detail::cancel_rule::go_on;
};

} // namespace keyops

#endif
