// keyops proxy-key rotate, status and details: the Network Insight collector proxy key.

#include "commands.hpp"
#include "config.hpp"
#include "ni_client.hpp"

#include <keyops/auth/either_auth.hpp>
#include <keyops/auth/policies.hpp>
#include <keyops/client/client.hpp>
#include <keyops/endpoint/network_insight.hpp>
#include <keyops/transport/beast_transport.hpp>
#include <keyops/wait/wait.hpp>

#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace keyops_cli {

namespace ni = keyops::ni;

ni_client make_ni(boost::asio::io_context& io, const global_options& g) {
    const global_options n = network_insight_view(g); // --ni-url, else --url
    auto t = make_transport(n);
    auto opt = make_client_options(g);
    if (!n.ni_base.empty())
        opt.network_insight_base = n.ni_base;
    if (!g.ni_csp_token.empty()) {
        // SaaS: the CSP token service is another host; requests go under /ni/api/ni.
        if (n.ni_base.empty())
            opt.network_insight_base = "/ni/api/ni";
        if (!g.ni_csp_url.empty()) {
            keyops::transport_options check;
            std::string path;
            if (keyops::parse_server_url(g.ni_csp_url, check, &path))
                throw usage_error("--ni-csp-url must be https://HOST[:PORT][/PATH]");
            opt.csp_base = g.ni_csp_url;
            while (!opt.csp_base.empty() && opt.csp_base.back() == '/')
                opt.csp_base.pop_back();
        }
        keyops::network_insight_csp_credentials c;
        c.api_token = g.ni_csp_token;
        return ni_client(
            keyops::beast_transport(io.get_executor(), std::move(t)),
            ni_auth(keyops::either_auth<keyops::network_insight_csp_auth, keyops::static_token>(
                keyops::network_insight_csp_auth(std::move(c)))),
            keyops::exponential_backoff(), opt);
    }
    if (!g.ni_vidm_token.empty()) {
        keyops::network_insight_credentials c;
        c.vidm_token = g.ni_vidm_token;
        return ni_client(keyops::beast_transport(io.get_executor(), std::move(t)),
                         ni_auth(keyops::network_insight_auth(std::move(c))),
                         keyops::exponential_backoff(), opt);
    }
    if (!g.ni_user.empty()) {
        if (g.ni_password.empty())
            throw usage_error(
                "--ni-user needs a password: --ni-password-file FILE or KEYOPS_NI_PASSWORD");
        keyops::network_insight_credentials c;
        c.username = g.ni_user;
        c.password = g.ni_password;
        c.domain = g.ni_domain_type == "LDAP" ? ni::domain_type::ldap : ni::domain_type::local;
        c.domain_value = g.ni_domain.empty() ? std::string("local") : g.ni_domain;
        return ni_client(keyops::beast_transport(io.get_executor(), std::move(t)),
                         ni_auth(keyops::network_insight_auth(std::move(c))),
                         keyops::exponential_backoff(), opt);
    }
    if (g.ni_token.empty())
        throw usage_error(
            "proxy-key commands need Network Insight credentials: --ni-user U with "
            "--ni-password-file FILE or KEYOPS_NI_PASSWORD, --ni-token T, --ni-vidm-token-file "
            "FILE or --ni-csp-token-file FILE (SaaS)");
    return ni_client(
        keyops::beast_transport(io.get_executor(), std::move(t)),
        ni_auth(keyops::either_auth<keyops::network_insight_csp_auth, keyops::static_token>(
            keyops::static_token(keyops::static_token::scheme::network_insight, g.ni_token))),
        keyops::exponential_backoff(), opt);
}

int finish_ni(ni_client& c, int code) {
    keyops::error_code ec;
    keyops::diagnostics diag;
    c.close(ec, diag); // releases the token (each user may hold at most 100)
    if (ec)
        report_error("releasing the Network Insight token", ec, diag);
    return code;
}

