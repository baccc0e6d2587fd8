// The keyops tool's config file: its parser, the private-file rule for secrets, and how flags,
// the environment and a profile combine in parse_global.

#include "../../tools/keyops/args.hpp"
#include "../../tools/keyops/config.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>
#ifdef _WIN32
#include <windows.h>
// After <windows.h>:
#include <aclapi.h>
#include <filesystem>
#endif

namespace {

#ifdef _WIN32
// Windows has no setenv and unsetenv: _putenv sets, and an empty value removes.
int setenv(const char* name, const char* value, int) {
    return ::_putenv((std::string(name) + "=" + value).c_str());
}
int unsetenv(const char* name) {
    return ::_putenv((std::string(name) + "=").c_str());
}

// A file's access on Windows, as `mode` says on POSIX systems: with no group or other bits, its
// owner alone (a protected list: the owner allowed, then Everyone else denied; Wine, which keeps
// the list as Unix permissions, takes the others' bits away only for a denial); else its owner
// and Everyone, who may read it.
void set_access(const std::string& path, unsigned mode) {
    HANDLE token = nullptr;
    BOOST_REQUIRE(::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token));
    DWORD size = 0;
    ::GetTokenInformation(token, TokenUser, nullptr, 0, &size);
    std::vector<unsigned char> user(size);
    BOOST_REQUIRE(::GetTokenInformation(token, TokenUser, user.data(), size, &size));
    ::CloseHandle(token);
    PSID me = reinterpret_cast<TOKEN_USER*>(user.data())->User.Sid;
    unsigned char everyone[SECURITY_MAX_SID_SIZE];
    DWORD everyone_size = sizeof everyone;
    BOOST_REQUIRE(::CreateWellKnownSid(WinWorldSid, nullptr, everyone, &everyone_size));
    std::vector<unsigned char> acl_bytes(1024);
    auto* acl = reinterpret_cast<PACL>(acl_bytes.data());
    BOOST_REQUIRE(::InitializeAcl(acl, static_cast<DWORD>(acl_bytes.size()), ACL_REVISION));
    BOOST_REQUIRE(::AddAccessAllowedAce(acl, ACL_REVISION, FILE_ALL_ACCESS, me));
    if ((mode & 077u) != 0)
        BOOST_REQUIRE(::AddAccessAllowedAce(acl, ACL_REVISION, FILE_GENERIC_READ, everyone));
    else
        BOOST_REQUIRE(::AddAccessDeniedAce(acl, ACL_REVISION, FILE_ALL_ACCESS, everyone));
    BOOST_REQUIRE(
        ::SetNamedSecurityInfoA(const_cast<char*>(path.c_str()), SE_FILE_OBJECT,
                                DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                                nullptr, nullptr, acl, nullptr) == ERROR_SUCCESS);
}
#endif

using keyops_cli::usage_error;

// The message of the usage_error `f` throws; fails the test when it throws none.
template <class F>
std::string error_of(F f) {
    try {
        f();
    } catch (const usage_error& e) {
        return e.what();
    }
    BOOST_ERROR("no usage_error");
    return {};
}

std::string parse_error(const std::string& text) {
    return error_of([&] { keyops_cli::parse_config("/etc/k.conf", text); });
}

// Sets environment variables for a test, and puts back what was there.
class scoped_env {
public:
    scoped_env(std::initializer_list<std::pair<const char*, const char*>> vars) {
        for (const auto& [name, value] : vars) {
            const char* old = std::getenv(name);
            saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
            if (value)
                ::setenv(name, value, 1);
            else
                ::unsetenv(name);
        }
    }
    ~scoped_env() {
        for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
            if (it->second)
                ::setenv(it->first.c_str(), it->second->c_str(), 1);
            else
                ::unsetenv(it->first.c_str());
        }
    }
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;

