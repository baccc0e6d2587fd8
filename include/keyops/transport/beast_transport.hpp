#ifndef KEYOPS_TRANSPORT_BEAST_TRANSPORT_HPP
#define KEYOPS_TRANSPORT_BEAST_TRANSPORT_HPP

// The real transport: HTTP/1.1 over TCP or TLS with Beast, keep-alive connections kept in a small
// pool (pool.hpp), an optional HTTP proxy reached with CONNECT, and gzip/deflate decoding. Every
// exchange is the one machine of exchange_fsm.hpp, run by the async driver (async_exchange) or the
// blocking one (exchange) over a connection of detail/connect.hpp.
//
// Concurrency: each exchange takes an idle connection or opens a new one, so concurrent calls
// run in parallel on separate connections; at most `max_idle_connections` are kept afterwards.
// Thread-safety: none. Use one transport from one thread, or from a strand. exchange() needs no
// thread to run the executor: it does its I/O on the calling thread.
//
// Executors: the rule every asynchronous operation of keyops follows (the client's calls and
// waits, and this transport's exchanges; README.md's "Threads and lifetimes" points here).
//  1. An operation's own work runs through the associated executor of its completion handler,
//     as Asio runs a completion handler: the executor the handler is bound to (a strand, say),
//     otherwise the one the object was made with. That is every step of an exchange and every
//     handler keyops runs for the operation: the connection's deadline timer, the check that
//     ends the timer's wait after the exchange (queued on the transport's executor, then run
//     through the exchange's: detail/connect.hpp), a call's pauses, the wake-up of calls waiting
//     for another call's token fetch, a wait's pauses. Nothing runs on the transport's executor
//     alone, and no hop is added: a completion handler runs where the last step ran.
//  2. So a transport, or a client, is used from one thread or one strand: operations are started
//     there and their handlers are associated with it (bound to the strand, or unbound when the
//     object was made on it, or on an io_context one thread runs). What operations share (a
//     connection's socket and timer, the pool, the token being fetched) is then touched from that
//     one executor only, and what an exchange leaves behind on a kept-alive connection (the
//     timer's wait, the check that ends it) never runs beside the next exchange on it.
//  3. An operation keyops starts itself, with no caller's handler (the release a client used
//     asynchronously leaves when destroyed, client/detail/release.hpp), runs on a strand it makes
//     of the transport's executor, over connections of its own.
//  4. exchange(), the sync form, runs on the calling thread over the same pool: a transport that
//     also runs asynchronous exchanges makes its sync ones on their thread or strand.
// Lifetime: the transport must outlive its pending exchanges; close() or destruction drops the
// idle connections (pending exchanges keep theirs until they finish).
//
// A request whose target is absolute (`https://host[:port]/path`) goes to that origin rather
// than to the transport's server, with the same TLS trust, proxy and limits; its target is made
// origin-form: auth policies write such targets for a token service on another host (the VMware
// CSP token exchange of Network Insight SaaS).
//
// TLS trust: see tls.hpp. A CA file that cannot be loaded fails the constructor that takes an
// error_code with that error (and every exchange after it); the other constructor throws.

#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/request/build.hpp>
#include <keyops/transport/detail/connect.hpp>
#include <keyops/transport/detail/erased_handler.hpp>
#include <keyops/transport/detail/exchange.hpp>
#include <keyops/transport/options.hpp>
#include <keyops/transport/pool.hpp>
#include <keyops/transport/tls.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace keyops {

/// The real transport: HTTP/1.1 over TCP or TLS with Beast, kept-alive connections, an optional
/// HTTP proxy, gzip/deflate decoding, failover between a cluster's nodes. Not thread-safe: use it
/// from one thread or one strand (the executor rules at the top of this header). It must outlive
/// its pending exchanges.
class beast_transport {
public:
    /// The executor the transport was made with; operations run through their handler's.
    using executor_type = boost::asio::any_io_executor;
    /// Exchanges replace the response's fields, keeping those that come again unchanged.
    static constexpr bool replaces_response_fields = true;

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

