#ifndef KEYOPS_TRANSPORT_DETAIL_CONNECT_HPP
#define KEYOPS_TRANSPORT_DETAIL_CONNECT_HPP

// One connection of beast_transport: a TCP socket, TLS on it when the server speaks HTTPS, and the
// operations the exchange machine asks for (resolve, TCP connect, the proxy's CONNECT bytes, the
// TLS handshake, writes and reads), each in a blocking form bounded by the step's deadline and an
// asynchronous one.
//
// Deadlines: asynchronous steps are bounded by one timer per connection, which cancels the
// socket's operations when the exchange's deadline has passed. A wait already under way that ends
// no later than the deadline is kept: when it ends before the deadline, it waits again for the
// rest. At the end of an exchange the wait is left running until the handlers ready to run have
// run (a check is posted), so that the next exchange on the connection, started from the
// completion handler as a polling loop does, finds it still under way and sets no timer of its
// own; when no exchange has started by then, the wait is cancelled, and an io_context with
// nothing else to do returns from run(). Blocking steps run the
// socket in blocking mode with the kernel's send and receive timeouts set from the deadline (see
// detail/deadline_socket.hpp); a blocking connect polls until the deadline. Name resolution in
// the blocking form is the system's getaddrinfo, which has no deadline of its own.
//
// Executors (the rule of beast_transport.hpp): the timer's handler and the posted check run
// through the executor of the exchange that armed them, the associated executor of its
// completion handler, as its steps do; never on the transport's executor alone. The next
// exchange on the connection is started from the same thread or strand (the client's), so what
// one exchange leaves behind and the next exchange's steps never run at once.

#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/transport/detail/deadline_socket.hpp>
#include <keyops/transport/detail/socket_ops.hpp>
#include <keyops/transport/detail/tls_verify.hpp>
#include <keyops/transport/exchange_fsm.hpp>
#include <keyops/transport/options.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace keyops::detail {

// What every connection of one transport shares: where to connect and what to trust.
struct connection_config {
    boost::asio::any_io_executor ex;
    std::string host;
    unsigned short port = 443;
    std::optional<proxy_options> proxy;
    std::shared_ptr<boost::asio::ssl::context> tls; // null: plain TCP
    bool insecure_skip_verify = false;
    log_function log;
    exchange_limits limits;
    /// Connections made so far, fresh ones in place of closed ones included (for tests and
    /// benchmarks of reuse; the transport is used from one thread at a time).
    mutable std::size_t opened = 0;
};

class beast_connection : public std::enable_shared_from_this<beast_connection> {
public:
    using time_point = std::chrono::steady_clock::time_point;
    using tls_stream = boost::asio::ssl::stream<deadline_socket>;

    explicit beast_connection(std::shared_ptr<const connection_config> cfg)
        : cfg_(std::move(cfg)), timer_(cfg_->ex) {
        ++cfg_->opened;
        make_streams();
    }

    /// When the pool took it back.
    time_point idle_since{};

    connection_state& state() noexcept { return state_; }

    /// Quiet: the server has not closed it, nor sent anything, while it was idle.
    bool is_quiet() {
        if (secure_ && !tls_is_quiet(secure_->native_handle()))
            return false;
        return socket_is_quiet(lowest().socket());
    }

    /// A fresh connection in place of this one.
    void reset() {
        ++serial_;
        timer_.cancel();
        waiting_ = false;
        active_ = false;
        timed_out_ = false;
        verify_failure_.clear();
        error_code ignored;
        lowest().socket().close(ignored);
        ++cfg_->opened;
        make_streams();
        state_.reset();
    }

    // --- blocking steps -------------------------------------------------------------------

    void resolve(time_point, error_code& ec) {
        boost::asio::ip::tcp::resolver r(cfg_->ex);
        endpoints_ = r.resolve(target_host(), std::to_string(target_port()), ec);
    }

    void connect(time_point deadline, error_code& ec) {
        connect_until(lowest().socket(), endpoints_, deadline, ec);
    }

