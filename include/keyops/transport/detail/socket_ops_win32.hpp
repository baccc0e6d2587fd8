#ifndef KEYOPS_TRANSPORT_DETAIL_SOCKET_OPS_WIN32_HPP
#define KEYOPS_TRANSPORT_DETAIL_SOCKET_OPS_WIN32_HPP

// The system calls under socket_ops.hpp and deadline_socket.hpp, Windows form (Winsock 2), with
// the names of socket_ops_posix.hpp; empty elsewhere. Errors come from WSAGetLastError(). A
// receive waits in select() for data until the deadline, then reads what came: after a Winsock
// timeout (SO_RCVTIMEO, SO_SNDTIMEO) the connection's state is undefined, so a receive uses
// none. A send is bounded by the send timeout (a DWORD of milliseconds), never shorter than the
// time left; when it runs out the call ends with a timeout and the connection is given up.
// Winsock raises no SIGPIPE: no flag is needed.

#ifdef _WIN32

#include <keyops/error.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>

// After Asio's headers, which include Winsock 2 as it needs to be (before <windows.h>).
#include <winsock2.h>

#include <algorithm>
#include <chrono>
#include <cstddef>

namespace keyops::detail::sys {

using socket_handle = boost::asio::ip::tcp::socket::native_handle_type;

/// The error of the last failed call on this thread.
inline int last_error() noexcept {
    return ::WSAGetLastError();
}

inline error_code to_error_code(int e) {
    return error_code(e, boost::system::system_category());
}

/// A call that failed so is tried again: interrupted, or not ready (a socket left non-blocking).
inline bool is_transient(int e) noexcept {
    return e == WSAEINTR || e == WSAEWOULDBLOCK;
}

/// A send that ran out of time (the send timeout, set to the time left): the call's timeout.
inline bool is_timeout(int e) noexcept {
    return e == WSAETIMEDOUT;
}

/// Starts connecting `s` (non-blocking) to `ep`: 0 connected, else the error, where
/// connect_in_progress() tells a connect that goes on.
inline int start_connect(socket_handle s, const boost::asio::ip::tcp::endpoint& ep) {
    if (::connect(s, ep.data(), static_cast<int>(ep.size())) == 0)
        return 0;
    return ::WSAGetLastError();
}

inline bool connect_in_progress(int e) noexcept {
    return e == WSAEWOULDBLOCK || e == WSAEINPROGRESS;
}

namespace win32 {

inline timeval to_timeval(int ms) {
    timeval tv{};
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    return tv;
}

// select() on one socket: 1 ready, 0 not within `ms`, -1 failed (WSAGetLastError()).
inline int select_one(socket_handle s, fd_set* read, fd_set* write, fd_set* except, int ms) {
    for (fd_set* set : {read, write, except})
        if (set) {
            set->fd_count = 1;
            set->fd_array[0] = s;
        }
    timeval tv = to_timeval(ms);
    const int rc = ::select(0, read, write, except, &tv);
    return rc == SOCKET_ERROR ? -1 : rc > 0 ? 1 : 0;
}

} // namespace win32

/// Waits at most `ms` for a connect on `s` to end: 1 ended (well or not, see pending_error),
/// 0 not yet, -1 the wait failed (last_error()). A failed connect is reported in the exception
/// set, a successful one in the write set.
inline int wait_connected(socket_handle s, int ms) {
    fd_set write, except;
    return win32::select_one(s, nullptr, &write, &except, ms);
}

/// The error a connect on `s` ended with (SO_ERROR), 0 for none.
inline int pending_error(socket_handle s) {
    int err = 0;
    int len = sizeof err;
    if (::getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&err), &len) != 0)
        return ::WSAGetLastError();
    return err;
}

/// True when nothing is waiting to be read on `s` and the peer has not closed it (a closed
/// socket reads as readable: the end of the stream).
inline bool nothing_to_read(socket_handle s) {
    fd_set read;
    return win32::select_one(s, &read, nullptr, nullptr, 0) == 0;
}

/// Bounds the next blocking receive (`send` false) or send on `s` by `left` (> 0). A receive:
/// waits in select() for data at most `left`. A send: sets the send timeout to `left` unless the
/// one set before (`current`, zero for none) is at least that and at most 100 ms longer.
/// 1: go on; 0: nothing came in time (the caller finds the deadline passed); -1: failed, `ec`
/// set.
inline int bound_next(socket_handle s, bool send, std::chrono::milliseconds left,
                      std::chrono::milliseconds& current, error_code& ec) {
    using std::chrono::milliseconds;
    if (!send) {
        fd_set read;
        const int rc =
            win32::select_one(s, &read, nullptr, nullptr, static_cast<int>(left.count()));
        if (rc < 0)
            ec = to_error_code(::WSAGetLastError());
        return rc;
    }
    if (current >= left && current <= left + milliseconds(100))
        return 1;
    const DWORD ms = static_cast<DWORD>(left.count());
    if (::setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, reinterpret_cast<const char*>(&ms), sizeof ms) !=
        0) {
        ec = to_error_code(::WSAGetLastError());
        return -1;
    }
    current = left;
    return 1;
}

/// One blocking receive into `size` bytes at `data`: the count (0: the peer closed), or -1
/// (last_error()).
inline std::ptrdiff_t receive_some(socket_handle s, void* data, std::size_t size) {
    const int n = ::recv(s, static_cast<char*>(data),
                         static_cast<int>(std::min(size, std::size_t(1) << 30)), 0);
    return n == SOCKET_ERROR ? -1 : n;
}

/// The most buffers one gathered send takes (the rest go in the next).
constexpr std::size_t max_send_buffers = 16;

/// One blocking gathered send of `count` (at most max_send_buffers) non-empty buffers: the
/// count of bytes sent, or -1 (last_error()).
inline std::ptrdiff_t send_some(socket_handle s, const boost::asio::const_buffer* buffers,
                                std::size_t count) {
    constexpr std::size_t max_length = std::size_t(1) << 30; // a buffer's length is a ULONG
    WSABUF bufs[max_send_buffers];
    std::size_t n = 0;
    while (n < count) {
        const std::size_t size = buffers[n].size();
        bufs[n].buf = static_cast<char*>(const_cast<void*>(buffers[n].data()));
        bufs[n].len = static_cast<ULONG>(std::min(size, max_length));
        ++n;
        if (size > max_length)
            break; // the rest of it, and the buffers after it, in the next send
    }
    DWORD sent = 0;
    if (::WSASend(s, bufs, static_cast<DWORD>(n), &sent, 0, nullptr, nullptr) != 0)
        return -1;
    return static_cast<std::ptrdiff_t>(sent);
}

} // namespace keyops::detail::sys

#endif // _WIN32

#endif
