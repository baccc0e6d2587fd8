#ifndef KEYOPS_PARSE_DETAIL_SCANNER_HPP
#define KEYOPS_PARSE_DETAIL_SCANNER_HPP

// keyops' JSON reader: one complete document in one buffer, checked as strictly as
// boost::json::basic_parser with its default options (RFC 8259: no comments, no trailing
// commas, UTF-8 and UTF-16 escapes checked, a nesting limit) and delivered to a handler through
// basic_parser's event interface, so that one handler serves both.
//
// What it does that basic_parser does not: after each key it asks the handler whether anybody
// reads the value (`skip_value()`), and when nobody does it reads the value with every check
// but without a single event. A field mask (cckm::job_brief) then costs little more than the
// bytes it passes over. Before each key it asks the handler which name it expects
// (`expected_key()`, the schema's next member in the server's order) and takes a key that is
// byte for byte that name without reading it as a string. Strings and whitespace are scanned
// several bytes at a time by one of scan_bytes.hpp's kernels (`Bytes`: SSE2, NEON or portable;
// the platform's best by default).
//
// Differences from basic_parser, none of which a handler of keyops sees:
//  - no `_part` events: an escaped string or key is decoded into a scratch buffer and delivered
//    whole (a view outside the body, which the handler copies);
//  - numbers with a fraction or an exponent are converted with std::from_chars, correctly
//    rounded (basic_parser 1.81 may be off by an ulp);
//  - the errors are keyops' own codes, each with a sentence that names what was wrong.
//
// basic_parser stays the reference: the unit tests and the `json` fuzz target compare the two,
// event by event, on the same bytes.

#include <keyops/error.hpp>
#include <keyops/parse/detail/scan_bytes.hpp>
#include <keyops/parse/detail/scan_tokens.hpp>

#include <boost/json/string_view.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

namespace keyops {
namespace detail {

template <class Handler, class = void>
struct handler_can_skip : std::false_type {};
template <class Handler>
struct handler_can_skip<Handler, decltype(void(std::declval<const Handler&>().skip_value()))>
    : std::true_type {};

template <class Handler, class = void>
struct handler_expects_keys : std::false_type {};
template <class Handler>
struct handler_expects_keys<Handler, decltype(void(std::declval<const Handler&>().expected_key()))>
    : std::true_type {};

template <class Handler, class Bytes = scan_native>
class json_scanner {
public:
    /// `scratch` receives decoded escaped strings; each is delivered before the next overwrites it.
    json_scanner(Handler& handler, std::size_t max_depth, std::string& scratch)
        : h_(handler), max_depth_(max_depth), text_(scratch) {}

    json_scanner(const json_scanner&) = delete;
    json_scanner& operator=(const json_scanner&) = delete;

    /// Reads the document at the start of [data, data + size) and the whitespace after it.
    /// Returns the number of bytes read: `size` when the buffer holds the document alone, less
    /// when bytes follow it (then `ec` is clear) or when `ec` says what failed there. Errors of
    /// the scanner are keyops codes (malformed_json, incomplete_json, invalid_utf8, too_deep)
    /// with detail() saying more; others come from the handler.
    std::size_t scan(const char* data, std::size_t size, error_code& ec) {
        ec.clear();
        detail_ = "";
        begin_ = data;
        p_ = data;
        end_ = data + size;
        depth_ = 0;
        // Each level takes a byte at least, so the body's size bounds the depth too.
        const std::size_t levels = max_depth_ < size ? max_depth_ : size;
        if (levels > local_levels && levels > heap_size_) {
            heap_.reset(new std::size_t[levels]);
            heap_size_ = levels;
        }
        levels_ = levels > local_levels ? heap_.get() : local_;
        if (!h_.on_document_begin(ec) || !walk<true>(ec) || !h_.on_document_end(ec))
            return offset();
        skip_ws();
        return offset();
    }

