// scripts/bench build: the keyops side with separate compilation. The same GET as keyops_get.cpp,
// through keyops::any_client, compiled with KEYOPS_SEPARATE_COMPILATION: this translation unit
// includes no Beast and no OpenSSL header, and the client's definitions are linked from
// keyops' compiled part (src/compiled.cpp, compiled once and not counted in this unit's compile).
//
//     keyops_get_compiled HOST PORT CA_FILE TOKEN JOB_ID

#include <keyops/any_client.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
    if (argc != 6) {
        std::fprintf(stderr, "usage: keyops_get_compiled HOST PORT CA_FILE TOKEN JOB_ID\n");
        return 2;
    }
    keyops::any_client_config cfg;
    cfg.transport.host = argv[1];
    cfg.transport.port = static_cast<unsigned short>(std::atoi(argv[2]));
    cfg.transport.tls.ca_file = argv[3];
    cfg.credentials = keyops::token_credentials{keyops::token_credentials::scheme::bearer, argv[4]};

    keyops::error_code ec;
    keyops::diagnostics diag;
    keyops::any_client c(std::move(cfg), ec, diag);
    auto job = c.get_job(keyops::cckm::job_kind::oci, argv[5], ec, diag);
    if (ec) {
        std::fprintf(stderr, "keyops_get_compiled: %s\n", diag.describe(ec).c_str());
        return 1;
    }
    std::printf("%.*s %.*s\n", static_cast<int>(job->id.size()), job->id.data(),
                static_cast<int>(job->overall_status.raw.size()), job->overall_status.raw.data());
    return 0;
}
