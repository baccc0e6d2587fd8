// An agent of your own, cross-built for Windows against an installed keyops (README, "Windows:
// cross-building your agent"; this folder's CMakeLists.txt is such a project). It logs in to
// CipherTrust Manager, starts an OCI synchronization with a sync call, and waits for the job to
// end with an async wait on an io_context the agent runs.
//
//     windows_agent URL USER PASSWORD-FILE [CA-FILE]
//
// The server's certificate is verified: against Windows' trusted roots (the ROOT certificate
// store, tls_options::use_system_store), and against CA-FILE too when given. Exits 0 when the
// job completed, 1 when it did not, 2 for a wrong command line.

#include <keyops/keyops.hpp>
// Boost.JSON and Boost.URL compiled into this program: in exactly one translation unit.
#include <keyops/src.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace cckm = keyops::cckm;

int main(int argc, char** argv) {
    if (argc != 4 && argc != 5) {
        std::fprintf(stderr, "usage: windows_agent URL USER PASSWORD-FILE [CA-FILE]\n");
        return 2;
    }
    std::ifstream password_file(argv[3], std::ios::binary);
    std::ostringstream text;
    text << password_file.rdbuf();
    std::string password = text.str();
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r'))
        password.pop_back();
    if (password.empty()) {
        std::fprintf(stderr, "windows_agent: no password in %s\n", argv[3]);
        return 2;
    }

    boost::asio::io_context io;
    keyops::transport_options t;
    if (keyops::parse_server_url(argv[1], t)) {
        std::fprintf(stderr, "windows_agent: not an https:// URL: %s\n", argv[1]);
        return 2;
    }
    t.tls.use_system_store = true; // Windows' ROOT store (the default, said here)
    if (argc == 5)
        t.tls.ca_file = argv[4];
    keyops::ciphertrust_credentials who;
    who.username = argv[2];
    who.password = password;
    keyops::client<keyops::beast_transport, keyops::ciphertrust_auth> cm(
        keyops::beast_transport(io.get_executor(), t), keyops::ciphertrust_auth(who));

    // A sync call: the login happens inside it, on this thread.
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto job = cm.call<cckm::start_job<cckm::oci>>(
        cckm::raw_json_body{R"({"vaults":["v1"],"synchronize_all":false})"}, ec, diag);
    if (ec) {
        std::fprintf(stderr, "windows_agent: start: %s\n", diag.describe(ec).c_str());
        return 1;
    }
    const std::string id(job->id);
    std::printf("started oci job %s\n", id.c_str());

    // An async wait, completed by io.run() on this thread.
    keyops::wait_options w;
    w.polling.first_interval = std::chrono::milliseconds(500);
    w.polling.deadline = std::chrono::minutes(2);
    w.on_job_progress = [](const cckm::job& j, auto) {
        std::printf("job %s: %s\n", std::string(j.id).c_str(),
                    std::string(keyops::to_string(j.overall_status.state)).c_str());
    };
    int status = 1;
    keyops::async_wait_for_job<cckm::oci>(
        cm, id, w, [&](keyops::error_code wait_ec, keyops::job_wait_result r) {
            if (wait_ec)
                std::fprintf(stderr, "windows_agent: wait: %s\n", r.diag.describe(wait_ec).c_str());
            std::printf("wait ended: %s after %u polls\n",
                        std::string(keyops::to_string(r.outcome)).c_str(), r.polls);
            if (r.outcome == keyops::wait_outcome::completed)
                status = 0;
        });
    io.run();
    cm.close(ec, diag); // the refresh token is revoked
    return status;
}
