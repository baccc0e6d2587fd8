// Inputs that once broke keyops, each pinned: lifetimes that overflowed the clock, URLs that
// wrapped or tripped Boost.URL's assertions.

#include <keyops/auth/token_state.hpp>
#include <keyops/transport/options.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(hardening)

BOOST_AUTO_TEST_CASE(huge_token_lifetimes_are_clamped_not_wrapped) {
    const auto now = std::chrono::system_clock::now();
    for (std::int64_t duration : {std::int64_t(7500000000LL), std::int64_t(9223372036854775807LL),
                                  std::int64_t(100000000000000LL)}) {
        keyops::ciphertrust_token_state st;
        keyops::ctm::token t;
        t.jwt = "a.b.c";
        t.duration = duration;
        st.on_token(t, now);
        // The token is fresh now and an hour from now: no request storm.
        BOOST_TEST((st.next(now) == keyops::ciphertrust_token_state::step::ready), duration);
        BOOST_TEST((st.next(now + 1h) == keyops::ciphertrust_token_state::step::ready));
        BOOST_TEST((st.expires_at() <= now + keyops::max_token_lifetime));
    }
    for (std::int64_t expiry : {std::int64_t(9300000000000LL), std::int64_t(9223372036854775807LL),
                                std::int64_t(99999999999LL), std::int64_t(-5)}) {
        keyops::network_insight_token_state st;
        keyops::ni::token t;
        t.token = "tok";
        t.expiry = expiry;
        st.on_token(t, now);
        if (expiry > 0)
            BOOST_TEST((st.next(now + 1h) == keyops::network_insight_token_state::step::ready),
                       expiry);
        else // an expiry in the past: renewed after the shortest life, a second
            BOOST_TEST(
                (st.next(now + 2s) == keyops::network_insight_token_state::step::create_token));
    }
}

BOOST_AUTO_TEST_CASE(server_urls_are_checked_before_boost_url_sees_them) {
    for (const char* bad :
         {"s:#", "https:#", "https:?", "https://#", "https://h?x", "https://h#f",
          "http://127.0.0.1:99999", "https://h:65536", "https://h:0", "https://h:", "https://h:-1",
          "ftp://h", "https://u@h", "https:// h", "", "://", "https://"}) {
        keyops::transport_options o;
        BOOST_TEST((keyops::parse_server_url(bad, o) == keyops::error::invalid_argument), bad);
    }
    keyops::transport_options o;
    std::string base;
    BOOST_TEST(!keyops::parse_server_url("HTTPS://[::1]:65535/base/", o, &base));
    BOOST_TEST(o.host == "::1");
    BOOST_TEST(o.port == 65535u);
    BOOST_TEST(base == "/base");
    BOOST_TEST(!keyops::parse_server_url("http://cm.example.com", o));
    BOOST_TEST(o.port == 80u);
    BOOST_TEST(!o.use_tls);
}

BOOST_AUTO_TEST_SUITE_END()
