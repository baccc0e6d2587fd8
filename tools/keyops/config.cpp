// The keyops config file and its profiles (see config.hpp).

#include "config.hpp"

#include <keyops/transport/options.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include <fcntl.h>
#include <sys/stat.h>
#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX 1
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
// After <windows.h>:
#include <aclapi.h>
#include <io.h>
#include <sddl.h>
#else
#include <unistd.h>
#endif

namespace keyops_cli {

namespace {

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}

const std::vector<std::string> secret_keys = {"password", "token", "ni_password", "ni_token"};

bool is_name(const std::string& s, bool dots) {
    if (s.empty() || s.size() > 64)
        return false;
    return std::all_of(s.begin(), s.end(), [dots](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
               (dots && c == '.');
    });
}

std::string trimmed(const std::string& s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::string at(const std::string& path, int line) {
    return path + ":" + std::to_string(line) + ": ";
}

std::string mode_text(unsigned mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", mode & 07777u);
    return buf;
}

// A value checked as the option it stands for would be, so that a mistake names its line.
void check_value(const std::string& where, const std::string& key, const std::string& value) {
    if (key == "timeout")
        parse_duration(where + "timeout", value);
    else if (key == "ni_domain_type" && value != "LOCAL" && value != "LDAP")
        throw usage_error(where + "ni_domain_type must be LOCAL or LDAP, not '" + value + "'");
    else if (key.size() > 5 && key.compare(key.size() - 5, 5, "_file") == 0 && value == "-")
        throw usage_error(where + key +
                          " takes a path; standard input (-) is for the command line");
}

// "config file PATH holds password (line 3)": the start of a private-file rule's message.
std::string holds_secrets(const config_file& c) {
    return "config file " + c.path + " holds " + c.inline_secrets.front() +
           (c.inline_secrets.size() > 1 ? " and more secrets" : "");
}

#ifdef _WIN32

// A security identifier's account name ("Everyone", "BUILTIN\\Users"), else its S-1-... form.
std::string account_name(PSID sid) {
    char name[256], domain[256];
    DWORD name_size = sizeof name, domain_size = sizeof domain;
    SID_NAME_USE use;
    if (::LookupAccountSidA(nullptr, sid, name, &name_size, domain, &domain_size, &use))
        return domain_size && *domain ? std::string(domain) + "\\" + name : std::string(name);
    char* text = nullptr;
    if (!::ConvertSidToStringSidA(sid, &text))
        return "an unknown account";
    std::string out = text;
    ::LocalFree(text);
    return out;
}

bool is_well_known(PSID sid, WELL_KNOWN_SID_TYPE type) {
    return ::IsWellKnownSid(sid, type) != 0;
}

// The private-file rule on Windows, from the file's owner and access control list: it is yours
// (or, when you are an administrator, the Administrators group's), and grants access to no one
// but you, SYSTEM and the Administrators group, who can read every file anyway. Empty when so;
// else what is wrong.
std::string windows_file_exposure(HANDLE file) {
    struct token_user {
        std::vector<unsigned char> bytes;
        PSID sid() { return reinterpret_cast<TOKEN_USER*>(bytes.data())->User.Sid; }
    } me;
    HANDLE token = nullptr;
    if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token))
        return "your account cannot be told";
    DWORD size = 0;
    ::GetTokenInformation(token, TokenUser, nullptr, 0, &size);
    me.bytes.resize(size);
    const bool have_me =
        size != 0 && ::GetTokenInformation(token, TokenUser, me.bytes.data(), size, &size);
    ::CloseHandle(token);
    if (!have_me)
        return "your account cannot be told";

