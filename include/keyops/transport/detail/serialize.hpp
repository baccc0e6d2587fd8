#ifndef KEYOPS_TRANSPORT_DETAIL_SERIALIZE_HPP
#define KEYOPS_TRANSPORT_DETAIL_SERIALIZE_HPP

// A Beast message as the bytes it goes on the wire as.

#include <keyops/error.hpp>

#include <boost/beast/core/buffers_range.hpp>
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

} // namespace keyops::detail

#endif
