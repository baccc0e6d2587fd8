// keyops-sim: the CipherTrust scheduler (see scheduler.hpp).
#include "scheduler.hpp"

#include "common.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace keyops_sim {

namespace {

constexpr std::string_view kBase = "/api/v1/scheduler";
constexpr const char* kReserved[] = {"id", "uri", "account", "createdAt", "updatedAt"};

bool reserved(std::string_view key) {
    return std::any_of(std::begin(kReserved), std::end(kReserved),
                       [&](const char* k) { return key == k; });
}

// Merges `extra` into `into`: objects member by member, anything else replaced.
void merge(json::object& into, const json::object& extra) {
    for (const auto& kv : extra) {
        auto* mine = into.if_contains(kv.key());
        if (mine && mine->is_object() && kv.value().is_object())
            merge(mine->as_object(), kv.value().as_object());
        else
            into[kv.key()] = kv.value();
    }
}

std::string text_of(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// What is wrong with a job config, or "" when it is one the simulator runs.
std::string config_problem(const json::object& o) {
    auto* name = o.if_contains("name");
    if (!name || !name->is_string() || name->get_string().empty())
        return "name is required";
    if (text_of(o, "operation") != "cckm_synchronization")
        return "operation must be cckm_synchronization (the only operation simulated)";
    auto* run_on = o.if_contains("run_on");
    if (run_on && !run_on->is_string())
        return "run_on must be a string";
    std::istringstream cron(text_of(o, "run_at"));
    std::string field;
    int fields = 0;
    while (cron >> field)
        ++fields;
    if (fields != 5 && fields != 6)
        return "run_at must be a cron line of 5 or 6 fields, e.g. \"0 2 * * *\"";
    auto* pv = o.if_contains("cckm_synchronization_params");
    if (!pv || !pv->is_object())
        return "cckm_synchronization_params is required for cckm_synchronization";
    const json::object& p = pv->as_object();
    if (text_of(p, "cloud_name").empty())
        return "cckm_synchronization_params.cloud_name is required";
    std::vector<std::string> res;
    for (const char* list : {"kms", "oci_vaults"})
        if (auto* l = p.if_contains(list); l && !string_array(*l, res))
            return std::string("cckm_synchronization_params.") + list +
                   " must be an array of non-empty strings";
    bool all = false;
    if (auto* sa = p.if_contains("synchronize_all")) {
        if (!sa->is_bool())
            return "cckm_synchronization_params.synchronize_all must be a boolean";
        all = sa->get_bool();
    }
    if (res.empty() && !all)
        return "cckm_synchronization_params must name kms or oci_vaults unless synchronize_all "
               "is true";
    return {};
}

// The resources a run of this config synchronizes.
std::vector<std::string> resources_of(const json::object& o) {
    std::vector<std::string> res;
    const json::object& p = o.at("cckm_synchronization_params").as_object();
    for (const char* list : {"kms", "oci_vaults"})
        if (auto* l = p.if_contains(list))
            string_array(*l, res);
    if (res.empty()) {
        const std::string cloud = text_of(p, "cloud_name");
        res = {cloud + "-resource-1", cloud + "-resource-2"};
    }
    return res;
}

struct RunView {
    json::object obj;
    std::string status;
    Time updated;
};

RunView view(const Run& r, Time now) {
    const std::size_t n = std::max<std::size_t>(r.resources.size(), 1);
    const Time end = r.created + secs(r.seconds);
    const bool done = now >= end;
    std::size_t finished = 0;
    for (std::size_t i = 0; i < n; ++i)
        if (r.created + secs(r.seconds * static_cast<double>(i + 1) / static_cast<double>(n)) <=
            now)
            ++finished;
    std::string failed_one;
    for (const auto& res : r.resources)
        if (failed_one.empty() && icontains(res, "fail"))
            failed_one = res;
    RunView v;
    v.status = !done ? "in_progress" : failed_one.empty() ? "completed" : "failed";
    v.updated = done ? end : r.created;
    json::object& o = v.obj;
    o["id"] = r.id;
    o["uri"] = "kylo:kylo:scheduler:jobs:" + r.id;
    o["account"] = "kylo:kylo:admin:accounts:kylo";
    o["createdAt"] = rfc3339(r.created);
    o["updatedAt"] = rfc3339(v.updated);
    o["job_config_id"] = r.config_id;
    o["job_config_name"] = r.config_name;
    o["operation"] = "cckm_synchronization";
    o["status"] = v.status;
    const std::string count =
        std::to_string(r.resources.size()) + (r.resources.size() == 1 ? " resource" : " resources");
    if (!done)
        o["detail"] = "synchronizing: " + std::to_string(finished) + " of " + count + " done";
    else if (failed_one.empty())
        o["detail"] = count + " synchronized";
    else {
        o["detail"] = "synchronization failed";
        o["error"] = failed_one + ": simulated failure";
    }
    return v;
}

// skip and limit of a list request, or the 400 for a bad one.
bool paging(const boost::urls::url_view& u, long long& skip, long long& limit, Reply& bad) {
    for (auto p : u.params()) {
        if (p.key == "skip" && !parse_nonneg(p.value, skip)) {
            bad = cckm_invalid("skip must be a non-negative integer");
            return false;
        }
        if (p.key == "limit" && (!parse_nonneg(p.value, limit) || limit < 1 || limit > 1000)) {
            bad = cckm_invalid("limit must be an integer from 1 to 1000");
            return false;
        }
    }
    return true;
}

json::object page_of(json::array all, long long skip, long long limit) {
    json::array page;
    for (std::size_t i = static_cast<std::size_t>(skip);
         i < all.size() && page.size() < static_cast<std::size_t>(limit); ++i)
        page.emplace_back(std::move(all[i]));
    json::object out;
    out["skip"] = skip;
    out["limit"] = limit;
    out["total"] = all.size();
    out["resources"] = std::move(page);
    return out;
}

} // namespace

Scheduler::Scheduler(const Config& c) : cfg(c) {}

void Scheduler::reset(Time now) {
    rng.seed(cfg.seed ^ 0x7363686564756c65ULL);
    schedules.clear();
    runs.clear();
    run_now_empty = false;
    now = trunc_us(now);
    // One schedule, made two days ago, with a run of last night that completed.
    Schedule s;
    s.id = uuid4(rng);
    s.created = s.updated = now - std::chrono::hours(49);
    json::object& o = s.obj;
    o["id"] = s.id;
    o["uri"] = "kylo:kylo:scheduler:job-configs:" + s.id;
    o["account"] = "kylo:kylo:admin:accounts:kylo";
    o["createdAt"] = rfc3339(s.created);
    o["updatedAt"] = rfc3339(s.updated);
    o["name"] = "sim-nightly-aws";
    o["operation"] = "cckm_synchronization";
    o["run_on"] = "any";
    o["run_at"] = "0 2 * * *";
    json::object p;
    p["cloud_name"] = "aws";
    p["kms"] = to_array({"kms-prod", "kms-dev"});
    p["synchronize_all"] = false;
    o["cckm_synchronization_params"] = std::move(p);
    schedules.push_back(s);
    runs.push_back(Run{uuid4(rng),
                       s.id,
                       "sim-nightly-aws",
                       now - std::chrono::hours(20),
                       31.4,
                       {"kms-prod", "kms-dev"}});
}

Schedule* Scheduler::find(std::string_view id) {
    for (auto& s : schedules)
        if (s.id == id)
            return &s;
    return nullptr;
}

const Run* Scheduler::find_run(std::string_view id) const {
    for (const auto& r : runs)
        if (r.id == id)
            return &r;
    return nullptr;
}

bool Scheduler::name_taken(std::string_view name, std::string_view except) const {
    return std::any_of(schedules.begin(), schedules.end(), [&](const Schedule& s) {
        return s.id != except && text_of(s.obj, "name") == name;
    });
}

Reply Scheduler::create(const Request& req, Time now) {
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec || !body.is_object())
        return cckm_bad("request body must be a JSON object");
    const json::object& in = body.as_object();
    if (auto why = config_problem(in); !why.empty())
        return cckm_invalid(why);
    const std::string name = text_of(in, "name");
    if (name_taken(name, ""))
        return cckm_error(409, 15, "NCERRBadRequest: a job config of this name exists", name);
    Schedule s;
    s.id = uuid4(rng);
    s.created = s.updated = trunc_us(now);
    s.obj["id"] = s.id;
    s.obj["uri"] = "kylo:kylo:scheduler:job-configs:" + s.id;
    s.obj["account"] = "kylo:kylo:admin:accounts:kylo";
    s.obj["createdAt"] = rfc3339(s.created);
    s.obj["updatedAt"] = rfc3339(s.updated);
    for (const auto& kv : in)
        if (!reserved(kv.key()))
            s.obj[kv.key()] = kv.value();
    if (!s.obj.contains("run_on"))
        s.obj["run_on"] = "any";
    schedules.push_back(std::move(s));
    return json_reply(201, schedules.back().obj);
}

