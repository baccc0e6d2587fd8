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
//
// Timeouts: one deadline timer per exchange (the earlier of the caller's deadline and
// connect_timeout while connecting, request_timeout while writing and reading), not one per
// socket operation. A sync call (exchange_options::may_block) on a kept-alive connection does its
// socket I/O blocking, bounded by the same deadline (see detail/deadline_socket.hpp), instead of
// through the executor.
//
// TLS trust: loading the system store takes tens of milliseconds, so transports share one
// ssl::context per trust configuration (tls_options' CA file, CA directory, system store,
// insecure_skip_verify), loaded once per process: see shared_tls_context(). Pass your own in
// tls_options::context to control it fully. When the server's certificate is refused, the
// diagnostics' `detail` says which check failed, e.g. "unable to get local issuer certificate"
// or "host name mismatch: certificate is for localhost, asked for 127.0.0.1".

#include <keyops/error.hpp>
#include <keyops/transport/detail/deadline_socket.hpp>
#include <keyops/transport/detail/inflate.hpp>
#include <keyops/transport/detail/response_reader.hpp>
#include <keyops/transport/exchange.hpp>
#include <keyops/transport/options.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/ssl/verify_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace keyops {

namespace detail {

// The names a certificate is for: its subjectAltName DNS names and IP addresses, else its
// subject's common name.
inline std::string certificate_names(X509* cert) {
    std::string out;
    auto add = [&out](const std::string& name) {
        if (!out.empty())
            out += ", ";
        out += name;
    };
    if (auto* names = static_cast<GENERAL_NAMES*>(
            X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr))) {
        for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
            const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
            if (g->type == GEN_DNS) {
                const ASN1_STRING* s = g->d.dNSName;
                add(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                static_cast<std::size_t>(ASN1_STRING_length(s))));
            } else if (g->type == GEN_IPADD) {
                const ASN1_STRING* s = g->d.iPAddress;
                const unsigned char* d = ASN1_STRING_get0_data(s);
                if (ASN1_STRING_length(s) == 4) {
                    boost::asio::ip::address_v4::bytes_type b;
                    std::copy(d, d + 4, b.begin());
                    add(boost::asio::ip::address_v4(b).to_string());
                } else if (ASN1_STRING_length(s) == 16) {
                    boost::asio::ip::address_v6::bytes_type b;
                    std::copy(d, d + 16, b.begin());
                    add(boost::asio::ip::address_v6(b).to_string());
                }
            }
        }
        GENERAL_NAMES_free(names);
    }
    if (out.empty()) {
        char cn[256];
        const int n =
            X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
        if (n > 0)
            out.assign(cn, static_cast<std::size_t>(n));
    }
    return out.empty() ? std::string("no name") : out;
}

// Certificate verification: OpenSSL's chain checks, then Asio's host-name check on the leaf.
// The first failure is described in `*failure`.
struct verify_peer {
    std::string host;
    std::string* failure;

    bool operator()(bool preverified, boost::asio::ssl::verify_context& vc) const {
        X509_STORE_CTX* ctx = vc.native_handle();
        if (!preverified) {
            if (failure->empty())
                *failure = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
            return false;
        }
        if (X509_STORE_CTX_get_error_depth(ctx) > 0)
            return true;
        if (boost::asio::ssl::host_name_verification(host)(preverified, vc))
            return true;
        if (failure->empty()) {
            X509* cert = X509_STORE_CTX_get_current_cert(ctx);
            *failure = "host name mismatch: certificate is for " +
                       (cert ? certificate_names(cert) : std::string("no name")) + ", asked for " +
                       host;
        }
        return false;
    }
};

inline std::shared_ptr<boost::asio::ssl::context> make_tls_context(const tls_options& tls) {
    namespace ssl = boost::asio::ssl;
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    if (tls.insecure_skip_verify) {
        ctx->set_verify_mode(ssl::verify_none);
        return ctx;
    }
    auto fail = [](error_code ec, std::string what) {
        diagnostics diag;
        diag.detail = std::move(what);
        throw exception(ec, std::move(diag));
    };
    error_code ec;
    ctx->set_verify_mode(ssl::verify_peer);
    if (tls.use_system_store)
        ctx->set_default_verify_paths(ec);
    if (!tls.ca_file.empty()) {
        ctx->load_verify_file(tls.ca_file, ec);
        if (ec)
            fail(ec, "cannot load the CA file " + tls.ca_file);
    }
    if (!tls.ca_directory.empty()) {
        ctx->add_verify_path(tls.ca_directory, ec);
        if (ec)
            fail(ec, "cannot use the CA directory " + tls.ca_directory);
    }
    return ctx;
}

} // namespace detail

