#ifndef KEYOPS_TRANSPORT_POOL_HPP
#define KEYOPS_TRANSPORT_POOL_HPP

// The kept-alive connections of one transport. Each exchange takes an idle connection or opens a
// new one, so concurrent exchanges run on separate connections; at most `max_idle` are kept
// afterwards. Not thread-safe: used from the one thread or strand the transport's exchanges run
// on (the rule of beast_transport.hpp), whose sync calls run there too.
//
// A connection the server has closed meanwhile would only fail after the request is written;
// taking one checks first (Connection::is_quiet(), a system call). A connection idle for less
// than a second is taken unchecked for an idempotent request: should the server have closed it
// meanwhile, the exchange sends the request again on a fresh connection (see exchange_fsm.hpp),
// with no harm done.

#include <keyops/transport/exchange_fsm.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

namespace keyops {

/// The kept-alive connections of one transport: an exchange takes an idle one or opens a new one,
/// and gives it back when it may be kept alive. Not thread-safe: used from the thread or strand
/// the transport's exchanges run on.
template <class Connection>
class connection_pool {
public:
    /// Keeps at most `max_idle` idle connections (transport_options::max_idle_connections);
    /// connections given back beyond that are closed.
    explicit connection_pool(std::size_t max_idle = 4) : max_idle_(max_idle) {}

    /// An idle connection still usable, or null.
    std::shared_ptr<Connection> take(bool idempotent) {
        const auto now = std::chrono::steady_clock::now();
        while (!idle_.empty()) {
            std::shared_ptr<Connection> c = std::move(idle_.back());
            idle_.pop_back();
            if (c->state().buffered() != 0)
                continue; // bytes after the last answer: out of step with the server
            if ((idempotent && now - c->idle_since < std::chrono::seconds(1)) || c->is_quiet())
                return c;
        }
        return nullptr;
    }

    /// Takes back a connection whose exchange succeeded and that may be kept alive.
    void give_back(std::shared_ptr<Connection> c) {
        if (idle_.size() >= max_idle_)
            return;
        c->state().reused = true;
        c->idle_since = std::chrono::steady_clock::now();
        idle_.push_back(std::move(c));
    }

    /// Drops (closes) every idle connection.
    void clear() noexcept { idle_.clear(); }
    /// How many idle connections are held.
    std::size_t idle() const noexcept { return idle_.size(); }

private:
    std::size_t max_idle_;
    std::vector<std::shared_ptr<Connection>> idle_;
};

} // namespace keyops

#endif
