// keyops-sim: the CipherTrust scheduler (see scheduler.hpp).
//
// A job config is kept as it is answered: every member, in the server's order, the operation's
// parameters under job_config_params whatever the operation. Requests are read as a real server
// reads what Thales' Go client sends: every member present, "" for a string not given (on a
// PATCH: keep the stored value), null for a list or parameters not given (on a PATCH: clear),
// Go's zero time for a date not set.
#include "scheduler.hpp"

#include "common.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>

namespace keyops_sim {

namespace {

constexpr std::string_view kBase = "/api/v1/scheduler";
constexpr const char* kAccount = "kylo:kylo:admin:accounts:kylo";
constexpr const char* kDevAccount = "ncryptify:gemalto:admin:accounts:gemalto";
constexpr const char* kApplication = "ncryptify:gemalto:admin:apps:kylo";
constexpr const char* kZeroTime = "0001-01-01T00:00:00Z"; // Go's time.Time{}: not set
constexpr const char* kParams = "job_config_params";
constexpr const char* kSync = "cckm_synchronization";

// Members the server sets. A create ignores them; a PATCH may repeat one unchanged (or send it
// empty, as Go does), not change it.
constexpr const char* kReserved[] = {"id",          "uri",       "account",  "devAccount",
                                     "application", "createdAt", "updatedAt"};

bool reserved(std::string_view key) {
    return std::any_of(std::begin(kReserved), std::end(kReserved),
                       [&](const char* k) { return key == k; });
}

// What a member holds, for checking and merging a request's value into the stored one.
enum class Type {
    text,      // a string
    duration,  // "" or a count of days or hours: "30d", "12h"
    days,      // "" or a count of days: "30d"
    scope,     // "", "system" or "domain"
    date,      // an RFC 3339 time; Go's zero time (or "") means not set
    flag,      // a boolean
    count,     // a non-negative integer
    list,      // an array of non-empty strings
    filters,   // an array of {resourceType, resourceQuery}
    aws_param, // {retain_alias, rotate_material}
};

struct Member {
    const char* name;
    Type type;
};

struct Operation {
    const char* name;           // "cckm_key_rotation"
    const char* member;         // its parameters' member in a create: "..._params"
    std::vector<Member> params; // in the answer's order
    const char* noun;           // of a run's resources, singular
    const char* running;        // a run's detail while it runs
    const char* done;           // "N <noun>s <done>"
    const char* failed;         // a failed run's detail
    bool needs_cloud;           // cloud_name is required
};

const std::vector<Operation>& operations() {
    static const std::vector<Operation> ops = {
        {kSync,
         "cckm_synchronization_params",
         {{"cloud_name", Type::text},
          {"kms", Type::list},
          {"oci_vaults", Type::list},
          {"synchronize_all", Type::flag}},
         "resource",
         "synchronizing",
         "synchronized",
         "synchronization failed",
         true},
        {"cckm_key_rotation",
         "cckm_key_rotation_params",
         {{"cloud_name", Type::text},
          {"expiration", Type::duration},
          {"expire_in", Type::duration},
          {"rotation_after", Type::days},
          {"aws_param", Type::aws_param}},
         "key",
         "rotating keys",
         "rotated",
         "key rotation failed",
         true},
        {"cckm_xks_credential_rotation",
         "cckm_xks_credential_rotation_params",
         {{"cloud_name", Type::text}},
         "credential",
         "rotating XKS credentials",
         "rotated",
         "XKS credential rotation failed",
         true},
        {"database_backup",
         "database_backup_params",
         {{"backupKey", Type::text},
          {"connection", Type::text},
          {"description", Type::text},
          {"do_scp", Type::flag},
          {"tiedToHSM", Type::flag},
          {"retentionCount", Type::count},
          {"scope", Type::scope},
          {"filters", Type::filters}},
         "backup",
         "backing up",
         "completed",
         "backup failed",
         false},
    };
    return ops;
}

const Operation* find_op(std::string_view name) {
    for (const auto& op : operations())
        if (name == op.name)
            return &op;
    return nullptr;
}

const Operation* op_of_member(std::string_view member) {
    for (const auto& op : operations())
        if (member == op.member)
            return &op;
    return nullptr;
}

std::string operation_names() {
    std::string out;
    for (const auto& op : operations())
        out += (out.empty() ? "" : ", ") + std::string(op.name);
    return out;
}

std::string text_of(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// An AWS key rotation's aws_param when none is given.
json::object no_aws_param() {
    json::object a;
    a["retain_alias"] = false;
    a["rotate_material"] = false;
    return a;
}

// What a member of this type holds when not given, or cleared with null.
json::value empty_of(Type t) {
    switch (t) {
    case Type::flag:
        return false;
    case Type::count:
        return 0;
    case Type::list:
    case Type::filters:
        return json::array();
    case Type::aws_param:
        return no_aws_param();
    case Type::date:
        return kZeroTime;
    default:
        return "";
    }
}

json::object empty_params(const Operation& op) {
    json::object p;
    for (const auto& m : op.params)
        p[m.name] = empty_of(m.type);
    return p;
}

// A config with every member, not yet named, run or filled in.
json::object blank_config(const Operation& op) {
    json::object o;
    o["id"] = "";
    o["uri"] = "";
    o["account"] = kAccount;
    o["devAccount"] = kDevAccount;
    o["application"] = kApplication;
    o["createdAt"] = "";
    o["updatedAt"] = "";
    o["name"] = "";
    o["description"] = "";
    o["operation"] = op.name;
    o["run_at"] = "";
    o["run_on"] = "any";
    o["disabled"] = false;
    o["start_date"] = kZeroTime;
    o["end_date"] = kZeroTime;
    o[kParams] = empty_params(op);
    return o;
}

// The top-level members a request may set, with what null clears them to.
struct TopMember {
    const char* name;
    Type type;
    const char* cleared; // for the text members
};
constexpr TopMember kTop[] = {
    {"name", Type::text, ""},          {"description", Type::text, ""},
    {"run_at", Type::text, ""},        {"run_on", Type::text, "any"},
    {"disabled", Type::flag, nullptr}, {"start_date", Type::date, nullptr},
    {"end_date", Type::date, nullptr},
};

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
    if (at + n > s.size())
        return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

// An RFC 3339 time: 2026-01-02T03:04:05[.frac](Z|+hh:mm|-hh:mm). `zero`: it is Go's zero time.
bool rfc3339_time(std::string_view s, bool& zero) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0, oh = 0, om = 0;
    if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) ||
        s[7] != '-' || !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') ||
        !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' ||
        !digits(s, 17, 2, se))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return false;
    std::size_t i = 19;
    bool frac_zero = true;
    if (s[i] == '.') {
        std::size_t start = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9')
            frac_zero = frac_zero && s[i++] == '0';
        if (i == start)
            return false;
    }
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
        ++i;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        if (!digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
            !digits(s, i + 4, 2, om) || oh > 23 || om > 59)
            return false;
        i += 6;
    } else {
        return false;
    }
    if (i != s.size())
        return false;
    zero = y == 1 && mo == 1 && d == 1 && h == 0 && mi == 0 && se == 0 && frac_zero && oh == 0 &&
           om == 0;
    return true;
}

