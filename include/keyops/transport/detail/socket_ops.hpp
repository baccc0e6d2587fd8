#ifndef KEYOPS_TRANSPORT_DETAIL_SOCKET_OPS_HPP
#define KEYOPS_TRANSPORT_DETAIL_SOCKET_OPS_HPP

// The few socket operations Asio has no bounded synchronous form of: a TCP connect that gives up
// at a deadline, and the checks that a kept-alive connection is still quiet (the server has not
// closed it, or sent a TLS close_notify, while it was idle).

#include <keyops/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>

namespace keyops::detail {

// Connects `s` to the first of `endpoints` that accepts, on the calling thread, giving up with
// error::timeout at `deadline`. The socket is left in blocking mode.
inline void connect_until(boost::asio::ip::tcp::socket& s,
                          const boost::asio::ip::tcp::resolver::results_type& endpoints,
                          std::chrono::steady_clock::time_point deadline, error_code& ec) {
    using namespace std::chrono;
    ec = boost::asio::error::host_not_found;
    for (const auto& entry : endpoints) {
        error_code ignored;
        s.close(ignored);
        s.open(entry.endpoint().protocol(), ec);
        if (ec)
            continue;
        s.native_non_blocking(true, ec);
        if (ec)
            continue;
        s.connect(entry.endpoint(), ec);
        if (ec == boost::asio::error::would_block || ec == boost::asio::error::in_progress ||
            ec == boost::asio::error::try_again) {
            for (;;) {
                const auto left = ceil<milliseconds>(deadline - steady_clock::now());
                if (left.count() <= 0) {
                    ec = make_error_code(error::timeout);
                    s.close(ignored);
                    return;
                }
                pollfd p{s.native_handle(), POLLOUT, 0};
                const int rc =
                    ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), INT_MAX)));
                if (rc < 0 && errno == EINTR)
                    continue;
                if (rc < 0) {
                    ec = error_code(errno, boost::system::system_category());
                    break;
                }
                if (rc == 0)
                    continue; // the deadline is checked above
                int err = 0;
                socklen_t len = sizeof err;
                if (::getsockopt(s.native_handle(), SOL_SOCKET, SO_ERROR, &err, &len) != 0)
                    err = errno;
                ec = err ? error_code(err, boost::system::system_category()) : error_code();
                break;
            }
        }
        if (!ec) {
            s.native_non_blocking(false, ec);
            s.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
            if (!ec)
                return;
        }
    }
    error_code ignored;
    s.close(ignored);
}

// True when nothing is waiting to be read on `s`, and the peer has not closed it.
inline bool socket_is_quiet(boost::asio::ip::tcp::socket& s) {
    char byte;
    const auto n = ::recv(s.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

// The server's close_notify often arrives with the end of the response, and is then read from
// the socket into the TLS layer's buffer, where peeking at the socket cannot see it.
inline bool tls_is_quiet(SSL* ssl) {
    return SSL_has_pending(ssl) == 0 && BIO_ctrl_pending(SSL_get_rbio(ssl)) == 0;
}

// SNI carries names only, never IP literals (RFC 6066). False if OpenSSL refused the name.
inline bool set_server_name(SSL* ssl, const std::string& host) {
    error_code ec;
    boost::asio::ip::make_address(host, ec);
    return !ec || SSL_set_tlsext_host_name(ssl, host.c_str()) == 1;
}

} // namespace keyops::detail

#endif
