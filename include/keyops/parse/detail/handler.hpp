#ifndef KEYOPS_PARSE_DETAIL_HANDLER_HPP
#define KEYOPS_PARSE_DETAIL_HANDLER_HPP

// The handler that fills C++ types from their schemas, with no DOM, driven by keyops' scanner
// (scanner.hpp) or by boost::json::basic_parser (the reference, reference.hpp): both deliver the
// same events. Strings without escapes are views into the body; escaped ones are decoded by the
// parser into its buffer and copied once into the arena. Values nobody asked for are skipped:
// the scanner asks skip_value() and reads them without events; under basic_parser the handler
// drops their events with a counter.

#include <keyops/parse/detail/parse_state.hpp>
#include <keyops/parse/schema.hpp>

#include <boost/json/string_view.hpp>

#include <cmath>
#include <cstddef>
#include <string>

namespace keyops {
namespace detail {

class schema_handler {
    using string_view_type = boost::json::string_view;

public:
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

    schema_handler(parse_state& st, const object_schema* root, void* root_target) noexcept
        : st_(st), root_(root), root_target_(root_target) {}

    /// After a key: true when nobody reads its value (a member the schema does not know), which
    /// the scanner then reads without events.
    bool skip_value() const noexcept {
        return top_ != nullptr && top_->kind == frame_kind::object && top_->field == nullptr;
    }

    /// The name the next key of the innermost object most likely has: the schema's entry after
    /// the one the last key matched (servers write members in a fixed order). Empty when there
    /// is no guess. Schema names are plain text (no quote, backslash or control character), so
    /// a key whose bytes are the name and a quote is that name, and the scanner may take it
    /// with on_expected_key() instead of reading it.
    std::string_view expected_key() const noexcept {
        const frame* f = top_;
        if (f == nullptr || f->kind != frame_kind::object || skip_)
            return {};
        const object_schema& s = *f->schema;
        return f->hint < s.size ? s.fields[f->hint].name : std::string_view();
    }

    /// The key is the one expected_key() named.
    void on_expected_key() noexcept {
        frame& f = *top_;
        const field_entry& e = f.schema->fields[f.hint++];
        f.has_key = true;
        f.key = e.name;
        f.field = e.sink ? &e : nullptr;
    }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }

    bool on_object_begin(error_code& ec) { return begin_container(ec, true); }
    bool on_array_begin(error_code& ec) { return begin_container(ec, false); }

    bool on_object_end(std::size_t, error_code&) { return end_container(true); }
    bool on_array_end(std::size_t, error_code&) { return end_container(false); }

    bool on_key_part(string_view_type part, std::size_t, error_code&) {
        if (skip_)
            return true;
        if (!key_parted_) {
            st_.key_text().clear();
            key_parted_ = true;
        }
        st_.key_text().append(part.data(), part.size());
        return true;
    }

    bool on_key(string_view_type last, std::size_t, error_code&) {
        if (skip_)
            return true;
        std::string_view key(last.data(), last.size());
        bool stable = true;
        if (key_parted_ || !st_.in_body(key)) {
            auto& kt = st_.key_text();
            if (!key_parted_)
                kt.clear();
            kt.append(key.data(), key.size());
            key = kt;
            stable = false;
        }
        key_parted_ = false;
        frame& f = *top_;
        f.has_key = true;
        if (f.kind == frame_kind::object) {
            const field_entry* e = f.schema->find(key, f.hint);
            // An unknown key outside the body (it had escapes) is copied out of the scratch
            // buffer, which the next key overwrites: an error's path names it.
            f.key = e ? e->name : stable ? key : st_.keep(key);
            f.field = e && e->sink ? e : nullptr; // an unread member is skipped
            return true;
        }
        // A generic object keeps its keys, so they must outlive the scratch buffer.
        if (!stable)
            key = st_.keep(key);
        f.key = key;
        // Built where it is kept: a node assembled on the stack and copied would be read back
        // whole right after its fields were written one by one, which the CPU cannot forward.
        json_node& n = st_.nodes().emplace_back();
        n.kind = json_kind::string;
        n.string = key.data();
        n.size = key.size();
        return true;
    }

    bool on_string_part(string_view_type part, std::size_t, error_code&) {
        if (skip_ || !wants_value())
            return true;
        if (!string_parted_) {
            st_.text().clear();
            string_parted_ = true;
        }
        st_.text().append(part.data(), part.size());
        return true;
    }

