// The real exchange machine and its two drivers over the test stream: every split of the answer,
// an error injected at every step in turn, the resend rules, and the async driver never
// completing inside the initiating call.

#include "test_stream.hpp"

#include <keyops/transport/detail/exchange.hpp>

#include <boost/asio/compose.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/test/unit_test.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using keyops::exchange_step;
using keyops_test::test_stream;

namespace {

// The reference the direct request writer is compared with: the message through Beast's
// serializer, appended to `out`.
template <bool IsRequest, class Body, class Fields>
keyops::error_code beast_serialize(const boost::beast::http::message<IsRequest, Body, Fields>& m,
                                   std::string& out) {
    boost::beast::http::serializer<IsRequest, Body, Fields> sr(m);
    keyops::error_code ec;
    do {
        sr.next(ec, [&](keyops::error_code&, const auto& buffers) {
            std::size_t n = 0;
            for (const auto b : boost::beast::buffers_range_ref(buffers)) {
                out.append(static_cast<const char*>(b.data()), b.size());
                n += b.size();
            }
            sr.consume(n);
        });
    } while (!ec && !sr.is_done());
    return ec;
}

const std::string body = R"({"id":"j1","overall_status":"completed","abort":false})";
const std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body;
const std::string chunked_answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                   "10\r\n{\"id\":\"j1\",\"over\r\n" +
                                   std::to_string(0) + "\r\n\r\n";

keyops::http_request get_request() {
    keyops::http_request req{boost::beast::http::verb::get, "/api/v1/cckm/oci/jobs/j1", 11};
    req.set(boost::beast::http::field::host, "cm.test");
    return req;
}

struct run_result {
    keyops::error_code ec;
    bool keep_alive = false;
    bool completed_inline = false;
};

// Runs one exchange over `s` with the sync driver, or the async one.
run_result run(boost::asio::io_context& io, test_stream& s, const keyops::exchange_limits& lim,
               keyops::http_request& req, keyops::http_response& res, bool async,
               bool idempotent = true) {
    keyops::exchange_options opt;
    opt.idempotent = idempotent;
    run_result out;
    keyops::exchange_fsm fsm(lim, req, res, opt, s.state());
    if (!async) {
        out.ec = keyops::detail::run_exchange(s, fsm, nullptr);
        out.keep_alive = fsm.keep_alive();
        return out;
    }
    // The stream is owned by the caller; the op holds it through a non-owning shared_ptr.
    std::shared_ptr<test_stream> conn(&s, [](test_stream*) {});
    struct keep {
        bool* keep_alive;
        void operator()(std::shared_ptr<test_stream>&, keyops::error_code,
                        const keyops::exchange_fsm& f) const {
            *keep_alive = f.keep_alive();
        }
    };
    bool done = false;
    std::function<void(keyops::error_code)> handler = [&](keyops::error_code ec) {
        out.ec = ec;
        done = true;
    };
    boost::asio::async_compose<std::function<void(keyops::error_code)>, void(keyops::error_code)>(
        keyops::detail::async_exchange_op<test_stream, keep>{conn, fsm, nullptr,
                                                             keep{&out.keep_alive}},
        handler, io.get_executor());
    out.completed_inline = done;
    io.run();
    BOOST_TEST_REQUIRE(done);
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(exchange_over_test_stream)

BOOST_AUTO_TEST_CASE(every_split_of_the_answer_reads_the_same_response) {
    for (bool async : {false, true}) {
        for (const std::string* raw : {&answer, &chunked_answer}) {
            for (std::size_t split = 1; split <= raw->size(); ++split) {
                boost::asio::io_context io;
                test_stream s(io.get_executor(), {*raw});
                s.split = split;
                keyops::exchange_limits lim;
                auto req = get_request();
                keyops::http_response res;
                const auto r = run(io, s, lim, req, res, async);
                BOOST_TEST_REQUIRE(!r.ec, r.ec.message() << " split " << split);
                BOOST_TEST(res.result_int() == 200u);
                BOOST_TEST(r.keep_alive);
                BOOST_TEST(!r.completed_inline);
                if (raw == &answer)
                    BOOST_TEST(res.body() == body);
                else
                    BOOST_TEST(res.body() == "{\"id\":\"j1\",\"over");
                BOOST_TEST(s.written.at(0).find("GET /api/v1/cckm/oci/jobs/j1 HTTP/1.1\r\n") == 0u);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(an_error_at_every_step_fails_the_exchange_clearly) {
    // Through a proxy and TLS, so that every kind of step happens; 9-byte reads, so that there
    // are several reads.
    keyops::exchange_limits lim;
    lim.tls = true;
    lim.connect_authority = "cm.test:443";
    const std::string proxy = "HTTP/1.1 200 Connection established\r\n\r\n";
    std::size_t steps = 0;
    {
        boost::asio::io_context io;
        test_stream s(io.get_executor(), {answer});
        s.proxy_answer = proxy;
        s.split = 9;
        auto req = get_request();
        keyops::http_response res;
        const auto r = run(io, s, lim, req, res, false);
        BOOST_TEST_REQUIRE(!r.ec, r.ec.message());
        BOOST_TEST(res.body() == body);
        steps = s.steps.size();
        BOOST_TEST((s.steps.at(0) == exchange_step::resolve));
        BOOST_TEST((s.steps.at(1) == exchange_step::connect));
        BOOST_TEST((s.steps.at(2) == exchange_step::proxy_write));
        BOOST_TEST((s.steps.at(3) == exchange_step::proxy_read));
        BOOST_TEST(steps > 10u);
    }
    for (bool async : {false, true}) {
        for (std::size_t n = 1; n <= steps; ++n) {
            boost::asio::io_context io;
            test_stream s(io.get_executor(), {answer});
            s.proxy_answer = proxy;
            s.split = 9;
            s.fail_at = n;
            s.error = boost::asio::error::connection_reset;
            auto req = get_request();
            keyops::http_response res;
            const auto r = run(io, s, lim, req, res, async);
            BOOST_TEST(r.ec == boost::asio::error::connection_reset,
                       "step " << n << " (" << keyops::to_string(s.steps.back())
                               << "): " << r.ec.message());
            BOOST_TEST(s.steps.size() == n); // nothing after the failing step
            BOOST_TEST(!s.state().open);     // the connection is not kept
            BOOST_TEST(s.resets == 0u);      // a fresh connection is not retried
            BOOST_TEST(!r.completed_inline);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_truncated_answer_is_an_error_at_every_length) {
    for (bool async : {false, true}) {
        for (std::size_t len = 1; len < answer.size(); ++len) {
            boost::asio::io_context io;
            test_stream s(io.get_executor(), {answer.substr(0, len)});
            keyops::exchange_limits lim;
            auto req = get_request();
            keyops::http_response res;
            const auto r = run(io, s, lim, req, res, async);
            BOOST_TEST(r.ec.failed(), "length " << len);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_kept_connection_found_closed_is_replaced_once_when_safe) {
    for (bool async : {false, true}) {
        // Closed before any answer: an idempotent request goes again on a fresh connection.
        {
            boost::asio::io_context io;
            test_stream s(io.get_executor(), {"", answer});
            s.state().open = true;
            s.state().reused = true;
            keyops::exchange_limits lim;
            auto req = get_request();
            keyops::http_response res;
            const auto r = run(io, s, lim, req, res, async);
            BOOST_TEST_REQUIRE(!r.ec, r.ec.message());
            BOOST_TEST(s.resets == 1u);
            BOOST_TEST(res.body() == body);
        }
        // The same for a request that is not idempotent: it may have been acted on.
        {
            boost::asio::io_context io;
            test_stream s(io.get_executor(), {"", answer});
            s.state().open = true;
            s.state().reused = true;
            keyops::exchange_limits lim;
            auto req = get_request();
            keyops::http_response res;
            const auto r = run(io, s, lim, req, res, async, false);
            BOOST_TEST(r.ec.failed());
            BOOST_TEST(s.resets == 0u);
        }
        // Writing into it failed: nothing reached the server, so any request goes again.
        {
            boost::asio::io_context io;
            test_stream s(io.get_executor(), {"", answer});
            s.state().open = true;
            s.state().reused = true;
            s.fail_at = 1;
            s.error = boost::asio::error::broken_pipe;
            keyops::exchange_limits lim;
            auto req = get_request();
            keyops::http_response res;
            const auto r = run(io, s, lim, req, res, async, false);
            BOOST_TEST_REQUIRE(!r.ec, r.ec.message());
            BOOST_TEST(s.resets == 1u);
        }
        // Part of the answer arrived: never sent again.
        {
            boost::asio::io_context io;
            test_stream s(io.get_executor(), {answer.substr(0, 20), answer});
            s.state().open = true;
            s.state().reused = true;
            keyops::exchange_limits lim;
            auto req = get_request();
            keyops::http_response res;
            const auto r = run(io, s, lim, req, res, async);
            BOOST_TEST(r.ec.failed());
            BOOST_TEST(s.resets == 0u);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_proxy_refusal_keeps_the_proxy_answer) {
    keyops::exchange_limits lim;
    lim.tls = true;
    lim.connect_authority = "cm.test:443";
    boost::asio::io_context io;
    test_stream s(io.get_executor(), {answer});
    s.proxy_answer = "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n";
    auto req = get_request();
    keyops::http_response res;
    const auto r = run(io, s, lim, req, res, false);
    BOOST_TEST((r.ec == keyops::error::proxy_refused));
    BOOST_TEST(res.result_int() == 407u);
    BOOST_TEST(s.written.at(0).find("CONNECT cm.test:443 HTTP/1.1\r\n") == 0u);
}

BOOST_AUTO_TEST_CASE(oversized_bodies_and_headers_are_refused) {
    keyops::exchange_limits lim;
    lim.max_body_size = 10;
    boost::asio::io_context io;
    test_stream s(io.get_executor(), {answer});
    auto req = get_request();
    keyops::http_response res;
    BOOST_TEST((run(io, s, lim, req, res, false).ec == keyops::error::body_too_large));
}

// The fields of a response in order, as (name as received, value) pairs.
std::vector<std::pair<std::string, std::string>> fields_of(const keyops::http_response& res) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& f : res)
        out.emplace_back(std::string(f.name_string()), std::string(f.value()));
    return out;
}

BOOST_AUTO_TEST_CASE(a_reused_response_ends_with_exactly_the_fields_received) {
    // Each answer read into one response kept from exchange to exchange, and into a fresh one:
    // the same status, reason, fields in the same order, and body, whatever came before.
    const std::string a = "HTTP/1.1 200 OK\r\nServer: s\r\nDate: d1\r\nX-One: 1\r\n"
                          "Content-Encoding: identity\r\nContent-Length: 2\r\n\r\n{}";
    const std::string b = "HTTP/1.1 200 OK\r\nServer: s\r\nDate: d2\r\nX-One: 1\r\n"
                          "Content-Length: 2\r\n\r\n{}";
    const std::string c = "HTTP/1.1 404 Gone Away\r\nServer: s\r\nx-one: 1\r\nX-Two: 2\r\n"
                          "X-Two: 3\r\nContent-Length: 0\r\n\r\n";
    const std::string d = "HTTP/1.1 200 OK\r\nServer: s\r\n\r\n";
    const std::string chunked = "HTTP/1.1 200 OK\r\nServer: s\r\nTransfer-Encoding: chunked\r\n"
                                "\r\n2\r\n{}\r\n0\r\nX-Trailer: t\r\n\r\n";
    const std::string truncated = "HTTP/1.1 200 OK\r\nServer: s\r\nContent-Encoding: gzip\r\n"
                                  "Date: d3\r\nContent-Le";
    for (bool async : {false, true}) {
        keyops::http_response kept;
        for (const std::string* raw : {&a, &a, &b, &c, &a, &chunked, &b, &truncated, &a, &d}) {
            keyops::exchange_limits lim;
            auto req = get_request();
            keyops::http_response fresh;
            boost::asio::io_context io1;
            test_stream s1(io1.get_executor(), {*raw});
            const auto r1 = run(io1, s1, lim, req, fresh, async);
            boost::asio::io_context io2;
            test_stream s2(io2.get_executor(), {*raw});
            const auto r2 = run(io2, s2, lim, req, kept, async);
            BOOST_TEST(r1.ec == r2.ec);
            BOOST_TEST(kept.result_int() == fresh.result_int());
            BOOST_TEST(std::string(kept.reason()) == std::string(fresh.reason()));
            BOOST_TEST(kept.version() == fresh.version());
            BOOST_TEST((fields_of(kept) == fields_of(fresh)), *raw);
            BOOST_TEST(kept.body() == fresh.body());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_failed_exchange_leaves_the_content_encoding_received) {
    // Content-Encoding is left out of a decoded response; an exchange that fails puts it back.
    const std::string raw = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n"
                            "\r\nabc";
    boost::asio::io_context io;
    test_stream s(io.get_executor(), {raw});
    keyops::exchange_limits lim;
    auto req = get_request();
    keyops::http_response res;
    const auto r = run(io, s, lim, req, res, false);
    BOOST_TEST((r.ec == keyops::error::bad_content_encoding));
    BOOST_TEST(std::string(res[boost::beast::http::field::content_encoding]) == "gzip");
}

BOOST_AUTO_TEST_CASE(requests_are_written_as_beasts_serializer_writes_them) {
    namespace http = boost::beast::http;
    std::vector<keyops::http_request> reqs;
    reqs.push_back(get_request());
    {
        keyops::http_request r{http::verb::post, "/api/v1/cckm/oci/jobs?x=1", 11};
        r.set(http::field::host, "cm.test:8443");
        r.set("X-Custom", "a b");
        r.body() = R"({"a":1})";
        r.prepare_payload();
        reqs.push_back(r);
    }
    {
        keyops::http_request r{http::verb::delete_, "/t", 10};
        r.set(http::field::authorization, "Bearer x");
        r.prepare_payload();
        reqs.push_back(r);
    }
    {
        keyops::http_request r;
        r.method_string("PURGE");
        r.set(http::field::host, "h");
        reqs.push_back(r);
    }
    {
        keyops::http_request r{http::verb::put, "/c", 11};
        r.body() = "abc";
        r.chunked(true);
        reqs.push_back(r);
    }
    {
        keyops::http_request r{http::verb::post, "/big", 11};
        r.body() = std::string(70000, 'b');
        r.chunked(true);
        reqs.push_back(r);
    }
    {
        keyops::http_request r{http::verb::post, "/gz", 11};
        r.set(http::field::transfer_encoding, "gzip"); // not chunked: the body as it is
        r.body() = "zz";
        reqs.push_back(r);
    }
    for (const auto& r : reqs) {
        std::string direct = "x", beast = "x"; // both append
        BOOST_TEST(!keyops::detail::serialize_into(r, direct));
        BOOST_TEST(!beast_serialize(r, beast));
        BOOST_TEST(direct == beast);
    }

    // A chunked request without a body: the last chunk alone. (Beast 1.81's serializer writes a
    // zero-size chunk before it, "0\r\n\r\n" twice, which a server reads as the end of the
    // body followed by garbage.)
    keyops::http_request empty{http::verb::put, "/c", 11};
    empty.chunked(true);
    std::string bytes;
    BOOST_TEST(!keyops::detail::serialize_into(empty, bytes));
    BOOST_TEST(bytes == "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");

    http::request<http::empty_body> connect{http::verb::connect, "cm.test:8443", 11};
    connect.set(http::field::host, "cm.test:8443");
    connect.set(http::field::user_agent, "keyops/1.2.3");
    std::string direct, beast;
    keyops::detail::write_connect("cm.test:8443", "keyops/1.2.3", direct);
    BOOST_TEST(!beast_serialize(connect, beast));
    BOOST_TEST(direct == beast);
}

BOOST_AUTO_TEST_SUITE_END()