// "30d", "12h" (days_only: "30d"), a count above zero.
bool duration_text(std::string_view s, bool days_only) {
    if (s.size() < 2 || s.size() > 7)
        return false;
    const char unit = s.back();
    if (unit != 'd' && (days_only || unit != 'h'))
        return false;
    long long n = 0;
    return parse_nonneg(s.substr(0, s.size() - 1), n) && n > 0;
}

// A backup filter, normalised to {resourceType, resourceQuery}; "" when it is one.
std::string filter_problem(const json::value& v, const std::string& what, json::object& out) {
    if (!v.is_object())
        return what + " must be an object {resourceType, resourceQuery}";
    const json::object& f = v.as_object();
    auto* type = f.if_contains("resourceType");
    if (!type || !type->is_string() || type->get_string().empty())
        return what + ".resourceType is required (a string)";
    out["resourceType"] = *type;
    auto* q = f.if_contains("resourceQuery");
    if (!q || q->is_null()) {
        out["resourceQuery"] = json::object();
    } else if (q->is_object()) {
        out["resourceQuery"] = *q;
    } else if (q->is_string()) {
        // A JSON object in a string, as some clients send it: kept as sent.
        boost::system::error_code ec;
        json::value inner = json::parse(q->get_string(), ec);
        if (ec || !inner.is_object())
            return what + ".resourceQuery must be a JSON object (or a string holding one)";
        out["resourceQuery"] = *q;
    } else {
        return what + ".resourceQuery must be a JSON object (or a string holding one)";
    }
    return {};
}

