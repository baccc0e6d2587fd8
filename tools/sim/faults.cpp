// keyops-sim: the fault rules (see faults.hpp) and parse_fault_spec() of sim.hpp.
#include "faults.hpp"

#include "auth.hpp"
#include "common.hpp"

#include <algorithm>
#include <cstdint>

namespace keyops_sim {

using std::chrono::seconds;

namespace {

constexpr long long kDefaultOversize = 20LL * 1024 * 1024;
constexpr long kDefaultSlowMs = 50;
constexpr long kDefaultLatencyMs = 500;

const char* reason(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Error";
    }
}

// An OCI request id, three groups of 32 hex digits as OCI prints them, different on each
// answer (derived from the time and the rule; nothing depends on its value).
std::string opc_request_id(Time now, long rule) {
    std::uint64_t x = static_cast<std::uint64_t>(now.time_since_epoch().count()) ^
                      (static_cast<std::uint64_t>(rule) << 48);
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (int group = 0; group < 3; ++group) {
        if (group > 0)
            out += '/';
        for (int half = 0; half < 2; ++half) {
            // splitmix64
            x += 0x9e3779b97f4a7c15ULL;
            std::uint64_t z = x;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            z ^= z >> 31;
            for (int i = 0; i < 16; ++i)
                out += hex[(z >> (4 * i)) & 15];
        }
    }
    return out;
}

bool matches(const Fault& f, const Request& req, std::string_view path) {
    if (!f.method.empty() && f.method != req.method)
        return false;
    if (f.node != 0 && f.node != req.node + 1)
        return false;
    return f.route == "*" || starts_with(path, f.route);
}

} // namespace

const char* fault_name(FaultKind k) {
    switch (k) {
    case FaultKind::latency:
        return "latency";
    case FaultKind::status:
        return "status";
    case FaultKind::close_before:
        return "close_before";
    case FaultKind::close_after:
        return "close_after";
    case FaultKind::close_mid_body:
        return "close_mid_body";
    case FaultKind::truncate:
        return "truncate";
    case FaultKind::slow_body:
        return "slow_body";
    case FaultKind::malformed:
        return "malformed";
    case FaultKind::oversize:
        return "oversize";
    case FaultKind::expire_tokens:
        return "expire_tokens";
    case FaultKind::throttle_text:
        return "throttle_text";
    case FaultKind::oci_quota:
        return "oci_quota";
    }
    return "?";
}

bool answers_for_route(FaultKind k) {
    return k == FaultKind::status || k == FaultKind::throttle_text || k == FaultKind::oci_quota;
}

bool fault_from_json(const json::object& o, Fault& f, std::string& err) {
    f = Fault{};
    bool have_fault = false;
    bool have_status = false;
    for (const auto& kv : o) {
        std::string key(kv.key());
        const json::value& v = kv.value();
        long long n = 0;
        if (key == "route") {
            if (!v.is_string() || (v.get_string() != "*" && !starts_with(v.get_string(), "/"))) {
                err = "route must be \"*\" or a path starting with /";
                return false;
            }
            f.route = std::string(v.get_string());
        } else if (key == "method") {
            if (!v.is_string()) {
                err = "method must be a string";
                return false;
            }
            f.method = std::string(v.get_string());
        } else if (key == "fault") {
            if (!v.is_string()) {
                err = "fault must be a string";
                return false;
            }
            std::string name(v.get_string());
            have_fault = true;
            if (name == "latency")
                f.kind = FaultKind::latency;
            else if (name == "status")
                f.kind = FaultKind::status;
            else if (name == "429" || name == "500" || name == "503") {
                f.kind = FaultKind::status;
                if (!have_status)
                    f.status = std::stoi(name);
            } else if (name == "close_before")
                f.kind = FaultKind::close_before;
            else if (name == "close_after")
                f.kind = FaultKind::close_after;
            else if (name == "close_mid_body")
                f.kind = FaultKind::close_mid_body;
            else if (name == "truncate")
                f.kind = FaultKind::truncate;
            else if (name == "slow_body")
                f.kind = FaultKind::slow_body;
            else if (name == "malformed")
                f.kind = FaultKind::malformed;
            else if (name == "oversize")
                f.kind = FaultKind::oversize;
            else if (name == "expire_tokens")
                f.kind = FaultKind::expire_tokens;
            else if (name == "throttle_text")
                f.kind = FaultKind::throttle_text;
            else if (name == "oci_quota")
                f.kind = FaultKind::oci_quota;
            else {
                err = "unknown fault \"" + name + "\"";
                return false;
            }
        } else if (key == "status") {
            if (!json_int(v, n) || n < 200 || n > 599) {
                err = "status must be an integer from 200 to 599";
                return false;
            }
            f.status = static_cast<int>(n);
            have_status = true;
        } else if (key == "retry_after") {
            if (json_int(v, n) && n >= 0)
                f.retry_after = std::to_string(n);
            else if (v.is_string())
                f.retry_after = std::string(v.get_string());
            else {
                err = "retry_after must be seconds, \"date:N\" or an HTTP date";
                return false;
            }
        } else if (key == "body") {
            const bool literal = v.is_string() && !v.get_string().empty() &&
                                 (v.get_string().front() == '{' || v.get_string().front() == '[');
            if (!v.is_string() ||
                (!literal && v.get_string() != "json" && v.get_string() != "empty" &&
                 v.get_string() != "html" && v.get_string() != "echo")) {
                err = "body must be \"json\", \"empty\", \"html\", \"echo\" or a literal "
                      "JSON text starting with { or [";
                return false;
            }
            f.body = v.get_string() == "json" ? "" : std::string(v.get_string());
        } else if (key == "node") {
            if (!json_int(v, n) || n < 0 || n > 16) {
                err = "node must be an integer from 1 to 16 (0: any node)";
                return false;
            }
            f.node = static_cast<int>(n);
        } else if (key == "count" || key == "ms" || key == "bytes") {
            if (!json_int(v, n) || n < 0 || n > (1LL << 30)) {
                err = key + " must be a non-negative integer";
                return false;
            }
            if (key == "count")
                f.count = static_cast<long>(n);
            else if (key == "ms")
                f.ms = static_cast<long>(n);
            else
                f.bytes = n;
        } else {
            err = "unknown field \"" + key + "\"";
            return false;
        }
    }
    if (!have_fault) {
        err = "fault is required";
        return false;
    }
    if (!have_status && f.kind == FaultKind::throttle_text)
        f.status = 500;
    if (!have_status && f.kind == FaultKind::oci_quota)
        f.status = 429;
    if (f.ms == 0 && f.kind == FaultKind::latency)
        f.ms = kDefaultLatencyMs;
    if (f.ms == 0 && f.kind == FaultKind::slow_body)
        f.ms = kDefaultSlowMs;
    if (f.bytes == 0 && f.kind == FaultKind::oversize)
        f.bytes = kDefaultOversize;
    f.remaining = f.count;
    return true;
}

