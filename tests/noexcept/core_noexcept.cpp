// The I/O-free core compiled with -fno-exceptions, and its results checked: descriptors and
// typed queries, the parsers over the seed fixtures, Retry-After, the retry policy, the
// CipherTrust Manager token state and the rotation wait machine. Boost.Test needs exceptions,
// so this is its own small program: CHECK counts failures and main returns nonzero if any.
// Under -fno-exceptions Boost calls boost::throw_exception instead of throwing, which a program
// must define: this one reports and aborts.
//
// Not here, because they do not compile without exceptions with Boost 1.81:
// - the parts of the core that hold Beast's HTTP message (the request builder, the auth
//   policies, server errors): boost/beast/core/impl/buffers_cat.hpp throws unconditionally;
// - Boost.JSON's and Boost.URL's sources, <keyops/src.hpp> (boost/json/impl/value.ipp catches
//   and rethrows in operator>>): this program links their libraries instead.
//   core_noexcept FIXTURE_DIR
#include <keyops/auth/token_state.hpp>
#include <keyops/diagnostics.hpp>
#include <keyops/endpoint/cckm.hpp>
#include <keyops/endpoint/network_insight.hpp>
#include <keyops/error.hpp>
#include <keyops/model/auth.hpp>
#include <keyops/model/cckm.hpp>
#include <keyops/model/network_insight.hpp>
#include <keyops/parse/parse.hpp>
#include <keyops/response/retry_after.hpp>
#include <keyops/retry/policies.hpp>
#include <keyops/wait/jobs_wait_fsm.hpp>
#include <keyops/wait/rotation_wait_fsm.hpp>

#include <boost/assert/source_location.hpp>
#include <boost/throw_exception.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iterator>
#include <string>

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#error "core_noexcept.cpp must be compiled with -fno-exceptions"
#endif
#ifndef BOOST_NO_EXCEPTIONS
#error "BOOST_NO_EXCEPTIONS should follow from -fno-exceptions"
#endif

namespace boost {
void throw_exception(const std::exception& e) {
    std::fprintf(stderr, "boost::throw_exception: %s\n", e.what());
    std::abort();
}
void throw_exception(const std::exception& e, const boost::source_location& where) {
    std::fprintf(stderr, "boost::throw_exception at %s:%u: %s\n", where.file_name(),
                 static_cast<unsigned>(where.line()), e.what());
    std::abort();
}
} // namespace boost

namespace {

int failures = 0;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);          \
            ++failures;                                                                            \
        }                                                                                          \
    } while (false)

// As CHECK, and the test function returns: what follows depends on it.
#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "%s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond);        \
            ++failures;                                                                            \
            return;                                                                                \
        }                                                                                          \
    } while (false)

std::string fixture_dir;

std::string read_fixture(const char* name) {
    std::ifstream in(fixture_dir + "/" + name, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "cannot read fixture %s\n", name);
        ++failures;
        return {};
    }
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void descriptors_and_queries() {
    using get_job = keyops::cckm::get_job<keyops::cckm::oci>;
    static_assert(get_job::method == keyops::http_method::get);
    static_assert(get_job::service == keyops::api_service::ciphertrust);
    static_assert(get_job::retry == keyops::idempotency::idempotent);
    CHECK(get_job::path.view() == "/v1/cckm/oci/synchronization-jobs/{id}");
    using cancel = keyops::cckm::cancel_job<keyops::cckm::oci>;
    static_assert(cancel::method == keyops::http_method::post);
    CHECK(keyops::cckm::kind_from_name("google-update-all-versions") ==
          keyops::cckm::job_kind::google_update_all_versions);

    // The typed query of a list, written as the builder writes it: repeated array parameters,
    // everything outside RFC 3986's unreserved set percent-encoded.
    keyops::cckm::list_query<keyops::cckm::oci> q;
    q.vaults = {"v 1", "v+2"};
    q.overall_status = keyops::job_state::in_progress;
    q.limit = 100;
    std::string target = "/api/v1/cckm/oci/synchronization-jobs";
    keyops::query_writer w(target);
    q.append_to(w);
    CHECK(target == "/api/v1/cckm/oci/synchronization-jobs"
                    "?overall_status=in_progress&vaults=v%201&vaults=v%2B2&limit=100");
}

void parsers() {
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto job =
        keyops::parse<keyops::cckm::job>(read_fixture("azure_certificates_job.json"), ec, diag);
    REQUIRE(!ec);
    CHECK(job->id == "1f413972-499e-498c-9543-77c2da7d71e4");
    CHECK(job->overall_status.state == keyops::job_state::failed);
    CHECK(job->detailed_status.size() == 2u);
    CHECK(job->key_vaults.size() == 2u);
    CHECK(job->created_at.raw == "2022-05-12T07:00:52.032722Z");

    auto list = keyops::parse<keyops::cckm::job_list>(read_fixture("oci_sync_list.json"), ec, diag);
    REQUIRE(!ec);
    CHECK(list->total && *list->total == 1);
    REQUIRE(list->resources.size() == 1u);
    CHECK(list->resources[0].overall_status.state == keyops::job_state::completed);

    auto status = keyops::parse<keyops::ni::rotation_status>(
        read_fixture("ni_rotation_status.json"), ec, diag);
    REQUIRE(!ec);
    CHECK(status->status.state == keyops::rotation_state::unknown);
    CHECK(status->failed_collector_ids.size() == 1u);

    // A wrong type: an error code and the JSON Pointer of the value, no exception.
    auto wrong = keyops::parse<keyops::cckm::job_list>(
        R"({"total":1,"resources":[{"id":"a","overall_status":7}]})", ec, diag);
    CHECK(ec);
    CHECK(diag.json_path == "/resources/0/overall_status");
    (void)wrong;
    auto truncated = keyops::parse<keyops::cckm::job>(R"({"id":"a","overall_)", ec, diag);
    CHECK(ec);
    (void)truncated;
}

