#ifndef KEYOPS_PARSE_SCHEMA_HPP
#define KEYOPS_PARSE_SCHEMA_HPP

// Schemas: which JSON members a C++ type reads, and how each member type consumes JSON.
//
// A response type T becomes parseable by specialising keyops::json_schema<T>:
//
//     template <> struct keyops::json_schema<my_type> {
//         static constexpr keyops::field_entry fields[] = {
//             keyops::field<&my_type::id>("id"),
//             keyops::field<&my_type::count>("count"),
//         };
//     };
//
// Member types understood: std::string_view, bool, std::optional<bool>,
// std::optional<std::int64_t>, std::optional<std::int32_t>, std::optional<std::uint64_t>
// (counts), timestamp, status_word<S>,
// string_list, json_view, json_object_view, any type with a json_schema, and std::vector of such
// a type. Every member is optional: absent or null leaves it empty. Members not in the schema
// are skipped, at any depth. List the fields in the order the server writes them: the parser
// expects each key to be the one after the last it matched, and takes it without a lookup when
// it is. `keyops::unread("name")` lists a member the type does not read, so that a field mask
// keeps that order too.
//
// Further member types are taught to schemas by specialising keyops::json_member_type<M> with a
// `static constexpr value_sink value` (one function per JSON value kind, null where M does not
// accept it): model/status.hpp does so for the servers' status words.

#include <keyops/parse/detail/member_sinks.hpp>
#include <keyops/parse/detail/parse_state.hpp>

#include <cstddef>
#include <iterator>
#include <string_view>
#include <type_traits>
#include <vector>

namespace keyops {

/// Specialise for each type read from JSON; see the top of this header.
template <class T>
struct json_schema;

namespace detail {

template <class T, class = void>
struct has_json_schema : std::false_type {};
template <class T>
struct has_json_schema<T, std::void_t<decltype(json_schema<T>::fields)>> : std::true_type {};

// True when every name is text a JSON string holds as it is (printable ASCII, no quote or
// backslash): the scanner matches a key against the name it expects byte for byte.
constexpr bool plain_names(const field_entry* f, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i)
        for (char c : f[i].name)
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\')
                return false;
    return true;
}

template <class T>
constexpr object_schema make_schema() noexcept {
    constexpr const field_entry* fields = json_schema<T>::fields;
    constexpr std::size_t n = std::size(json_schema<T>::fields);
    static_assert(
        plain_names(fields, n),
        "keyops::json_schema: a member name must be printable ASCII without '\"' or '\\'");
    return {fields, n, object_schema::lengths_of(fields, n)};
}

template <class T>
inline constexpr object_schema schema_of = make_schema<T>();

// A nested type with a schema of its own.
template <class T>
struct sink_for<T, std::enable_if_t<has_json_schema<T>::value>> {
    static constexpr value_sink value{"an object",
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      [](parse_state&, void* m) {
                                          as<T>(m) = T{};
                                          return true;
                                      },
                                      [](parse_state& st, void* m) {
                                          st.push_object(&schema_of<T>, m);
                                          return true;
                                      },
                                      nullptr};
};

template <class T>
struct sink_for<std::vector<T>, std::enable_if_t<has_json_schema<T>::value>> {
    static void* emplace(void* vec) { return &as<std::vector<T>>(vec).emplace_back(); }
    static constexpr value_sink value{"an array of objects",
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      [](parse_state&, void* m) {
                                          as<std::vector<T>>(m).clear();
                                          return true;
                                      },
                                      nullptr,
                                      [](parse_state& st, void* m) {
                                          auto& v = as<std::vector<T>>(m);
                                          v.clear();
                                          // A guess from the body size saves the regrowths
                                          // (and their copies) of long lists.
                                          v.reserve(st.body_size() / 512);
                                          st.push_object_array(&schema_of<T>, m, &emplace);
                                          return true;
                                      }};
};

template <class M>
struct member_pointer_traits;
template <class C, class M>
struct member_pointer_traits<M C::*> {
    using class_type = C;
    using member_type = M;
};

// The sink of one field: the member's sink with the member access folded in, so that the
// parser makes a single indirect call per value.
template <auto Member>
struct field_sink {
    using traits = member_pointer_traits<decltype(Member)>;
    using C = typename traits::class_type;
    static constexpr const value_sink& inner = sink_for<typename traits::member_type>::value;

    static void* member(void* object) noexcept { return &(static_cast<C*>(object)->*Member); }

    static constexpr value_sink value{
        inner.expected,
        inner.on_string ? +[](parse_state& st, void* o, std::string_view v) {
            return inner.on_string(st, member(o), v);
        } : nullptr,
        inner.on_int64 ? +[](parse_state& st, void* o, std::int64_t v) {
            return inner.on_int64(st, member(o), v);
        } : nullptr,
        inner.on_uint64 ? +[](parse_state& st, void* o, std::uint64_t v) {
            return inner.on_uint64(st, member(o), v);
        } : nullptr,
        inner.on_double ? +[](parse_state& st, void* o, double v) {
            return inner.on_double(st, member(o), v);
        } : nullptr,
        inner.on_bool ? +[](parse_state& st, void* o, bool v) {
            return inner.on_bool(st, member(o), v);
        } : nullptr,
        inner.on_null ? +[](parse_state& st, void* o) { return inner.on_null(st, member(o)); }
                      : nullptr,
        inner.on_object ? +[](parse_state& st, void* o) { return inner.on_object(st, member(o)); }
                        : nullptr,
        inner.on_array ? +[](parse_state& st, void* o) { return inner.on_array(st, member(o)); }
                       : nullptr,
    };
};

} // namespace detail

/// One entry of a json_schema: the JSON member `name` is read into `Member`.
template <auto Member>
constexpr field_entry field(std::string_view name) noexcept {
    return field_entry{name, &detail::field_sink<Member>::value};
}

/// One entry of a json_schema for a member the server sends and the type does not read: its
/// value is skipped, as for any member the schema does not name, but a schema that lists the
/// members in the order the server writes them, read and unread, lets the parser recognise
/// each key by its position instead of reading it and looking it up. A field mask (a type
/// reading a few of many members) gains most.
constexpr field_entry unread(std::string_view name) noexcept {
    return field_entry{name, nullptr};
}

} // namespace keyops

#endif
