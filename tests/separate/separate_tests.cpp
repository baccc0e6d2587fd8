// keyops::any_client built with KEYOPS_SEPARATE_COMPILATION, against keyops-sim on loopback
// (tests/integration/with_sim.sh starts it). This translation unit includes any_client.hpp only:
// the client's definitions come from the keyops::compiled library (CMake) or keyops_compiled_dep
// (Meson). standalone/check_separate.sh checks that such a unit includes no Beast or OpenSSL
// header.
#define BOOST_TEST_MODULE keyops separate compilation
#include <boost/test/included/unit_test.hpp>

#include <keyops/any_client.hpp>

#ifndef KEYOPS_SEPARATE_COMPILATION
#error "built with KEYOPS_SEPARATE_COMPILATION, from the keyops::compiled target"
#endif
#ifdef BOOST_BEAST_VERSION
#error "any_client.hpp included a Beast header"
#endif
#ifdef OPENSSL_VERSION_NUMBER
#error "any_client.hpp included an OpenSSL header"
#endif

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using keyops::cckm::job_kind;

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v)
        throw std::runtime_error(std::string(name) + " is not set: run through with_sim.sh");
    return v;
}

keyops::any_client_config sim_config(keyops::any_credentials creds) {
    keyops::any_client_config cfg;
    BOOST_TEST_REQUIRE(!keyops::parse_server_url(env("KEYOPS_SIM_URL"), cfg.transport));
    cfg.transport.tls.ca_file = env("KEYOPS_SIM_CA");
    cfg.transport.tls.use_system_store = false;
    cfg.transport.proxy_from_environment = false;
    cfg.retry.initial_delay = 20ms;
    cfg.retry.max_delay = 200ms;
    cfg.credentials = std::move(creds);
    return cfg;
}

keyops::ciphertrust_credentials cm_admin() {
    keyops::ciphertrust_credentials c;
    c.username = "admin";
    c.password = "admin";
    return c;
}

keyops::network_insight_credentials ni_admin() {
    keyops::network_insight_credentials c;
    c.username = "admin";
    c.password = "admin";
    return c;
}

} // namespace

BOOST_AUTO_TEST_CASE(start_get_list_wait_one_job_sync) {
    keyops::any_client cm(sim_config(cm_admin()));
    auto started = cm.start_job(job_kind::oci, R"({"vaults":["separate-1"]})");
    const std::string id(started->id);
    BOOST_TEST(!id.empty());

    auto got = cm.get_job(job_kind::oci, id);
    BOOST_TEST(got->id == id);

    keyops::cckm::job_query q;
    q.id = {id};
    q.resources = {"separate-1"};
    auto page = cm.list_jobs(job_kind::oci, q);
    BOOST_TEST_REQUIRE(page->resources.size() == 1u);
    BOOST_TEST(page->resources[0].id == id);

    keyops::wait_options w;
    w.polling.first_interval = 100ms;
    w.polling.max_interval = 300ms;
    w.polling.deadline = 30s;
    auto results = cm.wait_for_jobs(job_kind::oci, {id}, w);
    BOOST_TEST_REQUIRE(results.size() == 1u);
    BOOST_TEST(results[0].id == id);
    BOOST_TEST((results[0].outcome == keyops::wait_outcome::completed),
               results[0].diag.describe(results[0].ec));
    BOOST_TEST((results[0].job->overall_status.state == keyops::job_state::completed));
    BOOST_TEST(cm.counters().requests >= 4u);

    keyops::error_code ec;
    keyops::diagnostics diag;
    cm.close(ec, diag);
    BOOST_TEST(!ec, diag.describe(ec));
}

BOOST_AUTO_TEST_CASE(what_a_kind_cannot_do_is_refused_before_sending) {
    keyops::any_client cm(sim_config(cm_admin()));
    keyops::error_code ec;
    keyops::diagnostics diag;
    cm.list_jobs(job_kind::google_update_all_versions, {}, ec, diag);
    BOOST_TEST((ec == keyops::error::invalid_argument));
    BOOST_TEST(diag.detail.find("no list endpoint") != std::string::npos, diag.detail);

    keyops::cckm::job_query q;
    q.resources = {"x"};
    cm.list_jobs(job_kind::aws_bulk, q, ec, diag);
    BOOST_TEST((ec == keyops::error::invalid_argument));
    BOOST_TEST(diag.detail.find("no resource filter") != std::string::npos, diag.detail);

    cm.cancel_job(job_kind::sap_keys, "abc", ec, diag);
    BOOST_TEST((ec == keyops::error::invalid_argument));
    BOOST_TEST(diag.detail.find("cannot be cancelled") != std::string::npos, diag.detail);
    BOOST_TEST(cm.counters().requests == 0u);
}

