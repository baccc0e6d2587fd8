// keyops-sim: the simulated CipherTrust Manager (CCKM jobs) and Network Insight (proxy key
// rotation) servers, the fault rules and the /__sim/ admin API. Everything here is a pure function
// of the request, the clock and the state, so the transport stays a thin layer.
#include "sim.hpp"

#include <keyops/endpoint/cckm.hpp>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <ctime>
#include <map>
#include <optional>
#include <random>
#include <unordered_map>

namespace keyops_sim {

namespace json = boost::json;
namespace cckm = keyops::cckm;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

constexpr long long kDefaultOversize = 20LL * 1024 * 1024;
constexpr long kDefaultSlowMs = 50;
constexpr long kDefaultLatencyMs = 500;
constexpr std::size_t kNiTokenCap = 100;
constexpr int kCustomerId = 1;

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

std::tm utc(long long secs_since_epoch) {
    std::time_t tt = static_cast<std::time_t>(secs_since_epoch);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return tm;
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

// Go's time.Duration text for whole seconds ("12s", "1m2s", "1h0m5s"), as jwt-go prints it.
std::string go_duration(long long s) {
    std::string out;
    if (s >= 3600)
        out += std::to_string(s / 3600) + "h";
    if (s >= 60)
        out += std::to_string((s % 3600) / 60) + "m";
    out += std::to_string(s % 60) + "s";
    return out;
}

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

std::optional<std::string> base64url_decode(std::string_view in) {
    std::string out;
    unsigned v = 0;
    int bits = 0;
    for (char c : in) {
        int d;
        if (c >= 'A' && c <= 'Z')
            d = c - 'A';
        else if (c >= 'a' && c <= 'z')
            d = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            d = c - '0' + 52;
        else if (c == '-' || c == '+')
            d = 62;
        else if (c == '_' || c == '/')
            d = 63;
        else if (c == '=')
            break;
        else
            return std::nullopt;
        v = (v << 6) | static_cast<unsigned>(d);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((v >> bits) & 0xff);
        }
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

// The seeds show 401s as just code and codeDesc.
Reply cckm_unauthorized(std::string_view text) {
    return cckm_error(401, 1, "NCERRUnauthorized: " + std::string(text), {});
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

// ---------------------------------------------------------------------------------------------
// The CCKM job kinds. The library's list (keyops::cckm::all_kinds, made from KEYOPS_CCKM_KINDS)
// gives each kind's name, path and whether it can be listed and cancelled; kKindData adds what
// only the simulator knows. A library kind without a line in kKindData is not served.

enum class Style { named, generic, uav };

struct KindData {
    cckm::job_kind kind;
    const char* cloud;      // "cloud" field
    const char* field;      // resource list field of the job object
    const char* filter;     // list filter query name ("" none)
    const char* body_field; // start body field (Style::named)
    const char* noun;       // for the detailed_status texts
    const char* ok_text;
    const char* prefix;    // detailed_status key prefix (Azure region, OCI compartment)
    const char* sync_item; // "" none
    Style style;
    const char* samples[3]; // two good resource names and a failing one, for the initial jobs
};

const KindData kKindData[] = {
    {cckm::job_kind::aws,
     "aws",
     "kms",
     "kms",
     "kms",
     "kms",
     "kms synchronized successfully",
     "",
     "",
     Style::named,
     {"kms-prod", "kms-dev", "kms-fail-demo"}},
    {cckm::job_kind::aws_custom_key_stores,
     "aws",
     "kms",
     "kms",
     "kms",
     "custom key store",
     "custom key store synchronized successfully",
     "",
     "",
     Style::named,
     {"cks-cloudhsm-prod", "cks-xks-dev", "cks-fail-demo"}},
    {cckm::job_kind::aws_bulk,
     "aws",
     "kms",
     "kms",
     "",
     "bulk job",
     "bulk operation completed successfully",
     "",
     "",
     Style::generic,
     {"kms-prod", "kms-dev", "kms-fail-demo"}},
    {cckm::job_kind::azure,
     "AzureCloud",
     "key_vaults",
     "key_vaults",
     "key_vaults",
     "vault",
     "vault synchronized successfully",
     "northcentralus/",
     "",
     Style::named,
     {"pkv-softkeys::260ecbe7-777b-4d3c-84ea-887620498863",
      "CCKM-Soft-Delete::260ecbe7-777b-4d3c-84ea-887620498863",
      "pkv-fail-demo::260ecbe7-777b-4d3c-84ea-887620498863"}},
    {cckm::job_kind::azure_certificates,
     "AzureCloud",
     "key_vaults",
     "key_vaults",
     "key_vaults",
     "vault",
     "vault synchronized successfully",
     "northcentralus/",
     "azure-certificate",
     Style::named,
     {"pkv-softkeys::260ecbe7-777b-4d3c-84ea-887620498863",
      "CCKM-Soft-Delete::260ecbe7-777b-4d3c-84ea-887620498863",
      "pkv-fail-demo::260ecbe7-777b-4d3c-84ea-887620498863"}},
    {cckm::job_kind::azure_secrets,
     "AzureCloud",
     "key_vaults",
     "key_vaults",
     "key_vaults",
     "vault",
     "vault synchronized successfully",
     "northcentralus/",
     "azure-secret",
     Style::named,
     {"pkv-softkeys::260ecbe7-777b-4d3c-84ea-887620498863",
      "CCKM-Soft-Delete::260ecbe7-777b-4d3c-84ea-887620498863",
      "pkv-fail-demo::260ecbe7-777b-4d3c-84ea-887620498863"}},
    {cckm::job_kind::azure_bulk,
     "AzureCloud",
     "key_vaults",
     "key_vaults",
     "",
     "bulk job",
     "bulk operation completed successfully",
     "",
     "",
     Style::generic,
     {"pkv-softkeys::260ecbe7-777b-4d3c-84ea-887620498863",
      "CCKM-Soft-Delete::260ecbe7-777b-4d3c-84ea-887620498863",
      "pkv-fail-demo::260ecbe7-777b-4d3c-84ea-887620498863"}},
    {cckm::job_kind::google,
     "gcp",
     "key_rings",
     "key_rings",
     "key_rings",
     "key ring",
     "key ring synchronized successfully",
     "",
     "",
     Style::named,
     {"projects/keyops-sim/locations/global/keyRings/demo-key-ring",
      "projects/keyops-sim/locations/us-east1/keyRings/prod-ring",
      "projects/keyops-sim/locations/global/keyRings/fail-ring"}},
    {cckm::job_kind::google_update_all_versions,
     "gcp",
     "",
     "",
     "",
     "key",
     "Successfully updated all key versions state.",
     "",
     "",
     Style::uav,
     {"", "", ""}},
    {cckm::job_kind::oci,
     "oci",
     "key_vaults",
     "vaults",
     "vaults",
     "vault",
     "vault synchronized successfully",
     "cckm-sim/",
     "",
     Style::named,
     {"5e9ee2f1-1b90-4b7d-b319-2b0848e78e75", "8a0c4d6e-3f1b-4c2a-9d7e-6b5a4c3d2e1f",
      "vault-fail-demo"}},
    {cckm::job_kind::sap,
     "sap",
     "groups",
     "",
     "",
     "group",
     "group synchronized successfully",
     "",
     "",
     Style::generic,
     {"sap-group-prod", "sap-group-dev", "sap-group-fail"}},
    {cckm::job_kind::sfdc_keys,
     "salesforce",
     "organizations",
     "organizations",
     "organizations",
     "organization",
     "organization synchronized successfully",
     "",
     "",
     Style::named,
     {"org-prod", "org-sandbox", "org-fail-demo"}},
    {cckm::job_kind::sfdc_certificates,
     "salesforce",
     "organizations",
     "organizations",
     "organizations",
     "organization",
     "organization synchronized successfully",
     "",
     "",
     Style::named,
     {"org-prod", "org-sandbox", "org-fail-demo"}},
    {cckm::job_kind::dsm,
     "dsm",
     "domains",
     "domains",
     "domains",
     "domain",
     "domain synchronized successfully",
     "",
     "",
     Style::named,
     {"6070915c-0ab4-4e7e-bf4d-31dd31214874", "1b7f3c2a-4d5e-4f60-8a9b-0c1d2e3f4a5b",
      "domain-fail-demo"}},
    {cckm::job_kind::luna_refresh,
     "luna",
     "partitions",
     "",
     "",
     "partition",
     "partition refreshed successfully",
     "",
     "",
     Style::generic,
     {"partition-1", "partition-2", "partition-fail"}},
    {cckm::job_kind::luna_sync,
     "luna",
     "partitions",
     "",
     "",
     "partition",
     "partition synchronized successfully",
     "",
     "",
     Style::generic,
     {"partition-1", "partition-2", "partition-fail"}},
    {cckm::job_kind::external_cm,
     "external-cm",
     "domains",
     "",
     "",
     "domain",
     "domain refreshed successfully",
     "",
     "",
     Style::generic,
     {"cm-domain-root", "cm-domain-apps", "cm-domain-fail"}},
};

// A served kind: the library's facts about it and the simulator's data.
struct Kind : KindData {
    std::string_view name; // the library's command-line name, in messages
    std::string path;      // list / start path: /api and the library's path
    bool has_list;
    bool has_cancel;
};

template <class K>
void add_kind(std::vector<Kind>& out, K) {
    for (const KindData& d : kKindData)
        if (d.kind == K::kind)
            out.push_back(Kind{d, K::name, "/api" + std::string(K::base_path.view()), K::has_list,
                               K::has_cancel});
}

// The served kinds, in the library's order (the order of the initial jobs, and so of their ids).
const std::vector<Kind>& kinds() {
    static const std::vector<Kind> all = [] {
        std::vector<Kind> out;
        std::apply([&](auto... k) { (add_kind(out, k), ...); }, cckm::all_kinds{});
        return out;
    }();
    return all;
}

// Verbatim example responses from the vendor documentation, served as they are.
struct SeedJob {
    cckm::job_kind kind;
    const char* json;
};
const SeedJob kSeedJobs[] = {
    {cckm::job_kind::dsm,
     R"({"id":"d4cbd38e-845e-4f75-9e71-15280084986e","uri":"kylo:kylo:cckm:synchronize:d4cbd38e-845e-4f75-9e71-15280084986e","account":"kylo:kylo:admin:accounts:kylo","application":"ncryptify:gemalto:admin:apps:kylo","devAccount":"ncryptify:gemalto:admin:accounts:gemalto","createdAt":"2021-03-03T09:22:15.05611Z","updatedAt":"2021-03-03T09:22:15.636481Z","completed_at":"2021-03-03T09:22:15.636315Z","overall_status":"completed","detailed_status":{"6070915c-0ab4-4e7e-bf4d-31dd31214874":"domain synchronized successfully"},"cloud":"dsm","domains":["6070915c-0ab4-4e7e-bf4d-31dd31214874"],"abort":false})"},
    {cckm::job_kind::azure_certificates,
     R"({"id":"1f413972-499e-498c-9543-77c2da7d71e4","uri":"kylo:kylo:cckm:synchronize:1f413972-499e-498c-9543-77c2da7d71e4","account":"kylo:kylo:admin:accounts:kylo","application":"ncryptify:gemalto:admin:apps:kylo","devAccount":"ncryptify:gemalto:admin:accounts:gemalto","createdAt":"2022-05-12T07:00:52.032722Z","updatedAt":"2022-05-12T07:01:17.698896Z","completed_at":"2022-05-12T07:01:17.698624Z","overall_status":"failed","detailed_status":{"northcentralus/CCKM-Soft-Delete::260ecbe7-777b-4d3c-84ea-887620498863":"vault synchronized successfully","northcentralus/pkv-softkeys::260ecbe7-777b-4d3c-84ea-887620498863":"vault synchronized successfully"},"cloud":"AzureCloud","key_vaults":["pkv-softkeys::260ecbe7-777b-4d3c-84ea-887620498863","CCKM-Soft-Delete::260ecbe7-777b-4d3c-84ea-887620498863"],"abort":false,"sync_item":"azure-certificate"})"},
    {cckm::job_kind::google_update_all_versions,
     R"({"id":"778a1024-dc18-49cb-833b-cfd6c000c090","uri":"kylo:kylo:cckm:update_all_versions:778a1024-dc18-49cb-833b-cfd6c000c090","account":"kylo:kylo:admin:accounts:kylo","createdAt":"2021-05-05T07:33:44.183784Z","updatedAt":"2021-05-05T07:33:48.323112Z","completed_at":"2021-05-05T07:33:48.322905Z","overall_status":"completed","detailed_status":{"completed":["2","1"],"projects/gemalto-kyloeng/locations/global/keyRings/demo-key-ring/cryptoKeys/doc-test":"Successfully updated all key versions state."},"job_id":"778a1024-dc18-49cb-833b-cfd6c000c090","key_id":"ecc73bfb-7605-4263-abb8-84fe431d35fb","version_count":2,"operation":"disable","abort":false})"},
    {cckm::job_kind::oci,
     R"({"id":"45f1c056-ad1f-41b7-bf68-2b2909e51ab9","uri":"kylo:kylo:cckm:synchronize:45f1c056-ad1f-41b7-bf68-2b2909e51ab9","account":"kylo:kylo:admin:accounts:kylo","application":"ncryptify:gemalto:admin:apps:kylo","devAccount":"ncryptify:gemalto:admin:accounts:gemalto","createdAt":"2022-02-03T04:19:34.327771Z","updatedAt":"2022-02-03T04:20:06.015704Z","completed_at":"2022-02-03T04:20:06.015547Z","overall_status":"completed","detailed_status":{"cckmqa-automation/5e9ee2f1-1b90-4b7d-b319-2b0848e78e75":"vault synchronized successfully"},"cloud":"oci","key_vaults":["5e9ee2f1-1b90-4b7d-b319-2b0848e78e75"],"abort":false})"},
};

struct Job {
    std::string id;
    std::size_t kind = 0;
    Time created;
    double seconds = 0;
    std::vector<std::string> resources;
    std::vector<std::string> regions; // AWS only
    std::optional<Time> cancelled;
    std::string key_id, operation; // update-all-versions
    long long version_count = 0;
    std::optional<json::object> fixed; // a verbatim seed job
    Time fixed_updated;
    std::string fixed_status;
};

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

struct Access {
    std::string user;
    Time exp;
};
struct RefreshToken {
    std::string user;
    std::string id;
    Time expires; // idle expiry: each use pushes it out by --refresh-ttl
};
struct NiToken {
    std::string user;
    Time expiry;
};
struct Rotation {
    Time started;
    double seconds = 0;
    bool fail = false;
    std::vector<std::string> failed_ids;
    std::string user;
    bool settled = false;
};

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
    }
    return "?";
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
            if (!v.is_string() || (v.get_string() != "json" && v.get_string() != "empty" &&
                                   v.get_string() != "html")) {
                err = "body must be \"json\", \"empty\" or \"html\"";
                return false;
            }
            f.body = v.get_string() == "json" ? "" : std::string(v.get_string());
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
    if (f.kind == FaultKind::status) {
        o["status"] = f.status;
        if (!f.retry_after.empty())
            o["retry_after"] = f.retry_after;
        if (!f.body.empty())
            o["body"] = f.body;
    }
    o["count"] = f.count;
    o["remaining"] = f.remaining;
    if (f.kind == FaultKind::latency || f.kind == FaultKind::slow_body)
        o["ms"] = f.ms;
    if (f.kind == FaultKind::truncate || f.kind == FaultKind::oversize)
        o["bytes"] = f.bytes;
    return o;
}

} // namespace

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

// ---------------------------------------------------------------------------------------------

struct Sim::Impl {
    Config cfg;
    std::mt19937_64 job_rng;
    std::mt19937_64 token_rng;
    std::string client_id;
    std::string hmac_key;
    std::map<std::string, std::string> user_ids;

