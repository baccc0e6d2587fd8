// Tutorial, step 1: the first call. Logs in to CipherTrust Manager and lists the OCI
// synchronization jobs, newest first.
//
//   01_first_call URL CA_FILE        (KEYOPS_USER and KEYOPS_PASSWORD in the environment)
//
// Exit 0 when the list was read, 1 when the server could not be asked or refused.

//[first_call
#include <keyops/keyops.hpp>

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: 01_first_call URL CA_FILE\n";
        return 2;
    }
    const char* user = std::getenv("KEYOPS_USER");
    const char* password = std::getenv("KEYOPS_PASSWORD");
    if (!user || !password) {
        std::cerr << "01_first_call: set KEYOPS_USER and KEYOPS_PASSWORD\n";
        return 2;
    }

    // Where the server is, and whom to trust: its CA file on top of the system store.
    keyops::transport_options t;
    if (auto ec = keyops::parse_server_url(argv[1], t)) {
        std::cerr << "01_first_call: " << argv[1] << ": " << ec.message() << '\n';
        return 2;
    }
    t.tls.ca_file = argv[2];

    // Who we are: a CipherTrust Manager user. The client logs in on its first call.
    keyops::ciphertrust_credentials who;
    who.username = user;
    who.password = password;

    boost::asio::io_context io;
    keyops::client<keyops::beast_transport, keyops::ciphertrust_auth> cm(
        keyops::beast_transport(io.get_executor(), t), keyops::ciphertrust_auth(who));

    // One call: the first page of OCI synchronization jobs.
    keyops::cckm::list_query<keyops::cckm::oci> q;
    q.limit = 10;
    q.sort = "-createdAt";
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto page = cm.call<keyops::cckm::list_jobs<keyops::cckm::oci>>(q, ec, diag);
    if (ec) {
        std::cerr << "01_first_call: " << diag.describe(ec) << '\n'; // never a password
        return 1;
    }
    std::cout << page->total.value_or(0) << " OCI synchronization jobs\n";
    for (const auto& job : page->resources)
        std::cout << job.id << "  " << job.overall_status.raw << "  " << job.created_at.raw << '\n';
    cm.close(ec, diag); // ends the session: the refresh token is revoked
    return 0;
}
//]
