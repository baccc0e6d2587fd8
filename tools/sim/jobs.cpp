// keyops-sim: the CCKM jobs (see jobs.hpp), and the table of the kinds the simulator serves.
#include "jobs.hpp"

#include "common.hpp"
#include "kinds.hpp"

#include <keyops/endpoint/cckm.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <tuple>

namespace keyops_sim {

namespace cckm = keyops::cckm;
using std::chrono::microseconds;
using std::chrono::seconds;

namespace {

// A job as it looks at one instant.
struct View {
    const Job* job;
    Time created;
    Time updated;
    std::string status;
    json::object obj;
};

// A cancelled job stops shortly after the request, so a client sees abort:true while in_progress.
Clock::duration cancel_delay(double job_seconds) {
    return secs(std::max(1.0, 0.2 * job_seconds));
}

// "2021-03-03T09:22:15.05611Z": parses what rfc3339() writes (used for the verbatim seed jobs).
Time parse_rfc3339(std::string_view s) {
    std::tm tm{};
    int frac_pos = 0;
    std::string str(s);
    if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &frac_pos) != 6)
        return Time{};
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    long long us = 0;
    if (static_cast<std::size_t>(frac_pos) < str.size() && str[frac_pos] == '.') {
        long scale = 100000;
        for (std::size_t i = frac_pos + 1;
             i < str.size() && std::isdigit(static_cast<unsigned char>(str[i])); ++i) {
            us += (str[i] - '0') * scale;
            scale /= 10;
        }
    }
    return Time(seconds(timegm(&tm))) + microseconds(us);
}

// Splits repeated and comma-separated query values ("a,b" and a=..&a=..) into one list.
void add_values(std::string_view v, std::vector<std::string>& out) {
    while (!v.empty()) {
        auto comma = v.find(',');
        auto part = trim(v.substr(0, comma));
        if (!part.empty())
            out.emplace_back(part);
        if (comma == std::string_view::npos)
            break;
        v.remove_prefix(comma + 1);
    }
}