json::object fault_to_json(const Fault& f) {
    json::object o;
    o["id"] = f.id;
    o["route"] = f.route;
    if (!f.method.empty())
        o["method"] = f.method;
    o["fault"] = fault_name(f.kind);
    if (answers_for_route(f.kind)) {
        o["status"] = f.status;
        if (!f.retry_after.empty())
            o["retry_after"] = f.retry_after;
        if (f.kind == FaultKind::status && !f.body.empty())
            o["body"] = f.body;
    }
    if (f.node != 0)
        o["node"] = f.node;
    o["count"] = f.count;
    o["remaining"] = f.remaining;
    if (f.kind == FaultKind::latency || f.kind == FaultKind::slow_body)
        o["ms"] = f.ms;
    if (f.kind == FaultKind::truncate || f.kind == FaultKind::oversize)
        o["bytes"] = f.bytes;
    return o;
}

bool parse_fault_spec(std::string_view spec, Fault& out, std::string& error) {
    auto c1 = spec.find(':');
    if (c1 == std::string_view::npos) {
        error = "expected ROUTE:FAULT[:key=value,...]";
        return false;
    }
    json::object o;
    o["route"] = spec.substr(0, c1);
    auto rest = spec.substr(c1 + 1);
    auto c2 = rest.find(':');
    o["fault"] = rest.substr(0, c2);
    if (c2 != std::string_view::npos) {
        auto params = rest.substr(c2 + 1);
        while (!params.empty()) {
            auto comma = params.find(',');
            auto kv = params.substr(0, comma);
            auto eq = kv.find('=');
            if (eq == std::string_view::npos || eq == 0) {
                error = "expected key=value, got \"" + std::string(kv) + "\"";
                return false;
            }
            auto key = kv.substr(0, eq);
            auto value = kv.substr(eq + 1);
            long long n = 0;
            if (key != "method" && key != "body" && parse_nonneg(value, n))
                o[key] = n;
            else
                o[key] = value;
            if (comma == std::string_view::npos)
                break;
            params.remove_prefix(comma + 1);
        }
    }
    return fault_from_json(o, out, error);
}

void Faults::reset(const std::vector<Fault>& initial) {
    rules.clear();
    for (Fault f : initial) {
        f.id = next_id++;
        f.remaining = f.count;
        rules.push_back(f);
    }
}

