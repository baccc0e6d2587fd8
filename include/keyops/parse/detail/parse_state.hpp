#ifndef KEYOPS_PARSE_DETAIL_PARSE_STATE_HPP
#define KEYOPS_PARSE_DETAIL_PARSE_STATE_HPP

// The state of one schema-directed parse: a stack of frames (one per open object or array that
// the schema cares about), scratch stacks for lists being collected, and the arena that receives
// escaped strings and finished lists. Sinks (schema.hpp) and the parser's handler
// (handler.hpp) both work on it.

#include <keyops/error.hpp>
#include <keyops/parse/detail/scan_bytes.hpp>
#include <keyops/parse/json_view.hpp>

#include <boost/json/monotonic_resource.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace keyops {

namespace detail {
class parse_state;
}

/// How a C++ member type consumes JSON values. A null entry means the JSON type is not accepted
/// there, which the parser reports as error::wrong_type naming `expected`. The `void*` is the
/// member itself for a type's sink (sink_for), and the enclosing object for a field's sink
/// (field_sink), which applies the member pointer.
struct value_sink {
    const char* expected;
    bool (*on_string)(detail::parse_state&, void* member, std::string_view value);
    bool (*on_int64)(detail::parse_state&, void* member, std::int64_t value);
    bool (*on_uint64)(detail::parse_state&, void* member, std::uint64_t value);
    bool (*on_double)(detail::parse_state&, void* member, double value);
    bool (*on_bool)(detail::parse_state&, void* member, bool value);
    bool (*on_null)(detail::parse_state&, void* member);
    bool (*on_object)(detail::parse_state&, void* member); // pushes a frame
    bool (*on_array)(detail::parse_state&, void* member);  // pushes a frame
};

/// A value the parser could not store in its field, which was left empty while the rest of the
/// document parsed: a number its integer type cannot hold, a timestamp that is not RFC 3339.
/// Strings point into the parsed document and live as long as it does.
struct field_problem {
    error code;              ///< number_out_of_range, wrong_type or invalid_timestamp
    std::string_view path;   ///< JSON Pointer of the value, e.g. `/resources/2/version_count`
    std::string_view text;   ///< a number as the server wrote it; empty for other values
    std::string_view detail; ///< e.g. "expected an unsigned integer, found a negative number"
    const field_problem* next = nullptr;
};

/// The problems of one parse, in document order (a forward range).
class field_problems {
public:
    class iterator {
    public:
        using value_type = field_problem;
        using reference = const field_problem&;
        using pointer = const field_problem*;
        using difference_type = std::ptrdiff_t;
        using iterator_category = std::forward_iterator_tag;
        iterator() = default;
        explicit iterator(const field_problem* p) noexcept : p_(p) {}
        reference operator*() const noexcept { return *p_; }
        pointer operator->() const noexcept { return p_; }
        iterator& operator++() noexcept {
            p_ = p_->next;
            return *this;
        }
        iterator operator++(int) noexcept {
            iterator old = *this;
            p_ = p_->next;
            return old;
        }
        friend bool operator==(iterator a, iterator b) noexcept { return a.p_ == b.p_; }
        friend bool operator!=(iterator a, iterator b) noexcept { return a.p_ != b.p_; }

    private:
        const field_problem* p_ = nullptr;
    };

    field_problems() = default;
    explicit field_problems(const field_problem* head) noexcept : head_(head) {}
    iterator begin() const noexcept { return iterator(head_); }
    iterator end() const noexcept { return iterator(); }
    bool empty() const noexcept { return head_ == nullptr; }
    std::size_t size() const noexcept {
        std::size_t n = 0;
        for (const field_problem* p = head_; p; p = p->next)
            ++n;
        return n;
    }

private:
    const field_problem* head_ = nullptr;
};

/// One JSON member of a C++ type: its name, and how it is read into the object; a null sink
/// for a member the type knows of and does not read (keyops::unread), whose value is skipped.
struct field_entry {
    std::string_view name;
    const value_sink* sink;
};

/// The fields of a C++ type, generated from json_schema<T>.
struct object_schema {
    const field_entry* fields;
    std::size_t size;
    /// Bit n set when a field's name has n bytes (63: 63 or more): most unknown keys are told
    /// apart by their length alone, which matters to a field mask that knows few fields.
    std::uint64_t lengths = ~std::uint64_t(0);

