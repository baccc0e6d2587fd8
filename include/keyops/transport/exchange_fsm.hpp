#ifndef KEYOPS_TRANSPORT_EXCHANGE_FSM_HPP
#define KEYOPS_TRANSPORT_EXCHANGE_FSM_HPP

// One HTTP/1.1 exchange as a sans-io state machine: open the connection if it is not (resolve,
// TCP, the proxy's CONNECT, the TLS handshake), write the request, read and parse the response,
// decode its body, and decide whether the connection may be kept. It holds no socket, timer or
// executor: each resume() returns the next thing to do (resolve, connect, write these bytes, read
// some bytes into this buffer, handshake, replace the connection, done) with the deadline it must
// finish by, and the driver that did it resumes the machine with the result. The sync and the
// async drivers (detail/exchange.hpp) and every transport (beast_transport, fake_transport) run
// this one machine, so the parsing, the decoding and the resend rules exist once.
//
// Cancellation (the rule of cancellation.hpp): the driver passes the cancellation type with each
// resume(). Terminal ends the exchange at once with operation_aborted and leaves the connection
// closed; partial and total are ignored: an exchange is one request in flight, let finish.
// Each resume() answers the action returned last; none follows done (asserted).
//
// Resend rules: a kept-alive connection the server closed meanwhile fails the exchange only if
// the request may have been acted on. The machine asks for a fresh connection, once per exchange,
// when writing to a reused connection fails because it was closed, or when reading from it fails
// that way before any byte of the answer arrived and the request is idempotent.

#include <keyops/cancellation.hpp>
#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/http.hpp>
#include <keyops/observer.hpp>
#include <keyops/transport/detail/inflate.hpp>
#include <keyops/transport/detail/response_finish.hpp>
#include <keyops/transport/detail/response_reader.hpp>
#include <keyops/transport/detail/serialize.hpp>
#include <keyops/version.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/assert.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace keyops {

/// What a caller asks of one exchange.
struct exchange_options {
    /// Hard limit for this exchange (connect included); the transport also applies its own
    /// connect and request timeouts, whichever comes first.
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    /// May the request be sent again on a fresh connection when a kept-alive one turns out to
    /// be closed after the request was written? Only for idempotent requests.
    bool idempotent = true;
    /// Where the transport may explain a failure beyond its error code (its `detail`, e.g. which
    /// certificate check failed); null for no explanation. Must outlive the exchange.
    diagnostics* diag = nullptr;
    /// Told of connects and TLS handshakes; null for none. Must outlive the exchange.
    observer* obs = nullptr;
    /// Connects and bytes are added here; null for none. Must outlive the exchange.
    client_counters* counters = nullptr;
};

/// What an exchange needs to know of its transport's configuration.
struct exchange_limits {
    std::chrono::milliseconds connect_timeout{10000}; ///< resolve, TCP, proxy and TLS setup
    std::chrono::milliseconds request_timeout{30000}; ///< writing the request, reading the answer
    std::size_t max_body_size = 16 * 1024 * 1024;     ///< after decoding
    std::size_t max_header_size = 64 * 1024;          ///< the status line and headers
    bool tls = false; ///< the connection is TLS: a new one is handshaken before the request
    /// Non-empty: the connection goes through an HTTP proxy, asked with `CONNECT <authority>`.
    std::string connect_authority;
};

/// What an exchange machine asks its driver to do next: the step of the exchange_action that
/// exchange_fsm::resume returns.
enum class exchange_step : unsigned char {
    resolve,     ///< resolve the server's (or the proxy's) name
    connect,     ///< open TCP to the resolved endpoints
    proxy_write, ///< write all of `out` on the TCP socket (the CONNECT request)
    proxy_read,  ///< read some bytes into `in` from the TCP socket (the proxy's answer)
    handshake,   ///< TLS client handshake
    write,       ///< write all of `out` on the connection (through TLS if any)
    read,        ///< read some bytes into `in` from the connection (through TLS if any)
    reconnect,   ///< the kept-alive connection was closed: replace it by a fresh one and resume
    done,        ///< finished with `ec`; on success keep_alive() says if the connection may stay
};

/// The step's name, for logs and test messages.
constexpr std::string_view to_string(exchange_step s) noexcept {
    switch (s) {
    case exchange_step::resolve:
        return "resolve";
    case exchange_step::connect:
        return "connect";
    case exchange_step::proxy_write:
        return "proxy_write";
    case exchange_step::proxy_read:
        return "proxy_read";
    case exchange_step::handshake:
        return "handshake";
    case exchange_step::write:
        return "write";
    case exchange_step::read:
        return "read";
    case exchange_step::reconnect:
        return "reconnect";
    case exchange_step::done:
        break;
    }
    return "done";
}