private:
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// A directory of its own for the files of one test, removed after it.
struct temp_dir {
    std::string path;
    std::vector<std::string> files;
    temp_dir() {
#ifdef _WIN32
        static unsigned count = 0;
        const auto dir = std::filesystem::temp_directory_path() /
                         ("keyops-config-test." + std::to_string(::GetCurrentProcessId()) + "." +
                          std::to_string(++count));
        path = std::filesystem::create_directory(dir) ? dir.string() : "";
#else
        char name[] = "/tmp/keyops-config-test.XXXXXX";
        path = ::mkdtemp(name) ? name : "";
#endif
        BOOST_REQUIRE(!path.empty());
    }
    ~temp_dir() {
        for (const auto& f : files)
            ::unlink(f.c_str());
        ::rmdir(path.c_str());
    }
    std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) {
        const std::string p = path + "/" + name;
        std::ofstream(p) << text;
#ifdef _WIN32
        set_access(p, mode);
#else
        ::chmod(p.c_str(), mode);
#endif
        files.push_back(p);
        return p;
    }
};

// parse_global on these words (after "keyops"), with no terminal to ask on.
keyops_cli::global_options parse(std::vector<std::string> words) {
    words.insert(words.begin(), "keyops");
    std::vector<char*> argv;
    for (auto& w : words)
        argv.push_back(w.data());
    argv.push_back(nullptr);
    std::vector<std::string> rest;
    return keyops_cli::parse_global(static_cast<int>(words.size()), argv.data(), rest);
}

// The variables parse_global reads, all unset but those a test names.
const std::initializer_list<std::pair<const char*, const char*>> clean = {
    {"KEYOPS_URL", nullptr},
    {"KEYOPS_NI_URL", nullptr},
    {"KEYOPS_PASSWORD", nullptr},
    {"KEYOPS_TOKEN", nullptr},
    {"KEYOPS_NI_PASSWORD", nullptr},
    {"KEYOPS_NI_TOKEN", nullptr},
    {"KEYOPS_PROFILE", nullptr},
    {"KEYOPS_CONFIG", nullptr},
#ifdef _WIN32
    {"APPDATA", "/nonexistent/keyops-config-test"}};
const std::string default_config = "/nonexistent/keyops-config-test\\keyops\\config";
#else
    {"XDG_CONFIG_HOME", "/nonexistent/keyops-config-test"}};
const std::string default_config = "/nonexistent/keyops-config-test/keyops/config";
#endif

} // namespace

BOOST_AUTO_TEST_SUITE(tool_config)

BOOST_AUTO_TEST_CASE(profiles_keys_and_lines) {
    const auto c = keyops_cli::parse_config("/etc/k.conf", "# comment\n"
                                                           "; another\r\n"
                                                           "\n"
                                                           "[profile prod]\n"
                                                           "  url =  https://a,https://b  \n"
                                                           "user=admin\r\n"
                                                           "password_file = p#1 = x\n"
                                                           "[ profile  lab.2 ]\n"
                                                           "timeout = 5m\n"
                                                           "[profile empty]");
    BOOST_TEST(c.profiles.size() == 3u);
    const auto& prod = c.profiles.at("prod");
    BOOST_TEST(prod.line == 4);
    BOOST_TEST(prod.entries.at("url").value == "https://a,https://b");
    BOOST_TEST(prod.entries.at("url").line == 5);
    BOOST_TEST(prod.entries.at("user").value == "admin");
    BOOST_TEST(prod.entries.at("password_file").value == "p#1 = x"); // no comments after values
    BOOST_TEST(c.profiles.at("lab.2").entries.at("timeout").line == 9);
    BOOST_TEST(c.profiles.at("empty").entries.empty());
    BOOST_TEST(c.inline_secrets.empty());
}

