// What the keyops commands share (see commands.hpp).

#include "commands.hpp"

#include <boost/asio/error.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>

#ifdef _WIN32
#include <windows.h> // after Asio's headers (commands.hpp), which include Winsock 2 first
#endif

namespace keyops_cli {

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

namespace {

#ifdef _WIN32

// Ctrl-C and Ctrl-Break, which Windows delivers on a thread of their own: a wait then ends as
// SIGINT ends it elsewhere, with exit 130. (Until then main.cpp's handler ends the tool at once,
// with 130 too.)
BOOL WINAPI on_console_event(DWORD event) {
    if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT)
        return FALSE;
    g_stop.store(true);
    return TRUE;
}

#else

extern "C" void on_signal(int) {
    g_stop.store(true);
}

#endif

} // namespace

void install_stop_handlers() {
#ifdef _WIN32
    static const bool installed = ::SetConsoleCtrlHandler(on_console_event, TRUE) != 0;
    (void)installed;
#else
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
#endif
}

int worse(int a, int b) {
    // Best to worst: ok, aborted, failed, deadline, not found, auth, network; an interruption
    // outranks them all.
    auto rank = [](int c) {
        switch (c) {
        case exit_ok:
            return 0;
        case exit_aborted:
            return 1;
        case exit_job_failed:
            return 2;
        case exit_deadline:
            return 3;
        case exit_not_found:
            return 4;
        case exit_auth:
            return 5;
        case exit_network:
            return 6;
        case exit_usage:
            return 7;
        default:
            return 8;
        }
    };
    return rank(b) > rank(a) ? b : a;
}

int exit_code_for(const keyops::error_code& ec) {
    using keyops::error;
    if (ec == error::unauthorized || ec == error::forbidden || ec == error::token_limit_reached)
        return exit_auth;
    if (ec == error::not_found)
        return exit_not_found;
    if (ec == error::conflict)
        return exit_conflict;
    // A call that ran past --timeout is a network or server failure, on every path; exit 5
    // means that a wait's --deadline passed (see the wait outcomes below).
    if (ec == error::invalid_argument)
        return exit_usage;
    if (ec == boost::asio::error::operation_aborted)
        return exit_interrupted;
    return exit_network;
}

int exit_code_for(keyops::wait_outcome outcome, const keyops::error_code& ec) {
    switch (outcome) {
    case keyops::wait_outcome::completed:
    case keyops::wait_outcome::rotation_success:
        return exit_ok;
    case keyops::wait_outcome::completed_aborted:
        return exit_aborted;
    case keyops::wait_outcome::failed:
    case keyops::wait_outcome::rotation_failed:
        return exit_job_failed;
    case keyops::wait_outcome::deadline:
        return exit_deadline;
    case keyops::wait_outcome::cancelled:
        return exit_interrupted;
    case keyops::wait_outcome::error:
        break;
    }
    return exit_code_for(ec);
}

keyops::transport_options make_transport(const global_options& g) {
    if (g.url.empty())
        throw usage_error("no server given: use --url https://HOST[:PORT] or set KEYOPS_URL");
    keyops::transport_options t;
    std::string path;
    if (keyops::parse_server_urls(g.url, t, &path) || !path.empty()) {
        // A URL with user information could hold a password: never echo it.
        const bool echo = g.url.find('@') == std::string::npos;
        throw usage_error("--url must be https://HOST[:PORT] (or http://), with no path; a "
                          "cluster's nodes as a comma list or repeated --url, one scheme" +
                          (echo ? ", not '" + g.url + "'" : std::string()));
    }
    if (!g.cacert.empty()) {
        read_text_file("--cacert", g.cacert); // a clear message now rather than a TLS error later
        t.tls.ca_file = g.cacert;
        t.tls.use_system_store = false;
    }
    t.tls.insecure_skip_verify = g.insecure;
    t.connect_timeout = g.timeout;
    t.request_timeout = g.timeout;
    const bool verbose = g.verbose;
    t.log = [verbose](keyops::log_level level, std::string_view line) {
        if (verbose || level == keyops::log_level::warning)
            std::cerr << "keyops: " << line << '\n';
    };
    return t;
}

cm_session_end::cm_session_end(cm_client& c, const global_options& g)
    : c_(c), limit_(std::min<std::chrono::milliseconds>(g.timeout, std::chrono::seconds(5))) {}

cm_session_end::~cm_session_end() {
    keyops::error_code ec;
    keyops::diagnostics diag;
    c_.close(ec, diag, limit_);
    if (ec)
        report_error("revoking the CipherTrust refresh token", ec, diag);
}

cm_client make_cm(boost::asio::io_context& io, const global_options& g, const char* what) {
    auto t = make_transport(g);
    if (!g.user.empty()) {
        if (g.password.empty())
            throw usage_error("--user needs a password: --password-file FILE or KEYOPS_PASSWORD");
        keyops::ciphertrust_credentials c;
        c.username = g.user;
        c.password = g.password;
        c.domain = g.domain;
        c.auth_domain = g.auth_domain;
        return cm_client(keyops::beast_transport(io.get_executor(), std::move(t)),
                         cm_auth(keyops::ciphertrust_auth(std::move(c))),
                         keyops::exponential_backoff(), make_client_options(g));
    }
    if (g.token.empty())
        throw usage_error(std::string(what) +
                          " commands need CipherTrust Manager credentials: --user U with "
                          "--password-file FILE or KEYOPS_PASSWORD, or --token T or KEYOPS_TOKEN");
    return cm_client(keyops::beast_transport(io.get_executor(), std::move(t)),
                     cm_auth(keyops::static_token(keyops::static_token::scheme::bearer, g.token)),
                     keyops::exponential_backoff(), make_client_options(g));
}

keyops::client_options make_client_options(const global_options& g) {
    keyops::client_options o;
    o.call_timeout = g.timeout;
    if (g.verbose)
        o.observer = verbose_observer();
    return o;
}

} // namespace keyops_cli
