#ifndef KEYOPS_TRANSPORT_DETAIL_DEADLINE_SOCKET_HPP
#define KEYOPS_TRANSPORT_DETAIL_DEADLINE_SOCKET_HPP

// The TCP socket under TLS (or alone) of a beast_transport connection. Asynchronous operations go
// straight to the socket: the transport bounds them with one deadline timer per exchange, not a
// timer per operation. Synchronous operations (a sync call on a kept-alive connection) wait with
// poll() until the deadline set here, and fail with beast::error::timeout past it.

#include <keyops/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/system/system_error.hpp>

#include <poll.h>

#include <cerrno>
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

    /// Limit for the synchronous operations that follow.
    void deadline(std::chrono::steady_clock::time_point at) noexcept { deadline_ = at; }

    template <class Buffers>
    std::size_t read_some(const Buffers& buffers, error_code& ec) {
        // After a request went out, the answer is rarely there yet: wait first, read once.
        if (std::exchange(awaiting_reply_, false) && !wait(POLLIN, ec))
            return 0;
        for (;;) {
            const std::size_t n = socket_.read_some(buffers, ec);
            if (!would_block(ec) || !wait(POLLIN, ec))
                return n;
        }
    }

    template <class Buffers>
    std::size_t write_some(const Buffers& buffers, error_code& ec) {
        for (;;) {
            const std::size_t n = socket_.write_some(buffers, ec);
            if (!would_block(ec)) {
                awaiting_reply_ = !ec;
                return n;
            }
            if (!wait(POLLOUT, ec))
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
    static bool would_block(const error_code& ec) noexcept {
        return ec == boost::asio::error::would_block || ec == boost::asio::error::try_again;
    }

    // Waits until the socket is ready for `events` or the deadline passes (ec: timeout).
    bool wait(short events, error_code& ec) {
        for (;;) {
            const auto left = deadline_ - std::chrono::steady_clock::now();
            if (left <= std::chrono::steady_clock::duration::zero()) {
                ec = boost::beast::error::timeout;
                return false;
            }
            const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
            pollfd p{socket_.native_handle(), events, 0};
            const int rc = ::poll(&p, 1, ms > INT_MAX ? INT_MAX : static_cast<int>(ms));
            if (rc > 0) {
                ec = {};
                return true;
            }
            if (rc < 0 && errno != EINTR) {
                ec = error_code(errno, boost::system::system_category());
                return false;
            }
        }
    }

    socket_type socket_;
    std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
    bool awaiting_reply_ = false;
};

} // namespace keyops::detail

#endif
