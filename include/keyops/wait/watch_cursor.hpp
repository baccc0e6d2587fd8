#ifndef KEYOPS_WAIT_WATCH_CURSOR_HPP
#define KEYOPS_WAIT_WATCH_CURSOR_HPP

// Where a watch (watch_fsm) stands, as a small JSON text that a new watch, in another process,
// goes on from. Version 1:
//
//     {"keyops_watch":1,
//      "kinds":{"oci":{"watermark":"2026-12-06T10:00:00.5Z",
//                      "since":"2026-12-01T00:00:00Z",
//                      "recent":{"<id>":"<createdAt>",...},
//                      "open":{"<id>":{"state":"in_progress","abort":false,
//                                      "digest":"<16 hex digits>"},...}},...},
//      "proxy_key":{"status":"SUCCESS","updated_at":1765015200000,"rotations":3,"open":false,
//                   "pending":false}}
//
// - watermark: the newest `createdAt` of the kind's jobs accounted for (absent: never read);
// - since: report no job created at or before it (absent: none given);
// - recent: the jobs created within the settle time before the watermark, already reported;
// - open: the jobs reported started and not yet ended, with what was last reported of them
//   (the state word, the abort flag, a digest of detailed_status).
// A kind absent from the cursor starts as a kind never read. Its size grows with the jobs
// created within the settle time and the jobs open, not with the jobs seen.
//
// proxy_key, the watch of the Network Insight proxy key rotation (rotation_watch_fsm.hpp; absent:
// never read):
// - status: the rotation status word last read (absent: no rotation yet, the server said 404);
// - updated_at: the key's `lastUpdatedAt` last accounted for (epoch milliseconds);
// - rotations: the rotations reported, which numbers them: the id of the last one;
// - open: rotation `rotations` was reported started and has not ended;
// - pending: it ended SUCCESS before the key's `lastUpdatedAt` moved: the next move is its own.

#include <keyops/parse/json_view.hpp>
#include <keyops/parse/timestamp.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace keyops {
namespace detail {

/// What a watch last reported of an open job.
struct watch_open_job {
    std::string state;
    bool abort = false;
    std::uint64_t digest = 0; ///< of detailed_status (digest_of)

    friend bool operator==(const watch_open_job& a, const watch_open_job& b) noexcept {
        return a.state == b.state && a.abort == b.abort && a.digest == b.digest;
    }
    friend bool operator!=(const watch_open_job& a, const watch_open_job& b) noexcept {
        return !(a == b);
    }
};

/// One kind's part of a cursor.
struct watch_kind_cursor {
    std::optional<instant> watermark;
    std::optional<instant> since;
    std::map<std::string, instant> recent;
    std::map<std::string, watch_open_job> open;

    friend bool operator==(const watch_kind_cursor& a, const watch_kind_cursor& b) {
        return a.watermark == b.watermark && a.since == b.since && a.recent == b.recent &&
               a.open == b.open;
    }
};

inline void digest_mix(std::uint64_t& h, std::string_view bytes) noexcept {
    for (const char c : bytes) { // FNV-1a
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ull;
    }
}

inline void digest_value(std::uint64_t& h, json_view v) {
    const auto tag = [&](char c) {
        digest_mix(h, std::string_view(&c, 1));
    };
    switch (v.kind()) {
    case json_kind::null:
        tag('n');
        break;
    case json_kind::boolean:
        tag(v.as_bool() ? 't' : 'f');
        break;
    case json_kind::string:
        tag('s');
        digest_mix(h, std::to_string(v.as_string().size()));
        tag(':');
        digest_mix(h, v.as_string());
        break;
    case json_kind::int64:
        tag('#');
        digest_mix(h, std::to_string(v.as_int64()));
        break;
    case json_kind::uint64:
    case json_kind::double_: { // the value's bytes, not a text that could depend on the locale
        tag(v.kind() == json_kind::uint64 ? 'u' : 'd');
        const double d = v.as_double();
        std::uint64_t bits = 0;
        std::memcpy(&bits, &d, sizeof bits);
        for (int i = 0; i < 8; ++i)
            tag(static_cast<char>(bits >> (8 * i)));
        break;
    }
    case json_kind::array:
        tag('[');
        for (const auto e : v.as_array())
            digest_value(h, e);
        tag(']');
        break;
    case json_kind::object:
        tag('{');
        for (const auto m : v.as_object()) {
            digest_mix(h, std::to_string(m.key.size()));
            tag(':');
            digest_mix(h, m.key);
            digest_value(h, m.value);
        }
        tag('}');
        break;
    }
}

/// A digest of a detailed_status object: equal objects (the same members in the same order)
/// give the same digest in every process and on every platform.
inline std::uint64_t digest_of(json_object_view o) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    digest_mix(h, "{");
    for (const auto m : o) {
        digest_mix(h, std::to_string(m.key.size()));
        digest_mix(h, ":");
        digest_mix(h, m.key);
        digest_value(h, m.value);
    }
    return h;
}

