#ifndef KEYOPS_TRANSPORT_DETAIL_SOCKET_OPS_HPP
#define KEYOPS_TRANSPORT_DETAIL_SOCKET_OPS_HPP

// The few socket operations Asio has no bounded synchronous form of: a TCP connect that gives up
// at a deadline, and the checks that a kept-alive connection is still quiet (the server has not
// closed it, or sent a TLS close_notify, while it was idle). The system calls under them are in
// socket_ops_posix.hpp and socket_ops_win32.hpp (namespace sys), one of which is empty.

#include <keyops/error.hpp>
#include <keyops/transport/detail/socket_ops_posix.hpp>
#include <keyops/transport/detail/socket_ops_win32.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <string>

namespace keyops::detail {

// Connects `s` to the first of `endpoints` that accepts, on the calling thread, giving up with
// error::timeout at `deadline`. The socket is left in blocking mode. (Asio's connect would wait
// for a connect in progress without a bound: the system's own calls are used.)
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
        int err = sys::start_connect(s.native_handle(), entry.endpoint());
        if (err != 0 && sys::connect_in_progress(err)) {
            for (;;) {
                const auto left = ceil<milliseconds>(deadline - steady_clock::now());
                if (left.count() <= 0) {
                    ec = make_error_code(error::timeout);
                    s.close(ignored);
                    return;
                }
                const int rc = sys::wait_connected(
                    s.native_handle(),
                    static_cast<int>(std::min<long long>(left.count(), INT_MAX)));
                if (rc == 0)
                    continue; // the deadline is checked above
                if (rc < 0) {
                    err = sys::last_error();
                    if (sys::is_transient(err))
                        continue;
                    break;
                }
                err = sys::pending_error(s.native_handle());
                break;
            }
        }
        ec = err ? sys::to_error_code(err) : error_code();
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
    return sys::nothing_to_read(s.native_handle());
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
