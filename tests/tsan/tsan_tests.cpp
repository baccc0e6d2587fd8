// Clients under ThreadSanitizer, against keyops-sim on loopback (started by
// tests/integration/with_sim.sh: access tokens live 2 s, jobs run 2 s), in every executor
// arrangement README.md allows ("Threads and lifetimes"; the rule is stated at the top of
// keyops/transport/beast_transport.hpp):
//   - a client made on an io_context's plain executor, used from one strand of it (calls started
//     on the strand, completion handlers bound to it), four threads running the io_context;
//   - a client made on a strand, four threads running the io_context;
//   - a thread pool of four threads, one strand per client;
//   - sync calls and sync waits from eight threads, each with its own client.
// In each, async calls (chains of them, each completion starting the next call, as a polling loop
// does) and async waits are in flight together on one client, while tokens are renewed under them
// (2 s tokens, every access token expired once by the simulator's POST /__sim/expire-tokens, and
// 401s forced by a fault): calls wait for a renewal another call fetches. Clients end closed
// (async_close, which revokes the refresh token), destroyed in a handler (which leaves a detached
// release), or kept with their idle connections: run() must return all the same.
//
// Built with KEYOPS_TSAN=ON (scripts/test-tsan), with TSAN_OPTIONS=halt_on_error=1: any report
// fails the run. The load is fixed counts (a few seconds, most of it the jobs' 2 s); the results
// are asserted (every call succeeded, every wait completed), never durations. Boost.Test is not
// thread-safe: the threads only count, and the test checks once they are joined.

#define BOOST_TEST_MODULE keyops tsan tests
#include <boost/test/included/unit_test.hpp>

#include "../integration/sim_support.hpp"

#include <keyops/wait/wait.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace cckm = keyops::cckm;
using namespace std::chrono_literals;
using namespace sim_support;

namespace {

// An OCI job of the simulator's seed, ended long ago.
constexpr const char* seed_job = "45f1c056-ad1f-41b7-bf68-2b2909e51ab9";

// How much one client does, all at once: `chains` chains of `calls` async calls each, one
// async_wait_for_jobs on every job given and one async_wait_for_job on the first.
struct load_size {
    unsigned chains = 4;
    unsigned calls = 40;
};

// What a client's load came to. Touched only where the client's handlers run (its strand), read
// by the test once the threads are joined.
struct tally {
    unsigned calls = 0;     // calls that succeeded
    unsigned waits = 0;     // waits whose every job completed
    unsigned jobs = 0;      // jobs seen completed by the waits
    unsigned closed = 0;    // async_close that succeeded
    unsigned destroyed = 0; // clients destroyed in a handler
    std::vector<std::string> errors;
};

keyops::wait_options quick_polling() {
    keyops::wait_options w;
    w.polling.first_interval = 100ms;
    w.polling.growth = 1.0;
    w.polling.max_interval = 100ms;
    w.polling.deadline = 60s;
    return w;
}

// How a client's load ends, once every chain and wait has: async_close; the client destroyed in
// a handler (its owner reset), which leaves a detached release of its refresh token; or nothing
// (the client keeps its idle connections).
enum class ending { close, destroy, keep };

// One client's load, started on the client's strand and run there. `Wrap` gives each
// completion handler its executor: bound to the strand (a client made on a plain executor), or
// left as it is (the client's own executor is the strand).
template <class Client, class Wrap>
class client_load {
public:
    client_load(std::unique_ptr<Client>& c, Wrap wrap, std::vector<std::string> jobs, ending e,
                tally& t)
        : owner_(c), c_(*c), wrap_(std::move(wrap)), jobs_(std::move(jobs)), ending_(e), t_(t) {}