Reply Scheduler::patch(Schedule& s, const Request& req, Time now) {
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec || !body.is_object())
        return cckm_bad("request body must be a JSON object");
    for (const auto& kv : body.as_object())
        if (reserved(kv.key()))
            return cckm_invalid(std::string(kv.key()) + " cannot be changed");
    json::object merged = s.obj;
    merge(merged, body.as_object());
    if (auto why = config_problem(merged); !why.empty())
        return cckm_invalid(why);
    if (name_taken(text_of(merged, "name"), s.id))
        return cckm_error(409, 15, "NCERRBadRequest: a job config of this name exists",
                          text_of(merged, "name"));
    s.updated = trunc_us(now);
    merged["updatedAt"] = rfc3339(s.updated);
    s.obj = std::move(merged);
    return json_reply(200, s.obj);
}

Reply Scheduler::run_now(const Schedule& s, Time now) {
    Run r{uuid4(rng),         s.id, text_of(s.obj, "name"), trunc_us(now), cfg.job_seconds,
          resources_of(s.obj)};
    if (cfg.job_seconds_max > cfg.job_seconds)
        r.seconds =
            std::uniform_real_distribution<double>(cfg.job_seconds, cfg.job_seconds_max)(rng);
    runs.push_back(std::move(r));
    if (run_now_empty) {
        Reply out;
        out.status = 204;
        return out;
    }
    return json_reply(201, view(runs.back(), now).obj);
}

