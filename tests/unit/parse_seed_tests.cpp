// Every seed's example response, verbatim, parses to exactly the values it holds.

#include "fixtures.hpp"

#include <keyops/keyops.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

using namespace std::chrono;
using keyops_test::fixture;

namespace {

template <class T>
keyops::parsed<T> must_parse(const std::string& body) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto out = keyops::parse<T>(body, ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    return out;
}

// Seconds and microseconds since the epoch of a time point.
std::pair<long long, long long> split(system_clock::time_point t) {
    auto us = duration_cast<microseconds>(t.time_since_epoch()).count();
    return {us / 1000000, us % 1000000};
}

std::vector<std::string> strings(keyops::string_list l) {
    return std::vector<std::string>(l.begin(), l.end());
}

} // namespace

BOOST_AUTO_TEST_SUITE(seed_responses)

BOOST_AUTO_TEST_CASE(dsm_refresh_list) {
    auto list = must_parse<keyops::cckm::job_list>(fixture("dsm_refresh_list.json"));
    BOOST_TEST(*list->skip == 0);
    BOOST_TEST(*list->limit == 10);
    BOOST_TEST(*list->total == 1);
    BOOST_TEST_REQUIRE(list->resources.size() == 1u);
    const auto& j = list->resources[0];
    BOOST_TEST(j.id == "d4cbd38e-845e-4f75-9e71-15280084986e");
    BOOST_TEST(j.uri == "kylo:kylo:cckm:synchronize:d4cbd38e-845e-4f75-9e71-15280084986e");
    BOOST_TEST(j.account == "kylo:kylo:admin:accounts:kylo");
    BOOST_TEST(j.application == "ncryptify:gemalto:admin:apps:kylo");
    BOOST_TEST(j.dev_account == "ncryptify:gemalto:admin:accounts:gemalto");
    BOOST_TEST(j.created_at.raw == "2021-03-03T09:22:15.05611Z");
    BOOST_TEST(j.updated_at.raw == "2021-03-03T09:22:15.636481Z");
    BOOST_TEST(j.completed_at.raw == "2021-03-03T09:22:15.636315Z");
    // 2021-03-03T09:22:15Z is 1614763335 seconds after the epoch.
    BOOST_TEST(split(j.created_at.time()).first == 1614763335);
    BOOST_TEST(split(j.created_at.time()).second == 56110);
    BOOST_TEST(split(j.updated_at.time()).second == 636481);
    BOOST_TEST(split(j.completed_at.time()).second == 636315);
    BOOST_TEST(j.overall_status.raw == "completed");
    BOOST_TEST((j.overall_status.state == keyops::job_state::completed));
    BOOST_TEST(j.detailed_status.size() == 1u);
    BOOST_TEST(j.detailed_status.string("6070915c-0ab4-4e7e-bf4d-31dd31214874") ==
               "domain synchronized successfully");
    BOOST_TEST(j.cloud == "dsm");
    BOOST_TEST(strings(j.domains) ==
               std::vector<std::string>{"6070915c-0ab4-4e7e-bf4d-31dd31214874"});
    BOOST_TEST(strings(j.resources()) == strings(j.domains));
    BOOST_TEST(j.abort == false);
    BOOST_TEST(j.sync_item.empty());
    BOOST_TEST(!j.version_count.has_value());
    BOOST_TEST(j.done());
}