    void start(load_size n) {
        diags_.resize(n.chains);
        for (unsigned i = 0; i < n.chains; ++i) {
            ++running_;
            call(i, n.calls);
        }
        ++running_;
        keyops::async_wait_for_jobs<cckm::oci>(
            c_, jobs_, quick_polling(),
            wrap_([this](keyops::error_code ec, std::vector<keyops::job_wait_result> r) {
                bool all = !ec && r.size() == jobs_.size();
                for (const auto& one : r) {
                    if (one.outcome == keyops::wait_outcome::completed)
                        ++t_.jobs;
                    else
                        all = false;
                    if (one.ec)
                        t_.errors.push_back("wait_for_jobs " + one.id + ": " +
                                            one.diag.describe(one.ec));
                }
                if (ec)
                    t_.errors.push_back("wait_for_jobs: " + ec.message());
                t_.waits += all;
                ended();
            }));
        ++running_;
        keyops::async_wait_for_job<cckm::oci>(
            c_, jobs_.front(), quick_polling(),
            wrap_([this](keyops::error_code ec, keyops::job_wait_result r) {
                const bool ok = !ec && r.outcome == keyops::wait_outcome::completed;
                if (ok)
                    ++t_.jobs;
                else
                    t_.errors.push_back("wait_for_job " + r.id + ": " + r.diag.describe(r.ec));
                t_.waits += ok;
                ended();
            }));
    }

private:
    // Chain `i`: `left` more calls, each started by the previous one's completion handler. Even
    // chains read the seed job, odd ones list jobs.
    void call(unsigned i, unsigned left) {
        auto done = [this, i, left](keyops::error_code ec, auto&&) {
            if (ec)
                t_.errors.push_back("call: " + diags_[i].describe(ec));
            else
                ++t_.calls;
            if (left > 1)
                call(i, left - 1);
            else
                ended();
        };
        if (i % 2 == 0) {
            c_.template async_call<cckm::get_job<cckm::oci>>(keyops::job_id(seed_job), diags_[i],
                                                             wrap_(std::move(done)));
        } else {
            cckm::list_query<cckm::oci> q;
            q.limit = 2;
            c_.template async_call<cckm::list_jobs<cckm::oci>>(q, diags_[i],
                                                               wrap_(std::move(done)));
        }
    }

    // A chain or a wait ended; after the last one, the load's ending.
    void ended() {
        if (--running_ != 0 || ending_ == ending::keep)
            return;
        if (ending_ == ending::destroy) {
            // Posted, so that nothing of the client is on the stack when it goes.
            auto ex = boost::asio::get_associated_executor(wrap_([](keyops::error_code) {}),
                                                           c_.get_executor());
            boost::asio::post(ex, [this] {
                owner_.reset();
                ++t_.destroyed;
            });
            return;
        }
        c_.async_close(close_diag_, wrap_([this](keyops::error_code ec) {
                           if (ec)
                               t_.errors.push_back("close: " + close_diag_.describe(ec));
                           else
                               ++t_.closed;
                       }));
    }

    std::unique_ptr<Client>& owner_;
    Client& c_;
    Wrap wrap_;
    std::vector<std::string> jobs_;
    ending ending_;
    tally& t_;
    unsigned running_ = 0;
    std::vector<keyops::diagnostics> diags_; // each chain's, for the call under way
    keyops::diagnostics close_diag_;
};

template <class Client, class Wrap>
std::unique_ptr<client_load<Client, Wrap>> make_load(std::unique_ptr<Client>& c, Wrap wrap,
                                                     std::vector<std::string> jobs, ending e,
                                                     tally& t) {
    return std::make_unique<client_load<Client, Wrap>>(c, std::move(wrap), std::move(jobs), e, t);
}

// Handlers bound to a strand.
template <class Strand>
auto bound_to(Strand s) {
    return [s](auto h) {
        return boost::asio::bind_executor(s, std::move(h));
    };
}
// Handlers left unbound.
inline auto unbound() {
    return [](auto h) {
        return h;
    };
}

void run_threads(boost::asio::io_context& io, unsigned n) {
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < n; ++i)
        threads.emplace_back([&io] { io.run(); });
    for (auto& t : threads)
        t.join();
}