    PSID owner = nullptr;
    PACL dacl = nullptr;
    PSECURITY_DESCRIPTOR sd = nullptr;
    if (::GetSecurityInfo(file, SE_FILE_OBJECT,
                          OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, &owner, nullptr,
                          &dacl, nullptr, &sd) != ERROR_SUCCESS)
        return "its access control list cannot be read";
    std::string problem;
    BOOL admin = FALSE;
    if (owner && is_well_known(owner, WinBuiltinAdministratorsSid))
        ::CheckTokenMembership(nullptr, owner, &admin);
    if (!owner || (!::EqualSid(owner, me.sid()) && !admin)) {
        problem =
            "is owned by " + (owner ? account_name(owner) : std::string("no one")) + ", not you";
    } else if (!dacl) {
        problem = "has no access control list: everyone may read it";
    } else {
        for (DWORD i = 0; i < dacl->AceCount && problem.empty(); ++i) {
            void* ace = nullptr;
            if (!::GetAce(dacl, i, &ace))
                continue;
            const auto* header = static_cast<const ACE_HEADER*>(ace);
            if (header->AceType != ACCESS_ALLOWED_ACE_TYPE || (header->AceFlags & INHERIT_ONLY_ACE))
                continue;
            auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
            PSID sid = &allowed->SidStart;
            if (allowed->Mask == 0 || ::EqualSid(sid, me.sid()) ||
                is_well_known(sid, WinLocalSystemSid) ||
                is_well_known(sid, WinBuiltinAdministratorsSid))
                continue;
            problem = "lets " + account_name(sid) + " access it";
        }
    }
    ::LocalFree(sd);
    return problem;
}

// require_private's Windows form: `exposure` is windows_file_exposure's finding.
void require_private_acl(const config_file& c, const std::string& exposure) {
    if (c.inline_secrets.empty() || exposure.empty())
        return;
    throw usage_error(holds_secrets(c) + " but " + exposure +
                      ": keep secrets in a file of your own that only you can read (icacls \"" +
                      c.path + "\" /inheritance:r /grant:r \"%USERNAME%:F\")");
}

#endif

// The file, once read: nothing when there is none where the defaults look.
struct loaded_config {
    bool found = false;
    config_file file;
};

loaded_config load_config(std::string& path) {
    bool explicit_path = false;
    path = config_path(explicit_path);
    loaded_config out;
    if (path.empty())
        return out;
#ifdef _WIN32
    const int fd = ::_open(path.c_str(), _O_RDONLY | _O_BINARY);
#else
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
#endif
    if (fd < 0) {
        const int e = errno;
        if (!explicit_path && (e == ENOENT || e == ENOTDIR))
            return out;
        throw usage_error("config file " + path + (explicit_path ? " (KEYOPS_CONFIG)" : "") + ": " +
                          std::strerror(e));
    }
    struct stat st {};
    std::string text;
    bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= (1 << 20);
    char buf[4096];
    for (ssize_t n; ok && (n = ::read(fd, buf, sizeof buf)) != 0;) {
        if (n < 0 || text.size() > (1u << 20))
            ok = false;
        else
            text.append(buf, static_cast<std::size_t>(n));
    }
#ifdef _WIN32
    const std::string exposure =
        ok ? windows_file_exposure(reinterpret_cast<HANDLE>(::_get_osfhandle(fd))) : std::string();
    ::_close(fd);
#else
    ::close(fd);
#endif
    if (!ok)
        throw usage_error("config file " + path +
                          ": cannot read it (a regular file of at most 1 MiB is expected)");
    out.file = parse_config(path, text);
#ifdef _WIN32
    require_private_acl(out.file, exposure);
#else
    require_private(out.file, static_cast<unsigned>(st.st_mode), static_cast<unsigned>(st.st_uid),
                    static_cast<unsigned>(::geteuid()));
#endif
    out.found = true;
    return out;
}

