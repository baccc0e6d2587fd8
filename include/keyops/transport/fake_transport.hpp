#ifndef KEYOPS_TRANSPORT_FAKE_TRANSPORT_HPP
#define KEYOPS_TRANSPORT_FAKE_TRANSPORT_HPP

// A scripted transport for tests, keyops's and its users': each exchange records the request and
// plays the next scripted step. The scripted response bytes go through Beast's real HTTP parser
// (in chunks of any size, to exercise split reads) and the real body decoding, so only the
// socket is fake.
//
//     keyops::fake_transport fake(io.get_executor());
//     fake.push_response(200, R"({"id":"j1","overall_status":"completed"})");
//     fake.push_error(boost::asio::error::connection_refused);
//     fake.push({"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"id\"", 3,
//                boost::asio::error::eof});   // truncated body, read 3 bytes at a time
//
// Thread-safety and lifetime as for beast_transport.

#include <keyops/error.hpp>
#include <keyops/transport/exchange.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/parser.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace keyops {

class fake_transport {
public:
    using executor_type = boost::asio::any_io_executor;

    struct step {
        /// Bytes the server sends: status line, headers, body. May be partial.
        std::string raw_response;
        /// Feed the parser this many bytes at a time; 0 feeds everything at once.
        std::size_t chunk = 0;
        /// Reported once the bytes are fed (or at once when there are none), as a socket
        /// error would be; a truncated response with no error reports end of stream.
        error_code error{};
        /// Time the server takes to answer; past the exchange's deadline, error::timeout.
        std::chrono::milliseconds delay{0};
    };

    explicit fake_transport(executor_type ex, std::string host = "fake.invalid")
        : ex_(std::move(ex)), host_(std::move(host)) {}

    executor_type get_executor() const noexcept { return ex_; }
    std::string host_header() const { return host_; }
    void close() noexcept { ++closed_; }

    void push(step s) { steps_.push_back(std::move(s)); }

    /// A complete response with Content-Length and the given extra header lines.
    void push_response(unsigned status, std::string body,
                       std::vector<std::pair<std::string, std::string>> headers = {},
                       std::chrono::milliseconds delay = {}) {
        std::string raw = "HTTP/1.1 " + std::to_string(status) + " X\r\n";
        for (const auto& [name, value] : headers)
            raw += name + ": " + value + "\r\n";
        raw += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        push({std::move(raw), 0, {}, delay});
    }

    /// An exchange that fails before any response byte, e.g. connection_refused.
    void push_error(error_code ec, std::chrono::milliseconds delay = {}) {
        push({std::string(), 0, ec, delay});
    }

    /// Every request received so far, in order.
    const std::vector<http_request>& requests() const noexcept { return requests_; }
    std::size_t pending_steps() const noexcept { return steps_.size(); }
    std::size_t close_calls() const noexcept { return closed_; }
    std::size_t max_body_size = 16 * 1024 * 1024;

    template <class Token>
    auto async_exchange(http_request& req, http_response& res, const exchange_options& opt,
                        Token&& token) {
        requests_.push_back(req);
        step s;
        bool scripted = !steps_.empty();
        if (scripted) {
            s = std::move(steps_.front());
            steps_.pop_front();
        }
        return boost::asio::async_initiate<Token, void(error_code)>(
            [this, &res, opt, s = std::move(s), scripted](auto handler) mutable {
                auto erased = detail::erase_handler(std::move(handler), ex_);
                boost::asio::async_compose<detail::erased_handler, void(error_code)>(
                    play_op{{}, *this, res, opt, std::move(s), scripted, nullptr}, erased, ex_);
            },
            token);
    }

private:
    struct play_op : boost::asio::coroutine {
        fake_transport& t;
        http_response& res;
        exchange_options opt;
        step s;
        bool scripted;
        std::unique_ptr<boost::asio::steady_timer> timer;

        template <class Self>
        void operator()(Self& self, error_code ec = {}) {
            BOOST_ASIO_CORO_REENTER(*this) {
                if (s.delay.count() > 0) {
                    timer = std::make_unique<boost::asio::steady_timer>(t.ex_);
                    timer->expires_at(
                        std::min(opt.deadline, std::chrono::steady_clock::now() + s.delay));
                    BOOST_ASIO_CORO_YIELD timer->async_wait(std::move(self));
                    if (ec)
                        return self.complete(ec); // cancelled
                    if (std::chrono::steady_clock::now() >= opt.deadline)
                        return self.complete(make_error_code(error::timeout));
                } else {
                    BOOST_ASIO_CORO_YIELD boost::asio::post(t.ex_, std::move(self));
                }
                if (!scripted)
                    return self.complete(boost::asio::error::not_found); // script exhausted
                return self.complete(play());
            }
        }

        error_code play() {
            namespace http = boost::beast::http;
            http::response_parser<http::string_body> parser;
            parser.body_limit(t.max_body_size);
            parser.eager(true);
            std::string_view rest = s.raw_response;
            std::string pending; // bytes the parser has not consumed yet
            error_code ec;
            while (!rest.empty() && !parser.is_done()) {
                const std::size_t n = s.chunk ? std::min(s.chunk, rest.size()) : rest.size();
                pending.append(rest.substr(0, n));
                rest.remove_prefix(n);
                const std::size_t used = parser.put(boost::asio::buffer(pending), ec);
                pending.erase(0, used);
                if (ec == http::error::need_more) {
                    ec = {};
                    continue;
                }
                if (ec)
                    return detail::map_transport_error(ec);
            }
            if (!parser.is_done()) {
                if (s.error)
                    return s.error;
                // The server closed the connection: fine only where the body runs to the end.
                parser.put_eof(ec);
                if (ec)
                    return boost::asio::error::eof;
            }
            if (s.error && !parser.is_done())
                return s.error;
            res = parser.release();
            return detail::finish_response(res, t.max_body_size);
        }
    };

    executor_type ex_;
    std::string host_;
    std::deque<step> steps_;
    std::vector<http_request> requests_;
    std::size_t closed_ = 0;
};

} // namespace keyops

#endif