/// The TLS client context for `tls`'s trust settings (CA file, CA directory, system store,
/// insecure_skip_verify; `tls.context` when set, as it is). Contexts are made once per process
/// and trust configuration, then shared: loading the system store takes tens of milliseconds.
/// A CA file or directory is read when its context is first made; later changes to it are
/// seen only by a context made anew (pass your own in tls_options::context). Thread-safe.
/// Throws keyops::exception if a CA file or directory cannot be loaded.
inline std::shared_ptr<boost::asio::ssl::context> shared_tls_context(const tls_options& tls) {
    if (tls.context)
        return tls.context;
    struct entry {
        std::string ca_file, ca_directory;
        bool system_store, insecure;
        std::shared_ptr<boost::asio::ssl::context> context;
    };
    static std::mutex mutex;
    static std::vector<entry> cache; // a handful of configurations per process, in practice
    const std::lock_guard<std::mutex> lock(mutex);
    for (const entry& e : cache)
        if (e.insecure == tls.insecure_skip_verify &&
            (e.insecure || (e.ca_file == tls.ca_file && e.ca_directory == tls.ca_directory &&
                            e.system_store == tls.use_system_store)))
            return e.context;
    auto ctx = detail::make_tls_context(tls);
    constexpr std::size_t max_entries = 16;
    if (cache.size() == max_entries)
        cache.erase(cache.begin());
    cache.push_back(
        {tls.ca_file, tls.ca_directory, tls.use_system_store, tls.insecure_skip_verify, ctx});
    return ctx;
}

class beast_transport {
public:
    using executor_type = boost::asio::any_io_executor;

    /// Throws keyops::exception if the TLS trust settings cannot be loaded (a missing CA file).
    beast_transport(executor_type ex, transport_options opt)
        : ex_(std::move(ex)), opt_(std::move(opt)),
          memory_(std::make_unique<detail::handler_memory>()) {
        opt_.host = std::string(detail::strip_brackets(opt_.host));
        if (!opt_.proxy && opt_.proxy_from_environment)
            opt_.proxy = environment_proxy(opt_.host, opt_.use_tls);
        if (opt_.use_tls)
            ssl_ctx_ = shared_tls_context(opt_.tls);
    }

    beast_transport(const beast_transport&) = delete;
    beast_transport& operator=(const beast_transport&) = delete;
    /// Moving is allowed only while no exchange is pending.
    beast_transport(beast_transport&&) = default;

    executor_type get_executor() const noexcept { return ex_; }
    const transport_options& options() const noexcept { return opt_; }
    std::string host_header() const {
        return keyops::host_header(opt_.host, opt_.port, opt_.use_tls);
    }
    /// The TLS context in use (null without TLS); shared with other transports.
    const std::shared_ptr<boost::asio::ssl::context>& tls_context() const noexcept {
        return ssl_ctx_;
    }

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
                bool resent = false;
                if (opt.may_block) {
                    // A sync call on a kept-alive connection: the whole exchange right here,
                    // without the composed operation's machinery, and the handler called
                    // before returning (which may_block allows).
                    if (auto conn = take_idle(opt.idempotent)) {
                        if (auto ec = blocking_attempt(std::move(conn), req, res, opt, true)) {
                            std::move(handler)(*ec);
                            return;
                        }
                        resent = true; // the kept connection died: once more, fresh
                    }
                }
                start_exchange(req, res, opt, resent,
                               detail::erase_handler(std::move(handler), ex_, *memory_));
            },
            token);
    }