BOOST_AUTO_TEST_CASE(azure_certificates_job) {
    auto j = must_parse<keyops::cckm::job>(fixture("azure_certificates_job.json"));
    BOOST_TEST(j->id == "1f413972-499e-498c-9543-77c2da7d71e4");
    BOOST_TEST(j->uri == "kylo:kylo:cckm:synchronize:1f413972-499e-498c-9543-77c2da7d71e4");
    BOOST_TEST(j->account == "kylo:kylo:admin:accounts:kylo");
    BOOST_TEST(j->application == "ncryptify:gemalto:admin:apps:kylo");
    BOOST_TEST(j->dev_account == "ncryptify:gemalto:admin:accounts:gemalto");
    BOOST_TEST(j->created_at.raw == "2022-05-12T07:00:52.032722Z");
    BOOST_TEST(j->updated_at.raw == "2022-05-12T07:01:17.698896Z");
    BOOST_TEST(j->completed_at.raw == "2022-05-12T07:01:17.698624Z");
    // 2022-05-12T07:00:52Z is 1652338852 seconds after the epoch.
    BOOST_TEST(split(j->created_at.time()).first == 1652338852);
    BOOST_TEST(split(j->created_at.time()).second == 32722);
    BOOST_TEST(j->overall_status.raw == "failed");
    BOOST_TEST((j->overall_status.state == keyops::job_state::failed));
    BOOST_TEST_REQUIRE(j->detailed_status.size() == 2u);
    auto it = j->detailed_status.begin();
    BOOST_TEST((*it).key ==
               "northcentralus/CCKM-Soft-Delete::260ecbe7-777b-4d3c-84ea-887620498863");
    BOOST_TEST((*it).value.as_string() == "vault synchronized successfully");
    ++it;
    BOOST_TEST((*it).key == "northcentralus/pkv-softkeys::260ecbe7-777b-4d3c-84ea-887620498863");
    BOOST_TEST((*it).value.as_string() == "vault synchronized successfully");
    BOOST_TEST(j->cloud == "AzureCloud");
    BOOST_TEST(
        strings(j->key_vaults) ==
        (std::vector<std::string>{"pkv-softkeys::260ecbe7-777b-4d3c-84ea-887620498863",
                                  "CCKM-Soft-Delete::260ecbe7-777b-4d3c-84ea-887620498863"}));
    BOOST_TEST(j->abort == false);
    BOOST_TEST(j->sync_item == "azure-certificate");
}

BOOST_AUTO_TEST_CASE(google_update_all_versions_job) {
    auto j = must_parse<keyops::cckm::job>(fixture("google_update_all_versions_job.json"));
    BOOST_TEST(j->id == "778a1024-dc18-49cb-833b-cfd6c000c090");
    BOOST_TEST(j->uri == "kylo:kylo:cckm:update_all_versions:778a1024-dc18-49cb-833b-cfd6c000c090");
    BOOST_TEST(j->account == "kylo:kylo:admin:accounts:kylo");
    BOOST_TEST(j->application.empty());
    BOOST_TEST(j->dev_account.empty());
    BOOST_TEST(j->created_at.raw == "2021-05-05T07:33:44.183784Z");
    BOOST_TEST(j->updated_at.raw == "2021-05-05T07:33:48.323112Z");
    BOOST_TEST(j->completed_at.raw == "2021-05-05T07:33:48.322905Z");
    BOOST_TEST(split(j->completed_at.time()).first == 1620200028);
    BOOST_TEST(split(j->completed_at.time()).second == 322905);
    BOOST_TEST((j->overall_status.state == keyops::job_state::completed));
    BOOST_TEST_REQUIRE(j->detailed_status.size() == 2u);
    auto completed = j->detailed_status.find("completed");
    BOOST_TEST_REQUIRE(completed.is_array());
    BOOST_TEST(completed.as_array().size() == 2u);
    BOOST_TEST(completed.as_array()[0].as_string() == "2");
    BOOST_TEST(completed.as_array()[1].as_string() == "1");
    BOOST_TEST(j->detailed_status.string("completed").empty()); // not a string
    BOOST_TEST(j->detailed_status.string("projects/gemalto-kyloeng/locations/global/keyRings/"
                                         "demo-key-ring/cryptoKeys/doc-test") ==
               "Successfully updated all key versions state.");
    BOOST_TEST(j->job_id == "778a1024-dc18-49cb-833b-cfd6c000c090");
    BOOST_TEST(j->key_id == "ecc73bfb-7605-4263-abb8-84fe431d35fb");
    BOOST_TEST(*j->version_count == 2);
    BOOST_TEST(j->operation == "disable");
    BOOST_TEST(j->abort == false);
    BOOST_TEST(j->cloud.empty());
    BOOST_TEST(j->resources().empty());
}

