#ifndef KEYOPS_ENDPOINT_DETAIL_JSON_BODY_HPP
#define KEYOPS_ENDPOINT_DETAIL_JSON_BODY_HPP

// Writing and checking the small JSON objects that request bodies are, without a JSON DOM: the
// writer gives, byte for byte, what boost::json::serialize gives for the same object (members in
// the order added; in strings only `"`, `\` and control characters escaped, `\u00xx` in lower
// case when there is no short form), and the check accepts exactly the texts that
// boost::json::parse with default options parses to an object.

#include <keyops/error.hpp>
#include <keyops/parse/detail/scanner.hpp>

#include <boost/json/parse_options.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyops::detail {

/// Appends `s` to `out` as a JSON string.
inline void append_json_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t plain = 0; // start of the run not yet copied
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(s.data() + plain, i - plain);
        plain = i + 1;
        out += '\\';
        switch (c) {
        case '"':
            out += '"';
            break;
        case '\\':
            out += '\\';
            break;
        case '\b':
            out += 'b';
            break;
        case '\t':
            out += 't';
            break;
        case '\n':
            out += 'n';
            break;
        case '\f':
            out += 'f';
            break;
        case '\r':
            out += 'r';
            break;
        default:
            out += "u00";
            out += hex[c >> 4];
            out += hex[c & 0xf];
        }
    }
    out.append(s.data() + plain, s.size() - plain);
    out += '"';
}

/// A JSON object written member by member: `{"a":...,"b":...}`.
class json_object_writer {
public:
    json_object_writer() : out_("{") {}

    json_object_writer& add(std::string_view name, std::string_view value) {
        key(name);
        append_json_string(out_, value);
        return *this;
    }
    json_object_writer& add(std::string_view name, const char* value) {
        return add(name, std::string_view(value));
    }
    json_object_writer& add(std::string_view name, const std::string& value) {
        return add(name, std::string_view(value));
    }
    json_object_writer& add(std::string_view name, bool value) {
        key(name);
        out_ += value ? "true" : "false";
        return *this;
    }
    json_object_writer& add(std::string_view name, const std::vector<std::string>& values) {
        key(name);
        out_ += '[';
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (i)
                out_ += ',';
            append_json_string(out_, values[i]);
        }
        out_ += ']';
        return *this;
    }
    /// A value that is JSON text already (checked by the caller).
    json_object_writer& add_json(std::string_view name, std::string_view json) {
        key(name);
        out_ += json;
        return *this;
    }

    /// The object, closed.
    std::string finish() && {
        out_ += '}';
        return std::move(out_);
    }

private:
    void key(std::string_view name) {
        if (out_.size() > 1)
            out_ += ',';
        append_json_string(out_, name);
        out_ += ':';
    }

    std::string out_;
};

// Tells what a JSON text's top-level value is, building nothing.
struct json_shape_handler {
    std::size_t depth = 0;
    bool top_is_object = false;

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) {
        if (depth++ == 0)
            top_is_object = true;
        return true;
    }
    bool on_object_end(std::size_t, error_code&) {
        --depth;
        return true;
    }
    bool on_array_begin(error_code&) {
        ++depth;
        return true;
    }
    bool on_array_end(std::size_t, error_code&) {
        --depth;
        return true;
    }
    bool on_key_part(boost::json::string_view, std::size_t, error_code&) { return true; }
    bool on_key(boost::json::string_view, std::size_t, error_code&) { return true; }
    bool on_string_part(boost::json::string_view, std::size_t, error_code&) { return true; }
    bool on_string(boost::json::string_view, std::size_t, error_code&) { return true; }
    bool on_number_part(boost::json::string_view, error_code&) { return true; }
    bool on_int64(std::int64_t, boost::json::string_view, error_code&) { return true; }
    bool on_uint64(std::uint64_t, boost::json::string_view, error_code&) { return true; }
    bool on_double(double, boost::json::string_view, error_code&) { return true; }
    bool on_bool(bool, error_code&) { return true; }
    bool on_null(error_code&) { return true; }
    bool on_comment_part(boost::json::string_view, error_code&) { return true; }
    bool on_comment(boost::json::string_view, error_code&) { return true; }
};

/// True when `text` is one JSON object (whitespace around it allowed), as boost::json::parse
/// with default options reads it (the nesting limit of 32 included); keyops' scanner checks it.
/// A template, so that a program that never checks a body does not compile the check.
template <class Handler = json_shape_handler>
bool is_json_object(std::string_view text) {
    Handler h;
    std::string scratch;
    json_scanner<Handler> scanner(h, boost::json::parse_options().max_depth, scratch);
    error_code ec;
    const std::size_t n = scanner.scan(text.data(), text.size(), ec);
    return !ec && n == text.size() && h.top_is_object;
}

} // namespace keyops::detail

#endif
