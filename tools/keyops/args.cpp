// The keyops command line: the usage text, option parsing and the parsers of values.

#include "args.hpp"
#include "config.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX 1
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#else
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>
#endif

namespace keyops_cli {

namespace cckm = keyops::cckm;

namespace {

const char* const usage_head = R"(usage: keyops [OPTIONS] COMMAND ...

Commands:
  jobs list KIND [--status in_progress|completed|failed] [--id ID]... [--filter NAME=VALUE]...
                 [--sort SPEC] [--limit N] [--skip N] [--all]
  jobs get KIND ID
  jobs start KIND (--body JSON | --body-file FILE | the kind's flags:)
                 aws: --kms K... [--region R]...   azure*: --key-vault V... [--take-cloud-key-backup]
                 google: --key-ring R...   oci: --vault V... (or --oci-vault V...)   sap: --group G...
                 dsm, external-cm: --domain D...   any of these: --all (synchronize_all)
                 google-update-all-versions: --key-id ID --operation enable|disable|...
  jobs cancel KIND ID
  jobs wait KIND ID... [--interval SECONDS] [--deadline SECONDS] [--cancel-on-deadline]
  jobs watch [KIND...] [proxy-key] [--cursor FILE] [--since TIME] [--once]
                 [--interval SECONDS] [--page-size N] [--settle SECONDS]   (every kind with a
                 list when no KIND is given; proxy-key: the Network Insight key's rotations;
                 one JSON event a line: started, progress, completed, aborted, failed,
                 vanished, error)
  proxy-key rotate [--wait] [--deadline SECONDS] [--interval SECONDS]
  proxy-key status
  proxy-key details
  check jobs [KIND...] [--window 24h] [--warning RANGE] [--critical RANGE] [--running-longer D]
  check proxy-key [--warning 30d] [--critical 7d]
  check login [--warning SECONDS] [--critical SECONDS]
                 (a monitoring plugin: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; RANGE in
                 the plugins' syntax: N, N:, ~:N, N:M, @N:M)
  metrics [KIND...] [--textfile PATH]   (Prometheus' text format)
  schedule list [--name N] [--limit N] [--skip N] [--all]
  schedule get ID
  schedule create --name N --run-at CRON [--operation sync|key-rotation|xks-credential-rotation]
                 [--run-on any] [--description D] [--disabled true|false] [--start-date TIME]
                 [--end-date TIME] and the operation's flags:
                 sync (the default): --cloud aws|oci|... (--kms ID... | --oci-vault ID... | --all)
                 key-rotation: --cloud aws|oci [--expiration Xd|Yh] [--expire-in Xd|Yh]
                   [--rotation-after Xd] [--retain-alias true|false] [--rotate-material true|false]
                 xks-credential-rotation: [--cloud aws]
                 [--body JSON | --body-file FILE] (merged over the flags'; alone: sent as given)
  schedule update ID [--name N] [--run-at CRON] [--run-on R] [--description D]
                 [--disabled true|false] [--start-date TIME] [--end-date TIME] [--cloud C]
                 [--kms ID]... [--oci-vault ID]... [--sync-all true|false] [--expiration P]
                 [--expire-in P] [--rotation-after P] [--retain-alias B] [--rotate-material B]
                 [--clear NAME]... [--operation OP] [--body JSON | --body-file FILE]
                 (only what is given changes; --clear sends NAME as null: kms, oci_vaults,
                 description, start_date, end_date, expiration, expire_in, rotation_after)
  schedule delete ID
  schedule run-now ID
  schedule runs [--config ID] [--status in_progress|completed|failed] [--limit N] [--skip N]
  schedule wait RUN_ID [--interval SECONDS] [--deadline SECONDS]
  completion bash|zsh|fish     a shell completion script, e.g. keyops completion bash >> ~/.bashrc
  man                          this text as a man page (roff)

)";

const char* const usage_tail = R"(
Options (anywhere on the line; after -- everything is an argument):
  --url URL               https://HOST[:PORT] of the server (or KEYOPS_URL); a cluster's
                          nodes as URL,URL... or --url repeated, tried in turn; Network
                          Insight's too unless --ni-url
  --profile NAME          defaults from this profile of the config file (or KEYOPS_PROFILE;
                          else the profile named default, if the file has one)
  --cacert FILE           trust this PEM CA file instead of the system store
  --insecure              skip TLS certificate and host name checks (warns)
  --timeout SECONDS       limit for each call, retries included (default 30)
  --json                  print the server's objects as JSON
  --no-progress           no progress line while waiting (NO_COLOR: no escape sequences in it)
  -v, --verbose           log connections, requests and retries to stderr (never secrets)
  --version               print the versions of keyops, Boost, OpenSSL and zlib
  CipherTrust Manager:
  --user U                with --password-file FILE (- for stdin) or KEYOPS_PASSWORD, else
                          asked for on the terminal; optional --domain D (before the
                          command when it is jobs start) and --auth-domain TENANT
                          (CipherTrust as a service)
  --token-file FILE       a bearer token instead (or KEYOPS_TOKEN)
  --token T               the same on the command line, where other users see it (ps)
  Network Insight:
  --ni-url URL            its https://HOST[:PORT] when not --url's (or KEYOPS_NI_URL)
  --ni-cacert FILE        its PEM CA file when not --cacert's
  --ni-user U             with --ni-password-file FILE or KEYOPS_NI_PASSWORD
  --ni-domain-type LOCAL|LDAP, --ni-domain D
  --ni-token-file FILE    a token instead (or KEYOPS_NI_TOKEN)
  --ni-token T            the same on the command line, where other users see it (ps)
  --ni-vidm-token-file FILE  a VMware Identity Manager token, exchanged for a Network Insight
                          token (or KEYOPS_NI_VIDM_TOKEN)
  Network Insight SaaS (--ni-url https://REGION.api.mgmt.cloud.vmware.com):
  --ni-csp-token-file FILE   a CSP API token, exchanged for access tokens (or
                          KEYOPS_NI_CSP_TOKEN); requests go under /ni/api/ni
  --ni-csp-url URL        the CSP token service (or KEYOPS_NI_CSP_URL; default
                          https://console.cloud.vmware.com)
Safe ways to pass a secret: a file readable by you alone, the environment, the terminal
prompt. --token and --ni-token show the token to every user of the machine.

Durations (SECONDS): 30, 30s, 1.5, 500ms, 5m, 1h.

)"
#ifdef _WIN32
                               R"(Config file: KEYOPS_CONFIG, else %APPDATA%\keyops\config.
[profile NAME] sections of `key = value` lines; a key is an option without -- and with _ for -
(url, ni_url, user, password_file, ...), or password, token, ni_password, ni_token, which the
file may hold only when it is yours and private: no account but you, SYSTEM and Administrators
has access (icacls FILE /inheritance:r /grant:r %USERNAME%:F). A flag wins over the
environment, which wins over the profile.
)"
#else
                               R"(Config file: KEYOPS_CONFIG, else $XDG_CONFIG_HOME/keyops/config, else ~/.config/keyops/config.
[profile NAME] sections of `key = value` lines; a key is an option without -- and with _ for -
(url, ni_url, user, password_file, ...), or password, token, ni_password, ni_token, which the
file may hold only when it is yours and private (chmod 600). A flag wins over the environment,
which wins over the profile.
)"
#endif
                               R"(
Exit codes: 0 completed (or SUCCESS), 1 job failed (or FAILED), 2 usage error,
3 authentication failed, 4 not found, 5 a wait's --deadline passed, 6 completed but
aborted, 7 network, TLS or server error (a call past --timeout too), 8 refused as a
conflict (409: cancel of a job that already ended, rotate while a rotation runs),
130 interrupted.
With several ids the worst one wins. A wait rides out a server that does not answer,
answers 5xx or 429, polling again until its --deadline.
)";

// Splits `--name=value`; true when `arg` is `--name` or `--name=...`.
bool flag_matches(const std::string& arg, const std::string& name,
                  std::optional<std::string>& inline_value) {
    if (arg == name) {
        inline_value.reset();
        return true;
    }
    if (arg.size() > name.size() && arg.compare(0, name.size(), name) == 0 &&
        arg[name.size()] == '=') {
        inline_value = arg.substr(name.size() + 1);
        return true;
    }
    return false;
}

} // namespace

// The usage, with the KIND lines made from the library's list of kinds, wrapped at 94
// characters as the longest line of the rest.
std::string usage_text() {
    constexpr std::size_t width = 94;
    std::string kinds, line = "KIND:";
    for (std::size_t i = 0; i < cckm::kind_count; ++i) {
        const std::string word =
            std::string(cckm::kind_names[i]) + (i + 1 < cckm::kind_count ? "," : "");
        if (line.size() + 1 + word.size() > width) {
            kinds += line + '\n';
            line = "     ";
        }
        line += ' ' + word;
    }
    return usage_head + kinds + line + '\n' + usage_tail;
}

#ifdef _WIN32

namespace {

// The console's input mode while a password is typed, put back when Ctrl-C or Ctrl-Break ends
// the tool there (with exit 130, as outside the prompt).
HANDLE prompt_input = INVALID_HANDLE_VALUE;
DWORD prompt_saved_mode = 0;

BOOL WINAPI end_prompt(DWORD event) {
    if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT)
        return FALSE;
    ::SetConsoleMode(prompt_input, prompt_saved_mode);
    ::ExitProcess(130);
}

std::string utf8_of(const std::wstring& w) {
    if (w.empty())
        return {};
    const int n = ::WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), nullptr,
                                        0, nullptr, nullptr);
    std::string out(static_cast<std::size_t>(n > 0 ? n : 0), '\0');
    if (n > 0)
        ::WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), out.data(), n,
                              nullptr, nullptr);
    return out;
}

} // namespace