// The chosen profile's values, and where each came from.
class profile_view {
public:
    profile_view(const config_profile* p, std::string path) : p_(p), path_(std::move(path)) {}
    explicit operator bool() const { return p_ != nullptr; }
    const config_entry* find(const std::string& key) const {
        if (!p_)
            return nullptr;
        const auto it = p_->entries.find(key);
        return it == p_->entries.end() ? nullptr : &it->second;
    }
    std::string value(const std::string& key) const {
        const auto* e = find(key);
        return e ? e->value : std::string();
    }
    std::string where(const config_entry& e, const std::string& key) const {
        return at(path_, e.line) + key;
    }
    // `key` written in the file, else read from the file `key`_file names.
    std::string secret(const std::string& key) const {
        if (const auto* e = find(key))
            return e->value;
        const std::string file_key = key + "_file";
        const auto* e = find(file_key);
        return e ? read_secret_file(where(*e, file_key), file_path(e->value)) : std::string();
    }

private:
    // ~/x from $HOME (on Windows, else %USERPROFILE%); a relative path from the config file's
    // directory.
    std::string file_path(const std::string& v) const {
        if (v.rfind("~/", 0) == 0 || v.rfind("~\\", 0) == 0)
            if (const char* home = home_directory())
                return home + v.substr(1);
        if (is_absolute(v))
            return v;
        const auto slash = path_.find_last_of(separators);
        return slash == std::string::npos ? v : path_.substr(0, slash + 1) + v;
    }
#ifdef _WIN32
    static constexpr const char* separators = "/\\";
    static const char* home_directory() {
        const char* h = env("HOME");
        return h ? h : env("USERPROFILE");
    }
    static bool is_absolute(const std::string& v) {
        return (!v.empty() && (v[0] == '/' || v[0] == '\\')) ||
               (v.size() > 2 && std::isalpha(static_cast<unsigned char>(v[0])) && v[1] == ':' &&
                (v[2] == '/' || v[2] == '\\'));
    }
#else
    static constexpr const char* separators = "/";
    static const char* home_directory() {
        return env("HOME");
    }
    static bool is_absolute(const std::string& v) {
        return !v.empty() && v[0] == '/';
    }
#endif
    const config_profile* p_;
    std::string path_;
};

// One server's user, password and token.
struct server_credentials {
    std::string& user;
    std::string& password;
    std::string& token;
    const std::string& password_file;
    const std::string& token_file;
    const char* password_file_flag;
    const char* token_file_flag;
    const char* password_env;
    const char* token_env;
    std::string prefix; // of the profile's keys: "" or "ni_"
};

void resolve_credentials(const server_credentials& v, const profile_view& prof) {
    if (!v.password_file.empty())
        v.password = read_secret_file(v.password_file_flag, v.password_file);
    else if (const char* p = env(v.password_env))
        v.password = p;
    if (!v.token_file.empty())
        v.token = read_secret_file(v.token_file_flag, v.token_file);
    if (v.token.empty())
        if (const char* t = env(v.token_env))
            v.token = t;
    if (!prof)
        return;
    // The tool prefers a user to a token: a token given outside the profile would otherwise be
    // passed over for the profile's user.
    const bool outside_token = !v.token.empty();
    const std::string profile_user = prof.value(v.prefix + "user");
    if (v.user.empty() && !outside_token)
        v.user = profile_user;
    if (v.password.empty() && !outside_token && !profile_user.empty() && v.user == profile_user)
        v.password = prof.secret(v.prefix + "password");
    if (v.token.empty() && v.user.empty())
        v.token = prof.secret(v.prefix + "token");
}

} // namespace

const std::vector<std::string>& config_keys() {
    static const std::vector<std::string> keys = {"url",
                                                  "ni_url",
                                                  "cacert",
                                                  "ni_cacert",
                                                  "timeout",
                                                  "user",
                                                  "password",
                                                  "password_file",
                                                  "token",
                                                  "token_file",
                                                  "domain",
                                                  "auth_domain",
                                                  "ni_user",
                                                  "ni_password",
                                                  "ni_password_file",
                                                  "ni_token",
                                                  "ni_token_file",
                                                  "ni_domain_type",
                                                  "ni_domain",
                                                  "ni_csp_token_file",
                                                  "ni_csp_url",
                                                  "ni_vidm_token_file"};
    return keys;
}