    static constexpr std::uint64_t length_bit(std::size_t n) noexcept {
        return std::uint64_t(1) << (n < 63 ? n : 63);
    }
    static constexpr std::uint64_t lengths_of(const field_entry* f, std::size_t n) noexcept {
        std::uint64_t bits = 0;
        for (std::size_t i = 0; i < n; ++i)
            bits |= length_bit(f[i].name.size());
        return bits;
    }

    /// The field named `key`, searching from `hint` on and wrapping around: servers send
    /// members in a stable order, so starting after the last match usually hits at once.
    const field_entry* find(std::string_view key, std::size_t& hint) const noexcept {
        if ((lengths & length_bit(key.size())) == 0)
            return nullptr;
        for (std::size_t n = 0, i = hint < size ? hint : 0; n < size; ++n) {
            const field_entry& f = fields[i];
            if (f.name.size() == key.size() &&
                detail::same_bytes(f.name.data(), key.data(), key.size())) {
                hint = i + 1;
                return &f;
            }
            i = i + 1 == size ? 0 : i + 1;
        }
        return nullptr;
    }
};

namespace detail {

enum class frame_kind : std::uint8_t {
    object,         // a C++ struct with a schema
    object_array,   // a std::vector of such structs
    string_array,   // a string_list
    generic_object, // a JSON object kept as json nodes
    generic_array,  // a JSON array kept as json nodes
};

enum class generic_target : std::uint8_t { none, view, object_view };

struct frame {
    frame_kind kind = frame_kind::object;
    generic_target target_kind = generic_target::none; // generic frames only
    bool has_key = false;
    const object_schema* schema = nullptr; // object: fields; object_array: element fields
    void* target = nullptr;
    const field_entry* field = nullptr;    // object: the field of the next value (null: skip it)
    std::string_view key;                  // object, generic_object: the current key
    std::size_t count = 0;                 // arrays: elements begun so far
    std::size_t mark = 0;                  // string_array, generic: scratch position at the start
    std::size_t hint = 0;                  // object: where the next key is likely in the schema
    void* (*emplace)(void* vec) = nullptr; // object_array: appends an element, returns it
};

// The scratch stacks of a parse. Each thread keeps one set between parses, so that a parse
// allocates only for what it keeps (the arena), not for its working space.
struct parse_scratch {
    std::vector<frame> frames;
    std::vector<json_node> nodes;
    std::vector<std::string_view> strings;
    std::string text;
    std::string key_text;
    std::string escaped; // the scanner's decoded strings

    void swap(parse_scratch& other) noexcept {
        frames.swap(other.frames);
        nodes.swap(other.nodes);
        strings.swap(other.strings);
        text.swap(other.text);
        key_text.swap(other.key_text);
        escaped.swap(other.escaped);
    }
};

// JSON Pointer (RFC 6901) of the parser's position.
inline std::string json_pointer(const std::vector<frame>& frames) {
    std::string out;
    for (const frame& f : frames) {
        switch (f.kind) {
        case frame_kind::object:
        case frame_kind::generic_object:
            if (!f.has_key)
                break;
            out += '/';
            for (char c : f.key) {
                if (c == '~')
                    out += "~0";
                else if (c == '/')
                    out += "~1";
                else
                    out += c;
            }
            break;
        default:
            if (f.count > 0) {
                out += '/';
                out += std::to_string(f.count - 1);
            }
            break;
        }
    }
    return out;
}

inline parse_scratch& thread_scratch() {
    static thread_local parse_scratch scratch;
    return scratch;
}

class parse_state {
public:
    parse_state(boost::json::monotonic_resource& arena, const char* body, std::size_t size,
                std::size_t max_depth)
        : arena_(arena), body_begin_(body), body_end_(body + size) {
        // A parse within a parse (none today) would find the thread's set taken, and allocate.
        scratch_.swap(thread_scratch());
        frames_.clear();
        nodes_.clear();
        strings_.clear();
        text_.clear();
        key_text_.clear();
        frames_.reserve(max_depth + 1);
    }

    ~parse_state() {
        // Back to the thread for the next parse, unless a huge document made it huge.
        constexpr std::size_t keep_bytes = 1 << 20;
        if (nodes_.capacity() * sizeof(json_node) + strings_.capacity() * sizeof(std::string_view) +
                text_.capacity() + key_text_.capacity() + scratch_.escaped.capacity() <=
            keep_bytes)
            scratch_.swap(thread_scratch());
    }

    parse_state(const parse_state&) = delete;
    parse_state& operator=(const parse_state&) = delete;

    // --- used by sinks --------------------------------------------------------------------

    bool fail(error e, std::string detail) {
        error_ = e;
        detail_ = std::move(detail);
        return false;
    }