void retries() {
    using namespace std::chrono_literals;
    const auto now = std::chrono::system_clock::now();
    auto seconds = keyops::parse_retry_after("7", now);
    CHECK(seconds && *seconds == 7000ms);
    CHECK(!keyops::parse_retry_after("soon", now));

    keyops::backoff_options opt;
    opt.max_attempts = 3;
    keyops::exponential_backoff policy(opt, 42);
    keyops::attempt_outcome busy;
    busy.http_status = 503;
    busy.ec = make_error_code(keyops::error::server_error);
    busy.retry_after = 1500ms;
    auto d = policy.on_failure(1, busy, std::chrono::minutes(1));
    CHECK(d.retry);
    CHECK(d.delay == 1500ms);
    CHECK(!policy.on_failure(3, busy, std::chrono::minutes(1)).retry); // attempts used up
    CHECK(!policy.on_failure(1, busy, 1s).retry);                      // past the deadline

    keyops::attempt_outcome refused;
    refused.http_status = 400;
    refused.ec = make_error_code(keyops::error::http_status);
    CHECK(!policy.on_failure(1, refused, std::chrono::minutes(1)).retry);

    keyops::attempt_outcome post;
    post.ec = make_error_code(boost::asio::error::connection_reset);
    post.idempotent = false;
    CHECK(!policy.on_failure(1, post, std::chrono::minutes(1)).retry);
    post.ec = make_error_code(boost::asio::error::connection_refused);
    CHECK(policy.on_failure(1, post, std::chrono::minutes(1)).retry); // never sent
}

void token_state() {
    using state = keyops::ciphertrust_token_state;
    const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
    state s(std::chrono::seconds(30));
    CHECK(s.next(t0) == state::step::password_grant);

    keyops::error_code ec;
    keyops::diagnostics diag;
    auto token = keyops::parse<keyops::ctm::token>(
        R"({"jwt":"a.b.c","duration":300,"token_type":"Bearer","refresh_token":"r1"})", ec, diag);
    REQUIRE(!ec);
    s.on_token(*token, t0);
    CHECK(s.access_token() == "a.b.c");
    CHECK(s.next(t0 + std::chrono::seconds(200)) == state::step::ready);
    CHECK(s.next(t0 + std::chrono::seconds(290)) == state::step::refresh_grant);
    CHECK(s.on_unauthorized("a.b.c"));
    CHECK(s.next(t0) == state::step::refresh_grant);
    CHECK(s.on_refused(state::step::refresh_grant) == state::step::password_grant);
    CHECK(s.on_refused(state::step::password_grant) == state::step::failed);
}

void rotation_wait() {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::time_point(std::chrono::hours(1));
    keyops::wait_options opt;
    opt.polling.first_interval = std::chrono::seconds(2);
    keyops::rotation_wait_fsm fsm(opt, t0);
    auto a = fsm.start(t0);
    REQUIRE(a.kind == keyops::single_wait_action::type::read);

    keyops::error_code ec;
    keyops::diagnostics diag;
    auto running =
        keyops::parse<keyops::ni::rotation_status>(R"({"status":"IN_PROGRESS"})", ec, diag);
    REQUIRE(!ec);
    a = fsm.on_status({}, diag, std::move(running), t0);
    REQUIRE(a.kind == keyops::single_wait_action::type::wait);
    CHECK(a.until == t0 + std::chrono::seconds(2));

    a = fsm.on_wake(a.until);
    REQUIRE(a.kind == keyops::single_wait_action::type::read);
    auto failed = keyops::parse<keyops::ni::rotation_status>(
        R"({"status":"FAILED","failedCollectorIds":["c1","c2"]})", ec, diag);
    REQUIRE(!ec);
    a = fsm.on_status({}, diag, std::move(failed), t0 + std::chrono::seconds(3));
    CHECK(a.kind == keyops::single_wait_action::type::done);
    CHECK(fsm.result().outcome == keyops::wait_outcome::rotation_failed);
    CHECK(fsm.result().failed_collector_ids.size() == 2u);
    CHECK(fsm.result().polls == 2u);
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: core_noexcept FIXTURE_DIR\n");
        return 2;
    }
    fixture_dir = argv[1];
    descriptors_and_queries();
    parsers();
    retries();
    token_state();
    rotation_wait();
    if (failures != 0) {
        std::fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    std::puts("core without exceptions: all checks passed");
    return 0;
}
