// Tutorial, step 2: the first wait. Starts an OCI synchronization job and waits until it ends,
// printing its progress: the program README.md shows.
//
//   02_first_wait URL CA_FILE        (KEYOPS_USER and KEYOPS_PASSWORD in the environment)
//
// Exit 0 when the job completed, 1 otherwise.

//[first_wait
#include <keyops/keyops.hpp>

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
    const char* user = std::getenv("KEYOPS_USER");
    const char* password = std::getenv("KEYOPS_PASSWORD");
    if (argc != 3 || !user || !password) {
        std::cerr << "usage: KEYOPS_USER=.. KEYOPS_PASSWORD=.. 02_first_wait URL CA_FILE\n";
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
    boost::asio::io_context io;
    keyops::client<keyops::beast_transport, keyops::ciphertrust_auth> cm(
        keyops::beast_transport(io.get_executor(), t), keyops::ciphertrust_auth(who));

    try {
        // Start a synchronization of one OCI vault (this overload throws keyops::exception).
        keyops::cckm::oci_sync_body body;
        body.vaults = {"vault-1"};
        auto job = cm.call<keyops::cckm::start_job<keyops::cckm::oci>>(body);
        std::cout << "started " << job->id << '\n';

        // Wait for it: polls 1 s apart, growing to 15 s, for at most 10 minutes.
        keyops::wait_options w;
        w.polling.deadline = std::chrono::minutes(10);
        w.on_job_progress = [](const keyops::cckm::job& j, auto) {
            std::cout << "  " << j.overall_status.raw << '\n';
        };
        auto r = keyops::wait_for_job<keyops::cckm::oci>(cm, std::string(job->id), w);
        std::cout << "ended " << keyops::to_string(r.outcome) << " after " << r.polls << " polls\n";
        if (r.outcome == keyops::wait_outcome::error)
            std::cerr << r.diag.describe(r.ec) << '\n';
        return r.outcome == keyops::wait_outcome::completed ? 0 : 1;
    } catch (const keyops::exception& e) {
        std::cerr << e.what() << '\n'; // the error and the server's words; never a password
        return 1;
    }
}
//]