    /// What the scanner found wrong, as a sentence; empty after a handler's error.
    const char* detail() const noexcept { return detail_; }

private:
    using string_view_type = boost::json::string_view;
    static constexpr std::size_t local_levels = 64;
    // A level of the stack: its count of values so far, shifted left by one, and 1 for an object.
    static constexpr std::size_t object_level = 1;

    std::size_t offset() const noexcept { return static_cast<std::size_t>(p_ - begin_); }

    bool fail(error_code& ec, error e, const char* what) {
        ec = make_error_code(e);
        detail_ = what;
        return false;
    }
    bool fail(error_code& ec, const scan_fault& f) {
        p_ = f.at;
        return fail(ec, f.code, f.detail);
    }
    // The body ends inside the document: the fault is at its end.
    bool fail_eof(error_code& ec) {
        scan_fault f;
        fault_at_end(f, end_);
        return fail(ec, f);
    }

    KEYOPS_SCANNER_INLINE void skip_ws() noexcept { p_ = Bytes::whitespace(p_, end_); }
    // Whitespace, then a byte: false at the end of the body.
    KEYOPS_SCANNER_INLINE bool next(error_code& ec) {
        if (p_ != end_ && static_cast<unsigned char>(*p_) > ' ')
            return true;
        skip_ws();
        return p_ != end_ || fail_eof(ec);
    }

    bool push(error_code& ec, std::size_t kind) {
        if (depth_ == max_depth_)
            return fail(ec, error::too_deep, "objects and arrays nest deeper than the limit");
        levels_[depth_++] = kind;
        return true;
    }

    bool can_skip() const {
        if constexpr (handler_can_skip<Handler>::value)
            return h_.skip_value();
        else
            return false;
    }

    // One value and all it holds. With Emit, every event of it; without, the same checks and no
    // event (a value nobody reads). Iterative: the depth is bounded by max_depth, not the stack.
    template <bool Emit>
    bool walk(error_code& ec) {
        const std::size_t base = depth_;
    value:
        if (!next(ec))
            return false;
        switch (*p_) {
        case '{':
        case '[': {
            const bool object = *p_ == '{';
            if (!push(ec, object ? object_level : 0))
                return false;
            ++p_;
            if constexpr (Emit) {
                if (!(object ? h_.on_object_begin(ec) : h_.on_array_begin(ec)))
                    return false;
            }
            if (!next(ec))
                return false;
            if (*p_ != (object ? '}' : ']')) {
                if (object)
                    goto key;
                goto value;
            }
            ++p_;
            --depth_;
            if constexpr (Emit) {
                if (!(object ? h_.on_object_end(0, ec) : h_.on_array_end(0, ec)))
                    return false;
            }
            goto after_value;
        }
        case '"':
            if (!string<false, Emit>(ec))
                return false;
            goto after_value;
        case 't':
        case 'f':
        case 'n':
            if (!literal<Emit>(ec))
                return false;
            goto after_value;
        default:
            if (!number<Emit>(ec))
                return false;
            goto after_value;
        }

    key:
        // At a byte that is not whitespace, inside an object.
        if (*p_ != '"')
            return fail(ec, error::malformed_json, "expected a string key or '}'");
        if (!(Emit && expected_key()) && !string<true, Emit>(ec))
            return false;
        if (!next(ec))
            return false;
        if (*p_ != ':')
            return fail(ec, error::malformed_json, "expected ':' after an object key");
        ++p_;
        if constexpr (Emit) {
            if (can_skip()) {
                // A string nobody reads is passed over here (most are); anything else by a
                // walk without events.
                if (!next(ec))
                    return false;
                if (*p_ == '"' ? !string<false, false>(ec) : !walk<false>(ec))
                    return false;
                goto after_value;
            }
        }
        goto value;

    after_value:
        if (depth_ == base)
            return true;
        if (!next(ec))
            return false;
        {
            std::size_t& level = levels_[depth_ - 1];
            level += 2;
            const bool object = (level & object_level) != 0;
            if (*p_ == ',') {
                ++p_;
                if (!object)
                    goto value;
                if (!next(ec))
                    return false;
                goto key;
            }
            if (*p_ != (object ? '}' : ']'))
                return fail(ec, error::malformed_json,
                            object ? "expected ',' or '}' after an object member"
                                   : "expected ',' or ']' after an array element");
            ++p_;
            --depth_;
            if constexpr (Emit) {
                if (!(object ? h_.on_object_end(level >> 1, ec) : h_.on_array_end(level >> 1, ec)))
                    return false;
            }
            goto after_value;
        }
    }

