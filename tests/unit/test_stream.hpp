// A scripted connection for the exchange drivers, in the manner of a test stream: the server's
// bytes read back in pieces of a chosen size, an error injected at the n-th step of the exchange
// (resolve, connect, proxy write, proxy read, handshake, write, each read), a connection that was
// "kept alive" before, and a log of the steps taken. The real exchange machine and the real
// sync and async drivers run over it.

#ifndef KEYOPS_TESTS_UNIT_TEST_STREAM_HPP
#define KEYOPS_TESTS_UNIT_TEST_STREAM_HPP

#include <keyops/transport/detail/exchange.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace keyops_test {

class test_stream {
public:
    using time_point = std::chrono::steady_clock::time_point;

    test_stream(boost::asio::any_io_executor ex, std::vector<std::string> answers)
        : ex_(std::move(ex)), answers_(std::move(answers)) {}

    /// Pieces of at most this size per read (0: all that fits).
    std::size_t split = 0;
    /// Fail the n-th step (counting from 1) with `error`; 0 for none.
    std::size_t fail_at = 0;
    keyops::error_code error = boost::asio::error::connection_reset;
    /// What was written, per connection.
    std::vector<std::string> written;
    /// The steps taken, in order.
    std::vector<keyops::exchange_step> steps;
    /// What the proxy answers to CONNECT (read by proxy_read steps only).
    std::string proxy_answer;
    /// Connections made in place of a closed one.
    std::size_t resets = 0;

    keyops::connection_state& state() noexcept { return state_; }
    void reset() {
        ++resets;
        state_.reset();
        ++answer_;
        pos_ = 0;
    }

    void resolve(time_point, keyops::error_code& ec) { ec = step(keyops::exchange_step::resolve); }
    void connect(time_point, keyops::error_code& ec) { ec = step(keyops::exchange_step::connect); }
    void handshake(time_point, keyops::diagnostics*, keyops::error_code& ec) {
        ec = step(keyops::exchange_step::handshake);
    }
    std::size_t write(bool tunnel, boost::asio::const_buffer b, time_point,
                      keyops::error_code& ec) {
        ec = step(tunnel ? keyops::exchange_step::proxy_write : keyops::exchange_step::write);
        if (ec)
            return 0;
        if (written.size() <= answer_)
            written.resize(answer_ + 1);
        written[answer_].append(static_cast<const char*>(b.data()), b.size());
        return b.size();
    }
    std::size_t read_some(bool tunnel, boost::asio::mutable_buffer b, time_point,
                          keyops::error_code& ec) {
        ec = step(tunnel ? keyops::exchange_step::proxy_read : keyops::exchange_step::read);
        if (ec)
            return 0;
        const std::string& raw = tunnel                      ? proxy_answer
                                 : answer_ < answers_.size() ? answers_[answer_]
                                                             : empty_;
        std::size_t& pos = tunnel ? proxy_pos_ : pos_;
        if (pos >= raw.size()) {
            ec = boost::asio::error::eof;
            return 0;
        }
        std::size_t n = std::min(b.size(), raw.size() - pos);
        if (split)
            n = std::min(n, split);
        std::memcpy(b.data(), raw.data() + pos, n);
        pos += n;
        return n;
    }

    void set_endpoints(boost::asio::ip::tcp::resolver::results_type) {}
    template <class H>
    void async_resolve(time_point t, H&& h) {
        keyops::error_code ec;
        resolve(t, ec);
        post(std::forward<H>(h), ec, 0);
    }
    template <class H>
    void async_connect(time_point t, H&& h) {
        keyops::error_code ec;
        connect(t, ec);
        post(std::forward<H>(h), ec, 0);
    }
    template <class H>
    void async_handshake(time_point t, keyops::diagnostics* d, H&& h) {
        keyops::error_code ec;
        handshake(t, d, ec);
        post(std::forward<H>(h), ec, 0);
    }
    template <class H>
    void async_write(bool tunnel, boost::asio::const_buffer b, time_point t, H&& h) {
        keyops::error_code ec;
        const std::size_t n = write(tunnel, b, t, ec);
        post(std::forward<H>(h), ec, n);
    }
    template <class H>
    void async_read_some(bool tunnel, boost::asio::mutable_buffer b, time_point t, H&& h) {
        keyops::error_code ec;
        const std::size_t n = read_some(tunnel, b, t, ec);
        post(std::forward<H>(h), ec, n);
    }
    keyops::error_code async_error(keyops::error_code ec) { return ec; }
    void end_async() {}

private:
    keyops::error_code step(keyops::exchange_step s) {
        steps.push_back(s);
        return fail_at != 0 && steps.size() == fail_at ? error : keyops::error_code();
    }
    template <class H>
    void post(H&& h, keyops::error_code ec, std::size_t n) {
        boost::asio::post(ex_, boost::asio::append(std::forward<H>(h), ec, n));
    }

    boost::asio::any_io_executor ex_;
    std::vector<std::string> answers_; // one per connection, in order
    std::string empty_;
    keyops::connection_state state_;
    std::size_t answer_ = 0;
    std::size_t pos_ = 0;
    std::size_t proxy_pos_ = 0;
};

} // namespace keyops_test

#endif
