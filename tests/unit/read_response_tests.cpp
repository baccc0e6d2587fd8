// read_response(): the path for agents with an HTTP stack of their own. The status decides:
// a success is parsed into the endpoint's type, anything else is an error that carries the
// server's words, and an error body is never taken for an empty result.

#include "fixtures.hpp"

#include <keyops/endpoint/cckm.hpp>
#include <keyops/endpoint/network_insight.hpp>
#include <keyops/response/read.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

using keyops::error;
namespace cckm = keyops::cckm;

BOOST_AUTO_TEST_SUITE(read_response)

BOOST_AUTO_TEST_CASE(a_success_is_parsed) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto job = keyops::read_response<cckm::get_job<cckm::azure_certificates>>(
        {200, keyops_test::fixture("azure_certificates_job.json"), {}}, ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(!job->id.empty());
    BOOST_TEST(diag.http_status == 200u);
    auto list = keyops::read_response<cckm::list_jobs<cckm::oci>>(
        {200, keyops_test::fixture("oci_sync_list.json"), {}}, ec, diag);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(!list->resources.empty());
}

BOOST_AUTO_TEST_CASE(a_404_is_not_found_not_an_empty_job) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto job = keyops::read_response<cckm::get_job<cckm::oci>>(
        {404,
         R"({"code":16,"codeDesc":"NCERRResourceNotFound: Resource not found","message":"no such job","requestID":"r-1"})",
         {}},
        ec, diag);
    BOOST_TEST((ec == error::not_found));
    BOOST_TEST(diag.http_status == 404u);
    BOOST_TEST_REQUIRE(diag.server_code.has_value());
    BOOST_TEST(*diag.server_code == 16);
    BOOST_TEST(diag.server_code_desc == "NCERRResourceNotFound: Resource not found");
    BOOST_TEST(diag.server_message == "no such job");
    BOOST_TEST(diag.request_id == "r-1");
    BOOST_TEST(diag.last_attempt == "404 Not Found");
    BOOST_TEST(job.body().empty());
    BOOST_TEST(job->id.empty());
}

BOOST_AUTO_TEST_CASE(statuses_map_to_errors) {
    struct row {
        unsigned status;
        error want;
    };
    for (const row r : {row{401, error::unauthorized}, row{403, error::forbidden},
                        row{409, error::conflict}, row{429, error::rate_limited},
                        row{500, error::server_error}, row{503, error::server_error},
                        row{400, error::http_status}, row{302, error::http_status}}) {
        keyops::error_code ec;
        keyops::diagnostics diag;
        keyops::read_response<cckm::get_job<cckm::oci>>({r.status, "", {}}, ec, diag);
        BOOST_TEST((ec == r.want), r.status << ": " << ec.message());
        BOOST_TEST(diag.http_status == r.status);
    }
    BOOST_TEST(!keyops::error_for_status(204));
    BOOST_TEST(keyops::status_text(503) == "503 Service Unavailable");
    BOOST_TEST(keyops::status_text(599) == "599");
}

BOOST_AUTO_TEST_CASE(retry_after_and_foreign_bodies) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    keyops::read_response<cckm::list_jobs<cckm::oci>>(
        {503, "<html><body>Service Unavailable</body></html>", "7"}, ec, diag);
    BOOST_TEST((ec == error::server_error));
    BOOST_TEST(!diag.server_code.has_value());
    BOOST_TEST(diag.last_attempt == "503 Service Unavailable; Retry-After 7 s");
}

BOOST_AUTO_TEST_CASE(network_insight_errors_and_empty_responses) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    keyops::read_response<keyops::ni::proxy_key_rotation_status>(
        {401, keyops_test::fixture("ni_error_401.json"), {}}, ec, diag);
    BOOST_TEST((ec == error::unauthorized));
    BOOST_TEST(!diag.server_message.empty());
    // A bodiless endpoint does not read its body on success.
    auto r = keyops::read_response<keyops::ni::delete_token>({200, "not json", {}}, ec, diag);
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(r.problems().empty());
}

BOOST_AUTO_TEST_CASE(a_bad_success_body_is_a_parse_error) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto job = keyops::read_response<cckm::get_job<cckm::oci>>({200, R"({"id":)", {}}, ec, diag);
    BOOST_TEST((ec == error::incomplete_json));
    BOOST_TEST(diag.http_status == 200u);
    keyops::read_response<cckm::get_job<cckm::oci>>({200, "", {}}, ec, diag);
    BOOST_TEST((ec == error::empty_body));
}

BOOST_AUTO_TEST_SUITE_END()
