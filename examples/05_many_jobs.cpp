// Tutorial, step 5: many jobs. Starts five jobs of two kinds (three OCI vault synchronizations
// and two DSM domain refreshes, one of them on a domain named `fail-...`, which keyops-sim
// fails) and waits for each kind's jobs with wait_for_jobs: one list request per round for all
// the jobs of a kind, not one request per job.
//
//   05_many_jobs URL CA_FILE        (KEYOPS_USER and KEYOPS_PASSWORD in the environment)
//
// Exit 0 when every job ended as expected (the fail- one failed, the others completed), 1
// otherwise.

#include <keyops/keyops.hpp>

#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace cckm = keyops::cckm;

int main(int argc, char** argv) {
    const char* user = std::getenv("KEYOPS_USER");
    const char* password = std::getenv("KEYOPS_PASSWORD");
    if (argc != 3 || !user || !password) {
        std::cerr << "usage: KEYOPS_USER=.. KEYOPS_PASSWORD=.. 05_many_jobs URL CA_FILE\n";
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

    //[many_jobs
    // What each job should end as: id -> expected outcome.
    std::map<std::string, keyops::wait_outcome> expected;
    std::vector<std::string> oci_ids, dsm_ids;
    try {
        for (const char* vault : {"vault-a", "vault-b", "vault-c"}) {
            cckm::oci_sync_body body;
            body.vaults = {vault};
            auto job = cm.call<cckm::start_job<cckm::oci>>(body);
            oci_ids.emplace_back(job->id);
            expected[oci_ids.back()] = keyops::wait_outcome::completed;
        }
        for (const char* domain : {"domain-a", "fail-domain-b"}) {
            cckm::domains_refresh_body body;
            body.domains = {domain};
            auto job = cm.call<cckm::start_job<cckm::dsm>>(body);
            dsm_ids.emplace_back(job->id);
            expected[dsm_ids.back()] = std::string(domain).rfind("fail-", 0) == 0
                                           ? keyops::wait_outcome::failed
                                           : keyops::wait_outcome::completed;
        }
    } catch (const keyops::exception& e) {
        std::cerr << e.what() << '\n';
        return 1;
    }
    // One wait per kind; each result says how its job ended, in the order of the ids. The
    // client counts its requests (token requests included, so those are taken out here).
    keyops::wait_options w;
    w.polling.deadline = std::chrono::minutes(10);
    auto requests = [&] {
        return cm.counters().requests - cm.counters().renewals;
    };
    auto start = requests();
    auto results = keyops::wait_for_jobs<cckm::oci>(cm, oci_ids, w);
    std::cout << "3 OCI jobs, list requests: " << requests() - start << '\n';
    start = requests();
    auto dsm_results = keyops::wait_for_jobs<cckm::dsm>(cm, dsm_ids, w);
    std::cout << "2 DSM jobs, list requests: " << requests() - start << '\n';
    results.insert(results.end(), dsm_results.begin(), dsm_results.end());

    int code = 0;
    for (const auto& r : results) {
        std::cout << r.id;
        if (r.job)
            for (auto resource : r.job->resources())
                std::cout << "  " << resource;
        std::cout << "  " << keyops::to_string(r.outcome) << '\n';
        if (r.outcome == keyops::wait_outcome::failed) // why, resource by resource
            for (auto [resource, text] : r.job->detailed_status)
                std::cout << "    " << resource << ": " << text.as_string() << '\n';
        if (r.outcome == keyops::wait_outcome::error)
            std::cerr << "    " << r.diag.describe(r.ec) << '\n';
        if (r.outcome != expected[r.id])
            code = 1;
    }
    //]
    keyops::error_code ec;
    keyops::diagnostics diag;
    cm.close(ec, diag);
    return code;
}
