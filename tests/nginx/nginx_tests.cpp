// The client end to end over HTTPS against nginx on loopback (started by tests/nginx/run.sh, which
// says what nginx serves where): the seed responses arrive gzip-encoded and chunked over one
// kept-alive connection, and decode to the very bytes of tests/fixtures; certificates are
// checked (trust anchors and host name); error statuses and the body size limit.
//
// The test learns what nginx sent from nginx itself: run.sh's access log has, per request, the
// User-Agent (each test case sends its own), the Content-Encoding and Transfer-Encoding of the
// response, the gzip ratio and the connection's serial number.
//
// Without run.sh's environment (KEYOPS_NGINX_PORT, KEYOPS_NGINX_CA, ...) every case fails.

#include <keyops/client/client.hpp>
#include <keyops/keyops.hpp>
#include <keyops/transport/beast_transport.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace cckm = keyops::cckm;
namespace json = boost::json;
using namespace std::chrono_literals;
using keyops::job_id;

namespace {

// --- what run.sh set up
// ---------------------------------------------------------------------------

const char* const azure_job_id = "1f413972-499e-498c-9543-77c2da7d71e4";
const char* const google_job_id = "778a1024-dc18-49cb-833b-cfd6c000c090";
constexpr std::size_t big_list_jobs = 200; // copies of the Azure job in run.sh's generated list

std::string required_env(const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0')
        BOOST_FAIL(std::string(name) + " is not set: run this suite through tests/nginx/run.sh");
    return v;
}

struct server {
    unsigned short port = 0;
    std::string ca;
    std::string other_ca;
    std::string access_log;
    std::string fixtures;
};

server the_server() {
    server s;
    const std::string port = required_env("KEYOPS_NGINX_PORT");
    const long p = std::strtol(port.c_str(), nullptr, 10);
    if (p <= 0 || p > 65535)
        BOOST_FAIL("KEYOPS_NGINX_PORT is not a port: " + port);
    s.port = static_cast<unsigned short>(p);
    s.ca = required_env("KEYOPS_NGINX_CA");
    s.other_ca = required_env("KEYOPS_NGINX_OTHER_CA");
    s.access_log = required_env("KEYOPS_NGINX_ACCESS_LOG");
    s.fixtures = required_env("KEYOPS_FIXTURES");
    return s;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        BOOST_FAIL("cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string fixture(const std::string& name) {
    return read_file(the_server().fixtures + "/" + name);
}

// Each test case's requests carry a User-Agent of their own, to find them in the access log.
std::string agent_of_this_case() {
    return "keyops-nginx-test/" + boost::unit_test::framework::current_test_case().p_name.get();
}

// --- nginx's access log
// ---------------------------------------------------------------------------

struct log_line {
    std::string agent, method, uri, status, content_encoding, transfer_encoding, gzip_ratio;
    std::string connection, connection_requests, body_bytes;
};

std::vector<std::string> split(const std::string& line, char sep) {
    std::vector<std::string> out;
    std::string::size_type start = 0;
    for (;;) {
        const auto end = line.find(sep, start);
        out.push_back(line.substr(start, end - start));
        if (end == std::string::npos)
            return out;
        start = end + 1;
    }
}

// The access-log lines of `agent`'s requests. nginx writes a line once the response is sent, so
// the client may read the body before the line is there: waits up to 3 s for `expected` lines.
std::vector<log_line> requests_of(const std::string& agent, std::size_t expected) {
    const auto give_up = std::chrono::steady_clock::now() + 3s;
    for (;;) {
        std::vector<log_line> out;
        std::istringstream in(read_file(the_server().access_log));
        for (std::string line; std::getline(in, line);) {
            auto f = split(line, '|');
            if (f.size() != 10 || f[0] != agent)
                continue;
            out.push_back({f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]});
        }
        if (out.size() >= expected || std::chrono::steady_clock::now() > give_up)
            return out;
        std::this_thread::sleep_for(20ms);
    }
}

// --- clients
// --------------------------------------------------------------------------------------

using client_type = keyops::client<keyops::beast_transport, keyops::no_auth, keyops::no_retry>;

keyops::transport_options options_for(const std::string& host) {
    keyops::transport_options o;
    const std::string url = "https://" + host + ":" + std::to_string(the_server().port);
    BOOST_TEST_REQUIRE(!keyops::parse_server_url(url, o));
    o.tls.ca_file = the_server().ca;
    o.proxy_from_environment = false; // loopback: never through a proxy of the environment
    o.connect_timeout = 5s;
    o.request_timeout = 10s;
    return o;
}

keyops::transport_options trusted_options() {
    return options_for("localhost");
}

keyops::client_options client_options_for(std::string base = "/api") {
    keyops::client_options o;
    o.ciphertrust_base = std::move(base);
    o.user_agent = agent_of_this_case();
    o.call_timeout = 20s;
    return o;
}

// --- comparing a parsed job with the fixture it came from
// ------------------------------------------

// Deep equality of a keyops JSON view and a Boost.JSON value, object members in order.
bool same_json(keyops::json_view got, const json::value& want) {
    switch (want.kind()) {
    case json::kind::null:
        return got.present() && got.is_null();
    case json::kind::bool_:
        return got.kind() == keyops::json_kind::boolean && got.as_bool() == want.get_bool();
    case json::kind::int64:
        return got.is_number() && got.as_int64() == want.get_int64();
    case json::kind::uint64:
        return got.is_number() && static_cast<std::uint64_t>(got.as_int64()) == want.get_uint64();
    case json::kind::double_:
        return got.is_number() && got.as_double() == want.get_double();
    case json::kind::string: {
        const auto& s = want.get_string();
        return got.is_string() && got.as_string() == std::string_view(s.data(), s.size());
    }
    case json::kind::array: {
        const auto& a = want.get_array();
        auto g = got.as_array();
        if (!got.is_array() || g.size() != a.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!same_json(g[i], a[i]))
                return false;
        return true;
    }
    case json::kind::object: {
        const auto& o = want.get_object();
        auto g = got.as_object();
        if (!got.is_object() || g.size() != o.size())
            return false;
        auto it = g.begin();
        for (const auto& member : o) {
            const auto member_key = member.key();
            if ((*it).key != std::string_view(member_key.data(), member_key.size()) ||
                !same_json((*it).value, member.value()))
                return false;
            ++it;
        }
        return true;
    }
    }
    return false;
}

std::string text_of(const json::value& v) {
    const auto& s = v.as_string();
    return std::string(s.data(), s.size());
}

// Every field of `got` against the fixture object `want`: present fields equal, absent ones
// empty. Fails when the fixture has a member this check does not know, so that none is skipped.
void check_job(const cckm::job& got, const json::object& want) {
    std::set<std::string> checked;
    auto text = [&](const char* name, std::string_view value) {
        BOOST_TEST_CONTEXT("field " << name) {
            checked.insert(name);
            if (const auto* w = want.if_contains(name))
                BOOST_TEST(std::string(value) == text_of(*w));
            else
                BOOST_TEST(value.empty());
        }
    };
    auto time = [&](const char* name, const keyops::timestamp& value) {
        BOOST_TEST_CONTEXT("field " << name) {
            checked.insert(name);
            if (const auto* w = want.if_contains(name)) {
                BOOST_TEST(std::string(value.raw) == text_of(*w));
                BOOST_TEST(value.has_value());
                auto expected = keyops::parse_rfc3339(text_of(*w));
                BOOST_TEST_REQUIRE(expected.has_value());
                BOOST_TEST((value.time() == *expected));
            } else {
                BOOST_TEST(!value.has_value());
            }
        }
    };
    auto list = [&](const char* name, const keyops::string_list& value) {
        BOOST_TEST_CONTEXT("field " << name) {
            checked.insert(name);
            std::vector<std::string> expected, actual;
            if (const auto* w = want.if_contains(name))
                for (const auto& e : w->as_array())
                    expected.push_back(text_of(e));
            for (auto s : value)
                actual.emplace_back(s);
            BOOST_TEST(actual == expected, boost::test_tools::per_element());
        }
    };

    text("id", got.id);
    text("uri", got.uri);
    text("account", got.account);
    text("application", got.application);
    text("devAccount", got.dev_account);
    time("createdAt", got.created_at);
    time("updatedAt", got.updated_at);
    time("completed_at", got.completed_at);
    text("overall_status", got.overall_status.raw);
    BOOST_TEST((got.overall_status.state == keyops::job_state_from_word(got.overall_status.raw)));
    BOOST_TEST_CONTEXT("field detailed_status") {
        checked.insert("detailed_status");
        const auto* w = want.if_contains("detailed_status");
        BOOST_TEST_REQUIRE(w != nullptr);
        BOOST_TEST(got.detailed_status.size() == w->as_object().size());
        // Through the object view's members, in document order, values of any JSON type.
        std::size_t i = 0;
        for (const auto member : got.detailed_status) {
            BOOST_TEST_REQUIRE(i < w->as_object().size());
            const auto& expected = *(w->as_object().begin() + i);
            BOOST_TEST(std::string(member.key) ==
                       std::string(expected.key().data(), expected.key().size()));
            BOOST_TEST(same_json(member.value, expected.value()));
            ++i;
        }
    }
    text("cloud", got.cloud);
    BOOST_TEST_CONTEXT("field abort") {
        checked.insert("abort");
        const auto* w = want.if_contains("abort");
        BOOST_TEST(got.abort == (w != nullptr && w->as_bool()));
    }
    text("sync_item", got.sync_item);
    list("key_vaults", got.key_vaults);
    list("vaults", got.vaults);
    list("key_rings", got.key_rings);
    list("kms", got.kms);
    list("domains", got.domains);
    list("organizations", got.organizations);
    list("regions", got.regions);
    text("job_id", got.job_id);
    text("key_id", got.key_id);
    BOOST_TEST_CONTEXT("field version_count") {
        checked.insert("version_count");
        if (const auto* w = want.if_contains("version_count")) {
            BOOST_TEST_REQUIRE(got.version_count.has_value());
            BOOST_TEST(*got.version_count == w->to_number<std::int64_t>());
        } else {
            BOOST_TEST(!got.version_count.has_value());
        }
    }
    text("operation", got.operation);

    for (const auto& member : want) {
        const std::string key(member.key().data(), member.key().size());
        BOOST_TEST(checked.count(key) == 1u, "the fixture's member " << key << " was not checked");
    }
}

void check_list(const cckm::job_list& got, const json::object& want) {
    BOOST_TEST_REQUIRE(got.skip.has_value());
    BOOST_TEST(*got.skip == want.at("skip").to_number<std::int64_t>());
    BOOST_TEST_REQUIRE(got.limit.has_value());
    BOOST_TEST(*got.limit == want.at("limit").to_number<std::int64_t>());
    BOOST_TEST_REQUIRE(got.total.has_value());
    BOOST_TEST(*got.total == want.at("total").to_number<std::int64_t>());
    const auto& resources = want.at("resources").as_array();
    BOOST_TEST_REQUIRE(got.resources.size() == resources.size());
    for (std::size_t i = 0; i < resources.size(); ++i)
        BOOST_TEST_CONTEXT("resources[" << i << "]") {
            check_job(got.resources[i], resources[i].as_object());
        }
}

json::object fixture_object(const std::string& name) {
    return json::parse(fixture(name)).as_object();
}

// Each access-log line of this case: the response was gzip-encoded and chunked.
void check_gzip_chunked(const std::vector<log_line>& lines) {
    for (const auto& l : lines) {
        BOOST_TEST_CONTEXT(l.uri) {
            BOOST_TEST(l.status == "200");
            BOOST_TEST(l.content_encoding == "gzip");
            BOOST_TEST(l.transfer_encoding == "chunked");
            BOOST_TEST(l.gzip_ratio != "-"); // nginx compressed it, by that ratio
        }
    }
}

// --- TLS failures
// ---------------------------------------------------------------------------------

// A handshake refused by certificate verification: Asio's SSL category, OpenSSL's reason
// "certificate verify failed", and something to show for it.
void check_verify_failed(const keyops::error_code& ec, const keyops::diagnostics& diag) {
    BOOST_TEST_REQUIRE(ec.failed());
    BOOST_TEST_MESSAGE("refused as expected: " << diag.describe(ec));
    BOOST_TEST((ec.category() == boost::asio::error::get_ssl_category()),
               "category " << ec.category().name() << ": " << ec.message());
    BOOST_TEST(ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
               SSL_R_CERTIFICATE_VERIFY_FAILED);
    BOOST_TEST(!ec.message().empty());
    BOOST_TEST(diag.describe(ec).find("certificate verify failed") != std::string::npos,
               diag.describe(ec));
    BOOST_TEST(diag.http_status == 0u);
}

// `detail`: what the diagnostics must say about the check that failed.
template <class Configure>
void expect_refused_certificate(Configure configure, const std::string& detail) {
    boost::asio::io_context io;
    auto topt = trusted_options();
    configure(topt);
    client_type c(keyops::beast_transport(io.get_executor(), topt), {}, {}, client_options_for());
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto job = c.call<cckm::get_job<cckm::azure_certificates>>(job_id(azure_job_id), ec, diag);
    check_verify_failed(ec, diag);
    BOOST_TEST(diag.detail == detail);
    BOOST_TEST(diag.describe(ec).find(": " + detail) != std::string::npos, diag.describe(ec));
    BOOST_TEST(job->id.empty());
    // The throwing form says the same in its what().
    try {
        c.call<cckm::get_job<cckm::azure_certificates>>(job_id(azure_job_id));
        BOOST_ERROR("no exception");
    } catch (const keyops::exception& e) {
        BOOST_TEST(std::string(e.what()).find("certificate verify failed") != std::string::npos,
                   e.what());
        BOOST_TEST(std::string(e.what()).find(": " + detail) != std::string::npos, e.what());
        BOOST_TEST(e.code() == ec);
    }
    // Nothing reached nginx's HTTP layer.
    BOOST_TEST(requests_of(agent_of_this_case(), 0).empty());
}

} // namespace

