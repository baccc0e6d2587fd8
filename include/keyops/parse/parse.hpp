#ifndef KEYOPS_PARSE_PARSE_HPP
#define KEYOPS_PARSE_PARSE_HPP

// Parsing a response body into a typed, zero-copy view.
//
//     keyops::error_code ec;
//     keyops::diagnostics diag;
//     auto list = keyops::parse<keyops::cckm::job_list>(std::move(body), ec, diag);
//     for (const auto& job : list->resources) use(job.id, job.overall_status.state);
//
// The result owns the body and an arena; every string_view in it points into one of the two,
// so the views stay valid for as long as the keyops::parsed object lives, moves included.

#include <keyops/diagnostics.hpp>
#include <keyops/error.hpp>
#include <keyops/parse/detail/handler.hpp>
#include <keyops/parse/detail/parse_state.hpp>
#include <keyops/parse/detail/scanner.hpp>
#include <keyops/parse/schema.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/throw_exception.hpp>

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>

namespace keyops {

/// Limits applied to every response body. The defaults suit every documented response.
struct parse_options {
    /// Larger bodies fail with error::body_too_large before any parsing.
    std::size_t max_body_size = 16 * 1024 * 1024;
    /// Deeper nesting fails with error::too_deep.
    std::size_t max_depth = 32;
};

namespace detail {

// The body and the arena of a parsed document, in one allocation with the arena's first block.
struct document_storage {
    document_storage(unsigned char* block, std::size_t size, std::size_t bytes)
        : capacity(bytes), arena(block, size) {}
    std::size_t capacity; // of the whole allocation
    std::string body;     // empty when the caller keeps the body (parse_borrowed)
    boost::json::monotonic_resource arena;
};

// One freed storage allocation kept per thread for the next parse: a program that polls parses
// one response after another and drops the previous result, which then costs no allocation.
// Only allocations up to `max_bytes` are kept. The pointer is trivially destructible, so a
// result destroyed after the thread's cache (a static one, at exit) still finds it null.
struct storage_cache {
    static constexpr std::size_t max_bytes = 64 * 1024;
    void* block = nullptr;
    std::size_t size = 0;
};

inline storage_cache*& thread_storage_cache_ptr() noexcept {
    static thread_local storage_cache* cache = nullptr;
    return cache;
}

struct storage_cache_owner {
    storage_cache cache;
    storage_cache_owner() noexcept { thread_storage_cache_ptr() = &cache; }
    ~storage_cache_owner() {
        thread_storage_cache_ptr() = nullptr;
        ::operator delete(cache.block);
    }
    storage_cache_owner(const storage_cache_owner&) = delete;
    storage_cache_owner& operator=(const storage_cache_owner&) = delete;
};

inline storage_cache* thread_storage_cache() {
    static thread_local storage_cache_owner owner;
    return thread_storage_cache_ptr();
}

struct document_storage_deleter {
    void operator()(document_storage* p) const noexcept {
        const std::size_t bytes = p->capacity;
        p->~document_storage();
        storage_cache* cache = thread_storage_cache_ptr();
        if (cache && bytes <= storage_cache::max_bytes && cache->size < bytes) {
            ::operator delete(cache->block); // keep the larger one
            cache->block = p;
            cache->size = bytes;
            return;
        }
        ::operator delete(static_cast<void*>(p));
    }
};

using document_storage_ptr = std::unique_ptr<document_storage, document_storage_deleter>;

constexpr std::size_t round_to_max_align(std::size_t n) noexcept {
    return (n + alignof(std::max_align_t) - 1) & ~(alignof(std::max_align_t) - 1);
}

// The storage, with `extra` bytes between it and the arena's first block (see extra_bytes()).
// The arena gets whatever room a reused allocation has beyond that.
inline document_storage_ptr make_document_storage(std::size_t arena_block, std::size_t extra = 0) {
    constexpr std::size_t head = round_to_max_align(sizeof(document_storage));
    const std::size_t middle = round_to_max_align(extra);
    std::size_t bytes = head + middle + arena_block;
    void* raw = nullptr;
    storage_cache* cache = thread_storage_cache();
    if (cache && cache->block && cache->size >= bytes) {
        raw = std::exchange(cache->block, nullptr);
        bytes = std::exchange(cache->size, 0);
    } else {
        raw = ::operator new(bytes);
    }
    return document_storage_ptr(::new (raw) document_storage(
        static_cast<unsigned char*>(raw) + head + middle, bytes - head - middle, bytes));
}

inline char* extra_bytes(document_storage* s) noexcept {
    return reinterpret_cast<char*>(s) + round_to_max_align(sizeof(document_storage));
}

// The checks before any parsing, common to the scanner and the reference parser.
inline bool check_body(std::string_view body, error_code& ec, diagnostics& diag,
                       const parse_options& opt) {
    ec.clear();
    diag.clear();
    if (body.size() > opt.max_body_size) {
        ec = error::body_too_large;
        diag.json_offset = opt.max_body_size;
        diag.detail = "the body has " + std::to_string(body.size()) + " bytes, the limit is " +
                      std::to_string(opt.max_body_size);
        return false;
    }
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        ec = error::empty_body;
        diag.detail = "expected a JSON object";
        return false;
    }
    return true;
}

inline std::string too_deep_detail(const parse_options& opt) {
    return "nesting deeper than " + std::to_string(opt.max_depth);
}

// Parses `body` into `out`, of the type that `schema` describes, with keyops' scanner and its
// byte kernel `Bytes` (scan_bytes.hpp).
template <class Bytes>
bool parse_into_schema_with(const object_schema* schema, void* out,
                            boost::json::monotonic_resource& arena, std::string_view body,
                            error_code& ec, diagnostics& diag, const parse_options& opt,
                            const field_problem** problems) {
    if (!check_body(body, ec, diag, opt))
        return false;
    parse_state st(arena, body.data(), body.size(), opt.max_depth);
    schema_handler handler(st, schema, out);
    json_scanner<schema_handler, Bytes> scanner(handler, opt.max_depth, st.escaped());
    const std::size_t n = scanner.scan(body.data(), body.size(), ec);
    if (!ec && n == body.size()) {
        if (problems)
            *problems = st.problems();
        return true;
    }
    diag.json_offset = n;
    diag.json_path = json_pointer(st.frames());
    if (!ec) {
        ec = error::malformed_json;
        diag.detail = "unexpected bytes after the JSON document";
    } else if (*scanner.detail() == '\0') {
        diag.detail = std::move(st.failure_detail()); // the handler's
    } else if (ec == error::too_deep) {
        diag.detail = too_deep_detail(opt);
    } else {
        diag.detail = scanner.detail();
    }
    return false;
}

// The parse of every type, with the platform's kernel: one function, so that a program compiles
// the scanner once, whatever it parses.
inline bool parse_into_schema(const object_schema* schema, void* out,
                              boost::json::monotonic_resource& arena, std::string_view body,
                              error_code& ec, diagnostics& diag, const parse_options& opt,
                              const field_problem** problems) {
    return parse_into_schema_with<scan_native>(schema, out, arena, body, ec, diag, opt, problems);
}

template <class T>
bool parse_into(T& out, boost::json::monotonic_resource& arena, std::string_view body,
                error_code& ec, diagnostics& diag, const parse_options& opt,
                const field_problem** problems = nullptr) {
    return parse_into_schema(&schema_of<T>, static_cast<void*>(&out), arena, body, ec, diag, opt,
                             problems);
}

// parse_into with the kernel `Bytes`, which the tests run for every kernel of the platform:
//     parsed_access::borrowed<T>(body, ec, diag, opt, &parse_into_with<scan_portable, T>)
template <class Bytes, class T>
bool parse_into_with(T& out, boost::json::monotonic_resource& arena, std::string_view body,
                     error_code& ec, diagnostics& diag, const parse_options& opt,
                     const field_problem** problems = nullptr) {
    return parse_into_schema_with<Bytes>(&schema_of<T>, static_cast<void*>(&out), arena, body, ec,
                                         diag, opt, problems);
}

struct parsed_access;

} // namespace detail