    bool on_string(string_view_type last, std::size_t, error_code& ec) {
        if (skip_)
            return true;
        frame* f = top_;
        if (f == nullptr)
            return type_error(ec, "an object", "a string");
        // The common case first: a string for a field of a schema.
        if (f->kind == frame_kind::object) {
            if (f->field == nullptr) {
                string_parted_ = false;
                return true;
            }
            return deliver(ec, *f, f->field->sink->on_string, "a string", stable_string(last));
        }
        if (f->kind == frame_kind::object_array) {
            string_parted_ = false;
            ++f->count;
            return type_error(ec, "an object", "a string");
        }
        const std::string_view s = stable_string(last);
        if (f->kind == frame_kind::string_array) {
            ++f->count;
            st_.strings().push_back(s);
            return true;
        }
        json_node& n = push_node(*f);
        n.kind = json_kind::string;
        n.string = s.data();
        n.size = s.size();
        return true;
    }

    bool on_number_part(string_view_type, error_code&) { return true; }

    bool on_int64(std::int64_t v, string_view_type text, error_code& ec) {
        st_.set_number_text(std::string_view(text.data(), text.size()));
        return scalar(ec, &value_sink::on_int64, "a number", v, [v](json_node& n) {
            n.kind = json_kind::int64;
            n.int64 = v;
        });
    }
    bool on_uint64(std::uint64_t v, string_view_type text, error_code& ec) {
        st_.set_number_text(std::string_view(text.data(), text.size()));
        return scalar(ec, &value_sink::on_uint64, "a number", v, [v](json_node& n) {
            n.kind = json_kind::uint64;
            n.uint64 = v;
        });
    }
    bool on_double(double v, string_view_type text, error_code& ec) {
        st_.set_number_text(std::string_view(text.data(), text.size()));
        // Boost.JSON 1.81 reads a zero with an exponent past 308 (`0e400`) as NaN: it is zero.
        if (std::isnan(v))
            v = 0.0;
        return scalar(ec, &value_sink::on_double, "a number", v, [v](json_node& n) {
            n.kind = json_kind::double_;
            n.double_ = v;
        });
    }
    bool on_bool(bool v, error_code& ec) {
        return scalar(ec, &value_sink::on_bool, "a boolean", v, [v](json_node& n) {
            n.kind = json_kind::boolean;
            n.boolean = v;
        });
    }
    bool on_null(error_code& ec) {
        if (skip_)
            return true;
        frame* f = top_;
        if (f == nullptr)
            return type_error(ec, "an object", "null");
        if (f->kind == frame_kind::object) {
            if (!f->field)
                return true;
            return deliver(ec, *f, f->field->sink->on_null, "null");
        }
        return scalar_in_array_or_generic(ec, *f, "null",
                                          [](json_node& n) { n.kind = json_kind::null; });
    }

    bool on_comment_part(string_view_type, error_code&) { return true; }
    bool on_comment(string_view_type, error_code&) { return true; }

private:
    // A value in an object field the schema does not know is dropped without being copied.
    bool wants_value() const noexcept {
        const frame* f = top_;
        return f != nullptr && !(f->kind == frame_kind::object && f->field == nullptr) &&
               f->kind != frame_kind::object_array;
    }

    // The string just ended, where the arena keeps it: in the body (no copy) or copied once.
    std::string_view stable_string(string_view_type last) {
        std::string_view s(last.data(), last.size());
        if (string_parted_) {
            auto& t = st_.text();
            t.append(s.data(), s.size());
            s = st_.keep(t);
            string_parted_ = false;
        } else if (!st_.in_body(s)) {
            s = st_.keep(s);
        }
        return s;
    }

    // The frame on top of the stack, after a push or a pop.
    void refresh_top() noexcept {
        auto& fr = st_.frames();
        top_ = fr.empty() ? nullptr : &fr.back();
    }

    template <class Fn, class... Args>
    bool deliver(error_code& ec, frame& f, Fn fn, const char* found, Args... args) {
        const value_sink& sink = *f.field->sink;
        if (fn == nullptr)
            return type_error(ec, sink.expected, found);
        if (!fn(st_, f.target, args...)) {
            ec = make_error_code(st_.failure());
            return false;
        }
        return true;
    }

