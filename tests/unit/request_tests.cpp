// The request builder: seed requests reproduced exactly, encodings, bodies, headers, errors, and
// the descriptor table itself.

#include <keyops/keyops.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <vector>

namespace http = boost::beast::http;
namespace cckm = keyops::cckm;
using keyops::build_request;
using keyops::job_id;

namespace {

keyops::request_context seed_context() {
    keyops::request_context ctx;
    ctx.host = "127.0.0.1";
    return ctx;
}

std::string field(const keyops::http_request& req, http::field f) {
    return std::string(req[f]);
}

} // namespace

BOOST_AUTO_TEST_SUITE(seed_requests)

// curl -k 'https://127.0.0.1/api/v1/cckm/dsm/refresh?skip=0&limit=10'
BOOST_AUTO_TEST_CASE(dsm_refresh_list) {
    cckm::list_query<cckm::dsm> q;
    q.skip = 0;
    q.limit = 10;
    auto req = build_request<cckm::list_jobs<cckm::dsm>>(seed_context(), q);
    BOOST_TEST((req.method() == http::verb::get));
    BOOST_TEST(req.target() == "/api/v1/cckm/dsm/refresh?skip=0&limit=10");
}

// curl -k 'https://127.0.0.1/api/v1/cckm/azure/certificates/synchronization-jobs/1f41...'
BOOST_AUTO_TEST_CASE(azure_certificates_get) {
    auto req = build_request<cckm::get_job<cckm::azure_certificates>>(
        seed_context(), job_id("1f413972-499e-498c-9543-77c2da7d71e4"));
    BOOST_TEST((req.method() == http::verb::get));
    BOOST_TEST(req.target() == "/api/v1/cckm/azure/certificates/synchronization-jobs/"
                               "1f413972-499e-498c-9543-77c2da7d71e4");
    BOOST_TEST(field(req, http::field::accept) == "application/json");
}

// curl -k 'https://127.0.0.1/api/v1/cckm/google/update-all-versions-jobs/778a...'
BOOST_AUTO_TEST_CASE(google_update_all_versions_get) {
    auto req = build_request<cckm::get_job<cckm::google_update_all_versions>>(
        seed_context(), job_id("778a1024-dc18-49cb-833b-cfd6c000c090"));
    BOOST_TEST((req.method() == http::verb::get));
    BOOST_TEST(req.target() ==
               "/api/v1/cckm/google/update-all-versions-jobs/778a1024-dc18-49cb-833b-cfd6c000c090");
}

// curl -k 'https://127.0.0.1/api/v1/cckm/oci/synchronization-jobs?skip=0&limit=10'
BOOST_AUTO_TEST_CASE(oci_list) {
    cckm::list_query<cckm::oci> q;
    q.skip = 0;
    q.limit = 10;
    auto req = build_request<cckm::list_jobs<cckm::oci>>(seed_context(), q);
    BOOST_TEST((req.method() == http::verb::get));
    BOOST_TEST(req.target() == "/api/v1/cckm/oci/synchronization-jobs?skip=0&limit=10");
}