Reply Scheduler::list_configs(const boost::urls::url_view& u) const {
    long long skip = 0, limit = 10;
    Reply bad;
    if (!paging(u, skip, limit, bad))
        return bad;
    std::string name;
    for (auto p : u.params())
        if (p.key == "name")
            name = p.value;
    json::array all;
    // Newest first.
    for (auto it = schedules.rbegin(); it != schedules.rend(); ++it)
        if (name.empty() || text_of(it->obj, "name") == name)
            all.emplace_back(it->obj);
    return json_reply(200, page_of(std::move(all), skip, limit));
}

Reply Scheduler::list_runs(const boost::urls::url_view& u, Time now) const {
    long long skip = 0, limit = 10;
    Reply bad;
    if (!paging(u, skip, limit, bad))
        return bad;
    std::string config, status;
    for (auto p : u.params()) {
        if (p.key == "job_config_id" || p.key == "config_id")
            config = p.value;
        else if (p.key == "status") {
            status = p.value;
            if (status != "in_progress" && status != "completed" && status != "failed")
                return cckm_invalid("status must be in_progress, completed or failed");
        }
    }
    json::array all;
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
        if (!config.empty() && it->config_id != config)
            continue;
        RunView v = view(*it, now);
        if (!status.empty() && v.status != status)
            continue;
        all.emplace_back(std::move(v.obj));
    }
    return json_reply(200, page_of(std::move(all), skip, limit));
}