config_file parse_config(const std::string& path, const std::string& text) {
    config_file c;
    c.path = path;
    config_profile* current = nullptr;
    std::size_t start = 0;
    for (int line = 1; start <= text.size(); ++line) {
        auto end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string raw = text.substr(start, end - start);
        start = end + 1;
        if (!raw.empty() && raw.back() == '\r')
            raw.pop_back();
        const std::string l = trimmed(raw);
        const std::string where = at(path, line);
        if (l.empty() || l[0] == '#' || l[0] == ';')
            continue;
        if (l[0] == '[') {
            const std::string inner = l.back() == ']' ? trimmed(l.substr(1, l.size() - 2)) : "";
            const std::string name = inner.rfind("profile", 0) == 0 && inner.size() > 7 &&
                                             (inner[7] == ' ' || inner[7] == '\t')
                                         ? trimmed(inner.substr(7))
                                         : std::string();
            if (!is_name(name, true))
                throw usage_error(where + "a section header is [profile NAME] (NAME of letters, "
                                          "digits, '.', '_', '-')");
            const auto [it, fresh] = c.profiles.emplace(name, config_profile{});
            if (!fresh)
                throw usage_error(where + "profile '" + name + "' again (first on line " +
                                  std::to_string(it->second.line) + ")");
            it->second.line = line;
            current = &it->second;
            continue;
        }
        // key = value. Neither is echoed when it might be a secret written wrongly.
        const auto eq = l.find('=');
        if (eq == std::string::npos)
            throw usage_error(where + "expected 'key = value' or '[profile NAME]' (no '=')");
        const std::string key = trimmed(l.substr(0, eq));
        const std::string value = trimmed(l.substr(eq + 1));
        if (!current)
            throw usage_error(where + "a key outside any [profile NAME] section");
        const auto& keys = config_keys();
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
            std::string list;
            for (const auto& k : keys)
                list += (list.empty() ? "" : ", ") + k;
            throw usage_error(where +
                              (is_name(key, false) ? "unknown key '" + key + "'" : "unknown key") +
                              "; one of: " + list);
        }
        if (value.empty())
            throw usage_error(where + key + " has no value");
        const auto [it, fresh] = current->entries.emplace(key, config_entry{value, line});
        if (!fresh)
            throw usage_error(where + key + " again (first on line " +
                              std::to_string(it->second.line) + ")");
        const bool is_file = key.size() > 5 && key.compare(key.size() - 5, 5, "_file") == 0;
        const std::string twin = is_file ? key.substr(0, key.size() - 5) : key + "_file";
        const auto other = current->entries.find(twin);
        if (std::find(secret_keys.begin(), secret_keys.end(), is_file ? twin : key) !=
                secret_keys.end() &&
            other != current->entries.end())
            throw usage_error(where + key + " and " + twin + " (line " +
                              std::to_string(other->second.line) + ") both given; keep one");
        check_value(where, key, value);
        if (std::find(secret_keys.begin(), secret_keys.end(), key) != secret_keys.end())
            c.inline_secrets.push_back(key + " (line " + std::to_string(line) + ")");
    }
    return c;
}

void require_private(const config_file& c, unsigned mode, unsigned owner, unsigned me) {
    if (c.inline_secrets.empty())
        return;
    const std::string what = holds_secrets(c);
    if (owner != me)
        throw usage_error(what + " but is owned by user " + std::to_string(owner) +
                          ", not you: keep secrets in a file of your own (chmod 600)");
    if ((mode & 077u) != 0)
        throw usage_error(what + " but its mode " + mode_text(mode) +
                          " lets others read it: chmod 600 " + c.path);
}

std::string config_path(bool& explicit_path) {
    explicit_path = false;
    if (const char* p = env("KEYOPS_CONFIG")) {
        explicit_path = true;
        return p;
    }
#ifdef _WIN32
    if (const char* a = env("APPDATA"))
        return std::string(a) + "\\keyops\\config";
    return {};
#endif
    if (const char* x = env("XDG_CONFIG_HOME"))
        if (x[0] == '/')
            return std::string(x) + "/keyops/config";
    if (const char* h = env("HOME"))
        return std::string(h) + "/.config/keyops/config";
    return {};
}

bool command_line_sources::has(const char* flag) const {
    return std::find(given.begin(), given.end(), flag) != given.end();
}

