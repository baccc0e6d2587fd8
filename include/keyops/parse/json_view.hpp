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
    using value_type = std::string_view;            ///< a decoded string of the response
    using const_iterator = const std::string_view*; ///< iterates the strings in array order
    using iterator = const_iterator;                ///< the same: the list is read-only

    constexpr string_list() noexcept = default;
    /// A list of the `size` strings at `data`, which must outlive it; the parser makes these.
    constexpr string_list(const std::string_view* data, std::size_t size) noexcept
        : data_(data), size_(size) {}

    const_iterator begin() const noexcept { return data_; }       ///< the first string
    const_iterator end() const noexcept { return data_ + size_; } ///< past the last string
    std::size_t size() const noexcept { return size_; }           ///< the number of strings
    bool empty() const noexcept { return size_ == 0; }            ///< true when there is none
    /// The string at index `i`, which must be below size() (unchecked).
    std::string_view operator[](std::size_t i) const noexcept { return data_[i]; }

private:
    const std::string_view* data_ = nullptr;
    std::size_t size_ = 0;
};

/// The kind of a JSON value (json_view::kind()). A number written without fraction or exponent
/// is an int64 when it fits, else a uint64 when it fits; any other number is a double.
enum class json_kind : std::uint8_t {
    null,    ///< null, or no value (a json_view that is not present())
    boolean, ///< true or false
    int64,   ///< an integer within the range of std::int64_t
    uint64,  ///< an integer above INT64_MAX that fits std::uint64_t
    double_, ///< any other number
    string,  ///< a string
    array,   ///< an array
    object   ///< an object
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
    /// A view of a value of a parsed document; the parser and the other views make these.
    explicit json_view(const detail::json_node* node) noexcept : node_(node) {}

    /// True when the view holds a value of the document, null included; false for a default
    /// view and for a key that find() did not find.
    bool present() const noexcept { return node_ != nullptr; }
    /// The kind of the value; json_kind::null when not present().
    json_kind kind() const noexcept { return node_ ? node_->kind : json_kind::null; }
    /// True for JSON null, and when not present().
    bool is_null() const noexcept { return kind() == json_kind::null; }
    bool is_string() const noexcept { return kind() == json_kind::string; } ///< true for a string
    bool is_array() const noexcept { return kind() == json_kind::array; }   ///< true for an array
    bool is_object() const noexcept { return kind() == json_kind::object; } ///< true for an object
    /// True for any number: json_kind::int64, json_kind::uint64 or json_kind::double_.
    bool is_number() const noexcept {
        auto k = kind();
        return k == json_kind::int64 || k == json_kind::uint64 || k == json_kind::double_;
    }

    /// The string, or an empty view when this is not a string.
    std::string_view as_string() const noexcept {
        return is_string() ? std::string_view(node_->string, node_->size) : std::string_view();
    }
    /// The boolean; false when this is not a boolean.
    bool as_bool() const noexcept { return kind() == json_kind::boolean && node_->boolean; }
    /// The number as an int64; 0 when this is not a number. A uint64 above INT64_MAX is
    /// converted modulo 2^64 (it reads negative); a double is truncated toward zero and
    /// saturated at the limits of int64.
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
    /// The number as a double (an integer beyond 2^53 may be rounded); 0 when this is not a
    /// number.
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
    /// The elements; an empty view when this is not an array.
    inline json_array_view as_array() const noexcept;
    /// The members; an empty view when this is not an object.
    inline json_object_view as_object() const noexcept;

private:
    const detail::json_node* node_ = nullptr;
};

/// The elements of a JSON array.
class json_array_view {
public:
    /// Iterates the elements in order, answering each as a json_view (a value, not a
    /// reference): a forward iterator (`*`, `++`, `==`, `!=`), as the object view's.
    class const_iterator {
    public:
        /// @name Iterator traits
        /// @{