// Merges a request's value `v` for a member into the stored `into`: null clears (to
// `cleared`), "" and Go's zero time keep, any other value is checked and set. Returns what is
// wrong with `v`, or "".
std::string merge_value(json::value& into, const json::value& v, Type t, const json::value& cleared,
                        const std::string& what) {
    if (v.is_null()) {
        into = cleared;
        return {};
    }
    switch (t) {
    case Type::text:
    case Type::duration:
    case Type::days:
    case Type::scope:
    case Type::date: {
        if (!v.is_string())
            return what +
                   (t == Type::date ? " must be an RFC 3339 time (a string)" : " must be a string");
        const std::string_view s = v.get_string();
        if (s.empty())
            return {}; // "" keeps
        if (t == Type::duration && !duration_text(s, false))
            return what + " must be \"\" or a duration such as \"30d\" or \"12h\"";
        if (t == Type::days && !duration_text(s, true))
            return what + " must be \"\" or a number of days such as \"30d\"";
        if (t == Type::scope && s != "system" && s != "domain")
            return what + " must be \"system\" or \"domain\" (\"\": system)";
        if (t == Type::date) {
            bool zero = false;
            if (!rfc3339_time(s, zero))
                return what + " must be an RFC 3339 time such as \"2026-01-02T03:04:05Z\"";
            if (zero)
                return {}; // Go's zero time: not given
        }
        into = v;
        return {};
    }
    case Type::flag:
        if (!v.is_bool())
            return what + " must be a boolean";
        into = v;
        return {};
    case Type::count: {
        long long n = 0;
        if (!json_int(v, n) || n < 0 || v.is_double())
            return what + " must be a non-negative integer";
        into = n;
        return {};
    }
    case Type::list: {
        std::vector<std::string> items;
        if (!string_array(v, items))
            return what + " must be an array of non-empty strings, or null";
        into = to_array(items);
        return {};
    }
    case Type::filters: {
        if (!v.is_array())
            return what + " must be an array of {resourceType, resourceQuery}, or null";
        json::array out;
        for (std::size_t i = 0; i < v.get_array().size(); ++i) {
            json::object f;
            if (auto why =
                    filter_problem(v.get_array()[i], what + "[" + std::to_string(i) + "]", f);
                !why.empty())
                return why;
            out.emplace_back(std::move(f));
        }
        into = std::move(out);
        return {};
    }
    case Type::aws_param: {
        if (!v.is_object())
            return what + " must be an object {retain_alias, rotate_material}, or null";
        if (!into.is_object())
            into = no_aws_param();
        for (const char* k : {"retain_alias", "rotate_material"})
            if (auto* b = v.as_object().if_contains(k))
                if (auto why =
                        merge_value(into.as_object()[k], *b, Type::flag, false, what + "." + k);
                    !why.empty())
                    return why;
        return {};
    }
    }
    return {};
}

// Applies a create or PATCH body to `cfg` (a config of operation `op`). Members the server
// sets: ignored on a create, on a PATCH refused unless empty or unchanged. `operation` is
// the caller's. The operation's parameters come under its own member or job_config_params;
// another operation's parameters must be null or absent. Unknown members are ignored, as a
// real server's JSON decoder ignores them.
std::string apply(json::object& cfg, const json::object& in, const Operation& op, bool patch) {
    const json::value* given = nullptr;
    const char* given_as = nullptr;
    for (const auto& kv : in) {
        const std::string key(kv.key());
        const json::value& v = kv.value();
        if (reserved(key)) {
            if (!patch || v.is_null() || (v.is_string() && v.get_string().empty()) ||
                v == cfg.at(key))
                continue;
            bool zero = false;
            if (v.is_string() && rfc3339_time(v.get_string(), zero) && zero)
                continue;
            return key + " cannot be changed";
        }
        if (key == "operation")
            continue;
        if (key == kParams || key == op.member) {
            if (v.is_null())
                continue; // no parameters given
            if (!v.is_object())
                return key + " must be an object, or null";
            if (given)
                return std::string("give the parameters under ") + op.member + " or " + kParams +
                       ", not both";
            given = &v;
            given_as = key == kParams ? kParams : op.member;
            continue;
        }
        if (const Operation* other = op_of_member(key)) {
            if (!v.is_null())
                return key + " is for operation " + other->name + "; with operation " + op.name +
                       " it must be null or absent";
            continue;
        }
        for (const auto& m : kTop)
            if (key == m.name) {
                json::value cleared = m.cleared ? json::value(m.cleared) : empty_of(m.type);
                if (auto why = merge_value(cfg[key], v, m.type, cleared, key); !why.empty())
                    return why;
            }
    }
    if (given) {
        json::object& p = cfg[kParams].as_object();
        for (const auto& m : op.params)
            if (auto* v = given->as_object().if_contains(m.name))
                if (auto why = merge_value(p[m.name], *v, m.type, empty_of(m.type),
                                           std::string(given_as) + "." + m.name);
                    !why.empty())
                    return why;
    }
    return {};
}