// curl https://{api_host}/api/ni/customers/collector/data-encryption-cert/update/status
BOOST_AUTO_TEST_CASE(network_insight_rotation_status) {
    auto req = build_request<keyops::ni::proxy_key_rotation_status>(seed_context());
    BOOST_TEST((req.method() == http::verb::get));
    BOOST_TEST(req.target() == "/api/ni/customers/collector/data-encryption-cert/update/status");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(builder)

BOOST_AUTO_TEST_CASE(standard_headers) {
    auto ctx = seed_context();
    ctx.host = "cm.example.com:8443";
    auto req = build_request<cckm::get_job<cckm::oci>>(ctx, job_id("x"));
    BOOST_TEST(req.version() == 11);
    BOOST_TEST(field(req, http::field::host) == "cm.example.com:8443");
    BOOST_TEST(field(req, http::field::accept) == "application/json");
    BOOST_TEST(field(req, http::field::accept_encoding) == "gzip, deflate");
    BOOST_TEST(field(req, http::field::user_agent) == "keyops/" KEYOPS_VERSION_STRING);
    BOOST_TEST(req.count(http::field::content_type) == 0u);
    BOOST_TEST(req.count(http::field::authorization) == 0u);
    BOOST_TEST(req.body().empty());
    ctx.accept_encoding.clear();
    auto plain = build_request<cckm::get_job<cckm::oci>>(ctx, job_id("x"));
    BOOST_TEST(plain.count(http::field::accept_encoding) == 0u);
}

BOOST_AUTO_TEST_CASE(host_header) {
    BOOST_TEST(keyops::host_header("cm.example.com", 443, true) == "cm.example.com");
    BOOST_TEST(keyops::host_header("cm.example.com", 8443, true) == "cm.example.com:8443");
    BOOST_TEST(keyops::host_header("cm.example.com", 80, false) == "cm.example.com");
    BOOST_TEST(keyops::host_header("cm.example.com", 443, false) == "cm.example.com:443");
    BOOST_TEST(keyops::host_header("::1", 8443, true) == "[::1]:8443");
    BOOST_TEST(keyops::host_header("fe80::1", 443, true) == "[fe80::1]");
    BOOST_TEST(keyops::host_header("[::1]", 9000, true) == "[::1]:9000");
}

BOOST_AUTO_TEST_CASE(path_parameters_are_percent_encoded) {
    auto req = build_request<cckm::cancel_job<cckm::aws>>(seed_context(), job_id("a/b c?d#e%f+g"));
    BOOST_TEST((req.method() == http::verb::post));
    BOOST_TEST(req.target() ==
               "/api/v1/cckm/aws/synchronization-jobs/a%2Fb%20c%3Fd%23e%25f%2Bg/cancel");
    BOOST_TEST(field(req, http::field::content_length) == "0");
}

BOOST_AUTO_TEST_CASE(list_filters) {
    cckm::list_query<cckm::oci> q;
    q.id = {"id-1", "id 2"};
    q.overall_status = keyops::job_state::in_progress;
    q.vaults = {"v+1", "v&2=3"};
    q.skip = 20;
    q.limit = 100;
    q.sort = "-createdAt,id";
    q.extra = {{"name", "ü"}};
    auto req = build_request<cckm::list_jobs<cckm::oci>>(seed_context(), q);
    BOOST_TEST(req.target() == "/api/v1/cckm/oci/synchronization-jobs?id=id-1&id=id%202"
                               "&overall_status=in_progress&vaults=v%2B1&vaults=v%262%3D3"
                               "&skip=20&limit=100&sort=-createdAt%2Cid&name=%C3%BC");
}

BOOST_AUTO_TEST_CASE(every_resource_filter_has_its_name) {
    cckm::list_query<cckm::aws> aws;
    aws.kms = {"k"};
    cckm::list_query<cckm::azure_secrets> az;
    az.key_vaults = {"k"};
    cckm::list_query<cckm::google> g;
    g.key_rings = {"k"};
    cckm::list_query<cckm::sfdc_keys> sf;
    sf.organizations = {"k"};
    cckm::list_query<cckm::dsm> dsm;
    dsm.domains = {"k"};
    auto ctx = seed_context();
    BOOST_TEST(build_request<cckm::list_jobs<cckm::aws>>(ctx, aws).target() ==
               "/api/v1/cckm/aws/synchronization-jobs?kms=k");
    BOOST_TEST(build_request<cckm::list_jobs<cckm::azure_secrets>>(ctx, az).target() ==
               "/api/v1/cckm/azure/secrets/synchronization-jobs?key_vaults=k");
    BOOST_TEST(build_request<cckm::list_jobs<cckm::google>>(ctx, g).target() ==
               "/api/v1/cckm/google/synchronization-jobs?key_rings=k");
    BOOST_TEST(build_request<cckm::list_jobs<cckm::sfdc_keys>>(ctx, sf).target() ==
               "/api/v1/cckm/sfdc/keys/synchronization-jobs?organizations=k");
    BOOST_TEST(build_request<cckm::list_jobs<cckm::dsm>>(ctx, dsm).target() ==
               "/api/v1/cckm/dsm/refresh?domains=k");
    // A list with nothing set has no query string at all; sort only when asked.
    BOOST_TEST(
        build_request<cckm::list_jobs<cckm::sap>>(ctx, cckm::list_query<cckm::sap>{}).target() ==
        "/api/v1/cckm/sap/synchronization-jobs");
}

// Section 4's filters: SAP `groups`; Salesforce `organizations` as one string by default, or
// repeated.
BOOST_AUTO_TEST_CASE(filters_as_documented) {
    auto ctx = seed_context();
    cckm::list_query<cckm::sap> sap;
    sap.groups = {"g1", "g2"};
    BOOST_TEST(build_request<cckm::list_jobs<cckm::sap>>(ctx, sap).target() ==
               "/api/v1/cckm/sap/synchronization-jobs?groups=g1&groups=g2");
    cckm::list_query<cckm::sfdc_certificates> sf;
    sf.organizations = {"org a", "org-b"};
    BOOST_TEST(build_request<cckm::list_jobs<cckm::sfdc_certificates>>(ctx, sf).target() ==
               "/api/v1/cckm/sfdc/certificates/synchronization-jobs?organizations=org%20a%2Corg-b");
    sf.organizations_encoding = cckm::list_encoding::repeated;
    BOOST_TEST(build_request<cckm::list_jobs<cckm::sfdc_certificates>>(ctx, sf).target() ==
               "/api/v1/cckm/sfdc/certificates/synchronization-jobs?organizations=org%20a&"
               "organizations=org-b");
}

// The password grant's optional domain and tenant (CipherTrust as a service needs auth_domain).
BOOST_AUTO_TEST_CASE(password_grant_domains) {
    auto ctx = seed_context();
    keyops::ctm::password_grant g;
    g.username = "u";
    g.password = "p";
    auto plain = boost::json::parse(build_request<keyops::ctm::create_token>(ctx, g).body());
    BOOST_TEST(!plain.as_object().contains("domain"));
    BOOST_TEST(!plain.as_object().contains("auth_domain"));
    g.domain = "root";
    g.auth_domain = "tenant-7";
    auto both = boost::json::parse(build_request<keyops::ctm::create_token>(ctx, g).body());
    BOOST_TEST(both.at("domain").as_string() == "root");
    BOOST_TEST(both.at("auth_domain").as_string() == "tenant-7");
    BOOST_TEST(both.at("grant_type").as_string() == "password");
}

// Section 4's start bodies.
BOOST_AUTO_TEST_CASE(typed_start_bodies) {
    auto ctx = seed_context();
    auto body_of = [&](auto e, const auto& body) {
        using E = decltype(e);
        return boost::json::parse(build_request<E>(ctx, body).body());
    };
    cckm::sap_sync_body sap;
    sap.groups = {"g"};
    BOOST_TEST(body_of(cckm::start_job<cckm::sap>{}, sap) ==
               boost::json::parse(R"({"groups":["g"],"synchronize_all":false})"));
    cckm::domains_refresh_body dom;
    dom.domains = {"d"};
    dom.synchronize_all = true;
    BOOST_TEST(body_of(cckm::start_job<cckm::dsm>{}, dom) ==
               boost::json::parse(R"({"domains":["d"],"synchronize_all":true})"));
    BOOST_TEST(body_of(cckm::start_job<cckm::external_cm>{}, dom) ==
               boost::json::parse(R"({"domains":["d"],"synchronize_all":true})"));
    cckm::azure_sync_body az;
    az.key_vaults = {"v"};
    BOOST_TEST(body_of(cckm::start_job<cckm::azure>{}, az) ==
               boost::json::parse(R"({"key_vaults":["v"],"synchronize_all":false})"));
    az.take_cloud_key_backup = true;
    BOOST_TEST(body_of(cckm::start_job<cckm::azure>{}, az) ==
               boost::json::parse(
                   R"({"key_vaults":["v"],"synchronize_all":false,"take_cloud_key_backup":true})"));
    cckm::oci_sync_body oci;
    oci.vaults = {"v"};
    BOOST_TEST(body_of(cckm::start_job<cckm::oci>{}, oci) ==
               boost::json::parse(R"({"vaults":["v"],"synchronize_all":false})"));
    oci.vaults.clear();
    oci.oci_vaults = {"v"};
    BOOST_TEST(body_of(cckm::start_job<cckm::oci>{}, oci) ==
               boost::json::parse(R"({"oci_vaults":["v"],"synchronize_all":false})"));
    auto del = build_request<cckm::delete_job<cckm::azure_bulk>>(ctx, keyops::job_id("b1"));
    BOOST_TEST(del.method() == http::verb::delete_);
    BOOST_TEST(del.target() == "/api/v1/cckm/azure/bulkjobs/b1");
}

BOOST_AUTO_TEST_CASE(start_bodies) {
    auto ctx = seed_context();
    cckm::google_sync_body g;
    g.key_rings = {"projects/p/locations/global/keyRings/r"};
    auto req = build_request<cckm::start_job<cckm::google>>(ctx, g);
    BOOST_TEST((req.method() == http::verb::post));
    BOOST_TEST(req.target() == "/api/v1/cckm/google/synchronization-jobs");
    BOOST_TEST(field(req, http::field::content_type) == "application/json");
    BOOST_TEST(
        req.body() ==
        R"({"key_rings":["projects/p/locations/global/keyRings/r"],"synchronize_all":false})");
    BOOST_TEST(field(req, http::field::content_length) == std::to_string(req.body().size()));

    cckm::aws_sync_body a;
    a.kms = {"kms-1"};
    a.regions = {"us-east-1", "eu-west-1"};
    BOOST_TEST(build_request<cckm::start_job<cckm::aws>>(ctx, a).body() ==
               R"({"kms":["kms-1"],"regions":["us-east-1","eu-west-1"],"synchronize_all":false})");

    cckm::azure_sync_body z;
    z.synchronize_all = true;
    BOOST_TEST(build_request<cckm::start_job<cckm::azure_certificates>>(ctx, z).body() ==
               R"({"key_vaults":[],"synchronize_all":true})");

    cckm::update_all_versions_body u;
    u.key_id = "ecc73bfb-7605-4263-abb8-84fe431d35fb";
    u.operation = cckm::key_version_operation::schedule_destroy;
    auto uav = build_request<cckm::start_job<cckm::google_update_all_versions>>(ctx, u);
    BOOST_TEST(uav.target() == "/api/v1/cckm/google/update-all-versions-jobs");
    BOOST_TEST(
        uav.body() ==
        R"({"key_id":"ecc73bfb-7605-4263-abb8-84fe431d35fb","operation":"schedule_destroy"})");

    // Every kind takes a raw JSON object, e.g. for bodies keyops does not model.
    cckm::raw_json_body raw{R"({"vaults":["v1"],"synchronize_all":false})"};
    auto oci = build_request<cckm::start_job<cckm::oci>>(ctx, raw);
    BOOST_TEST(oci.body() == raw.text);
    BOOST_TEST(build_request<cckm::start_job<cckm::google>>(ctx, raw).body() == raw.text);
}

BOOST_AUTO_TEST_CASE(building_into_a_used_request) {
    // The client builds each call's request into the previous call's: what the new request
    // does not have must go, what it has must be exactly as from a fresh build.
    auto ctx = seed_context();
    keyops::http_request req;
    std::string scratch;
    keyops::error_code ec;
    cckm::raw_json_body raw{R"({"vaults":["v1"],"synchronize_all":false})"};
    keyops::detail::build_into_with<cckm::start_job<cckm::oci>>(req, scratch, ctx, ec, raw);
    BOOST_TEST_REQUIRE(!ec);
    req.set(http::field::authorization, "Bearer t"); // as an auth policy would
    req.set("csp-auth-token", "t");

    const auto id = job_id("45f1c056-ad1f-41b7-bf68-2b2909e51ab9");
    keyops::detail::build_into_with<cckm::get_job<cckm::oci>>(req, scratch, ctx, ec, id);
    BOOST_TEST_REQUIRE(!ec);
    const auto fresh = build_request<cckm::get_job<cckm::oci>>(ctx, id);
    BOOST_TEST((req.method() == fresh.method()));
    BOOST_TEST(req.target() == fresh.target());
    BOOST_TEST(req.body() == fresh.body());
    auto fields = [](const keyops::http_request& r) {
        std::multiset<std::string> out;
        for (const auto& f : r)
            out.insert(std::string(f.name_string()) + ": " + std::string(f.value()));
        return out;
    };
    BOOST_TEST((fields(req) == fields(fresh)));

    // Another context: the changed fields change.
    ctx.user_agent = "other/1";
    ctx.accept_encoding.clear();
    keyops::detail::build_into_with<cckm::get_job<cckm::oci>>(req, scratch, ctx, ec, id);
    BOOST_TEST((fields(req) == fields(build_request<cckm::get_job<cckm::oci>>(ctx, id))));
    BOOST_TEST(field(req, http::field::user_agent) == "other/1");
    BOOST_TEST(req.count(http::field::accept_encoding) == 0u);
}

BOOST_AUTO_TEST_CASE(auth_bodies) {
    auto ctx = seed_context();
    keyops::ctm::password_grant pw;
    pw.username = "admin";
    pw.password = "p\"w";
    pw.domain = "root";
    auto req = build_request<keyops::ctm::create_token>(ctx, pw);
    BOOST_TEST(req.target() == "/api/v1/auth/tokens");
    auto v = boost::json::parse(req.body()).as_object();
    BOOST_TEST(v.at("grant_type").as_string() == "password");
    BOOST_TEST(v.at("username").as_string() == "admin");
    BOOST_TEST(v.at("password").as_string() == "p\"w");
    BOOST_TEST(v.at("domain").as_string() == "root");
    BOOST_TEST(!v.contains("connection"));

    keyops::ctm::refresh_grant rg;
    rg.refresh_token = "r";
    rg.renew_refresh_token = true;
    BOOST_TEST(build_request<keyops::ctm::create_token>(ctx, rg).body() ==
               R"({"grant_type":"refresh_token","refresh_token":"r","renew_refresh_token":true})");

    keyops::ni::credentials c;
    c.username = "admin@local";
    c.password = "x";
    auto ni = build_request<keyops::ni::create_token>(ctx, c);
    BOOST_TEST(ni.target() == "/api/ni/auth/token");
    BOOST_TEST(
        ni.body() ==
        R"({"username":"admin@local","password":"x","domain":{"domain_type":"LOCAL","value":"local"}})");
    c.domain = keyops::ni::domain_type::ldap;
    c.domain_value = "corp.example.com";
    BOOST_TEST(boost::json::parse(build_request<keyops::ni::create_token>(ctx, c).body())
                   .at("domain")
                   .at("domain_type")
                   .as_string() == "LDAP");

    auto del = build_request<keyops::ni::delete_token>(ctx);
    BOOST_TEST((del.method() == http::verb::delete_));
    BOOST_TEST(del.target() == "/api/ni/auth/token");
}

BOOST_AUTO_TEST_CASE(network_insight_operations_and_bases) {
    auto ctx = seed_context();
    BOOST_TEST(build_request<keyops::ni::rotate_proxy_key>(ctx).target() ==
               "/api/ni/customers/collector/data-encryption-cert/update");
    BOOST_TEST((build_request<keyops::ni::rotate_proxy_key>(ctx).method() == http::verb::post));
    BOOST_TEST(build_request<keyops::ni::proxy_key_details>(ctx).target() ==
               "/api/ni/customers/collector/data-encryption-cert/details");
    ctx.network_insight_base = "/ni/api/ni/"; // SaaS, with a trailing slash
    ctx.ciphertrust_base = "/prefix/api";
    BOOST_TEST(build_request<keyops::ni::proxy_key_details>(ctx).target() ==
               "/ni/api/ni/customers/collector/data-encryption-cert/details");
    BOOST_TEST(build_request<cckm::get_job<cckm::sap>>(ctx, job_id("1")).target() ==
               "/prefix/api/v1/cckm/sap/synchronization-jobs/1");
}

BOOST_AUTO_TEST_CASE(invalid_arguments) {
    keyops::error_code ec;
    auto ctx = seed_context();
    build_request<cckm::get_job<cckm::oci>>(ctx, job_id(""), ec);
    BOOST_TEST((ec == keyops::error::invalid_argument));
    build_request<cckm::start_job<cckm::oci>>(ctx, cckm::raw_json_body{"[1,2]"}, ec);
    BOOST_TEST((ec == keyops::error::invalid_argument));
    build_request<cckm::start_job<cckm::oci>>(ctx, cckm::raw_json_body{"{not json"}, ec);
    BOOST_TEST((ec == keyops::error::invalid_argument));
    build_request<keyops::ctm::create_token>(ctx, keyops::ctm::refresh_grant{}, ec);
    BOOST_TEST((ec == keyops::error::invalid_argument));
    build_request<cckm::start_job<cckm::google_update_all_versions>>(
        ctx, cckm::update_all_versions_body{}, ec);
    BOOST_TEST((ec == keyops::error::invalid_argument));
    keyops::request_context no_host;
    build_request<cckm::get_job<cckm::oci>>(no_host, job_id("x"), ec);
    BOOST_TEST((ec == keyops::error::invalid_argument));
    build_request<cckm::get_job<cckm::oci>>(ctx, job_id("x"), ec);
    BOOST_TEST(!ec);
    try {
        (void)build_request<cckm::get_job<cckm::oci>>(ctx, job_id(""));
        BOOST_FAIL("no exception");
    } catch (const keyops::exception& e) {
        BOOST_TEST(std::string(e.what()).find("path parameter is empty") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(passwords_stay_out_of_errors) {
    keyops::ctm::password_grant pw;
    pw.password = "hunter2-secret";
    try {
        (void)build_request<keyops::ctm::create_token>(seed_context(), pw);
        BOOST_FAIL("no exception");
    } catch (const keyops::exception& e) {
        BOOST_TEST(std::string(e.what()).find("hunter2") == std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(json_bodies)

// The start bodies are written without a JSON DOM: byte for byte what Boost.JSON's serializer
// writes for the same object, escapes included.
BOOST_AUTO_TEST_CASE(writer_matches_boost_json_serialize) {
    std::string all_bytes;
    for (int c = 1; c < 256; ++c)
        all_bytes += static_cast<char>(c);
    const std::vector<std::string> texts = {"",
                                            "plain",
                                            "quote \" backslash \\ slash /",
                                            "\b\f\n\r\t",
                                            std::string("nul\0in", 6),
                                            "\x01\x1f\x7f",
                                            "caf\xc3\xa9 \xe2\x82\xac",
                                            all_bytes};
    for (const auto& t : texts) {
        keyops::detail::json_object_writer w;
        w.add(t, t).add("list", texts).add("flag", true).add("other", false);
        boost::json::object o;
        o[t] = t;
        boost::json::array a;
        for (const auto& x : texts)
            a.emplace_back(x);
        o["list"] = std::move(a);
        o["flag"] = true;
        o["other"] = false;
        BOOST_TEST(std::move(w).finish() == boost::json::serialize(o));
    }
    keyops::detail::json_object_writer empty;
    BOOST_TEST(std::move(empty).finish() == "{}");
}

// The token requests' bodies are written the same way: for texts with every kind of byte, the
// bytes the DOM and its serializer wrote for them before.
BOOST_AUTO_TEST_CASE(auth_bodies_match_boost_json_serialize) {
    std::string all_bytes;
    for (int c = 1; c < 256; ++c)
        all_bytes += static_cast<char>(c);
    for (const std::string& t :
         {std::string("plain"), std::string("q\"b\\s/\n\x01\x7f caf\xc3\xa9"), all_bytes}) {
        const auto body = [](const auto& b) {
            std::string out;
            BOOST_TEST_REQUIRE(!b.write_json(out));
            return out;
        };
        keyops::ctm::password_grant pg;
        pg.username = t;
        pg.password = t;
        pg.domain = t;
        pg.auth_domain_path = t;
        pg.auth_domain = t;
        pg.connection = t;
        boost::json::object o;
        o["grant_type"] = "password";
        o["username"] = t;
        o["password"] = t;
        o["domain"] = t;
        o["auth_domain_path"] = t;
        o["auth_domain"] = t;
        o["connection"] = t;
        BOOST_TEST(body(pg) == boost::json::serialize(o));
        pg.domain.clear();
        pg.connection.clear();
        BOOST_TEST(body(pg) ==
                   boost::json::serialize(boost::json::object{{"grant_type", "password"},
                                                              {"username", t},
                                                              {"password", t},
                                                              {"auth_domain_path", t},
                                                              {"auth_domain", t}}));

        keyops::ctm::refresh_grant rg;
        rg.refresh_token = t;
        rg.renew_refresh_token = true;
        BOOST_TEST(body(rg) ==
                   boost::json::serialize(boost::json::object{{"grant_type", "refresh_token"},
                                                              {"refresh_token", t},
                                                              {"renew_refresh_token", true}}));
        keyops::ctm::revocation rv;
        rv.token = t;
        BOOST_TEST(body(rv) == boost::json::serialize(boost::json::object{
                                   {"token", t}, {"token_type_hint", "refresh_token"}}));

        keyops::ni::credentials nc;
        nc.username = t;
        nc.password = t;
        nc.domain = keyops::ni::domain_type::ldap;
        nc.domain_value = t;
        BOOST_TEST(body(nc) == boost::json::serialize(boost::json::object{
                                   {"username", t},
                                   {"password", t},
                                   {"domain", {{"domain_type", "LDAP"}, {"value", t}}}}));
        keyops::ni::vidm_credentials vc;
        vc.vidm_token = t;
        BOOST_TEST(body(vc) == boost::json::serialize(boost::json::object{{"vidm_token", t}}));
    }
}

// raw_json_body's check accepts what boost::json::parse reads as an object, and nothing else.
BOOST_AUTO_TEST_CASE(object_check_matches_boost_json_parse) {
    const char* texts[] = {"{}",
                           " {} ",
                           "\t{\"a\":1}\n",
                           "{\"a\":{\"b\":[1,2,{\"c\":null}]}}",
                           "[]",
                           "[{}]",
                           "1",
                           "\"s\"",
                           "null",
                           "true",
                           "",
                           " ",
                           "{",
                           "}",
                           "{}}",
                           "{} {}",
                           "{}x",
                           "{\"a\":1,}",
                           "{\"a\" 1}",
                           "{'a':1}",
                           "{\"a\":1e999}",
                           "{\"a\":-0.5e-3}",
                           "{\"a\":01}",
                           "{\"a\":\"\\u00e9\"}",
                           "{\"a\":\"\\ud800\"}",
                           "{\"a\":\"\xff\"}",
                           "{\"a\":\"\x01\"}",
                           "{/*c*/}",
                           "{\"a\":1}//c",
                           "{\"a\":1,\"a\":2}",
                           "\xef\xbb\xbf{}"};
    for (const char* t : texts) {
        boost::system::error_code ec;
        const auto v = boost::json::parse(t, ec);
        BOOST_TEST_INFO("text: " << t);
        BOOST_TEST(keyops::detail::is_json_object(t) == (!ec && v.is_object()));
    }
    std::string deep;
    for (int depth : {31, 32, 33, 64}) {
        deep = std::string(static_cast<std::size_t>(depth), '[');
        deep = "{\"a\":" + deep + std::string(static_cast<std::size_t>(depth), ']') + "}";
        boost::system::error_code ec;
        const auto v = boost::json::parse(deep, ec);
        BOOST_TEST_INFO("depth " << depth);
        BOOST_TEST(keyops::detail::is_json_object(deep) == (!ec && v.is_object()));
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(descriptors)

template <class E>
void check_descriptor(http::verb method, const std::string& path, keyops::idempotency retry) {
    BOOST_TEST((E::method == method));
    BOOST_TEST(std::string(E::path.view()) == path);
    BOOST_TEST((E::retry == retry));
}

BOOST_AUTO_TEST_CASE(every_kind_has_its_endpoints) {
    using keyops::idempotency;
    std::set<std::string> names, paths;
    std::size_t kinds = 0;
    std::apply(
        [&](auto... k) {
            auto one = [&](auto kind) {
                using K = decltype(kind);
                ++kinds;
                names.insert(std::string(K::name));
                paths.insert(std::string(K::base_path.view()));
                BOOST_TEST((cckm::kind_from_name(K::name).value() == K::kind));
                BOOST_TEST(cckm::kind_names.at(static_cast<std::size_t>(K::kind)) == K::name);
                check_descriptor<cckm::get_job<K>>(http::verb::get,
                                                   std::string(K::base_path.view()) + "/{id}",
                                                   idempotency::idempotent);
                check_descriptor<cckm::start_job<K>>(http::verb::post,
                                                     std::string(K::base_path.view()),
                                                     idempotency::not_idempotent);
                if constexpr (K::has_list)
                    check_descriptor<cckm::list_jobs<K>>(
                        http::verb::get, std::string(K::base_path.view()), idempotency::idempotent);
                if constexpr (K::has_cancel)
                    check_descriptor<cckm::cancel_job<K>>(
                        http::verb::post, std::string(K::base_path.view()) + "/{id}/cancel",
                        idempotency::idempotent);
                BOOST_TEST((cckm::visit_kind(K::kind, [](auto v) { return decltype(v)::kind; }) ==
                            K::kind));
            };
            (one(k), ...);
        },
        cckm::all_kinds{});
    // 17 kinds of section 1, and SAP key jobs (section 4).
    BOOST_TEST(kinds == 18u);
    BOOST_TEST(cckm::kind_count == 18u);
    BOOST_TEST(names.size() == 18u);
    BOOST_TEST(paths.size() == 18u);
    BOOST_TEST(!cckm::sap_keys::has_list);
    BOOST_TEST(!cckm::sap_keys::has_cancel);
    BOOST_TEST(std::string(cckm::sap_keys::base_path.view()) == "/v1/cckm/sap/keys/jobs");
    BOOST_TEST(!cckm::kind_from_name("gcp").has_value());
    BOOST_TEST(!cckm::google_update_all_versions::has_list);
    BOOST_TEST(!cckm::google_update_all_versions::has_cancel);
}

BOOST_AUTO_TEST_CASE(auth_and_network_insight_descriptors) {
    using keyops::idempotency;
    check_descriptor<keyops::ctm::create_token>(http::verb::post, "/v1/auth/tokens",
                                                idempotency::idempotent);
    check_descriptor<keyops::ni::create_token>(http::verb::post, "/auth/token",
                                               idempotency::idempotent);
    check_descriptor<keyops::ni::delete_token>(http::verb::delete_, "/auth/token",
                                               idempotency::idempotent);
    check_descriptor<keyops::ni::rotate_proxy_key>(
        http::verb::post, "/customers/collector/data-encryption-cert/update",
        idempotency::not_idempotent);
    check_descriptor<keyops::ni::proxy_key_rotation_status>(
        http::verb::get, "/customers/collector/data-encryption-cert/update/status",
        idempotency::idempotent);
    check_descriptor<keyops::ni::proxy_key_details>(
        http::verb::get, "/customers/collector/data-encryption-cert/details",
        idempotency::idempotent);
}

BOOST_AUTO_TEST_SUITE_END()