// The console's own input and output (CONIN$, CONOUT$), as /dev/tty elsewhere, with echo off
// (SetConsoleMode); nothing when standard input is not a console. The password comes back in
// UTF-8.
std::string read_password_from_terminal(const std::string& prompt) {
    DWORD mode = 0;
    if (!::GetConsoleMode(::GetStdHandle(STD_INPUT_HANDLE), &mode))
        return {};
    const HANDLE in =
        ::CreateFileW(L"CONIN$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                      nullptr, OPEN_EXISTING, 0, nullptr);
    if (in == INVALID_HANDLE_VALUE)
        return {};
    const HANDLE out =
        ::CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                      nullptr, OPEN_EXISTING, 0, nullptr);
    DWORD saved = 0;
    const bool have_mode = ::GetConsoleMode(in, &saved) != 0;
    if (have_mode) {
        prompt_input = in;
        prompt_saved_mode = saved;
        ::SetConsoleCtrlHandler(end_prompt, TRUE);
        ::SetConsoleMode(in, (saved & ~static_cast<DWORD>(ENABLE_ECHO_INPUT)) | ENABLE_LINE_INPUT |
                                 ENABLE_PROCESSED_INPUT);
    }
    DWORD done = 0;
    if (out != INVALID_HANDLE_VALUE)
        ::WriteConsoleA(out, prompt.data(), static_cast<DWORD>(prompt.size()), &done, nullptr);
    std::wstring typed;
    wchar_t c = 0;
    while (typed.size() < 4096) {
        if (!::ReadConsoleW(in, &c, 1, &done, nullptr) || done != 1) {
            c = 0;
            break;
        }
        if (c == L'\n' || c == L'\r')
            break;
        typed += c;
    }
    if (have_mode) {
        ::SetConsoleMode(in, saved);
        ::SetConsoleCtrlHandler(end_prompt, FALSE);
    }
    if (c == L'\r') // line input ends a line with CR LF: the LF is left to read
        ::ReadConsoleW(in, &c, 1, &done, nullptr);
    if (out != INVALID_HANDLE_VALUE) {
        ::WriteConsoleA(out, "\r\n", 2, &done, nullptr);
        ::CloseHandle(out);
    }
    ::CloseHandle(in);
    return utf8_of(typed);
}

