#ifndef KEYOPS_PARSE_JSON_VIEW_HPP
#define KEYOPS_PARSE_JSON_VIEW_HPP

// Read-only views of JSON held by a parsed response: a list of strings, and a general JSON value
// for fields whose shape varies (detailed_status). Views point into the response's body and
// arena: they stay valid while the keyops::parsed<T> that produced them lives (moves included).

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <string_view>

namespace keyops {

/// A list of strings decoded from a JSON array of strings.
class string_list {
public:
    using value_type = std::string_view;
    using const_iterator = const std::string_view*;
    using iterator = const_iterator;

    constexpr string_list() noexcept = default;
    constexpr string_list(const std::string_view* data, std::size_t size) noexcept
        : data_(data), size_(size) {}

    const_iterator begin() const noexcept { return data_; }
    const_iterator end() const noexcept { return data_ + size_; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    std::string_view operator[](std::size_t i) const noexcept { return data_[i]; }

private:
    const std::string_view* data_ = nullptr;
    std::size_t size_ = 0;
};

enum class json_kind : std::uint8_t {
    null,
    boolean,
    int64,
    uint64,
    double_,
    string,
    array,
    object
};

namespace detail {
// One JSON value in a parsed response. Containers point to their children, stored contiguously
// in the arena; an object's children alternate key (a string node) and value.
struct json_node {
    json_kind kind = json_kind::null;
    std::size_t size = 0; // string length, or the number of children
    union {
        bool boolean;
        std::int64_t int64;
        std::uint64_t uint64;
        double double_;
        const char* string;
        const json_node* children;
    };
    json_node() noexcept : int64(0) {}
};
} // namespace detail

class json_array_view;
class json_object_view;

/// A JSON value. A default-constructed view is JSON null; `find` on an object answers a view
/// whose `present()` is false when the key is absent.
class json_view {
public:
    json_view() noexcept = default;
    explicit json_view(const detail::json_node* node) noexcept : node_(node) {}

    bool present() const noexcept { return node_ != nullptr; }
    json_kind kind() const noexcept { return node_ ? node_->kind : json_kind::null; }
    bool is_null() const noexcept { return kind() == json_kind::null; }
    bool is_string() const noexcept { return kind() == json_kind::string; }
    bool is_array() const noexcept { return kind() == json_kind::array; }
    bool is_object() const noexcept { return kind() == json_kind::object; }
    bool is_number() const noexcept {
        auto k = kind();
        return k == json_kind::int64 || k == json_kind::uint64 || k == json_kind::double_;
    }

    /// The string, or an empty view when this is not a string.
    std::string_view as_string() const noexcept {
        return is_string() ? std::string_view(node_->string, node_->size) : std::string_view();
    }
    bool as_bool() const noexcept { return kind() == json_kind::boolean && node_->boolean; }
    std::int64_t as_int64() const noexcept {
        switch (kind()) {
        case json_kind::int64:
            return node_->int64;
        case json_kind::uint64:
            return static_cast<std::int64_t>(node_->uint64);
        case json_kind::double_:
            // Truncated; saturated beyond the range of int64, where the cast is undefined.
            if (node_->double_ >= 0x1p63)
                return std::numeric_limits<std::int64_t>::max();
            if (node_->double_ < -0x1p63)
                return std::numeric_limits<std::int64_t>::min();
            return static_cast<std::int64_t>(node_->double_);
        default:
            return 0;
        }
    }
    double as_double() const noexcept {
        switch (kind()) {
        case json_kind::int64:
            return static_cast<double>(node_->int64);
        case json_kind::uint64:
            return static_cast<double>(node_->uint64);
        case json_kind::double_:
            return node_->double_;
        default:
            return 0;
        }
    }
    inline json_array_view as_array() const noexcept;
    inline json_object_view as_object() const noexcept;

private:
    const detail::json_node* node_ = nullptr;
};

/// The elements of a JSON array.
class json_array_view {
public:
    class const_iterator {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = json_view;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = json_view;

        const_iterator() noexcept = default;
        explicit const_iterator(const detail::json_node* p) noexcept : p_(p) {}
        json_view operator*() const noexcept { return json_view(p_); }
        const_iterator& operator++() noexcept {
            ++p_;
            return *this;
        }
        const_iterator operator++(int) noexcept { return const_iterator(p_++); }
        bool operator==(const const_iterator& o) const noexcept { return p_ == o.p_; }
        bool operator!=(const const_iterator& o) const noexcept { return p_ != o.p_; }

