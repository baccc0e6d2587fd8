#ifndef KEYOPS_TRANSPORT_FAKE_TRANSPORT_HPP
#define KEYOPS_TRANSPORT_FAKE_TRANSPORT_HPP

// A scripted transport for tests, keyops's and its users': each exchange records the request and
// plays the next scripted step. Only the socket is fake: the exchange is the same machine and the
// same drivers as beast_transport's (exchange_fsm.hpp, detail/exchange.hpp), so the scripted bytes
// go through Beast's HTTP parser (in chunks of any size, to exercise split reads), the same body
// decoding and the same error mapping as in production.
//
//     keyops::fake_transport fake(io.get_executor());
//     fake.push_response(200, R"({"id":"j1","overall_status":"completed"})");
//     fake.push_error(boost::asio::error::connection_refused);
//     fake.push({"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"id\"", 3,
//                boost::asio::error::eof});   // truncated body, read 3 bytes at a time
//
// Thread-safety and lifetime as for beast_transport. Sync exchanges (exchange()) play the step on
// the calling thread, sleeping through its delay.

#include <keyops/error.hpp>
#include <keyops/http.hpp>
#include <keyops/transport/detail/exchange.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace keyops {

/// A scripted transport for tests: each exchange records the request (requests()) and plays the
/// next step of the script (push()) through the same exchange machine and drivers as
/// beast_transport. Thread-safety and lifetime as for beast_transport.
class fake_transport {
public:
    /// The executor the fake was made with: async exchanges post their steps on it.
    using executor_type = boost::asio::any_io_executor;
    /// Exchanges replace the response's fields, keeping those that come again unchanged.
    static constexpr bool replaces_response_fields = true;

    /// One scripted exchange: what the server sends, how it is read, how it ends, and when.
    struct step {
        /// Bytes the server sends: status line, headers, body. May be partial.
        std::string raw_response;
        /// Feed the parser this many bytes at a time; 0 feeds everything at once.
        std::size_t chunk = 0;
        /// Reported once the bytes are fed (or when connecting, when there are none), as a
        /// socket error would be; a truncated response with no error reports end of stream.
        error_code error{};
        /// Time the server takes to answer; past the exchange's deadline, error::timeout.
        std::chrono::milliseconds delay{0};
    };

    /// An empty script; `host` is what host_header() returns.
    explicit fake_transport(executor_type ex, std::string host = "fake.invalid")
        : ex_(std::move(ex)), host_(std::move(host)) {}

    /// The executor the fake was made with.
    executor_type get_executor() const noexcept { return ex_; }
    /// The Host header clients put on their requests: the `host` given.
    std::string host_header() const { return host_; }
    /// Only counts the call (close_calls()); the script and the requests are kept.
    void close() noexcept { ++closed_; }

    /// Appends a step to the script; each exchange plays the next one, in order. An exchange
    /// with no step left fails with boost::asio::error::not_found, as its name resolution.
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
    /// Steps pushed and not yet played.
    std::size_t pending_steps() const noexcept { return steps_.size(); }
    /// How many times close() was called.
    std::size_t close_calls() const noexcept { return closed_; }
    /// The body limit of the exchanges started after it is set, in bytes after decoding, as
    /// transport_options::max_body_size: a larger body fails with error::body_too_large.
    std::size_t max_body_size = 16 * 1024 * 1024;

    /// One exchange on the calling thread, playing the next step (sleeping through its delay).
    error_code exchange(http_request& req, http_response& res, const exchange_options& opt) {
        auto c = next(req);
        exchange_fsm fsm(limits_, req, res, opt, c->state());
        return detail::run_exchange(*c, fsm, opt.diag);
    }

    /// One exchange, async: signature void(error_code). Takes the next step and records the
    /// request at once; `req`, `res` and the fake must outlive the operation.
    template <class Token>
    auto async_exchange(http_request& req, http_response& res, const exchange_options& opt,
                        Token&& token) {
        auto c = next(req);
        return boost::asio::async_initiate<Token, void(error_code)>(
            [this, &req, &res, opt, c](auto handler) mutable {
                exchange_fsm fsm(limits_, req, res, opt, c->state());
                auto erased = detail::erase_handler(std::move(handler), ex_);
                boost::asio::async_compose<detail::erased_handler, void(error_code)>(
                    detail::async_exchange_op<connection, keep_nothing>{
                        std::move(c), fsm, opt.diag, {}},
                    erased, ex_);
            },
            token);
    }

    /// One scripted connection: what the drivers run the exchange machine over.
    class connection {
    public:
        /// The steady clock's: the deadlines the drivers pass.
        using time_point = std::chrono::steady_clock::time_point;

        /// A connection that plays `s`. `scripted` is false when the script had run out: the
        /// exchange then fails resolving.
        connection(executor_type ex, step s, bool scripted)
            : ex_(std::move(ex)), step_(std::move(s)), scripted_(scripted) {}

        /// What the exchange machine keeps of this connection.
        connection_state& state() noexcept { return state_; }
        /// A fresh connection: it plays the same step again.
        void reset() { state_.reset(); }

