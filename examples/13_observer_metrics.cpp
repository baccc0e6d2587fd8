// Guide "Logging and metrics": a keyops::observer that logs each exchange and counts requests,
// responses, retries and their latencies, printed at the end in Prometheus' text format, beside
// the counters every client keeps (client.counters()).
//
//   13_observer_metrics URL CA_FILE        (KEYOPS_USER and KEYOPS_PASSWORD in the environment)
//
// Starts an OCI synchronization and waits for it. Exit 0 when the job completed and the
// observer saw every request the client counted, 1 otherwise, 2 for bad usage.

#include <keyops/keyops.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

//[observer
// Counts what the client reports. Events name a request by method and target only: never a
// header, a body, a password or a token.
class metrics_observer : public keyops::observer {
public:
    void on_request(const keyops::request_event& e) override {
        ++requests_;
        std::clog << "-> " << e.method << ' ' << e.target
                  << (e.attempt > 1 ? " (attempt " + std::to_string(e.attempt) + ")" : "") << '\n';
    }
    void on_response(const keyops::response_event& e) override {
        const std::string status = e.status ? std::to_string(e.status) : "none";
        ++responses_[status];
        const double seconds = std::chrono::duration<double>(e.elapsed).count();
        for (std::size_t i = 0; i < bounds_.size(); ++i)
            if (seconds <= bounds_[i])
                ++buckets_[i]; // Prometheus buckets are cumulative: every bound above counts it
        ++latency_count_;
        latency_sum_ += seconds;
        std::clog << "<- " << status << ' ' << e.target << " in " << seconds * 1000 << " ms\n";
    }
    void on_retry(const keyops::retry_event& e) override {
        ++retries_;
        std::clog << "   retry after " << std::chrono::duration<double>(e.delay).count()
                  << " s: " << e.reason << '\n';
    }
    void on_token_renewal(const keyops::renewal_event& e) override {
        ++(e.ec ? renewals_failed_ : renewals_);
    }
    //]

    //[prometheus
    // The counts in Prometheus' text exposition format.
    void write_prometheus(std::ostream& out) const {
        out << "# HELP agent_keyops_requests_total Requests sent, token requests included.\n"
            << "# TYPE agent_keyops_requests_total counter\n"
            << "agent_keyops_requests_total " << requests_ << '\n';
        out << "# HELP agent_keyops_responses_total Attempts ended, by HTTP status.\n"
            << "# TYPE agent_keyops_responses_total counter\n";
        for (const auto& [status, n] : responses_)
            out << "agent_keyops_responses_total{status=\"" << status << "\"} " << n << '\n';
        out << "# HELP agent_keyops_retries_total Attempts the retry policy repeated.\n"
            << "# TYPE agent_keyops_retries_total counter\n"
            << "agent_keyops_retries_total " << retries_ << '\n';
        out << "# HELP agent_keyops_token_renewals_total Token requests, by result.\n"
            << "# TYPE agent_keyops_token_renewals_total counter\n"
            << "agent_keyops_token_renewals_total{result=\"granted\"} " << renewals_ << '\n'
            << "agent_keyops_token_renewals_total{result=\"refused\"} " << renewals_failed_ << '\n';
        out << "# HELP agent_keyops_request_duration_seconds Time from sending to the answer.\n"
            << "# TYPE agent_keyops_request_duration_seconds histogram\n";
        for (std::size_t i = 0; i < bounds_.size(); ++i)
            out << "agent_keyops_request_duration_seconds_bucket{le=\"" << bounds_[i] << "\"} "
                << buckets_[i] << '\n';
        out << "agent_keyops_request_duration_seconds_bucket{le=\"+Inf\"} " << latency_count_
            << '\n'
            << "agent_keyops_request_duration_seconds_sum " << latency_sum_ << '\n'
            << "agent_keyops_request_duration_seconds_count " << latency_count_ << '\n';
    }
    //]

    std::uint64_t requests() const { return requests_; }
    std::uint64_t responses() const {
        std::uint64_t n = 0;
        for (const auto& [status, count] : responses_)
            n += count;
        return n;
    }

private:
    static constexpr std::array<double, 6> bounds_{0.005, 0.01, 0.05, 0.1, 0.5, 1};
    std::array<std::uint64_t, 6> buckets_{};
    std::uint64_t latency_count_ = 0;
    double latency_sum_ = 0;
    std::uint64_t requests_ = 0;
    std::map<std::string, std::uint64_t> responses_;
    std::uint64_t retries_ = 0;
    std::uint64_t renewals_ = 0;
    std::uint64_t renewals_failed_ = 0;
};

int main(int argc, char** argv) {
    const char* user = std::getenv("KEYOPS_USER");
    const char* password = std::getenv("KEYOPS_PASSWORD");
    if (argc != 3 || !user || !password) {
        std::cerr << "usage: KEYOPS_USER=.. KEYOPS_PASSWORD=.. 13_observer_metrics URL CA_FILE\n";
        return 2;
    }
    keyops::transport_options t;
    if (auto ec = keyops::parse_server_url(argv[1], t)) {
        std::cerr << argv[1] << ": " << ec.message() << '\n';
        return 2;
    }
    t.tls.ca_file = argv[2];
    keyops::ciphertrust_credentials who;
    who.username = user;
    who.password = password;

    //[plug_in
    metrics_observer metrics; // outlives the client
    keyops::client_options opt;
    opt.observer = &metrics;
    boost::asio::io_context io;
    keyops::client<keyops::beast_transport, keyops::ciphertrust_auth> cm(
        keyops::beast_transport(io.get_executor(), t), keyops::ciphertrust_auth(who),
        keyops::exponential_backoff(), opt);
    //]

    keyops::error_code ec;
    keyops::diagnostics diag;
    auto job = cm.call<keyops::cckm::start_job<keyops::cckm::oci>>(
        keyops::cckm::raw_json_body{R"({"vaults":["vault-1"]})"}, ec, diag);
    if (ec) {
        std::cerr << "start: " << diag.describe(ec) << '\n';
        return 1;
    }
    keyops::wait_options w;
    w.polling.deadline = std::chrono::minutes(2);
    auto r = keyops::wait_for_job<keyops::cckm::oci>(cm, std::string(job->id), w);
    std::cout << "job " << job->id << " ended " << keyops::to_string(r.outcome) << '\n';

    metrics.write_prometheus(std::cout);

    //[counters
    // Every client counts, with or without an observer.
    const keyops::client_counters& c = cm.counters();
    std::cout << "# client.counters(): " << c.requests << " requests, " << c.retries << " retries, "
              << c.renewals << " token requests, " << c.connects << " connects, " << c.bytes_out
              << " bytes out, " << c.bytes_in << " bytes in, " << c.failovers << " failovers\n";
    //]

    // The observer saw each request the client counted, and each one ended.
    const bool consistent =
        metrics.requests() == c.requests && metrics.responses() == c.requests && c.requests > 0;
    if (!consistent)
        std::cerr << "observer saw " << metrics.requests() << " requests and "
                  << metrics.responses() << " responses; the client counted " << c.requests << '\n';
    return r.outcome == keyops::wait_outcome::completed && consistent ? 0 : 1;
}