    std::size_t write(bool tunnel, boost::asio::const_buffer b, time_point deadline,
                      error_code& ec) {
        ec = lowest().begin_sync(deadline);
        if (ec)
            return 0;
        if (tunnel || !secure_)
            return boost::asio::write(lowest(), b, ec);
        return boost::asio::write(*secure_, b, ec);
    }

    std::size_t read_some(bool tunnel, boost::asio::mutable_buffer b, time_point deadline,
                          error_code& ec) {
        ec = lowest().begin_sync(deadline);
        if (ec)
            return 0;
        if (tunnel || !secure_)
            return lowest().read_some(b, ec);
        return secure_->read_some(b, ec);
    }

    void handshake(time_point deadline, diagnostics* diag, error_code& ec) {
        ec = prepare_tls();
        if (!ec)
            ec = lowest().begin_sync(deadline);
        if (!ec)
            secure_->handshake(boost::asio::ssl::stream_base::client, ec);
        if (ec && diag && !verify_failure_.empty())
            diag->detail = verify_failure_;
    }

    // --- asynchronous steps: each completes `h` as its Asio counterpart would ---------------

    template <class Handler>
    void async_resolve(time_point deadline, Handler&& h) {
        resolver_ = std::make_unique<boost::asio::ip::tcp::resolver>(cfg_->ex);
        arm(deadline, h);
        resolver_->async_resolve(target_host(), std::to_string(target_port()),
                                 std::forward<Handler>(h));
    }

    void set_endpoints(boost::asio::ip::tcp::resolver::results_type r) {
        endpoints_ = std::move(r);
    }

    template <class Handler>
    void async_connect(time_point deadline, Handler&& h) {
        arm(deadline, h);
        boost::asio::async_connect(lowest().socket(), endpoints_, std::forward<Handler>(h));
    }

    template <class Handler>
    void async_write(bool tunnel, boost::asio::const_buffer b, time_point deadline, Handler&& h) {
        arm(deadline, h);
        if (tunnel || !secure_)
            return boost::asio::async_write(lowest(), b, std::forward<Handler>(h));
        boost::asio::async_write(*secure_, b, std::forward<Handler>(h));
    }

    template <class Handler>
    void async_read_some(bool tunnel, boost::asio::mutable_buffer b, time_point deadline,
                         Handler&& h) {
        arm(deadline, h);
        if (tunnel || !secure_)
            return lowest().async_read_some(b, std::forward<Handler>(h));
        secure_->async_read_some(b, std::forward<Handler>(h));
    }

    template <class Handler>
    void async_handshake(time_point deadline, diagnostics* diag, Handler&& h) {
        if (auto ec = prepare_tls()) {
            auto ex = cfg_->ex;
            return boost::asio::post(ex, boost::asio::append(std::forward<Handler>(h), ec));
        }
        handshake_diag_ = diag;
        arm(deadline, h);
        secure_->async_handshake(boost::asio::ssl::stream_base::client, std::forward<Handler>(h));
    }

    error_code async_error(error_code ec) {
        if (handshake_diag_) {
            if (ec && !verify_failure_.empty())
                handshake_diag_->detail = verify_failure_;
            handshake_diag_ = nullptr;
        }
        if (timed_out_ && ec == boost::asio::error::operation_aborted)
            return make_error_code(error::timeout);
        return ec;
    }

    void end_async() {
        active_ = false;
        resolver_.reset();
        if (!waiting_ || idle_check_posted_)
            return;
        idle_check_posted_ = true;
        // After the completion handler, and whatever that started, where the exchange ran.
        auto check = [weak = weak_from_this()] {
            auto c = weak.lock();
            if (!c)
                return;
            c->idle_check_posted_ = false;
            if (!c->active_ && c->waiting_) {
                ++c->serial_;
                c->waiting_ = false;
                c->timer_.cancel();
            }
        };
        // Queued on the transport's executor and run through the exchange's, as Asio runs a
        // completion handler: posted to the exchange's executor itself, it would need that
        // executor to queue work, which a handler's need not do (use_future's would run it on
        // a thread of its own).
        if (ex_ == cfg_->ex)
            boost::asio::post(cfg_->ex, std::move(check));
        else
            boost::asio::post(cfg_->ex, boost::asio::bind_executor(ex_, std::move(check)));
    }

private:
    const std::string& target_host() const { return cfg_->proxy ? cfg_->proxy->host : cfg_->host; }
    unsigned short target_port() const { return cfg_->proxy ? cfg_->proxy->port : cfg_->port; }

