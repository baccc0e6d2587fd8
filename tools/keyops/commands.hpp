#ifndef KEYOPS_TOOLS_COMMANDS_HPP
#define KEYOPS_TOOLS_COMMANDS_HPP

// What the keyops commands share: the exit codes, the stop flag of waits, the transport and client
// options made from the global options, and a call whose answer is shown as it came or for
// people. The jobs commands are in jobs.cpp, the proxy-key commands in proxy_key.cpp, the
// scheduler's in schedule.cpp.

#include "args.hpp"
#include "output.hpp"

#include <keyops/auth/either_auth.hpp>
#include <keyops/auth/policies.hpp>
#include <keyops/client/client.hpp>
#include <keyops/transport/beast_transport.hpp>
#include <keyops/transport/options.hpp>

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

namespace keyops_cli {

/// The documented exit codes.
enum exit_code : int {
    exit_ok = 0,           ///< done and completed (or SUCCESS)
    exit_job_failed = 1,   ///< job failed (or rotation FAILED)
    exit_usage = 2,        ///< bad command line
    exit_auth = 3,         ///< authentication failed
    exit_not_found = 4,    ///< no such job (or no rotation yet)
    exit_deadline = 5,     ///< deadline passed
    exit_aborted = 6,      ///< completed but aborted
    exit_network = 7,      ///< network, TLS or server error
    exit_conflict = 8,     ///< 409: cancel of a job that ended, rotate while one runs
    exit_interrupted = 130 ///< stopped by SIGINT or SIGTERM
};

/// Of two exit codes, the one describing the worse outcome (for waits on several jobs).
int worse(int a, int b);

/// The exit code for a failed call.
int exit_code_for(const keyops::error_code& ec);
/// The exit code for the end of a job's or rotation's wait.
int exit_code_for(keyops::wait_outcome outcome, const keyops::error_code& ec);

/// Set by SIGINT and SIGTERM once install_stop_handlers() ran: waits watch it.
extern std::atomic<bool> g_stop;
void install_stop_handlers();

/// The transport options of --url, --cacert, --insecure, --timeout and -v.
keyops::transport_options make_transport(const global_options& g);
keyops::client_options make_client_options(const global_options& g);

/// A CipherTrust Manager client with the credentials of the global options (a password grant,
/// or a bearer token); `what` names the commands in the message when there are none.
using cm_auth = keyops::either_auth<keyops::ciphertrust_auth>;
using cm_client = keyops::client<keyops::beast_transport, cm_auth>;
cm_client make_cm(boost::asio::io_context& io, const global_options& g, const char* what);

/// However a command ends, the session's refresh token is revoked before the tool exits (a tool
/// run often leaves none behind), within 5 s so that a dead server does not hold the exit up.
class cm_session_end {
public:
    cm_session_end(cm_client& c, const global_options& g);
    ~cm_session_end();
    cm_session_end(const cm_session_end&) = delete;
    cm_session_end& operator=(const cm_session_end&) = delete;

private:
    cm_client& c_;
    std::chrono::milliseconds limit_;
};

// One call whose answer is one object: printed as the server sent it (--json) or by `show`.
// `what` names the call in -v notes and errors.
template <class E, class Client, class Show, class... Args>
int call_and_show(Client& c, const global_options& g, const std::string& what, Show show,
                  const Args&... args) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto r = c.template call<E>(args..., ec, diag);
    verbose_note(g, what, diag);
    if (ec) {
        report_error(what, ec, diag);
        return exit_code_for(ec);
    }
    if (g.json) {
        print_json_body(r.body());
    } else {
        warn_problems(r.problems());
        show(*r);
    }
    return exit_ok;
}

/// `keyops jobs ...`: `rest` is the command and its arguments.
int run_jobs(const global_options& g, const std::vector<std::string>& rest);
/// `keyops proxy-key ...`.
int run_proxy_key(const global_options& g, const std::vector<std::string>& rest);
/// `keyops schedule ...` (schedule.cpp).
int run_schedule(const global_options& g, const std::vector<std::string>& rest);

} // namespace keyops_cli

#endif