Reply Scheduler::route(const Request& req, std::string_view path, const boost::urls::url_view& u,
                       Time now) {
    std::string_view rest = path.substr(std::min(path.size(), kBase.size()));
    const std::string_view configs = "/job-configs", jobs = "/jobs";
    if (rest == configs) {
        if (req.method == "GET")
            return list_configs(u);
        if (req.method == "POST")
            return create(req, now);
        return method_not_allowed(path, "GET, POST");
    }
    if (rest == jobs)
        return req.method == "GET" ? list_runs(u, now) : method_not_allowed(path, "GET");
    if (starts_with(rest, std::string(configs) + "/")) {
        rest.remove_prefix(configs.size() + 1);
        const auto slash = rest.find('/');
        const std::string id(rest.substr(0, slash));
        const std::string_view tail = slash == std::string_view::npos ? "" : rest.substr(slash);
        Schedule* s = find(id);
        if (tail.empty()) {
            if (req.method != "GET" && req.method != "PATCH" && req.method != "DELETE")
                return method_not_allowed(path, "GET, PATCH, DELETE");
            if (!s)
                return cckm_not_found("no job config with id " + id);
            if (req.method == "GET")
                return json_reply(200, s->obj);
            if (req.method == "PATCH")
                return patch(*s, req, now);
            schedules.erase(schedules.begin() + (s - schedules.data()));
            Reply r;
            r.status = 204;
            return r;
        }
        if (tail == "/run-now") {
            if (req.method != "POST")
                return method_not_allowed(path, "POST");
            if (!s)
                return cckm_not_found("no job config with id " + id);
            return run_now(*s, now);
        }
    }
    if (starts_with(rest, std::string(jobs) + "/") &&
        rest.find('/', jobs.size() + 1) == rest.npos) {
        if (req.method != "GET")
            return method_not_allowed(path, "GET");
        const std::string_view id = rest.substr(jobs.size() + 1);
        const Run* r = find_run(id);
        if (!r)
            return cckm_not_found("no scheduler job with id " + std::string(id));
        return json_reply(200, view(*r, now).obj);
    }
    return cckm_not_found("no route for " + std::string(path));
}

json::object Scheduler::save() const {
    json::array sa, ra;
    for (const auto& s : schedules) {
        json::object o;
        o["id"] = s.id;
        o["created"] = time_count(s.created);
        o["updated"] = time_count(s.updated);
        o["obj"] = s.obj;
        sa.emplace_back(std::move(o));
    }
    for (const auto& r : runs) {
        json::object o;
        o["id"] = r.id;
        o["config_id"] = r.config_id;
        o["config_name"] = r.config_name;
        o["created"] = time_count(r.created);
        o["seconds"] = r.seconds;
        o["resources"] = to_array(r.resources);
        ra.emplace_back(std::move(o));
    }
    json::object out;
    out["rng"] = rng_state(rng);
    out["schedules"] = std::move(sa);
    out["runs"] = std::move(ra);
    out["run_now_empty"] = run_now_empty;
    return out;
}

void Scheduler::restore(const json::object& in) {
    std::vector<Schedule> ss;
    std::vector<Run> rs;
    for (const auto& v : in.at("schedules").as_array()) {
        const json::object& o = v.as_object();
        ss.push_back(Schedule{std::string(o.at("id").as_string()), time_from_count(o.at("created")),
                              time_from_count(o.at("updated")), o.at("obj").as_object()});
    }
    for (const auto& v : in.at("runs").as_array()) {
        const json::object& o = v.as_object();
        Run r{std::string(o.at("id").as_string()),
              std::string(o.at("config_id").as_string()),
              std::string(o.at("config_name").as_string()),
              time_from_count(o.at("created")),
              o.at("seconds").to_number<double>(),
              {}};
        if (!string_array(o.at("resources"), r.resources))
            throw std::runtime_error("a scheduler run's resources are not strings");
        rs.push_back(std::move(r));
    }
    if (!set_rng_state(rng, in.at("rng").as_string()))
        throw std::runtime_error("the scheduler's id generator state is not readable");
    run_now_empty = in.at("run_now_empty").as_bool();
    schedules = std::move(ss);
    runs = std::move(rs);
}

} // namespace keyops_sim
