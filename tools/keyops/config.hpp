#ifndef KEYOPS_TOOLS_CONFIG_HPP
#define KEYOPS_TOOLS_CONFIG_HPP

// The keyops config file: named profiles of defaults for the global options, and how a flag,
// the environment and the profile combine (a flag wins over the environment, which wins over
// the profile).
//
// The file is INI-like:
//
//     # a comment (a line starting with # or ;)
//     [profile prod]
//     url = https://cm1.example.com
//     ni_url = https://ni.example.com
//     user = admin
//     password_file = /etc/keyops/cm.pass
//
// A key is the name of a global option without its leading "--" and with "_" for "-", or
// password, ni_password (which have no option). Values run to the end of the line, surrounding
// blanks removed; nothing is unquoted and no comment may follow a value.

#include "args.hpp"

#include <map>
#include <string>
#include <vector>

namespace keyops_cli {

struct config_entry {
    std::string value;
    int line = 0;
};

struct config_profile {
    int line = 0; ///< of its [profile NAME] header
    std::map<std::string, config_entry> entries;
};

struct config_file {
    std::string path;
    std::map<std::string, config_profile> profiles;
    /// "password (line 4)": the secrets written in the file itself, for the mode check.
    std::vector<std::string> inline_secrets;
};

/// The keys a profile may hold.
const std::vector<std::string>& config_keys();

/// Parses a config file's text. Throws a usage_error naming `path`, the line and what is wrong
/// (never a value: it might be a secret).
config_file parse_config(const std::string& path, const std::string& text);

/// Throws a usage_error unless a file that holds secrets is private: owned by `me`, with no
/// group or other permission bits in `mode`.
void require_private(const config_file& c, unsigned mode, unsigned owner, unsigned me);

/// Where the config file is: KEYOPS_CONFIG, else $XDG_CONFIG_HOME/keyops/config (an absolute
/// XDG_CONFIG_HOME only), else $HOME/.config/keyops/config; empty when none can be named.
/// `explicit_path` tells whether KEYOPS_CONFIG named it (then it must exist).
std::string config_path(bool& explicit_path);

/// What parse_global saw on the command line, for resolve_sources.
struct command_line_sources {
    std::vector<std::string> given; ///< the global options given, e.g. "--url"
    std::string password_file, ni_password_file, token_file, ni_token_file;
    std::string ni_csp_token_file, ni_vidm_token_file;
    bool has(const char* flag) const;
};

/// Fills in the global options the command line left out: from the environment, then from the
/// profile (--profile, else KEYOPS_PROFILE, else `default` if the file has one), then reads the
/// password and token files. A token from the command line or the environment puts the
/// profile's user and password for that server aside; the profile's password goes only with the
/// profile's user. Throws a usage_error for a bad file or profile.
void resolve_sources(global_options& g, const command_line_sources& s);

/// The options for talking to Network Insight: --ni-url and --ni-cacert in place of --url and
/// --cacert, where given.
global_options network_insight_view(const global_options& g);

} // namespace keyops_cli

#endif
