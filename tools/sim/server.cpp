// keyops-sim: the HTTP(S) transport, on Beast. One io_context on one thread; every connection is
// an async read / respond / write loop. Responses are written as raw bytes (status line, headers,
// body) because several faults need to cut, slow down or abandon the bytes on the wire.
#include "sim.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

namespace keyops_sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
// asio's own SSL stream rather than beast::ssl_stream: in Boost 1.81 the latter's buffered
// async_handshake does not compile as C++20, and its flat_stream layer can end a multi-buffer
// asio::async_write early.
using SslStream = asio::ssl::stream<beast::tcp_stream>;

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kBodyLimit = 1024 * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr auto kCloseTimeout = std::chrono::seconds(3);
constexpr std::size_t kDrainLimit = 8 * 1024 * 1024;

struct Cluster;

// What the sessions of one listener (one cluster node) share.
struct Shared {
    Sim& sim;
    std::FILE* log;
    int node = 0;
    Cluster* cluster = nullptr;
};

// Brings the listeners in line with the nodes the admin API took down or up (server.cpp's end).
void sync_nodes(Cluster& c);

// Request paths come from the network: keep log lines printable and bounded.
std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 256))
        out += (c < 0x21 || c > 0x7e) ? '?' : c;
    return out.empty() ? "-" : out;
}

void log_line(std::FILE* log, std::string_view method, std::string_view path,
              const std::string& status, long long ms, const std::string& note) {
    // The path only: the query string and the headers may carry secrets.
    auto q = path.find('?');
    std::fprintf(log, "%s %s %s %s %lldms%s%s\n", rfc3339(Clock::now()).c_str(),
                 printable(method).c_str(), printable(path.substr(0, q)).c_str(), status.c_str(),
                 ms, note.empty() ? "" : " fault=", note.c_str());
    std::fflush(log);
}

bool is_loopback(const tcp::endpoint& ep) {
    auto a = ep.address();
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
    return a.is_loopback();
}

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
public:
    static constexpr bool tls = std::is_same_v<Stream, SslStream>;

    template <class... Args>
    Session(Shared& shared, beast::flat_buffer buffer, bool reject_plain, Args&&... args)
        : shared_(shared), stream_(std::forward<Args>(args)...), buffer_(std::move(buffer)),
          timer_(stream_.get_executor()), reject_plain_(reject_plain) {}

    void run() {
        error_code ec;
        auto ep = tcp_layer().socket().remote_endpoint(ec);
        loopback_ = !ec && is_loopback(ep);
        if constexpr (tls) {
            tcp_layer().expires_after(kIdleTimeout);
            stream_.async_handshake(
                asio::ssl::stream_base::server, buffer_.data(),
                [self = this->shared_from_this()](error_code ec, std::size_t used) {
                    if (ec)
                        return self->close_now();
                    self->buffer_.consume(used);
                    self->read_header();
                });
        } else {
            read_header();
        }
    }