View view(const Job& j, Time now) {
    View v{&j, j.created, j.created, {}, {}};
    if (j.fixed) {
        v.updated = j.fixed_updated;
        v.status = j.fixed_status;
        v.obj = *j.fixed;
        return v;
    }
    const Kind& k = kinds()[j.kind];
    std::size_t n =
        k.style == Style::uav ? static_cast<std::size_t>(j.version_count) : j.resources.size();
    n = std::max<std::size_t>(n, 1);
    auto step = [&](std::size_t i) {
        return j.created + secs(j.seconds * static_cast<double>(i + 1) / static_cast<double>(n));
    };
    Time natural = j.created + secs(j.seconds);
    Time end = natural;
    if (j.cancelled)
        end = std::min(natural, *j.cancelled + cancel_delay(j.seconds));
    bool done = now >= end;
    Time horizon = done ? end : now;
    Time updated = j.created;
    bool failed = false;
    json::object detailed;
    if (k.style == Style::uav) {
        failed = icontains(j.key_id, "fail");
        json::array completed;
        for (std::size_t i = 0; i < n; ++i) {
            if (step(i) > horizon)
                break;
            updated = step(i);
            // Newest version first, as in the seed ("completed": ["2","1"]).
            if (!failed)
                completed.emplace_back(std::to_string(n - i));
        }
        detailed["completed"] = std::move(completed);
        std::string key =
            "projects/keyops-sim/locations/global/keyRings/sim-ring/cryptoKeys/" + j.key_id;
        detailed[key] = !done    ? "Updating all key versions state."
                        : failed ? "Failed to update all key versions state: simulated failure."
                                 : k.ok_text;
    } else {
        bool marked = false;
        for (std::size_t i = 0; i < n && i < j.resources.size(); ++i) {
            const std::string& r = j.resources[i];
            std::string key = k.prefix + r;
            if (step(i) <= horizon) {
                bool f = icontains(r, "fail");
                failed = failed || f;
                detailed[key] =
                    f ? std::string(k.noun) + " synchronization failed: simulated failure"
                      : std::string(k.ok_text);
                updated = step(i);
            } else if (done) {
                detailed[key] = "synchronization aborted";
            } else if (!marked) {
                detailed[key] = "synchronizing";
                marked = true;
            }
        }
    }
    if (j.cancelled && *j.cancelled <= horizon)
        updated = std::max(updated, *j.cancelled);
    // The seeds show updatedAt a fraction of a millisecond after completed_at.
    if (done)
        updated = end + microseconds(211);
    v.updated = updated;
    v.status = !done ? "in_progress" : failed ? "failed" : "completed";

    json::object& o = v.obj;
    o["id"] = j.id;
    if (k.style == Style::uav) {
        o["uri"] = "kylo:kylo:cckm:update_all_versions:" + j.id;
        o["account"] = "kylo:kylo:admin:accounts:kylo";
        o["createdAt"] = rfc3339(j.created);
        o["updatedAt"] = rfc3339(updated);
        if (done)
            o["completed_at"] = rfc3339(end);
        o["overall_status"] = v.status;
        o["detailed_status"] = std::move(detailed);
        o["job_id"] = j.id;
        o["key_id"] = j.key_id;
        o["version_count"] = j.version_count;
        o["operation"] = j.operation;
        o["abort"] = false;
        return v;
    }
    o["uri"] = "kylo:kylo:cckm:synchronize:" + j.id;
    o["account"] = "kylo:kylo:admin:accounts:kylo";
    o["application"] = "ncryptify:gemalto:admin:apps:kylo";
    o["devAccount"] = "ncryptify:gemalto:admin:accounts:gemalto";
    o["createdAt"] = rfc3339(j.created);
    o["updatedAt"] = rfc3339(updated);
    if (done)
        o["completed_at"] = rfc3339(end);
    o["overall_status"] = v.status;
    o["detailed_status"] = std::move(detailed);
    o["cloud"] = k.cloud;
    o[k.field] = to_array(j.resources);
    if (!j.regions.empty())
        o["regions"] = to_array(j.regions);
    o["abort"] = j.cancelled.has_value();
    if (*k.sync_item)
        o["sync_item"] = k.sync_item;
    return v;
}

} // namespace

Jobs::Jobs(const Config& c) : cfg(c) {}

void Jobs::reset(Time now) {
    job_rng.seed(cfg.seed);
    scenario_rng.seed(cfg.seed + 1);
    scenario_start = trunc_us(now);
    scenario_made = 0;
    jobs.assign(kinds().size(), {});
    seed_jobs(trunc_us(now));
}

void Jobs::run_scenario(Time now) {
    if (cfg.scenario_per_minute <= 0)
        return;
    std::vector<std::size_t> listed;
    for (std::size_t ki = 0; ki < kinds().size(); ++ki)
        if (kinds()[ki].has_list)
            listed.push_back(ki);
    const double every = 60.0 / cfg.scenario_per_minute; // seconds between two starts
    for (;;) {
        if (cfg.scenario_count > 0 && scenario_made >= cfg.scenario_count)
            return;
        const Time at = trunc_us(scenario_start + secs(every * static_cast<double>(scenario_made)));
        if (at > now)
            return;
        const std::size_t ki = listed[static_cast<std::size_t>(scenario_made) % listed.size()];
        const Kind& k = kinds()[ki];
        Job j;
        j.kind = ki;
        j.created = at;
        j.seconds = cfg.job_seconds;
        if (cfg.job_seconds_max > cfg.job_seconds)
            j.seconds = std::uniform_real_distribution<double>(cfg.job_seconds,
                                                               cfg.job_seconds_max)(scenario_rng);
        j.resources = {k.samples[0], k.samples[1]};
        j.id = uuid4(scenario_rng);
        jobs[ki].push_back(std::move(j));
        ++scenario_made;
    }
}