// What is wrong with a whole config (after a create or a PATCH), or "".
std::string config_problem(const json::object& o, const Operation& op) {
    if (text_of(o, "name").empty())
        return "name is required";
    std::istringstream cron(text_of(o, "run_at"));
    std::string field;
    int fields = 0;
    while (cron >> field)
        ++fields;
    if (fields != 5 && fields != 6)
        return "run_at must be a cron line of 5 or 6 fields, e.g. \"0 2 * * *\"";
    const json::object& p = o.at(kParams).as_object();
    if (op.needs_cloud && text_of(p, "cloud_name").empty())
        return std::string(op.member) + ".cloud_name is required";
    if (op.name == std::string_view(kSync) && p.at("kms").as_array().empty() &&
        p.at("oci_vaults").as_array().empty() && !p.at("synchronize_all").as_bool())
        return std::string(op.member) +
               " must name kms or oci_vaults unless synchronize_all is true";
    return {};
}

// The operation of a body: its "operation", or the stored one's for a PATCH. Empty with `why`
// set when the body's is not one.
const Operation* operation_of(const json::object& in, const Operation* stored, std::string& why) {
    auto* v = in.if_contains("operation");
    if (!v || v->is_null() || (v->is_string() && v->get_string().empty())) {
        if (!stored)
            why = "operation is required: one of " + operation_names();
        return stored;
    }
    if (!v->is_string()) {
        why = "operation must be a string";
        return nullptr;
    }
    const Operation* op = find_op(v->get_string());
    if (stored && op != stored) {
        why = "operation cannot be changed from " + std::string(stored->name) +
              " (create another job config)";
        return nullptr;
    }
    if (!op)
        why = "operation must be one of " + operation_names();
    return op;
}

// The resources a run of this config works on ("fail" in a name fails the run).
std::vector<std::string> resources_of(const json::object& o) {
    const json::object& p = o.at(kParams).as_object();
    const std::string op = text_of(o, "operation");
    const std::string cloud = text_of(p, "cloud_name");
    std::vector<std::string> res;
    if (op == kSync) {
        for (const char* list : {"kms", "oci_vaults"})
            for (const auto& v : p.at(list).as_array())
                res.emplace_back(v.as_string());
        if (res.empty())
            res = {cloud + "-resource-1", cloud + "-resource-2"};
    } else if (op == "cckm_key_rotation") {
        res = {cloud + "-key-1", cloud + "-key-2"};
    } else if (op == "cckm_xks_credential_rotation") {
        res = {cloud + "-xks-credential"};
    } else {
        const std::string key = text_of(p, "backupKey");
        res = {key.empty() ? std::string("backup") : key};
    }
    return res;
}

// A config of the form older simulators kept (the members as sent, the parameters under
// cckm_synchronization_params), in today's.
json::object upgrade(const json::object& old) {
    const Operation* op = find_op(text_of(old, "operation"));
    if (!op)
        throw std::runtime_error("a scheduler config has no known operation");
    json::object cfg = blank_config(*op);
    if (auto why = apply(cfg, old, *op, false); !why.empty())
        throw std::runtime_error("a scheduler config: " + why);
    for (const char* k : kReserved)
        if (auto* v = old.if_contains(k))
            cfg[k] = *v;
    return cfg;
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
    const Operation* op = find_op(r.operation);
    if (!op)
        op = find_op(kSync);
    RunView v;
    v.status = !done ? "in_progress" : failed_one.empty() ? "completed" : "failed";
    v.updated = done ? end : r.created;
    json::object& o = v.obj;
    o["id"] = r.id;
    o["uri"] = "kylo:kylo:scheduler:jobs:" + r.id;
    o["account"] = kAccount;
    o["createdAt"] = rfc3339(r.created);
    o["updatedAt"] = rfc3339(v.updated);
    o["job_config_id"] = r.config_id;
    o["job_config_name"] = r.config_name;
    o["operation"] = op->name;
    o["status"] = v.status;
    const std::string count =
        std::to_string(r.resources.size()) + " " + op->noun + (r.resources.size() == 1 ? "" : "s");
    if (!done)
        o["detail"] =
            std::string(op->running) + ": " + std::to_string(finished) + " of " + count + " done";
    else if (failed_one.empty())
        o["detail"] = count + " " + op->done;
    else {
        o["detail"] = op->failed;
        o["error"] = failed_one + ": simulated failure";
    }
    return v;
}