#else

std::string read_password_from_terminal(const std::string& prompt) {
    if (::isatty(STDIN_FILENO) != 1)
        return {};
    const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty < 0)
        return {};
    termios saved{};
    const bool have_modes = ::tcgetattr(tty, &saved) == 0;
    if (have_modes) {
        termios quiet = saved;
        quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
        quiet.c_lflag |= ICANON;
        ::tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    [[maybe_unused]] auto w = ::write(tty, prompt.data(), prompt.size());
    std::string out;
    char c;
    while (::read(tty, &c, 1) == 1 && c != '\n' && c != '\r' && out.size() < 4096)
        out += c;
    if (have_modes)
        ::tcsetattr(tty, TCSAFLUSH, &saved);
    w = ::write(tty, "\n", 1);
    ::close(tty);
    return out;
}

#endif

global_options parse_global(int argc, char** argv, std::vector<std::string>& rest) {
    global_options g;
    command_line_sources given;
    const std::vector<std::string> valued = {"--url",
                                             "--cacert",
                                             "--timeout",
                                             "--user",
                                             "--password-file",
                                             "--domain",
                                             "--auth-domain",
                                             "--token",
                                             "--token-file",
                                             "--ni-user",
                                             "--ni-password-file",
                                             "--ni-domain-type",
                                             "--ni-domain",
                                             "--ni-token",
                                             "--ni-token-file",
                                             "--ni-url",
                                             "--ni-cacert",
                                             "--profile",
                                             "--ni-csp-token-file",
                                             "--ni-csp-url",
                                             "--ni-vidm-token-file"};
    // The commands' options that take a value: their values pass through untouched, even
    // when they look like a global option.
    static const std::vector<std::string> command_valued = {
        "--status",    "--id",     "--filter",    "--sort",     "--limit",
        "--skip",      "--body",   "--body-file", "--interval", "--deadline",
        "--kms",       "--region", "--key-vault", "--key-ring", "--vault",
        "--oci-vault", "--group",  "--key-id",    "--operation"};
    // keyops schedule's (schedule.cpp).
    static const std::vector<std::string> schedule_valued = {
        "--name",         "--cloud",           "--run-at",    "--run-on",
        "--config",       "--description",     "--disabled",  "--start-date",
        "--end-date",     "--expiration",      "--expire-in", "--rotation-after",
        "--retain-alias", "--rotate-material", "--sync-all",  "--clear"};
    bool options_end = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (options_end || arg.size() < 2 || arg[0] != '-') {
            rest.push_back(arg);
            continue;
        }
        if (arg == "--") {
            options_end = true;
            if (!rest.empty())
                rest.push_back(arg); // the command's arguments end their options too
            continue;
        }
        if (arg == "--insecure") {
            g.insecure = true;
            continue;
        }
        if (arg == "--json") {
            g.json = true;
            continue;
        }
        if (arg == "--no-progress") {
            g.no_progress = true;
            continue;
        }
        if (arg == "--version") {
            g.version = true;
            continue;
        }
        if (arg == "-v" || arg == "--verbose") {
            g.verbose = true;
            continue;
        }
        if (arg == "-h" || arg == "--help")
            throw usage_error("");
        // In `jobs start`, --domain names a domain to refresh (DSM, external CM); the login
        // domain is then given before the command.
        const bool start_domain = (arg == "--domain" || arg.rfind("--domain=", 0) == 0) &&
                                  rest.size() >= 2 && rest[0] == "jobs" && rest[1] == "start";
        if (start_domain && arg != "--domain") {
            rest.push_back(arg);
            continue;
        }
        if (start_domain ||
            std::find(command_valued.begin(), command_valued.end(), arg) != command_valued.end() ||
            std::find(schedule_valued.begin(), schedule_valued.end(), arg) !=
                schedule_valued.end()) {
            rest.push_back(arg);
            if (i + 1 < argc)
                rest.emplace_back(argv[++i]);
            continue;
        }
        bool known = false;
        for (const auto& name : valued) {
            std::optional<std::string> inl;
            if (!flag_matches(arg, name, inl))
                continue;
            known = true;
            std::string value;
            if (inl) {
                value = *inl;
            } else {
                if (i + 1 >= argc)
                    throw usage_error(name + " needs a value");
                value = argv[++i];
            }
            given.given.push_back(name);
            if (name == "--url") // repeated: the nodes of a cluster, in order
                g.url = g.url.empty() ? value : g.url + "," + value;
            else if (name == "--ni-url")
                g.ni_url = value;
            else if (name == "--ni-cacert")
                g.ni_cacert = value;
            else if (name == "--profile")
                g.profile = value;
            else if (name == "--cacert")
                g.cacert = value;
            else if (name == "--timeout")
                g.timeout = parse_duration(name, value);
            else if (name == "--user")
                g.user = value;
            else if (name == "--password-file")
                given.password_file = value;
            else if (name == "--domain")
                g.domain = value;
            else if (name == "--auth-domain")
                g.auth_domain = value;
            else if (name == "--token")
                g.token = value;
            else if (name == "--token-file")
                given.token_file = value;
            else if (name == "--ni-user")
                g.ni_user = value;
            else if (name == "--ni-password-file")
                given.ni_password_file = value;
            else if (name == "--ni-domain-type") {
                if (value != "LOCAL" && value != "LDAP")
                    throw usage_error("--ni-domain-type must be LOCAL or LDAP, not '" + value +
                                      "'");
                g.ni_domain_type = value;
            } else if (name == "--ni-domain")
                g.ni_domain = value;
            else if (name == "--ni-token")
                g.ni_token = value;
            else if (name == "--ni-token-file")
                given.ni_token_file = value;
            else if (name == "--ni-csp-token-file")
                given.ni_csp_token_file = value;
            else if (name == "--ni-csp-url")
                g.ni_csp_url = value;
            else if (name == "--ni-vidm-token-file")
                given.ni_vidm_token_file = value;
            break;
        }
        if (known)
            continue;
        // Not a global option: the command's to judge, once there is a command.
        if (rest.empty())
            throw usage_error("unknown option '" + arg + "'");
        rest.push_back(arg);
    }

    // The environment, the config file's profile, the secret files and the terminal.
    resolve_sources(g, given);
    return g;
}