BOOST_AUTO_TEST_SUITE(nginx)

BOOST_AUTO_TEST_CASE(environment_is_set) {
    const auto s = the_server();
    BOOST_TEST(s.port != 0);
    BOOST_TEST(!read_file(s.ca).empty());
    BOOST_TEST(!read_file(s.other_ca).empty());
}

BOOST_AUTO_TEST_CASE(get_job_gzip_chunked) {
    boost::asio::io_context io;
    client_type c(keyops::beast_transport(io.get_executor(), trusted_options()), {}, {},
                  client_options_for());
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto job = c.call<cckm::get_job<cckm::azure_certificates>>(job_id(azure_job_id), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(diag.http_status == 200u);
    // Decoded to the fixture's very bytes, then parsed into every field.
    BOOST_TEST(std::string(job.body()) == fixture("azure_certificates_job.json"));
    check_job(*job, fixture_object("azure_certificates_job.json"));
    // Spot checks written out, independent of the fixture reading above.
    BOOST_TEST(std::string(job->id) == azure_job_id);
    BOOST_TEST((job->overall_status.state == keyops::job_state::failed));
    BOOST_TEST(job->key_vaults.size() == 2u);
    BOOST_TEST(std::string(job->sync_item) == "azure-certificate");
    BOOST_TEST(std::chrono::duration_cast<std::chrono::microseconds>(
                   job->created_at.time().time_since_epoch())
                   .count() == 1652338852032722); // 2022-05-12T07:00:52.032722Z

    const auto lines = requests_of(agent_of_this_case(), 1);
    BOOST_TEST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(lines[0].method == "GET");
    BOOST_TEST(lines[0].uri ==
               "/api/v1/cckm/azure/certificates/synchronization-jobs/" + std::string(azure_job_id));
    check_gzip_chunked(lines);
    // What went over the wire is smaller than what the client returned.
    BOOST_TEST(std::stoul(lines[0].body_bytes) < job.body().size());
}

BOOST_AUTO_TEST_CASE(get_update_all_versions_job) {
    boost::asio::io_context io;
    client_type c(keyops::beast_transport(io.get_executor(), trusted_options()), {}, {},
                  client_options_for());
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto job =
        c.call<cckm::get_job<cckm::google_update_all_versions>>(job_id(google_job_id), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(std::string(job.body()) == fixture("google_update_all_versions_job.json"));
    check_job(*job, fixture_object("google_update_all_versions_job.json"));
    BOOST_TEST((job->version_count == std::optional<std::int64_t>(2)));
    auto completed = job->detailed_status.find("completed");
    BOOST_TEST_REQUIRE(completed.is_array());
    BOOST_TEST(completed.as_array().size() == 2u);
    BOOST_TEST(completed.as_array()[0].as_string() == std::string_view("2"));
    check_gzip_chunked(requests_of(agent_of_this_case(), 1));
}

BOOST_AUTO_TEST_CASE(list_jobs_gzip_chunked) {
    boost::asio::io_context io;
    client_type c(keyops::beast_transport(io.get_executor(), trusted_options()), {}, {},
                  client_options_for());
    keyops::error_code ec;
    keyops::diagnostics diag;

    cckm::list_query<cckm::oci> q;
    q.skip = 0;
    q.limit = 10;
    auto oci = c.call<cckm::list_jobs<cckm::oci>>(q, ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(std::string(oci.body()) == fixture("oci_sync_list.json"));
    check_list(*oci, fixture_object("oci_sync_list.json"));

    auto dsm = c.call<cckm::list_jobs<cckm::dsm>>(cckm::list_query<cckm::dsm>(), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    check_list(*dsm, fixture_object("dsm_refresh_list.json"));

    const auto lines = requests_of(agent_of_this_case(), 2);
    BOOST_TEST_REQUIRE(lines.size() == 2u);
    BOOST_TEST(lines[0].uri == "/api/v1/cckm/oci/synchronization-jobs?skip=0&limit=10");
    BOOST_TEST(lines[1].uri == "/api/v1/cckm/dsm/refresh");
    check_gzip_chunked(lines);
}

BOOST_AUTO_TEST_CASE(large_list_gzip_chunked) {
    // run.sh's list of 200 copies of the Azure job: about 200 KB decoded, many chunks.
    boost::asio::io_context io;
    client_type c(keyops::beast_transport(io.get_executor(), trusted_options()), {}, {},
                  client_options_for());
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto page = c.call<cckm::list_jobs<cckm::azure_certificates>>(
        cckm::list_query<cckm::azure_certificates>(), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(*page->total == static_cast<std::int64_t>(big_list_jobs));
    BOOST_TEST_REQUIRE(page->resources.size() == big_list_jobs);
    const auto want = fixture_object("azure_certificates_job.json");
    check_job(page->resources.front(), want);
    check_job(page->resources.back(), want);
    const auto lines = requests_of(agent_of_this_case(), 1);
    BOOST_TEST_REQUIRE(lines.size() == 1u);
    check_gzip_chunked(lines);
    BOOST_TEST(std::stoul(lines[0].body_bytes) * 10 < page.body().size());
}

BOOST_AUTO_TEST_CASE(chunked_without_gzip) {
    // Under /chunked/api nginx sends the same files without gzip, chunked all the same.
    boost::asio::io_context io;
    client_type c(keyops::beast_transport(io.get_executor(), trusted_options()), {}, {},
                  client_options_for("/chunked/api"));
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto job = c.call<cckm::get_job<cckm::azure_certificates>>(job_id(azure_job_id), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(std::string(job.body()) == fixture("azure_certificates_job.json"));
    check_job(*job, fixture_object("azure_certificates_job.json"));

    auto page = c.call<cckm::list_jobs<cckm::azure_certificates>>(
        cckm::list_query<cckm::azure_certificates>(), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST_REQUIRE(page->resources.size() == big_list_jobs);
    check_job(page->resources[big_list_jobs / 2], fixture_object("azure_certificates_job.json"));

    const auto lines = requests_of(agent_of_this_case(), 2);
    BOOST_TEST_REQUIRE(lines.size() == 2u);
    for (const auto& l : lines) {
        BOOST_TEST(l.status == "200");
        BOOST_TEST(l.content_encoding == "-");
        BOOST_TEST(l.transfer_encoding == "chunked");
    }
    BOOST_TEST(c.transport().connections_opened() == 1u);
}

BOOST_AUTO_TEST_CASE(sequential_calls_share_one_connection) {
    boost::asio::io_context io;
    client_type c(keyops::beast_transport(io.get_executor(), trusted_options()), {}, {},
                  client_options_for());
    constexpr std::size_t calls = 12;
    for (std::size_t i = 0; i < calls; ++i) {
        keyops::error_code ec;
        keyops::diagnostics diag;
        if (i % 3 == 2) {
            auto page = c.call<cckm::list_jobs<cckm::oci>>(cckm::list_query<cckm::oci>(), ec, diag);
            BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
            BOOST_TEST(page->resources.size() == 1u);
        } else {
            auto job =
                c.call<cckm::get_job<cckm::azure_certificates>>(job_id(azure_job_id), ec, diag);
            BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
            BOOST_TEST(std::string(job->id) == azure_job_id);
        }
    }
    BOOST_TEST(c.transport().connections_opened() == 1u);
    BOOST_TEST(c.transport().idle_connections() == 1u);

    // nginx saw the same: one connection, its requests numbered 1 to 12.
    const auto lines = requests_of(agent_of_this_case(), calls);
    BOOST_TEST_REQUIRE(lines.size() == calls);
    for (std::size_t i = 0; i < calls; ++i) {
        BOOST_TEST(lines[i].connection == lines[0].connection);
        BOOST_TEST(lines[i].connection_requests == std::to_string(i + 1));
    }
    check_gzip_chunked(lines);
}

BOOST_AUTO_TEST_CASE(async_with_use_future) {
    boost::asio::io_context io;
    client_type c(keyops::beast_transport(io.get_executor(), trusted_options()), {}, {},
                  client_options_for());
    keyops::diagnostics diag;
    auto job_future = c.async_call<cckm::get_job<cckm::azure_certificates>>(
        job_id(azure_job_id), diag, boost::asio::use_future);
    // Runs the io_context on another thread while this one waits on the future.
    std::thread runner([&io] { io.run(); });
    BOOST_TEST_REQUIRE((job_future.wait_for(20s) == std::future_status::ready));
    runner.join();
    auto job = job_future.get();
    check_job(*job, fixture_object("azure_certificates_job.json"));
    BOOST_TEST(diag.http_status == 200u);

    // And one more without a diagnostics; a failure comes as a system_error from get().
    io.restart();
    auto missing = c.async_call<cckm::get_job<cckm::azure_certificates>>(
        job_id("00000000-0000-0000-0000-000000000000"), boost::asio::use_future);
    io.run();
    try {
        missing.get();
        BOOST_ERROR("no exception");
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == keyops::error::not_found), e.what());
    }
    BOOST_TEST(c.transport().connections_opened() == 1u);
}

BOOST_AUTO_TEST_CASE(async_with_callbacks) {
    boost::asio::io_context io;
    client_type c(keyops::beast_transport(io.get_executor(), trusted_options()), {}, {},
                  client_options_for());
    keyops::diagnostics diag;
    // A chain: each completion starts the next call, 5 in all, then the list.
    constexpr int chain = 5;
    int done = 0;
    bool listed = false;
    std::function<void(keyops::error_code, keyops::parsed<cckm::job>)> on_job;
    on_job = [&](keyops::error_code ec, keyops::parsed<cckm::job> job) {
        BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
        BOOST_TEST(std::string(job->id) == azure_job_id);
        if (++done < chain) {
            c.async_call<cckm::get_job<cckm::azure_certificates>>(job_id(azure_job_id), diag,
                                                                  on_job);
            return;
        }
        c.async_call<cckm::list_jobs<cckm::oci>>(
            cckm::list_query<cckm::oci>(), diag,
            [&](keyops::error_code ec2, keyops::parsed<cckm::job_list> page) {
                BOOST_TEST_REQUIRE(!ec2, diag.describe(ec2));
                check_list(*page, fixture_object("oci_sync_list.json"));
                listed = true;
            });
    };
    c.async_call<cckm::get_job<cckm::azure_certificates>>(job_id(azure_job_id), diag, on_job);
    BOOST_TEST(done == 0); // nothing completes inline
    io.run_for(20s);
    BOOST_TEST(done == chain);
    BOOST_TEST(listed);
    BOOST_TEST(c.transport().connections_opened() == 1u);
    check_gzip_chunked(requests_of(agent_of_this_case(), chain + 1));
}

BOOST_AUTO_TEST_CASE(untrusted_certificate_rejected_by_default) {
    // The system store, which does not hold run.sh's CA, and no CA file.
    expect_refused_certificate(
        [](keyops::transport_options& o) {
            o.tls.ca_file.clear();
            o.tls.use_system_store = true;
        },
        "unable to get local issuer certificate");
}

BOOST_AUTO_TEST_CASE(unrelated_ca_rejected) {
    expect_refused_certificate(
        [](keyops::transport_options& o) {
            o.tls.ca_file = the_server().other_ca;
            o.tls.use_system_store = false;
        },
        "unable to get local issuer certificate");
}

BOOST_AUTO_TEST_CASE(wrong_host_name_rejected) {
    // The right CA, but the certificate names localhost only, not 127.0.0.1.
    expect_refused_certificate(
        [](keyops::transport_options& o) {
            o = options_for("127.0.0.1");
            o.tls.use_system_store = false;
        },
        "host name mismatch: certificate is for localhost, asked for 127.0.0.1");
}

BOOST_AUTO_TEST_CASE(tls_context_shared_per_trust_settings) {
    boost::asio::io_context io;
    keyops::beast_transport a(io.get_executor(), trusted_options());
    keyops::beast_transport b(io.get_executor(), trusted_options());
    BOOST_TEST_REQUIRE(a.tls_context() != nullptr);
    BOOST_TEST(a.tls_context() == b.tls_context()); // the CA file is loaded once
    auto other = trusted_options();
    other.tls.use_system_store = false;
    keyops::beast_transport c(io.get_executor(), other);
    BOOST_TEST(c.tls_context() != a.tls_context());

    // A context of one's own is used as it is.
    auto own = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
    own->set_verify_mode(boost::asio::ssl::verify_peer);
    own->load_verify_file(the_server().ca);
    auto topt = trusted_options();
    topt.tls.context = own;
    topt.tls.use_system_store = false;
    client_type cl(keyops::beast_transport(io.get_executor(), topt), {}, {}, client_options_for());
    BOOST_TEST(cl.transport().tls_context() == own);
    auto job = cl.call<cckm::get_job<cckm::azure_certificates>>(job_id(azure_job_id));
    BOOST_TEST(std::string(job->id) == azure_job_id);
}

BOOST_AUTO_TEST_CASE(right_ca_alone_accepted) {
    // The counterpart of the two above: the right CA without the system store, the right name.
    boost::asio::io_context io;
    auto topt = trusted_options();
    topt.tls.use_system_store = false;
    client_type c(keyops::beast_transport(io.get_executor(), topt), {}, {}, client_options_for());
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto job = c.call<cckm::get_job<cckm::azure_certificates>>(job_id(azure_job_id), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(std::string(job->id) == azure_job_id);
}

BOOST_AUTO_TEST_CASE(missing_ca_file_throws) {
    boost::asio::io_context io;
    auto topt = trusted_options();
    topt.tls.ca_file = the_server().ca + ".does-not-exist";
    try {
        keyops::beast_transport t(io.get_executor(), topt);
        BOOST_ERROR("no exception");
    } catch (const keyops::exception& e) {
        BOOST_TEST(std::string(e.what()).find(".does-not-exist") != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_CASE(insecure_skip_verify_connects_and_warns) {
    // Neither the CA nor the name would pass; skipping verification connects, with a warning.
    boost::asio::io_context io;
    auto topt = options_for("127.0.0.1");
    topt.tls.ca_file.clear();
    topt.tls.use_system_store = false;
    topt.tls.insecure_skip_verify = true;
    std::vector<std::pair<keyops::log_level, std::string>> logged;
    topt.log = [&logged](keyops::log_level level, std::string_view text) {
        logged.emplace_back(level, std::string(text));
    };
    client_type c(keyops::beast_transport(io.get_executor(), topt), {}, {}, client_options_for());
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto job = c.call<cckm::get_job<cckm::azure_certificates>>(job_id(azure_job_id), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    check_job(*job, fixture_object("azure_certificates_job.json"));
    std::size_t warnings = 0;
    for (const auto& [level, text] : logged) {
        BOOST_TEST_MESSAGE("logged: " << text);
        if (level == keyops::log_level::warning &&
            text.find("insecure_skip_verify") != std::string::npos)
            ++warnings;
    }
    BOOST_TEST(warnings == 1u);
}

BOOST_AUTO_TEST_CASE(missing_job_is_not_found) {
    boost::asio::io_context io;
    client_type c(keyops::beast_transport(io.get_executor(), trusted_options()), {}, {},
                  client_options_for());
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto job = c.call<cckm::get_job<cckm::azure_certificates>>(
        job_id("00000000-0000-0000-0000-000000000000"), ec, diag);
    BOOST_TEST((ec == keyops::error::not_found), ec.message());
    BOOST_TEST(diag.http_status == 404u);
    BOOST_TEST(diag.describe(ec).find("404") != std::string::npos, diag.describe(ec));
    BOOST_TEST(job->id.empty());
    // nginx's HTML error page is not a CCKM error body: nothing from it in the diagnostics.
    BOOST_TEST(!diag.server_code.has_value());

    // The 404 left the connection usable.
    auto again = c.call<cckm::get_job<cckm::azure_certificates>>(job_id(azure_job_id), ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(c.transport().connections_opened() == 1u);

    const auto lines = requests_of(agent_of_this_case(), 2);
    BOOST_TEST_REQUIRE(lines.size() == 2u);
    BOOST_TEST(lines[0].status == "404");
    BOOST_TEST(lines[1].status == "200");
}

BOOST_AUTO_TEST_CASE(body_size_limit_applies_after_decoding) {
    const std::size_t decoded = fixture("azure_certificates_job.json").size();
    keyops::error_code ec;
    keyops::diagnostics diag;
    {
        // One byte short of the decoded body, while the gzip body on the wire is far smaller.
        boost::asio::io_context io;
        auto topt = trusted_options();
        topt.max_body_size = decoded - 1;
        client_type c(keyops::beast_transport(io.get_executor(), topt), {}, {},
                      client_options_for());
        auto job = c.call<cckm::get_job<cckm::azure_certificates>>(job_id(azure_job_id), ec, diag);
        BOOST_TEST((ec == keyops::error::body_too_large), ec.message());
        BOOST_TEST(job->id.empty());
        const auto lines = requests_of(agent_of_this_case(), 1);
        BOOST_TEST_REQUIRE(lines.size() == 1u);
        BOOST_TEST(lines[0].content_encoding == "gzip");
        BOOST_TEST(std::stoul(lines[0].body_bytes) < topt.max_body_size);
    }
    {
        // Exactly the decoded size is allowed.
        boost::asio::io_context io;
        auto topt = trusted_options();
        topt.max_body_size = decoded;
        client_type c(keyops::beast_transport(io.get_executor(), topt), {}, {},
                      client_options_for());
        auto job = c.call<cckm::get_job<cckm::azure_certificates>>(job_id(azure_job_id), ec, diag);
        BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
        BOOST_TEST(std::string(job->id) == azure_job_id);
    }
    {
        // Without gzip the limit stops the chunked body while it arrives.
        boost::asio::io_context io;
        auto topt = trusted_options();
        topt.max_body_size = decoded - 1;
        client_type c(keyops::beast_transport(io.get_executor(), topt), {}, {},
                      client_options_for("/chunked/api"));
        auto job = c.call<cckm::get_job<cckm::azure_certificates>>(job_id(azure_job_id), ec, diag);
        BOOST_TEST((ec == keyops::error::body_too_large), ec.message());
    }
    {
        // ... and lets exactly the limit through.
        boost::asio::io_context io;
        auto topt = trusted_options();
        topt.max_body_size = decoded;
        client_type c(keyops::beast_transport(io.get_executor(), topt), {}, {},
                      client_options_for("/chunked/api"));
        auto job = c.call<cckm::get_job<cckm::azure_certificates>>(job_id(azure_job_id), ec, diag);
        BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
        BOOST_TEST(std::string(job->id) == azure_job_id);
    }
}

BOOST_AUTO_TEST_SUITE_END()