struct tsan_fixture : sim_fixture {
    // Read once here: sim_transport() checks with Boost.Test, which the clients' threads must
    // not use.
    const keyops::transport_options topt = sim_transport();

    // OCI jobs started now (each runs 2 s).
    std::vector<std::string> start_jobs(unsigned n) {
        std::vector<std::string> ids;
        for (unsigned i = 0; i < n; ++i)
            ids.emplace_back(
                cm.call<cckm::start_job<cckm::oci>>(
                      cckm::raw_json_body{R"({"vaults":["tsan-)" + std::to_string(i) + R"("]})"})
                    ->id);
        return ids;
    }

    // `request_timeout`: short, so that the deadline timer a connection keeps from one exchange
    // to the next fires under later exchanges, and waits again for theirs (connect.hpp).
    std::unique_ptr<cm_client> make_cm_on(const keyops::beast_transport::executor_type& ex,
                                          std::chrono::milliseconds request_timeout = 30s) {
        keyops::ciphertrust_credentials c;
        c.username = "admin";
        c.password = "admin";
        keyops::transport_options o = topt;
        o.request_timeout = request_timeout;
        return std::make_unique<cm_client>(keyops::beast_transport(ex, o),
                                           keyops::ciphertrust_auth(c),
                                           keyops::exponential_backoff(quick_retries(), 21));
    }

    std::unique_ptr<ni_client> make_ni_on(const keyops::beast_transport::executor_type& ex) {
        keyops::network_insight_credentials c;
        c.username = "admin";
        c.password = "admin";
        return std::make_unique<ni_client>(keyops::beast_transport(ex, topt),
                                           keyops::network_insight_auth(c),
                                           keyops::exponential_backoff(quick_retries(), 22));
    }

    // Token renewals forced under the load, besides those the 2 s tokens ask for: a 401 fault
    // that the first CCKM GET meets (one call renews its token while the others go on or wait
    // for it); 700 ms later every access token expired (the admin route: every call in flight is
    // answered 401, one renews, the others wait for it); 700 ms later another 401 fault. A call
    // answered 401 twice fails, rightly: the one event that answers many calls 401 comes once,
    // and the others answer one request each, so that no call meets two however slow TSan makes
    // it. From a thread of its own, with sync admin calls; stop() ends it early.
    class expirer {
    public:
        expirer(sim_fixture& f, unsigned times) : f_(f) {
            f_.fault(rule);
            thread_ = std::thread([this, times] { run(times); });
        }
        ~expirer() { stop(); }
        void stop() {
            stop_ = true;
            if (thread_.joinable())
                thread_.join();
        }
        unsigned failed() const { return failed_; }

    private:
        static constexpr const char* rule =
            R"({"route":"/api/v1/cckm/oci","method":"GET","fault":"status","status":401,"count":1})";

        void run(unsigned times) {
            for (unsigned i = 0; i < times; ++i) {
                for (int slept = 0; slept < 7 && !stop_; ++slept)
                    std::this_thread::sleep_for(100ms);
                if (stop_)
                    return;
                keyops::error_code ec;
                keyops::diagnostics diag;
                if (i == 0)
                    f_.admin.call<sim::expire_tokens>(ec, diag);
                else
                    f_.admin.call<sim::add_fault>(sim::json_text{rule}, ec, diag);
                failed_ += ec ? 1 : 0;
            }
        }
        sim_fixture& f_;
        std::atomic<bool> stop_{false};
        std::atomic<unsigned> failed_{0};
        std::thread thread_;
    };

