#ifndef KEYOPS_TESTS_SIM_SUPPORT_HPP
#define KEYOPS_TESTS_SIM_SUPPORT_HPP

// What the tests against keyops-sim share: the simulator's admin API as descriptors, the
// transport options that trust its certificate, and a fixture with an admin client and a
// CipherTrust client. The simulator is started by with_sim.sh, which sets KEYOPS_SIM_URL and
// KEYOPS_SIM_CA.

#include <keyops/client/client.hpp>
#include <keyops/keyops.hpp>
#include <keyops/transport/beast_transport.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>

// The simulator's admin API as descriptors of this test: adding an endpoint is a few lines.
namespace sim {

struct json_text {
    std::string text;
    keyops::error_code write_json(std::string& out) const {
        out = text;
        return {};
    }
};

struct stats {
    std::optional<std::int64_t> total;
    keyops::json_object_view requests;
};

template <keyops::http_method M, class Response, bool HasBody>
struct admin_endpoint {
    static constexpr keyops::http_method method = M;
    static constexpr keyops::api_service service = keyops::api_service::ciphertrust;
    using path_params = std::tuple<>;
    using query = keyops::no_query;
    using bodies = std::conditional_t<HasBody, std::tuple<json_text>, std::tuple<>>;
    static constexpr bool body_required = HasBody;
    using response = Response;
    static constexpr keyops::idempotency retry = keyops::idempotency::not_idempotent;
};

struct add_fault : admin_endpoint<keyops::http_method::post, keyops::empty_response, true> {
    static constexpr auto path = keyops::fixed_string("/__sim/faults");
};
struct clear_faults : admin_endpoint<keyops::http_method::delete_, keyops::empty_response, false> {
    static constexpr auto path = keyops::fixed_string("/__sim/faults");
};
struct get_stats : admin_endpoint<keyops::http_method::get, stats, false> {
    static constexpr auto path = keyops::fixed_string("/__sim/stats");
};
struct reset : admin_endpoint<keyops::http_method::post, keyops::empty_response, false> {
    static constexpr auto path = keyops::fixed_string("/__sim/reset");
};
struct expire_tokens : admin_endpoint<keyops::http_method::post, keyops::empty_response, false> {
    static constexpr auto path = keyops::fixed_string("/__sim/expire-tokens");
};

struct live_tokens {
    std::optional<std::int64_t> cckm;
    std::optional<std::int64_t> ni;
    std::optional<std::int64_t> cckm_refresh;
    std::optional<std::int64_t> cckm_refresh_revoked;
};
struct get_tokens : admin_endpoint<keyops::http_method::get, live_tokens, false> {
    static constexpr auto path = keyops::fixed_string("/__sim/tokens");
};
struct clear_stats : admin_endpoint<keyops::http_method::delete_, keyops::empty_response, false> {
    static constexpr auto path = keyops::fixed_string("/__sim/stats");
};
struct rotation_fail : admin_endpoint<keyops::http_method::post, keyops::empty_response, true> {
    static constexpr auto path = keyops::fixed_string("/__sim/rotation-fail");
};

} // namespace sim

template <>
struct keyops::json_schema<sim::stats> {
    static constexpr field_entry fields[] = {field<&sim::stats::total>("total"),
                                             field<&sim::stats::requests>("requests")};
};
template <>
struct keyops::json_schema<sim::live_tokens> {
    static constexpr field_entry fields[] = {
        field<&sim::live_tokens::cckm>("cckm"), field<&sim::live_tokens::ni>("ni"),
        field<&sim::live_tokens::cckm_refresh>("cckm_refresh"),
        field<&sim::live_tokens::cckm_refresh_revoked>("cckm_refresh_revoked")};
};

namespace sim_support {

using namespace std::chrono_literals;

inline std::string env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v)
        throw std::runtime_error(std::string(name) + " is not set: run through with_sim.sh");
    return v;
}

inline keyops::transport_options sim_transport() {
    keyops::transport_options o;
    BOOST_TEST_REQUIRE(!keyops::parse_server_url(env("KEYOPS_SIM_URL"), o));
    o.tls.ca_file = env("KEYOPS_SIM_CA");
    o.tls.use_system_store = false;
    o.proxy_from_environment = false;
    return o;
}

inline keyops::backoff_options quick_retries() {
    keyops::backoff_options b;
    b.initial_delay = 20ms;
    b.max_delay = 200ms;
    b.max_attempts = 4;
    return b;
}

using cm_client = keyops::client<keyops::beast_transport, keyops::ciphertrust_auth>;
using ni_client = keyops::client<keyops::beast_transport, keyops::network_insight_auth>;
using admin_client = keyops::client<keyops::beast_transport, keyops::no_auth, keyops::no_retry>;

struct sim_fixture {
    boost::asio::io_context io;
    admin_client admin;
    cm_client cm;
    keyops::error_code ec;
    keyops::diagnostics diag;

    static keyops::client_options admin_options() {
        keyops::client_options o;
        o.ciphertrust_base = "";
        return o;
    }

    sim_fixture()
        : admin(keyops::beast_transport(io.get_executor(), sim_transport()), {}, {},
                admin_options()),
          cm(make_cm()) {
        admin.call<sim::reset>();
    }

    cm_client make_cm(keyops::transport_options t = sim_transport()) {
        keyops::ciphertrust_credentials c;
        c.username = "admin";
        c.password = "admin";
        return cm_client(keyops::beast_transport(io.get_executor(), t), keyops::ciphertrust_auth(c),
                         keyops::exponential_backoff(quick_retries(), 11));
    }

    ni_client make_ni() { return make_ni_on(io); }

    static ni_client make_ni_on(boost::asio::io_context& ctx) {
        keyops::network_insight_credentials c;
        c.username = "admin";
        c.password = "admin";
        return ni_client(keyops::beast_transport(ctx.get_executor(), sim_transport()),
                         keyops::network_insight_auth(c),
                         keyops::exponential_backoff(quick_retries(), 12));
    }

    std::int64_t live_ni_tokens() { return *admin.call<sim::get_tokens>()->ni; }

    void fault(const std::string& rule) { admin.call<sim::add_fault>(sim::json_text{rule}); }

    std::int64_t seen(std::string_view key) {
        auto s = admin.call<sim::get_stats>();
        return s->requests.find(key).as_int64();
    }
};

} // namespace sim_support

#endif
