// keyops-sim: the parts shared by its translation units. The simulated servers (no Asio in them)
// are router.cpp, auth.cpp, jobs.cpp, ni.cpp, faults.cpp, admin.cpp and common.cpp (router.hpp
// tells which does what), server.cpp is the Beast transport, main.cpp the command line and the
// certificate. This header stays free of Boost so that each unit pays only for what it uses.
#ifndef KEYOPS_SIM_SIM_HPP
#define KEYOPS_SIM_SIM_HPP

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyops_sim {

using Clock = std::chrono::system_clock;
using Time = Clock::time_point;

enum class FaultKind {
    latency,
    status,
    close_before,
    close_after,
    close_mid_body,
    truncate,
    slow_body,
    malformed,
    oversize,
    expire_tokens,
    // A CipherTrust error passing OCI's answer through: throttling ("TooManyRequests" in the
    // text, default status 500) or a quota error (no "TooManyRequests", default status 429).
    throttle_text,
    oci_quota,
};

// One fault rule. `count` 0 means "every matching request until cleared".
struct Fault {
    long id = 0;
    std::string route = "*"; // "*" or a path prefix
    std::string method;      // empty: any method
    FaultKind kind = FaultKind::status;
    int status = 503;        // status fault (throttle_text: 500, oci_quota: 429 unless given)
    std::string retry_after; // "", seconds, "date:N" or a literal HTTP date
    std::string body;        // status fault only: "" (JSON error), "empty" or "html"
    long count = 0;
    long remaining = 0;
    long ms = 0;
    long long bytes = 0;
    int node = 0; // only requests through this cluster node (1..); 0 any
};

// Parses the --fault flag form ROUTE:FAULT[:key=value,...].
bool parse_fault_spec(std::string_view spec, Fault& out, std::string& error);

struct User {
    std::string name;
    std::string password;
};

struct Config {
    std::vector<User> users;    // CipherTrust Manager
    std::vector<User> ni_users; // Network Insight
    // Network Insight SaaS: CSP API tokens the CSP exchange accepts (--csp-token), and vIDM
    // tokens POST /api/ni/auth/token/vidm accepts (--vidm-token); each acts as its own user.
    std::vector<std::string> csp_tokens;
    std::vector<std::string> vidm_tokens;
    long token_ttl = 300;
    long refresh_ttl = 3600;
    double job_seconds = 5;
    double job_seconds_max = 0; // above job_seconds: each job's length drawn from the range
    std::uint64_t seed = 0;
    std::vector<Fault> faults; // installed at start and again on reset
    // Where the state is kept across restarts ("" none): read at start if the file exists,
    // written whole (then renamed over the file) after every request.
    std::string state_file;
    // --nodes: listeners (cluster nodes) sharing this state; --replication-lag: how long a job
    // started through one node stays invisible (404, left out of lists) through the others.
    int nodes = 1;
    long replication_lag_ms = 0;
    // --sort documented: only the kinds whose `sort` is documented (Salesforce keys and
    // certificates, DSM) honour it; the others ignore it and list oldest first, as a server may.
    bool sort_documented_only = false;
    // --scenario steady:RATE[:COUNT]: jobs of every kind with a list started at RATE a minute
    // (COUNT in all; 0: no end) from the start (or reset), each created at its own time.
    double scenario_per_minute = 0;
    long scenario_count = 0;
};

// What the transport hands over: only the headers the simulator reads.
struct Request {
    std::string method;
    std::string target;
    std::string authorization;
    std::string csp_auth_token; // the csp-auth-token header (Network Insight SaaS)
    std::string accept;
    std::string accept_encoding;
    std::string body;
    bool has_authorization = false;
    bool loopback = false;
    int node = 0; // which listener (cluster node) it came through, 0-based
};

// How the transport must put the reply on the wire.
// close_after: the whole reply as usual (keep-alive not refused), then the connection closed.
enum class Wire { normal, close_before, close_after, close_mid_body, truncate, slow_body };

struct Plan {
    long latency_ms = 0;
    bool has_action = false;
    Fault action;
};

struct Reply {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    Wire wire = Wire::normal;
    std::size_t cut = 0; // truncate / close_mid_body: body bytes sent before closing
    long ms = 0;         // slow_body: delay between bytes
    std::string note;    // fault name for the log line
};

class Sim {
public:
    explicit Sim(Config config);
    ~Sim();
    Sim(const Sim&) = delete;
    Sim& operator=(const Sim&) = delete;

    // Counts the request and picks the faults it meets (latency applies before respond()).
    Plan begin(const Request& request);
    Reply respond(const Request& request, const Plan& plan);
    // A reply for a request the transport could not parse, in the error shape of `path`.
    Reply transport_error(int status, std::string_view path, std::string_view text) const;

    // With a state file: the served certificate and key kept in it, false if there are none
    // (a fresh file); keep_certificate() stores a new pair so that a restart serves the same.
    bool stored_certificate(std::string& cert_pem, std::string& key_pem) const;
    void keep_certificate(const std::string& cert_pem, const std::string& key_pem);

    // Cluster nodes taken down by the admin API (POST /__sim/nodes/N/down): the transport
    // closes their listeners (connections are then refused) and drops their connections.
    // node_generation() changes whenever a node goes down or up.
    bool node_up(int node) const;
    unsigned node_generation() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

std::string rfc3339(Time t);
std::string http_date(Time t);

struct ServerOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 0; // of the first node; the others take the ports after it (or any)
    int nodes = 1;
    bool plain = false;
    std::string cert_pem; // certificate chain and key, PEM, unless plain
    std::string key_pem;
    std::string port_file;
    std::FILE* log = stderr;
};

// Serves until SIGINT or SIGTERM; returns the exit status. Throws on setup errors.
int run_server(const ServerOptions& options, Sim& sim);

} // namespace keyops_sim

#endif