    /// The executor the transport was made with.
    executor_type get_executor() const noexcept { return ex_; }
    /// The options given, with IPv6 brackets taken off the hosts and `proxy` set to what the
    /// environment chose when it was not given.
    const transport_options& options() const noexcept { return opt_; }
    /// The Host header of the first node (each request names its own node when there are
    /// several).
    std::string host_header() const { return nodes_.front().host_header; }
    /// The TLS context in use (null without TLS); shared with other transports.
    const std::shared_ptr<boost::asio::ssl::context>& tls_context() const noexcept {
        return nodes_.front().cfg->tls;
    }

    /// Idle connections currently kept.
    std::size_t idle_connections() const noexcept {
        std::size_t n = 0;
        for (const auto& nd : nodes_)
            n += nd.pool->idle();
        for (const auto& nd : origins_)
            n += nd->pool->idle();
        return n;
    }
    /// Connections opened so far (for tests and benchmarks of reuse).
    std::size_t connections_opened() const noexcept {
        std::size_t n = 0;
        for (const auto& nd : nodes_)
            n += nd.cfg->opened;
        for (const auto& nd : origins_)
            n += nd->cfg->opened;
        return n;
    }
    /// How many nodes the cluster has: 1 + transport_options::other_nodes.size().
    std::size_t node_count() const noexcept { return nodes_.size(); }
    /// The index of the node exchanges go to now (0: `host`); it changes on a failover.
    std::size_t current_node() const noexcept { return current_; }
    /// `host:port` of node `i`.
    const std::string& node_name(std::size_t i) const noexcept { return nodes_[i].name; }

    /// Drops the idle connections; pending exchanges keep theirs until they finish.
    void close() noexcept {
        for (auto& nd : nodes_)
            nd.pool->clear();
        for (auto& nd : origins_)
            nd->pool->clear();
    }

    /// One exchange on the calling thread, blocking until it is done or its deadline passed.
    error_code exchange(http_request& req, http_response& res, const exchange_options& opt) {
        if (init_error_)
            return failed(opt);
        error_code oec;
        if (node* o = origin_of(req, oec)) {
            auto conn = take(*o, opt.idempotent);
            exchange_fsm fsm(o->cfg->limits, req, res, opt, conn->state());
            const error_code ec = detail::run_exchange(*conn, fsm, opt.diag);
            if (!ec && fsm.keep_alive())
                o->pool->give_back(std::move(conn));
            return ec;
        }
        if (oec)
            return oec;
        for (std::size_t tried = 1;; ++tried) {
            node& nd = nodes_[current_];
            prepare(req, nd);
            auto conn = take(nd, opt.idempotent);
            exchange_fsm fsm(nd.cfg->limits, req, res, opt, conn->state());
            const error_code ec = detail::run_exchange(*conn, fsm, opt.diag);
            if (!ec && fsm.keep_alive())
                nd.pool->give_back(std::move(conn));
            if (!move_on(tried, ec, fsm.request_written(), res, opt))
                return ec;
        }
    }

    /// One exchange, async: signature void(error_code). `req`, `res` and the transport must
    /// outlive it; `opt` is copied. Terminal cancellation ends it with operation_aborted; partial
    /// and total cancellation are ignored.
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

    struct node {
        std::shared_ptr<detail::connection_config> cfg;
        std::unique_ptr<pool_type> pool; // on the heap: pending exchanges point at it
        std::string host_header;
        std::string name; // host:port
    };

    beast_transport(executor_type ex, transport_options opt, std::nullptr_t)
        : ex_(std::move(ex)), opt_(std::move(opt)),
          memory_(std::make_unique<detail::handler_memory>()) {
        opt_.host = std::string(detail::strip_brackets(opt_.host));
        for (auto& n : opt_.other_nodes)
            n.host = std::string(detail::strip_brackets(n.host));
        std::shared_ptr<boost::asio::ssl::context> tls;
        if (opt_.use_tls)
            tls = shared_tls_context(opt_.tls, init_error_, &init_diag_);
        add_node(opt_.host, opt_.port, tls);
        for (const auto& n : opt_.other_nodes)
            add_node(n.host, n.port, tls);
        if (!opt_.proxy)
            opt_.proxy = nodes_.front().cfg->proxy; // what the environment chose, for options()
    }

