#ifndef KEYOPS_ENDPOINT_QUERY_WRITER_HPP
#define KEYOPS_ENDPOINT_QUERY_WRITER_HPP

// Appends percent-encoded query parameters to a request target.
//
// Everything outside RFC 3986's unreserved set is percent-encoded, `+` included: the servers
// decode query strings with form semantics, where a bare `+` would read as a space.

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace keyops {

/// Writes query parameters after a request target: `?` before the first, `&` before the others,
/// names and values percent-encoded as the top of this header says. A query type's
/// `append_to(query_writer&)` writes its parameters with it.
class query_writer {
public:
    /// Appends to `target`, which must outlive the writer and have no query yet.
    explicit query_writer(std::string& target) noexcept : target_(target) {}

    /// Appends `name=value`, both percent-encoded; an empty value is sent as `name=`.
    void add(std::string_view name, std::string_view value) {
        target_ += first_ ? '?' : '&';
        first_ = false;
        append_encoded(name);
        target_ += '=';
        append_encoded(value);
    }

    /// Appends `name=value`, the number in decimal.
    void add(std::string_view name, std::uint64_t value) { add(name, std::to_string(value)); }

private:
    void append_encoded(std::string_view s) {
        const std::size_t n = boost::urls::encoded_size(s, boost::urls::unreserved_chars);
        const std::size_t at = target_.size();
        target_.resize(at + n);
        boost::urls::encode(&target_[at], n, s, boost::urls::unreserved_chars);
    }

    std::string& target_;
    bool first_ = true;
};

} // namespace keyops

#endif
