// Guide "keyops::any_client and separate compilation": one concrete client, built with
// KEYOPS_SEPARATE_COMPILATION. This file includes <keyops/any_client.hpp> alone: no Beast and no
// OpenSSL header, no parser instantiated. The transport, TLS, the call and wait machines and the
// parsers come compiled from the library keyops::compiled, which this program links.
//
//   09_any_client_separate URL CA_FILE        (KEYOPS_USER and KEYOPS_PASSWORD in the environment)
//
// Starts an OCI synchronization with the job kind given as a value, reads it back, waits for it.
// Exit 0 when the job completed, 1 otherwise, 2 for bad usage.

//[any_client
#include <keyops/any_client.hpp>

#include <cstdlib>
#include <iostream>

#ifndef KEYOPS_SEPARATE_COMPILATION
#error "link keyops::compiled (CMake) or keyops_compiled_dep (Meson): it defines the macro"
#endif

int main(int argc, char** argv) {
    const char* user = std::getenv("KEYOPS_USER");
    const char* password = std::getenv("KEYOPS_PASSWORD");
    if (argc != 3 || !user || !password) {
        std::cerr
            << "usage: KEYOPS_USER=.. KEYOPS_PASSWORD=.. 09_any_client_separate URL CA_FILE\n";
        return 2;
    }
    // Everything the client needs, chosen at run time: server, trust, credentials, options.
    keyops::any_client_config cfg;
    if (auto ec = keyops::parse_server_url(argv[1], cfg.transport)) {
        std::cerr << argv[1] << ": " << ec.message() << '\n';
        return 2;
    }
    cfg.transport.tls.ca_file = argv[2];
    keyops::ciphertrust_credentials login;
    login.username = user;
    login.password = password;
    cfg.credentials = login;

    keyops::error_code ec;
    keyops::diagnostics diag;
    keyops::any_client cm(std::move(cfg), ec, diag); // sync use: an io_context of its own
    if (ec) {
        std::cerr << "settings: " << diag.describe(ec) << '\n';
        return 1;
    }

    // The kind is a value: code that serves every kind is compiled once.
    const keyops::cckm::job_kind kind = keyops::cckm::job_kind::oci;
    auto started = cm.start_job(kind, R"({"vaults":["vault-1"]})", ec, diag);
    if (ec) {
        std::cerr << "start: " << diag.describe(ec) << '\n';
        return 1;
    }
    const std::string id(started->id);
    auto job = cm.get_job(kind, id, ec, diag);
    if (ec) {
        std::cerr << "get: " << diag.describe(ec) << '\n';
        return 1;
    }
    std::cout << "job " << job->id << ": " << job->overall_status.raw << '\n';

    keyops::wait_options w;
    w.polling.deadline = std::chrono::minutes(2);
    auto done = cm.wait_for_jobs(kind, {id}, w);
    std::cout << "ended " << keyops::to_string(done.at(0).outcome) << " after " << done.at(0).polls
              << " polls; " << cm.counters().requests << " requests\n";
    if (done.at(0).outcome == keyops::wait_outcome::error)
        std::cerr << done.at(0).diag.describe(done.at(0).ec) << '\n';
    return done.at(0).outcome == keyops::wait_outcome::completed ? 0 : 1;
}
//]
