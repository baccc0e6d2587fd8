#ifndef KEYOPS_TRANSPORT_DETAIL_EXCHANGE_HPP
#define KEYOPS_TRANSPORT_DETAIL_EXCHANGE_HPP

// What the client asks of a transport, and the two drivers that run an exchange_fsm (see
// exchange_fsm.hpp) over a connection: one blocking the calling thread, one asynchronous.
//
// A transport type T provides:
//   using executor_type = ...;                        an Asio executor
//   executor_type get_executor();
//   std::string host_header() const;                  the Host header for its server
//   template <class Token>
//   auto async_exchange(http_request& req, http_response& res, const exchange_options& opt,
//                       Token&& token);               completion signature void(error_code);
//                                                     never completes inside the call; runs
//                                                     its steps and its own handlers through the
//                                                     handler's associated executor (the rule
//                                                     of beast_transport.hpp)
//   error_code exchange(http_request& req, http_response& res, const exchange_options& opt);
//                                                     the same on the calling thread, bounded
//                                                     by the same deadlines, running no
//                                                     io_context
//   void close();                                     drops idle connections
// `req` and `res` must stay alive until completion. The response body arrives decoded.
// When an exchange fails with error::proxy_refused, `res` holds the proxy's status line and
// headers (its answer to CONNECT), so that callers can say what the proxy answered.
//
// A connection type C, as the drivers below use it, provides for each exchange_step the
// operation that carries it out, sync and async, plus:
//   connection_state& state();
//   void reset();                     a fresh connection in place of this one (step reconnect)
//   error_code async_error(error_code ec);   an async operation's error as the machine sees it
//                                            (operation_aborted after the connection's own
//                                            deadline passed is error::timeout)
//   void end_async();                 the exchange is over: disarm what guards its deadline,
//                                     on the executor its steps ran on
// Sync operations fail with error::timeout (or Beast's) past the step's deadline.

#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/http.hpp>
#include <keyops/transport/detail/erased_handler.hpp>
#include <keyops/transport/exchange_fsm.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

namespace keyops {

namespace detail {

// The time for the machine's next step: the clock's, when the step reads it.
inline std::chrono::steady_clock::time_point time_for(const exchange_fsm& fsm) {
    return fsm.needs_time() ? std::chrono::steady_clock::now()
                            : std::chrono::steady_clock::time_point();
}

/// Runs `fsm` over `c` on the calling thread until it is done.
template <class Connection>
error_code run_exchange(Connection& c, exchange_fsm& fsm, diagnostics* diag) {
    error_code ec;
    std::size_t n = 0;
    for (;;) {
        const exchange_action a = fsm.resume(ec, n, time_for(fsm));
        ec = {};
        n = 0;
        switch (a.step) {
        case exchange_step::resolve:
            c.resolve(a.deadline, ec);
            break;
        case exchange_step::connect:
            c.connect(a.deadline, ec);
            break;
        case exchange_step::proxy_write:
            n = c.write(true, a.out, a.deadline, ec);
            break;
        case exchange_step::proxy_read:
            n = c.read_some(true, a.in, a.deadline, ec);
            break;
        case exchange_step::handshake:
            c.handshake(a.deadline, diag, ec);
            break;
        case exchange_step::write:
            n = c.write(false, a.out, a.deadline, ec);
            break;
        case exchange_step::read:
            n = c.read_some(false, a.in, a.deadline, ec);
            break;
        case exchange_step::reconnect:
            c.reset();
            break;
        case exchange_step::done:
            return a.ec;
        }
    }
}

/// Runs `fsm` over `*conn` asynchronously, as a composed operation; then calls
/// `on_done(conn, ec, fsm)` (a pool takes the connection back there) and completes with the
/// machine's error. Never completes inside the initiating function.
template <class Connection, class OnDone>
struct async_exchange_op {
    std::shared_ptr<Connection> conn;
    exchange_fsm fsm;
    diagnostics* diag;
    OnDone on_done;
    bool started = false;

    template <class Self>
    void operator()(Self& self, error_code ec, boost::asio::ip::tcp::resolver::results_type r) {
        conn->set_endpoints(std::move(r));
        (*this)(self, ec, std::size_t(0));
    }

    template <class Self>
    void operator()(Self& self, error_code ec, const boost::asio::ip::tcp::endpoint&) {
        (*this)(self, ec, std::size_t(0));
    }

    template <class Self>
    void operator()(Self& self, error_code ec = {}, std::size_t n = 0) {
        ec = conn->async_error(ec);
        for (;;) {
            const exchange_action a = fsm.resume(ec, n, time_for(fsm));
            ec = {};
            n = 0;
            switch (a.step) {
            case exchange_step::resolve:
                started = true;
                return conn->async_resolve(a.deadline, std::move(self));
            case exchange_step::connect:
                started = true;
                return conn->async_connect(a.deadline, std::move(self));
            case exchange_step::proxy_write:
                started = true;
                return conn->async_write(true, a.out, a.deadline, std::move(self));
            case exchange_step::proxy_read:
                started = true;
                return conn->async_read_some(true, a.in, a.deadline, std::move(self));
            case exchange_step::handshake:
                started = true;
                return conn->async_handshake(a.deadline, diag, std::move(self));
            case exchange_step::write:
                started = true;
                return conn->async_write(false, a.out, a.deadline, std::move(self));
            case exchange_step::read:
                started = true;
                return conn->async_read_some(false, a.in, a.deadline, std::move(self));
            case exchange_step::reconnect:
                conn->reset();
                continue;
            case exchange_step::done:
                conn->end_async();
                if (!started) {
                    started = true; // nothing asynchronous happened yet: complete through a post
                    return boost::asio::post(self.get_io_executor(), std::move(self));
                }
                on_done(conn, a.ec, fsm);
                return self.complete(a.ec);
            }
        }
    }
};

/// A transport whose exchanges replace the response's fields themselves, keeping those that come
/// again unchanged (those that run exchange_fsm do), says so with
/// `static constexpr bool replaces_response_fields = true;`.
template <class T, class = void>
struct replaces_response_fields : std::false_type {};
template <class T>
struct replaces_response_fields<T, std::enable_if_t<T::replaces_response_fields>> : std::true_type {
};

template <class T, class = void>
struct is_transport : std::false_type {};
template <class T>
struct is_transport<
    T, std::void_t<typename T::executor_type, decltype(std::declval<T&>().get_executor()),
                   decltype(std::declval<const T&>().host_header()),
                   decltype(std::declval<T&>().close()),
                   decltype(std::declval<T&>().exchange(std::declval<http_request&>(),
                                                        std::declval<http_response&>(),
                                                        std::declval<const exchange_options&>()))>>
    : std::true_type {};

} // namespace detail
} // namespace keyops

#endif
