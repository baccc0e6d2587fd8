// Guide "The CipherTrust scheduler": a job config is created, run at once, its run waited for,
// and the config deleted.
//
//   12_scheduler URL CA_FILE        (KEYOPS_USER and KEYOPS_PASSWORD in the environment)
//
// Exit 0 when the run completed and the config is gone, 1 otherwise, 2 for bad usage.

#include <keyops/keyops.hpp>
#include <keyops/wait/run_wait.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

namespace scheduler = keyops::scheduler;
using cm_client = keyops::client<keyops::beast_transport, keyops::ciphertrust_auth>;

// The id of the newest run of a config: for a server that starts a run but answers run-now with
// no body.
std::string newest_run(cm_client& cm, std::string_view config) {
    scheduler::run_list_query q;
    q.job_config_id = std::string(config);
    q.limit = 1;
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto runs = cm.call<scheduler::list_runs>(q, ec, diag);
    if (ec || runs->resources.empty())
        return {};
    return std::string(runs->resources.front().id);
}

int main(int argc, char** argv) {
    const char* user = std::getenv("KEYOPS_USER");
    const char* password = std::getenv("KEYOPS_PASSWORD");
    if (argc != 3 || !user || !password) {
        std::cerr << "usage: KEYOPS_USER=.. KEYOPS_PASSWORD=.. 12_scheduler URL CA_FILE\n";
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
    cm_client cm(keyops::beast_transport(io.get_executor(), t), keyops::ciphertrust_auth(who));

    try {
        //[create
        // A nightly synchronization of two AWS key stores, at 02:00.
        scheduler::cckm_sync_schedule s;
        s.name = "keyops-guide-nightly-aws";
        s.run_at = "0 2 * * *";
        s.cloud_name = "aws";
        s.kms = {"kms-a", "kms-b"};
        auto cfg = cm.call<scheduler::create_config>(s); // POST, never retried
        const std::string config(cfg->id);
        std::cout << "config " << config << ": " << cfg->operation << " at '" << cfg->run_at
                  << "'\n";
        //]

        //[run_and_wait
        // Run it now, and wait for that run.
        keyops::error_code ec;
        keyops::diagnostics diag;
        std::string run_id;
        auto run = cm.call<scheduler::run_now>(scheduler::config_id(config), ec, diag);
        if (scheduler::started_without_run(ec, diag))
            run_id = newest_run(cm, config); // 2xx without a body: the run started
        else if (!ec)
            run_id = std::string(run->id);
        else
            throw keyops::exception(ec, diag);

        keyops::wait_options w;
        w.polling.deadline = std::chrono::minutes(2);
        w.on_run_progress = [](const scheduler::run& r, auto) {
            std::cout << "  " << r.status.raw << ": " << r.detail << '\n';
        };
        auto done = keyops::wait_for_run(cm, run_id, w);
        std::cout << "run " << done.id << " ended " << keyops::to_string(done.outcome) << '\n';
        if (done.outcome == keyops::wait_outcome::failed)
            std::cerr << "  " << done.run->error << '\n';
        else if (done.outcome == keyops::wait_outcome::error)
            std::cerr << "  " << done.diag.describe(done.ec) << '\n';
        //]

        //[delete
        // Delete the config (its runs stay); reading it again is then not_found.
        cm.call<scheduler::delete_config>(scheduler::config_id(config));
        cm.call<scheduler::get_config>(scheduler::config_id(config), ec, diag);
        const bool gone = ec == keyops::error::not_found;
        std::cout << "config " << config << (gone ? " deleted\n" : " still there\n");
        //]

        cm.close(ec, diag);
        return done.outcome == keyops::wait_outcome::completed && gone ? 0 : 1;
    } catch (const keyops::exception& e) {
        std::cerr << e.what() << '\n';
        return 1;
    }
}