private:
    beast::tcp_stream& tcp_layer() { return beast::get_lowest_layer(stream_); }

    void read_header() {
        parser_.emplace();
        parser_->header_limit(kHeaderLimit);
        parser_->body_limit(kBodyLimit);
        tcp_layer().expires_after(kIdleTimeout);
        http::async_read_header(
            stream_, buffer_, *parser_,
            [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
    }

    void on_header(error_code ec) {
        if (ec)
            return read_failed(ec);
        auto& h = parser_->get();
        if (beast::iequals(h[http::field::expect], "100-continue")) {
            static const std::string cont = "HTTP/1.1 100 Continue\r\n\r\n";
            asio::async_write(stream_, asio::buffer(cont),
                              [self = this->shared_from_this()](error_code ec, std::size_t) {
                                  if (ec)
                                      return self->close_now();
                                  self->read_body();
                              });
            return;
        }
        read_body();
    }

    void read_body() {
        if (parser_->is_done())
            return on_read({});
        tcp_layer().expires_after(kIdleTimeout);
        http::async_read(
            stream_, buffer_, *parser_,
            [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(error_code ec) {
        if (ec)
            return read_failed(ec);
        tcp_layer().expires_never();
        t0_ = std::chrono::steady_clock::now();
        auto& m = parser_->get();
        req_ = Request{};
        req_.method = std::string(m.method_string());
        req_.target = std::string(m.target());
        auto field = [&](http::field f, std::string& out) {
            auto it = m.find(f);
            if (it == m.end())
                return false;
            out = std::string(it->value());
            return true;
        };
        req_.has_authorization = field(http::field::authorization, req_.authorization);
        if (auto it = m.find("csp-auth-token"); it != m.end())
            req_.csp_auth_token = std::string(it->value());
        // Every Accept field, as one list (a client may send several).
        for (auto [it, end] = m.equal_range(http::field::accept); it != end; ++it) {
            if (!req_.accept.empty())
                req_.accept += ", ";
            req_.accept += std::string(it->value());
        }
        field(http::field::accept_encoding, req_.accept_encoding);
        req_.body = std::move(m.body());
        req_.loopback = loopback_;
        req_.node = shared_.node;
        if (!shared_.sim.node_up(shared_.node))
            return close_now(); // the node is down: a kept-alive connection dies unanswered
        keep_alive_ = m.keep_alive();
        http10_ = m.version() == 10;
        if (reject_plain_) {
            reply_ = shared_.sim.transport_error(
                400, req_.target, "plain HTTP request sent to an HTTPS server; use https://");
            keep_alive_ = false;
            after_write_ = After::drain;
            return write_reply();
        }
        plan_ = shared_.sim.begin(req_);
        if (plan_.latency_ms > 0) {
            timer_.expires_after(std::chrono::milliseconds(plan_.latency_ms));
            timer_.async_wait([self = this->shared_from_this()](error_code ec) {
                if (ec)
                    return self->close_now();
                self->produce();
            });
            return;
        }
        produce();
    }

    void produce() {
        reply_ = shared_.sim.respond(req_, plan_);
        if (shared_.cluster)
            sync_nodes(*shared_.cluster);
        // close_after: answered as a kept-alive connection, then closed as an idle timeout would.
        after_write_ = keep_alive_ && reply_.wire != Wire::close_after ? After::read : After::close;
        write_reply();
    }

    // A request the parser refused: answer in the owning server's error shape, then close.
    void read_failed(error_code ec) {
        bool header = parser_ && parser_->is_header_done();
        if (ec == beast::error::timeout && parser_ && parser_->got_some()) {
            return fail_request(408, "request not received within 30 s", header);
        }
        if (ec == http::error::header_limit)
            return fail_request(431, "request header exceeds 16 KiB", header);
        if (ec == http::error::body_limit)
            return fail_request(413, "request body exceeds 1 MiB", header);
        if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
            ec != http::error::end_of_stream && ec != http::error::partial_message)
            return fail_request(400, "malformed HTTP request: " + ec.message(), header);
        close_now(); // idle close, reset, truncated stream: nothing to answer
    }

    void fail_request(int status, const std::string& text, bool header) {
        req_ = Request{};
        if (header) {
            req_.method = std::string(parser_->get().method_string());
            req_.target = std::string(parser_->get().target());
        }
        t0_ = std::chrono::steady_clock::now();
        reply_ = shared_.sim.transport_error(status, req_.target, text);
        keep_alive_ = false;
        http10_ = false;
        after_write_ = After::drain;
        write_reply();
    }

    std::string head(std::size_t content_length) const {
        std::string h = "HTTP/1.1 " + std::to_string(reply_.status) + " ";
        h += std::string(http::obsolete_reason(static_cast<http::status>(reply_.status)));
        h += "\r\n";
        for (const auto& [name, value] : reply_.headers)
            h += name + ": " + value + "\r\n";
        if (reply_.status != 204 && reply_.status != 304)
            h += "Content-Length: " + std::to_string(content_length) + "\r\n";
        if (!keep_alive_)
            h += "Connection: close\r\n";
        else if (http10_)
            h += "Connection: keep-alive\r\n";
        return h + "\r\n";
    }

    void write_reply() {
        auto self = this->shared_from_this();
        tcp_layer().expires_after(std::chrono::seconds(120));
        head_ = head(reply_.body.size());
        switch (reply_.wire) {
        case Wire::close_before:
            log("-");
            return graceful_close();
        case Wire::normal:
        case Wire::close_after:
            // One contiguous buffer, one write.
            if (req_.method != "HEAD")
                head_ += reply_.body;
            asio::async_write(stream_, asio::buffer(head_),
                              [self](error_code ec, std::size_t) { self->on_written(ec); });
            return;
        case Wire::close_mid_body:
        case Wire::truncate:
            head_.append(reply_.body, 0, reply_.cut);
            asio::async_write(stream_, asio::buffer(head_), [self](error_code ec, std::size_t) {
                self->log(std::to_string(self->reply_.status));
                if (ec || self->reply_.wire == Wire::close_mid_body)
                    return self->abort_close();
                self->graceful_close();
            });
            return;
        case Wire::slow_body:
            asio::async_write(stream_, asio::buffer(head_), [self](error_code ec, std::size_t) {
                if (ec)
                    return self->on_written(ec);
                self->slow_pos_ = 0;
                self->write_slow();
            });
            return;
        }
    }

    // One byte per reply_.ms milliseconds.
    void write_slow() {
        if (slow_pos_ >= reply_.body.size())
            return on_written({});
        timer_.expires_after(std::chrono::milliseconds(reply_.ms));
        timer_.async_wait([self = this->shared_from_this()](error_code ec) {
            if (ec)
                return self->close_now();
            self->tcp_layer().expires_after(kIdleTimeout);
            asio::async_write(self->stream_, asio::buffer(&self->reply_.body[self->slow_pos_], 1),
                              [self](error_code ec, std::size_t) {
                                  if (ec)
                                      return self->on_written(ec);
                                  ++self->slow_pos_;
                                  self->write_slow();
                              });
        });
    }

    void on_written(error_code ec) {
        log(ec ? std::to_string(reply_.status) + "(write failed)" : std::to_string(reply_.status));
        if (ec)
            return close_now();
        switch (after_write_) {
        case After::read:
            return read_header();
        case After::close:
            return graceful_close();
        case After::drain:
            return drain();
        }
    }

    void log(const std::string& status) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - t0_)
                      .count();
        log_line(shared_.log, req_.method.empty() ? "-" : req_.method,
                 req_.target.empty() ? "-" : req_.target, status, ms, reply_.note);
    }

    // After an error reply, read and discard what the client still sends (for a while) so that
    // closing does not reset the connection before the client has read the reply.
    void drain() {
        if (drained_ >= kDrainLimit)
            return close_now();
        tcp_layer().expires_after(std::chrono::seconds(2));
        stream_.async_read_some(asio::buffer(scratch_),
                                [self = this->shared_from_this()](error_code ec, std::size_t n) {
                                    if (ec)
                                        return self->close_now();
                                    self->drained_ += n;
                                    self->drain();
                                });
    }

    void graceful_close() {
        if constexpr (tls) {
            tcp_layer().expires_after(kCloseTimeout);
            stream_.async_shutdown(
                [self = this->shared_from_this()](error_code) { self->close_now(); });
        } else {
            error_code ec;
            tcp_layer().socket().shutdown(tcp::socket::shutdown_send, ec);
            close_now();
        }
    }

    // A TCP reset: the client sees the connection die mid-response.
    void abort_close() {
        error_code ec;
        tcp_layer().socket().set_option(asio::socket_base::linger(true, 0), ec);
        close_now();
    }

    void close_now() {
        error_code ec;
        timer_.cancel();
        tcp_layer().socket().close(ec);
    }

    enum class After { read, close, drain };

    Shared& shared_;
    Stream stream_;
    beast::flat_buffer buffer_;
    asio::steady_timer timer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    bool reject_plain_ = false;
    bool loopback_ = false;
    bool keep_alive_ = true;
    bool http10_ = false;
    After after_write_ = After::read;
    Request req_;
    Plan plan_;
    Reply reply_;
    std::string head_;
    std::size_t slow_pos_ = 0;
    std::size_t drained_ = 0;
    std::array<char, 16384> scratch_{};
    std::chrono::steady_clock::time_point t0_;
};

// On the HTTPS port, looks at the first bytes: TLS goes on, plain HTTP gets a clear 400.
class Detector : public std::enable_shared_from_this<Detector> {
public:
    Detector(Shared& shared, asio::ssl::context& ctx, tcp::socket socket)
        : shared_(shared), ctx_(ctx), stream_(std::move(socket)) {}

    void run() {
        stream_.expires_after(kIdleTimeout);
        beast::async_detect_ssl(
            stream_, buffer_, [self = shared_from_this()](error_code ec, bool is_tls) {
                if (ec) {
                    error_code ignored;
                    self->stream_.socket().close(ignored);
                    return;
                }
                if (is_tls)
                    std::make_shared<Session<SslStream>>(self->shared_, std::move(self->buffer_),
                                                         false, std::move(self->stream_),
                                                         self->ctx_)
                        ->run();
                else
                    std::make_shared<Session<beast::tcp_stream>>(
                        self->shared_, std::move(self->buffer_), true, std::move(self->stream_))
                        ->run();
            });
    }

private:
    Shared& shared_;
    asio::ssl::context& ctx_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
};

class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(asio::io_context& ioc, Shared& shared, asio::ssl::context* ctx, tcp::endpoint ep)
        : shared_(shared), ctx_(ctx), acceptor_(ioc), retry_(ioc) {
        open(ep);
        bound_ = acceptor_.local_endpoint();
    }

    tcp::endpoint local_endpoint() const { return bound_; }
    bool is_open() const { return acceptor_.is_open(); }

    // Listening again on the same port after stop() (a node brought back up).
    void restart() {
        if (acceptor_.is_open())
            return;
        try {
            open(bound_);
            accept();
        } catch (const std::exception& e) {
            std::fprintf(shared_.log, "%s node %d cannot listen again: %s\n",
                         rfc3339(Clock::now()).c_str(), shared_.node + 1, e.what());
            std::fflush(shared_.log);
        }
    }

    void accept() {
        acceptor_.async_accept([self = shared_from_this()](error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted || !self->acceptor_.is_open())
                return;
            if (ec) {
                // Out of descriptors and the like: wait a little instead of spinning.
                std::fprintf(self->shared_.log, "%s accept failed: %s\n",
                             rfc3339(Clock::now()).c_str(), ec.message().c_str());
                std::fflush(self->shared_.log);
                self->retry_.expires_after(std::chrono::milliseconds(100));
                self->retry_.async_wait([self](error_code e) {
                    if (!e)
                        self->accept();
                });
                return;
            }
            error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            if (self->ctx_)
                std::make_shared<Detector>(self->shared_, *self->ctx_, std::move(socket))->run();
            else
                std::make_shared<Session<beast::tcp_stream>>(self->shared_, beast::flat_buffer{},
                                                             false, std::move(socket))
                    ->run();
            self->accept();
        });
    }

    void stop() {
        error_code ec;
        acceptor_.close(ec);
        retry_.cancel();
    }

