// Tutorial, step 6: the Network Insight proxy key, on premises. Logs in (a LOCAL user), reads
// the key's details, rotates the key, waits for the rotation to end, reads the details again,
// and closes the client, which releases the token (a user may hold at most 100).
//
//   06_proxy_key URL CA_FILE        (KEYOPS_NI_USER and KEYOPS_NI_PASSWORD in the environment)
//
// Exit 0 when the rotation ended SUCCESS, the key was renewed and the token was released, 1
// otherwise.

#include <keyops/keyops.hpp>

#include <cstdlib>
#include <iostream>

namespace ni = keyops::ni;

int main(int argc, char** argv) {
    const char* user = std::getenv("KEYOPS_NI_USER");
    const char* password = std::getenv("KEYOPS_NI_PASSWORD");
    if (argc != 3 || !user || !password) {
        std::cerr << "usage: KEYOPS_NI_USER=.. KEYOPS_NI_PASSWORD=.. 06_proxy_key URL CA_FILE\n";
        return 2;
    }
    keyops::transport_options t;
    if (auto ec = keyops::parse_server_url(argv[1], t)) {
        std::cerr << argv[1] << ": " << ec.message() << '\n';
        return 2;
    }
    t.tls.ca_file = argv[2];

    //[proxy_key
    // A Network Insight user of the LOCAL domain (for LDAP: ni::domain_type::ldap and the
    // domain's name in domain_value). Requests go under /api/ni.
    keyops::network_insight_credentials who;
    who.username = user;
    who.password = password;
    who.domain = ni::domain_type::local;

    boost::asio::io_context io;
    keyops::client<keyops::beast_transport, keyops::network_insight_auth> nic(
        keyops::beast_transport(io.get_executor(), t), keyops::network_insight_auth(who));

    keyops::error_code ec;
    keyops::diagnostics diag;
    auto before = nic.call<ni::proxy_key_details>(ec, diag);
    if (ec) {
        std::cerr << "details: " << diag.describe(ec) << '\n';
        return 1;
    }
    std::cout << "key valid " << before->remaining_validity << " more days of " << before->lifetime
              << ", last updated by " << before->last_updated_by << '\n';

    // Rotate: the answer is the new rotation's status (SUBMITTED). A rotation already under
    // way makes it fail with error::conflict (409).
    auto started = nic.call<ni::rotate_proxy_key>(ec, diag);
    if (ec) {
        std::cerr << "rotate: " << diag.describe(ec) << '\n';
        return 1;
    }
    std::cout << "rotation " << started->status.raw << '\n';

    keyops::wait_options w;
    w.polling.deadline = std::chrono::minutes(30);
    w.on_rotation_progress = [](const ni::rotation_status& s, auto) {
        std::cout << "  " << s.status.raw << '\n';
    };
    auto r = keyops::wait_for_rotation(nic, w);
    std::cout << "ended " << keyops::to_string(r.outcome) << " after " << r.polls << " polls\n";
    if (r.outcome == keyops::wait_outcome::rotation_failed)
        for (const auto& id : r.failed_collector_ids)
            std::cout << "  collector " << id << " did not take the new key\n";
    if (r.outcome == keyops::wait_outcome::error)
        std::cerr << r.diag.describe(r.ec) << '\n';

    auto after = nic.call<ni::proxy_key_details>(ec, diag);
    if (!ec)
        std::cout << "key valid " << after->remaining_validity << " more days\n";
    const bool renewed = !ec && after->last_updated_at > before->last_updated_at;

    nic.close(ec, diag); // DELETE /api/ni/auth/token: the token is released
    if (ec)
        std::cerr << "close: " << diag.describe(ec) << '\n';
    //]
    return r.outcome == keyops::wait_outcome::rotation_success && renewed && !ec ? 0 : 1;
}
