// keyops-sim: the /__sim/ admin API: fault rules, token expiry, reset, request counts, the next
// rotation's failure. Loopback clients only; never faulted or counted.
#include "router.hpp"

#include "common.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace keyops_sim {

namespace {

json::object stats_json(const std::map<std::string, long>& stats, long total) {
    json::object req;
    for (const auto& [k, v] : stats)
        req[k] = v;
    json::object o;
    o["total"] = total;
    o["requests"] = std::move(req);
    return o;
}

} // namespace

Reply Sim::Impl::admin(const Request& req, std::string_view path, Time now) {
    if (!req.loopback)
        return admin_error(403, "the /__sim/ admin API answers loopback clients only");
    boost::system::error_code ec;
    json::value body;
    if (!trim(req.body).empty()) {
        body = json::parse(req.body, ec);
        if (ec)
            return admin_error(400, "request body must be JSON");
    }
    const std::string& m = req.method;
    if (path == "/__sim" || path == "/__sim/") {
        json::object o;
        o["endpoints"] = json::array{
            "GET /__sim/faults",          "POST /__sim/faults",        "DELETE /__sim/faults",
            "DELETE /__sim/faults/{id}",  "POST /__sim/expire-tokens", "POST /__sim/reset",
            "GET /__sim/stats",           "DELETE /__sim/stats",       "POST /__sim/rotation-fail",
            "GET /__sim/tokens",          "GET /__sim/jobs",           "GET /__sim/nodes",
            "POST /__sim/nodes/{n}/down", "POST /__sim/nodes/{n}/up",  "POST /__sim/run-now-empty"};
        return json_reply(200, o);
    }
    if (path == "/__sim/faults") {
        if (m == "GET") {
            json::array a;
            for (const auto& f : faults.rules)
                a.emplace_back(fault_to_json(f));
            json::object o;
            o["faults"] = std::move(a);
            return json_reply(200, o);
        }
        if (m == "DELETE") {
            json::object o;
            o["cleared"] = faults.rules.size();
            faults.rules.clear();
            return json_reply(200, o);
        }
        if (m != "POST")
            return method_not_allowed(path, "GET, POST, DELETE");
        std::vector<json::object> specs;
        if (body.is_object())
            specs.push_back(body.as_object());
        else if (body.is_array())
            for (const auto& e : body.as_array()) {
                if (!e.is_object())
                    return admin_error(400, "each fault must be a JSON object");
                specs.push_back(e.as_object());
            }
        else
            return admin_error(400, "body must be a fault object or an array of them");
        std::vector<Fault> added;
        for (const auto& s : specs) {
            Fault f;
            std::string err;
            if (!fault_from_json(s, f, err))
                return admin_error(400, err);
            added.push_back(f);
        }
        json::array out;
        for (auto& f : added) {
            f.id = faults.next_id++;
            faults.rules.push_back(f);
            out.emplace_back(fault_to_json(f));
        }
        if (body.is_object())
            return json_reply(201, out[0]);
        json::object o;
        o["faults"] = std::move(out);
        return json_reply(201, o);
    }
    if (starts_with(path, "/__sim/faults/")) {
        if (m != "DELETE")
            return method_not_allowed(path, "DELETE");
        long long id = 0;
        if (!parse_nonneg(path.substr(14), id))
            return admin_error(404, "no such fault");
        auto it = std::find_if(faults.rules.begin(), faults.rules.end(),
                               [&](const Fault& f) { return f.id == id; });
        if (it == faults.rules.end())
            return admin_error(404, "no such fault");
        json::object o = fault_to_json(*it);
        faults.rules.erase(it);
        return json_reply(200, o);
    }
    if (path == "/__sim/expire-tokens") {
        if (m != "POST")
            return method_not_allowed(path, "POST");
        bool refresh_too = false;
        if (body.is_object())
            if (auto* r = body.as_object().if_contains("refresh"))
                refresh_too = r->is_bool() && r->get_bool();
        json::object o;
        o["expired"] = tokens.expire_all(now, refresh_too);
        return json_reply(200, o);
    }
    if (path == "/__sim/reset") {
        if (m != "POST")
            return method_not_allowed(path, "POST");
        reset(now);
        json::object o;
        o["reset"] = true;
        return json_reply(200, o);
    }
    if (path == "/__sim/stats") {
        if (m == "DELETE") {
            stats.clear();
            total = 0;
        } else if (m != "GET") {
            return method_not_allowed(path, "GET, DELETE");
        }
        return json_reply(200, stats_json(stats, total));
    }
    if (path == "/__sim/tokens") {
        if (m != "GET")
            return method_not_allowed(path, "GET");
        return json_reply(200, tokens.live_tokens(now));
    }
    if (path == "/__sim/jobs") {
        if (m != "GET")
            return method_not_allowed(path, "GET");
        return jobs_summary(now);
    }
    if (path == "/__sim/nodes") {
        if (m != "GET")
            return method_not_allowed(path, "GET");
        json::array a;
        for (std::size_t i = 0; i < node_down.size(); ++i) {
            json::object n;
            n["node"] = i + 1;
            n["up"] = !node_down[i];
            a.emplace_back(std::move(n));
        }
        json::object o;
        o["nodes"] = std::move(a);
        o["replication_lag_ms"] = cfg.replication_lag_ms;
        return json_reply(200, o);
    }
    if (starts_with(path, "/__sim/nodes/")) {
        // /__sim/nodes/N/down or /__sim/nodes/N/up, N from 1
        std::string_view rest = path.substr(sizeof("/__sim/nodes/") - 1);
        const auto slash = rest.find('/');
        const std::string_view num = rest.substr(0, slash);
        const std::string_view what =
            slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
        std::size_t n = 0;
        bool digits = !num.empty() && num.size() < 4;
        for (char c : num)
            if (c >= '0' && c <= '9')
                n = n * 10 + static_cast<std::size_t>(c - '0');
            else
                digits = false;
        if (!digits || n == 0 || n > node_down.size() || (what != "down" && what != "up"))
            return admin_error(404, "no admin route " + std::string(path) + " (nodes are 1.." +
                                        std::to_string(node_down.size()) + ", then /down or /up)");
        if (m != "POST")
            return method_not_allowed(path, "POST");
        const bool down = what == "down";
        if (node_down[n - 1] != down) {
            node_down[n - 1] = down;
            ++node_generation;
        }
        json::object o;
        o["node"] = n;
        o["up"] = !down;
        return json_reply(200, o);
    }
    if (path == "/__sim/rotation-fail") {
        if (m != "POST")
            return method_not_allowed(path, "POST");
        std::vector<std::string> ids{"collector-1", "collector-2"};
        if (body.is_object())
            if (auto* c = body.as_object().if_contains("collectors"))
                if (!string_array(*c, ids) || ids.empty())
                    return admin_error(400, "collectors must be an array of strings");
        ni.fail_next(ids);
        json::object o;
        o["fail_next_rotation"] = true;
        o["failedCollectorIds"] = to_array(ids);
        return json_reply(200, o);
    }
    if (path == "/__sim/run-now-empty") {
        if (m != "POST")
            return method_not_allowed(path, "POST");
        bool empty = true;
        if (body.is_object())
            if (auto* e = body.as_object().if_contains("empty")) {
                if (!e->is_bool())
                    return admin_error(400, "empty must be a boolean");
                empty = e->get_bool();
            }
        scheduler.run_now_empty = empty;
        json::object o;
        o["run_now_empty"] = empty;
        return json_reply(200, o);
    }
    return admin_error(404, "no admin route " + std::string(path));
}

} // namespace keyops_sim
