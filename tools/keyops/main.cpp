// keyops: start, watch, cancel and wait for CipherTrust Manager CCKM jobs and Network Insight
// proxy key rotations from a terminal or a script. `keyops --help` prints the usage.
//
// args.cpp parses the command line, jobs.cpp and proxy_key.cpp are the commands, output.cpp
// prints, commands.cpp holds what the commands share.

#include "args.hpp"
#include "check.hpp"
#include "commands.hpp"
#include "completion.hpp"

#include <keyops/error.hpp>
#include <keyops/version.hpp>

#include <boost/version.hpp>
#include <openssl/crypto.h>
#include <zlib.h>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

using namespace keyops_cli;

namespace {

int run(const global_options& g, const std::vector<std::string>& rest) {
    if (rest.empty())
        throw usage_error("no command given");
    if (rest[0] == "jobs")
        return run_jobs(g, rest);
    if (rest[0] == "proxy-key")
        return run_proxy_key(g, rest);
    if (rest[0] == "schedule")
        return run_schedule(g, rest);
    if (rest[0] == "check")
        return run_check(g, rest);
    if (rest[0] == "metrics")
        return run_metrics(g, rest);
    if (rest[0] == "help")
        throw usage_error("");
    if (rest[0] == "completion") {
        if (rest.size() != 2)
            throw usage_error("completion takes one shell: bash, zsh or fish");
        std::cout << completion_script(rest[1]);
        return exit_ok;
    }
    if (rest[0] == "man") {
        if (rest.size() != 1)
            throw usage_error("man takes no arguments");
        std::cout << man_page();
        return exit_ok;
    }
    throw usage_error("unknown command '" + rest[0] +
                      "'; one of jobs, proxy-key, schedule, completion, "
                      "man");
}

} // namespace

int main(int argc, char** argv) {
    try {
        std::vector<std::string> rest;
        const auto g = parse_global(argc, argv, rest);
        if (g.version) {
            // What the tool was built with, and the OpenSSL and zlib it runs with.
            std::cout << "keyops " KEYOPS_VERSION_STRING "\nBoost " << BOOST_VERSION / 100000 << '.'
                      << BOOST_VERSION / 100 % 1000 << '.' << BOOST_VERSION % 100 << "\n"
                      << OpenSSL_version(OPENSSL_VERSION) << "\nzlib " << zlibVersion() << '\n';
            return exit_ok;
        }
        return run(g, rest);
    } catch (const usage_error& e) {
        if (*e.what() == '\0') { // --help
            std::cout << usage_text();
            return exit_ok;
        }
        // The one wrong thing, and where the whole usage is.
        std::cerr << "keyops: " << e.what() << "\nsee keyops --help for the usage\n";
        return exit_usage;
    } catch (const keyops::exception& e) {
        std::cerr << "keyops: " << e.what() << '\n';
        return exit_code_for(e.code());
    } catch (const std::exception& e) {
        std::cerr << "keyops: " << e.what() << '\n';
        return exit_network;
    }
}