/// Writes the step's name.
inline std::ostream& operator<<(std::ostream& os, exchange_step s) {
    return os << to_string(s);
}

/// The next thing an exchange needs done. Made by its named factories.
struct exchange_action {
    exchange_step step = exchange_step::done; ///< what to do; the members below say with what
    /// The step must finish by then; past it, resume with error::timeout.
    std::chrono::steady_clock::time_point deadline{};
    boost::asio::const_buffer out{};  ///< proxy_write, write: all of it
    boost::asio::mutable_buffer in{}; ///< proxy_read, read: some of it; resume with the count
    error_code ec{};                  ///< done

    /// resolve, connect, handshake or reconnect, by `deadline`.
    static exchange_action io(exchange_step s,
                              std::chrono::steady_clock::time_point deadline) noexcept {
        BOOST_ASSERT(s == exchange_step::resolve || s == exchange_step::connect ||
                     s == exchange_step::handshake || s == exchange_step::reconnect);
        return {s, deadline, {}, {}, {}};
    }
    /// proxy_write or write: all of `out`.
    static exchange_action write(exchange_step s, std::chrono::steady_clock::time_point deadline,
                                 boost::asio::const_buffer out) noexcept {
        BOOST_ASSERT(s == exchange_step::proxy_write || s == exchange_step::write);
        return {s, deadline, out, {}, {}};
    }
    /// proxy_read or read: some bytes into `in`.
    static exchange_action read(exchange_step s, std::chrono::steady_clock::time_point deadline,
                                boost::asio::mutable_buffer in) noexcept {
        BOOST_ASSERT(s == exchange_step::proxy_read || s == exchange_step::read);
        return {s, deadline, {}, in, {}};
    }
    /// done: the exchange ended with `ec` (empty on success).
    static exchange_action done(error_code ec) noexcept {
        return {exchange_step::done, {}, {}, {}, ec};
    }
};

/// `read by N`, `done: <error>`.
inline std::ostream& operator<<(std::ostream& os, const exchange_action& a) {
    os << a.step;
    if (a.step == exchange_step::done)
        return os << ": " << (a.ec ? a.ec.message() : std::string("ok"));
    return os << " by " << a.deadline.time_since_epoch().count();
}

/// What a connection keeps from one exchange to the next, besides its sockets: the bytes read
/// ahead, the parser, the body buffers and zlib's state.
class connection_state {
public:
    /// Connected (through the proxy and TLS): ready for a request.
    bool open = false;
    /// Has served an exchange: the server may have closed it since.
    bool reused = false;
    /// The last exchange began writing its request: the server may have received it. False
    /// when it failed before (name resolution, connect, proxy, TLS): the request never left,
    /// and another server may be asked instead (transports with several nodes do).
    bool request_written = false;

    /// A fresh connection (the sockets are the driver's to replace).
    void reset() noexcept {
        open = false;
        reused = false;
        buffer.clear();
    }

    /// Bytes read but not parsed yet (nothing, between exchanges on a sound connection).
    std::size_t buffered() const noexcept { return buffer.size(); }

private:
    friend class exchange_fsm;
    boost::beast::flat_buffer buffer;
    std::optional<detail::response_reader> parser;
    std::optional<boost::beast::http::response_parser<boost::beast::http::empty_body>> tunnel;
    std::string out; // the serialized request
    std::string raw_body;
    std::string decoded;
    detail::inflater inflate;
};

/// One HTTP/1.1 exchange as a sans-io state machine (see the top of this header): each resume()
/// returns the next thing to do, and the driver resumes it with the result. It holds no socket,
/// timer or executor; one machine serves one exchange.
class exchange_fsm {
public:
    /// Deadlines and the `now` of resume(): the steady clock's.
    using time_point = std::chrono::steady_clock::time_point;

    /// `req`, `res`, `conn` and `lim` must outlive the machine.
    exchange_fsm(const exchange_limits& lim, http_request& req, http_response& res,
                 const exchange_options& opt, connection_state& conn) noexcept
        : lim_(&lim), req_(&req), res_(&res), conn_(&conn), opt_(opt) {}

