// A small HTTP proxy for the integration tests, reached with CONNECT only: it reads the request
// head, records its first line, and either answers 200 and splices bytes both ways between the
// client and the target (an IP literal and port, as `host:port` or `[v6]:port`), or, when told
// to refuse, answers that status (407 with a Proxy-Authenticate challenge) and closes. Other
// methods get 405; a target it cannot reach gets 502.
//
// It listens on 127.0.0.1 on a free port and runs its own io_context on its own thread, so that
// the client under test can run its io_context (sync calls) meanwhile.
// Thread-safety: every public member may be called from any thread.
// Lifetime: the destructor stops the thread; tunnels still open are then closed.
#ifndef KEYOPS_TESTS_INTEGRATION_CONNECT_PROXY_HPP
#define KEYOPS_TESTS_INTEGRATION_CONNECT_PROXY_HPP

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace keyops_test {

class connect_proxy {
public:
    connect_proxy() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
        accept();
        thread_ = std::thread([this] { io_.run(); });
    }

    ~connect_proxy() {
        io_.stop();
        thread_.join();
    }

    connect_proxy(const connect_proxy&) = delete;
    connect_proxy& operator=(const connect_proxy&) = delete;

    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    /// From now on, answer every CONNECT with this status (0: open tunnels again).
    void refuse(unsigned status) { refuse_.store(status); }

    /// The first line of every request received, in order ("CONNECT 127.0.0.1:443 HTTP/1.1").
    std::vector<std::string> requests() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_;
    }

    /// Tunnels opened to a target (answered 200).
    std::size_t tunnels() const { return tunnels_.load(); }

private:
    using tcp = boost::asio::ip::tcp;
    using error_code = boost::system::error_code;

    class session : public std::enable_shared_from_this<session> {
    public:
        session(connect_proxy& proxy, tcp::socket client)
            : proxy_(proxy), client_(std::move(client)), target_(proxy.io_) {}

        void start() {
            boost::asio::async_read_until(
                client_, boost::asio::dynamic_buffer(head_, 16 * 1024), "\r\n\r\n",
                [self = shared_from_this()](error_code ec, std::size_t n) {
                    if (!ec)
                        self->on_head(n);
                });
        }

    private:
        void on_head(std::size_t n) {
            const std::string line = head_.substr(0, head_.find("\r\n"));
            proxy_.record(line);
            early_ = head_.substr(n); // bytes the client sent after the head, if any
            const auto sp1 = line.find(' ');
            const auto sp2 = line.find(' ', sp1 == std::string::npos ? sp1 : sp1 + 1);
            if (sp1 == std::string::npos || sp2 == std::string::npos)
                return answer_and_close(400, "Bad Request");
            if (line.compare(0, sp1, "CONNECT") != 0)
                return answer_and_close(405, "Method Not Allowed");
            if (const unsigned status = proxy_.refuse_.load(); status != 0)
                return answer_and_close(status, status == 407 ? "Proxy Authentication Required"
                                                              : "Refused");
            const std::string authority = line.substr(sp1 + 1, sp2 - sp1 - 1);
            const auto colon = authority.rfind(':');
            if (colon == std::string::npos)
                return answer_and_close(400, "Bad Request");
            std::string host = authority.substr(0, colon);
            if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
                host = host.substr(1, host.size() - 2);
            error_code ec;
            const auto address = boost::asio::ip::make_address(host, ec);
            const unsigned long port = std::strtoul(authority.c_str() + colon + 1, nullptr, 10);
            if (ec || port == 0 || port > 65535)
                return answer_and_close(502, "Bad Gateway");
            target_.async_connect(tcp::endpoint(address, static_cast<unsigned short>(port)),
                                  [self = shared_from_this()](error_code ec) {
                                      if (ec)
                                          return self->answer_and_close(502, "Bad Gateway");
                                      self->proxy_.tunnels_.fetch_add(1);
                                      self->reply_ = "HTTP/1.1 200 Connection established\r\n\r\n";
                                      boost::asio::async_write(self->client_,
                                                               boost::asio::buffer(self->reply_),
                                                               [self](error_code ec, std::size_t) {
                                                                   if (!ec)
                                                                       self->open_tunnel();
                                                               });
                                  });
        }

        void open_tunnel() {
            auto self = shared_from_this();
            if (!early_.empty()) {
                boost::asio::async_write(target_, boost::asio::buffer(early_),
                                         [self](error_code ec, std::size_t) {
                                             if (ec)
                                                 return self->close_both();
                                             self->early_.clear();
                                             self->open_tunnel();
                                         });
                return;
            }
            pump(client_, target_, up_);
            pump(target_, client_, down_);
        }

        // Copies `from` to `to` until `from` ends; then passes the end on (half-close).
        void pump(tcp::socket& from, tcp::socket& to, std::array<char, 16384>& buf) {
            from.async_read_some(boost::asio::buffer(buf), [self = shared_from_this(), &from, &to,
                                                            &buf](error_code ec, std::size_t n) {
                if (ec) {
                    error_code ignored;
                    if (ec == boost::asio::error::eof)
                        to.shutdown(tcp::socket::shutdown_send, ignored);
                    else
                        self->close_both();
                    return;
                }
                boost::asio::async_write(to, boost::asio::buffer(buf.data(), n),
                                         [self, &from, &to, &buf](error_code ec, std::size_t) {
                                             if (ec)
                                                 return self->close_both();
                                             self->pump(from, to, buf);
                                         });
            });
        }

        void answer_and_close(unsigned status, const char* reason) {
            const std::string body = "refused by the test proxy\n";
            reply_ = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
            if (status == 407)
                reply_ += "Proxy-Authenticate: Basic realm=\"keyops tests\"\r\n";
            reply_ += "Content-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\nConnection: close\r\n\r\n" + body;
            boost::asio::async_write(client_, boost::asio::buffer(reply_),
                                     [self = shared_from_this()](error_code, std::size_t) {
                                         error_code ignored;
                                         self->client_.shutdown(tcp::socket::shutdown_send,
                                                                ignored);
                                     });
        }

        void close_both() {
            error_code ignored;
            client_.close(ignored);
            target_.close(ignored);
        }

        connect_proxy& proxy_;
        tcp::socket client_;
        tcp::socket target_;
        std::string head_;
        std::string early_;
        std::string reply_;
        std::array<char, 16384> up_{};
        std::array<char, 16384> down_{};
    };

    void accept() {
        acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
            if (ec)
                return;
            std::make_shared<session>(*this, std::move(socket))->start();
            accept();
        });
    }

    void record(std::string line) {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(std::move(line));
    }

    boost::asio::io_context io_;
    tcp::acceptor acceptor_;
    std::thread thread_;
    std::atomic<unsigned> refuse_{0};
    std::atomic<std::size_t> tunnels_{0};
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
};

} // namespace keyops_test

#endif