void Jobs::seed_jobs(Time now) {
    using std::chrono::hours;
    using std::chrono::minutes;
    for (const auto& s : example_jobs()) {
        std::size_t ki = kind_index(s.kind);
        if (ki == kinds().size())
            continue; // a kind the simulator does not serve
        Job j;
        j.kind = ki;
        json::object o = json::parse(s.json).as_object();
        j.id = std::string(o["id"].as_string());
        j.created = parse_rfc3339(o["createdAt"].as_string());
        j.fixed_updated = parse_rfc3339(o["updatedAt"].as_string());
        j.fixed_status = std::string(o["overall_status"].as_string());
        if (*kinds()[ki].field)
            string_array(o[kinds()[ki].field], j.resources);
        j.fixed = std::move(o);
        jobs[ki].push_back(std::move(j));
    }
    // Three finished jobs of every kind (completed, failed, cancelled), days old.
    for (std::size_t ki = 0; ki < kinds().size(); ++ki) {
        const Kind& k = kinds()[ki];
        auto make = [&](Clock::duration ago, std::vector<std::string> res) {
            Job j;
            j.id = uuid4(job_rng);
            j.kind = ki;
            j.created = now - ago;
            j.seconds = 31.4;
            j.resources = std::move(res);
            return j;
        };
        if (k.style == Style::uav) {
            Job a = make(hours(26) + minutes(17), {});
            a.key_id = uuid4(job_rng);
            a.operation = "enable";
            a.version_count = 3;
            a.seconds = 4.1;
            jobs[ki].push_back(a);
            continue;
        }
        Job a = make(hours(72) + minutes(13), {k.samples[0], k.samples[1]});
        if (k.kind == cckm::job_kind::aws)
            a.regions = {"us-east-1", "us-west-2"};
        Job b = make(hours(48) + minutes(41), {k.samples[0], k.samples[2]});
        Job c = make(hours(24) + minutes(5), {k.samples[1]});
        c.cancelled = c.created + seconds(3);
        jobs[ki].push_back(a);
        jobs[ki].push_back(b);
        jobs[ki].push_back(c);
    }
}

Job* Jobs::find_job(std::size_t ki, std::string_view id, const Request& req, Time now) {
    for (auto& j : jobs[ki])
        if (j.id == id)
            return visible(j, req, now) ? &j : nullptr;
    return nullptr;
}

bool Jobs::visible(const Job& j, const Request& req, Time now) const {
    return cfg.replication_lag_ms <= 0 || j.origin_node == req.node ||
           now >= j.created + std::chrono::milliseconds(cfg.replication_lag_ms);
}