    /// The next step. `ec` and `bytes`: how the previous step went (ignored on the first call);
    /// `c`: the cancellation the driver was given (see the top of this header).
    exchange_action resume(error_code ec, std::size_t bytes, time_point now,
                           cancellation_type c = cancellation_type::none) {
        BOOST_ASSERT_MSG(at_ != at::finished, "keyops: exchange_fsm resumed after done");
        if (detail::rule_of(c) == detail::cancel_rule::end_now)
            return finish(boost::asio::error::operation_aborted);
        switch (at_) {
        case at::start:
            return begin(now);
        case at::resolving:
            if (ec) {
                ec = detail::map_transport_error(ec);
                if (opt_.obs)
                    opt_.obs->on_connect({now - step_started_, ec});
                return finish(ec);
            }
            at_ = at::connecting;
            return exchange_action::io(exchange_step::connect, deadline_);
        case at::connecting:
            if (ec)
                ec = detail::map_transport_error(ec);
            if (opt_.obs)
                opt_.obs->on_connect({now - step_started_, ec});
            if (ec)
                return finish(ec);
            if (!lim_->connect_authority.empty())
                return begin_tunnel();
            return after_tunnel(now);
        case at::tunnel_writing:
            if (ec)
                return finish(detail::map_transport_error(ec));
            count_out(bytes);
            conn_->tunnel.emplace();
            conn_->tunnel->skip(true); // an answer to CONNECT has no body
            conn_->buffer.clear();
            at_ = at::tunnel_reading;
            return read_action(exchange_step::proxy_read);
        case at::tunnel_reading:
            return on_tunnel_read(ec, bytes, now);
        case at::handshaking:
            if (ec)
                ec = detail::map_transport_error(ec);
            if (opt_.obs)
                opt_.obs->on_tls_handshake({now - step_started_, ec});
            if (ec)
                return finish(ec);
            conn_->open = true;
            return begin_write(now);
        case at::writing:
            if (ec) {
                if (conn_->reused && !resent_ && detail::is_connection_closed(ec))
                    return reconnect();
                return finish(detail::map_transport_error(ec));
            }
            count_out(bytes);
            prepare_read();
            at_ = at::reading;
            return read_action(exchange_step::read);
        case at::reading:
            return on_read(ec, bytes);
        case at::finished:
            break;
        }
        return exchange_action::done(result_);
    }

    /// Whether the next resume() reads its `now`: while the request is written and the answer
    /// read it does not, and drivers may spare the clock (passing any time point).
    bool needs_time() const noexcept { return at_ != at::writing && at_ != at::reading; }

    /// After a successful exchange: whether the connection may serve another one.
    bool keep_alive() const noexcept { return keep_alive_; }
    /// Whether the request was sent again on a fresh connection.
    bool resent() const noexcept { return resent_; }
    /// Whether the request may have reached the server (its writing began).
    bool request_written() const noexcept { return conn_->request_written; }
    /// Whether any byte of the answer arrived (for diagnostics and tests).
    bool got_some() const noexcept { return conn_->parser && conn_->parser->got_some(); }

private:
    enum class at : unsigned char {
        start,
        resolving,
        connecting,
        tunnel_writing,
        tunnel_reading,
        handshaking,
        writing,
        reading,
        finished
    };

    time_point limit(time_point now, std::chrono::milliseconds timeout) const noexcept {
        if (opt_.deadline - now < timeout)
            return opt_.deadline;
        return now + timeout;
    }

    void count_out(std::size_t n) noexcept {
        if (opt_.counters)
            opt_.counters->bytes_out += n;
    }
    void count_in(std::size_t n) noexcept {
        if (opt_.counters)
            opt_.counters->bytes_in += n;
    }

    exchange_action begin(time_point now) {
        conn_->request_written = false;
        if (!conn_->open) {
            step_started_ = now;
            if (opt_.counters)
                ++opt_.counters->connects;
            conn_->buffer.clear();
            deadline_ = limit(now, lim_->connect_timeout);
            at_ = at::resolving;
            return exchange_action::io(exchange_step::resolve, deadline_);
        }
        return begin_write(now);
    }

    exchange_action begin_tunnel() {
        conn_->out.clear();
        detail::write_connect(lim_->connect_authority, "keyops/" KEYOPS_VERSION_STRING, conn_->out);
        at_ = at::tunnel_writing;
        return exchange_action::write(exchange_step::proxy_write, deadline_,
                                      boost::asio::buffer(conn_->out));
    }

    exchange_action on_tunnel_read(error_code ec, std::size_t bytes, time_point now) {
        namespace http = boost::beast::http;
        if (ec) {
            if (ec == boost::asio::error::eof)
                ec = http::error::end_of_stream;
            return finish(detail::map_transport_error(ec));
        }
        count_in(bytes);
        conn_->buffer.commit(bytes);
        auto& p = *conn_->tunnel;
        if (auto pec = feed(p))
            return finish(detail::map_transport_error(pec));
        if (!p.is_done())
            return read_action(exchange_step::proxy_read);
        if (p.get().result_int() / 100 != 2) {
            res_->base() = p.release().base(); // what the proxy said, for the diagnostics
            return finish(make_error_code(error::proxy_refused));
        }
        conn_->tunnel.reset();
        conn_->buffer.clear();
        return after_tunnel(now);
    }

