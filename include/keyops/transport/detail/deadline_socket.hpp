#ifndef KEYOPS_TRANSPORT_DETAIL_DEADLINE_SOCKET_HPP
#define KEYOPS_TRANSPORT_DETAIL_DEADLINE_SOCKET_HPP

// The TCP socket under TLS (or alone) of a beast_transport connection. Asynchronous operations go
// straight to the socket: the transport bounds them with one deadline timer per connection (see
// connect.hpp), not a timer per operation. Synchronous operations (a sync call on a kept-alive
// connection) run the socket in blocking mode, each wait bounded by the deadline set with
// begin_sync(), and fail with beast::error::timeout past it. On POSIX systems that is one system
// call each, bounded by the kernel's receive and send timeouts (SO_RCVTIMEO, SO_SNDTIMEO), which
// are set again only when the time left is more than 100 ms shorter than them, so a stalled
// server may be waited for up to 100 ms past the deadline; on Windows a receive first waits for
// data in select() (the system calls: socket_ops_posix.hpp, socket_ops_win32.hpp). Asio's
// asynchronous operations put the socket back in non-blocking mode themselves; begin_sync() takes
// it out again.

#include <keyops/error.hpp>
#include <keyops/transport/detail/socket_ops_posix.hpp>
#include <keyops/transport/detail/socket_ops_win32.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <chrono>
#include <climits>
#include <utility>

namespace keyops::detail {

class deadline_socket {
public:
    using socket_type = boost::asio::ip::tcp::socket;
    using executor_type = socket_type::executor_type;
    using next_layer_type = socket_type;
    using lowest_layer_type = socket_type::lowest_layer_type;

    explicit deadline_socket(const executor_type& ex) : socket_(ex) {}

    executor_type get_executor() noexcept { return socket_.get_executor(); }
    socket_type& socket() noexcept { return socket_; }
    next_layer_type& next_layer() noexcept { return socket_; }
    lowest_layer_type& lowest_layer() noexcept { return socket_.lowest_layer(); }
    const lowest_layer_type& lowest_layer() const noexcept { return socket_.lowest_layer(); }

    /// Readies the socket for the synchronous operations that follow, until `at`.
    error_code begin_sync(std::chrono::steady_clock::time_point at) {
        deadline_ = at;
        error_code ec;
        if (socket_.non_blocking() || socket_.native_non_blocking())
            socket_.non_blocking(false, ec); // blocking again, for Asio as well
        return ec;
    }

    template <class Buffers>
    std::size_t read_some(const Buffers& buffers, error_code& ec) {
        boost::asio::mutable_buffer b;
        for (auto it = boost::asio::buffer_sequence_begin(buffers);
             it != boost::asio::buffer_sequence_end(buffers); ++it)
            if ((b = boost::asio::mutable_buffer(*it)).size() != 0)
                break;
        ec = {};
        if (b.size() == 0)
            return 0;
        for (;;) {
            const int ready = bound_next(false, receive_timeout_, ec);
            if (ready < 0)
                return 0;
            if (ready == 0)
                continue; // the deadline is checked again
            const auto n = sys::receive_some(socket_.native_handle(), b.data(), b.size());
            if (n > 0)
                return static_cast<std::size_t>(n);
            if (n == 0) {
                ec = boost::asio::error::eof;
                return 0;
            }
            if (!retry(ec))
                return 0;
        }
    }

    template <class Buffers>
    std::size_t write_some(const Buffers& buffers, error_code& ec) {
        boost::asio::const_buffer bufs[sys::max_send_buffers];
        std::size_t count = 0;
        for (auto it = boost::asio::buffer_sequence_begin(buffers);
             it != boost::asio::buffer_sequence_end(buffers) && count < sys::max_send_buffers;
             ++it) {
            const boost::asio::const_buffer b(*it);
            if (b.size() != 0)
                bufs[count++] = b;
        }
        ec = {};
        if (count == 0)
            return 0;
        for (;;) {
            const int ready = bound_next(true, send_timeout_, ec);
            if (ready < 0)
                return 0;
            if (ready == 0)
                continue;
            const auto n = sys::send_some(socket_.native_handle(), bufs, count);
            if (n >= 0)
                return static_cast<std::size_t>(n);
            if (!retry(ec))
                return 0;
        }
    }

    template <class Buffers>
    std::size_t read_some(const Buffers& buffers) {
        error_code ec;
        const std::size_t n = read_some(buffers, ec);
        if (ec)
            throw boost::system::system_error(ec);
        return n;
    }

    template <class Buffers>
    std::size_t write_some(const Buffers& buffers) {
        error_code ec;
        const std::size_t n = write_some(buffers, ec);
        if (ec)
            throw boost::system::system_error(ec);
        return n;
    }

    template <class Buffers, class Token>
    auto async_read_some(const Buffers& buffers, Token&& token) {
        return socket_.async_read_some(buffers, std::forward<Token>(token));
    }

    template <class Buffers, class Token>
    auto async_write_some(const Buffers& buffers, Token&& token) {
        return socket_.async_write_some(buffers, std::forward<Token>(token));
    }

private:
    // After a failed call: true to try again (interrupted, or the kernel's timeout ran out
    // before the deadline), else the error in `ec`.
    static bool retry(error_code& ec) {
        const int e = sys::last_error();
        if (sys::is_transient(e))
            return true;
        ec = sys::is_timeout(e) ? error_code(boost::beast::error::timeout) : sys::to_error_code(e);
        return false;
    }

    // Fails with timeout past the deadline; else bounds the next receive (or send) by the time
    // left (`current`: the kernel timeout as set, 0 for never). 1: go on; 0: try again; -1: `ec`.
    int bound_next(bool send, std::chrono::milliseconds& current, error_code& ec) {
        using namespace std::chrono;
        const auto left = deadline_ - steady_clock::now();
        if (left <= steady_clock::duration::zero()) {
            ec = boost::beast::error::timeout;
            return -1;
        }
        const auto ms = std::min(ceil<milliseconds>(left), milliseconds(INT_MAX));
        return sys::bound_next(socket_.native_handle(), send, ms, current, ec);
    }

    socket_type socket_;
    std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
    std::chrono::milliseconds receive_timeout_{0}; // as set on the socket; 0: never set
    std::chrono::milliseconds send_timeout_{0};
};

} // namespace keyops::detail

#endif