BOOST_AUTO_TEST_CASE(mistakes_name_file_and_line) {
    BOOST_TEST(parse_error("url = https://x\n").find("/etc/k.conf:1: a key outside") == 0u);
    BOOST_TEST(parse_error("[profile a]\n\nurl https://x\n").find("/etc/k.conf:3: expected") == 0u);
    const auto unknown = parse_error("[profile a]\nurl = x\nnope = 1\n");
    BOOST_TEST(unknown.find("/etc/k.conf:3: unknown key 'nope'; one of: url, ni_url") == 0u);
    BOOST_TEST(parse_error("[profile a]\nuser = x\nuser = y\n") ==
               "/etc/k.conf:3: user again (first on line 2)");
    BOOST_TEST(parse_error("[profile a]\n[profile a]\n").find("/etc/k.conf:2: profile 'a' again") ==
               0u);
    BOOST_TEST(parse_error("[default]\n").find("/etc/k.conf:1: a section header is") == 0u);
    BOOST_TEST(parse_error("[profile]\n").find("/etc/k.conf:1: a section header is") == 0u);
    BOOST_TEST(parse_error("[profile a b]\n").find("/etc/k.conf:1: a section header is") == 0u);
    BOOST_TEST(parse_error("[profile a\n").find("/etc/k.conf:1: a section header is") == 0u);
    BOOST_TEST(parse_error("[profile a]\nurl =\n") == "/etc/k.conf:2: url has no value");
    BOOST_TEST(parse_error("[profile a]\ntimeout = soon\n").find("/etc/k.conf:2: timeout takes") ==
               0u);
    BOOST_TEST(parse_error("[profile a]\nni_domain_type = AD\n").find("/etc/k.conf:2: ni_domain") ==
               0u);
    BOOST_TEST(parse_error("[profile a]\npassword_file = -\n").find("/etc/k.conf:2: password_f") ==
               0u);
    BOOST_TEST(parse_error("[profile a]\ntoken_file = /t\ntoken = T0k\n") ==
               "/etc/k.conf:3: token and token_file (line 2) both given; keep one");
}

BOOST_AUTO_TEST_CASE(a_mistake_never_echoes_a_value) {
    // A secret written wrongly: neither the line nor its words are repeated.
    for (const char* text : {"[profile a]\nS3cr3t-value\n", "[profile a]\nS3cr3t-value: x\n",
                             "[profile a]\nS3cr3t value = 1\n", "password = S3cr3t-value\n"}) {
        const auto e = parse_error(text);
        BOOST_TEST(e.find("S3cr3t") == std::string::npos, e);
        BOOST_TEST(e.find("/etc/k.conf:") == 0u, e);
    }
}

BOOST_AUTO_TEST_CASE(secrets_need_a_private_file) {
    const auto c = keyops_cli::parse_config("/h/k", "[profile a]\nuser = u\npassword = Pw-123\n");
    BOOST_TEST(c.inline_secrets.size() == 1u);
    keyops_cli::require_private(c, 0100600, 1000, 1000);
    keyops_cli::require_private(c, 0100400, 1000, 1000);
    const auto loose = error_of([&] { keyops_cli::require_private(c, 0100644, 1000, 1000); });
    BOOST_TEST(loose.find("/h/k holds password (line 3)") != std::string::npos, loose);
    BOOST_TEST(loose.find("mode 0644") != std::string::npos, loose);
    BOOST_TEST(loose.find("chmod 600 /h/k") != std::string::npos, loose);
    BOOST_TEST(loose.find("Pw-123") == std::string::npos, loose);
    BOOST_TEST(!error_of([&] { keyops_cli::require_private(c, 0100640, 1000, 1000); }).empty());
    BOOST_TEST(!error_of([&] { keyops_cli::require_private(c, 0100601, 1000, 1000); }).empty());
    const auto theirs = error_of([&] { keyops_cli::require_private(c, 0100600, 0, 1000); });
    BOOST_TEST(theirs.find("owned by user 0") != std::string::npos, theirs);
    // Without secrets any mode will do: password files are read like --password-file.
    const auto files = keyops_cli::parse_config("/h/k", "[profile a]\npassword_file = /p\n");
    keyops_cli::require_private(files, 0100644, 0, 1000);
}

