// Tutorial, step 4: async calls in a coroutine (C++20). Step 3's agent written with
// boost::asio::co_spawn and use_awaitable: the same async operations, awaited in order.
//
//   04_async_coroutines URL CA_FILE        (KEYOPS_USER and KEYOPS_PASSWORD in the environment)
//
// Exit 0 when the job completed and the session was closed, 1 otherwise.

#include <keyops/keyops.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

namespace asio = boost::asio;
namespace cckm = keyops::cckm;
using cm_client = keyops::client<keyops::beast_transport, keyops::ciphertrust_auth>;

//[async_coroutines
// The agent: start a job, wait for it, close the session. True when the job completed and the
// session was closed.
asio::awaitable<bool> sync_one_vault(cm_client& cm) {
    keyops::diagnostics diag; // lives in the coroutine frame, across each co_await
    cckm::oci_sync_body body;
    body.vaults = {"vault-4"};
    // use_awaitable: a failed call throws boost::system::system_error.
    keyops::parsed<cckm::job> job;
    try {
        job = co_await cm.async_call<cckm::start_job<cckm::oci>>(body, diag, asio::use_awaitable);
    } catch (const boost::system::system_error& e) {
        std::cerr << "start: " << diag.describe(e.code()) << '\n';
        co_return false;
    }
    std::cout << "started " << job->id << '\n';

    keyops::wait_options w;
    w.polling.deadline = std::chrono::minutes(10);
    w.on_job_progress = [](const cckm::job& j, auto) {
        std::cout << "  " << j.overall_status.raw << '\n';
    };
    // as_tuple(use_awaitable): the error comes back beside the result instead of being thrown,
    // so a wait that ends at its deadline can be told from one that failed.
    auto [ec, r] = co_await keyops::async_wait_for_job<cckm::oci>(
        cm, std::string(job->id), std::move(w), asio::as_tuple(asio::use_awaitable));
    std::cout << "ended " << keyops::to_string(r.outcome) << " after " << r.polls << " polls\n";
    if (ec)
        std::cerr << "wait: " << r.diag.describe(ec) << '\n';

    auto [close_ec] = co_await cm.async_close(diag, asio::as_tuple(asio::use_awaitable));
    std::cout << (close_ec ? "session not closed" : "session closed") << '\n';
    co_return r.outcome == keyops::wait_outcome::completed && !close_ec;
}
//]

int main(int argc, char** argv) {
    const char* user = std::getenv("KEYOPS_USER");
    const char* password = std::getenv("KEYOPS_PASSWORD");
    if (argc != 3 || !user || !password) {
        std::cerr << "usage: KEYOPS_USER=.. KEYOPS_PASSWORD=.. 04_async_coroutines URL CA_FILE\n";
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

    //[co_spawn
    asio::io_context io;
    cm_client cm(keyops::beast_transport(io.get_executor(), t), keyops::ciphertrust_auth(who));
    bool ok = false;
    // The handler gets what the coroutine returned, or the exception that escaped it.
    asio::co_spawn(io, sync_one_vault(cm),
                   [&](std::exception_ptr e, bool completed) { ok = !e && completed; });
    io.run();
    //]
    return ok ? 0 : 1;
}