    std::vector<std::vector<Job>> jobs;
    std::unordered_map<std::string, Access> access;
    std::unordered_map<std::string, RefreshToken> refresh;
    std::unordered_map<std::string, NiToken> ni_tokens;
    std::optional<Rotation> rotation;
    bool fail_next_rotation = false;
    std::vector<std::string> fail_collectors;
    Time key_updated;
    std::string key_updated_by;

    std::vector<Fault> faults;
    long next_fault_id = 1;
    std::map<std::string, long> stats;
    long total = 0;

    explicit Impl(Config c) : cfg(std::move(c)), token_rng(cfg.seed ^ 0x6b65796f70732d73ULL) {
        client_id = uuid4(token_rng);
        hmac_key = random_bytes(token_rng, 32);
        reset(Clock::now());
    }

    // Back to the state at start: the same seed gives the same job ids again.
    void reset(Time now) {
        job_rng.seed(cfg.seed);
        jobs.assign(kinds().size(), {});
        access.clear();
        refresh.clear();
        ni_tokens.clear();
        rotation.reset();
        fail_next_rotation = false;
        fail_collectors.clear();
        key_updated = Time(milliseconds(to_ms(now - std::chrono::hours(24 * 30))));
        key_updated_by = "admin";
        faults.clear();
        for (Fault f : cfg.faults) {
            f.id = next_fault_id++;
            f.remaining = f.count;
            faults.push_back(f);
        }
        stats.clear();
        total = 0;
        seed_jobs(trunc_us(now));
    }

