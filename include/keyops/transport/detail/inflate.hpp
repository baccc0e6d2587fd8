#ifndef KEYOPS_TRANSPORT_DETAIL_INFLATE_HPP
#define KEYOPS_TRANSPORT_DETAIL_INFLATE_HPP

// Decoding of gzip and deflate response bodies with zlib, bounded in size.

#include <keyops/error.hpp>

#include <zlib.h>

#include <string>
#include <string_view>

namespace keyops::detail {

// window_bits: 16+15 gzip, 15 zlib-wrapped deflate, -15 raw deflate.
inline error_code inflate_into(std::string_view in, std::string& out, int window_bits,
                               std::size_t limit) {
    z_stream zs{};
    if (inflateInit2(&zs, window_bits) != Z_OK)
        return make_error_code(error::bad_content_encoding);
    out.clear();
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    int rc = Z_OK;
    error_code ec;
    while (rc != Z_STREAM_END) {
        const std::size_t have = out.size();
        const std::size_t grow = std::max<std::size_t>(in.size() * 3, 16 * 1024);
        out.resize(have + grow);
        zs.next_out = reinterpret_cast<Bytef*>(&out[have]);
        zs.avail_out = static_cast<uInt>(grow);
        rc = inflate(&zs, Z_NO_FLUSH);
        out.resize(have + (grow - zs.avail_out));
        if (rc == Z_STREAM_END)
            break;
        if (rc != Z_OK || (zs.avail_in == 0 && zs.avail_out != 0)) {
            ec = make_error_code(error::bad_content_encoding); // corrupt or truncated
            break;
        }
        if (out.size() > limit) {
            ec = make_error_code(error::body_too_large);
            break;
        }
    }
    if (!ec && out.size() > limit)
        ec = make_error_code(error::body_too_large);
    inflateEnd(&zs);
    return ec;
}

/// Decodes `body` in place according to the Content-Encoding value.
inline error_code decode_content(std::string_view encoding, std::string& body, std::size_t limit) {
    auto is = [&](std::string_view name) {
        if (encoding.size() != name.size())
            return false;
        for (std::size_t i = 0; i < name.size(); ++i)
            if ((encoding[i] | 0x20) != name[i])
                return false;
        return true;
    };
    while (!encoding.empty() && encoding.back() == ' ')
        encoding.remove_suffix(1);
    if (encoding.empty() || is("identity"))
        return {};
    std::string out;
    error_code ec;
    if (is("gzip") || is("x-gzip")) {
        ec = inflate_into(body, out, 16 + 15, limit);
    } else if (is("deflate")) {
        // "deflate" is meant to be zlib-wrapped, but some servers send it raw.
        ec = inflate_into(body, out, 15, limit);
        if (ec == error::bad_content_encoding)
            ec = inflate_into(body, out, -15, limit);
    } else {
        return make_error_code(error::bad_content_encoding);
    }
    if (!ec)
        body.swap(out);
    return ec;
}

} // namespace keyops::detail

#endif
