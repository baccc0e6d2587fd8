// Guide "Retries and budgets": a retry policy of one's own. It retries what
// keyops::exponential_backoff retries, and one thing more: Network Insight answers a proxy key
// rotation asked for while another runs with 409 Conflict, having done nothing, so the policy
// asks again after a pause until the running rotation has ended. Each decision is logged.
//
//   14_custom_retry URL CA_FILE        (KEYOPS_NI_USER and KEYOPS_NI_PASSWORD in the environment)
//
// Asks for two rotations one right after the other: the second meets the first still running,
// and the policy carries it through. Exit 0 when the policy retried at least one 409 and the
// second rotation ended SUCCESS, 1 otherwise, 2 for bad usage.

#include <keyops/keyops.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

//[policy
// A retry policy is any type with these two members (checked at compile time, retry/policies.hpp).
// It does no I/O: it answers "again, after this long" or "no, because", and the client pauses.
class rotation_conflict_retry {
public:
    explicit rotation_conflict_retry(std::chrono::milliseconds pause, unsigned max_conflicts)
        : pause_(pause), max_conflicts_(max_conflicts) {}

    keyops::retry_decision on_failure(unsigned attempts_made, const keyops::attempt_outcome& o,
                                      std::chrono::steady_clock::duration time_left) {
        keyops::retry_decision d;
        if (o.http_status == 409 && conflicts_ < max_conflicts_) {
            // Another rotation is running; this request changed nothing on the server.
            ++conflicts_;
            d.retry = pause_ < time_left;
            d.delay = pause_;
            d.reason = d.retry ? "409: a rotation is running; again in " +
                                     std::to_string(pause_.count()) + " ms"
                               : "409: a rotation is running, and the call's time is up";
        } else {
            d = fallback_.on_failure(attempts_made, o, time_left); // everything else
        }
        ++decisions_;
        std::cout << "  policy: attempt " << attempts_made << " failed ("
                  << (o.http_status ? std::to_string(o.http_status) : o.ec.message())
                  << "): " << (d.retry ? "retry" : "give up") << "; " << d.reason << '\n';
        return d;
    }

    void on_success() noexcept { fallback_.on_success(); } // refills the budget

    unsigned decisions() const noexcept { return decisions_; }
    unsigned conflicts() const noexcept { return conflicts_; }

private:
    std::chrono::milliseconds pause_;
    unsigned max_conflicts_;
    unsigned conflicts_ = 0;
    unsigned decisions_ = 0;
    keyops::exponential_backoff fallback_;
};
//]

int main(int argc, char** argv) {
    const char* user = std::getenv("KEYOPS_NI_USER");
    const char* password = std::getenv("KEYOPS_NI_PASSWORD");
    if (argc != 3 || !user || !password) {
        std::cerr << "usage: KEYOPS_NI_USER=.. KEYOPS_NI_PASSWORD=.. 14_custom_retry URL CA_FILE\n";
        return 2;
    }
    keyops::transport_options t;
    if (auto ec = keyops::parse_server_url(argv[1], t)) {
        std::cerr << argv[1] << ": " << ec.message() << '\n';
        return 2;
    }
    t.tls.ca_file = argv[2];

    //[use_policy
    //[on_premises
    // Network Insight on premises: a user of the LOCAL domain (or LDAP: domain, domain_value).
    keyops::network_insight_credentials who;
    who.username = user;
    who.password = password;
    //]
    boost::asio::io_context io;
    keyops::client<keyops::beast_transport, keyops::network_insight_auth, rotation_conflict_retry>
        ni(keyops::beast_transport(io.get_executor(), t), keyops::network_insight_auth(who),
           rotation_conflict_retry(std::chrono::milliseconds(500), 60));
    //]

    try {
        //[two_rotations
        // The first request starts a rotation; the second, sent at once, finds it running: 409,
        // and the policy asks again until the first has ended and the second is accepted.
        auto first = ni.call<keyops::ni::rotate_proxy_key>(); // POST: retried only on 409 here
        std::cout << "first rotation: " << first->status.raw << '\n';
        auto second = ni.call<keyops::ni::rotate_proxy_key>();
        std::cout << "second rotation: " << second->status.raw << '\n';

        keyops::wait_options w;
        w.polling.deadline = std::chrono::minutes(5);
        auto r = keyops::wait_for_rotation(ni, w);
        std::cout << "second rotation ended " << keyops::to_string(r.outcome) << '\n';
        const auto& policy = ni.retry();
        std::cout << policy.decisions() << " decisions, " << policy.conflicts()
                  << " conflicts retried; client.counters().retries = " << ni.counters().retries
                  << '\n';
        //]
        keyops::error_code ec;
        keyops::diagnostics diag;
        ni.close(ec, diag); // releases the Network Insight token
        return r.outcome == keyops::wait_outcome::rotation_success && policy.conflicts() > 0 ? 0
                                                                                             : 1;
    } catch (const keyops::exception& e) {
        std::cerr << e.what() << '\n';
        return 1;
    }
}
