// keyops-sim: command line, help text and the self-signed certificate.
#include "sim.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>

namespace {

using namespace keyops_sim;

const char* const kHelp =
    R"(keyops-sim: a simulator of CipherTrust Manager CCKM jobs and Network Insight proxy key
rotation, over HTTPS on loopback.

Usage:
  keyops-sim [--listen ADDR:PORT] [--port-file FILE] [--plain] [--cert FILE --key FILE]
             [--write-ca FILE] [--user NAME:PASSWORD]... [--ni-user NAME:PASSWORD]...
             [--csp-token TOKEN]... [--vidm-token TOKEN]...
             [--token-ttl SECONDS] [--refresh-ttl SECONDS] [--job-seconds SECONDS]
             [--seed N] [--log FILE] [--fault ROUTE:FAULT[:KEY=VALUE,...]]...
             [--state-file FILE] [--nodes N [--replication-lag MS]]

Options:
  --listen ADDR:PORT     Address to listen on (default 127.0.0.1:0; port 0 picks a free port).
                         IPv6 as [::1]:PORT. The first line on stdout is
                         "listening on https://ADDR:PORT" (http:// with --plain).
  --port-file FILE       Also write the port number to FILE (written whole, then renamed).
  --plain                Serve plain HTTP instead of HTTPS.
  --cert FILE --key FILE Serve this PEM certificate (chain) and private key. Without them a
                         self-signed P-256 certificate for localhost, 127.0.0.1 and ::1 is made
                         at start (CA:TRUE, so it is its own trust anchor).
  --write-ca FILE        Write the served certificate (PEM) to FILE for clients to trust.
  --user NAME:PASSWORD   A CipherTrust Manager user; repeatable. Default admin:admin.
  --ni-user NAME:PASSWORD
                         A Network Insight user (LOCAL and LDAP domains); repeatable.
                         Default admin:admin.
  --csp-token TOKEN      A VMware CSP API token that the CSP exchange (Network Insight SaaS)
                         accepts; repeatable. Default keyops-sim-csp-api-token.
  --vidm-token TOKEN     A vIDM token that POST /api/ni/auth/token/vidm accepts; repeatable.
                         Default keyops-sim-vidm-token.
  --token-ttl SECONDS    Access token lifetime, both servers and CSP (default 300).
  --refresh-ttl SECONDS  CCKM refresh token idle lifetime: each use extends it (default 3600).
  --job-seconds SECONDS  How long a started job or rotation runs (default 5; fractions allowed).
                         MIN-MAX: each job runs a time drawn from that range, a rotation MIN.
  --seed N               Seed for ids and outcomes (default: random). The same seed gives the
                         same job ids, also after POST /__sim/reset.
  --log FILE             Append the request log to FILE instead of stderr. One line a request:
                         time, method, path (never the query), status, latency, fault.
                         Headers, passwords and tokens are never logged.
  --fault SPEC           Install a fault rule at start (and again on reset); repeatable.
                         SPEC is ROUTE:FAULT[:KEY=VALUE,...] with the keys of the JSON form
                         below, e.g. '*:latency:ms=200' or
                         '/api/v1/auth/tokens:status:status=503,retry_after=2,count=3'.
  --state-file FILE      Keep the state in FILE so that a simulator stopped or killed (even
                         with SIGKILL) and started again with the same FILE serves the same
                         jobs, tokens, rotation, request counts and certificate: read at start
                         if it exists, written whole to FILE.tmp and renamed over FILE after
                         every request (mode 0600: it holds tokens and keys). Fault rules are
                         not kept (a restart has the --fault ones); --seed is the file's own.
                         Jobs and rotations run by the wall clock, so they progress while the
                         simulator is down. Give the restart the same --listen ADDR:PORT.
  --nodes N              Serve N cluster nodes (1..16) sharing one state, on N ports: the
                         --listen port and the ones after it, or N free ports with port 0.
                         One "listening on" line per node, ending in node K; the port
                         file gets one port per line. POST /__sim/nodes/K/down closes node
                         K's port (connections refused, kept-alive ones dropped unanswered)
                         and .../up opens it again.
  --replication-lag MS   With --nodes: a job started through one node answers 404, and is
                         left out of lists, through the other nodes for MS milliseconds.
  --sort all|documented  all (default): every kind's list honours `sort`. documented: only
                         the kinds whose `sort` is documented (sfdc-keys, sfdc-certificates,
                         dsm) honour it; the others ignore it and list oldest first.
  --scenario steady:RATE[:COUNT]
                         Start jobs of every kind with a list, in turn, at RATE a minute
                         (COUNT in all; default no end) from the start or a reset, each
                         created at its own time (made when a request comes, so a job may
                         start and end between two of a client's reads); each runs for
                         --job-seconds.
  --help                 Show this text.
SIGINT and SIGTERM stop the server; the exit status is then 0.

CipherTrust Manager routes. Every one but POST auth/tokens and auth/revoke needs
"Authorization: Bearer <jwt>", else 401. Accept: none, */*, application/* or application/json
(alone or in a list) is served, as by a real server; an Accept that leaves JSON out (e.g.
"text/html" alone, or application/json;q=0) gets 400 NCERRBadRequest.
  POST /api/v1/auth/tokens   {"grant_type":"password","username":U,"password":P,
                              "labels":["a",..] (optional)} or
                             {"grant_type":"refresh_token","refresh_token":R,
                              "renew_refresh_token":true|false} (a renewed token keeps the
                              labels) -> 200 {jwt,duration,token_type,client_id,refresh_token,
                                refresh_token_id,refresh_token_expires_in}; 401 if refused.
  GET  /api/v1/auth/tokens   the live refresh tokens, newest first: {skip,limit,total,
                             resources:[{id,uri,account,application,devAccount,createdAt,
                             updatedAt,expiresAt,labels,client_id,user_id,username}]} (never
                             the token itself); skip, limit (1..1000, default 10; limit=-1:
                             every one on one page, "limit":-1 echoed), labels=a,b or
                             labels=a&labels=b (tokens carrying every one of them).
  GET  /api/v1/auth/tokens/{id}  one refresh token's record; 404 if unknown, expired or revoked.
  DELETE /api/v1/auth/tokens/{id}  revoke a refresh token -> 204; 404 if none.
  POST /api/v1/auth/revoke   {"token":T,"token_type_hint":"refresh_token"|"access_token"} -> 200.
  For each job kind, under /api/v1/cckm/:
    GET  PATH                list: skip, limit (1..1000, default 10), id, overall_status
                             (in_progress|completed|failed), the kind's resource filter, sort
                             (createdAt|updatedAt|id|overall_status, comma list, "-" descending;
                             default -createdAt; see --sort). Repeated keys or comma lists. Bad
                             value: 400.
    POST PATH                start a job -> 201 with the job (in_progress).
    GET  PATH/{id}           one job; unknown id: 404 NCERRResourceNotFound.
    POST PATH/{id}/cancel    cancel an in_progress job: abort true at once, the job ends
                             completed shortly after; any other job: 409.
  PATH                                          filter / start body field
    aws/synchronization-jobs                    kms  {"kms":[..],"regions":[..],"synchronize_all":b}
    aws/custom-key-stores/synchronization-jobs  kms  {"kms":[..],"synchronize_all":b}
    aws/bulkjob                                 kms  any object: first array of strings
    azure/synchronization-jobs                  key_vaults  {"key_vaults":[..],"synchronize_all":b}
    azure/certificates/synchronization-jobs     key_vaults  (same; sync_item azure-certificate)
    azure/secrets/synchronization-jobs          key_vaults  (same; sync_item azure-secret)
    azure/bulkjobs                              key_vaults  any object: first array of strings
    google/synchronization-jobs                 key_rings  {"key_rings":[..],"synchronize_all":b}
    google/update-all-versions-jobs             -  {"key_id":K,"operation":"enable|disable|
                                                   schedule_destroy|cancel_destroy"}
                                                   (POST start and GET one only)
    oci/synchronization-jobs                    vaults  {"vaults":[..],"synchronize_all":b}
    sap/synchronization-jobs                    -  any object: first array of strings
    sfdc/keys/synchronization-jobs              organizations  {"organizations":[..],..}
    sfdc/certificates/synchronization-jobs      organizations  {"organizations":[..],..}
    dsm/refresh                                 domains  {"domains":[..]}
    hsm/luna/refresh, hsm/luna/synchronize      -  any object: first array of strings
    external-cm/refresh                         -  any object: first array of strings
  A job runs --job-seconds, filling detailed_status one resource after another; a resource
  whose name contains "fail" (a key_id, for update-all-versions) fails, and the job ends failed.
  Every kind starts with finished jobs (completed, failed, cancelled), and the vendor's
  example jobs where there is one, so lists show data at once.
  The scheduler, under /api/v1/scheduler/ (one schedule and one finished run at start):
    GET    job-configs             list: skip, limit (1..1000, default 10; limit=-1: every
                                   config on one page, "limit":-1 echoed), name; newest first
    POST   job-configs             {"name":N,"operation":OP,"run_at":CRON,"run_on":"any",
                                   "description":D,"disabled":b,"start_date":T,"end_date":T,
                                   "<OP>_params":{..}} -> 201 with the config; a name in use: 409
                                   OP and its parameters:
                                   cckm_synchronization: cloud_name, kms [..], oci_vaults [..],
                                     synchronize_all (kms or oci_vaults unless synchronize_all)
                                   cckm_key_rotation: cloud_name, expiration, expire_in ("" or
                                     "30d"/"12h"), rotation_after ("" or "30d"), aws_param
                                     {retain_alias,rotate_material}
                                   cckm_xks_credential_rotation: cloud_name
                                   database_backup: backupKey, connection, description, do_scp,
                                     tiedToHSM, retentionCount (>= 0), scope ("", system,
                                     domain), filters [{resourceType,resourceQuery}]
                                   Read as Go writes it: "" for a string not given (run_on ""
                                   is any), null for a list or another operation's params (which
                                   must be null or absent), 0001-01-01T00:00:00Z for a date not
                                   set; otherwise RFC 3339. A wrong type: 400 naming the member.
                                   Unknown members are ignored.
                                   The answer: id, uri, account, devAccount, application,
                                   createdAt, updatedAt, name, description, operation, run_at,
                                   run_on, disabled, start_date, end_date, job_config_params
                                   (the operation's parameters, every one, whatever the OP)
    GET    job-configs/{id}        one schedule; DELETE: 204 (its runs stay)
    PATCH  job-configs/{id}        the parameters under <OP>_params or job_config_params; ""
                                   (and the zero time) keeps a member, null clears it, absent
                                   keeps; the merged config is checked as a create; another
                                   operation: 400; id, uri, ... only repeated unchanged
    POST   job-configs/{id}/run-now  start a run -> 201 with the run (204 and no body after
                                   POST /__sim/run-now-empty)
    GET    jobs, GET jobs/{id}     runs (filters job_config_id, status; skip, limit as above):
                                   status in_progress for --job-seconds, then completed (failed
                                   when a resource name contains "fail": a kms or oci_vaults
                                   name, the cloud_name of a rotation, a backup's backupKey);
                                   the run's operation is its config's; no run is started by
                                   run_at
Network Insight routes:
  POST   /api/ni/auth/token  {"username":U,"password":P,"domain":{"domain_type":"LOCAL"|"LDAP",
                             "value":D}} -> 200 {"token":T,"expiry":EPOCH_MS}. At most 100 live
                             tokens a user: 401 past that.
  POST   /api/ni/auth/token/vidm  {"vidm_token":T} (a --vidm-token) -> the same answer.
  GET    /api/ni/auth/vidm/client-id  {"client_id":...}
  DELETE /api/ni/auth/token  release the token of the Authorization header -> 204.
  Other routes need "Authorization: NetworkInsight <token>", else 401.
  SaaS: the same routes under /ni/api/ni/ (no auth/ routes there) need "csp-auth-token: A",
  A from POST /csp/gateway/am/api/auth/api-tokens/authorize with the form body api_token=T
  (a --csp-token) -> {"access_token":A,"expires_in":--token-ttl,...}; a bad token or the old
  ?refresh_token= form: 400 {"statusCode":400,"message":..}.
  POST /api/ni/customers/collector/data-encryption-cert/update
                             start a rotation -> 200 {customerId,status:"SUBMITTED",
                             failedCollectorIds:[]}; 409 while one runs. SUBMITTED for the first
                             10% of --job-seconds, IN_PROGRESS until --job-seconds, then SUCCESS
                             (or FAILED after POST /__sim/rotation-fail).
  GET  .../data-encryption-cert/update/status
                             the last rotation; 404 before the first one.
  GET  .../data-encryption-cert/details
                             {customerId,lifetime,remainingValidity,lastUpdatedAt (epoch ms),
                             lastUpdatedBy}; lastUpdatedAt moves when a rotation succeeds.

Faults (for tests), set by --fault or by the admin API. A rule matches a route ("*" or a path
prefix), optionally a method and (with --nodes) a "node" (1..; 0 any), for the next
"count" matching requests (0: until cleared):
  latency         wait "ms" (default 500) before answering; adds up with other rules
  status          answer "status" (default 503; also written as fault 429, 500 or 503) with
                  optional "retry_after": seconds, "date:N" (an HTTP date N s ahead) or a
                  literal HTTP date; "body": json (the server's error shape), empty, html,
                  echo (the request's credentials in the error's texts) or a literal JSON
                  text starting with { or [, sent as it is
  close_before    close the connection without answering
  close_after     answer as usual (no "Connection: close"), then close the connection, as a
                  server closing an idle keep-alive connection does
  close_mid_body  send the headers and half the body, then reset the connection
  truncate        Content-Length of the whole body, send "bytes" (default half), then close
  slow_body       send the body one byte every "ms" (default 50)
  malformed       a body that is not valid JSON (status and headers as usual)
  oversize        a valid JSON body of "bytes" (default 20 MiB), padded
  expire_tokens   expire every live token just before handling the request
  throttle_text   CCKM passing OCI's throttling through: "status" (default 500) with the
                  route's error body, its message "OCI service error: TooManyRequests.
                  Request was throttled. Please retry the request later." and an OCI
                  opc-request-id; optional "retry_after" as for status
  oci_quota       an OCI quota error passed through, not throttling: "status" (default 429),
                  message "OCI service error: LimitExceeded. The request would exceed the
                  tenancy's quota ..." (no TooManyRequests in it)
Gzip: a request whose Accept-Encoding names gzip gets a gzip body (Content-Encoding: gzip).

Admin API (no auth, loopback clients only, JSON; never faulted or counted):
  GET    /__sim/faults            {"faults":[rule,...]}
  POST   /__sim/faults            a rule or an array of rules -> 201 with ids, e.g.
                                  {"route":"/api/v1/cckm","method":"GET","fault":"status",
                                   "status":429,"retry_after":"2","count":3}
                                  keys: route, method, node, fault, status, retry_after,
                                  body, count, ms, bytes
  DELETE /__sim/faults            remove every rule
  DELETE /__sim/faults/{id}       remove one rule
  POST   /__sim/expire-tokens     expire every access token of both servers now; with
                                  {"refresh":true} the CCKM refresh tokens too
  POST   /__sim/reset             back to the state at start (jobs, schedules, tokens,
                                  rotation, faults from --fault, stats, every node up)
  GET    /__sim/stats             {"total":N,"requests":{"GET /api/v1/...":n,...}}
  DELETE /__sim/stats             zero the counts
  GET    /__sim/nodes             {"nodes":[{"node":1,"up":true},...],"replication_lag_ms":N}
  POST   /__sim/nodes/{n}/down    node n (from 1) refuses connections; ask another node
  POST   /__sim/nodes/{n}/up      node n listens again on its port
  GET    /__sim/tokens            {"cckm":N,"ni":N,"cckm_refresh":N,"cckm_refresh_revoked":N}:
                                  access tokens live now (unexpired and, for Network Insight,
                                  not released with DELETE), CCKM refresh tokens live, and
                                  those revoked (POST /api/v1/auth/revoke or DELETE
                                  /api/v1/auth/tokens/{refresh_token_id})
  POST   /__sim/rotation-fail     the next rotation ends FAILED; optional
                                  {"collectors":["id",...]} for failedCollectorIds
  GET    /__sim/jobs              {"jobs":[{"kind","id","overall_status","abort"},...]}: every
                                  job of every kind as it is now
  POST   /__sim/run-now-empty     {"empty":true|false}: run-now answers 204 without a body
                                  (default true), or again with the run
Limits: request header 16 KiB (431), body 1 MiB (413), malformed request 400; the connection
is then closed and the server goes on. Idle keep-alive connections close after 30 s.
)";

[[noreturn]] void usage_error(const std::string& msg) {
    std::cerr << "keyops-sim: " << msg << "\n(see keyops-sim --help)\n";
    std::exit(2);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        usage_error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

User parse_user(const std::string& spec, const char* flag) {
    auto colon = spec.find(':');
    if (colon == std::string::npos || colon == 0)
        usage_error(std::string(flag) + " wants NAME:PASSWORD");
    return User{spec.substr(0, colon), spec.substr(colon + 1)};
}

long parse_long(const std::string& v, const char* flag, long min, long max) {
    char* end = nullptr;
    errno = 0;
    long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno != 0 || n < min || n > max)
        usage_error(std::string(flag) + " wants an integer from " + std::to_string(min) + " to " +
                    std::to_string(max));
    return n;
}

// A fresh EC P-256 key and a self-signed certificate for the loopback names.
void make_certificate(std::string& cert_pem, std::string& key_pem) {
    auto fail = [](const char* what) {
        throw std::runtime_error(std::string("certificate generation failed: ") + what);
    };
    EVP_PKEY* key = EVP_EC_gen("P-256");
    if (!key)
        fail("EVP_EC_gen");
    X509* x = X509_new();
    if (!x)
        fail("X509_new");
    X509_set_version(x, 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 3600);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("keyops-sim"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
    const std::pair<int, const char*> exts[] = {
        {NID_basic_constraints, "critical,CA:TRUE"},
        {NID_key_usage, "critical,digitalSignature,keyCertSign"},
        {NID_ext_key_usage, "serverAuth"},
        {NID_subject_key_identifier, "hash"},
        {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"},
    };
    for (const auto& [nid, value] : exts) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
        if (!ext || !X509_add_ext(x, ext, -1))
            fail("X509_add_ext");
        X509_EXTENSION_free(ext);
    }
    if (!X509_sign(x, key, EVP_sha256()))
        fail("X509_sign");
    auto to_pem = [&](auto write) {
        BIO* bio = BIO_new(BIO_s_mem());
        if (!bio || !write(bio))
            fail("PEM write");
        char* data = nullptr;
        long len = BIO_get_mem_data(bio, &data);
        std::string out(data, static_cast<std::size_t>(len));
        BIO_free(bio);
        return out;
    };
    cert_pem = to_pem([&](BIO* b) { return PEM_write_bio_X509(b, x) == 1; });
    key_pem = to_pem([&](BIO* b) {
        return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    });
    X509_free(x);
    EVP_PKEY_free(key);
}

} // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    Config config;
    ServerOptions server;
    std::string listen = "127.0.0.1:0";
    std::string cert_file, key_file, ca_file, log_file;
    bool have_seed = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::optional<std::string> inline_value; // --flag=value
        if (arg.rfind("--", 0) == 0) {
            auto eq = arg.find('=');
            if (eq != std::string::npos) {
                inline_value = arg.substr(eq + 1);
                arg.resize(eq);
            }
        }
        auto need = [&]() -> std::string {
            if (inline_value)
                return *inline_value;
            if (i + 1 >= argc)
                usage_error(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            std::cout << kHelp;
            return 0;
        } else if (arg == "--listen") {
            listen = need();
        } else if (arg == "--port-file") {
            server.port_file = need();
        } else if (arg == "--plain") {
            server.plain = true;
        } else if (arg == "--cert") {
            cert_file = need();
        } else if (arg == "--key") {
            key_file = need();
        } else if (arg == "--write-ca") {
            ca_file = need();
        } else if (arg == "--user") {
            config.users.push_back(parse_user(need(), "--user"));
        } else if (arg == "--ni-user") {
            config.ni_users.push_back(parse_user(need(), "--ni-user"));
        } else if (arg == "--token-ttl") {
            config.token_ttl = parse_long(need(), "--token-ttl", 1, 100000000);
        } else if (arg == "--refresh-ttl") {
            config.refresh_ttl = parse_long(need(), "--refresh-ttl", 1, 100000000);
        } else if (arg == "--job-seconds") {
            // SECONDS, or MIN-MAX: each job's length drawn from that range.
            std::string v = need();
            auto number = [&](const std::string& t) {
                char* end = nullptr;
                double d = std::strtod(t.c_str(), &end);
                if (t.empty() || *end != '\0' || !(d >= 0) || d > 86400)
                    usage_error("--job-seconds wants a number of seconds from 0 to 86400, or "
                                "MIN-MAX");
                return d;
            };
            auto dash = v.find('-', 1);
            config.job_seconds = number(v.substr(0, dash));
            if (dash != std::string::npos) {
                config.job_seconds_max = number(v.substr(dash + 1));
                if (config.job_seconds_max < config.job_seconds)
                    usage_error("--job-seconds MIN-MAX wants MIN <= MAX");
            }
        } else if (arg == "--seed") {
            std::string v = need();
            char* end = nullptr;
            errno = 0;
            config.seed = std::strtoull(v.c_str(), &end, 10);
            if (v.empty() || *end != '\0' || errno != 0 || v[0] == '-')
                usage_error("--seed wants a non-negative integer");
            have_seed = true;
        } else if (arg == "--log") {
            log_file = need();
        } else if (arg == "--csp-token") {
            config.csp_tokens.push_back(need());
        } else if (arg == "--vidm-token") {
            config.vidm_tokens.push_back(need());
        } else if (arg == "--nodes") {
            config.nodes = static_cast<int>(parse_long(need(), "--nodes", 1, 16));
        } else if (arg == "--replication-lag") {
            config.replication_lag_ms = parse_long(need(), "--replication-lag", 0, 600000);
        } else if (arg == "--sort") {
            const std::string v = need();
            if (v != "all" && v != "documented")
                usage_error("--sort wants all or documented");
            config.sort_documented_only = v == "documented";
        } else if (arg == "--scenario") {
            // steady:RATE[:COUNT]
            const std::string v = need();
            const auto bad = [] {
                usage_error("--scenario wants steady:RATE[:COUNT], RATE jobs a minute (a number "
                            "above 0, at most 60000) and COUNT jobs in all");
            };
            if (v.rfind("steady:", 0) != 0)
                bad();
            const std::string rest = v.substr(7);
            const auto colon = rest.find(':');
            const std::string rate = rest.substr(0, colon);
            char* end = nullptr;
            const double r = std::strtod(rate.c_str(), &end);
            if (rate.empty() || *end != '\0' || !(r > 0) || r > 60000)
                bad();
            config.scenario_per_minute = r;
            if (colon != std::string::npos)
                config.scenario_count =
                    parse_long(rest.substr(colon + 1), "--scenario COUNT", 1, 100000000);
        } else if (arg == "--state-file") {
            config.state_file = need();
            if (config.state_file.empty())
                usage_error("--state-file needs a file name");
        } else if (arg == "--fault") {
            std::string spec = need();
            Fault f;
            std::string err;
            if (!parse_fault_spec(spec, f, err))
                usage_error("--fault " + spec + ": " + err);
            config.faults.push_back(f);
        } else {
            usage_error("unknown argument " + arg);
        }
    }
    if (config.users.empty())
        config.users.push_back({"admin", "admin"});
    if (config.ni_users.empty())
        config.ni_users.push_back({"admin", "admin"});
    if (config.csp_tokens.empty())
        config.csp_tokens.push_back("keyops-sim-csp-api-token");
    if (config.vidm_tokens.empty())
        config.vidm_tokens.push_back("keyops-sim-vidm-token");
    if (!have_seed)
        config.seed =
            std::random_device{}() ^ (static_cast<std::uint64_t>(std::random_device{}()) << 32);

    // ADDR:PORT, with the IPv6 address in brackets.
    std::string host;
    std::string port;
    if (!listen.empty() && listen[0] == '[') {
        auto close = listen.find(']');
        if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':')
            usage_error("--listen wants ADDR:PORT or [IPV6]:PORT");
        host = listen.substr(1, close - 1);
        port = listen.substr(close + 2);
    } else {
        auto colon = listen.rfind(':');
        if (colon == std::string::npos)
            usage_error("--listen wants ADDR:PORT or [IPV6]:PORT");
        host = listen.substr(0, colon);
        port = listen.substr(colon + 1);
    }
    server.host = host;
    server.port = static_cast<unsigned short>(parse_long(port, "--listen port", 0, 65535));
    server.nodes = config.nodes;
    if (server.port != 0 && server.port + config.nodes - 1 > 65535)
        usage_error("--nodes: the ports after --listen's run past 65535");

    if (cert_file.empty() != key_file.empty())
        usage_error("--cert and --key go together");
    try {
        Sim sim(config); // reads the state file, if there is one
        if (!server.plain) {
            if (!cert_file.empty()) {
                server.cert_pem = read_file(cert_file);
                server.key_pem = read_file(key_file);
            } else if (!sim.stored_certificate(server.cert_pem, server.key_pem)) {
                make_certificate(server.cert_pem, server.key_pem);
                sim.keep_certificate(server.cert_pem, server.key_pem);
            }
            if (!ca_file.empty()) {
                std::ofstream out(ca_file, std::ios::trunc);
                out << server.cert_pem;
                if (!out)
                    usage_error("cannot write " + ca_file);
            }
        }
        std::FILE* log = stderr;
        if (!log_file.empty()) {
            log = std::fopen(log_file.c_str(), "a");
            if (!log)
                usage_error("cannot open " + log_file);
        }
        server.log = log;
        int rc = run_server(server, sim);
        if (log != stderr)
            std::fclose(log);
        return rc;
    } catch (const std::exception& e) {
        std::cerr << "keyops-sim: " << e.what() << "\n";
        return 1;
    }
}
