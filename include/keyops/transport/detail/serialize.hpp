#ifndef KEYOPS_TRANSPORT_DETAIL_SERIALIZE_HPP
#define KEYOPS_TRANSPORT_DETAIL_SERIALIZE_HPP

// A Beast message as the bytes it goes on the wire as.

#include <keyops/error.hpp>
#include <keyops/http.hpp>

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/serializer.hpp>

#include <cstddef>
#include <string>

namespace keyops::detail {

// Appends the serialized message to `out`, through Beast's serializer.
template <bool IsRequest, class Body, class Fields>
error_code serialize_into(const boost::beast::http::message<IsRequest, Body, Fields>& m,
                          std::string& out) {
    boost::beast::http::serializer<IsRequest, Body, Fields> sr(m);
    error_code ec;
    do {
        sr.next(ec, [&](error_code&, const auto& buffers) {
            std::size_t n = 0;
            for (const auto b : boost::beast::buffers_range_ref(buffers)) {
                out.append(static_cast<const char*>(b.data()), b.size());
                n += b.size();
            }
            sr.consume(n);
        });
    } while (!ec && !sr.is_done());
    return ec;
}

// The same for the requests keyops sends, written directly: the request line, each field as
// `name: value`, the blank line, the body; byte for byte what Beast's serializer writes, at a
// fraction of its cost. A request with a Transfer-Encoding field goes through the serializer.
inline error_code serialize_into(const http_request& req, std::string& out) {
    namespace http = boost::beast::http;
    const auto method = req.method_string();
    const auto target = req.target();
    std::size_t size = method.size() + 1 + target.size() + 11 + 2 + req.body().size();
    for (const auto& f : req) {
        if (f.name() == http::field::transfer_encoding)
            return serialize_into<true, http::string_body, http::fields>(req, out);
        size += f.name_string().size() + 2 + f.value().size() + 2;
    }
    out.reserve(out.size() + size);
    out.append(method.data(), method.size());
    if (!target.empty()) {
        out += ' ';
        out.append(target.data(), target.size());
    }
    const unsigned v = req.version();
    const char version[] = {' ',
                            'H',
                            'T',
                            'T',
                            'P',
                            '/',
                            static_cast<char>('0' + v / 10),
                            '.',
                            static_cast<char>('0' + v % 10),
                            '\r',
                            '\n'};
    out.append(version, sizeof version);
    for (const auto& f : req) {
        const auto name = f.name_string();
        const auto value = f.value();
        out.append(name.data(), name.size());
        out.append(": ", 2);
        out.append(value.data(), value.size());
        out.append("\r\n", 2);
    }
    out.append("\r\n", 2);
    out.append(req.body());
    return {};
}

} // namespace keyops::detail

#endif