void resolve_sources(global_options& g, const command_line_sources& s) {
    std::string path;
    const loaded_config cfg = load_config(path);
    std::string name = g.profile;
    bool asked = !name.empty();
    if (s.has("--profile") && name.empty())
        throw usage_error("--profile needs a profile name");
    if (!asked)
        if (const char* p = env("KEYOPS_PROFILE")) {
            name = p;
            asked = true;
        }
    const config_profile* chosen = nullptr;
    if (asked && !cfg.found)
        throw usage_error("profile '" + name + "' asked for, but there is no config file" +
                          (path.empty() ? std::string(" (set KEYOPS_CONFIG)") : " at " + path));
    if (cfg.found) {
        const auto it = cfg.file.profiles.find(asked ? name : "default");
        if (it != cfg.file.profiles.end()) {
            chosen = &it->second;
        } else if (asked) {
            std::string names;
            for (const auto& p : cfg.file.profiles)
                names += (names.empty() ? "" : ", ") + p.first;
            throw usage_error(path + ": no profile '" + name + "'" +
                              (names.empty() ? "; the file has none" : "; it has: " + names));
        }
    }
    g.profile = chosen ? (asked ? name : "default") : "";
    const profile_view prof(chosen, path);
    if (g.verbose && chosen)
        std::cerr << "keyops: profile " << g.profile << " of " << path << '\n';

    // A flag wins over the environment, which wins over the profile.
    const auto pick = [&](std::string& field, const char* flag, const char* env_name,
                          const char* key) {
        if (s.has(flag) && !field.empty())
            return;
        if (const char* v = env_name ? env(env_name) : nullptr)
            field = v;
        else if (const auto* e = prof.find(key))
            field = e->value;
    };
    pick(g.url, "--url", "KEYOPS_URL", "url");
    pick(g.ni_url, "--ni-url", "KEYOPS_NI_URL", "ni_url");
    pick(g.cacert, "--cacert", nullptr, "cacert");
    pick(g.ni_cacert, "--ni-cacert", nullptr, "ni_cacert");
    pick(g.domain, "--domain", nullptr, "domain");
    pick(g.auth_domain, "--auth-domain", nullptr, "auth_domain");
    pick(g.ni_domain_type, "--ni-domain-type", nullptr, "ni_domain_type");
    pick(g.ni_domain, "--ni-domain", nullptr, "ni_domain");
    pick(g.ni_csp_url, "--ni-csp-url", "KEYOPS_NI_CSP_URL", "ni_csp_url");
    // The SaaS and vIDM tokens: a file named on the command line, else the environment, else
    // the file the profile names.
    const auto token_from = [&](std::string& field, const std::string& file, const char* flag,
                                const char* env_name, const char* key) {
        if (!file.empty())
            field = read_secret_file(flag, file);
        else if (const char* v = env(env_name))
            field = v;
        else if (prof)
            field = prof.secret(key);
    };
    token_from(g.ni_csp_token, s.ni_csp_token_file, "--ni-csp-token-file", "KEYOPS_NI_CSP_TOKEN",
               "ni_csp_token");
    token_from(g.ni_vidm_token, s.ni_vidm_token_file, "--ni-vidm-token-file",
               "KEYOPS_NI_VIDM_TOKEN", "ni_vidm_token");
    if (const auto* e = prof.find("timeout"); e && !s.has("--timeout"))
        g.timeout = parse_duration(prof.where(*e, "timeout"), e->value);

    resolve_credentials({g.user, g.password, g.token, s.password_file, s.token_file,
                         "--password-file", "--token-file", "KEYOPS_PASSWORD", "KEYOPS_TOKEN", ""},
                        prof);
    resolve_credentials({g.ni_user, g.ni_password, g.ni_token, s.ni_password_file, s.ni_token_file,
                         "--ni-password-file", "--ni-token-file", "KEYOPS_NI_PASSWORD",
                         "KEYOPS_NI_TOKEN", "ni_"},
                        prof);
    // A user name without any secret: ask on the terminal, if there is one.
    if (!g.user.empty() && g.password.empty() && g.token.empty())
        g.password = read_password_from_terminal("Password for " + g.user + ": ");
    if (!g.ni_user.empty() && g.ni_password.empty() && g.ni_token.empty())
        g.ni_password =
            read_password_from_terminal("Network Insight password for " + g.ni_user + ": ");
}

global_options network_insight_view(const global_options& g) {
    global_options n = g;
    if (!g.ni_url.empty()) {
        keyops::transport_options t;
        std::string base;
        if (keyops::parse_server_url(g.ni_url, t, &base)) {
            const bool echo = g.ni_url.find('@') == std::string::npos; // no user information
            throw usage_error("--ni-url must be https://HOST[:PORT][/BASE] (or http://)" +
                              (echo ? ", not '" + g.ni_url + "'" : std::string()));
        }
        // A path is the API's base (default /api/ni, or /ni/api/ni with a CSP token).
        const auto slash = g.ni_url.find('/', g.ni_url.find("://") + 3);
        n.url = g.ni_url.substr(0, slash);
        n.ni_base = base;
    }
    if (!g.ni_cacert.empty()) {
        read_text_file("--ni-cacert", g.ni_cacert);
        n.cacert = g.ni_cacert;
    }
    return n;
}

} // namespace keyops_cli