        /// Fails with boost::asio::error::not_found when the script had run out (an exchange
        /// the test did not expect); succeeds otherwise.
        void resolve(time_point, error_code& ec) {
            // The script ran out: the test did not expect this exchange.
            ec = scripted_ ? error_code() : error_code(boost::asio::error::not_found);
        }
        /// Fails with the step's error when the step has no bytes (push_error()); succeeds
        /// otherwise.
        void connect(time_point, error_code& ec) {
            ec = step_.raw_response.empty() ? step_.error : error_code();
        }
        /// Always succeeds: no TLS is played.
        void handshake(time_point, diagnostics*, error_code& ec) { ec = {}; }
        /// Takes all of `b` at once; the bytes are dropped (the request is recorded as a whole).
        std::size_t write(bool, boost::asio::const_buffer b, time_point, error_code& ec) {
            ec = {};
            return b.size();
        }
        /// The next bytes of the step's response, at most `chunk` at a time. The first read
        /// sleeps through the step's delay, and fails with error::timeout if `deadline` passes
        /// meanwhile. Past the last byte: the step's error, or boost::asio::error::eof.
        std::size_t read_some(bool, boost::asio::mutable_buffer b, time_point deadline,
                              error_code& ec) {
            if (!waited_) {
                waited_ = true;
                if (step_.delay.count() > 0) {
                    // A sleep may end a little before the steady clock says it should (Windows):
                    // until it has passed.
                    const auto until =
                        std::min(deadline, std::chrono::steady_clock::now() + step_.delay);
                    while (std::chrono::steady_clock::now() < until)
                        std::this_thread::sleep_until(until);
                    if (std::chrono::steady_clock::now() >= deadline) {
                        ec = make_error_code(error::timeout);
                        return 0;
                    }
                }
            }
            return feed(b, ec);
        }

        /// Ignored: nothing is resolved.
        void set_endpoints(boost::asio::ip::tcp::resolver::results_type) {}

        /// As resolve(), completing through a post on the executor.
        template <class Handler>
        void async_resolve(time_point t, Handler&& h) {
            error_code ec;
            resolve(t, ec);
            post(std::forward<Handler>(h), ec);
        }
        /// As connect(), completing through a post on the executor.
        template <class Handler>
        void async_connect(time_point t, Handler&& h) {
            error_code ec;
            connect(t, ec);
            post(std::forward<Handler>(h), ec);
        }
        /// As handshake(), completing through a post on the executor.
        template <class Handler>
        void async_handshake(time_point, diagnostics*, Handler&& h) {
            post(std::forward<Handler>(h), error_code());
        }
        /// As write(), completing through a post on the executor.
        template <class Handler>
        void async_write(bool, boost::asio::const_buffer b, time_point, Handler&& h) {
            post(std::forward<Handler>(h), error_code(), b.size());
        }
        /// As read_some(), completing through a post on the executor; the step's delay is waited
        /// on a timer, whose end async_error() turns into a read of nothing or error::timeout.
        template <class Handler>
        void async_read_some(bool, boost::asio::mutable_buffer b, time_point deadline,
                             Handler&& h) {
            if (!waited_ && step_.delay.count() > 0) {
                waited_ = true;
                timer_ = std::make_unique<boost::asio::steady_timer>(ex_);
                timer_->expires_at(
                    std::min(deadline, std::chrono::steady_clock::now() + step_.delay));
                timer_->async_wait(boost::asio::append(std::forward<Handler>(h), std::size_t(0)));
                deadline_ = deadline;
                delayed_ = true;
                return;
            }
            waited_ = true;
            error_code ec;
            const std::size_t n = feed(b, ec);
            post(std::forward<Handler>(h), ec, n);
        }

        /// The error of an async step as the drivers must see it: after a delay, the timer's end
        /// is a read of nothing, or error::timeout past the deadline; a cancelled wait is
        /// operation_aborted.
        error_code async_error(error_code ec) {
            if (delayed_) {
                delayed_ = false;
                if (!ec && std::chrono::steady_clock::now() >= deadline_)
                    return make_error_code(error::timeout);
            }
            return ec;
        }
        /// The async exchange has ended: drops the delay's timer.
        void end_async() { timer_.reset(); }

    private:
        friend class fake_transport;

        template <class Handler>
        void post(Handler&& h, error_code ec, std::size_t n = 0) {
            boost::asio::post(ex_, boost::asio::append(std::forward<Handler>(h), ec, n));
        }

        std::size_t feed(boost::asio::mutable_buffer b, error_code& ec) {
            ec = {};
            const std::string& raw = step_.raw_response;
            if (pos_ >= raw.size()) {
                ec = step_.error ? step_.error : error_code(boost::asio::error::eof);
                return 0;
            }
            std::size_t n = std::min(b.size(), raw.size() - pos_);
            if (step_.chunk)
                n = std::min(n, step_.chunk);
            std::memcpy(b.data(), raw.data() + pos_, n);
            pos_ += n;
            return n;
        }

        executor_type ex_;
        step step_;
        bool scripted_;
        connection_state state_;
        std::size_t pos_ = 0;
        bool waited_ = false;
        bool delayed_ = false;
        time_point deadline_{};
        std::unique_ptr<boost::asio::steady_timer> timer_;
    };

private:
    struct keep_nothing {
        void operator()(std::shared_ptr<connection>&, error_code, const exchange_fsm&) const {}
    };

    std::shared_ptr<connection> next(http_request& req) {
        requests_.push_back(req);
        step s;
        const bool scripted = !steps_.empty();
        if (scripted) {
            s = std::move(steps_.front());
            steps_.pop_front();
        }
        limits_.max_body_size = max_body_size;
        return std::make_shared<connection>(ex_, std::move(s), scripted);
    }

    executor_type ex_;
    std::string host_;
    exchange_limits limits_;
    std::deque<step> steps_;
    std::vector<http_request> requests_;
    std::size_t closed_ = 0;
};

} // namespace keyops

#endif