/// A parsed response: the typed value plus the storage its views point into. Movable, not
/// copyable. Not thread-safe for modification; concurrent reads are fine.
template <class T>
class parsed {
public:
    parsed() = default;

    /// The parsed value. Its views point into this object's storage: use them while it lives.
    const T& value() const noexcept { return value_; }
    const T& operator*() const noexcept { return value_; }   ///< value()
    const T* operator->() const noexcept { return &value_; } ///< &value()

    /// The body the value was parsed from.
    std::string_view body() const noexcept { return body_; }

    /// The values that were left out of their fields because the fields cannot hold them (a
    /// number too large for its integer type, a timestamp that is not RFC 3339); empty when
    /// every value found its place. The rest of the document parsed as usual.
    field_problems problems() const noexcept { return field_problems(problems_); }

private:
    template <class U>
    friend parsed<U> parse(std::string, error_code&, diagnostics&, const parse_options&);
    template <class U>
    friend parsed<U> parse_borrowed(std::string_view, error_code&, diagnostics&,
                                    const parse_options&);
    template <class U>
    friend parsed<U> parse_copy(std::string_view, error_code&, diagnostics&, const parse_options&);
    friend struct detail::parsed_access;

    detail::document_storage_ptr storage_;
    std::string_view body_;
    const field_problem* problems_ = nullptr;
    T value_{};
};

