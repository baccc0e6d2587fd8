#ifndef KEYOPS_TRANSPORT_DETAIL_RESPONSE_FINISH_HPP
#define KEYOPS_TRANSPORT_DETAIL_RESPONSE_FINISH_HPP

// The last step of every exchange, shared by the real and the fake transport: decode the body's
// Content-Encoding within the size limit, and map Beast's errors to keyops's.

#include <keyops/error.hpp>
#include <keyops/http.hpp>
#include <keyops/transport/detail/inflate.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace keyops {

namespace detail {

// After decoding, a Content-Length the server sent is made to tell the decoded size; a chunked
// response (the usual case with on-the-fly compression) gets none.
inline void fix_content_length(http_response& res) {
    namespace http = boost::beast::http;
    auto it = res.find(http::field::content_length);
    if (it == res.end())
        return;
    char digits[24];
    char* end = digits + sizeof digits;
    char* p = end;
    std::size_t n = res.body().size();
    do {
        *--p = static_cast<char>('0' + n % 10);
        n /= 10;
    } while (n != 0);
    const boost::beast::string_view text(p, static_cast<std::size_t>(end - p));
    if (it->value() != text)
        res.set(http::field::content_length, text);
}

inline error_code finish_response(http_response& res, std::size_t max_body) {
    namespace http = boost::beast::http;
    auto it = res.find(http::field::content_encoding);
    if (it == res.end())
        return {};
    if (auto ec = decode_content(it->value(), res.body(), max_body))
        return ec;
    res.erase(it);
    fix_content_length(res);
    return {};
}

// Beast's and Asio's errors as callers of keyops see them.
inline error_code map_transport_error(error_code ec) {
    namespace http = boost::beast::http;
    if (ec == boost::beast::error::timeout)
        return make_error_code(error::timeout);
    if (ec == http::error::body_limit || ec == http::error::buffer_overflow)
        return make_error_code(error::body_too_large);
    return ec;
}

// Errors that mean the peer closed a connection, as opposed to refusing or corrupting one.
inline bool is_connection_closed(error_code ec) {
    namespace http = boost::beast::http;
    return ec == http::error::end_of_stream || ec == boost::asio::error::eof ||
           ec == boost::asio::ssl::error::stream_truncated || // TCP closed without TLS close
           ec == boost::asio::error::connection_reset || ec == boost::asio::error::broken_pipe ||
           ec == boost::asio::error::connection_aborted;
}

} // namespace detail
} // namespace keyops

#endif