Reply Jobs::list(std::size_t ki, const Request& req, const boost::urls::url_view& u, Time now) {
    const Kind& k = kinds()[ki];
    long long skip = 0;
    long long limit = 10;
    std::vector<std::string> ids, statuses, resources;
    // --sort documented: a kind whose `sort` is not documented ignores it, oldest first.
    const bool honours_sort = !cfg.sort_documented_only || k.kind == cckm::job_kind::sfdc_keys ||
                              k.kind == cckm::job_kind::sfdc_certificates ||
                              k.kind == cckm::job_kind::dsm;
    std::vector<std::pair<std::string, bool>> sort{{"createdAt", honours_sort}};
    for (auto p : u.params()) {
        const std::string& key = p.key;
        const std::string& val = p.value;
        if (key == "skip") {
            if (!parse_nonneg(val, skip))
                return cckm_invalid("skip must be a non-negative integer");
        } else if (key == "limit") {
            if (!parse_nonneg(val, limit) || limit < 1 || limit > 1000)
                return cckm_invalid("limit must be an integer from 1 to 1000");
        } else if (key == "id") {
            add_values(val, ids);
        } else if (key == "overall_status") {
            std::vector<std::string> st;
            add_values(val, st);
            for (const auto& s : st)
                if (s != "in_progress" && s != "completed" && s != "failed")
                    return cckm_invalid("overall_status must be in_progress, completed or "
                                        "failed");
            statuses.insert(statuses.end(), st.begin(), st.end());
        } else if (*k.filter && key == k.filter) {
            add_values(val, resources);
        } else if (key == "sort") {
            std::vector<std::string> fields;
            add_values(val, fields);
            sort.clear();
            for (auto f : fields) {
                bool desc = !f.empty() && f[0] == '-';
                if (!f.empty() && (f[0] == '-' || f[0] == '+'))
                    f.erase(0, 1);
                if (f != "createdAt" && f != "updatedAt" && f != "id" && f != "overall_status")
                    return cckm_invalid("cannot sort by \"" + f +
                                        "\"; use createdAt, updatedAt, id or overall_status");
                sort.emplace_back(f, desc);
            }
            if (sort.empty())
                sort.emplace_back("createdAt", true);
            if (!honours_sort)
                sort = {{"createdAt", false}};
        }
        // Other query keys are ignored, as the real server ignores unknown ones.
    }
    auto has = [](const std::vector<std::string>& set, const std::string& s) {
        return std::find(set.begin(), set.end(), s) != set.end();
    };
    std::vector<View> views;
    for (const Job& j : jobs[ki]) {
        if (!visible(j, req, now))
            continue;
        if (!ids.empty() && !has(ids, j.id))
            continue;
        if (!resources.empty() &&
            std::none_of(j.resources.begin(), j.resources.end(),
                         [&](const std::string& r) { return has(resources, r); }))
            continue;
        View v = view(j, now);
        if (!statuses.empty() && !has(statuses, v.status))
            continue;
        views.push_back(std::move(v));
    }
    std::stable_sort(views.begin(), views.end(), [&](const View& a, const View& b) {
        for (const auto& [field, desc] : sort) {
            int c = 0;
            if (field == "createdAt")
                c = a.created < b.created ? -1 : b.created < a.created ? 1 : 0;
            else if (field == "updatedAt")
                c = a.updated < b.updated ? -1 : b.updated < a.updated ? 1 : 0;
            else if (field == "id")
                c = a.job->id.compare(b.job->id);
            else
                c = a.status.compare(b.status);
            if (c != 0)
                return desc ? c > 0 : c < 0;
        }
        return false;
    });
    json::array page;
    for (std::size_t i = static_cast<std::size_t>(skip);
         i < views.size() && page.size() < static_cast<std::size_t>(limit); ++i)
        page.emplace_back(std::move(views[i].obj));
    json::object out;
    out["skip"] = skip;
    out["limit"] = limit;
    out["total"] = views.size();
    out["resources"] = std::move(page);
    return json_reply(200, out);
}

