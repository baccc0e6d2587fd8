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

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#ifdef _WIN32
#include <windows.h> // after Asio's headers (commands.hpp), which include Winsock 2 first
#endif

using namespace keyops_cli;

namespace {

#ifdef _WIN32

// Ctrl-C and Ctrl-Break end the tool with 130, as SIGINT does elsewhere; a wait installs its own
// handler (install_stop_handlers), which Windows calls first, to end cleanly with 130.
BOOL WINAPI end_at_once(DWORD event) {
    if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT)
        return FALSE;
    ::ExitProcess(exit_interrupted);
}

// The progress line redraws itself with escape sequences, which a Windows console shows as they
// are unless asked to interpret them; where it cannot be asked, the line is redrawn without them
// (as with NO_COLOR).
void prepare_console() {
    ::SetConsoleCtrlHandler(end_at_once, TRUE);
    bool escapes = true;
    for (const DWORD which : {STD_OUTPUT_HANDLE, STD_ERROR_HANDLE}) {
        const HANDLE h = ::GetStdHandle(which);
        DWORD mode = 0;
        if (h != INVALID_HANDLE_VALUE && ::GetConsoleMode(h, &mode) &&
            !::SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING))
            escapes = false;
    }
    if (!escapes)
        ::_putenv_s("NO_COLOR", "1");
}

#else

void prepare_console() {}

#endif

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
    prepare_console();
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