#ifdef _WIN32
// On Windows the rule reads the file's access control list: a file Everyone may read is refused.
BOOST_AUTO_TEST_CASE(secrets_need_a_private_file_on_windows) {
    temp_dir d;
    const auto loose =
        d.write("loose", "[profile default]\nurl = https://x\nuser = u\npassword = Pw-123\n", 0644);
    const auto tight =
        d.write("tight", "[profile default]\nurl = https://y\nuser = u\npassword = Pw-456\n", 0600);
    scoped_env base(clean);
    {
        scoped_env e({{"KEYOPS_CONFIG", loose.c_str()}});
        const auto m = error_of([&] { parse({}); });
        BOOST_TEST(m.find("config file " + loose + " holds password (line 4) but lets ") == 0u, m);
        BOOST_TEST(m.find("Everyone access it") != std::string::npos, m);
        BOOST_TEST(m.find("icacls \"" + loose + "\" /inheritance:r") != std::string::npos, m);
        BOOST_TEST(m.find("Pw-123") == std::string::npos, m);
    }
    scoped_env e({{"KEYOPS_CONFIG", tight.c_str()}});
    const auto g = parse({});
    BOOST_TEST(g.url == "https://y");
    BOOST_TEST(g.password == "Pw-456");
}
#endif

BOOST_AUTO_TEST_CASE(config_path_search) {
    bool explicit_path = true;
#ifdef _WIN32
    {
        scoped_env e({{"KEYOPS_CONFIG", nullptr}, {"APPDATA", "C:\\Users\\u\\AppData\\Roaming"}});
        BOOST_TEST(keyops_cli::config_path(explicit_path) ==
                   "C:\\Users\\u\\AppData\\Roaming\\keyops\\config");
        BOOST_TEST(!explicit_path);
    }
    {
        scoped_env e({{"KEYOPS_CONFIG", nullptr}, {"APPDATA", nullptr}});
        BOOST_TEST(keyops_cli::config_path(explicit_path).empty());
    }
    {
        scoped_env e({{"KEYOPS_CONFIG", "/c"}, {"APPDATA", "C:\\a"}});
        BOOST_TEST(keyops_cli::config_path(explicit_path) == "/c");
        BOOST_TEST(explicit_path);
    }
#else
    {
        scoped_env e({{"KEYOPS_CONFIG", nullptr}, {"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}});
        BOOST_TEST(keyops_cli::config_path(explicit_path) == "/x/keyops/config");
        BOOST_TEST(!explicit_path);
    }
    {
        scoped_env e({{"KEYOPS_CONFIG", nullptr}, {"XDG_CONFIG_HOME", "rel"}, {"HOME", "/h"}});
        BOOST_TEST(keyops_cli::config_path(explicit_path) == "/h/.config/keyops/config");
    }
    {
        scoped_env e({{"KEYOPS_CONFIG", "/c"}, {"XDG_CONFIG_HOME", "/x"}});
        BOOST_TEST(keyops_cli::config_path(explicit_path) == "/c");
        BOOST_TEST(explicit_path);
    }
#endif
}

BOOST_AUTO_TEST_CASE(flag_over_environment_over_profile) {
    temp_dir d;
    d.write("cm.pw", "profile-pw\n");
    const auto conf = d.write("config", "[profile default]\n"
                                        "url = https://p-cm\n"
                                        "ni_url = https://p-ni\n"
                                        "cacert = /p/ca.pem\n"
                                        "timeout = 2m\n"
                                        "user = p-user\n"
                                        "password_file = cm.pw\n"
                                        "ni_user = p-ni\n"
                                        "ni_password = ni-profile-pw\n"
                                        "ni_domain_type = LDAP\n"
                                        "[profile other]\n"
                                        "token = other-token\n");
    scoped_env base(clean);
    scoped_env e({{"KEYOPS_CONFIG", conf.c_str()}});
    auto g = parse({});
    BOOST_TEST(g.profile == "default");
    BOOST_TEST(g.url == "https://p-cm");
    BOOST_TEST(g.ni_url == "https://p-ni");
    BOOST_TEST(g.cacert == "/p/ca.pem");
    BOOST_TEST(g.timeout.count() == 120000);
    BOOST_TEST(g.user == "p-user");
    BOOST_TEST(g.password == "profile-pw"); // a relative path: from the config file's directory
    BOOST_TEST(g.ni_password == "ni-profile-pw");
    BOOST_TEST(g.ni_domain_type == "LDAP");
    {
        scoped_env env_url({{"KEYOPS_URL", "https://e-cm"}, {"KEYOPS_PASSWORD", "env-pw"}});
        g = parse({"--timeout", "7", "--ni-domain-type", "LOCAL"});
        BOOST_TEST(g.url == "https://e-cm");
        BOOST_TEST(g.password == "env-pw");
        BOOST_TEST(g.timeout.count() == 7000);
        BOOST_TEST(g.ni_domain_type == "LOCAL");
        g = parse({"--url", "https://f-cm", "--ni-url=https://f-ni"});
        BOOST_TEST(g.url == "https://f-cm");
        BOOST_TEST(g.ni_url == "https://f-ni");
    }
    // A token from outside the profile puts the profile's user and password aside.
    {
        scoped_env env_token({{"KEYOPS_TOKEN", "env-token"}});
        g = parse({});
        BOOST_TEST(g.user.empty());
        BOOST_TEST(g.password.empty());
        BOOST_TEST(g.token == "env-token");
        BOOST_TEST(g.ni_user == "p-ni"); // the other server's are still the profile's
    }
    // The profile's password goes with the profile's user only (without a terminal to ask on).
    if (::isatty(STDIN_FILENO) != 1) {
        g = parse({"--user", "someone-else", "--ni-token", "T"});
        BOOST_TEST(g.user == "someone-else");
        BOOST_TEST(g.password.empty());
        BOOST_TEST(g.ni_user.empty());
        BOOST_TEST(g.ni_password.empty());
    }
    {
        scoped_env env_profile({{"KEYOPS_PROFILE", "other"}});
        g = parse({});
        BOOST_TEST(g.profile == "other");
        BOOST_TEST(g.url.empty());
        BOOST_TEST(g.token == "other-token");
        BOOST_TEST(parse({"--profile", "default"}).url == "https://p-cm"); // the flag wins
    }
    const auto unknown = error_of([&] { parse({"--profile", "nope"}); });
    BOOST_TEST(unknown == conf + ": no profile 'nope'; it has: default, other");
}

BOOST_AUTO_TEST_CASE(no_config_file) {
    scoped_env base(clean);
    const auto g = parse({"--url", "https://x"});
    BOOST_TEST(g.profile.empty());
    BOOST_TEST(g.url == "https://x");
    const auto e = error_of([&] { parse({"--profile", "prod"}); });
    BOOST_TEST(
        e.find("profile 'prod' asked for, but there is no config file at " + default_config) == 0u,
        e);
    scoped_env missing({{"KEYOPS_CONFIG", "/nonexistent/keyops.conf"}});
    const auto m = error_of([&] { parse({}); });
    BOOST_TEST(m.find("config file /nonexistent/keyops.conf (KEYOPS_CONFIG): ") == 0u, m);
}

BOOST_AUTO_TEST_CASE(network_insight_falls_back_to_url_and_cacert) {
    keyops_cli::global_options g;
    g.url = "https://cm:8443";
    g.cacert = "/cm.pem";
    auto n = keyops_cli::network_insight_view(g);
    BOOST_TEST(n.url == "https://cm:8443");
    BOOST_TEST(n.cacert == "/cm.pem");
    g.ni_url = "https://ni";
    n = keyops_cli::network_insight_view(g);
    BOOST_TEST(n.url == "https://ni");
    BOOST_TEST(n.ni_base.empty());
    // A path is the API's base (Network Insight SaaS serves it under /ni/api/ni).
    g.ni_url = "https://ni.example:8443/ni/api/ni/";
    n = keyops_cli::network_insight_view(g);
    BOOST_TEST(n.url == "https://ni.example:8443");
    BOOST_TEST(n.ni_base == "/ni/api/ni");
    g.ni_url = "https://ni/api?x=1";
    const auto e = error_of([&] { keyops_cli::network_insight_view(g); });
    BOOST_TEST(e.find("--ni-url must be https://HOST[:PORT]") == 0u, e);
}

BOOST_AUTO_TEST_SUITE_END()