// skip and limit of a list request, or the 400 for a bad one.
bool paging(const boost::urls::url_view& u, long long& skip, long long& limit, Reply& bad) {
    for (auto p : u.params())
        if (!paging_param(p.key, p.value, skip, limit, bad))
            return false;
    return true;
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
    const Operation& sync = *find_op(kSync);
    s.obj = blank_config(sync);
    json::object& o = s.obj;
    o["id"] = s.id;
    o["uri"] = "kylo:kylo:scheduler:job-configs:" + s.id;
    o["createdAt"] = rfc3339(s.created);
    o["updatedAt"] = rfc3339(s.updated);
    o["name"] = "sim-nightly-aws";
    o["run_at"] = "0 2 * * *";
    json::object& p = o[kParams].as_object();
    p["cloud_name"] = "aws";
    p["kms"] = to_array({"kms-prod", "kms-dev"});
    schedules.push_back(s);
    runs.push_back(Run{uuid4(rng),
                       s.id,
                       "sim-nightly-aws",
                       kSync,
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
    std::string why;
    const Operation* op = operation_of(in, nullptr, why);
    if (!op)
        return cckm_invalid(why);
    json::object obj = blank_config(*op);
    why = apply(obj, in, *op, false);
    if (why.empty())
        why = config_problem(obj, *op);
    if (!why.empty())
        return cckm_invalid(why);
    const std::string name = text_of(obj, "name");
    if (name_taken(name, ""))
        return cckm_error(409, 15, "NCERRBadRequest: a job config of this name exists", name);
    Schedule s;
    s.id = uuid4(rng);
    s.created = s.updated = trunc_us(now);
    s.obj = std::move(obj);
    s.obj["id"] = s.id;
    s.obj["uri"] = "kylo:kylo:scheduler:job-configs:" + s.id;
    s.obj["createdAt"] = rfc3339(s.created);
    s.obj["updatedAt"] = rfc3339(s.updated);
    schedules.push_back(std::move(s));
    return json_reply(201, schedules.back().obj);
}

Reply Scheduler::patch(Schedule& s, const Request& req, Time now) {
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec || !body.is_object())
        return cckm_bad("request body must be a JSON object");
    const json::object& in = body.as_object();
    const Operation* stored = find_op(text_of(s.obj, "operation"));
    if (!stored)
        return cckm_error(500, 14, "NCERRInternalServerError: a stored config is damaged",
                          "unknown operation");
    std::string why;
    if (!operation_of(in, stored, why))
        return cckm_invalid(why);
    json::object merged = s.obj;
    why = apply(merged, in, *stored, true);
    if (why.empty())
        why = config_problem(merged, *stored);
    if (!why.empty())
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
    Run r{uuid4(rng),
          s.id,
          text_of(s.obj, "name"),
          text_of(s.obj, "operation"),
          trunc_us(now),
          cfg.job_seconds,
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
        o["operation"] = r.operation;
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
        const json::object& obj = o.at("obj").as_object();
        ss.push_back(Schedule{std::string(o.at("id").as_string()), time_from_count(o.at("created")),
                              time_from_count(o.at("updated")),
                              obj.contains(kParams) ? obj : upgrade(obj)});
    }
    for (const auto& v : in.at("runs").as_array()) {
        const json::object& o = v.as_object();
        Run r{std::string(o.at("id").as_string()),
              std::string(o.at("config_id").as_string()),
              std::string(o.at("config_name").as_string()),
              o.contains("operation") ? std::string(o.at("operation").as_string())
                                      : std::string(kSync),
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
