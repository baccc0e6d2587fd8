// Tutorial, step 7: testing your own agent. The agent's work is a function template on the
// client type. A test hands it a client over keyops::fake_transport, which plays the server's
// answers from a script and records every request, and checks what the agent did and said; the
// program then runs the same function against a real server with beast_transport.
//
//   07_testing_with_fake_transport URL CA_FILE   (KEYOPS_USER and KEYOPS_PASSWORD in the env.)
//
// Exit 0 when the test passed and, against the server, vault-7 was synchronized and the
// synchronization of fail-vault-8 was reported failed; 1 otherwise.

#include <keyops/keyops.hpp>

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

namespace cckm = keyops::cckm;
using namespace std::chrono_literals;

//[agent
// The agent's work: synchronize one OCI vault and write one line saying how it went. Written
// for any client type, so that a test can give it a client over keyops::fake_transport.
template <class Client>
bool sync_vault(Client& cm, const std::string& vault, const keyops::polling_policy& polling,
                std::ostream& log) {
    cckm::oci_sync_body body;
    body.vaults = {vault};
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto job = cm.template call<cckm::start_job<cckm::oci>>(body, ec, diag);
    if (ec) {
        log << vault << ": not started: " << diag.describe(ec) << '\n';
        return false;
    }
    keyops::wait_options w;
    w.polling = polling;
    auto r = keyops::wait_for_job<cckm::oci>(cm, std::string(job->id), w);
    if (r.outcome == keyops::wait_outcome::completed) {
        log << vault << ": synchronized\n";
        return true;
    }
    log << vault << ": " << keyops::to_string(r.outcome);
    if (r.outcome == keyops::wait_outcome::failed)
        for (auto [resource, text] : r.job->detailed_status)
            log << "; " << resource << ": " << text.as_string();
    else if (r.ec)
        log << "; " << r.diag.describe(r.ec);
    log << '\n';
    return false;
}
//]

//[fake_test
// A test of the agent: the server starts the job, reports it running, then failed. No
// network, no login (no_auth), no retries (no_retry): only the agent's own logic is tested.
bool agent_reports_a_failed_job() {
    boost::asio::io_context io;
    keyops::client<keyops::fake_transport, keyops::no_auth, keyops::no_retry> cm(
        keyops::fake_transport(io.get_executor(), "cm.test"));
    keyops::fake_transport& server = cm.transport(); // the client owns it

    const std::string job = R"({"id":"job-1","vaults":["vault-9"],"overall_status":)";
    server.push_response(201, job + R"("in_progress"})");
    server.push_response(200, job + R"("in_progress"})");
    server.push_response(200, job + R"("failed","detailed_status":{"vault-9":"no such vault"}})");

    keyops::polling_policy fast; // the test's pauses are short
    fast.first_interval = 1ms;
    fast.deadline = 5s;
    std::ostringstream log;
    const bool synchronized = sync_vault(cm, "vault-9", fast, log);
    std::cout << "test: " << log.str();

    // What the agent asked the server, in order, and what it reported.
    const auto& sent = server.requests();
    const std::string jobs = "/api/v1/cckm/oci/synchronization-jobs";
    bool ok = !synchronized && log.str() == "vault-9: failed; vault-9: no such vault\n" &&
              sent.size() == 3 && server.pending_steps() == 0 &&
              sent[0].method() == boost::beast::http::verb::post && sent[0].target() == jobs &&
              sent[0].body().find(R"("vaults":["vault-9"])") != std::string::npos &&
              sent[1].target() == jobs + "/job-1" && sent[2].target() == jobs + "/job-1";
    std::cout << "test: " << (ok ? "passed" : "FAILED") << '\n';
    return ok;
}
//]

int main(int argc, char** argv) {
    const char* user = std::getenv("KEYOPS_USER");
    const char* password = std::getenv("KEYOPS_PASSWORD");
    if (argc != 3 || !user || !password) {
        std::cerr << "usage: KEYOPS_USER=.. KEYOPS_PASSWORD=.. 07_testing_with_fake_transport "
                     "URL CA_FILE\n";
        return 2;
    }
    const bool test_passed = agent_reports_a_failed_job();

    keyops::transport_options t;
    if (auto ec = keyops::parse_server_url(argv[1], t)) {
        std::cerr << argv[1] << ": " << ec.message() << '\n';
        return 2;
    }
    t.tls.ca_file = argv[2];
    keyops::ciphertrust_credentials who;
    who.username = user;
    who.password = password;

    //[real_server
    // The same agent in production: a real transport, a login, the default retries.
    boost::asio::io_context io;
    keyops::client<keyops::beast_transport, keyops::ciphertrust_auth> cm(
        keyops::beast_transport(io.get_executor(), t), keyops::ciphertrust_auth(who));
    keyops::polling_policy polling;
    polling.deadline = 10min;
    std::ostringstream log;
    const bool good = sync_vault(cm, "vault-7", polling, log);
    const bool bad = sync_vault(cm, "fail-vault-8", polling, log);
    std::cout << log.str();
    //]
    keyops::error_code ec;
    keyops::diagnostics diag;
    cm.close(ec, diag);
    return test_passed && good && !bad &&
                   log.str().find("fail-vault-8: failed; ") != std::string::npos
               ? 0
               : 1;
}