private:
    void open(const tcp::endpoint& ep) {
        acceptor_.open(ep.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(ep);
        acceptor_.listen(asio::socket_base::max_listen_connections);
    }

    Shared& shared_;
    asio::ssl::context* ctx_;
    tcp::acceptor acceptor_;
    asio::steady_timer retry_;
    tcp::endpoint bound_;
};

struct Cluster {
    Sim& sim;
    std::FILE* log;
    std::vector<std::unique_ptr<Shared>> shared;
    std::vector<std::shared_ptr<Listener>> listeners;
    unsigned generation = 0;
};

void sync_nodes(Cluster& c) {
    const unsigned g = c.sim.node_generation();
    if (g == c.generation)
        return;
    c.generation = g;
    for (std::size_t i = 0; i < c.listeners.size(); ++i) {
        const bool up = c.sim.node_up(static_cast<int>(i));
        if (up == c.listeners[i]->is_open())
            continue;
        std::fprintf(c.log, "%s node %zu %s\n", rfc3339(Clock::now()).c_str(), i + 1,
                     up ? "up: listening again" : "down: refusing connections");
        std::fflush(c.log);
        if (up)
            c.listeners[i]->restart();
        else
            c.listeners[i]->stop();
    }
}

} // namespace

int run_server(const ServerOptions& options, Sim& sim) {
    std::optional<asio::ssl::context> ctx;
    if (!options.plain) {
        ctx.emplace(asio::ssl::context::tls_server);
        ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1);
        ctx->use_certificate_chain(asio::buffer(options.cert_pem));
        ctx->use_private_key(asio::buffer(options.key_pem), asio::ssl::context::pem);
    }
    asio::io_context ioc(1);
    Cluster cluster{sim, options.log, {}, {}, 0};
    std::string host = options.host == "localhost" ? "127.0.0.1" : options.host;
    std::string ports; // one line per node
    for (int n = 0; n < options.nodes; ++n) {
        cluster.shared.push_back(std::make_unique<Shared>(Shared{sim, options.log, n, &cluster}));
        // Node n after the first takes the port after the one before it when a port was given.
        const unsigned short port =
            options.port == 0 ? 0 : static_cast<unsigned short>(options.port + n);
        tcp::endpoint ep(asio::ip::make_address(host), port);
        auto listener =
            std::make_shared<Listener>(ioc, *cluster.shared.back(), ctx ? &*ctx : nullptr, ep);
        tcp::endpoint bound = listener->local_endpoint();
        listener->accept();
        cluster.listeners.push_back(listener);
        std::string shown = bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                                    : bound.address().to_string();
        std::cout << "listening on " << (options.plain ? "http" : "https") << "://" << shown << ":"
                  << bound.port();
        if (options.nodes > 1)
            std::cout << " (node " << n + 1 << ")";
        std::cout << std::endl;
        ports += std::to_string(bound.port()) + "\n";
    }
    if (!options.port_file.empty()) {
        // Written then renamed, so a reader polling for the file never sees it half written.
        std::string tmp = options.port_file + ".tmp";
        {
            std::ofstream out(tmp, std::ios::trunc);
            out << ports;
            if (!out)
                throw std::runtime_error("cannot write " + tmp);
        }
        if (std::rename(tmp.c_str(), options.port_file.c_str()) != 0)
            throw std::runtime_error("cannot rename " + tmp + " to " + options.port_file);
    }

    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](error_code ec, int signo) {
        if (ec)
            return;
        std::fprintf(options.log, "%s stopping on signal %d\n", rfc3339(Clock::now()).c_str(),
                     signo);
        std::fflush(options.log);
        for (auto& l : cluster.listeners)
            l->stop();
        ioc.stop();
    });
    ioc.run();
    return 0;
}

} // namespace keyops_sim