int run_proxy_key(const global_options& g, const std::vector<std::string>& rest) {
    if (rest.size() < 2)
        throw usage_error("proxy-key needs a subcommand: rotate, status or details");
    const std::string& sub = rest[1];
    std::vector<std::string> valued, switches;
    if (sub == "rotate") {
        valued = {"--deadline", "--interval"};
        switches = {"--wait"};
    } else if (sub != "status" && sub != "details") {
        throw usage_error("unknown proxy-key subcommand '" + sub +
                          "'; one of rotate, status, details");
    }
    command_args a(tail(rest, 2), valued, switches);
    expect_positionals(a, 0, "");
    if (!a.has("--wait") && (a.has("--deadline") || a.has("--interval")))
        throw usage_error("--deadline and --interval apply to proxy-key rotate --wait");

    keyops::wait_options w;
    w.polling.first_interval = std::chrono::milliseconds(1000);
    w.polling.growth = 1.0;
    w.polling.deadline = std::chrono::milliseconds(0);
    if (auto i = a.value("--interval"))
        w.polling.first_interval = w.polling.max_interval = parse_duration("--interval", *i);
    if (auto d = a.value("--deadline"))
        w.polling.deadline = parse_duration("--deadline", *d);

    boost::asio::io_context io;
    auto c = make_ni(io, g);
    keyops::error_code ec;
    keyops::diagnostics diag;
    if (sub == "details")
        return finish_ni(c, call_and_show<ni::proxy_key_details>(c, g, "GET proxy key details",
                                                                 print_details_block));
    if (sub == "status") {
        auto st = c.call<ni::proxy_key_rotation_status>(ec, diag);
        verbose_note(g, "GET proxy key rotation status", diag);
        if (ec == keyops::error::not_found) {
            // Before any rotation was ever requested the server answers 404: not a failure.
            if (g.json)
                std::printf("null\n");
            else
                std::printf("%-20s%s\n", "status:", "no rotation requested");
            return finish_ni(c, exit_ok);
        }
        if (ec) {
            report_error("GET proxy key rotation status", ec, diag);
            return finish_ni(c, exit_code_for(ec));
        }
        if (g.json) {
            print_json_body(st.body());
        } else {
            warn_problems(st.problems());
            print_rotation_block(*st);
        }
        return finish_ni(c, exit_ok);
    }
    auto s = c.call<ni::rotate_proxy_key>(ec, diag);
    verbose_note(g, "POST proxy key rotation", diag);
    if (ec) {
        report_error("rotating the proxy key", ec, diag);
        return finish_ni(c, exit_code_for(ec));
    }
    if (!a.has("--wait")) {
        if (g.json)
            print_json_body(s.body());
        else
            print_rotation_block(*s);
        return finish_ni(c, exit_ok);
    }
    if (!g.json)
        std::printf("proxy key rotation %.*s\n", static_cast<int>(s->status.raw.size()),
                    s->status.raw.data());
    w.stop = &g_stop;
    install_stop_handlers();
    progress_view view = progress_view::for_options(g, 1);
    w.on_rotation_progress = [&](const ni::rotation_status& st, auto elapsed) {
        view.rotation(st, elapsed);
    };
    w.on_poll_failure = [&](const keyops::error_code& ec, const keyops::diagnostics& d,
                            auto elapsed) {
        view.outage(ec, d, elapsed);
    };
    auto r = keyops::wait_for_rotation(c, w);
    view.end();
    if (g.verbose)
        std::cerr << "keyops: waited for the rotation: " << count_text(r.polls, "poll", "polls")
                  << ", " << count_text(r.attempts, "HTTP attempt", "HTTP attempts") << '\n';
    if (r.outcome == keyops::wait_outcome::error) {
        report_error("waiting for the proxy key rotation", r.ec, r.diag);
    } else if (g.json) {
        print_json_body(r.status.body());
    } else {
        std::printf("rotation %s after %s", std::string(keyops::to_string(r.outcome)).c_str(),
                    seconds_text(r.elapsed).c_str());
        if (!r.failed_collector_ids.empty()) {
            std::printf("; failed collectors:");
            for (const auto& id : r.failed_collector_ids)
                std::printf(" %s", id.c_str());
        }
        std::printf("\n");
        if (!r.diag.detail.empty())
            std::cerr << "keyops: " << r.diag.detail << '\n';
    }
    return finish_ni(c, exit_code_for(r.outcome, r.ec));
}

} // namespace keyops_cli