/// The proxy key rotation's part of a cursor.
struct watch_rotation_cursor {
    std::optional<std::string> status;
    std::optional<std::int64_t> updated_at;
    std::uint64_t rotations = 0;
    bool open = false;
    bool pending = false;

    friend bool operator==(const watch_rotation_cursor& a, const watch_rotation_cursor& b) {
        return a.status == b.status && a.updated_at == b.updated_at && a.rotations == b.rotations &&
               a.open == b.open && a.pending == b.pending;
    }
};

} // namespace detail

/// Where a watch stands; see the top of this header for its text.
struct watch_cursor {
    /// Per kind name (watch_kind::name): where the watch of that kind's jobs stands. Its
    /// contents are the watch's own; a kind absent starts as a kind never read.
    std::map<std::string, detail::watch_kind_cursor> kinds;
    /// The proxy key rotation's watch (rotation_watch_fsm); none: never read.
    std::optional<detail::watch_rotation_cursor> proxy_key;

    /// True when both cursors hold the same state.
    friend bool operator==(const watch_cursor& a, const watch_cursor& b) {
        return a.kinds == b.kinds && a.proxy_key == b.proxy_key;
    }
    /// The negation of ==.
    friend bool operator!=(const watch_cursor& a, const watch_cursor& b) { return !(a == b); }

    /// A cursor that reports every job of `kinds` created after `t`.
    static watch_cursor since(const instant& t, std::initializer_list<std::string_view> kinds) {
        watch_cursor c;
        for (auto k : kinds)
            c.kinds[std::string(k)].since = t;
        return c;
    }

    /// The cursor's text.
    std::string to_string() const {
        boost::json::object root;
        root["keyops_watch"] = 1;
        auto& ks = root["kinds"].emplace_object();
        for (const auto& [name, k] : kinds) {
            auto& o = ks[name].emplace_object();
            if (k.watermark)
                o["watermark"] = format_rfc3339(*k.watermark);
            if (k.since)
                o["since"] = format_rfc3339(*k.since);
            auto& recent = o["recent"].emplace_object();
            for (const auto& [id, t] : k.recent)
                recent[id] = format_rfc3339(t);
            auto& open = o["open"].emplace_object();
            for (const auto& [id, j] : k.open) {
                char hex[17];
                for (int i = 0; i < 16; ++i)
                    hex[i] = "0123456789abcdef"[(j.digest >> (60 - 4 * i)) & 0xF];
                hex[16] = '\0';
                open[id] =
                    boost::json::object{{"state", j.state}, {"abort", j.abort}, {"digest", hex}};
            }
        }
        if (proxy_key) {
            auto& o = root["proxy_key"].emplace_object();
            if (proxy_key->status)
                o["status"] = *proxy_key->status;
            if (proxy_key->updated_at)
                o["updated_at"] = *proxy_key->updated_at;
            o["rotations"] = proxy_key->rotations;
            o["open"] = proxy_key->open;
            o["pending"] = proxy_key->pending;
        }
        return boost::json::serialize(root);
    }

