#ifndef KEYOPS_TOOLS_CLI_HPP
#define KEYOPS_TOOLS_CLI_HPP

// The keyops command line: options, exit codes and output helpers shared by the commands.

#include <keyops/diagnostics.hpp>
#include <keyops/endpoint/cckm.hpp>
#include <keyops/error.hpp>
#include <keyops/wait/wait.hpp>

#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
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
    exit_interrupted = 130 ///< stopped by SIGINT or SIGTERM
};

/// Of two exit codes, the one describing the worse outcome (for waits on several jobs).
int worse(int a, int b);

/// A command-line mistake: printed with the usage, exit 2.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct global_options {
    std::string url;
    bool insecure = false;
    std::string cacert;
    std::chrono::milliseconds timeout{30000};
    bool json = false;
    bool verbose = false;
    // CipherTrust Manager
    std::string user;
    std::string password;
    std::string domain;
    std::string token;
    // Network Insight
    std::string ni_user;
    std::string ni_password;
    std::string ni_domain_type = "LOCAL";
    std::string ni_domain;
    std::string ni_token;
};

/// Parses global options, stops at the command; `rest` gets the command and its arguments.
/// Reads KEYOPS_URL, KEYOPS_PASSWORD, KEYOPS_TOKEN, KEYOPS_NI_PASSWORD, KEYOPS_NI_TOKEN.
global_options parse_global(int argc, char** argv, std::vector<std::string>& rest);

/// Command arguments: positionals and `--name value` / `--name=value` / `--switch`.
class command_args {
public:
    command_args(std::vector<std::string> args, std::vector<std::string> valued,
                 std::vector<std::string> switches);
    const std::vector<std::string>& positionals() const noexcept { return positionals_; }
    std::optional<std::string> value(const std::string& name) const;
    std::vector<std::string> values(const std::string& name) const;
    bool has(const std::string& name) const;

private:
    std::vector<std::string> positionals_;
    std::vector<std::pair<std::string, std::string>> named_;
};

double parse_seconds(const std::string& flag, const std::string& text);
std::chrono::milliseconds parse_duration(const std::string& flag, const std::string& text);
std::uint64_t parse_count(const std::string& flag, const std::string& text, bool allow_zero);
keyops::cckm::job_kind parse_kind(const std::string& text);
std::string read_secret_file(const std::string& flag, const std::string& path);
std::string read_text_file(const std::string& flag, const std::string& path);

/// The exit code for a failed call.
int exit_code_for(const keyops::error_code& ec);
/// The exit code for the end of a job's or rotation's wait.
int exit_code_for(keyops::wait_outcome outcome, const keyops::error_code& ec);

/// With -v: how a call went (status, attempts, retries), to stderr. Never a secret: diagnostics
/// hold none.
void verbose_note(const global_options& g, const std::string& what,
                  const keyops::diagnostics& diag);

/// The outcome's name in `wait --json` output.
std::string_view outcome_name(keyops::wait_outcome o);

/// Prints `keyops: <what>: <error and diagnostics>` to stderr.
void report_error(const std::string& what, const keyops::error_code& ec,
                  const keyops::diagnostics& diag);

// --- output --------------------------------------------------------------------------------

/// The body as sent, on one line, for --json.
void print_json_body(std::string_view body);
void print_job_block(const keyops::cckm::job& j);
void print_job_table(const std::vector<const keyops::cckm::job*>& jobs);
void print_rotation_block(const keyops::ni::rotation_status& s);
void print_details_block(const keyops::ni::key_details& d);

/// Resources done of total, as far as the job says.
std::pair<std::size_t, std::size_t> resource_progress(const keyops::cckm::job& j);

/// The JSON object of job `id` inside `body`: the body itself, or an element of its
/// `resources` (a list page). Null when absent or unparsable.
boost::json::value job_object_from(std::string_view body, std::string_view id);

std::string seconds_text(std::chrono::steady_clock::duration d);

} // namespace keyops_cli

#endif