    private:
        const detail::json_node* p_ = nullptr;
    };

    json_array_view() noexcept = default;
    json_array_view(const detail::json_node* nodes, std::size_t size) noexcept
        : nodes_(nodes), size_(size) {}

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    json_view operator[](std::size_t i) const noexcept { return json_view(nodes_ + i); }
    const_iterator begin() const noexcept { return const_iterator(nodes_); }
    const_iterator end() const noexcept { return const_iterator(nodes_ + size_); }

private:
    const detail::json_node* nodes_ = nullptr;
    std::size_t size_ = 0;
};

/// One member of a JSON object.
struct json_member {
    std::string_view key;
    json_view value;
};

/// The members of a JSON object, in document order. Lookup is linear: these objects are small.
class json_object_view {
public:
    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = json_member;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = json_member;

        const_iterator() noexcept = default;
        explicit const_iterator(const detail::json_node* p) noexcept : p_(p) {}
        json_member operator*() const noexcept {
            return {std::string_view(p_->string, p_->size), json_view(p_ + 1)};
        }
        const_iterator& operator++() noexcept {
            p_ += 2;
            return *this;
        }
        const_iterator operator++(int) noexcept {
            auto old = *this;
            p_ += 2;
            return old;
        }
        bool operator==(const const_iterator& o) const noexcept { return p_ == o.p_; }
        bool operator!=(const const_iterator& o) const noexcept { return p_ != o.p_; }

    private:
        const detail::json_node* p_ = nullptr;
    };

    json_object_view() noexcept = default;
    json_object_view(const detail::json_node* nodes, std::size_t members) noexcept
        : nodes_(nodes), size_(members) {}

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    const_iterator begin() const noexcept { return const_iterator(nodes_); }
    const_iterator end() const noexcept { return const_iterator(nodes_ + 2 * size_); }

    /// The value of the last member named `key`; `present()` is false if there is none.
    json_view find(std::string_view key) const noexcept {
        const detail::json_node* found = nullptr;
        for (std::size_t i = 0; i < size_; ++i) {
            const auto& k = nodes_[2 * i];
            if (std::string_view(k.string, k.size) == key)
                found = &nodes_[2 * i + 1];
        }
        return json_view(found);
    }
    bool contains(std::string_view key) const noexcept { return find(key).present(); }

    /// Shortcut for the usual case of string values: the text for `key`, empty when the member
    /// is absent or not a string.
    std::string_view string(std::string_view key) const noexcept { return find(key).as_string(); }

private:
    const detail::json_node* nodes_ = nullptr;
    std::size_t size_ = 0;
};

inline json_array_view json_view::as_array() const noexcept {
    return is_array() ? json_array_view(node_->children, node_->size) : json_array_view();
}
inline json_object_view json_view::as_object() const noexcept {
    return is_object() ? json_object_view(node_->children, node_->size) : json_object_view();
}

inline bool equal(json_object_view a, json_object_view b) noexcept;

/// Deep equality of two JSON values: same kind (numbers compare by value across int64, uint64
/// and double), same strings, same elements in order, same members in order.
inline bool equal(json_view a, json_view b) noexcept {
    if (a.is_number() && b.is_number()) {
        if (a.kind() == json_kind::double_ || b.kind() == json_kind::double_)
            return a.as_double() == b.as_double();
        if (a.kind() == b.kind() || (a.as_int64() >= 0 && b.as_int64() >= 0))
            return a.as_int64() == b.as_int64();
        return false;
    }
    if (a.kind() != b.kind())
        return false;
    switch (a.kind()) {
    case json_kind::null:
        return true;
    case json_kind::boolean:
        return a.as_bool() == b.as_bool();
    case json_kind::string:
        return a.as_string() == b.as_string();
    case json_kind::array: {
        auto x = a.as_array();
        auto y = b.as_array();
        if (x.size() != y.size())
            return false;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (!equal(x[i], y[i]))
                return false;
        return true;
    }
    case json_kind::object:
        return equal(a.as_object(), b.as_object());
    default:
        return false;
    }
}

/// Deep equality of two objects, member by member in document order.
inline bool equal(json_object_view a, json_object_view b) noexcept {
    if (a.size() != b.size())
        return false;
    auto j = b.begin();
    for (auto i = a.begin(); i != a.end(); ++i, ++j) {
        auto x = *i;
        auto y = *j;
        if (x.key != y.key || !equal(x.value, y.value))
            return false;
    }
    return true;
}

} // namespace keyops

#endif
