#ifndef KEYOPS_TRANSPORT_BEAST_TRANSPORT_HPP
#define KEYOPS_TRANSPORT_BEAST_TRANSPORT_HPP

// The real transport: HTTP/1.1 over TCP or TLS with Beast, keep-alive connections kept in a small
// pool, an optional HTTP proxy reached with CONNECT, and gzip/deflate decoding.
//
// Concurrency: each exchange takes an idle connection or opens a new one, so concurrent calls
// run in parallel on separate connections; at most `max_idle_connections` are kept afterwards.
// Thread-safety: none. Use one transport from one thread, or from a strand; completion handlers
// run on the transport's executor (or the handler's associated executor).
// Lifetime: the transport must outlive its pending exchanges; close() or destruction drops the
// idle connections (pending exchanges keep theirs until they finish).

#include <keyops/error.hpp>
#include <keyops/transport/exchange.hpp>
#include <keyops/transport/options.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace keyops {

class beast_transport {
public:
    using executor_type = boost::asio::any_io_executor;

    /// Throws keyops::exception if the TLS trust settings cannot be loaded (a missing CA file).
    beast_transport(executor_type ex, transport_options opt)
        : ex_(std::move(ex)), opt_(std::move(opt)),
          ssl_ctx_(boost::asio::ssl::context::tls_client) {
        opt_.host = std::string(detail::strip_brackets(opt_.host));
        if (!opt_.proxy && opt_.proxy_from_environment)
            opt_.proxy = environment_proxy(opt_.host, opt_.use_tls);
        if (opt_.use_tls)
            configure_tls();
    }

    beast_transport(const beast_transport&) = delete;
    beast_transport& operator=(const beast_transport&) = delete;
    /// Moving is allowed only while no exchange is pending.
    beast_transport(beast_transport&&) = default;

    executor_type get_executor() const noexcept { return ex_; }
    const transport_options& options() const noexcept { return opt_; }
    std::string host_header() const { return keyops::host_header(opt_.host, opt_.port, opt_.use_tls); }

    /// Idle connections currently kept.
    std::size_t idle_connections() const noexcept { return idle_.size(); }
    /// Connections opened so far (for tests and benchmarks of reuse).
    std::size_t connections_opened() const noexcept { return opened_; }

    void close() noexcept { idle_.clear(); }

    template <class Token>
    auto async_exchange(http_request& req, http_response& res, const exchange_options& opt,
                        Token&& token) {
        return boost::asio::async_initiate<Token, void(error_code)>(
            [this, &req, &res, opt](auto handler) {
                start_exchange(req, res, opt, detail::erase_handler(std::move(handler), ex_));
            },
            token);
    }

private:
    // The exchange is compiled once, for a type-erased handler, not once per caller: callers'
    // handlers are deep composed-operation types, and instantiating the exchange for each of
    // them costs minutes of compile time and megabytes of code.
    void start_exchange(http_request& req, http_response& res, const exchange_options& opt,
                        detail::erased_handler handler) {
        boost::asio::async_compose<detail::erased_handler, void(error_code)>(
            exchange_op{{}, *this, req, res, opt}, handler, ex_);
    }

    struct connection {
        explicit connection(beast_transport& t) {
            if (t.opt_.use_tls)
                secure.emplace(t.ex_, t.ssl_ctx_);
            else
                plain.emplace(t.ex_);
        }
        boost::beast::tcp_stream& lowest() {
            return secure ? boost::beast::get_lowest_layer(*secure) : *plain;
        }
        std::optional<boost::beast::tcp_stream> plain;
        // asio's stream rather than beast::ssl_stream: the latter's write path in Boost 1.81 can end a
        // large write early.
        std::optional<boost::asio::ssl::stream<boost::beast::tcp_stream>> secure;
        boost::beast::flat_buffer buffer;
        // Outside the composed operation, which is moved while its steps run.
        boost::asio::ip::tcp::resolver::results_type endpoints;
        bool reused = false;
    };