command_args::command_args(std::vector<std::string> args, std::vector<std::string> valued,
                           std::vector<std::string> switches) {
    bool options_end = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (!options_end && arg == "--") {
            options_end = true;
            continue;
        }
        if (options_end) {
            positionals_.push_back(arg);
            continue;
        }
        if (arg.size() < 2 || arg.compare(0, 2, "--") != 0) {
            if (arg.size() > 1 && arg[0] == '-')
                throw usage_error("unknown option '" + arg + "'");
            positionals_.push_back(arg);
            continue;
        }
        bool known = false;
        for (const auto& name : switches) {
            if (arg == name) {
                named_.emplace_back(name, "");
                known = true;
                break;
            }
        }
        for (const auto& name : valued) {
            std::optional<std::string> inl;
            if (known || !flag_matches(arg, name, inl))
                continue;
            known = true;
            if (inl) {
                named_.emplace_back(name, *inl);
            } else {
                if (i + 1 >= args.size())
                    throw usage_error(name + " needs a value");
                named_.emplace_back(name, args[++i]);
            }
        }
        if (!known)
            throw usage_error("unknown option '" + arg + "'");
    }
}

std::optional<std::string> command_args::value(const std::string& name) const {
    std::optional<std::string> out;
    for (const auto& [n, v] : named_)
        if (n == name)
            out = v;
    return out;
}