    template <class Member, class V, class Fill>
    bool scalar(error_code& ec, Member member, const char* found, V v, Fill fill) {
        if (skip_)
            return true;
        frame* f = top_;
        if (f == nullptr)
            return type_error(ec, "an object", found);
        if (f->kind == frame_kind::object) {
            if (!f->field)
                return true;
            return deliver(ec, *f, f->field->sink->*member, found, v);
        }
        return scalar_in_array_or_generic(ec, *f, found, fill);
    }

    template <class Fill>
    bool scalar_in_array_or_generic(error_code& ec, frame& f, const char* found, Fill fill) {
        switch (f.kind) {
        case frame_kind::object_array:
            ++f.count;
            return type_error(ec, "an object", found);
        case frame_kind::string_array:
            ++f.count;
            return type_error(ec, "a string", found);
        default:
            fill(push_node(f));
            return true;
        }
    }

    // A new node at the end of the scratch stack, in the generic container `f`.
    json_node& push_node(frame& f) {
        if (f.kind == frame_kind::generic_array)
            ++f.count;
        return st_.nodes().emplace_back();
    }

    bool begin_container(error_code& ec, bool is_object) {
        const char* found = is_object ? "an object" : "an array";
        if (skip_) {
            ++skip_;
            return true;
        }
        frame* f = top_;
        if (f == nullptr) {
            if (!is_object)
                return type_error(ec, "an object", found);
            st_.push_object(root_, root_target_);
            refresh_top();
            return true;
        }
        switch (f->kind) {
        case frame_kind::object: {
            if (!f->field) {
                skip_ = 1;
                return true;
            }
            const bool ok = deliver(
                ec, *f, is_object ? f->field->sink->on_object : f->field->sink->on_array, found);
            refresh_top();
            return ok;
        }
        case frame_kind::object_array: {
            ++f->count;
            if (!is_object)
                return type_error(ec, "an object", found);
            const object_schema* schema = f->schema;
            void* element = f->emplace(f->target);
            st_.push_object(schema, element);
            refresh_top();
            return true;
        }
        case frame_kind::string_array:
            ++f->count;
            return type_error(ec, "a string", found);
        case frame_kind::generic_object:
        case frame_kind::generic_array:
            if (f->kind == frame_kind::generic_array)
                ++f->count;
            st_.push_generic(is_object, generic_target::none, nullptr);
            refresh_top();
            return true;
        }
        return true;
    }

    bool end_container(bool is_object) {
        if (skip_) {
            --skip_;
            return true;
        }
        auto& fr = st_.frames();
        frame& f = fr.back();
        if (f.kind == frame_kind::string_array) {
            const std::size_t n = st_.strings().size() - f.mark;
            *static_cast<string_list*>(f.target) =
                string_list(st_.settle(st_.strings(), f.mark), n);
        } else if (f.kind == frame_kind::generic_object || f.kind == frame_kind::generic_array) {
            const std::size_t n = st_.nodes().size() - f.mark;
            json_node c;
            c.kind = is_object ? json_kind::object : json_kind::array;
            c.size = is_object ? n / 2 : n;
            c.children = st_.settle(st_.nodes(), f.mark);
            switch (f.target_kind) {
            case generic_target::none:
                st_.nodes().push_back(c);
                break;
            case generic_target::object_view:
                *static_cast<json_object_view*>(f.target) = json_object_view(c.children, c.size);
                break;
            case generic_target::view: {
                json_node* node = st_.make_node();
                *node = c;
                *static_cast<json_view*>(f.target) = json_view(node);
                break;
            }
            }
        }
        fr.pop_back();
        refresh_top();
        return true;
    }

    bool type_error(error_code& ec, const char* expected, const char* found) {
        st_.fail(error::wrong_type, std::string("expected ") + expected + ", found " + found);
        ec = make_error_code(error::wrong_type);
        return false;
    }

    parse_state& st_;
    const object_schema* root_;
    void* root_target_;
    frame* top_ = nullptr; // the innermost frame; the stack never reallocates during a parse
    std::size_t skip_ = 0; // depth inside a container nobody reads
    bool key_parted_ = false;
    bool string_parted_ = false;
};

} // namespace detail
} // namespace keyops

#endif