BOOST_AUTO_TEST_CASE(oci_sync_list) {
    auto list = must_parse<keyops::cckm::job_list>(fixture("oci_sync_list.json"));
    BOOST_TEST(*list->skip == 0);
    BOOST_TEST(*list->limit == 10);
    BOOST_TEST(*list->total == 1);
    BOOST_TEST_REQUIRE(list->resources.size() == 1u);
    const auto& j = list->resources[0];
    BOOST_TEST(j.id == "45f1c056-ad1f-41b7-bf68-2b2909e51ab9");
    BOOST_TEST(j.uri == "kylo:kylo:cckm:synchronize:45f1c056-ad1f-41b7-bf68-2b2909e51ab9");
    BOOST_TEST(j.account == "kylo:kylo:admin:accounts:kylo");
    BOOST_TEST(j.application == "ncryptify:gemalto:admin:apps:kylo");
    BOOST_TEST(j.dev_account == "ncryptify:gemalto:admin:accounts:gemalto");
    BOOST_TEST(j.created_at.raw == "2022-02-03T04:19:34.327771Z");
    BOOST_TEST(j.updated_at.raw == "2022-02-03T04:20:06.015704Z");
    BOOST_TEST(j.completed_at.raw == "2022-02-03T04:20:06.015547Z");
    // 2022-02-03T04:19:34Z is 1643861974 seconds after the epoch.
    BOOST_TEST(split(j.created_at.time()).first == 1643861974);
    BOOST_TEST(split(j.created_at.time()).second == 327771);
    BOOST_TEST((j.overall_status.state == keyops::job_state::completed));
    BOOST_TEST(j.detailed_status.size() == 1u);
    BOOST_TEST(j.detailed_status.string("cckmqa-automation/5e9ee2f1-1b90-4b7d-b319-2b0848e78e75") ==
               "vault synchronized successfully");
    BOOST_TEST(j.cloud == "oci");
    BOOST_TEST(strings(j.key_vaults) ==
               std::vector<std::string>{"5e9ee2f1-1b90-4b7d-b319-2b0848e78e75"});
    BOOST_TEST(j.abort == false);
}

BOOST_AUTO_TEST_CASE(network_insight_rotation_status) {
    auto s = must_parse<keyops::ni::rotation_status>(fixture("ni_rotation_status.json"));
    BOOST_TEST(*s->customer_id == 0);
    // The documentation's example holds the placeholder "string": kept raw, state unknown.
    BOOST_TEST(s->status.raw == "string");
    BOOST_TEST((s->status.state == keyops::rotation_state::unknown));
    BOOST_TEST(strings(s->failed_collector_ids) == std::vector<std::string>{"string"});
    BOOST_TEST(!s->done());
}