std::vector<std::string> command_args::values(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : named_)
        if (n == name)
            out.push_back(v);
    return out;
}

bool command_args::has(const std::string& name) const {
    for (const auto& nv : named_)
        if (nv.first == name)
            return true;
    return false;
}

std::vector<std::string> tail(const std::vector<std::string>& v, std::size_t from) {
    return std::vector<std::string>(
        v.begin() + static_cast<std::ptrdiff_t>(std::min(from, v.size())), v.end());
}

void expect_positionals(const command_args& a, std::size_t n, const char* what) {
    if (a.positionals().size() < n)
        throw usage_error(std::string("missing ") + what);
    if (a.positionals().size() > n)
        throw usage_error("unexpected argument '" + a.positionals()[n] + "'");
}

double parse_seconds(const std::string& flag, const std::string& text) {
    // A number, then optionally a unit: ms, s, m or h (seconds without one).
    std::size_t unit_at = text.size();
    while (unit_at > 0 && std::isalpha(static_cast<unsigned char>(text[unit_at - 1])))
        --unit_at;
    const std::string number = text.substr(0, unit_at);
    const std::string unit = text.substr(unit_at);
    double scale = 0;
    if (unit.empty() || unit == "s")
        scale = 1;
    else if (unit == "ms")
        scale = 0.001;
    else if (unit == "m")
        scale = 60;
    else if (unit == "h")
        scale = 3600;
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(number.c_str(), &end) * scale;
    if (number.empty() || scale == 0 || end != number.c_str() + number.size() || errno != 0 ||
        !std::isfinite(v) || v <= 0 || v > 31536000 || number[0] == '+' || number[0] == '-' ||
        std::isspace(static_cast<unsigned char>(number[0])))
        throw usage_error(
            flag + " takes a duration greater than 0 (30, 30s, 500ms, 5m, 1h), not '" + text + "'");
    return v;
}

