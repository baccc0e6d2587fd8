// Guide "Network Insight": the SaaS form. A CSP API token is exchanged for an access token at
// VMware Cloud Services, which then goes with every request as `csp-auth-token`; the API is
// under /ni/api/ni. Rotates the collector proxy key and waits for the rotation.
//
//   11_ni_saas URL CA_FILE        (KEYOPS_CSP_TOKEN in the environment)
//
// URL is the Network Insight SaaS API (https://api.mgmt.cloud.vmware.com). The token exchange
// goes to https://console.cloud.vmware.com, or to KEYOPS_CSP_URL when set: keyops-sim serves the
// exchange itself, and examples/run_example.sh points KEYOPS_CSP_URL at it.
//
// Exit 0 when the rotation ended SUCCESS, 1 otherwise, 2 for bad usage.

#include <keyops/keyops.hpp>

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
    const char* api_token = std::getenv("KEYOPS_CSP_TOKEN");
    if (argc != 3 || !api_token) {
        std::cerr << "usage: KEYOPS_CSP_TOKEN=.. 11_ni_saas URL CA_FILE\n";
        return 2;
    }
    keyops::transport_options t;
    if (auto ec = keyops::parse_server_url(argv[1], t)) {
        std::cerr << argv[1] << ": " << ec.message() << '\n';
        return 2;
    }
    t.tls.ca_file = argv[2]; // trusted for both origins, on top of the system store

    //[saas_client
    keyops::client_options o;
    o.network_insight_base = "/ni/api/ni"; // the SaaS API's base path
    if (const char* csp = std::getenv("KEYOPS_CSP_URL"))
        o.csp_base = csp; // default: https://console.cloud.vmware.com
    keyops::network_insight_csp_credentials csp;
    csp.api_token = api_token; // exchanged at o.csp_base, again whenever the access token expires
    boost::asio::io_context io;
    keyops::client<keyops::beast_transport, keyops::network_insight_csp_auth> ni(
        keyops::beast_transport(io.get_executor(), t), keyops::network_insight_csp_auth(csp),
        keyops::exponential_backoff(), o);
    //]

    try {
        //[rotate_and_wait
        auto submitted = ni.call<keyops::ni::rotate_proxy_key>(); // POST, never retried
        std::cout << "rotation " << submitted->status.raw << '\n';

        keyops::wait_options w;
        w.polling.deadline = std::chrono::minutes(5);
        w.on_rotation_progress = [](const keyops::ni::rotation_status& s, auto) {
            std::cout << "  " << s.status.raw << '\n';
        };
        auto r = keyops::wait_for_rotation(ni, w);
        std::cout << "ended " << keyops::to_string(r.outcome) << " after " << r.polls << " polls\n";
        if (r.outcome == keyops::wait_outcome::rotation_failed)
            for (auto collector : r.status->failed_collector_ids)
                std::cerr << "  collector " << collector << " failed\n";
        else if (r.outcome == keyops::wait_outcome::error)
            std::cerr << r.diag.describe(r.ec) << '\n';

        auto key = ni.call<keyops::ni::proxy_key_details>();
        std::cout << "key valid " << key->remaining_validity << " more days of " << key->lifetime
                  << ", last rotated by " << key->last_updated_by << '\n';
        //]
        keyops::error_code ec;
        keyops::diagnostics diag;
        ni.close(ec, diag);
        return r.outcome == keyops::wait_outcome::rotation_success ? 0 : 1;
    } catch (const keyops::exception& e) {
        std::cerr << e.what() << '\n'; // never the API token
        return 1;
    }
}
