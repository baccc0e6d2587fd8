#ifndef KEYOPS_TRANSPORT_DETAIL_INFLATE_HPP
#define KEYOPS_TRANSPORT_DETAIL_INFLATE_HPP

// Decoding of gzip and deflate response bodies with zlib, bounded in size.

#include <keyops/error.hpp>

#include <zlib.h>

#include <algorithm>
#include <string>
#include <string_view>

namespace keyops::detail {

// One z_stream, set up once and reset for each body: inflateInit allocates zlib's state and
// window, which is most of the cost of decoding a small body. Not copyable; one per connection.
class inflater {
public:
    inflater() = default;
    inflater(const inflater&) = delete;
    inflater& operator=(const inflater&) = delete;
    ~inflater() {
        if (ready_)
            inflateEnd(&zs_);
    }

    // Decodes `in` into `out`, replacing its contents (its capacity is reused).
    // window_bits: 16+15 gzip, 15 zlib-wrapped deflate, -15 raw deflate.
    error_code run(std::string_view in, std::string& out, int window_bits, std::size_t limit) {
        std::size_t n = 0;
        out.resize(out.capacity());
        const error_code ec = run_kept(in, out, n, window_bits, limit);
        out.resize(n);
        return ec;
    }

    // As above, into the first `n` bytes of `buf`, which only ever grows: a buffer kept from
    // body to body is neither shrunk nor zeroed again.
    error_code run_kept(std::string_view in, std::string& buf, std::size_t& n, int window_bits,
                        std::size_t limit) {
        n = 0;
        if (!ready_) {
            if (inflateInit2(&zs_, window_bits) != Z_OK)
                return make_error_code(error::bad_content_encoding);
            ready_ = true;
        } else if (inflateReset2(&zs_, window_bits) != Z_OK) {
            return make_error_code(error::bad_content_encoding);
        }
        zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        zs_.avail_in = static_cast<uInt>(in.size());
        const std::size_t step = std::max<std::size_t>(in.size() * 3, 16 * 1024);
        for (;;) {
            if (buf.size() == n)
                buf.resize(n + step);
            const std::size_t room = buf.size() - n;
            zs_.next_out = reinterpret_cast<Bytef*>(&buf[n]);
            zs_.avail_out = static_cast<uInt>(room);
            const int rc = inflate(&zs_, Z_NO_FLUSH);
            n += room - zs_.avail_out;
            if (rc == Z_STREAM_END)
                break;
            if (rc != Z_OK || (zs_.avail_in == 0 && zs_.avail_out != 0))
                return make_error_code(error::bad_content_encoding); // corrupt or truncated
            if (n > limit)
                return make_error_code(error::body_too_large);
        }
        if (n > limit)
            return make_error_code(error::body_too_large);
        return {};
    }

private:
    z_stream zs_{};
    bool ready_ = false;
};

inline error_code inflate_into(std::string_view in, std::string& out, int window_bits,
                               std::size_t limit) {
    inflater z;
    return z.run(in, out, window_bits, limit);
}

// The content-coding named by a Content-Encoding value: 0 identity, else zlib's window_bits
// for it (gzip 16+15, deflate 15), or -1 when unsupported.
inline int content_coding(std::string_view encoding) noexcept {
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
        return 0;
    if (is("gzip") || is("x-gzip"))
        return 16 + 15;
    if (is("deflate"))
        return 15;
    return -1;
}

/// Decodes `in` into the first `n` bytes of `buf` (see inflater::run_kept) according to the
/// content coding `bits` (content_coding() of the Content-Encoding value), with `z`; nothing is
/// done for identity. "deflate" is meant to be
/// zlib-wrapped, but some servers send it raw.
inline error_code decode_content_into(int bits, std::string_view in, std::string& buf,
                                      std::size_t& n, std::size_t limit, inflater& z) {
    n = 0;
    if (bits < 0)
        return make_error_code(error::bad_content_encoding);
    if (bits == 0)
        return {};
    error_code ec = z.run_kept(in, buf, n, bits, limit);
    if (bits == 15 && ec == error::bad_content_encoding)
        ec = z.run_kept(in, buf, n, -15, limit);
    return ec;
}

/// Decodes `body` in place according to the Content-Encoding value.
inline error_code decode_content(std::string_view encoding, std::string& body, std::size_t limit) {
    if (content_coding(encoding) == 0)
        return {};
    inflater z;
    std::string out;
    std::size_t n = 0;
    if (auto ec = decode_content_into(content_coding(encoding), body, out, n, limit, z))
        return ec;
    out.resize(n);
    body.swap(out);
    return {};
}

} // namespace keyops::detail

#endif
