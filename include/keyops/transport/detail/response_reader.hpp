#ifndef KEYOPS_TRANSPORT_DETAIL_RESPONSE_READER_HPP
#define KEYOPS_TRANSPORT_DETAIL_RESPONSE_READER_HPP

// Beast's HTTP response parser, writing straight into the exchange's http_response: the status
// and fields into its header, an unencoded body into its body string (whose capacity a caller
// that reuses the response keeps), an encoded one into the connection's raw-body buffer for
// decoding. Unlike http::response_parser it keeps the reason phrase only when it is not the
// standard one for the status (http_response::reason() gives that one back anyway).

#include <keyops/error.hpp>
#include <keyops/transport/detail/inflate.hpp>
#include <keyops/transport/detail/response_finish.hpp>

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>

#include <algorithm>
#include <string>

namespace keyops::detail {

class response_reader final : public boost::beast::http::basic_parser<false> {
public:
    response_reader(http_response& res, std::string& raw_body) : res_(res), raw_(raw_body) {
        res_.base() = http_response::header_type();
        res_.body().clear();
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
        res_.insert(name, name_string, value);
        if (name == boost::beast::http::field::content_encoding && !has_coding_) {
            has_coding_ = true;
            coding_ = content_coding(value);
        }
    }

    void on_header_impl(error_code&) override {}

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
    std::string* body_ = nullptr;
    bool encoded_ = false;
    bool has_coding_ = false;
    int coding_ = 0;
};

} // namespace keyops::detail

#endif
