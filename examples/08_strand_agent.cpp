// Tutorial, step 8: an agent on a strand. One io_context is run by two threads; the agent's
// client is made on a strand of it, so that everything the client does, and every completion
// handler of its calls and waits, runs on that strand, one at a time. The agent starts four OCI
// synchronizations (one of a vault named `fail-...`, which keyops-sim fails) and waits for all
// four at once, then closes the session.
//
//   08_strand_agent URL CA_FILE        (KEYOPS_USER and KEYOPS_PASSWORD in the environment)
//
// Exit 0 when every job ended as expected, every handler ran on the strand and the session was
// closed; 1 otherwise.

#include <keyops/keyops.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace cckm = keyops::cckm;
using cm_client = keyops::client<keyops::beast_transport, keyops::ciphertrust_auth>;

int main(int argc, char** argv) {
    const char* user = std::getenv("KEYOPS_USER");
    const char* password = std::getenv("KEYOPS_PASSWORD");
    if (argc != 3 || !user || !password) {
        std::cerr << "usage: KEYOPS_USER=.. KEYOPS_PASSWORD=.. 08_strand_agent URL CA_FILE\n";
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

    //[strand_agent
    boost::asio::io_context io; // shared: run by two threads below
    auto strand = boost::asio::make_strand(io);

    // The agent's state. Everything below is touched on the strand only.
    const std::vector<std::string> vaults = {"vault-s1", "vault-s2", "vault-s3", "fail-vault-s4"};
    std::optional<cm_client> cm; // made on the strand
    std::vector<keyops::diagnostics> diags(vaults.size());
    std::map<std::string, keyops::wait_outcome> ended; // vault -> how its job ended
    keyops::diagnostics close_diag;
    bool closed = false, off_strand = false;

    // Called on the strand when a job's wait ended (or its start failed).
    auto job_ended = [&](const std::string& vault, keyops::wait_outcome outcome) {
        off_strand |= !strand.running_in_this_thread();
        ended[vault] = outcome;
        std::cout << vault << ": " << keyops::to_string(outcome) << '\n';
        if (ended.size() == vaults.size()) // the last one: end the session
            cm->async_close(close_diag, [&](keyops::error_code ec) {
                off_strand |= !strand.running_in_this_thread();
                closed = !ec;
            });
    };

    boost::asio::post(strand, [&] {
        // The client's executor is the strand: its handlers run there without being bound.
        cm.emplace(keyops::beast_transport(strand, t), keyops::ciphertrust_auth(who));
        for (std::size_t i = 0; i < vaults.size(); ++i) {
            cckm::oci_sync_body body;
            body.vaults = {vaults[i]};
            // Four calls at once: the client serves them from its connection pool (and fetches
            // one token for all of them).
            cm->async_call<cckm::start_job<cckm::oci>>(
                body, diags[i], [&, i](keyops::error_code ec, auto job) {
                    off_strand |= !strand.running_in_this_thread();
                    if (ec) {
                        std::cerr << vaults[i] << ": " << diags[i].describe(ec) << '\n';
                        return job_ended(vaults[i], keyops::wait_outcome::error);
                    }
                    keyops::wait_options w;
                    w.polling.deadline = std::chrono::minutes(10);
                    keyops::async_wait_for_job<cckm::oci>(
                        *cm, std::string(job->id), w,
                        [&, i](keyops::error_code, keyops::job_wait_result r) {
                            job_ended(vaults[i], r.outcome);
                        });
                });
        }
    });

    std::thread second([&io] { io.run(); });
    io.run(); // both threads return when every operation has ended
    second.join();
    //]

    int code = closed && !off_strand ? 0 : 1;
    for (const auto& vault : vaults) {
        const auto want = vault.rfind("fail-", 0) == 0 ? keyops::wait_outcome::failed
                                                       : keyops::wait_outcome::completed;
        if (ended.count(vault) == 0 || ended[vault] != want)
            code = 1;
    }
    std::cout << (closed ? "session closed" : "session not closed") << "; handlers "
              << (off_strand ? "ran off the strand" : "all ran on the strand") << '\n';
    return code;
}
