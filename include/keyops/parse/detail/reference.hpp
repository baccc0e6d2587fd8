#ifndef KEYOPS_PARSE_DETAIL_REFERENCE_HPP
#define KEYOPS_PARSE_DETAIL_REFERENCE_HPP

// The reference parse: the same handler driven by boost::json::basic_parser instead of keyops'
// scanner. Nothing in the library uses it; the unit tests and the `json` fuzz target compare the
// scanner's results with it, and bench/parse times its floor.
//
//     parsed<T> r = detail::parse_reference<T>(body, ec, diag);

#include <keyops/parse/parse.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace keyops {
namespace detail {

// Offset of the first byte that is not valid UTF-8, or npos.
inline std::size_t first_invalid_utf8(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned c = p[i];
        std::size_t len;
        unsigned min;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            min = 0x10000;
        } else {
            return i;
        }
        if (i + len > n)
            return i;
        unsigned cp = c & (0x7F >> len);
        for (std::size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += len;
    }
    return static_cast<std::size_t>(-1);
}

template <class T>
bool parse_into_reference(T& out, boost::json::monotonic_resource& arena, std::string_view body,
                          error_code& ec, diagnostics& diag, const parse_options& opt,
                          const field_problem** problems = nullptr) {
    if (!check_body(body, ec, diag, opt))
        return false;
    parse_state st(arena, body.data(), body.size(), opt.max_depth);
    boost::json::parse_options popt;
    popt.max_depth = opt.max_depth;
    boost::json::basic_parser<schema_handler> parser(popt, st, &schema_of<T>,
                                                     static_cast<void*>(&out));
    error_code jec;
    const std::size_t n = parser.write_some(false, body.data(), body.size(), jec);
    if (!jec && n == body.size()) {
        if (problems)
            *problems = st.problems();
        return true;
    }

    diag.json_offset = n;
    diag.json_path = json_pointer(st.frames());
    if (!jec) {
        ec = error::malformed_json;
        diag.detail = "unexpected bytes after the JSON document";
    } else if (jec.category() == error_category()) {
        ec = jec;
        diag.detail = std::move(st.failure_detail());
    } else if (jec == boost::json::error::incomplete) {
        ec = error::incomplete_json;
        diag.detail = "the body ends inside the JSON document";
    } else if (jec == boost::json::error::too_deep) {
        ec = error::too_deep;
        diag.detail = too_deep_detail(opt);
    } else {
        const std::size_t bad = first_invalid_utf8(body);
        if (bad != static_cast<std::size_t>(-1) && bad <= n + 4) {
            ec = error::invalid_utf8;
            diag.json_offset = bad;
            diag.detail = "a byte sequence that is not UTF-8";
        } else {
            ec = error::malformed_json;
            diag.detail = jec.message();
        }
    }
    return false;
}

/// parse_borrowed<T> through basic_parser: the reference the scanner is compared against.
template <class T>
parsed<T> parse_reference(std::string_view body, error_code& ec, diagnostics& diag,
                          const parse_options& opt = {}) {
    return parsed_access::borrowed<T>(body, ec, diag, opt, &parse_into_reference<T>);
}

} // namespace detail
} // namespace keyops

#endif