        /// The standard iterator member types: elements are json_view values (`reference` is
        /// json_view, `pointer` is void).
        using iterator_category = std::forward_iterator_tag;
        using value_type = json_view;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = json_view;
        /// @}

        const_iterator() noexcept = default;
        /// An iterator at element `p`; json_array_view::begin() and end() make these.
        explicit const_iterator(const detail::json_node* p) noexcept : p_(p) {}
        json_view operator*() const noexcept { return json_view(p_); } ///< the element
        /// Moves to the next element.
        const_iterator& operator++() noexcept {
            ++p_;
            return *this;
        }
        /// Moves to the next element; answers the iterator as it was.
        const_iterator operator++(int) noexcept { return const_iterator(p_++); }
        /// True at the same element.
        bool operator==(const const_iterator& o) const noexcept { return p_ == o.p_; }
        /// True at different elements.
        bool operator!=(const const_iterator& o) const noexcept { return p_ != o.p_; }

    private:
        const detail::json_node* p_ = nullptr;
    };

    json_array_view() noexcept = default;
    /// A view of the `size` elements at `nodes`; json_view::as_array() makes these.
    json_array_view(const detail::json_node* nodes, std::size_t size) noexcept
        : nodes_(nodes), size_(size) {}

    std::size_t size() const noexcept { return size_; } ///< the number of elements
    bool empty() const noexcept { return size_ == 0; }  ///< true when there is none
    /// The element at index `i`, which must be below size() (unchecked).
    json_view operator[](std::size_t i) const noexcept { return json_view(nodes_ + i); }
    /// The first element.
    const_iterator begin() const noexcept { return const_iterator(nodes_); }
    /// Past the last element.
    const_iterator end() const noexcept { return const_iterator(nodes_ + size_); }

private:
    const detail::json_node* nodes_ = nullptr;
    std::size_t size_ = 0;
};

/// One member of a JSON object.
struct json_member {
    std::string_view key; ///< the member's name, decoded
    json_view value;      ///< the member's value
};

/// The members of a JSON object, in document order. Lookup is linear: these objects are small.
class json_object_view {
public:
    /// Iterates the members in document order, answering each as a json_member (a value, not a
    /// reference).
    class const_iterator {
    public:
        /// @name Iterator traits
        /// @{

        /// The standard iterator member types of a forward iterator: members are json_member
        /// values (`reference` is json_member, `pointer` is void).
        using iterator_category = std::forward_iterator_tag;
        using value_type = json_member;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = json_member;
        /// @}

        const_iterator() noexcept = default;
        /// An iterator at the member whose key is node `p`; json_object_view::begin() and end()
        /// make these.
        explicit const_iterator(const detail::json_node* p) noexcept : p_(p) {}
        /// The member: its key and its value.
        json_member operator*() const noexcept {
            return {std::string_view(p_->string, p_->size), json_view(p_ + 1)};
        }
        /// Moves to the next member.
        const_iterator& operator++() noexcept {
            p_ += 2;
            return *this;
        }
        /// Moves to the next member; answers the iterator as it was.
        const_iterator operator++(int) noexcept {
            auto old = *this;
            p_ += 2;
            return old;
        }
        /// True at the same member.
        bool operator==(const const_iterator& o) const noexcept { return p_ == o.p_; }
        /// True at different members.
        bool operator!=(const const_iterator& o) const noexcept { return p_ != o.p_; }

    private:
        const detail::json_node* p_ = nullptr;
    };

    json_object_view() noexcept = default;
    /// A view of the `members` members at `nodes` (key and value nodes alternating);
    /// json_view::as_object() makes these.
    json_object_view(const detail::json_node* nodes, std::size_t members) noexcept
        : nodes_(nodes), size_(members) {}

    /// The number of members, a name sent twice counted twice.
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; } ///< true when there is none
    /// The first member.
    const_iterator begin() const noexcept { return const_iterator(nodes_); }
    /// Past the last member.
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
    /// True when a member is named `key`.
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