    void add_node(const std::string& host, unsigned short port,
                  const std::shared_ptr<boost::asio::ssl::context>& tls) {
        nodes_.push_back(make_node(host, port, opt_.use_tls, tls));
    }

    node make_node(const std::string& host, unsigned short port, bool use_tls,
                   const std::shared_ptr<boost::asio::ssl::context>& tls) {
        node nd;
        auto cfg = std::make_shared<detail::connection_config>();
        cfg->ex = ex_;
        cfg->host = host;
        cfg->port = port;
        cfg->proxy = opt_.proxy;
        if (!cfg->proxy && opt_.proxy_from_environment)
            cfg->proxy = environment_proxy(host, use_tls);
        cfg->insecure_skip_verify = opt_.tls.insecure_skip_verify;
        cfg->log = opt_.log;
        cfg->limits.connect_timeout = opt_.connect_timeout;
        cfg->limits.request_timeout = opt_.request_timeout;
        cfg->limits.max_body_size = opt_.max_body_size;
        cfg->limits.max_header_size = opt_.max_header_size;
        cfg->limits.tls = use_tls && !init_error_; // never used after an init error
        nd.name = authority(host, port);
        if (cfg->proxy)
            cfg->limits.connect_authority = nd.name;
        cfg->tls = tls;
        nd.cfg = std::move(cfg);
        nd.pool = std::make_unique<pool_type>(opt_.max_idle_connections);
        nd.host_header = keyops::host_header(host, port, use_tls);
        return nd;
    }

    // A request whose target is absolute (`https://host[:port]/path`, as an auth policy writes
    // for a token service on another host) goes to that origin: its node (made on first use,
    // with the same TLS trust, proxy and limits) is returned, the target made origin-form and
    // the Host header set. Null for an ordinary target; null with `ec` for a malformed one.
    node* origin_of(http_request& req, error_code& ec) {
        const auto raw = req.target();
        const std::string_view t(raw.data(), raw.size());
        const bool tls = t.rfind("https://", 0) == 0;
        if (!tls && t.rfind("http://", 0) != 0)
            return nullptr;
        const std::size_t slash = t.find('/', tls ? 8 : 7);
        transport_options o;
        if (parse_server_url(t.substr(0, slash), o)) {
            ec = make_error_code(error::invalid_argument);
            return nullptr;
        }
        node* nd = nullptr;
        const std::string name = authority(o.host, o.port);
        for (auto& n : origins_)
            if (n->name == name && n->cfg->limits.tls == o.use_tls)
                nd = n.get();
        if (!nd) {
            std::shared_ptr<boost::asio::ssl::context> ctx = nodes_.front().cfg->tls;
            if (o.use_tls && !ctx) {
                ctx = shared_tls_context(opt_.tls, ec);
                if (ec)
                    return nullptr;
            }
            origins_.push_back(std::make_unique<node>(make_node(o.host, o.port, o.use_tls, ctx)));
            nd = origins_.back().get();
        }
        const std::string path(slash == std::string_view::npos ? std::string_view("/")
                                                               : t.substr(slash));
        req.target(path);
        req.set(boost::beast::http::field::host, nd->host_header);
        return nd;
    }

    error_code failed(const exchange_options& opt) const {
        if (opt.diag)
            opt.diag->detail = init_diag_.detail;
        return init_error_;
    }

    std::shared_ptr<connection> take(node& nd, bool idempotent) {
        if (auto c = nd.pool->take(idempotent))
            return c;
        return std::make_shared<connection>(nd.cfg);
    }

    // With several nodes, each request names the node it goes to.
    void prepare(http_request& req, const node& nd) const {
        if (nodes_.size() > 1)
            req.set(boost::beast::http::field::host, nd.host_header);
    }

