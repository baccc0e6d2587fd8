#ifndef KEYOPS_OBSERVER_HPP
#define KEYOPS_OBSERVER_HPP

// The one interface an agent plugs its logger and metrics into. A client calls it as things
// happen, on the thread that runs the call (the calling thread for sync calls, the executor's
// for async ones); each function has an empty default, so an observer overrides only what it
// wants. Events hold views valid during the call only, and never a secret: a request is named
// by its method and target, never by its headers or body.
//
//     struct log_observer : keyops::observer {
//         void on_response(const keyops::response_event& e) override {
//             std::clog << e.method << ' ' << e.target << " -> " << e.status << '\n';
//         }
//     };
//     log_observer obs;
//     keyops::client_options opt;
//     opt.observer = &obs; // must outlive the client
//
// Counters of the same events are kept by every client whether or not an observer is set:
// see client::counters().

#include <keyops/error.hpp>

#include <chrono>
#include <cstdint>
#include <string_view>

namespace keyops {

/// The durations an observer is told (steady clock).
using event_duration = std::chrono::steady_clock::duration;

/// A new connection: name resolution and TCP connect (through the proxy's address if any).
struct connect_event {
    event_duration elapsed{}; ///< from the start of name resolution to connected (or the failure)
    error_code ec;            ///< empty when connected
};

/// The TLS handshake of a new connection, certificate verification included.
struct tls_event {
    event_duration elapsed{}; ///< the handshake's duration, from its start to its end
    error_code ec;            ///< empty when the server's certificate was accepted
};

/// A request about to be sent (an attempt: a retried call sends several).
struct request_event {
    std::string_view method;    ///< e.g. "GET"
    std::string_view target;    ///< path and query, e.g. "/api/v1/cckm/oci/synchronization-jobs/ID"
    unsigned attempt = 1;       ///< 1 for the first attempt of a call
    bool token_request = false; ///< a request for credentials (its body is never shown)
};

/// The end of an attempt: a response arrived (`status`), or none did (`ec`).
struct response_event {
    std::string_view method;      ///< e.g. "GET"
    std::string_view target;      ///< path and query, as in request_event
    unsigned status = 0;          ///< 0 when no response arrived
    error_code ec;                ///< the transport's error when no response arrived
    event_duration elapsed{};     ///< from sending to the end of the response (or the failure)
    std::uint64_t body_bytes = 0; ///< the body's size as received (decompressed); 0 without one
    bool token_request = false;   ///< a request for credentials (its body is never shown)
};

/// The retry policy chose to try again.
struct retry_event {
    std::string_view method; ///< of the call retried, e.g. "GET"
    std::string_view target; ///< path and query of the call retried
    unsigned attempt = 1;    ///< the attempt that failed
    unsigned status = 0;     ///< its HTTP status, 0 when no response arrived
    error_code ec;           ///< what the attempt ended with
    event_duration delay{};  ///< the pause before the next attempt
    std::string_view reason; ///< the policy's words, e.g. "503; Retry-After 2 s"
};

/// An exchange left a node of a cluster for the next one (see transport_options::other_nodes).
struct failover_event {
    std::string_view from; ///< `host:port` of the node left
    std::string_view to;   ///< `host:port` of the node tried next
    unsigned status = 0;   ///< 503 when it answered so; 0 when it could not be reached
    error_code ec;         ///< why it could not be reached
};

/// A token request ended (a password grant, a refresh, a Network Insight login).
struct renewal_event {
    error_code ec; ///< empty when a token was granted
};

/// A wait's poll ended: one request that read `jobs` jobs (a list reads many, a get one), or
/// the rotation status.
struct poll_event {
    std::string_view kind;         ///< the job kind, e.g. "oci", or "proxy-key rotation"
    std::size_t jobs = 1;          ///< jobs this request read (asked for)
    std::size_t still_waiting = 0; ///< jobs (or the rotation: 1) not ended after this poll
    error_code ec;                 ///< the poll's error; empty when it was read
    bool transient = false;        ///< the error may pass: the wait goes on
    event_duration elapsed{};      ///< since the wait began
};

/// Override what you need; every function defaults to doing nothing.
class observer {
public:
    virtual ~observer() = default;
    /// A new connection was made or failed (a reused one is not reported).
    virtual void on_connect(const connect_event&) {}
    /// A TLS handshake ended, after on_connect (not called without TLS).
    virtual void on_tls_handshake(const tls_event&) {}
    /// An attempt is about to be sent, token requests included.
    virtual void on_request(const request_event&) {}
    /// An attempt ended, with a response or without one.
    virtual void on_response(const response_event&) {}
    /// The retry policy chose to try a failed attempt again, after the event's delay.
    virtual void on_retry(const retry_event&) {}
    /// A token request ended, granted or not.
    virtual void on_token_renewal(const renewal_event&) {}
    /// An exchange moved to the next node of a cluster.
    virtual void on_failover(const failover_event&) {}
    /// A wait's poll ended (wait/wait.hpp).
    virtual void on_wait_poll(const poll_event&) {}
};

/// What a client has done since it was made: readable at any time from the thread that runs
/// its calls.
struct client_counters {
    std::uint64_t requests = 0;  ///< attempts sent, token requests included
    std::uint64_t retries = 0;   ///< attempts the retry policy chose to repeat
    std::uint64_t renewals = 0;  ///< token requests that ended (granted or not)
    std::uint64_t connects = 0;  ///< new connections attempted
    std::uint64_t bytes_out = 0; ///< HTTP bytes written (before TLS; CONNECT included)
    std::uint64_t bytes_in = 0;  ///< HTTP bytes read (after TLS, before decompression)
    std::uint64_t failovers = 0; ///< exchanges moved to another node of a cluster
};

} // namespace keyops

#endif
