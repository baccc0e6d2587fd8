#ifndef KEYOPS_TRANSPORT_EXCHANGE_HPP
#define KEYOPS_TRANSPORT_EXCHANGE_HPP

// What the client asks of a transport, whichever it is.
//
// A transport type T provides:
//   using executor_type = ...;                        an Asio executor
//   executor_type get_executor();
//   std::string host_header() const;                  the Host header for its server
//   template <class Token>
//   auto async_exchange(http_request& req, http_response& res, const exchange_options& opt,
//                       Token&& token);               completion signature void(error_code)
//   void close();                                     drops idle connections
// `req` and `res` must stay alive until completion. The response body arrives decoded.
// When an exchange fails with error::proxy_refused, `res` holds the proxy's status line and
// headers (its answer to CONNECT), so that callers can say what the proxy answered.

#include <keyops/request/build.hpp>
#include <keyops/transport/detail/response_finish.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_executor.hpp>

#include <chrono>
#include <type_traits>
#include <utility>

namespace keyops {

struct exchange_options {
    /// Hard limit for this exchange (connect included); the transport also applies its own
    /// connect and request timeouts, whichever comes first.
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    /// May the request be sent again on a fresh connection when a kept-alive one turns out to
    /// be closed after the request was written? Only for idempotent requests.
    bool idempotent = true;
};

namespace detail {

// Asynchronous steps that are compiled once rather than once per caller take their handler
// type-erased. The erased handler is re-bound to the caller's own executor (as an
// any_io_executor): Boost 1.81's any_completion_executor cannot be required to be non-blocking,
// which Beast's operations ask of the handler's executor.
using erased_handler =
    boost::asio::executor_binder<boost::asio::any_completion_handler<void(error_code)>,
                                 boost::asio::any_io_executor>;

template <class Handler, class Executor>
erased_handler erase_handler(Handler&& handler, const Executor& fallback) {
    boost::asio::any_io_executor ex = boost::asio::get_associated_executor(handler, fallback);
    return boost::asio::bind_executor(
        ex, boost::asio::any_completion_handler<void(error_code)>(std::forward<Handler>(handler)));
}

template <class T, class = void>
struct is_transport : std::false_type {};
template <class T>
struct is_transport<
    T, std::void_t<typename T::executor_type, decltype(std::declval<T&>().get_executor()),
                   decltype(std::declval<const T&>().host_header()),
                   decltype(std::declval<T&>().close())>> : std::true_type {};

} // namespace detail
} // namespace keyops

#endif