    // At a key's opening quote: when the handler guesses the key and the bytes are that name
    // and its closing quote, the key is taken past and reported as the guessed one. The name
    // has nothing a JSON string would escape, so those bytes are that string and no other.
    KEYOPS_SCANNER_INLINE bool expected_key() {
        if constexpr (handler_expects_keys<Handler>::value) {
            const std::string_view name = h_.expected_key();
            const std::size_t n = name.size();
            if (n == 0 || static_cast<std::size_t>(end_ - p_) < n + 2 || p_[n + 1] != '"' ||
                !same_bytes(p_ + 1, name.data(), n))
                return false;
            p_ += n + 2;
            h_.on_expected_key();
            return true;
        } else {
            return false;
        }
    }

    // true, false or null, with its event when Emit.
    template <bool Emit>
    bool literal(error_code& ec) {
        const char first = *p_;
        const char* const word = first == 't' ? "true" : first == 'f' ? "false" : "null";
        const std::size_t n = first == 'f' ? 5 : 4;
        const std::size_t left = static_cast<std::size_t>(end_ - p_);
        const std::size_t k = left < n ? left : n;
        if (std::memcmp(p_, word, k) != 0)
            return fail(ec, error::malformed_json, "expected a value");
        if (k < n)
            return fail_eof(ec);
        p_ += n;
        if constexpr (Emit)
            return first == 'n' ? h_.on_null(ec) : h_.on_bool(first == 't', ec);
        else
            return true;
    }

    // A number. With Emit, delivered as int64 when it has neither fraction nor exponent and
    // fits, else as uint64 when it fits, else as double, the way basic_parser delivers it.
    template <bool Emit>
    bool number(error_code& ec) {
        number_token t;
        scan_fault f;
        if (!read_number(p_, end_, t, f))
            return fail(ec, f);
        const char* const start = p_;
        p_ = t.end;
        if constexpr (!Emit) {
            return true;
        } else {
            const string_view_type text(start, static_cast<std::size_t>(t.end - start));
            if (t.integer && !t.too_long) {
                if (!t.negative) {
                    if (t.mantissa <= static_cast<std::uint64_t>(INT64_MAX))
                        return h_.on_int64(static_cast<std::int64_t>(t.mantissa), text, ec);
                    return h_.on_uint64(t.mantissa, text, ec);
                }
                if (t.mantissa <= static_cast<std::uint64_t>(INT64_MAX) + 1)
                    return h_.on_int64(static_cast<std::int64_t>(0 - t.mantissa), text, ec);
            }
            double d = 0;
            if (!to_double(start, t.end, d)) {
                // Past the range of a double: infinity, or zero when the exponent is negative.
                d = t.exponent_up || mantissa_is_large(start, t.end)
                        ? std::numeric_limits<double>::infinity()
                        : 0.0;
                if (t.negative)
                    d = -d;
            }
            return h_.on_double(d, text, ec);
        }
    }