Reply Jobs::start(std::size_t ki, const Request& req, Time now) {
    const Kind& k = kinds()[ki];
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec || !body.is_object())
        return cckm_bad("request body must be a JSON object");
    const json::object& o = body.as_object();
    Job j;
    j.kind = ki;
    j.created = trunc_us(now);
    j.origin_node = req.node;
    j.seconds = cfg.job_seconds;
    if (k.style == Style::uav) {
        auto* key = o.if_contains("key_id");
        if (!key || !key->is_string() || key->get_string().empty())
            return cckm_invalid("key_id is required");
        auto* op = o.if_contains("operation");
        static const char* ops[] = {"enable", "disable", "schedule_destroy", "cancel_destroy"};
        if (!op || !op->is_string() ||
            std::none_of(std::begin(ops), std::end(ops),
                         [&](const char* s) { return op->get_string() == s; }))
            return cckm_invalid("operation must be enable, disable, schedule_destroy or "
                                "cancel_destroy");
        j.key_id = std::string(key->get_string());
        j.operation = std::string(op->get_string());
        j.version_count = 1 + static_cast<long long>(job_rng() % 4);
    } else if (k.style == Style::named) {
        bool all = false;
        if (auto* sa = o.if_contains("synchronize_all")) {
            if (!sa->is_bool())
                return cckm_invalid("synchronize_all must be a boolean");
            all = sa->get_bool();
        }
        if (auto* r = o.if_contains(k.body_field)) {
            if (!string_array(*r, j.resources))
                return cckm_invalid(std::string(k.body_field) +
                                    " must be an array of non-empty strings");
        }
        if (k.kind == cckm::job_kind::aws) {
            if (auto* r = o.if_contains("regions"))
                if (!string_array(*r, j.regions))
                    return cckm_invalid("regions must be an array of non-empty strings");
        }
        if (j.resources.empty()) {
            if (!all)
                return cckm_invalid(std::string(k.body_field) +
                                    " must name at least one resource unless "
                                    "synchronize_all is true");
            j.resources = {k.samples[0], k.samples[1]};
        }
    } else {
        // Bulk, SAP, Luna and external CM bodies are not documented: the first array of
        // strings names the resources.
        for (const auto& kv : o)
            if (string_array(kv.value(), j.resources) && !j.resources.empty())
                break;
        if (j.resources.empty())
            j.resources = {"default"};
    }
    if (cfg.job_seconds_max > cfg.job_seconds)
        j.seconds =
            std::uniform_real_distribution<double>(cfg.job_seconds, cfg.job_seconds_max)(job_rng);
    j.id = uuid4(job_rng);
    jobs[ki].push_back(j);
    return json_reply(201, view(jobs[ki].back(), now).obj);
}

Reply Jobs::cancel(Job& j, Time now) {
    View v = view(j, now);
    if (v.status != "in_progress")
        return cckm_error(409, 15, "NCERRBadRequest: Only an in-progress job can be cancelled",
                          "job " + j.id + " is " + v.status);
    if (!j.cancelled)
        j.cancelled = trunc_us(now);
    return json_reply(200, view(j, now).obj);
}

Reply Jobs::route(const Request& req, std::string_view path, const boost::urls::url_view& u,
                  Time now) {
    run_scenario(now);
    for (std::size_t ki = 0; ki < kinds().size(); ++ki) {
        const Kind& k = kinds()[ki];
        std::string_view base = k.path;
        if (!starts_with(path, base) || (path.size() > base.size() && path[base.size()] != '/'))
            continue;
        std::string_view rest = path.substr(base.size());
        if (rest.empty()) {
            if (!k.has_list)
                return req.method == "POST" ? start(ki, req, now)
                                            : method_not_allowed(path, "POST");
            if (req.method == "GET")
                return list(ki, req, u, now);
            if (req.method == "POST")
                return start(ki, req, now);
            return method_not_allowed(path, "GET, POST");
        }
        rest.remove_prefix(1);
        auto slash = rest.find('/');
        std::string id(rest.substr(0, slash));
        std::string_view tail = slash == std::string_view::npos ? "" : rest.substr(slash);
        if (tail.empty()) {
            if (req.method == "DELETE" && k.kind == cckm::job_kind::azure_bulk) {
                auto& list = jobs[ki];
                const auto it = std::find_if(list.begin(), list.end(),
                                             [&](const Job& j) { return j.id == id; });
                if (it == list.end())
                    return cckm_not_found("no " + std::string(k.name) + " job with id " + id);
                list.erase(it);
                Reply r;
                r.status = 204;
                return r;
            }
            if (req.method != "GET")
                return method_not_allowed(path, k.kind == cckm::job_kind::azure_bulk ? "GET, DELETE"
                                                                                     : "GET");
            Job* j = find_job(ki, id, req, now);
            if (!j)
                return cckm_not_found("no " + std::string(k.name) + " job with id " + id);
            return json_reply(200, view(*j, now).obj);
        }
        if (tail == "/cancel" && k.has_cancel) {
            if (req.method != "POST")
                return method_not_allowed(path, "POST");
            Job* j = find_job(ki, id, req, now);
            if (!j)
                return cckm_not_found("no " + std::string(k.name) + " job with id " + id);
            return cancel(*j, now);
        }
        break;
    }
    return cckm_not_found("no route for " + std::string(path));
}

