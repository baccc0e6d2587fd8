#ifndef KEYOPS_TRANSPORT_DETAIL_ERASED_HANDLER_HPP
#define KEYOPS_TRANSPORT_DETAIL_ERASED_HANDLER_HPP

// Type-erased completion handlers for the asynchronous steps that are compiled once rather than
// once per caller, and the recycled memory they are allocated from.

#include <keyops/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_executor.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <new>
#include <thread>
#include <type_traits>
#include <utility>

namespace keyops::detail {

// Asynchronous steps that are compiled once rather than once per caller take their handler
// type-erased. The erased handler is re-bound to the caller's own executor (as an
// any_io_executor): Boost 1.81's any_completion_executor cannot be required to be non-blocking,
// which Beast's operations ask of the handler's executor.
using erased_handler =
    boost::asio::executor_binder<boost::asio::any_completion_handler<void(error_code)>,
                                 boost::asio::any_io_executor>;

// Memory for the handlers of one transport's operations: a few blocks kept for reuse, so that
// the type-erased handler and the intermediate operations of each exchange (which allocate
// through the erased handler's allocator) stop costing a heap allocation each, from the first
// exchange on. It must outlive every handler allocated from it (the transport outlives its
// pending exchanges). Locked: Asio frees an operation's memory on the thread that completes it,
// before dispatching the handler to its executor (a strand, say), so frees may come from any
// thread running the io_context. The lock is a spin lock that yields while taken: it is held for
// a scan of a few slots, almost never by another thread, and taken twice per operation, where a
// mutex's lock and unlock calls cost several times more.
class handler_memory {
public:
    handler_memory() = default;
    handler_memory(const handler_memory&) = delete;
    handler_memory& operator=(const handler_memory&) = delete;
    ~handler_memory() {
        for (std::size_t i = 0; i < count_; ++i)
            ::operator delete(free_[i]);
    }

    void* allocate(std::size_t size) {
        const std::size_t need = round(size);
        const lock_guard lock(locked_);
        for (std::size_t i = 0; i < count_; ++i) {
            header* h = free_[i];
            if (h->capacity >= need) {
                free_[i] = free_[--count_];
                return h + 1;
            }
        }
        auto* h = static_cast<header*>(::operator new(sizeof(header) + need));
        h->capacity = need;
        return h + 1;
    }

    void deallocate(void* p) noexcept {
        header* h = static_cast<header*>(p) - 1;
        const lock_guard lock(locked_);
        if (count_ < slots) {
            free_[count_++] = h;
            return;
        }
        // Full: keep the larger blocks.
        std::size_t smallest = 0;
        for (std::size_t i = 1; i < count_; ++i)
            if (free_[i]->capacity < free_[smallest]->capacity)
                smallest = i;
        if (free_[smallest]->capacity < h->capacity)
            std::swap(free_[smallest], h);
        ::operator delete(h);
    }

private:
    struct alignas(std::max_align_t) header {
        std::size_t capacity;
    };
    class lock_guard {
    public:
        explicit lock_guard(std::atomic<bool>& locked) noexcept : locked_(locked) {
            while (locked_.exchange(true, std::memory_order_acquire))
                std::this_thread::yield();
        }
        ~lock_guard() { locked_.store(false, std::memory_order_release); }
        lock_guard(const lock_guard&) = delete;
        lock_guard& operator=(const lock_guard&) = delete;

    private:
        std::atomic<bool>& locked_;
    };

    static constexpr std::size_t slots = 8;
    static std::size_t round(std::size_t n) noexcept { return (n + 127) & ~std::size_t(127); }

    std::atomic<bool> locked_{false};
    header* free_[slots] = {};
    std::size_t count_ = 0;
};

template <class T>
class handler_allocator {
public:
    using value_type = T;
    explicit handler_allocator(handler_memory& m) noexcept : memory_(&m) {}
    template <class U>
    handler_allocator(const handler_allocator<U>& other) noexcept : memory_(other.memory_) {}

    T* allocate(std::size_t n) { return static_cast<T*>(memory_->allocate(n * sizeof(T))); }
    void deallocate(T* p, std::size_t) noexcept { memory_->deallocate(p); }

    template <class U>
    bool operator==(const handler_allocator<U>& other) const noexcept {
        return memory_ == other.memory_;
    }
    template <class U>
    bool operator!=(const handler_allocator<U>& other) const noexcept {
        return memory_ != other.memory_;
    }

private:
    template <class>
    friend class handler_allocator;
    handler_memory* memory_;
};

template <class Handler, class Executor>
erased_handler erase_handler(Handler&& handler, const Executor& fallback) {
    boost::asio::any_io_executor ex = boost::asio::get_associated_executor(handler, fallback);
    return boost::asio::bind_executor(
        ex, boost::asio::any_completion_handler<void(error_code)>(std::forward<Handler>(handler)));
}

// As above; a handler without an allocator of its own gets `memory`'s.
template <class Handler, class Executor>
erased_handler erase_handler(Handler&& handler, const Executor& fallback, handler_memory& memory) {
    using allocator = boost::asio::associated_allocator_t<std::decay_t<Handler>>;
    if constexpr (std::is_same_v<allocator, std::allocator<void>>) {
        boost::asio::any_io_executor ex = boost::asio::get_associated_executor(handler, fallback);
        return boost::asio::bind_executor(
            ex, boost::asio::any_completion_handler<void(error_code)>(boost::asio::bind_allocator(
                    handler_allocator<void>(memory), std::forward<Handler>(handler))));
    } else {
        return erase_handler(std::forward<Handler>(handler), fallback);
    }
}

} // namespace keyops::detail

#endif