// At least a millisecond: a positive number of seconds never becomes zero, which would mean no
// deadline for --deadline and polling without a pause for --interval.
std::chrono::milliseconds parse_duration(const std::string& flag, const std::string& text) {
    return std::chrono::milliseconds(
        std::max<std::int64_t>(1, static_cast<std::int64_t>(parse_seconds(flag, text) * 1000)));
}

std::uint64_t parse_count(const std::string& flag, const std::string& text, bool allow_zero) {
    std::uint64_t v = 0;
    bool ok = !text.empty() && text.size() <= 12;
    for (char c : text) {
        if (c < '0' || c > '9') {
            ok = false;
            break;
        }
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (!ok || (!allow_zero && v == 0))
        throw usage_error(
            flag + " takes a whole number" +
            (allow_zero ? std::string(" (0 or more)") : std::string(" greater than 0")) +
            ", not '" + text + "'");
    return v;
}

cckm::job_kind parse_kind(const std::string& text) {
    if (auto k = cckm::kind_from_name(text))
        return *k;
    std::string names;
    for (const auto name : cckm::kind_names)
        names += (names.empty() ? "" : ", ") + std::string(name);
    throw usage_error("unknown job kind '" + text + "'; one of: " + names);
}

std::string read_text_file(const std::string& flag, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw usage_error(flag + ": cannot read '" + path + "'");
    std::ostringstream s;
    s << in.rdbuf();
    if (!in.good() && !in.eof())
        throw usage_error(flag + ": cannot read '" + path + "'");
    return s.str();
}

std::string read_secret_file(const std::string& flag, const std::string& path) {
    std::string s;
    if (path == "-") {
        std::ostringstream all;
        all << std::cin.rdbuf();
        s = all.str();
    } else {
        s = read_text_file(flag, path);
    }
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
    if (s.empty())
        throw usage_error(flag + ": '" + path + "' is empty");
    return s;
}

} // namespace keyops_cli