BOOST_AUTO_TEST_CASE(a_missing_job_is_the_servers_404_and_throws_with_diagnostics) {
    keyops::any_client cm(sim_config(cm_admin()));
    keyops::error_code ec;
    keyops::diagnostics diag;
    cm.get_job(job_kind::oci, "00000000-0000-0000-0000-000000000000", ec, diag);
    BOOST_TEST((ec == keyops::error::not_found));
    BOOST_TEST(diag.http_status == 404u);
    BOOST_CHECK_THROW(cm.get_job(job_kind::oci, "00000000-0000-0000-0000-000000000000"),
                      keyops::exception);
}

BOOST_AUTO_TEST_CASE(async_calls_on_the_callers_io_context) {
    boost::asio::io_context io;
    keyops::any_client cm(io.get_executor(), sim_config(cm_admin()));
    keyops::diagnostics diag;
    keyops::error_code start_ec;
    std::string id;
    cm.async_start_job(job_kind::oci, R"({"vaults":["separate-async"]})", diag,
                       [&](keyops::error_code ec, keyops::parsed<keyops::cckm::job> j) {
                           start_ec = ec;
                           if (!ec)
                               id = std::string(j->id);
                       });
    io.run();
    BOOST_TEST_REQUIRE(!start_ec, diag.describe(start_ec));
    BOOST_TEST(!id.empty());

    keyops::error_code get_ec = keyops::error::timeout, list_ec = keyops::error::timeout;
    std::string got;
    std::size_t listed = 0;
    keyops::diagnostics diag2;
    cm.async_get_job(job_kind::oci, id, diag,
                     [&](keyops::error_code ec, keyops::parsed<keyops::cckm::job> j) {
                         get_ec = ec;
                         if (!ec)
                             got = std::string(j->id);
                     });
    keyops::cckm::job_query q;
    q.id = {id};
    cm.async_list_jobs(job_kind::oci, q, diag2,
                       [&](keyops::error_code ec, keyops::parsed<keyops::cckm::job_list> p) {
                           list_ec = ec;
                           if (!ec)
                               listed = p->resources.size();
                       });
    io.restart();
    io.run();
    BOOST_TEST(!get_ec, diag.describe(get_ec));
    BOOST_TEST(got == id);
    BOOST_TEST(!list_ec, diag2.describe(list_ec));
    BOOST_TEST(listed == 1u);

    // Refused at once, but completed through the io_context, never inline.
    bool done = false;
    keyops::error_code cancel_ec;
    cm.async_cancel_job(job_kind::sap_keys, "abc", diag,
                        [&](keyops::error_code ec, keyops::parsed<keyops::cckm::job>) {
                            cancel_ec = ec;
                            done = true;
                        });
    BOOST_TEST(!done);
    io.restart();
    io.run();
    BOOST_TEST(done);
    BOOST_TEST((cancel_ec == keyops::error::invalid_argument));
}

