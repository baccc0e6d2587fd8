// scripts/bench build: the keyops side. One synchronous HTTPS GET of one CCKM job through
// keyops::client<beast_transport, static_token>, the job's id and state printed. It is compiled,
// linked statically and measured by `scripts/bench build`, against beast_get.cpp, which makes the
// same GET with Beast directly; it can also be run:
//
//     keyops_get HOST PORT CA_FILE TOKEN JOB_ID    # GET /api/v1/cckm/oci/synchronization-jobs/ID

#include <keyops/auth/static_token.hpp>
#include <keyops/client/client.hpp>
#include <keyops/endpoint/cckm.hpp>
#include <keyops/transport/beast_transport.hpp>

#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
    if (argc != 6) {
        std::fprintf(stderr, "usage: keyops_get HOST PORT CA_FILE TOKEN JOB_ID\n");
        return 2;
    }
    boost::asio::io_context io;
    keyops::transport_options t;
    t.host = argv[1];
    t.port = static_cast<unsigned short>(std::atoi(argv[2]));
    t.tls.ca_file = argv[3];
    keyops::client<keyops::beast_transport, keyops::static_token> c(
        keyops::beast_transport(io.get_executor(), t),
        keyops::static_token(keyops::static_token::scheme::bearer, argv[4]));

    keyops::error_code ec;
    keyops::diagnostics diag;
    auto job = c.call<keyops::cckm::get_job<keyops::cckm::oci>>(keyops::job_id(argv[5]), ec, diag);
    if (ec) {
        std::fprintf(stderr, "keyops_get: %s\n", diag.describe(ec).c_str());
        return 1;
    }
    std::printf("%.*s %.*s\n", static_cast<int>(job->id.size()), job->id.data(),
                static_cast<int>(job->overall_status.raw.size()), job->overall_status.raw.data());
    return 0;
}