    deadline_socket& lowest() noexcept { return secure_ ? secure_->next_layer() : *plain_; }

    void make_streams() {
        plain_.reset();
        secure_.reset();
        if (cfg_->tls)
            secure_.emplace(cfg_->ex, *cfg_->tls);
        else
            plain_.emplace(cfg_->ex);
    }

    error_code prepare_tls() {
        if (!secure_)
            return make_error_code(error::invalid_argument);
        if (cfg_->insecure_skip_verify) {
            if (cfg_->log)
                cfg_->log(log_level::warning,
                          "TLS certificate verification is disabled (insecure_skip_verify) for " +
                              cfg_->host);
        } else {
            secure_->set_verify_callback(verify_peer{cfg_->host, &verify_failure_});
        }
        if (!set_server_name(secure_->native_handle(), cfg_->host))
            return make_error_code(error::invalid_argument);
        return {};
    }

    // Arms the connection's deadline: past `at`, its socket operations are cancelled and the
    // step ends with error::timeout (see async_error). The first step of an exchange notes the
    // executor it runs on, that of the step's handler (the exchange's own handler's), without
    // the outstanding work a composed operation's executor tracks: kept by an idle connection,
    // that would keep its io_context's run() from returning.
    template <class Handler>
    void arm(time_point at, const Handler& h) {
        if (!active_)
            ex_ = boost::asio::prefer(boost::asio::get_associated_executor(h, cfg_->ex),
                                      boost::asio::execution::outstanding_work.untracked);
        active_ = true;
        deadline_ = at;
        timed_out_ = false;
        if (waiting_ && waiting_until_ <= at)
            return; // the wait under way ends first, and then waits for the rest
        wait_until(at);
    }

    void wait_until(time_point at) {
        waiting_ = true;
        waiting_until_ = at;
        const unsigned serial = ++serial_;
        timer_.expires_at(at);
        timer_.async_wait(
            boost::asio::bind_executor(ex_, [weak = weak_from_this(), serial](error_code ec) {
                auto c = weak.lock();
                if (!c || c->serial_ != serial)
                    return; // a later wait's, or gone
                c->waiting_ = false;
                if (ec || !c->active_)
                    return;
                if (std::chrono::steady_clock::now() < c->deadline_)
                    return c->wait_until(c->deadline_); // a wait begun for an earlier deadline
                c->timed_out_ = true;
                error_code ignored;
                c->lowest().socket().cancel(ignored);
                if (c->resolver_)
                    c->resolver_->cancel();
            }));
    }

    std::shared_ptr<const connection_config> cfg_;
    std::optional<deadline_socket> plain_;
    // Asio's stream rather than beast::ssl_stream: the latter's write path in Boost 1.81 can end
    // a large write early.
    std::optional<tls_stream> secure_;
    connection_state state_;
    boost::asio::ip::tcp::resolver::results_type endpoints_;
    std::unique_ptr<boost::asio::ip::tcp::resolver> resolver_;
    boost::asio::steady_timer timer_;
    // The executor of the asynchronous exchange under way (or of the last one): the timer's
    // waits and the idle check are bound to it.
    boost::asio::any_io_executor ex_;
    time_point deadline_{};      // of the asynchronous exchange under way
    time_point waiting_until_{}; // when the timer's wait under way ends
    unsigned serial_ = 0;        // which wait a firing timer belongs to
    bool active_ = false;        // an asynchronous exchange is under way
    bool waiting_ = false;       // the timer has a wait under way
    bool idle_check_posted_ = false;
    bool timed_out_ = false;
    std::string verify_failure_; // why the server's certificate was refused
    diagnostics* handshake_diag_ = nullptr;
};

} // namespace keyops::detail

#endif