    std::size_t kind_index(cckm::job_kind kind) const {
        for (std::size_t i = 0; i < kinds().size(); ++i)
            if (kinds()[i].kind == kind)
                return i;
        return kinds().size();
    }

    void seed_jobs(Time now) {
        using std::chrono::hours;
        using std::chrono::minutes;
        for (const auto& s : kSeedJobs) {
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

    View view(const Job& j, Time now) const {
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
            return j.created +
                   secs(j.seconds * static_cast<double>(i + 1) / static_cast<double>(n));
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

    Job* find_job(std::size_t ki, std::string_view id) {
        for (auto& j : jobs[ki])
            if (j.id == id)
                return &j;
        return nullptr;
    }

    // ---- CCKM authentication -------------------------------------------------------------

    const std::string& user_id(const std::string& user) {
        auto it = user_ids.find(user);
        if (it == user_ids.end())
            it = user_ids.emplace(user, uuid4(token_rng)).first;
        return it->second;
    }

    std::string make_jwt(const std::string& user, long long iat, long long exp,
                         const std::string& sid) {
        json::object cust;
        cust["domain_id"] = "00000000-0000-0000-0000-000000000000";
        cust["groups"] = json::array{"admin"};
        cust["sid"] = sid;
        cust["zone_id"] = "00000000-0000-0000-0000-000000000000";
        json::object p;
        p["aud"] = client_id;
        p["sub"] = "local|" + user_id(user);
        p["iss"] = "kylo";
        p["acc"] = "kylo";
        p["preferred_username"] = user;
        p["cust"] = std::move(cust);
        p["jwtid"] = uuid4(token_rng);
        p["iat"] = iat;
        p["exp"] = exp;
        std::string signing_input =
            base64(R"({"alg":"HS256","typ":"JWT"})", true) + "." + base64(json::serialize(p), true);
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int mac_len = 0;
        HMAC(EVP_sha256(), hmac_key.data(), static_cast<int>(hmac_key.size()),
             reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
             mac, &mac_len);
        return signing_input + "." +
               base64(std::string_view(reinterpret_cast<const char*>(mac), mac_len), true);
    }

    void purge(Time now) {
        // Long-dead entries only: recently expired tokens still get "expired by Ns".
        if (access.size() > 10000)
            for (auto it = access.begin(); it != access.end();)
                it =
                    it->second.exp + std::chrono::hours(1) < now ? access.erase(it) : std::next(it);
        for (auto it = ni_tokens.begin(); it != ni_tokens.end();)
            it = it->second.expiry + std::chrono::hours(1) < now ? ni_tokens.erase(it)
                                                                 : std::next(it);
        for (auto it = refresh.begin(); it != refresh.end();)
            it = it->second.expires < now ? refresh.erase(it) : std::next(it);
    }

    Reply tokens(const Request& req, Time now) {
        boost::system::error_code ec;
        json::value body = json::parse(req.body, ec);
        if (ec || !body.is_object())
            return cckm_bad("request body must be a JSON object");
        const json::object& o = body.as_object();
        std::string grant = "password";
        if (auto* g = o.if_contains("grant_type")) {
            if (!g->is_string())
                return cckm_invalid("grant_type must be a string");
            grant = std::string(g->get_string());
        }
        purge(now);
        std::string user;
        std::string rt;
        if (grant == "password") {
            auto* u = o.if_contains("username");
            auto* p = o.if_contains("password");
            if (!u || !u->is_string() || !p || !p->is_string())
                return cckm_invalid("username and password are required for grant_type password");
            bool ok = false;
            for (const auto& cu : cfg.users)
                ok = ok || (cu.name == u->get_string() && cu.password == p->get_string());
            if (!ok)
                return cckm_unauthorized("Invalid user credentials");
            user = std::string(u->get_string());
        } else if (grant == "refresh_token") {
            auto* r = o.if_contains("refresh_token");
            if (!r || !r->is_string() || r->get_string().empty())
                return cckm_invalid("refresh_token is required for grant_type refresh_token");
            bool renew = false;
            if (auto* rn = o.if_contains("renew_refresh_token")) {
                if (!rn->is_bool())
                    return cckm_invalid("renew_refresh_token must be a boolean");
                renew = rn->get_bool();
            }
            auto it = refresh.find(std::string(r->get_string()));
            if (it == refresh.end())
                return cckm_unauthorized("Invalid refresh token");
            if (now >= it->second.expires) {
                refresh.erase(it);
                return cckm_unauthorized("Refresh token is expired");
            }
            user = it->second.user;
            if (renew) {
                refresh.erase(it);
            } else {
                it->second.expires = now + seconds(cfg.refresh_ttl);
                rt = it->first;
            }
        } else {
            return cckm_invalid("grant_type \"" + grant + "\" is not supported by keyops-sim");
        }
        if (rt.empty()) {
            rt = base64(random_bytes(token_rng, 48), true);
            refresh[rt] = RefreshToken{user, uuid4(token_rng), now + seconds(cfg.refresh_ttl)};
        }
        const RefreshToken& rec = refresh[rt];
        long long iat = to_s(now);
        long long exp = iat + cfg.token_ttl;
        std::string jwt = make_jwt(user, iat, exp, rec.id);
        // The table counts from the precise issue time (the claim is whole seconds), so even a
        // --token-ttl 1 token lives a full second.
        access[jwt] = Access{user, now + seconds(cfg.token_ttl)};
        json::object out;
        out["jwt"] = jwt;
        out["duration"] = cfg.token_ttl;
        out["token_type"] = "Bearer";
        out["client_id"] = client_id;
        out["refresh_token"] = rt;
        out["refresh_token_id"] = rec.id;
        out["refresh_token_expires_in"] = cfg.refresh_ttl;
        return json_reply(200, out);
    }

    std::optional<Reply> check_bearer(const Request& req, Time now) {
        if (!req.has_authorization || trim(req.authorization).empty())
            return cckm_unauthorized("Token is missing");
        std::string_view a = trim(req.authorization);
        auto sp = a.find(' ');
        if (sp == std::string_view::npos || lower(a.substr(0, sp)) != "bearer")
            return cckm_unauthorized("Authorization header must be \"Bearer <token>\"");
        std::string token(trim(a.substr(sp + 1)));
        auto expired = [&](Time exp) {
            long long by = std::chrono::duration_cast<seconds>(now - exp).count();
            return cckm_unauthorized("Token is expired by " + go_duration(std::max(1LL, by)));
        };
        auto it = access.find(token);
        if (it != access.end()) {
            if (now >= it->second.exp)
                return expired(it->second.exp);
            return std::nullopt;
        }
        // Not ours (or purged): tell expired from malformed the way a JWT library would.
        auto d1 = token.find('.');
        auto d2 = d1 == std::string::npos ? d1 : token.find('.', d1 + 1);
        if (d2 == std::string::npos || token.find('.', d2 + 1) != std::string::npos)
            return cckm_unauthorized("Token is malformed: token contains an invalid number of "
                                     "segments");
        auto payload = base64url_decode(std::string_view(token).substr(d1 + 1, d2 - d1 - 1));
        boost::system::error_code ec;
        json::value p = payload ? json::parse(*payload, ec) : json::value();
        long long exp = 0;
        if (!payload || ec || !p.is_object() || !p.as_object().if_contains("exp") ||
            !json_int(p.as_object().at("exp"), exp))
            return cckm_unauthorized("Token is malformed");
        if (Time(seconds(exp)) <= now)
            return expired(Time(seconds(exp)));
        return cckm_unauthorized("Token is invalid: signature is invalid");
    }

    // ---- CCKM jobs -------------------------------------------------------------------------

    Reply list(std::size_t ki, const boost::urls::url_view& u, Time now) {
        const Kind& k = kinds()[ki];
        long long skip = 0;
        long long limit = 10;
        std::vector<std::string> ids, statuses, resources;
        std::vector<std::pair<std::string, bool>> sort{{"createdAt", true}};
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
            }
            // Other query keys are ignored, as the real server ignores unknown ones.
        }
        auto has = [](const std::vector<std::string>& set, const std::string& s) {
            return std::find(set.begin(), set.end(), s) != set.end();
        };
        std::vector<View> views;
        for (const Job& j : jobs[ki]) {
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

    Reply start(std::size_t ki, const Request& req, Time now) {
        const Kind& k = kinds()[ki];
        boost::system::error_code ec;
        json::value body = json::parse(req.body, ec);
        if (ec || !body.is_object())
            return cckm_bad("request body must be a JSON object");
        const json::object& o = body.as_object();
        Job j;
        j.kind = ki;
        j.created = trunc_us(now);
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
        j.id = uuid4(job_rng);
        jobs[ki].push_back(j);
        return json_reply(201, view(jobs[ki].back(), now).obj);
    }

    Reply cancel(Job& j, Time now) {
        View v = view(j, now);
        if (v.status != "in_progress")
            return cckm_error(409, 15, "NCERRBadRequest: Only an in-progress job can be cancelled",
                              "job " + j.id + " is " + v.status);
        if (!j.cancelled)
            j.cancelled = trunc_us(now);
        return json_reply(200, view(j, now).obj);
    }

    Reply cckm(const Request& req, std::string_view path, const boost::urls::url_view& u,
               Time now) {
        if (path == "/api/v1/auth/tokens") {
            if (req.method != "POST")
                return method_not_allowed(path, "POST");
            if (!icontains(req.accept, "application/json"))
                return cckm_bad("Accept header must include application/json");
            return tokens(req, now);
        }
        if (auto r = check_bearer(req, now))
            return *r;
        if (!icontains(req.accept, "application/json"))
            return cckm_bad("Accept header must include application/json");
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
                    return list(ki, u, now);
                if (req.method == "POST")
                    return start(ki, req, now);
                return method_not_allowed(path, "GET, POST");
            }
            rest.remove_prefix(1);
            auto slash = rest.find('/');
            std::string id(rest.substr(0, slash));
            std::string_view tail = slash == std::string_view::npos ? "" : rest.substr(slash);
            if (tail.empty()) {
                if (req.method != "GET")
                    return method_not_allowed(path, "GET");
                Job* j = find_job(ki, id);
                if (!j)
                    return cckm_not_found("no " + std::string(k.name) + " job with id " + id);
                return json_reply(200, view(*j, now).obj);
            }
            if (tail == "/cancel" && k.has_cancel) {
                if (req.method != "POST")
                    return method_not_allowed(path, "POST");
                Job* j = find_job(ki, id);
                if (!j)
                    return cckm_not_found("no " + std::string(k.name) + " job with id " + id);
                return cancel(*j, now);
            }
            break;
        }
        return cckm_not_found("no route for " + std::string(path));
    }

    // ---- Network Insight ---------------------------------------------------------------------

    std::size_t live_ni_tokens(const std::string& user, Time now) const {
        std::size_t n = 0;
        for (const auto& [t, rec] : ni_tokens)
            if (rec.user == user && rec.expiry > now)
                ++n;
        return n;
    }

    Reply ni_login(const Request& req, Time now) {
        static const std::string target = "/api/ni/auth/token";
        boost::system::error_code ec;
        json::value body = json::parse(req.body, ec);
        if (ec || !body.is_object())
            return ni_error(400, "request body must be a JSON object", target);
        const json::object& o = body.as_object();
        auto* u = o.if_contains("username");
        auto* p = o.if_contains("password");
        if (!u || !u->is_string() || !p || !p->is_string())
            return ni_error(400, "username and password are required", "username");
        auto* d = o.if_contains("domain");
        if (!d || !d->is_object())
            return ni_error(400,
                            "domain is required: {\"domain_type\":\"LOCAL\"|\"LDAP\","
                            "\"value\":...}",
                            "domain");
        auto* dt = d->as_object().if_contains("domain_type");
        if (!dt || !dt->is_string() || (dt->get_string() != "LOCAL" && dt->get_string() != "LDAP"))
            return ni_error(400, "domain.domain_type must be LOCAL or LDAP", "domain.domain_type");
        auto* dv = d->as_object().if_contains("value");
        if (dv && !dv->is_string())
            return ni_error(400, "domain.value must be a string", "domain.value");
        bool ok = false;
        for (const auto& nu : cfg.ni_users)
            ok = ok || (nu.name == u->get_string() && nu.password == p->get_string());
        if (!ok)
            return ni_error(401, "Invalid username or password", target);
        std::string user(u->get_string());
        purge(now);
        if (live_ni_tokens(user, now) >= kNiTokenCap)
            return ni_error(401,
                            "Maximum number of valid tokens (100) reached for user " + user +
                                "; delete one with DELETE /api/ni/auth/token",
                            target);
        std::string token = base64(random_bytes(token_rng, 24), false);
        Time expiry = Time(milliseconds(to_ms(now + seconds(cfg.token_ttl))));
        ni_tokens[token] = NiToken{user, expiry};
        json::object out;
        out["token"] = token;
        out["expiry"] = to_ms(expiry);
        return json_reply(200, out);
    }

    // On success returns the token; otherwise fills `err`.
    std::optional<std::string> check_ni(const Request& req, std::string_view path, Time now,
                                        Reply& err) {
        std::string_view a = trim(req.authorization);
        if (!req.has_authorization || a.empty()) {
            err = ni_error(401, "Authorization header is missing", path);
            return std::nullopt;
        }
        auto sp = a.find(' ');
        if (sp == std::string_view::npos || lower(a.substr(0, sp)) != "networkinsight") {
            err = ni_error(401, "Authorization header must be \"NetworkInsight <token>\"", path);
            return std::nullopt;
        }
        std::string token(trim(a.substr(sp + 1)));
        auto it = ni_tokens.find(token);
        if (it == ni_tokens.end()) {
            err = ni_error(401, "Invalid token", path);
            return std::nullopt;
        }
        if (it->second.expiry <= now) {
            err = ni_error(401, "Token expired", path);
            return std::nullopt;
        }
        return token;
    }

    // Applies a finished successful rotation to the key details once.
    void settle(Time now) {
        if (!rotation || rotation->settled)
            return;
        Time end = rotation->started + secs(rotation->seconds);
        if (now < end)
            return;
        rotation->settled = true;
        if (!rotation->fail) {
            key_updated = Time(milliseconds(to_ms(end)));
            key_updated_by = rotation->user;
        }
    }

    std::string rotation_status(Time now) const {
        double elapsed = std::chrono::duration<double>(now - rotation->started).count();
        if (elapsed < 0.1 * rotation->seconds)
            return "SUBMITTED";
        if (elapsed < rotation->seconds)
            return "IN_PROGRESS";
        return rotation->fail ? "FAILED" : "SUCCESS";
    }

    json::object rotation_json(Time now) const {
        json::object o;
        o["customerId"] = kCustomerId;
        std::string st = rotation_status(now);
        o["status"] = st;
        o["failedCollectorIds"] = st == "FAILED" ? to_array(rotation->failed_ids) : json::array{};
        return o;
    }

    Reply ni(const Request& req, std::string_view path, Time now) {
        static const std::string base = "/api/ni/customers/collector/data-encryption-cert";
        if (path == "/api/ni/auth/token") {
            if (req.method == "POST")
                return ni_login(req, now);
            if (req.method != "DELETE")
                return method_not_allowed(path, "POST, DELETE");
            Reply err;
            auto token = check_ni(req, path, now, err);
            if (!token)
                return err;
            ni_tokens.erase(*token);
            Reply r;
            r.status = 204;
            return r;
        }
        Reply err;
        auto token = check_ni(req, path, now, err);
        if (!token)
            return err;
        settle(now);
        const std::string user = ni_tokens[*token].user;
        if (path == base + "/update") {
            if (req.method != "POST")
                return method_not_allowed(path, "POST");
            if (rotation && !rotation->settled)
                return ni_error(409, "A proxy key rotation is already in progress", path);
            Rotation rot;
            rot.started = now;
            rot.seconds = cfg.job_seconds;
            rot.user = user;
            rot.fail = fail_next_rotation;
            rot.failed_ids = fail_collectors;
            fail_next_rotation = false;
            rotation = rot;
            settle(now); // --job-seconds 0 finishes at once
            return json_reply(200, rotation_json(now));
        }
        if (path == base + "/update/status") {
            if (req.method != "GET")
                return method_not_allowed(path, "GET");
            if (!rotation)
                return ni_error(404, "No proxy key rotation has been requested", path);
            return json_reply(200, rotation_json(now));
        }
        if (path == base + "/details") {
            if (req.method != "GET")
                return method_not_allowed(path, "GET");
            long long days =
                std::chrono::duration_cast<std::chrono::hours>(now - key_updated).count() / 24;
            json::object o;
            o["customerId"] = kCustomerId;
            o["lifetime"] = "365";
            o["remainingValidity"] = std::to_string(std::max(0LL, 365 - days));
            o["lastUpdatedAt"] = to_ms(key_updated);
            o["lastUpdatedBy"] = key_updated_by;
            return json_reply(200, o);
        }
        return ni_error(404, "no route for " + std::string(path), path);
    }

    // ---- faults, stats and the admin API -------------------------------------------------------

    json::object expire_all(Time now, bool refresh_too) {
        long a = 0, n = 0, r = 0;
        for (auto& [t, rec] : access)
            if (rec.exp > now) {
                rec.exp = now;
                ++a;
            }
        for (auto& [t, rec] : ni_tokens)
            if (rec.expiry > now) {
                rec.expiry = now;
                ++n;
            }
        if (refresh_too)
            for (auto& [t, rec] : refresh)
                if (rec.expires > now) {
                    rec.expires = now;
                    ++r;
                }
        json::object o;
        o["cckm"] = a;
        o["ni"] = n;
        o["refresh"] = r;
        return o;
    }

    // Access tokens the servers would still accept now (not expired, not released).
    json::object live_tokens(Time now) const {
        long a = 0, n = 0;
        for (const auto& [t, rec] : access)
            if (rec.exp > now)
                ++a;
        for (const auto& [t, rec] : ni_tokens)
            if (rec.expiry > now)
                ++n;
        json::object o;
        o["cckm"] = a;
        o["ni"] = n;
        return o;
    }

    json::object stats_json() const {
        json::object req;
        for (const auto& [k, v] : stats)
            req[k] = v;
        json::object o;
        o["total"] = total;
        o["requests"] = std::move(req);
        return o;
    }

    Reply admin(const Request& req, std::string_view path, Time now) {
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
            o["endpoints"] = json::array{"GET /__sim/faults",         "POST /__sim/faults",
                                         "DELETE /__sim/faults",      "DELETE /__sim/faults/{id}",
                                         "POST /__sim/expire-tokens", "POST /__sim/reset",
                                         "GET /__sim/stats",          "DELETE /__sim/stats",
                                         "POST /__sim/rotation-fail", "GET /__sim/tokens"};
            return json_reply(200, o);
        }
        if (path == "/__sim/faults") {
            if (m == "GET") {
                json::array a;
                for (const auto& f : faults)
                    a.emplace_back(fault_to_json(f));
                json::object o;
                o["faults"] = std::move(a);
                return json_reply(200, o);
            }
            if (m == "DELETE") {
                json::object o;
                o["cleared"] = faults.size();
                faults.clear();
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
                f.id = next_fault_id++;
                faults.push_back(f);
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
            auto it = std::find_if(faults.begin(), faults.end(),
                                   [&](const Fault& f) { return f.id == id; });
            if (it == faults.end())
                return admin_error(404, "no such fault");
            json::object o = fault_to_json(*it);
            faults.erase(it);
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
            o["expired"] = expire_all(now, refresh_too);
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
            return json_reply(200, stats_json());
        }
        if (path == "/__sim/tokens") {
            if (m != "GET")
                return method_not_allowed(path, "GET");
            return json_reply(200, live_tokens(now));
        }
        if (path == "/__sim/rotation-fail") {
            if (m != "POST")
                return method_not_allowed(path, "POST");
            std::vector<std::string> ids{"collector-1", "collector-2"};
            if (body.is_object())
                if (auto* c = body.as_object().if_contains("collectors"))
                    if (!string_array(*c, ids) || ids.empty())
                        return admin_error(400, "collectors must be an array of strings");
            fail_next_rotation = true;
            fail_collectors = ids;
            json::object o;
            o["fail_next_rotation"] = true;
            o["failedCollectorIds"] = to_array(ids);
            return json_reply(200, o);
        }
        return admin_error(404, "no admin route " + std::string(path));
    }

    static bool matches(const Fault& f, const Request& req, std::string_view path) {
        if (!f.method.empty() && f.method != req.method)
            return false;
        return f.route == "*" || starts_with(path, f.route);
    }

    Plan begin(const Request& req) {
        Plan plan;
        std::string path = path_of(req.target);
        if (starts_with(path, "/__sim"))
            return plan; // the admin API is neither faulted nor counted
        ++total;
        ++stats[req.method + " " + path];
        for (auto& f : faults) {
            if (!matches(f, req, path) || (f.count > 0 && f.remaining == 0))
                continue;
            if (f.kind == FaultKind::latency)
                plan.latency_ms += f.ms;
            else if (f.kind == FaultKind::expire_tokens)
                expire_all(Clock::now(), false);
            else if (!plan.has_action) {
                plan.has_action = true;
                plan.action = f;
            } else
                continue; // one wire fault per request; later rules wait for later requests
            if (f.count > 0)
                --f.remaining;
        }
        faults.erase(std::remove_if(faults.begin(), faults.end(),
                                    [](const Fault& f) { return f.count > 0 && f.remaining == 0; }),
                     faults.end());
        return plan;
    }

    // The path of a request target, for logging and matching; the query is not part of it.
    static std::string path_of(std::string_view target) {
        auto q = target.find('?');
        return std::string(target.substr(0, q));
    }

    Reply route(const Request& req, Time now) {
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
            return ni(req, path, now);
        if (path == "/api/v1" || starts_with(path, "/api/v1/"))
            return cckm(req, path, u, now);
        return cckm_not_found("no route for " + path);
    }

    Reply fault_reply(const Fault& f, std::string_view path, Time now) const {
        Reply r;
        if (f.body == "empty") {
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

    Reply respond(const Request& req, const Plan& plan) {
        Time now = Clock::now();
        std::string path = path_of(req.target);
        Reply r;
        const Fault* f = plan.has_action ? &plan.action : nullptr;
        if (f && f->kind == FaultKind::close_before) {
            r.wire = Wire::close_before;
            r.note = "close_before";
            return r;
        }
        if (f && f->kind == FaultKind::status)
            r = fault_reply(*f, path, now);
        else
            r = route(req, now);
        if (f && f->kind == FaultKind::malformed) {
            // Cut inside the document and add stray brackets: never valid JSON.
            r.body = r.body.empty()
                         ? "{"
                         : r.body.substr(0, std::max<std::size_t>(1, r.body.size() / 2)) + "}{]";
        } else if (f && f->kind == FaultKind::oversize) {
            std::size_t want = static_cast<std::size_t>(f->bytes);
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
        if (!r.body.empty() && icontains(req.accept_encoding, "gzip")) {
            r.body = gzip(r.body);
            r.headers.emplace_back("Content-Encoding", "gzip");
        }
        r.headers.emplace_back("Vary", "Accept-Encoding");
        r.headers.emplace_back("Date", http_date(now));
        r.headers.emplace_back("Server", "keyops-sim");
        if (f) {
            r.note = fault_name(f->kind);
            switch (f->kind) {
            case FaultKind::close_mid_body:
                r.wire = Wire::close_mid_body;
                r.cut = r.body.size() / 2;
                break;
            case FaultKind::truncate:
                r.wire = Wire::truncate;
                r.cut = f->bytes > 0 && static_cast<std::size_t>(f->bytes) < r.body.size()
                            ? static_cast<std::size_t>(f->bytes)
                            : r.body.size() / 2;
                break;
            case FaultKind::slow_body:
                r.wire = Wire::slow_body;
                r.ms = f->ms;
                break;
            case FaultKind::close_after:
                r.wire = Wire::close_after;
                break;
            default:
                break;
            }
        }
        return r;
    }
};

Sim::Sim(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Sim::~Sim() = default;

Plan Sim::begin(const Request& request) {
    return impl_->begin(request);
}

Reply Sim::respond(const Request& request, const Plan& plan) {
    return impl_->respond(request, plan);
}

Reply Sim::transport_error(int status, std::string_view path, std::string_view text) const {
    Reply r = shaped_error(status, path, text);
    r.headers.emplace_back("Date", http_date(Clock::now()));
    r.headers.emplace_back("Server", "keyops-sim");
    return r;
}

} // namespace keyops_sim