private:
    // The exchange is compiled once, for a type-erased handler, not once per caller: callers'
    // handlers are deep composed-operation types, and instantiating the exchange for each of
    // them costs minutes of compile time and megabytes of code.
    void start_exchange(http_request& req, http_response& res, const exchange_options& opt,
                        bool resent, detail::erased_handler handler) {
        exchange_op op{{}, *this, req, res, opt};
        op.resent = resent;
        boost::asio::async_compose<detail::erased_handler, void(error_code)>(std::move(op), handler,
                                                                             ex_);
    }

    // The earlier of `deadline` and `timeout` from now.
    static std::chrono::steady_clock::time_point
    limit(std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds timeout) {
        const auto now = std::chrono::steady_clock::now();
        if (deadline - now < timeout)
            return deadline;
        return now + timeout;
    }

    using tls_stream = boost::asio::ssl::stream<detail::deadline_socket>;

    struct connection {
        explicit connection(beast_transport& t) : timer(t.ex_) {
            if (t.opt_.use_tls)
                secure.emplace(t.ex_, *t.ssl_ctx_);
            else
                plain.emplace(t.ex_);
        }
        detail::deadline_socket& lowest() { return secure ? secure->next_layer() : *plain; }
        std::optional<detail::deadline_socket> plain;
        // asio's stream rather than beast::ssl_stream: the latter's write path in Boost 1.81 can
        // end a large write early.
        std::optional<tls_stream> secure;
        boost::beast::flat_buffer buffer;
        // Outside the composed operation, which is moved while its steps run.
        boost::asio::ip::tcp::resolver::results_type endpoints;
        bool reused = false;
        std::chrono::steady_clock::time_point idle_since; // when last given back
        // The exchange's deadline: armed once per exchange, it cancels the socket's operations.
        boost::asio::steady_timer timer;
        unsigned serial = 0; // which arming a firing timer belongs to
        bool timed_out = false;
        // Kept across the connection's responses: the parser, the raw body's storage, the
        // decoded body's scratch and zlib's state.
        std::optional<detail::response_reader> parser;
        std::string raw_body;
        std::string decoded;
        detail::inflater inflate;
        std::string verify_failure; // why the server's certificate was refused
    };

    void log(log_level level, std::string_view text) const {
        if (opt_.log)
            opt_.log(level, text);
    }

    // An idle connection the server has not closed meanwhile, or nothing. A closed one would
    // only fail after the request is written; checking first avoids sending into it. The check
    // costs a system call, so a connection idle for less than a second is taken unchecked for an
    // idempotent request: should the server have closed it meanwhile, the request is sent again
    // on a fresh connection (see the resend below), with no harm done.
    std::shared_ptr<connection> take_idle(bool idempotent) {
        const auto now = std::chrono::steady_clock::now();
        while (!idle_.empty()) {
            std::shared_ptr<connection> c = std::move(idle_.back());
            idle_.pop_back();
            if (c->buffer.size() != 0)
                continue;
            // A close_notify already read into the TLS layer makes the connection unusable,
            // whatever the socket says.
            if (c->secure && !tls_is_quiet(c->secure->native_handle()))
                continue;
            if ((idempotent && now - c->idle_since < std::chrono::seconds(1)) ||
                socket_is_quiet(c->lowest().socket()))
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

    void give_back(std::shared_ptr<connection> c) {
        if (idle_.size() < opt_.max_idle_connections) {
            c->reused = true;
            c->idle_since = std::chrono::steady_clock::now();
            idle_.push_back(std::move(c));
        }
    }

    // Arms the connection's deadline: past `at`, its socket operations are cancelled and the
    // exchange ends with error::timeout.
    static void arm(const std::shared_ptr<connection>& c,
                    std::chrono::steady_clock::time_point at) {
        const unsigned serial = ++c->serial;
        c->timed_out = false;
        c->timer.expires_at(at);
        c->timer.async_wait([weak = std::weak_ptr<connection>(c), serial](error_code ec) {
            if (ec)
                return;
            auto c = weak.lock();
            if (!c || c->serial != serial)
                return; // a later exchange's, or gone
            c->timed_out = true;
            error_code ignored;
            c->lowest().socket().cancel(ignored);
        });
    }

    static void disarm(connection& c) {
        ++c.serial;
        c.timer.cancel();
    }

    static error_code io_error(const connection& c, error_code ec) {
        if (c.timed_out && ec == boost::asio::error::operation_aborted)
            return make_error_code(error::timeout);
        return detail::map_transport_error(ec);
    }

    // Readies the connection's parser to read the response into `res`.
    void prepare_read(connection& c, const http_request& req, http_response& res) const {
        namespace http = boost::beast::http;
        c.parser.emplace(res, c.raw_body);
        c.parser->body_limit(opt_.max_body_size);
        c.parser->header_limit(static_cast<std::uint32_t>(opt_.max_header_size));
        if (req.method() == http::verb::head)
            c.parser->skip(true);
    }

    // The response read: its body decoded into `res` (whose string keeps its capacity when the
    // caller reuses it), the connection's buffers and zlib state kept for the next one.
    error_code finish_read(connection& c, http_response& res) const {
        namespace http = boost::beast::http;
        if (!c.parser->has_content_encoding())
            return {};
        if (c.parser->encoded()) {
            std::size_t n = 0;
            if (auto ec = detail::decode_content_into(c.parser->coding(), c.raw_body, c.decoded, n,
                                                      opt_.max_body_size, c.inflate))
                return ec;
            res.body().assign(c.decoded.data(), n);
        }
        res.erase(http::field::content_encoding);
        if (c.parser->content_length())
            detail::fix_content_length(res);
        return {};
    }

    // Writes the request and reads the response on a kept-alive connection, blocking until the
    // deadline. `got_some`: whether any of the response arrived.
    template <class Stream>
    error_code blocking_exchange(connection& c, Stream& stream, http_request& req,
                                 http_response& res, bool& wrote) {
        namespace http = boost::beast::http;
        error_code ec;
        wrote = false;
        http::write(stream, req, ec);
        if (ec)
            return ec;
        wrote = true;
        prepare_read(c, req, res);
        http::read(stream, c.buffer, *c.parser, ec);
        return ec;
    }

    // One exchange on the kept-alive connection `c`, blocking until the deadline. Nothing when
    // `c` turned out to be closed before an answer and `may_resend` (the caller then tries a
    // fresh connection, once).
    std::optional<error_code> blocking_attempt(std::shared_ptr<connection> c, http_request& req,
                                               http_response& res, const exchange_options& opt,
                                               bool may_resend) {
        bool wrote = false;
        error_code ec = c->lowest().begin_sync(limit(opt.deadline, opt_.request_timeout));
        if (!ec && c->secure)
            ec = blocking_exchange(*c, *c->secure, req, res, wrote);
        else if (!ec)
            ec = blocking_exchange(*c, *c->plain, req, res, wrote);
        if (ec && may_resend && detail::is_connection_closed(ec) &&
            (!wrote || (opt.idempotent && !c->parser->got_some())))
            return std::nullopt;
        if (ec)
            return detail::map_transport_error(ec);
        if (auto dec = finish_read(*c, res))
            return dec;
        if (c->parser->keep_alive())
            give_back(std::move(c));
        return error_code();
    }

    struct exchange_op : boost::asio::coroutine {
        beast_transport& t;
        http_request& req;
        http_response& res;
        exchange_options opt;
        std::shared_ptr<connection> conn{};
        std::unique_ptr<boost::asio::ip::tcp::resolver> resolver{};
        std::unique_ptr<boost::beast::http::request<boost::beast::http::empty_body>> connect_req{};
        std::unique_ptr<boost::beast::http::response_parser<boost::beast::http::empty_body>>
            connect_res{};
        bool resent = false;

        std::chrono::steady_clock::time_point limit(std::chrono::milliseconds timeout) const {
            return beast_transport::limit(opt.deadline, timeout);
        }

        template <class Self>
        void done(Self& self, error_code ec) {
            if (conn)
                disarm(*conn);
            self.complete(ec);
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
                    conn = t.take_idle(opt.idempotent);
                    if (!conn) {
                        conn = std::make_shared<connection>(t);
                        ++t.opened_;
                        resolver = std::make_unique<boost::asio::ip::tcp::resolver>(t.ex_);
                        BOOST_ASIO_CORO_YIELD resolver->async_resolve(
                            t.opt_.proxy ? t.opt_.proxy->host : t.opt_.host,
                            std::to_string(t.opt_.proxy ? t.opt_.proxy->port : t.opt_.port),
                            std::move(self));
                        if (ec)
                            return done(self, ec);
                        arm(conn, limit(t.opt_.connect_timeout));
                        BOOST_ASIO_CORO_YIELD boost::asio::async_connect(
                            conn->lowest().socket(), conn->endpoints, std::move(self));
                        if (ec)
                            return done(self, io_error(*conn, ec));

                        if (t.opt_.proxy) {
                            connect_req = std::make_unique<http::request<http::empty_body>>(
                                http::verb::connect, t.authority(), 11);
                            connect_req->set(http::field::host, t.authority());
                            connect_req->set(http::field::user_agent,
                                             "keyops/" KEYOPS_VERSION_STRING);
                            BOOST_ASIO_CORO_YIELD http::async_write(conn->lowest(), *connect_req,
                                                                    std::move(self));
                            if (ec)
                                return done(self, io_error(*conn, ec));
                            connect_res =
                                std::make_unique<http::response_parser<http::empty_body>>();
                            connect_res->skip(true); // a CONNECT answer has no body
                            BOOST_ASIO_CORO_YIELD http::async_read(conn->lowest(), conn->buffer,
                                                                   *connect_res, std::move(self));
                            if (ec)
                                return done(self, io_error(*conn, ec));
                            if (connect_res->get().result_int() / 100 != 2) {
                                res.base() = connect_res->release().base(); // what it said
                                return done(self, make_error_code(error::proxy_refused));
                            }
                        }

                        if (conn->secure) {
                            if (t.opt_.tls.insecure_skip_verify) {
                                t.log(log_level::warning,
                                      "TLS certificate verification is disabled "
                                      "(insecure_skip_verify) for " +
                                          t.opt_.host);
                            } else {
                                conn->secure->set_verify_callback(
                                    detail::verify_peer{t.opt_.host, &conn->verify_failure});
                            }
                            {
                                error_code addr_ec;
                                boost::asio::ip::make_address(t.opt_.host, addr_ec);
                                // SNI carries names only, never IP literals (RFC 6066).
                                if (addr_ec &&
                                    !SSL_set_tlsext_host_name(conn->secure->native_handle(),
                                                              t.opt_.host.c_str()))
                                    return done(self, make_error_code(error::invalid_argument));
                            }
                            BOOST_ASIO_CORO_YIELD conn->secure->async_handshake(
                                ssl::stream_base::client, std::move(self));
                            if (ec) {
                                if (opt.diag && !conn->verify_failure.empty())
                                    opt.diag->detail = conn->verify_failure;
                                return done(self, io_error(*conn, ec));
                            }
                        }
                    }

                    if (opt.may_block && conn->reused) {
                        // A sync call, another kept-alive connection: as in async_exchange.
                        if (auto r = t.blocking_attempt(std::move(conn), req, res, opt, !resent))
                            return self.complete(*r);
                        resent = true;
                        continue;
                    }

                    arm(conn, limit(t.opt_.request_timeout));
                    if (conn->secure) {
                        BOOST_ASIO_CORO_YIELD http::async_write(*conn->secure, req,
                                                                std::move(self));
                    } else {
                        BOOST_ASIO_CORO_YIELD http::async_write(*conn->plain, req, std::move(self));
                    }
                    if (ec) {
                        if (conn->reused && !resent && detail::is_connection_closed(ec)) {
                            resent = true; // the kept connection died: once more, fresh
                            disarm(*conn);
                            conn.reset();
                            continue;
                        }
                        return done(self, io_error(*conn, ec));
                    }

                    t.prepare_read(*conn, req, res);
                    if (conn->secure) {
                        BOOST_ASIO_CORO_YIELD http::async_read(*conn->secure, conn->buffer,
                                                               *conn->parser, std::move(self));
                    } else {
                        BOOST_ASIO_CORO_YIELD http::async_read(*conn->plain, conn->buffer,
                                                               *conn->parser, std::move(self));
                    }
                    if (ec) {
                        if (conn->reused && !resent && opt.idempotent &&
                            !conn->parser->got_some() && detail::is_connection_closed(ec)) {
                            resent = true;
                            disarm(*conn);
                            conn.reset();
                            continue;
                        }
                        return done(self, io_error(*conn, ec));
                    }
                    disarm(*conn);
                    if (auto dec = t.finish_read(*conn, res))
                        return done(self, dec);
                    if (conn->parser->keep_alive())
                        t.give_back(conn);
                    conn.reset();
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
    std::shared_ptr<boost::asio::ssl::context> ssl_ctx_;
    std::vector<std::shared_ptr<connection>> idle_;
    std::size_t opened_ = 0;
    // On the heap, so that it stays put when the transport is moved.
    std::unique_ptr<detail::handler_memory> memory_;
};

} // namespace keyops

#endif
