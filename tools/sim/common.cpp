// keyops-sim: the helpers and error replies of common.hpp, and rfc3339() and http_date().
#include "common.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <sstream>

namespace keyops_sim {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

std::tm utc(long long secs_since_epoch) {
    std::time_t tt = static_cast<std::time_t>(secs_since_epoch);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return tm;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Small text and time helpers.

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool icontains(std::string_view hay, std::string_view needle) {
    return lower(hay).find(lower(needle)) != std::string::npos;
}

bool starts_with(std::string_view s, std::string_view p) {
    return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

Time trunc_us(Time t) {
    return Time(std::chrono::time_point_cast<microseconds>(t));
}

long long to_ms(Time t) {
    return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

long long to_s(Time t) {
    return std::chrono::duration_cast<seconds>(t.time_since_epoch()).count();
}

Clock::duration secs(double s) {
    return std::chrono::duration_cast<Clock::duration>(microseconds(std::llround(s * 1e6)));
}

std::int64_t time_count(Time t) {
    return static_cast<std::int64_t>(t.time_since_epoch().count());
}

Time time_from_count(const json::value& v) {
    return Time(Clock::duration(static_cast<Clock::rep>(v.to_number<std::int64_t>())));
}

std::string rfc3339(Time t) {
    long long us = std::chrono::duration_cast<microseconds>(t.time_since_epoch()).count();
    long long s = us / 1000000;
    long long frac = us % 1000000;
    if (frac < 0) {
        frac += 1000000;
        --s;
    }
    std::tm tm = utc(s);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    std::string out = buf;
    if (frac != 0) {
        // Go's RFC 3339 nano format drops trailing zeros, as in the seeds ("15.05611Z").
        std::snprintf(buf, sizeof buf, "%06lld", frac);
        std::string f = buf;
        while (!f.empty() && f.back() == '0')
            f.pop_back();
        out += "." + f;
    }
    return out + "Z";
}

std::string http_date(Time t) {
    static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm = utc(to_s(t));
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7],
                  tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buf;
}

// ---------------------------------------------------------------------------------------------
// Random bytes and ids.

std::string base64(std::string_view in, bool url) {
    static const char* std_chars =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static const char* url_chars =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char* chars = url ? url_chars : std_chars;
    std::string out;
    std::size_t i = 0;
    auto byte = [&](std::size_t k) {
        return static_cast<unsigned char>(in[k]);
    };
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        out += chars[(v >> 18) & 63];
        out += chars[(v >> 12) & 63];
        out += chars[(v >> 6) & 63];
        out += chars[v & 63];
    }
    if (i + 1 == in.size()) {
        unsigned v = byte(i) << 16;
        out += chars[(v >> 18) & 63];
        out += chars[(v >> 12) & 63];
        if (!url)
            out += "==";
    } else if (i + 2 == in.size()) {
        unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
        out += chars[(v >> 18) & 63];
        out += chars[(v >> 12) & 63];
        out += chars[(v >> 6) & 63];
        if (!url)
            out += '=';
    }
    return out;
}

std::string random_bytes(std::mt19937_64& rng, std::size_t n) {
    std::string out;
    while (out.size() < n) {
        std::uint64_t v = rng();
        for (int i = 0; i < 8 && out.size() < n; ++i)
            out += static_cast<char>((v >> (8 * i)) & 0xff);
    }
    return out;
}

std::string uuid4(std::mt19937_64& rng) {
    std::string b = random_bytes(rng, 16);
    b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out += '-';
        out += hex[(static_cast<unsigned char>(b[i]) >> 4) & 15];
        out += hex[static_cast<unsigned char>(b[i]) & 15];
    }
    return out;
}

std::string rng_state(const std::mt19937_64& rng) {
    std::ostringstream out;
    out << rng;
    return out.str();
}

bool set_rng_state(std::mt19937_64& rng, std::string_view text) {
    std::istringstream in{std::string(text)};
    std::mt19937_64 r;
    in >> r;
    if (!in)
        return false;
    rng = r;
    return true;
}

// ---------------------------------------------------------------------------------------------
// Values.

bool parse_nonneg(std::string_view s, long long& out) {
    if (s.empty() || s.size() > 12)
        return false;
    long long v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

bool json_int(const json::value& v, long long& out) {
    if (v.is_int64()) {
        out = v.get_int64();
        return true;
    }
    if (v.is_uint64() && v.get_uint64() <= 0x7fffffffffffffffULL) {
        out = static_cast<long long>(v.get_uint64());
        return true;
    }
    if (v.is_double() && std::floor(v.get_double()) == v.get_double() &&
        std::fabs(v.get_double()) < 1e15) {
        out = static_cast<long long>(v.get_double());
        return true;
    }
    return false;
}

bool string_array(const json::value& v, std::vector<std::string>& out) {
    if (!v.is_array())
        return false;
    out.clear();
    for (const auto& e : v.get_array()) {
        if (!e.is_string() || e.get_string().empty())
            return false;
        out.emplace_back(e.get_string());
    }
    return true;
}

json::array to_array(const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v)
        a.emplace_back(s);
    return a;
}

bool accepts_json(std::string_view accept) {
    if (trim(accept).empty())
        return true; // no Accept header: anything goes
    while (!accept.empty()) {
        const auto comma = accept.find(',');
        std::string_view range = accept.substr(0, comma);
        accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
        const auto semi = range.find(';');
        const std::string type = lower(trim(range.substr(0, semi)));
        if (type != "*/*" && type != "application/*" && type != "application/json")
            continue;
        // A q of 0 (0, 0.0, 0.000) excludes the range; any other weight accepts it.
        bool refused = false;
        std::string_view params =
            semi == std::string_view::npos ? std::string_view() : range.substr(semi + 1);
        while (!params.empty()) {
            const auto next = params.find(';');
            const std::string param = lower(trim(params.substr(0, next)));
            params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
            if (param.size() >= 3 && param.compare(0, 2, "q=") == 0) {
                const std::string_view q = std::string_view(param).substr(2);
                refused = q.find_first_not_of("0.") == std::string_view::npos;
            }
        }
        if (!refused)
            return true;
    }
    return false;
}

bool paging_param(std::string_view key, std::string_view value, long long& skip, long long& limit,
                  Reply& bad) {
    if (key == "skip" && !parse_nonneg(value, skip)) {
        bad = cckm_invalid("skip must be a non-negative integer");
        return false;
    }
    if (key == "limit") {
        if (value == "-1") {
            limit = -1;
        } else if (!parse_nonneg(value, limit) || limit < 1 || limit > 1000) {
            bad = cckm_invalid("limit must be an integer from 1 to 1000, or -1 for every item");
            return false;
        }
    }
    return true;
}

json::object page_of(json::array all, long long skip, long long limit) {
    json::array page;
    for (std::size_t i = static_cast<std::size_t>(skip);
         i < all.size() && (limit < 0 || page.size() < static_cast<std::size_t>(limit)); ++i)
        page.emplace_back(std::move(all[i]));
    json::object out;
    out["skip"] = skip;
    out["limit"] = limit;
    out["total"] = all.size();
    out["resources"] = std::move(page);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Replies.

Reply json_reply(int status, const json::value& v) {
    Reply r;
    r.status = status;
    r.body = json::serialize(v);
    r.headers.emplace_back("Content-Type", "application/json");
    return r;
}

Reply cckm_error(int status, int code, std::string code_desc, std::string_view message) {
    json::object o;
    o["code"] = code;
    o["codeDesc"] = std::move(code_desc);
    if (!message.empty())
        o["message"] = message;
    return json_reply(status, o);
}

Reply cckm_invalid(std::string_view text) {
    return cckm_error(400, 9, "NCERRInvalidParamValue: " + std::string(text), text);
}

Reply cckm_bad(std::string_view text) {
    return cckm_error(400, 15, "NCERRBadRequest: " + std::string(text), text);
}

Reply cckm_not_found(std::string_view text) {
    return cckm_error(404, 16, "NCERRResourceNotFound: Resource not found", text);
}

Reply ni_error(int status, std::string_view message, std::string_view target) {
    json::object d;
    d["code"] = status;
    d["message"] = message;
    d["target"] = json::array{json::string(target)};
    json::object o;
    o["code"] = status;
    o["message"] = message;
    o["details"] = json::array{d};
    return json_reply(status, o);
}

Reply admin_error(int status, std::string_view message) {
    json::object o;
    o["error"] = message;
    return json_reply(status, o);
}

bool is_ni_path(std::string_view path) {
    return starts_with(path, "/api/ni");
}

// An error in the shape of whichever server owns `path`.
Reply shaped_error(int status, std::string_view path, std::string_view text) {
    if (is_ni_path(path))
        return ni_error(status, text, path);
    if (starts_with(path, "/__sim"))
        return admin_error(status, text);
    int code = 15;
    std::string name = "NCERRBadRequest";
    if (status == 401) {
        code = 1;
        name = "NCERRUnauthorized";
    } else if (status == 404) {
        code = 16;
        name = "NCERRResourceNotFound";
    } else if (status >= 500) {
        code = 14;
        name = "NCERRInternalServerError";
    }
    return cckm_error(status, code, name + ": " + std::string(text), text);
}

Reply method_not_allowed(std::string_view path, std::string_view allow) {
    Reply r = shaped_error(405, path, "method not allowed; use " + std::string(allow));
    r.headers.emplace_back("Allow", std::string(allow));
    return r;
}

} // namespace keyops_sim
