// keyops-sim: the router (see router.hpp) and the Sim interface of sim.hpp.
#include "router.hpp"

#include "common.hpp"

#include <boost/url/parse.hpp>
#include <zlib.h>

namespace keyops_sim {

namespace {

std::string gzip(std::string_view in) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return std::string(in);
    std::string out(deflateBound(&zs, static_cast<uLong>(in.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (zs.total_out == out.size())
            out.resize(out.size() * 2);
        zs.next_out = reinterpret_cast<Bytef*>(&out[zs.total_out]);
        zs.avail_out = static_cast<uInt>(out.size() - zs.total_out);
        rc = deflate(&zs, Z_FINISH);
    }
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return rc == Z_STREAM_END ? out : std::string(in);
}

// The path of a request target, for logging and matching; the query is not part of it.
std::string path_of(std::string_view target) {
    auto q = target.find('?');
    return std::string(target.substr(0, q));
}

} // namespace

Sim::Impl::Impl(Config c)
    : cfg(std::move(c)), token_rng(cfg.seed ^ 0x6b65796f70732d73ULL), auth(cfg, token_rng, tokens),
      jobs(cfg), ni(cfg, token_rng, tokens), scheduler(cfg),
      node_down(static_cast<std::size_t>(cfg.nodes), false) {
    reset(Clock::now());
    if (!cfg.state_file.empty()) {
        load_state();
        save_state();
    }
}

void Sim::Impl::reset(Time now) {
    jobs.reset(now);
    tokens.clear();
    ni.reset(now);
    scheduler.reset(now);
    faults.reset(cfg.faults);
    stats.clear();
    total = 0;
    // Every node up again.
    for (std::size_t i = 0; i < node_down.size(); ++i)
        if (node_down[i]) {
            node_down[i] = false;
            ++node_generation;
        }
}

Plan Sim::Impl::begin(const Request& req) {
    Plan plan;
    std::string path = path_of(req.target);
    if (starts_with(path, "/__sim"))
        return plan; // the admin API is neither faulted nor counted
    ++total;
    ++stats[req.method + " " + path];
    return faults.plan(req, path, tokens);
}

Reply Sim::Impl::route(const Request& req, Time now) {
    auto parsed = boost::urls::parse_origin_form(req.target);
    std::string raw = path_of(req.target);
    if (!parsed)
        return shaped_error(400, raw, "request target is not a valid origin-form URI");
    const boost::urls::url_view& u = *parsed;
    std::string path = u.path();
    if (path.size() > 1 && path.back() == '/')
        path.pop_back();
    if (starts_with(path, "/__sim"))
        return admin(req, path, now);
    if (path == "/api/ni" || starts_with(path, "/api/ni/"))
        return ni.route(req, path, now);
    if (path == "/ni/api/ni" || starts_with(path, "/ni/api/ni/")) // Network Insight SaaS
        return ni.route(req, path.substr(3), now, true);
    if (path == "/csp/gateway/am/api/auth/api-tokens/authorize")
        return ni.csp_authorize(req, now);
    if (path == "/api/v1" || starts_with(path, "/api/v1/"))
        return cckm(req, path, u, now);
    return cckm_not_found("no route for " + path);
}

Reply Sim::Impl::cckm(const Request& req, std::string_view path, const boost::urls::url_view& u,
                      Time now) {
    // A real server answers a request with no Accept header or with */* (Thales' Go and
    // PowerShell clients send none, Python's requests sends */*); only an Accept that leaves
    // JSON out is refused.
    const auto refused_accept = [&] {
        return !accepts_json(req.accept);
    };
    const auto bad_accept = [] {
        return cckm_bad("Accept header must allow application/json");
    };
    constexpr std::string_view tokens_path = "/api/v1/auth/tokens";
    if (path == tokens_path) {
        if (req.method == "POST")
            return refused_accept() ? bad_accept() : auth.grant(req, now);
        if (req.method != "GET")
            return method_not_allowed(path, "GET, POST");
        if (auto r = auth.check_bearer(req, now))
            return *r;
        return refused_accept() ? bad_accept() : auth.list_refresh(u, now);
    }
    if (path == "/api/v1/auth/revoke") {
        if (req.method != "POST")
            return method_not_allowed(path, "POST");
        return auth.revoke(req, now);
    }
    if (auto r = auth.check_bearer(req, now))
        return *r;
    if (starts_with(path, std::string(tokens_path) + "/")) {
        const std::string_view id = path.substr(tokens_path.size() + 1);
        if (req.method == "DELETE")
            return auth.delete_refresh(id, now);
        if (req.method != "GET")
            return method_not_allowed(path, "GET, DELETE");
        return refused_accept() ? bad_accept() : auth.get_refresh(id, now);
    }
    if (refused_accept())
        return bad_accept();
    if (path == "/api/v1/scheduler" || starts_with(path, "/api/v1/scheduler/"))
        return scheduler.route(req, path, u, now);
    return jobs.route(req, path, u, now);
}

Reply Sim::Impl::respond(const Request& req, const Plan& plan) {
    Time now = Clock::now();
    std::string path = path_of(req.target);
    Reply r;
    const Fault* f = plan.has_action ? &plan.action : nullptr;
    if (f && f->kind == FaultKind::close_before) {
        r.wire = Wire::close_before;
        r.note = "close_before";
        return r;
    }
    if (f && answers_for_route(f->kind))
        r = fault_reply(*f, req, path, now);
    else
        r = route(req, now);
    if (f)
        damage_body(*f, r);
    if (!r.body.empty() && icontains(req.accept_encoding, "gzip")) {
        r.body = gzip(r.body);
        r.headers.emplace_back("Content-Encoding", "gzip");
    }
    r.headers.emplace_back("Vary", "Accept-Encoding");
    r.headers.emplace_back("Date", http_date(now));
    r.headers.emplace_back("Server", "keyops-sim");
    if (f)
        set_wire(*f, r);
    return r;
}

Sim::Sim(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Sim::~Sim() = default;

Plan Sim::begin(const Request& request) {
    return impl_->begin(request);
}

Reply Sim::respond(const Request& request, const Plan& plan) {
    Reply r = impl_->respond(request, plan);
    if (!impl_->cfg.state_file.empty())
        impl_->save_state();
    return r;
}

bool Sim::node_up(int node) const {
    return node < 0 || static_cast<std::size_t>(node) >= impl_->node_down.size() ||
           !impl_->node_down[static_cast<std::size_t>(node)];
}

unsigned Sim::node_generation() const {
    return impl_->node_generation;
}

Reply Sim::transport_error(int status, std::string_view path, std::string_view text) const {
    Reply r = shaped_error(status, path, text);
    r.headers.emplace_back("Date", http_date(Clock::now()));
    r.headers.emplace_back("Server", "keyops-sim");
    return r;
}

} // namespace keyops_sim