    // A multi-byte UTF-8 sequence at q: its length, or 0 with ec set.
    int multibyte(error_code& ec, const char* q) {
        const int len = utf8_sequence(reinterpret_cast<const unsigned char*>(q),
                                      reinterpret_cast<const unsigned char*>(end_));
        if (len > 0)
            return len;
        if (len < 0) {
            fail_eof(ec);
        } else {
            p_ = q;
            fail(ec, error::invalid_utf8, "a byte sequence that is not UTF-8");
        }
        return 0;
    }

    // The string at p_ (its opening quote), with its key or string event when Emit.
    template <bool Key, bool Emit>
    KEYOPS_SCANNER_INLINE bool string(error_code& ec) {
        // The common case inline: no escape and no byte past ASCII.
        const char* const start = p_ + 1;
        bool quote;
        const char* q = Bytes::plain(start, end_, quote);
        if (quote) {
            p_ = q + 1;
            if constexpr (Emit)
                return deliver<Key>(ec,
                                    string_view_type(start, static_cast<std::size_t>(q - start)));
            else
                return true;
        }
        return string_rest<Key, Emit>(ec, q);
    }

    KEYOPS_SCANNER_INLINE const char* plain(const char* q) const noexcept {
        bool quote;
        return Bytes::plain(q, end_, quote);
    }

    // The rest of the string at p_, from q on, where Bytes::plain stopped short of the closing
    // quote.
    template <bool Key, bool Emit>
    bool string_rest(error_code& ec, const char* q) {
        const char* const start = p_ + 1;
        for (;;) {
            if (q == end_)
                return fail_eof(ec);
            const auto c = static_cast<unsigned char>(*q);
            if (c == '"') {
                p_ = q + 1;
                if constexpr (Emit)
                    return deliver<Key>(
                        ec, string_view_type(start, static_cast<std::size_t>(q - start)));
                else
                    return true;
            }
            if (c >= 0x80) {
                const int len = multibyte(ec, q);
                if (len == 0)
                    return false;
                q = plain(q + len);
                continue;
            }
            if (c == '\\')
                break;
            p_ = q;
            return fail(ec, error::malformed_json, "a control character inside a string");
        }
        // Escapes: decoded into the scratch buffer when the value is delivered.
        if constexpr (Emit)
            text_.assign(start, static_cast<std::size_t>(q - start));
        for (;;) {
            if (q == end_)
                return fail_eof(ec);
            const auto c = static_cast<unsigned char>(*q);
            if (c == '"') {
                p_ = q + 1;
                if constexpr (Emit)
                    return deliver<Key>(ec, string_view_type(text_.data(), text_.size()));
                else
                    return true;
            }
            if (c == '\\') {
                scan_fault f;
                q = read_escape(q, end_, Emit ? &text_ : nullptr, f);
                if (q == nullptr)
                    return fail(ec, f);
                continue;
            }
            if (c >= 0x80) {
                const int len = multibyte(ec, q);
                if (len == 0)
                    return false;
                if constexpr (Emit)
                    text_.append(q, static_cast<std::size_t>(len));
                q += len;
                continue;
            }
            if (c < 0x20) {
                p_ = q;
                return fail(ec, error::malformed_json, "a control character inside a string");
            }
            const char* run_end = plain(q);
            if constexpr (Emit)
                text_.append(q, static_cast<std::size_t>(run_end - q));
            q = run_end;
        }
    }

    template <bool Key>
    bool deliver(error_code& ec, string_view_type s) {
        if constexpr (Key)
            return h_.on_key(s, s.size(), ec);
        else
            return h_.on_string(s, s.size(), ec);
    }

    Handler& h_;
    std::size_t max_depth_;
    std::string& text_;
    const char* begin_ = nullptr;
    const char* p_ = nullptr;
    const char* end_ = nullptr;
    const char* detail_ = "";
    std::size_t depth_ = 0;
    std::size_t local_[local_levels];
    std::size_t* levels_ = local_;
    std::unique_ptr<std::size_t[]> heap_;
    std::size_t heap_size_ = 0;
};

} // namespace detail
} // namespace keyops

#endif
