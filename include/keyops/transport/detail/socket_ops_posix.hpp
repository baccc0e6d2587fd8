#ifndef KEYOPS_TRANSPORT_DETAIL_SOCKET_OPS_POSIX_HPP
#define KEYOPS_TRANSPORT_DETAIL_SOCKET_OPS_POSIX_HPP

// The system calls under socket_ops.hpp and deadline_socket.hpp, POSIX form (Linux, macOS, the
// BSDs): POSIX.1-2008 calls only. Windows has its own form in socket_ops_win32.hpp, with the same
// names; each header is empty on the other's platform. A blocking operation is bounded by the
// kernel's receive or send timeout (SO_RCVTIMEO, SO_SNDTIMEO). Writes never raise SIGPIPE:
// MSG_NOSIGNAL where it exists; on macOS and FreeBSD, which lack it, Asio sets SO_NOSIGPIPE on
// every socket it opens (all of keyops' sockets).

#ifndef _WIN32

#include <keyops/error.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <cerrno>
#include <chrono>
#include <cstddef>

namespace keyops::detail::sys {

using socket_handle = boost::asio::ip::tcp::socket::native_handle_type;

/// The error of the last failed call on this thread.
inline int last_error() noexcept {
    return errno;
}

inline error_code to_error_code(int e) {
    return error_code(e, boost::system::system_category());
}

/// A call that failed so is tried again: interrupted, or out of time before the deadline.
inline bool is_transient(int e) noexcept {
    return e == EINTR || e == EAGAIN || e == EWOULDBLOCK;
}

/// A call that ran out of time for good: none here (a kernel timeout is tried again, and the
/// deadline checked).
inline bool is_timeout(int) noexcept {
    return false;
}

/// Starts connecting `s` (non-blocking) to `ep`: 0 connected, else the error, where
/// connect_in_progress() tells a connect that goes on.
inline int start_connect(socket_handle s, const boost::asio::ip::tcp::endpoint& ep) {
    if (::connect(s, ep.data(), static_cast<socklen_t>(ep.size())) == 0)
        return 0;
    return errno;
}

inline bool connect_in_progress(int e) noexcept {
    return e == EINPROGRESS || e == EINTR; // interrupted, it goes on as well
}

/// Waits at most `ms` for a connect on `s` to end: 1 ended (well or not, see pending_error),
/// 0 not yet, -1 the wait failed (last_error()).
inline int wait_connected(socket_handle s, int ms) {
    pollfd p{s, POLLOUT, 0};
    const int rc = ::poll(&p, 1, ms);
    return rc < 0 ? -1 : rc > 0 ? 1 : 0;
}

/// The error a connect on `s` ended with (SO_ERROR), 0 for none.
inline int pending_error(socket_handle s) {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        return errno;
    return err;
}

/// True when nothing is waiting to be read on `s` and the peer has not closed it (a closed
/// socket reads as readable: the end of the stream).
inline bool nothing_to_read(socket_handle s) {
    pollfd p{s, POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
}

/// Bounds the next blocking receive (`send` false) or send on `s` by `left` (> 0): the kernel's
/// timeout is set again only when the one set before (`current`, zero for none) is more than
/// 100 ms longer; one that ends before the deadline makes the call fail as transient. 1: go on;
/// -1: failed, `ec` set.
inline int bound_next(socket_handle s, bool send, std::chrono::milliseconds left,
                      std::chrono::milliseconds& current, error_code& ec) {
    using std::chrono::milliseconds;
    if (current.count() != 0 && current <= left + milliseconds(100))
        return 1;
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(left.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((left.count() % 1000) * 1000);
    if (::setsockopt(s, SOL_SOCKET, send ? SO_SNDTIMEO : SO_RCVTIMEO, &tv, sizeof tv) != 0) {
        ec = to_error_code(errno);
        return -1;
    }
    current = left;
    return 1;
}

/// One blocking receive into `size` bytes at `data`: the count (0: the peer closed), or -1
/// (last_error()).
inline std::ptrdiff_t receive_some(socket_handle s, void* data, std::size_t size) {
    return ::recv(s, data, size, 0);
}

/// The most buffers one gathered send takes (the rest go in the next).
constexpr std::size_t max_send_buffers = 16;

/// One blocking gathered send of `count` (at most max_send_buffers) non-empty buffers: the
/// count of bytes sent, or -1 (last_error()).
inline std::ptrdiff_t send_some(socket_handle s, const boost::asio::const_buffer* buffers,
                                std::size_t count) {
    iovec iov[max_send_buffers];
    for (std::size_t i = 0; i < count; ++i)
        iov[i] = iovec{const_cast<void*>(buffers[i].data()), buffers[i].size()};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<decltype(msg.msg_iovlen)>(count);
#ifdef MSG_NOSIGNAL
    constexpr int flags = MSG_NOSIGNAL;
#else
    constexpr int flags = 0; // SO_NOSIGPIPE, set by Asio
#endif
    return ::sendmsg(s, &msg, flags);
}

} // namespace keyops::detail::sys

#endif // !_WIN32

#endif