    /// Records that the current value cannot be stored in its field, which the sink leaves
    /// empty, and lets the parse go on.
    bool field_problem(error e, std::string_view detail, bool with_number = true) {
        const std::string path = json_pointer(frames_);
        auto* p =
            ::new (arena_.allocate(sizeof(keyops::field_problem), alignof(keyops::field_problem)))
                keyops::field_problem();
        p->code = e;
        p->path = keep(path);
        if (with_number)
            p->text = in_body(number_text_) ? number_text_ : keep(number_text_);
        p->detail = detail;
        if (problems_tail_)
            problems_tail_->next = p;
        else
            problems_head_ = p;
        problems_tail_ = p;
        return true;
    }

    /// The text of the number being delivered, as the server wrote it.
    std::string_view number_text() const noexcept { return number_text_; }
    void set_number_text(std::string_view s) noexcept { number_text_ = s; }

    const keyops::field_problem* problems() const noexcept { return problems_head_; }

    bool type_error(const value_sink& sink, const char* found) {
        return fail(error::wrong_type,
                    std::string("expected ") + sink.expected + ", found " + found);
    }

    void push_object(const object_schema* schema, void* target) {
        frame& f = frames_.emplace_back();
        f.schema = schema;
        f.target = target;
    }

    void push_object_array(const object_schema* schema, void* vec, void* (*emplace)(void*)) {
        frame& f = frames_.emplace_back();
        f.kind = frame_kind::object_array;
        f.schema = schema;
        f.target = vec;
        f.emplace = emplace;
    }

    void push_string_array(string_list* target) {
        frame& f = frames_.emplace_back();
        f.kind = frame_kind::string_array;
        f.target = target;
        f.mark = strings_.size();
    }

    void push_generic(bool is_object, generic_target kind, void* target) {
        frame& f = frames_.emplace_back();
        f.kind = is_object ? frame_kind::generic_object : frame_kind::generic_array;
        f.target_kind = kind;
        f.target = target;
        f.mark = nodes_.size();
    }

    /// A node that outlives the parse (for json_view members holding a scalar).
    json_node* make_node() {
        return ::new (arena_.allocate(sizeof(json_node), alignof(json_node))) json_node();
    }

    // --- used by the handler -----------------------------------------------------------

    std::vector<frame>& frames() noexcept { return frames_; }
    std::vector<json_node>& nodes() noexcept { return nodes_; }
    std::vector<std::string_view>& strings() noexcept { return strings_; }
    std::string& text() noexcept { return text_; }
    std::string& key_text() noexcept { return key_text_; }
    std::string& escaped() noexcept { return scratch_.escaped; }
    error failure() const noexcept { return error_; }
    std::string& failure_detail() noexcept { return detail_; }

    std::size_t body_size() const noexcept {
        return static_cast<std::size_t>(body_end_ - body_begin_);
    }

    bool in_body(std::string_view s) const noexcept {
        return s.data() >= body_begin_ && s.data() + s.size() <= body_end_;
    }

    /// A copy of `s` in the arena.
    std::string_view keep(std::string_view s) {
        if (s.empty())
            return std::string_view();
        auto* p = static_cast<char*>(arena_.allocate(s.size(), 1));
        std::memcpy(p, s.data(), s.size());
        return std::string_view(p, s.size());
    }

    /// Moves the last `n` elements of a scratch stack into the arena, contiguously.
    template <class T>
    const T* settle(std::vector<T>& stack, std::size_t mark) {
        const std::size_t n = stack.size() - mark;
        if (n == 0)
            return nullptr;
        auto* p = static_cast<T*>(arena_.allocate(n * sizeof(T), alignof(T)));
        std::memcpy(static_cast<void*>(p), stack.data() + mark, n * sizeof(T));
        stack.resize(mark);
        return p;
    }

private:
    boost::json::monotonic_resource& arena_;
    const char* body_begin_;
    const char* body_end_;
    parse_scratch scratch_;
    std::vector<frame>& frames_ = scratch_.frames;
    std::vector<json_node>& nodes_ = scratch_.nodes;
    std::vector<std::string_view>& strings_ = scratch_.strings;
    std::string& text_ = scratch_.text;
    std::string& key_text_ = scratch_.key_text;
    std::string_view number_text_;
    keyops::field_problem* problems_head_ = nullptr;
    keyops::field_problem* problems_tail_ = nullptr;
    error error_ = error::malformed_json;
    std::string detail_;
};

} // namespace detail
} // namespace keyops

#endif