    /// Reads a cursor's text; nullopt, with what was wrong in `why`, when it is not one.
    static std::optional<watch_cursor> parse(std::string_view text, std::string& why) {
        boost::json::error_code ec;
        const auto v = boost::json::parse(boost::json::string_view(text.data(), text.size()), ec);
        const auto fail = [&](std::string w) -> std::optional<watch_cursor> {
            why = "not a watch cursor: " + std::move(w);
            return std::nullopt;
        };
        if (ec)
            return fail("not JSON (" + ec.message() + ")");
        const auto* root = v.if_object();
        if (!root)
            return fail("not a JSON object");
        const auto* version = root->if_contains("keyops_watch");
        if (!version || !version->is_int64() || version->as_int64() != 1)
            return fail("\"keyops_watch\" is not 1 (a cursor of another version, or none)");
        watch_cursor c;
        const auto* kinds = root->if_contains("kinds");
        if (!kinds || !kinds->is_object())
            return fail("\"kinds\" is not an object");
        const auto time_of = [](const boost::json::value& t) -> std::optional<instant> {
            if (!t.is_string())
                return std::nullopt;
            const auto& s = t.get_string();
            return parse_instant(std::string_view(s.data(), s.size()));
        };
        for (const auto& [name, kv] : kinds->get_object()) {
            const std::string kind(name.data(), name.size());
            const auto* k = kv.if_object();
            if (!k)
                return fail("kind \"" + kind + "\" is not an object");
            auto& out = c.kinds[kind];
            for (const char* field : {"watermark", "since"}) {
                if (const auto* t = k->if_contains(field)) {
                    const auto i = time_of(*t);
                    if (!i)
                        return fail("\"" + kind + "\"." + field + " is not an RFC 3339 time");
                    (std::string_view(field) == "watermark" ? out.watermark : out.since) = *i;
                }
            }
            if (const auto* r = k->if_contains("recent")) {
                if (!r->is_object())
                    return fail("\"" + kind + "\".recent is not an object");
                for (const auto& [id, t] : r->get_object()) {
                    const auto i = time_of(t);
                    if (!i)
                        return fail("\"" + kind + "\".recent: the time of a job is not RFC 3339");
                    out.recent[std::string(id.data(), id.size())] = *i;
                }
            }
            if (const auto* o = k->if_contains("open")) {
                if (!o->is_object())
                    return fail("\"" + kind + "\".open is not an object");
                for (const auto& [id, jv] : o->get_object()) {
                    const auto* j = jv.if_object();
                    const auto* state = j ? j->if_contains("state") : nullptr;
                    const auto* abort = j ? j->if_contains("abort") : nullptr;
                    const auto* digest = j ? j->if_contains("digest") : nullptr;
                    if (!state || !state->is_string() || !abort || !abort->is_bool() || !digest ||
                        !digest->is_string() || digest->get_string().size() != 16)
                        return fail("\"" + kind + "\".open: a job is not " +
                                    "{\"state\":text,\"abort\":bool,\"digest\":16 hex digits}");
                    detail::watch_open_job w;
                    w.state = std::string(state->get_string());
                    w.abort = abort->get_bool();
                    for (const char h : digest->get_string()) {
                        const int d = h >= '0' && h <= '9'   ? h - '0'
                                      : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                                             : -1;
                        if (d < 0)
                            return fail("\"" + kind + "\".open: a digest is not hexadecimal");
                        w.digest = w.digest << 4 | static_cast<std::uint64_t>(d);
                    }
                    out.open[std::string(id.data(), id.size())] = std::move(w);
                }
            }
        }
        if (const auto* pk = root->if_contains("proxy_key")) {
            const auto* o = pk->if_object();
            if (!o)
                return fail("\"proxy_key\" is not an object");
            detail::watch_rotation_cursor r;
            if (const auto* st = o->if_contains("status")) {
                if (!st->is_string())
                    return fail("\"proxy_key\".status is not text");
                r.status = std::string(st->get_string());
            }
            if (const auto* u = o->if_contains("updated_at")) {
                if (!u->is_int64())
                    return fail("\"proxy_key\".updated_at is not an integer (epoch ms)");
                r.updated_at = u->get_int64();
            }
            const auto* n = o->if_contains("rotations");
            if (!n || !(n->is_uint64() || (n->is_int64() && n->get_int64() >= 0)))
                return fail("\"proxy_key\".rotations is not a count");
            r.rotations =
                n->is_uint64() ? n->get_uint64() : static_cast<std::uint64_t>(n->get_int64());
            for (const char* field : {"open", "pending"}) {
                const auto* b = o->if_contains(field);
                if (!b || !b->is_bool())
                    return fail(std::string("\"proxy_key\".") + field + " is not true or false");
                (std::string_view(field) == "open" ? r.open : r.pending) = b->get_bool();
            }
            c.proxy_key = std::move(r);
        }
        return c;
    }
};

} // namespace keyops

#endif