    exchange_action after_tunnel(time_point now) {
        if (lim_->tls) {
            step_started_ = now;
            at_ = at::handshaking;
            return exchange_action::io(exchange_step::handshake, deadline_);
        }
        conn_->open = true;
        return begin_write(now);
    }

    exchange_action begin_write(time_point now) {
        deadline_ = limit(now, lim_->request_timeout);
        conn_->out.clear();
        if (auto ec = detail::serialize_into(*req_, conn_->out))
            return finish(ec);
        at_ = at::writing;
        conn_->request_written = true;
        return exchange_action::write(exchange_step::write, deadline_,
                                      boost::asio::buffer(conn_->out));
    }

    void prepare_read() {
        namespace http = boost::beast::http;
        auto& p = conn_->parser.emplace(*res_, conn_->raw_body);
        reading_ = true;
        p.eager(true);
        p.body_limit(lim_->max_body_size);
        p.header_limit(static_cast<std::uint32_t>(lim_->max_header_size));
        if (req_->method() == http::verb::head)
            p.skip(true);
    }

    // Hands the bytes read so far to `p` (the proxy's answer, or the response), keeping what it
    // does not take yet; an error only when the bytes are not HTTP (or too much of it).
    template <class Parser>
    error_code feed(Parser& p) {
        namespace http = boost::beast::http;
        while (conn_->buffer.size() != 0 && !p.is_done()) {
            error_code ec;
            const std::size_t used = p.put(conn_->buffer.data(), ec);
            conn_->buffer.consume(used);
            if (ec == http::error::need_more)
                return {};
            if (ec)
                return ec;
            if (used == 0)
                return {};
        }
        return {};
    }

    exchange_action read_action(exchange_step step) {
        auto in = conn_->buffer.prepare(boost::beast::read_size(conn_->buffer, 65536));
        return exchange_action::read(step, deadline_, in);
    }

    exchange_action on_read(error_code ec, std::size_t bytes) {
        namespace http = boost::beast::http;
        auto& p = *conn_->parser;
        if (ec) {
            if (ec == boost::asio::error::eof) {
                if (!p.got_some()) {
                    ec = http::error::end_of_stream;
                } else {
                    p.put_eof(ec); // fine only where the body runs to the end of the stream
                    if (!ec && p.is_done())
                        return complete();
                    if (!ec)
                        ec = http::error::partial_message;
                }
            }
            if (conn_->reused && !resent_ && opt_.idempotent && !p.got_some() &&
                detail::is_connection_closed(ec))
                return reconnect();
            return finish(detail::map_transport_error(ec));
        }
        count_in(bytes);
        conn_->buffer.commit(bytes);
        if (auto pec = feed(p))
            return finish(detail::map_transport_error(pec));
        if (p.is_done())
            return complete();
        return read_action(exchange_step::read);
    }

    // The response is read: decode its body into the response (whose string keeps its capacity
    // when the caller reuses it), keeping the connection's buffers and zlib state.
    exchange_action complete() {
        auto& p = *conn_->parser;
        if (p.has_content_encoding()) {
            if (p.encoded()) {
                std::size_t n = 0;
                if (auto ec =
                        detail::decode_content_into(p.coding(), conn_->raw_body, conn_->decoded, n,
                                                    lim_->max_body_size, conn_->inflate))
                    return finish(ec);
                res_->body().assign(conn_->decoded.data(), n);
            }
            // The reader left the Content-Encoding fields out of the response.
            if (p.content_length())
                detail::fix_content_length(*res_);
        }
        keep_alive_ = p.keep_alive() && conn_->buffer.size() == 0;
        return finish({});
    }

    exchange_action reconnect() {
        resent_ = true;
        at_ = at::start;
        return exchange_action::io(exchange_step::reconnect, {});
    }

    exchange_action finish(error_code ec) {
        at_ = at::finished;
        result_ = ec;
        if (ec) {
            conn_->open = false; // a failed exchange leaves the connection unusable
            if (reading_)
                conn_->parser->settle(); // the response as received so far
        }
        return exchange_action::done(ec);
    }

    const exchange_limits* lim_;
    http_request* req_;
    http_response* res_;
    connection_state* conn_;
    exchange_options opt_;
    time_point deadline_{};
    time_point step_started_{}; // of the connect (resolve included), then of the handshake
    error_code result_{};
    at at_ = at::start;
    bool resent_ = false;
    bool keep_alive_ = false;
    bool reading_ = false; // this exchange's reader is writing into the response
};

} // namespace keyops

#endif