    void configure_tls() {
        namespace ssl = boost::asio::ssl;
        error_code ec;
        ssl_ctx_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                             ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                             ssl::context::no_tlsv1_1);
        if (opt_.tls.insecure_skip_verify) {
            ssl_ctx_.set_verify_mode(ssl::verify_none);
            return;
        }
        ssl_ctx_.set_verify_mode(ssl::verify_peer);
        if (opt_.tls.use_system_store)
            ssl_ctx_.set_default_verify_paths(ec);
        if (!opt_.tls.ca_file.empty()) {
            ssl_ctx_.load_verify_file(opt_.tls.ca_file, ec);
            if (ec)
                throw_config_error(ec, "cannot load the CA file " + opt_.tls.ca_file);
        }
        if (!opt_.tls.ca_directory.empty()) {
            ssl_ctx_.add_verify_path(opt_.tls.ca_directory, ec);
            if (ec)
                throw_config_error(ec, "cannot use the CA directory " + opt_.tls.ca_directory);
        }
    }

    [[noreturn]] static void throw_config_error(error_code ec, std::string what) {
        diagnostics diag;
        diag.detail = std::move(what);
        throw exception(ec, std::move(diag));
    }

    void log(log_level level, std::string_view text) const {
        if (opt_.log)
            opt_.log(level, text);
    }

    // An idle connection the server has not closed meanwhile, or nothing. A closed one would
    // only fail after the request is written; checking first avoids sending into it.
    std::unique_ptr<connection> take_idle() {
        while (!idle_.empty()) {
            std::unique_ptr<connection> c = std::move(idle_.back());
            idle_.pop_back();
            if (c->buffer.size() == 0 && socket_is_quiet(c->lowest().socket()) &&
                (!c->secure || tls_is_quiet(c->secure->native_handle())))
                return c;
        }
        return nullptr;
    }

    static bool socket_is_quiet(boost::asio::ip::tcp::socket& s) {
        char byte;
        const auto n = ::recv(s.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }

    // The server's close_notify often arrives with the end of the response, and is then read
    // from the socket into the TLS layer's buffer, where peeking at the socket cannot see it.
    static bool tls_is_quiet(SSL* ssl) {
        return SSL_has_pending(ssl) == 0 && BIO_ctrl_pending(SSL_get_rbio(ssl)) == 0;
    }

    void give_back(std::unique_ptr<connection> c) {
        if (idle_.size() < opt_.max_idle_connections) {
            c->reused = true;
            idle_.push_back(std::move(c));
        }
    }

    struct exchange_op : boost::asio::coroutine {
        beast_transport& t;
        http_request& req;
        http_response& res;
        exchange_options opt;
        std::unique_ptr<connection> conn{};
        std::unique_ptr<boost::asio::ip::tcp::resolver> resolver{};
        std::unique_ptr<boost::beast::http::request<boost::beast::http::empty_body>> connect_req{};
        std::unique_ptr<boost::beast::http::response_parser<boost::beast::http::empty_body>>
            connect_res{};
        std::unique_ptr<boost::beast::http::response_parser<boost::beast::http::string_body>>
            parser{};
        bool resent = false;

        std::chrono::steady_clock::time_point limit(std::chrono::milliseconds timeout) const {
            const auto now = std::chrono::steady_clock::now();
            if (opt.deadline - now < timeout)
                return opt.deadline;
            return now + timeout;
        }

        template <class Self>
        void operator()(Self& self, error_code ec,
                        boost::asio::ip::tcp::resolver::results_type results) {
            conn->endpoints = std::move(results);
            (*this)(self, ec, std::size_t(0));
        }

        template <class Self>
        void operator()(Self& self, error_code ec, const boost::asio::ip::tcp::endpoint&) {
            (*this)(self, ec, std::size_t(0));
        }

        template <class Self>
        void operator()(Self& self, error_code ec = {}, std::size_t = 0) {
            namespace http = boost::beast::http;
            namespace ssl = boost::asio::ssl;
            BOOST_ASIO_CORO_REENTER(*this) {
                for (;;) {
                    conn = t.take_idle();
                    if (!conn) {
                        conn = std::make_unique<connection>(t);
                        ++t.opened_;
                        resolver = std::make_unique<boost::asio::ip::tcp::resolver>(t.ex_);
                        BOOST_ASIO_CORO_YIELD resolver->async_resolve(
                            t.opt_.proxy ? t.opt_.proxy->host : t.opt_.host,
                            std::to_string(t.opt_.proxy ? t.opt_.proxy->port : t.opt_.port),
                            std::move(self));
                        if (ec)
                            return self.complete(ec);
                        conn->lowest().expires_at(limit(t.opt_.connect_timeout));
                        BOOST_ASIO_CORO_YIELD conn->lowest().async_connect(conn->endpoints,
                                                                           std::move(self));
                        if (ec)
                            return self.complete(detail::map_transport_error(ec));

                        if (t.opt_.proxy) {
                            connect_req = std::make_unique<
                                http::request<http::empty_body>>(
                                http::verb::connect, t.authority(), 11);
                            connect_req->set(http::field::host, t.authority());
                            connect_req->set(http::field::user_agent,
                                             "keyops/" KEYOPS_VERSION_STRING);
                            BOOST_ASIO_CORO_YIELD http::async_write(
                                conn->lowest(), *connect_req, std::move(self));
                            if (ec)
                                return self.complete(detail::map_transport_error(ec));
                            connect_res = std::make_unique<
                                http::response_parser<http::empty_body>>();
                            connect_res->skip(true); // a CONNECT answer has no body
                            BOOST_ASIO_CORO_YIELD http::async_read(
                                conn->lowest(), conn->buffer, *connect_res, std::move(self));
                            if (ec)
                                return self.complete(detail::map_transport_error(ec));
                            if (connect_res->get().result_int() / 100 != 2) {
                                res.base() = connect_res->release().base(); // what it said
                                return self.complete(make_error_code(error::proxy_refused));
                            }
                        }

                        if (conn->secure) {
                            if (t.opt_.tls.insecure_skip_verify) {
                                t.log(log_level::warning,
                                      "TLS certificate verification is disabled "
                                      "(insecure_skip_verify) for " + t.opt_.host);
                            } else {
                                conn->secure->set_verify_callback(
                                    ssl::host_name_verification(t.opt_.host));
                            }
                            {
                                error_code addr_ec;
                                boost::asio::ip::make_address(t.opt_.host, addr_ec);
                                // SNI carries names only, never IP literals (RFC 6066).
                                if (addr_ec && !SSL_set_tlsext_host_name(
                                                   conn->secure->native_handle(),
                                                   t.opt_.host.c_str()))
                                    return self.complete(make_error_code(error::invalid_argument));
                            }
                            BOOST_ASIO_CORO_YIELD conn->secure->async_handshake(
                                ssl::stream_base::client, std::move(self));
                            if (ec)
                                return self.complete(detail::map_transport_error(ec));
                        }
                    }

                    conn->lowest().expires_at(limit(t.opt_.request_timeout));
                    if (conn->secure) {
                        BOOST_ASIO_CORO_YIELD http::async_write(*conn->secure, req,
                                                                std::move(self));
                    } else {
                        BOOST_ASIO_CORO_YIELD http::async_write(*conn->plain, req,
                                                                std::move(self));
                    }
                    if (ec) {
                        if (conn->reused && !resent && detail::is_connection_closed(ec)) {
                            resent = true; // the kept connection died: once more, fresh
                            conn.reset();
                            continue;
                        }
                        return self.complete(detail::map_transport_error(ec));
                    }

                    parser = std::make_unique<http::response_parser<http::string_body>>();
                    parser->body_limit(t.opt_.max_body_size);
                    parser->header_limit(static_cast<std::uint32_t>(t.opt_.max_header_size));
                    if (req.method() == http::verb::head)
                        parser->skip(true);
                    if (conn->secure) {
                        BOOST_ASIO_CORO_YIELD http::async_read(*conn->secure, conn->buffer,
                                                               *parser, std::move(self));
                    } else {
                        BOOST_ASIO_CORO_YIELD http::async_read(*conn->plain, conn->buffer,
                                                               *parser, std::move(self));
                    }
                    if (ec) {
                        if (conn->reused && !resent && opt.idempotent && !parser->got_some() &&
                            detail::is_connection_closed(ec)) {
                            resent = true;
                            conn.reset();
                            continue;
                        }
                        return self.complete(detail::map_transport_error(ec));
                    }
                    res = parser->release();
                    if (auto dec = detail::finish_response(res, t.opt_.max_body_size))
                        return self.complete(dec);
                    if (res.keep_alive())
                        t.give_back(std::move(conn));
                    return self.complete(error_code());
                }
            }
        }
    };

    std::string authority() const {
        const bool v6 = opt_.host.find(':') != std::string::npos;
        return (v6 ? "[" + opt_.host + "]" : opt_.host) + ":" + std::to_string(opt_.port);
    }

    executor_type ex_;
    transport_options opt_;
    boost::asio::ssl::context ssl_ctx_;
    std::vector<std::unique_ptr<connection>> idle_;
    std::size_t opened_ = 0;
};

} // namespace keyops

#endif