    // After an exchange with the current node (the `tried`th of this exchange): true when the
    // next node is to be asked now. The choice moves on (and stays there) when the node could
    // not be reached before the request was written, or answered 503; certificate failures do
    // not move on. Every node is asked at most once per exchange.
    bool move_on(std::size_t tried, error_code ec, bool written, http_response& res,
                 const exchange_options& opt) {
        if (nodes_.size() == 1)
            return false;
        if (opt.diag)
            opt.diag->node = nodes_[current_].name;
        const unsigned status = ec ? 0u : res.result_int();
        bool unreachable = false;
        if (ec) {
            const std::string_view category = ec.category().name();
            unreachable = !written && ec != boost::asio::error::operation_aborted &&
                          category != "asio.ssl" && category != "asio.ssl.stream";
        }
        if (!unreachable && status != 503)
            return false;
        const std::size_t from = current_;
        current_ = (current_ + 1) % nodes_.size();
        if (opt.counters)
            ++opt.counters->failovers;
        if (opt.obs)
            opt.obs->on_failover({nodes_[from].name, nodes_[current_].name, status, ec});
        if (tried >= nodes_.size() || std::chrono::steady_clock::now() >= opt.deadline)
            return false;
        res = http_response();
        return true;
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
    // compile time and megabytes of code. A template all the same (of that one handler type), so
    // that a program making only sync exchanges does not compile the asynchronous ones.
    template <class Handler>
    void start(http_request& req, http_response& res, const exchange_options& opt,
               Handler handler) {
        static_assert(std::is_same_v<Handler, detail::erased_handler>);
        if (init_error_) {
            // Completes through the op's post, never inline.
            boost::asio::async_compose<Handler, void(error_code)>(failed_op{failed(opt), false},
                                                                  handler, ex_);
            return;
        }
        error_code oec;
        node* origin = origin_of(req, oec);
        if (oec) {
            boost::asio::async_compose<Handler, void(error_code)>(failed_op{oec, false}, handler,
                                                                  ex_);
            return;
        }
        if (origin || nodes_.size() == 1) {
            node& nd = origin ? *origin : nodes_.front();
            auto conn = take(nd, opt.idempotent);
            exchange_fsm fsm(nd.cfg->limits, req, res, opt, conn->state());
            boost::asio::async_compose<Handler, void(error_code)>(
                exchange_op{std::move(conn), fsm, opt.diag, give_back{nd.pool.get()}}, handler,
                ex_);
            return;
        }
        boost::asio::async_compose<Handler, void(error_code)>(
            cluster_op{this, &req, &res, opt, {}, 0}, handler, ex_);
    }

    using exchange_op = detail::async_exchange_op<connection, give_back>;

    // One exchange over a cluster: the current node, then the next ones while move_on says so.
    struct cluster_op {
        beast_transport* t;
        http_request* req;
        http_response* res;
        exchange_options opt;
        std::shared_ptr<connection> conn; // of the exchange under way, to read what it wrote
        std::size_t tried;

        template <class Self>
        void operator()(Self& self, error_code ec = {}) {
            if (tried != 0) {
                const bool written = conn->state().request_written;
                conn.reset();
                if (!t->move_on(tried, ec, written, *res, opt))
                    return self.complete(ec);
            }
            ++tried;
            node& nd = t->nodes_[t->current_];
            t->prepare(*req, nd);
            conn = t->take(nd, opt.idempotent);
            exchange_fsm fsm(nd.cfg->limits, *req, *res, opt, conn->state());
            // `self` is moved into the exchange (async_compose takes its handler by reference).
            boost::asio::async_compose<Self, void(error_code)>(
                exchange_op{conn, fsm, opt.diag, give_back{nd.pool.get()}}, self, t->ex_);
        }
    };

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

    static std::string authority(const std::string& host, unsigned short port) {
        const bool v6 = host.find(':') != std::string::npos;
        return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
    }

    executor_type ex_;
    transport_options opt_;
    std::vector<node> nodes_;
    std::size_t current_ = 0;
    // Other hosts asked with absolute targets; each on the heap, so that its address stays put.
    std::vector<std::unique_ptr<node>> origins_;
    // On the heap, so that pending exchanges and handlers keep pointing at it when the
    // transport is moved.
    std::unique_ptr<detail::handler_memory> memory_;
    error_code init_error_;
    diagnostics init_diag_;
};

} // namespace keyops

#endif
