#ifndef KEYOPS_HTTP_HPP
#define KEYOPS_HTTP_HPP

// The HTTP messages every layer speaks: the request builder makes an http_request, transports
// send it and fill an http_response, the response decoding reads it. Beast's message types with
// a std::string body, so that a caller with its own HTTP stack can fill them from anything.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace keyops {

/// The request the builder makes and the transports send: a Beast request with a string body.
using http_request = boost::beast::http::request<boost::beast::http::string_body>;
/// The response the transports read: a Beast response with a string body (decoded).
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

} // namespace keyops

#endif
