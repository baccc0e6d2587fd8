#ifndef KEYOPS_TOOLS_ARGS_HPP
#define KEYOPS_TOOLS_ARGS_HPP

// The keyops command line: the usage text, the global options, a command's arguments and the
// parsers of their values.

#include <keyops/endpoint/cckm.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace keyops_cli {

/// A command-line mistake: printed with the usage, exit 2. An empty message is --help: the usage
/// alone, exit 0.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// `keyops --help`. Its KIND lines list the library's kinds (cckm::kind_names).
std::string usage_text();

struct global_options {
    std::string url;
    std::string profile; ///< the config file's profile in use, if any
    bool insecure = false;
    std::string cacert;
    std::chrono::milliseconds timeout{30000};
    bool json = false;
    bool verbose = false;
    bool no_progress = false;
    bool version = false; ///< --version: print the versions and exit
    // CipherTrust Manager
    std::string user;
    std::string password;
    std::string domain;
    std::string auth_domain;
    std::string token;
    // Network Insight
    std::string ni_url;    ///< empty: url
    std::string ni_cacert; ///< empty: cacert
    std::string ni_user;
    std::string ni_password;
    std::string ni_domain_type = "LOCAL";
    std::string ni_domain;
    std::string ni_token;
    // Network Insight SaaS (a CSP API token) and vIDM
    std::string ni_csp_token;
    std::string ni_csp_url; ///< empty: https://console.cloud.vmware.com
    std::string ni_vidm_token;
    std::string ni_base; ///< the path of --ni-url, if any (network_insight_view)
};

/// Parses the global options wherever they are on the line (up to `--`); `rest` gets the
/// command and its arguments, in order.
/// Reads KEYOPS_URL, KEYOPS_NI_URL, KEYOPS_PASSWORD, KEYOPS_TOKEN, KEYOPS_NI_PASSWORD,
/// KEYOPS_NI_TOKEN, KEYOPS_PROFILE and the config file (config.hpp).
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

/// The elements of `v` from index `from` on.
std::vector<std::string> tail(const std::vector<std::string>& v, std::size_t from);
/// Throws a usage_error unless `a` has exactly `n` positionals; `what` names the one missing.
void expect_positionals(const command_args& a, std::size_t n, const char* what);

double parse_seconds(const std::string& flag, const std::string& text);
std::chrono::milliseconds parse_duration(const std::string& flag, const std::string& text);
std::uint64_t parse_count(const std::string& flag, const std::string& text, bool allow_zero);
keyops::cckm::job_kind parse_kind(const std::string& text);
std::string read_secret_file(const std::string& flag, const std::string& path);
/// Asks for a password on the terminal, without echo; empty when stdin is not a terminal.
std::string read_password_from_terminal(const std::string& prompt);
std::string read_text_file(const std::string& flag, const std::string& path);

} // namespace keyops_cli

#endif