BOOST_AUTO_TEST_CASE(network_insight_error_body) {
    auto e = must_parse<keyops::ni::error_body>(fixture("ni_error_401.json"));
    BOOST_TEST(*e->code == 0);
    BOOST_TEST(e->message == "string");
    BOOST_TEST_REQUIRE(e->details.size() == 1u);
    BOOST_TEST(*e->details[0].code == 0);
    BOOST_TEST(e->details[0].message == "string");
    BOOST_TEST(strings(e->details[0].target) == std::vector<std::string>{"string"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(documented_shapes)

BOOST_AUTO_TEST_CASE(ciphertrust_token) {
    auto t = must_parse<keyops::ctm::token>(
        R"({"jwt":"aaa.bbb.ccc","duration":300,"token_type":"Bearer","client_id":"c1",)"
        R"("refresh_token":"r1","refresh_token_id":"rid","refresh_token_expires_in":3600})");
    BOOST_TEST(t->jwt == "aaa.bbb.ccc");
    BOOST_TEST(*t->duration == 300);
    BOOST_TEST(t->token_type == "Bearer");
    BOOST_TEST(t->client_id == "c1");
    BOOST_TEST(t->refresh_token == "r1");
    BOOST_TEST(t->refresh_token_id == "rid");
    BOOST_TEST(*t->refresh_token_expires_in == 3600);
}

BOOST_AUTO_TEST_CASE(network_insight_token_expiry_units) {
    auto ms = must_parse<keyops::ni::token>(R"({"token":"t","expiry":1700000000123})");
    auto s = must_parse<keyops::ni::token>(R"({"token":"t","expiry":1700000000})");
    BOOST_TEST(ms->token == "t");
    BOOST_TEST(duration_cast<milliseconds>(ms->expires_at()->time_since_epoch()).count() ==
               1700000000123LL);
    BOOST_TEST(duration_cast<milliseconds>(s->expires_at()->time_since_epoch()).count() ==
               1700000000000LL);
    auto none = must_parse<keyops::ni::token>(R"({"token":"t"})");
    BOOST_TEST(!none->expires_at().has_value());
}

BOOST_AUTO_TEST_CASE(network_insight_key_details) {
    auto d = must_parse<keyops::ni::key_details>(
        R"({"customerId":7,"lifetime":"365","remainingValidity":"200",)"
        R"("lastUpdatedAt":1700000000123,"lastUpdatedBy":"admin"})");
    BOOST_TEST(*d->customer_id == 7);
    BOOST_TEST(d->lifetime == "365");
    BOOST_TEST(d->remaining_validity == "200");
    BOOST_TEST(*d->last_updated_at == 1700000000123LL);
    BOOST_TEST(d->last_updated_by == "admin");
}

BOOST_AUTO_TEST_CASE(cckm_error_body) {
    auto e = must_parse<keyops::cckm::error_body>(
        R"({"code":16,"codeDesc":"NCERRResourceNotFound: Resource not found",)"
        R"("message":"no such job","requestID":"req-1"})");
    BOOST_TEST(*e->code == 16);
    BOOST_TEST(e->code_desc == "NCERRResourceNotFound: Resource not found");
    BOOST_TEST(e->message == "no such job");
    BOOST_TEST(e->request_id == "req-1");
}

BOOST_AUTO_TEST_CASE(rotation_words) {
    for (auto [word, state] : {std::pair{"SUBMITTED", keyops::rotation_state::submitted},
                               std::pair{"IN_PROGRESS", keyops::rotation_state::in_progress},
                               std::pair{"SUCCESS", keyops::rotation_state::success},
                               std::pair{"FAILED", keyops::rotation_state::failed},
                               std::pair{"PAUSED", keyops::rotation_state::unknown}}) {
        auto s = must_parse<keyops::ni::rotation_status>(std::string(R"({"status":")") + word +
                                                         R"(","failedCollectorIds":["c1","c2"]})");
        BOOST_TEST(s->status.raw == word);
        BOOST_TEST((s->status.state == state));
        BOOST_TEST(s->failed_collector_ids.size() == 2u);
    }
}

BOOST_AUTO_TEST_CASE(job_words_and_abort) {
    for (auto [word, state] : {std::pair{"in_progress", keyops::job_state::in_progress},
                               std::pair{"completed", keyops::job_state::completed},
                               std::pair{"failed", keyops::job_state::failed},
                               std::pair{"queued", keyops::job_state::unknown}}) {
        auto j = must_parse<keyops::cckm::job>(std::string(R"({"overall_status":")") + word +
                                               R"(","abort":true})");
        BOOST_TEST(j->overall_status.raw == word);
        BOOST_TEST((j->overall_status.state == state));
        BOOST_TEST(j->abort == true);
    }
}

BOOST_AUTO_TEST_SUITE_END()