namespace detail {
// An arena block big enough for the lists and escaped strings of a typical body in one go.
inline std::size_t arena_block_for(std::size_t body_size) noexcept {
    return body_size / 8 + 512;
}
} // namespace detail

/// Parses `body`, which the result then owns. On failure `ec` and `diag` say what and where, and
/// the result is empty. Throws only std::bad_alloc.
template <class T>
parsed<T> parse(std::string body, error_code& ec, diagnostics& diag,
                const parse_options& opt = {}) {
    parsed<T> out;
    out.storage_ = detail::make_document_storage(detail::arena_block_for(body.size()));
    // The storage is on the heap and never moves, so even a short body kept in std::string's
    // inline buffer stays put.
    out.storage_->body = std::move(body);
    out.body_ = out.storage_->body;
    if (!detail::parse_into(out.value_, out.storage_->arena, out.body_, ec, diag, opt,
                            &out.problems_))
        return parsed<T>();
    return out;
}

namespace detail {
struct parsed_access {
    // parse_borrowed with the parse function `into` (parse_into, or the reference's).
    template <class T, class Into>
    static parsed<T> borrowed(std::string_view body, error_code& ec, diagnostics& diag,
                              const parse_options& opt, Into into) {
        parsed<T> out;
        out.storage_ = make_document_storage(arena_block_for(body.size()));
        out.body_ = body;
        if (!into(out.value_, out.storage_->arena, body, ec, diag, opt, &out.problems_))
            return parsed<T>();
        return out;
    }
};
} // namespace detail

/// As above, but the caller keeps `body` alive and unchanged for as long as the result lives:
/// nothing is copied.
template <class T>
parsed<T> parse_borrowed(std::string_view body, error_code& ec, diagnostics& diag,
                         const parse_options& opt = {}) {
    return detail::parsed_access::borrowed<T>(body, ec, diag, opt, &detail::parse_into<T>);
}

/// As parse(), from a copy of `body` that the result owns, made in the same allocation as the
/// arena: one allocation in all, where parse() of a moved string has the string's and its own.
/// Suits small bodies best (the copy is a memcpy); the caller's buffer is free to be reused.
template <class T>
parsed<T> parse_copy(std::string_view body, error_code& ec, diagnostics& diag,
                     const parse_options& opt = {}) {
    parsed<T> out;
    out.storage_ = detail::make_document_storage(detail::arena_block_for(body.size()), body.size());
    char* copy = detail::extra_bytes(out.storage_.get());
    if (!body.empty())
        std::memcpy(copy, body.data(), body.size());
    out.body_ = std::string_view(copy, body.size());
    if (!detail::parse_into(out.value_, out.storage_->arena, out.body_, ec, diag, opt,
                            &out.problems_))
        return parsed<T>();
    return out;
}

/// Throwing form: keyops::exception carries the error code and diagnostics.
template <class T>
parsed<T> parse(std::string body, const parse_options& opt = {}) {
    error_code ec;
    diagnostics diag;
    auto out = parse<T>(std::move(body), ec, diag, opt);
    if (ec)
        boost::throw_exception(exception(ec, std::move(diag)), BOOST_CURRENT_LOCATION);
    return out;
}

} // namespace keyops

#endif