    void check(const tally& t, const load_size& n, unsigned waits, unsigned jobs) {
        for (const auto& e : t.errors)
            BOOST_TEST_MESSAGE(e);
        BOOST_TEST(t.errors.empty());
        BOOST_TEST(t.calls == n.chains * n.calls);
        BOOST_TEST(t.waits == waits);
        BOOST_TEST(t.jobs == jobs);
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(tsan)

BOOST_FIXTURE_TEST_CASE(plain_executor_used_from_a_strand, tsan_fixture) {
    // The arrangement of the review's report: the client's executor is the io_context's own,
    // four threads run it, and the client is used from one strand. The client keeps its idle
    // connections at the end, and run() returns all the same; destroyed then, it leaves a
    // detached release, which the next run() runs.
    const auto jobs = start_jobs(3);
    boost::asio::io_context io(4);
    auto strand = boost::asio::make_strand(io);
    auto c = make_cm_on(io.get_executor(), 500ms);
    // A Network Insight client beside it, used from the same strand, destroyed in the handler of
    // its last call: its token's release is detached.
    auto ni = make_ni_on(io.get_executor());
    tally t;
    tally nt;
    const load_size n;
    auto load = make_load(c, bound_to(strand), jobs, ending::keep, t);
    std::function<void(unsigned)> ni_calls = [&](unsigned left) {
        ni->async_call<keyops::ni::proxy_key_details>(
            boost::asio::bind_executor(strand, [&, left](keyops::error_code ec, auto&&) {
                if (ec)
                    nt.errors.push_back("ni call: " + ec.message());
                else
                    ++nt.calls;
                if (left > 1)
                    return ni_calls(left - 1);
                // Destroyed in its last call's handler, while what that call's exchange left
                // behind (the check that ends its connection's deadline wait) is still to run.
                ni.reset();
                ++nt.destroyed;
            }));
    };
    boost::asio::post(strand, [&] {
        load->start(n);
        ni_calls(10);
    });
    expirer x(*this, 2);
    run_threads(io, 4);
    x.stop();
    BOOST_TEST(x.failed() == 0u);
    check(t, n, 2, 4);
    BOOST_TEST(c->transport().idle_connections() >= 1u);
    BOOST_TEST(seen("POST /api/v1/auth/revoke") == 0);
    c.reset();
    io.restart();
    run_threads(io, 4);
    BOOST_TEST(seen("POST /api/v1/auth/revoke") == 1); // the detached release ran
    for (const auto& e : nt.errors)
        BOOST_TEST_MESSAGE(e);
    BOOST_TEST(nt.errors.empty());
    BOOST_TEST(nt.calls == 10u);
    BOOST_TEST(nt.destroyed == 1u);
    BOOST_TEST(seen("DELETE /api/ni/auth/token") == 1); // the detached release ran
    BOOST_TEST(live_ni_tokens() == 0);
    BOOST_TEST(seen("POST /api/v1/auth/tokens") >= 2); // a grant, then renewals
}

BOOST_FIXTURE_TEST_CASE(client_made_on_a_strand, tsan_fixture) {
    // The client's executor is a strand that four threads run; handlers are left unbound (they
    // run on the client's strand). Destroyed at the end: its refresh token's release is detached.
    const auto jobs = start_jobs(3);
    boost::asio::io_context io(4);
    auto strand = boost::asio::make_strand(io);
    auto c = make_cm_on(strand, 500ms);
    tally t;
    const load_size n;
    auto load = make_load(c, unbound(), jobs, ending::destroy, t);
    boost::asio::post(strand, [&] { load->start(n); });
    expirer x(*this, 2);
    run_threads(io, 4);
    x.stop();
    BOOST_TEST(x.failed() == 0u);
    check(t, n, 2, 4);
    BOOST_TEST(t.destroyed == 1u);
    BOOST_TEST(!c);
    BOOST_TEST(seen("POST /api/v1/auth/revoke") == 1); // the detached release ran
    BOOST_TEST(seen("POST /api/v1/auth/tokens") >= 2);
}

BOOST_FIXTURE_TEST_CASE(thread_pool_with_a_strand_per_client, tsan_fixture) {
    // Three clients on a pool of four threads, each on a strand of its own; two are closed, one
    // destroyed.
    constexpr unsigned clients = 3;
    const auto jobs = start_jobs(2 * clients);
    boost::asio::thread_pool pool(4);
    std::vector<std::unique_ptr<cm_client>> cs;
    std::vector<tally> ts(clients);
    const load_size n{3, 30};
    std::vector<std::unique_ptr<client_load<cm_client, decltype(unbound())>>> loads;
    for (unsigned i = 0; i < clients; ++i)
        cs.push_back(make_cm_on(boost::asio::make_strand(pool), 500ms));
    for (unsigned i = 0; i < clients; ++i)
        loads.push_back(make_load(cs[i], unbound(), {jobs[2 * i], jobs[2 * i + 1]},
                                  i == 2 ? ending::destroy : ending::close, ts[i]));
    expirer x(*this, 2);
    for (unsigned i = 0; i < clients; ++i)
        boost::asio::post(cs[i]->get_executor(), [&, i] { loads[i]->start(n); });
    pool.join();
    x.stop();
    BOOST_TEST(x.failed() == 0u);
    for (unsigned i = 0; i < clients; ++i) {
        BOOST_TEST_CONTEXT("client " << i) {
            check(ts[i], n, 2, 3);
            BOOST_TEST(ts[i].closed == (i == 2 ? 0u : 1u));
            BOOST_TEST(ts[i].destroyed == (i == 2 ? 1u : 0u));
        }
    }
    BOOST_TEST(seen("POST /api/v1/auth/revoke") == clients); // two closes, one detached release
    BOOST_TEST(seen("POST /api/v1/auth/tokens") >= 2 * clients);
}

BOOST_FIXTURE_TEST_CASE(sync_calls_from_eight_threads, tsan_fixture) {
    // Eight threads, each with its own client made on one io_context's executor (which nothing
    // runs): sync calls, then a sync wait, while tokens expire.
    constexpr unsigned threads = 8;
    constexpr unsigned calls = 15;
    const auto jobs = start_jobs(threads);
    boost::asio::io_context io;
    std::vector<tally> ts(threads);
    expirer x(*this, 2);
    std::vector<std::thread> running;
    for (unsigned i = 0; i < threads; ++i) {
        running.emplace_back([&, i] {
            tally& t = ts[i];
            auto c = make_cm_on(io.get_executor());
            for (unsigned k = 0; k < calls; ++k) {
                keyops::error_code ec;
                keyops::diagnostics diag;
                if (k % 2 == 0) {
                    c->call<cckm::get_job<cckm::oci>>(keyops::job_id(seed_job), ec, diag);
                } else {
                    cckm::list_query<cckm::oci> q;
                    q.limit = 2;
                    c->call<cckm::list_jobs<cckm::oci>>(q, ec, diag);
                }
                if (ec)
                    t.errors.push_back("call: " + diag.describe(ec));
                else
                    ++t.calls;
            }
            auto r = keyops::wait_for_job<cckm::oci>(*c, jobs[i], quick_polling());
            if (r.outcome == keyops::wait_outcome::completed) {
                ++t.waits;
                ++t.jobs;
            } else {
                t.errors.push_back("wait_for_job " + r.id + ": " + r.diag.describe(r.ec));
            }
            keyops::error_code ec;
            keyops::diagnostics diag;
            c->close(ec, diag);
            if (ec)
                t.errors.push_back("close: " + diag.describe(ec));
            else
                ++t.closed;
        });
    }
    for (auto& t : running)
        t.join();
    x.stop();
    BOOST_TEST(x.failed() == 0u);
    for (unsigned i = 0; i < threads; ++i) {
        BOOST_TEST_CONTEXT("thread " << i) {
            check(ts[i], load_size{1, calls}, 1, 1);
            BOOST_TEST(ts[i].closed == 1u);
        }
    }
    BOOST_TEST(seen("POST /api/v1/auth/revoke") == threads);
    BOOST_TEST(seen("POST /api/v1/auth/tokens") >= 2 * threads);
}

BOOST_AUTO_TEST_SUITE_END()