Plan Faults::plan(const Request& req, std::string_view path, Tokens& tokens) {
    Plan plan;
    for (auto& f : rules) {
        if (!matches(f, req, path) || (f.count > 0 && f.remaining == 0))
            continue;
        if (f.kind == FaultKind::latency)
            plan.latency_ms += f.ms;
        else if (f.kind == FaultKind::expire_tokens)
            tokens.expire_all(Clock::now(), false);
        else if (!plan.has_action) {
            plan.has_action = true;
            plan.action = f;
        } else
            continue; // one wire fault per request; later rules wait for later requests
        if (f.count > 0)
            --f.remaining;
    }
    rules.erase(std::remove_if(rules.begin(), rules.end(),
                               [](const Fault& f) { return f.count > 0 && f.remaining == 0; }),
                rules.end());
    return plan;
}

Reply fault_reply(const Fault& f, const Request& req, std::string_view path, Time now) {
    Reply r;
    if (f.kind == FaultKind::throttle_text || f.kind == FaultKind::oci_quota) {
        // CCKM passes OCI's error text through in its own error shape, whatever the status.
        const std::string id = "(opc-request-id: " + opc_request_id(now, f.id) + ")";
        r = shaped_error(f.status, path,
                         f.kind == FaultKind::throttle_text
                             ? "OCI service error: TooManyRequests. Request was throttled. "
                               "Please retry the request later. " +
                                   id
                             : "OCI service error: LimitExceeded. The request would exceed the "
                               "tenancy's quota or service limit for keys in this vault. " +
                                   id);
    } else if (!f.body.empty() && (f.body.front() == '{' || f.body.front() == '[')) {
        r.status = f.status;
        r.body = f.body;
        r.headers.emplace_back("Content-Type", "application/json");
    } else if (f.body == "echo") {
        // A careless server or proxy: the request's credentials in every text of its error.
        const std::string echoed = "Authorization: " + req.authorization + "; body: " + req.body;
        if (is_ni_path(path)) {
            r = ni_error(f.status, echoed, req.authorization);
        } else {
            json::object o;
            o["code"] = 15;
            o["codeDesc"] = "NCERRBadRequest: " + echoed;
            o["message"] = echoed;
            o["requestID"] = req.authorization;
            r = json_reply(f.status, o);
        }
    } else if (f.body == "empty") {
        r.status = f.status;
    } else if (f.body == "html") {
        r.status = f.status;
        r.body = "<html><head><title>" + std::to_string(f.status) + " " + reason(f.status) +
                 "</title></head><body><h1>" + reason(f.status) +
                 "</h1><hr><center>keyops-sim</center></body></html>\n";
        r.headers.emplace_back("Content-Type", "text/html");
    } else {
        r = shaped_error(f.status, path, std::string(reason(f.status)) + " (simulated fault)");
    }
    if (!f.retry_after.empty()) {
        std::string v = f.retry_after;
        long long n = 0;
        if (starts_with(v, "date:") && parse_nonneg(v.substr(5), n))
            v = http_date(now + seconds(n));
        r.headers.emplace_back("Retry-After", v);
    }
    return r;
}

void damage_body(const Fault& f, Reply& r) {
    if (f.kind == FaultKind::malformed) {
        // Cut inside the document and add stray brackets: never valid JSON.
        r.body = r.body.empty()
                     ? "{"
                     : r.body.substr(0, std::max<std::size_t>(1, r.body.size() / 2)) + "}{]";
    } else if (f.kind == FaultKind::oversize) {
        std::size_t want = static_cast<std::size_t>(f.bytes);
        std::string_view b = r.body;
        bool object = b.size() >= 2 && b.front() == '{';
        bool empty_object = object && trim(b.substr(1)).substr(0, 1) == "}";
        std::string head = "{\"padding\":\"";
        std::string tail = object && !empty_object ? "\"," : "\"";
        std::size_t fixed = head.size() + tail.size() + (object ? b.size() - 1 : 1);
        std::size_t pad = want > fixed ? want - fixed : 1;
        std::string out;
        out.reserve(fixed + pad);
        out += head;
        out.append(pad, 'x');
        out += tail;
        if (object)
            out.append(b.substr(1));
        else
            out += '}';
        r.body = std::move(out);
        if (r.headers.empty())
            r.headers.emplace_back("Content-Type", "application/json");
    }
}

void set_wire(const Fault& f, Reply& r) {
    r.note = fault_name(f.kind);
    switch (f.kind) {
    case FaultKind::close_mid_body:
        r.wire = Wire::close_mid_body;
        r.cut = r.body.size() / 2;
        break;
    case FaultKind::truncate:
        r.wire = Wire::truncate;
        r.cut = f.bytes > 0 && static_cast<std::size_t>(f.bytes) < r.body.size()
                    ? static_cast<std::size_t>(f.bytes)
                    : r.body.size() / 2;
        break;
    case FaultKind::slow_body:
        r.wire = Wire::slow_body;
        r.ms = f.ms;
        break;
    case FaultKind::close_after:
        r.wire = Wire::close_after;
        break;
    default:
        break;
    }
}

} // namespace keyops_sim
