#ifndef KEYOPS_TRANSPORT_DETAIL_RESPONSE_READER_HPP
#define KEYOPS_TRANSPORT_DETAIL_RESPONSE_READER_HPP

// Beast's HTTP response parser, writing straight into the exchange's http_response: the status
// and fields into its header, an unencoded body into its body string (whose capacity a caller
// that reuses the response keeps), an encoded one into the connection's raw-body buffer for
// decoding. Unlike http::response_parser it keeps the reason phrase only when it is not the
// standard one for the status (http_response::reason() gives that one back anyway).
//
// The response's fields are not cleared first: a field that comes again with the same name and
// value at the same place stays as it is, which spares its allocation (a client reuses one
// response from call to call, and a server sends the same fields every time, the Date aside).
// From the first field that differs on, the old ones go and the new ones are added, so the
// fields end up exactly as received, in order. The Content-Encoding fields are not added at all
// (the body arrives decoded without them); settle() puts them back, and drops the old fields no
// response replaced, when the exchange fails.

#include <keyops/error.hpp>
#include <keyops/transport/detail/inflate.hpp>
#include <keyops/transport/detail/response_finish.hpp>

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>

#include <algorithm>
#include <string>
#include <string_view>

namespace keyops::detail {

class response_reader final : public boost::beast::http::basic_parser<false> {
public:
    response_reader(http_response& res, std::string& raw_body)
        : res_(res), raw_(raw_body), kept_(res_.begin()) {
        res_.result(boost::beast::http::status::ok);
        res_.version(11);
        res_.reason({});
        res_.body().clear();
    }

    /// After a failed exchange: the response holds what was received, as a fresh response would
    /// (no old field left over, the Content-Encoding fields in place).
    void settle() {
        drop_rest();
        for (std::string_view rest = codings_; !rest.empty();) {
            const std::size_t end = std::min(rest.find('\n'), rest.size());
            res_.insert(boost::beast::http::field::content_encoding, rest.substr(0, end));
            rest.remove_prefix(std::min(end + 1, rest.size()));
        }
        codings_.clear();
    }

    /// Whether the body went to the raw-body buffer for decoding (a Content-Encoding other
    /// than identity).
    bool encoded() const noexcept { return encoded_; }
    /// Whether the response has a Content-Encoding field, and its coding (as content_coding(),
    /// of the first one): known without a lookup by name.
    bool has_content_encoding() const noexcept { return has_coding_; }
    int coding() const noexcept { return coding_; }

private:
    using string_view = boost::beast::string_view;

    void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                         error_code& ec) override {
        ec = boost::beast::http::error::bad_version; // never called for a response parser
    }

    void on_response_impl(int code, string_view reason, int version, error_code&) override {
        res_.result(static_cast<unsigned>(code));
        res_.version(version);
        if (reason != boost::beast::http::obsolete_reason(res_.result()))
            res_.reason(reason);
    }

    void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                       error_code&) override {
        if (name == boost::beast::http::field::content_encoding) {
            if (!has_coding_) {
                has_coding_ = true;
                coding_ = content_coding(value);
            } else {
                codings_ += '\n';
            }
            codings_.append(value.data(), value.size());
            return;
        }
        if (!in_trailer_ && kept_ != res_.end() && kept_->name_string() == name_string &&
            kept_->value() == value) {
            ++kept_;
            return;
        }
        drop_rest();
        res_.insert(name, name_string, value);
    }

    void on_header_impl(error_code&) override {
        drop_rest();
        in_trailer_ = true;
    }

    // The old fields from the first one that did not come again.
    void drop_rest() {
        while (kept_ != res_.end())
            kept_ = res_.erase(kept_);
    }

    void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
        encoded_ = has_coding_ && coding_ != 0;
        body_ = encoded_ ? &raw_ : &res_.body();
        body_->clear();
        if (length)
            body_->reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*length, 1 << 24)));
    }

    std::size_t on_body_impl(string_view body, error_code&) override {
        body_->append(body.data(), body.size());
        return body.size();
    }

    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}

    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
        body_->append(body.data(), body.size());
        return body.size();
    }

    void on_finish_impl(error_code&) override {}

    http_response& res_;
    std::string& raw_;
    http_response::const_iterator kept_; // the next old field that may stay
    std::string codings_;                // the Content-Encoding values, one a line
    bool in_trailer_ = false;            // the header is done (trailer fields come as they are)
    std::string* body_ = nullptr;
    bool encoded_ = false;
    bool has_coding_ = false;
    int coding_ = 0;
};

} // namespace keyops::detail

#endif