// The state file's form. A kind is named, so that a file outlives a change in the order of
// the served kinds; a job of a kind this build does not serve is dropped. Times are the
// system clock's, so a job goes on progressing while the simulator is down, as a real one would.
json::object Jobs::save() const {
    json::array all;
    for (const auto& per_kind : jobs)
        for (const Job& j : per_kind) {
            json::object o;
            o["kind"] = kinds()[j.kind].name;
            o["id"] = j.id;
            o["created"] = time_count(j.created);
            o["seconds"] = j.seconds;
            o["resources"] = to_array(j.resources);
            if (!j.regions.empty())
                o["regions"] = to_array(j.regions);
            if (j.cancelled)
                o["cancelled"] = time_count(*j.cancelled);
            if (!j.key_id.empty()) {
                o["key_id"] = j.key_id;
                o["operation"] = j.operation;
                o["version_count"] = j.version_count;
            }
            if (j.fixed) {
                o["fixed"] = *j.fixed;
                o["fixed_updated"] = time_count(j.fixed_updated);
                o["fixed_status"] = j.fixed_status;
            }
            all.emplace_back(std::move(o));
        }
    json::object out;
    out["rng"] = rng_state(job_rng);
    out["jobs"] = std::move(all);
    return out;
}

void Jobs::restore(const json::object& in) {
    std::vector<std::vector<Job>> restored(kinds().size());
    for (const auto& v : in.at("jobs").as_array()) {
        const json::object& o = v.as_object();
        const json::string& name = o.at("kind").as_string();
        std::size_t ki = 0;
        while (ki < kinds().size() && kinds()[ki].name != std::string_view(name))
            ++ki;
        if (ki == kinds().size())
            continue;
        Job j;
        j.kind = ki;
        j.id = std::string(o.at("id").as_string());
        j.created = time_from_count(o.at("created"));
        j.seconds = o.at("seconds").to_number<double>();
        if (!string_array(o.at("resources"), j.resources))
            throw std::runtime_error("a job's resources are not strings");
        if (auto* r = o.if_contains("regions"))
            string_array(*r, j.regions);
        if (auto* c = o.if_contains("cancelled"))
            j.cancelled = time_from_count(*c);
        if (auto* k = o.if_contains("key_id")) {
            j.key_id = std::string(k->as_string());
            j.operation = std::string(o.at("operation").as_string());
            j.version_count = o.at("version_count").to_number<long long>();
        }
        if (auto* f = o.if_contains("fixed")) {
            j.fixed = f->as_object();
            j.fixed_updated = time_from_count(o.at("fixed_updated"));
            j.fixed_status = std::string(o.at("fixed_status").as_string());
        }
        restored[ki].push_back(std::move(j));
    }
    if (!set_rng_state(job_rng, in.at("rng").as_string()))
        throw std::runtime_error("the job id generator's state is not readable");
    jobs = std::move(restored);
}

json::array Jobs::summary(Time now) const {
    json::array out;
    for (const auto& per_kind : jobs)
        for (const Job& j : per_kind) {
            View v = view(j, now);
            json::object o;
            o["kind"] = kinds()[j.kind].name;
            o["id"] = j.id;
            o["overall_status"] = v.status;
            auto* abort = v.obj.if_contains("abort");
            o["abort"] = abort && abort->is_bool() && abort->get_bool();
            out.emplace_back(std::move(o));
        }
    return out;
}

} // namespace keyops_sim
