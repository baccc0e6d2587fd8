#ifndef KEYOPS_TRANSPORT_BEAST_TRANSPORT_HPP
#define KEYOPS_TRANSPORT_BEAST_TRANSPORT_HPP

// The real transport: HTTP/1.1 over TCP or TLS with Beast, keep-alive connections kept in a small
// pool (pool.hpp), an optional HTTP proxy reached with CONNECT, and gzip/deflate decoding. Every
// exchange is the one machine of exchange_fsm.hpp, run by the async driver (async_exchange) or the
// blocking one (exchange) over a connection of connect.hpp.
//
// Concurrency: each exchange takes an idle connection or opens a new one, so concurrent calls
// run in parallel on separate connections; at most `max_idle_connections` are kept afterwards.
// Thread-safety: none. Use one transport from one thread, or from a strand; completion handlers
// run on the transport's executor (or the handler's associated executor). exchange() needs no
// thread to run the executor: it does its I/O on the calling thread.
// Lifetime: the transport must outlive its pending exchanges; close() or destruction drops the
// idle connections (pending exchanges keep theirs until they finish).
//
// TLS trust: see tls.hpp. A CA file that cannot be loaded fails the constructor that takes an
// error_code with that error (and every exchange after it); the other constructor throws.

#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/request/build.hpp>
#include <keyops/transport/connect.hpp>
#include <keyops/transport/detail/erased_handler.hpp>
#include <keyops/transport/exchange.hpp>
#include <keyops/transport/options.hpp>
#include <keyops/transport/pool.hpp>
#include <keyops/transport/tls.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>

#include <memory>
#include <string>
#include <utility>

namespace keyops {

class beast_transport {
public:
    using executor_type = boost::asio::any_io_executor;

    /// Throws keyops::exception if the TLS trust settings cannot be loaded (a missing CA file).
    beast_transport(executor_type ex, transport_options opt)
        : beast_transport(ex, std::move(opt), nullptr) {
        if (init_error_)
            throw exception(init_error_, init_diag_);
    }

    /// Never throws for bad settings: `ec` and `diag` say what is wrong, and every exchange then
    /// fails with the same error.
    beast_transport(executor_type ex, transport_options opt, error_code& ec, diagnostics& diag)
        : beast_transport(ex, std::move(opt), nullptr) {
        ec = init_error_;
        diag = init_diag_;
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
        return cfg_->tls;
    }

    /// Idle connections currently kept.
    std::size_t idle_connections() const noexcept { return pool_->idle(); }
    /// Connections opened so far (for tests and benchmarks of reuse).
    std::size_t connections_opened() const noexcept { return cfg_->opened; }

    void close() noexcept { pool_->clear(); }

    /// One exchange on the calling thread, blocking until it is done or its deadline passed.
    error_code exchange(http_request& req, http_response& res, const exchange_options& opt) {
        if (init_error_)
            return failed(opt);
        auto conn = take(opt.idempotent);
        exchange_fsm fsm(cfg_->limits, req, res, opt, conn->state());
        const error_code ec = detail::run_exchange(*conn, fsm, opt.diag);
        if (!ec && fsm.keep_alive())
            pool_->give_back(std::move(conn));
        return ec;
    }

    template <class Token>
    auto async_exchange(http_request& req, http_response& res, const exchange_options& opt,
                        Token&& token) {
        return boost::asio::async_initiate<Token, void(error_code)>(
            [this, &req, &res, opt](auto handler) {
                start(req, res, opt, detail::erase_handler(std::move(handler), ex_, *memory_));
            },
            token);
    }

private:
    using connection = detail::beast_connection;
    using pool_type = connection_pool<connection>;

    beast_transport(executor_type ex, transport_options opt, std::nullptr_t)
        : ex_(std::move(ex)), opt_(std::move(opt)),
          pool_(std::make_unique<pool_type>(opt_.max_idle_connections)),
          memory_(std::make_unique<detail::handler_memory>()) {
        opt_.host = std::string(detail::strip_brackets(opt_.host));
        if (!opt_.proxy && opt_.proxy_from_environment)
            opt_.proxy = environment_proxy(opt_.host, opt_.use_tls);
        auto cfg = std::make_shared<detail::connection_config>();
        cfg->ex = ex_;
        cfg->host = opt_.host;
        cfg->port = opt_.port;
        cfg->proxy = opt_.proxy;
        cfg->insecure_skip_verify = opt_.tls.insecure_skip_verify;
        cfg->log = opt_.log;
        cfg->limits.connect_timeout = opt_.connect_timeout;
        cfg->limits.request_timeout = opt_.request_timeout;
        cfg->limits.max_body_size = opt_.max_body_size;
        cfg->limits.max_header_size = opt_.max_header_size;
        cfg->limits.tls = opt_.use_tls;
        if (opt_.proxy)
            cfg->limits.connect_authority = authority();
        if (opt_.use_tls)
            cfg->tls = shared_tls_context(opt_.tls, init_error_, &init_diag_);
        if (init_error_)
            cfg->limits.tls = false; // never used: every exchange fails with init_error_
        cfg_ = std::move(cfg);
    }

    error_code failed(const exchange_options& opt) const {
        if (opt.diag)
            opt.diag->detail = init_diag_.detail;
        return init_error_;
    }

    std::shared_ptr<connection> take(bool idempotent) {
        if (auto c = pool_->take(idempotent))
            return c;
        return std::make_shared<connection>(cfg_);
    }

    // What an asynchronous exchange does with its connection at the end.
    struct give_back {
        pool_type* pool;
        void operator()(std::shared_ptr<connection>& c, error_code ec, const exchange_fsm& fsm) {
            if (!ec && fsm.keep_alive())
                pool->give_back(std::move(c));
        }
    };

    // Compiled once, for a type-erased handler, not once per caller: callers' handlers are deep
    // composed-operation types, and instantiating the exchange for each of them costs minutes of
    // compile time and megabytes of code.
    void start(http_request& req, http_response& res, const exchange_options& opt,
               detail::erased_handler handler) {
        using op = detail::async_exchange_op<connection, give_back>;
        if (init_error_) {
            // Completes through the op's post, never inline.
            boost::asio::async_compose<detail::erased_handler, void(error_code)>(
                failed_op{failed(opt), false}, handler, ex_);
            return;
        }
        auto conn = take(opt.idempotent);
        exchange_fsm fsm(cfg_->limits, req, res, opt, conn->state());
        boost::asio::async_compose<detail::erased_handler, void(error_code)>(
            op{std::move(conn), fsm, opt.diag, give_back{pool_.get()}}, handler, ex_);
    }

    struct failed_op {
        error_code ec;
        bool posted;
        template <class Self>
        void operator()(Self& self) {
            if (!posted) {
                posted = true;
                return boost::asio::post(self.get_io_executor(), std::move(self));
            }
            self.complete(ec);
        }
    };

    std::string authority() const {
        const bool v6 = opt_.host.find(':') != std::string::npos;
        return (v6 ? "[" + opt_.host + "]" : opt_.host) + ":" + std::to_string(opt_.port);
    }

    executor_type ex_;
    transport_options opt_;
    std::shared_ptr<const detail::connection_config> cfg_;
    // On the heap, so that pending exchanges and handlers keep pointing at them when the
    // transport is moved.
    std::unique_ptr<pool_type> pool_;
    std::unique_ptr<detail::handler_memory> memory_;
    error_code init_error_;
    diagnostics init_diag_;
};

} // namespace keyops

#endif
