// Tutorial, step 3: async calls with callbacks. In an agent's event loop: start an OCI
// synchronization job with async_call, wait for it with async_wait_for_job, then close the
// session with async_close; io_context::run() does the work and returns when nothing is left.
//
//   03_async_callbacks URL CA_FILE        (KEYOPS_USER and KEYOPS_PASSWORD in the environment)
//
// Exit 0 when the job completed and the session was closed, 1 otherwise.

#include <keyops/keyops.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

namespace cckm = keyops::cckm;
using cm_client = keyops::client<keyops::beast_transport, keyops::ciphertrust_auth>;

int main(int argc, char** argv) {
    const char* user = std::getenv("KEYOPS_USER");
    const char* password = std::getenv("KEYOPS_PASSWORD");
    if (argc != 3 || !user || !password) {
        std::cerr << "usage: KEYOPS_USER=.. KEYOPS_PASSWORD=.. 03_async_callbacks URL CA_FILE\n";
        return 2;
    }
    keyops::transport_options t;
    if (auto ec = keyops::parse_server_url(argv[1], t)) {
        std::cerr << argv[1] << ": " << ec.message() << '\n';
        return 2;
    }
    t.tls.ca_file = argv[2];
    keyops::ciphertrust_credentials who;
    who.username = user;
    who.password = password;

    //[async_callbacks
    boost::asio::io_context io;
    cm_client cm(keyops::beast_transport(io.get_executor(), t), keyops::ciphertrust_auth(who));

    // The diagnostics of each operation must outlive it: here they live as long as main().
    keyops::diagnostics start_diag, close_diag;
    keyops::wait_outcome outcome = keyops::wait_outcome::error;
    bool closed = false;

    cckm::oci_sync_body body;
    body.vaults = {"vault-3"};
    // 1. Start the job. The callback runs inside io.run(), never inside async_call itself.
    cm.async_call<cckm::start_job<cckm::oci>>(
        body, start_diag, [&](keyops::error_code ec, auto job) {
            if (ec) {
                std::cerr << "start: " << start_diag.describe(ec) << '\n';
                return;
            }
            std::cout << "started " << job->id << '\n';

            // 2. Wait for it; the progress callback runs on the client's executor too.
            keyops::wait_options w;
            w.polling.deadline = std::chrono::minutes(10);
            w.on_job_progress = [](const cckm::job& j, auto) {
                std::cout << "  " << j.overall_status.raw << '\n';
            };
            keyops::async_wait_for_job<cckm::oci>(
                cm, std::string(job->id), std::move(w),
                [&](keyops::error_code ec, keyops::job_wait_result r) {
                    std::cout << "ended " << keyops::to_string(r.outcome) << " after " << r.polls
                              << " polls\n";
                    if (ec)
                        std::cerr << "wait: " << r.diag.describe(ec) << '\n';
                    outcome = r.outcome;

                    // 3. End the session: the refresh token is revoked.
                    cm.async_close(close_diag, [&](keyops::error_code ec) {
                        if (ec)
                            std::cerr << "close: " << close_diag.describe(ec) << '\n';
                        closed = !ec;
                    });
                });
        });

    io.run(); // returns when the start, the wait and the close have all ended
    //]
    std::cout << (closed ? "session closed" : "session not closed") << '\n';
    return outcome == keyops::wait_outcome::completed && closed ? 0 : 1;
}
