#ifndef KEYOPS_PARSE_DETAIL_MEMBER_SINKS_HPP
#define KEYOPS_PARSE_DETAIL_MEMBER_SINKS_HPP

// How each member type a schema understands consumes JSON values (schema.hpp lists them): a
// value_sink per type, picked by sink_for<M>. Integers, strings, timestamps, booleans, string
// lists and JSON views are here; nested types with a schema of their own, and vectors of them,
// are in schema.hpp, next to the schemas they follow. keyops::json_member_type<M> is how a
// program teaches schemas a member type of its own.

#include <keyops/parse/detail/parse_state.hpp>
#include <keyops/parse/json_view.hpp>
#include <keyops/parse/timestamp.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>

namespace keyops {

/// Specialise for a member type of your own: `static constexpr value_sink value{...}`.
template <class M, class = void>
struct json_member_type;

namespace detail {
template <class M, class = void>
struct has_json_member : std::false_type {};
template <class M>
struct has_json_member<M, std::void_t<decltype(json_member_type<M>::value)>> : std::true_type {};

template <class T>
constexpr T& as(void* p) noexcept {
    return *static_cast<T*>(p);
}

// --- integers -------------------------------------------------------------------------------
//
// A number an integer field cannot hold (out of its range, negative for an unsigned count, a
// fraction) leaves that field empty and is reported in the parse's problems, with the number's
// text; the rest of the document parses. A double that is a whole number within 2^53 (`2.0`,
// `1e3`) is that integer.

template <class Int>
bool int_problem(parse_state& st, void* m, error e, std::string_view detail) {
    as<std::optional<Int>>(m).reset();
    return st.field_problem(e, detail);
}

template <class Int>
constexpr std::string_view int_range_detail() noexcept {
    if constexpr (std::is_unsigned_v<Int>)
        return "the number is beyond what an unsigned 64-bit integer holds";
    else if constexpr (sizeof(Int) == 4)
        return "the number is beyond what a 32-bit integer holds";
    else
        return "the number is beyond what a 64-bit integer holds";
}

template <class Int, class V>
bool store_int(parse_state& st, void* m, V v) {
    if constexpr (std::is_signed_v<V>) {
        if (v < 0) {
            if constexpr (std::is_unsigned_v<Int>) {
                return int_problem<Int>(st, m, error::number_out_of_range,
                                        "expected an unsigned integer, found a negative number");
            } else {
                if (v < static_cast<std::int64_t>(std::numeric_limits<Int>::min()))
                    return int_problem<Int>(st, m, error::number_out_of_range,
                                            int_range_detail<Int>());
                as<std::optional<Int>>(m) = static_cast<Int>(v);
                return true;
            }
        }
    }
    if (static_cast<std::uint64_t>(v) > static_cast<std::uint64_t>(std::numeric_limits<Int>::max()))
        return int_problem<Int>(st, m, error::number_out_of_range, int_range_detail<Int>());
    as<std::optional<Int>>(m) = static_cast<Int>(v);
    return true;
}

template <class Int>
bool store_double(parse_state& st, void* m, double v) {
    // Boost.JSON hands over integers beyond 64 bits, fractions and exponents as doubles.
    constexpr double exact = 9007199254740992.0; // 2^53: every whole double up to here is exact
    if (v >= 9.2e18 || v <= -9.2e18)
        return int_problem<Int>(st, m, error::number_out_of_range, int_range_detail<Int>());
    if (v > -exact && v < exact && v == static_cast<double>(static_cast<std::int64_t>(v)))
        return store_int<Int>(st, m, static_cast<std::int64_t>(v));
    return int_problem<Int>(st, m, error::wrong_type,
                            v > -exact && v < exact
                                ? "expected an integer, found a number with a fraction"
                                : "expected an integer, found a number too large to be exact");
}

template <class Int>
constexpr value_sink int_sink{
    std::is_unsigned_v<Int> ? "an unsigned integer"
    : sizeof(Int) == 4      ? "a 32-bit integer"
                            : "an integer",
    nullptr,
    [](parse_state& st, void* m, std::int64_t v) { return store_int<Int>(st, m, v); },
    [](parse_state& st, void* m, std::uint64_t v) { return store_int<Int>(st, m, v); },
    [](parse_state& st, void* m, double v) { return store_double<Int>(st, m, v); },
    nullptr,
    [](parse_state&, void* m) {
        as<std::optional<Int>>(m).reset();
        return true;
    },
    nullptr,
    nullptr,
};

// --- sink selection by member type ------------------------------------------------------------

template <class M, class = void>
struct sink_for {
    static_assert(
        has_json_member<M>::value,
        "keyops::json_schema: this member type cannot be read from JSON; use "
        "std::string_view, bool, std::optional<bool>, std::optional<std::int64_t>, "
        "std::optional<std::int32_t>, std::optional<std::uint64_t>, timestamp, status_word<S>, "
        "string_list, "
        "json_view, json_object_view, a type with a json_schema, or a std::vector of one");
    static constexpr const value_sink& value = json_member_type<M>::value;
};

template <>
struct sink_for<std::string_view> {
    static constexpr value_sink value{"a string",
                                      [](parse_state&, void* m, std::string_view s) {
                                          as<std::string_view>(m) = s;
                                          return true;
                                      },
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      [](parse_state&, void* m) {
                                          as<std::string_view>(m) = {};
                                          return true;
                                      },
                                      nullptr,
                                      nullptr};
};

template <>
struct sink_for<timestamp> {
    static constexpr value_sink value{"an RFC 3339 timestamp string",
                                      [](parse_state& st, void* m, std::string_view s) {
                                          as<timestamp>(m) = timestamp{s};
                                          if (!is_rfc3339(s))
                                              return st.field_problem(
                                                  error::invalid_timestamp,
                                                  "expected an RFC 3339 timestamp", false);
                                          return true;
                                      },
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      [](parse_state&, void* m) {
                                          as<timestamp>(m) = {};
                                          return true;
                                      },
                                      nullptr,
                                      nullptr};
};

template <>
struct sink_for<bool> {
    static constexpr value_sink value{"a boolean",
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      [](parse_state&, void* m, bool b) {
                                          as<bool>(m) = b;
                                          return true;
                                      },
                                      [](parse_state&, void* m) {
                                          as<bool>(m) = false;
                                          return true;
                                      },
                                      nullptr,
                                      nullptr};
};

template <>
struct sink_for<std::optional<bool>> {
    static constexpr value_sink value{"a boolean",
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      [](parse_state&, void* m, bool b) {
                                          as<std::optional<bool>>(m) = b;
                                          return true;
                                      },
                                      [](parse_state&, void* m) {
                                          as<std::optional<bool>>(m).reset();
                                          return true;
                                      },
                                      nullptr,
                                      nullptr};
};

template <>
struct sink_for<std::optional<std::int64_t>> {
    static constexpr const value_sink& value = int_sink<std::int64_t>;
};
template <>
struct sink_for<std::optional<std::int32_t>> {
    static constexpr const value_sink& value = int_sink<std::int32_t>;
};
template <>
struct sink_for<std::optional<std::uint64_t>> {
    static constexpr const value_sink& value = int_sink<std::uint64_t>;
};

template <>
struct sink_for<string_list> {
    static constexpr value_sink value{"an array of strings",
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      [](parse_state&, void* m) {
                                          as<string_list>(m) = {};
                                          return true;
                                      },
                                      nullptr,
                                      [](parse_state& st, void* m) {
                                          st.push_string_array(static_cast<string_list*>(m));
                                          return true;
                                      }};
};

// A general JSON value: every JSON type is accepted; scalars get a node of their own.
template <>
struct sink_for<json_view> {
    template <class F>
    static bool scalar(parse_state& st, void* m, F&& fill) {
        json_node* n = st.make_node();
        fill(*n);
        as<json_view>(m) = json_view(n);
        return true;
    }
    static constexpr value_sink value{
        "any JSON value",
        [](parse_state& st, void* m, std::string_view s) {
            return scalar(st, m, [&](json_node& n) {
                n.kind = json_kind::string;
                n.string = s.data();
                n.size = s.size();
            });
        },
        [](parse_state& st, void* m, std::int64_t v) {
            return scalar(st, m, [&](json_node& n) {
                n.kind = json_kind::int64;
                n.int64 = v;
            });
        },
        [](parse_state& st, void* m, std::uint64_t v) {
            return scalar(st, m, [&](json_node& n) {
                n.kind = json_kind::uint64;
                n.uint64 = v;
            });
        },
        [](parse_state& st, void* m, double v) {
            return scalar(st, m, [&](json_node& n) {
                n.kind = json_kind::double_;
                n.double_ = v;
            });
        },
        [](parse_state& st, void* m, bool v) {
            return scalar(st, m, [&](json_node& n) {
                n.kind = json_kind::boolean;
                n.boolean = v;
            });
        },
        [](parse_state& st, void* m) {
            return scalar(st, m, [](json_node& n) { n.kind = json_kind::null; });
        },
        [](parse_state& st, void* m) {
            st.push_generic(true, generic_target::view, m);
            return true;
        },
        [](parse_state& st, void* m) {
            st.push_generic(false, generic_target::view, m);
            return true;
        }};
};

template <>
struct sink_for<json_object_view> {
    static constexpr value_sink value{"an object",
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      [](parse_state&, void* m) {
                                          as<json_object_view>(m) = {};
                                          return true;
                                      },
                                      [](parse_state& st, void* m) {
                                          st.push_generic(true, generic_target::object_view, m);
                                          return true;
                                      },
                                      nullptr};
};

} // namespace detail
} // namespace keyops

#endif