BOOST_AUTO_TEST_CASE(async_waits_on_the_callers_io_context) {
    boost::asio::io_context io;
    keyops::any_client cm(io.get_executor(), sim_config(cm_admin()));
    const std::string a(cm.start_job(job_kind::oci, R"({"vaults":["separate-wait-a"]})")->id);
    const std::string b(cm.start_job(job_kind::oci, R"({"vaults":["separate-wait-b"]})")->id);
    keyops::wait_options w;
    w.polling.first_interval = 100ms;
    w.polling.max_interval = 300ms;
    w.polling.deadline = 30s;
    std::size_t progress = 0; // the callbacks run on the io_context's thread, this one
    w.on_job_progress = [&](const keyops::cckm::job&, auto) {
        ++progress;
    };

    bool done = false;
    keyops::error_code wait_ec = keyops::error::timeout;
    std::vector<keyops::job_wait_result> results;
    cm.async_wait_for_jobs(job_kind::oci, {b, a}, w,
                           [&](keyops::error_code ec, std::vector<keyops::job_wait_result> r) {
                               done = true;
                               wait_ec = ec;
                               results = std::move(r);
                           });
    BOOST_TEST(!done); // never inside the initiating function
    io.run();
    BOOST_TEST_REQUIRE(done);
    BOOST_TEST(!wait_ec);
    BOOST_TEST_REQUIRE(results.size() == 2u);
    BOOST_TEST(results[0].id == b); // in the order given
    BOOST_TEST(results[1].id == a);
    for (const auto& r : results)
        BOOST_TEST((r.outcome == keyops::wait_outcome::completed), r.diag.describe(r.ec));
    BOOST_TEST(progress >= 2u); // each job's first read, at least

    // Terminal cancellation through the handler's slot, across the client's type erasure: the
    // wait ends at once, cancelled; the job runs on.
    const std::string c(cm.start_job(job_kind::oci, R"({"vaults":["separate-wait-c"]})")->id);
    boost::asio::cancellation_signal signal;
    boost::asio::steady_timer later(io, 300ms);
    later.async_wait(
        [&](keyops::error_code) { signal.emit(boost::asio::cancellation_type::terminal); });
    done = false;
    const auto started = std::chrono::steady_clock::now();
    cm.async_wait_for_jobs(
        job_kind::oci, {c}, w,
        boost::asio::bind_cancellation_slot(
            signal.slot(), [&](keyops::error_code ec, std::vector<keyops::job_wait_result> r) {
                done = true;
                wait_ec = ec;
                results = std::move(r);
            }));
    io.restart();
    io.run();
    BOOST_TEST_REQUIRE(done);
    BOOST_TEST((wait_ec == boost::asio::error::operation_aborted));
    BOOST_TEST_REQUIRE(results.size() == 1u);
    BOOST_TEST((results[0].outcome == keyops::wait_outcome::cancelled));
    BOOST_TEST((std::chrono::steady_clock::now() - started < 10s));
    auto still = cm.get_job(job_kind::oci, c);
    BOOST_TEST((still->overall_status.state == keyops::job_state::in_progress));
}

BOOST_AUTO_TEST_CASE(async_proxy_key_rotation_wait) {
    boost::asio::io_context io;
    keyops::any_client ni(io.get_executor(), sim_config(ni_admin()));
    keyops::error_code ec;
    keyops::diagnostics diag;
    ni.rotate_proxy_key(ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    keyops::wait_options w;
    w.polling.first_interval = 100ms;
    w.polling.max_interval = 300ms;
    w.polling.deadline = 30s;
    std::optional<keyops::rotation_wait_result> got;
    ni.async_wait_for_rotation(w, [&](keyops::error_code e, keyops::rotation_wait_result r) {
        ec = e;
        got = std::move(r);
    });
    io.run();
    BOOST_TEST_REQUIRE(got.has_value());
    BOOST_TEST(!ec, got->diag.describe(got->ec));
    BOOST_TEST((got->outcome == keyops::wait_outcome::rotation_success));
    ni.close(ec, diag);
    BOOST_TEST(!ec, diag.describe(ec));
}

BOOST_AUTO_TEST_CASE(proxy_key_rotation_waited_to_the_end) {
    keyops::any_client ni(sim_config(ni_admin()));
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto before = ni.proxy_key_details(ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    auto started = ni.rotate_proxy_key(ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST((started->status.state == keyops::rotation_state::submitted));
    ni.rotate_proxy_key(ec, diag); // one runs already
    BOOST_TEST((ec == keyops::error::conflict));
    keyops::wait_options w;
    w.polling.first_interval = 100ms;
    w.polling.max_interval = 300ms;
    w.polling.deadline = 30s;
    auto r = ni.wait_for_rotation(w);
    BOOST_TEST((r.outcome == keyops::wait_outcome::rotation_success), r.diag.describe(r.ec));
    auto after = ni.proxy_key_details(ec, diag);
    BOOST_TEST_REQUIRE(!ec, diag.describe(ec));
    BOOST_TEST(*after->last_updated_at > *before->last_updated_at);
    ni.close(ec, diag); // the token is deleted on the server
    BOOST_TEST(!ec, diag.describe(ec));
}

BOOST_AUTO_TEST_CASE(a_ca_file_that_cannot_be_read_is_an_error_not_a_throw) {
    auto cfg = sim_config(cm_admin());
    cfg.transport.tls.ca_file = "/nonexistent/ca.pem";
    keyops::error_code ec;
    keyops::diagnostics diag;
    keyops::any_client cm(cfg, ec, diag);
    BOOST_TEST(ec);
    cm.get_job(job_kind::oci, "abc", ec, diag);
    BOOST_TEST(ec); // every call fails the same way
    cfg = sim_config(cm_admin());
    cfg.transport.tls.ca_file = "/nonexistent/ca.pem";
    BOOST_CHECK_THROW(keyops::any_client{std::move(cfg)}, keyops::exception);
}
