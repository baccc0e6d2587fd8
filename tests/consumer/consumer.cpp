// A program using keyops the way a user would: build a request, parse a response, and make a
// call over HTTPS to a port where nothing listens (it must fail with an error, not throw), so
// that the transport, OpenSSL and zlib are compiled and linked in.
#include <keyops/keyops.hpp>
#ifdef KEYOPS_CONSUMER_COMPILE_BOOST
#include <keyops/src.hpp>
#endif

#include <boost/asio/io_context.hpp>

#include <iostream>

int main() {
    keyops::request_context ctx;
    ctx.host = "cm.example.com";
    auto req =
        keyops::build_request<keyops::cckm::get_job<keyops::cckm::oci>>(ctx, keyops::job_id("abc"));

    keyops::error_code ec;
    keyops::diagnostics diag;
    auto list = keyops::parse<keyops::cckm::job_list>(
        R"({"total":1,"resources":[{"id":"abc","overall_status":"completed"}]})", ec, diag);
    if (ec) {
        std::cerr << diag.describe(ec) << "\n";
        return 1;
    }
    std::cout << req.method_string() << ' ' << req.target() << ' '
              << list->resources.at(0).overall_status.raw << ' ' << *list->total << '\n';

    boost::asio::io_context io;
    keyops::transport_options t;
    if (keyops::parse_server_url("https://127.0.0.1:1", t)) {
        std::cerr << "parse_server_url failed\n";
        return 1;
    }
    t.connect_timeout = std::chrono::seconds(5);
    keyops::client<keyops::beast_transport, keyops::static_token, keyops::no_retry> cm(
        keyops::beast_transport(io.get_executor(), t),
        keyops::static_token(keyops::static_token::scheme::bearer, "token"));
    keyops::diagnostics call_diag;
    auto job =
        cm.call<keyops::cckm::get_job<keyops::cckm::oci>>(keyops::job_id("abc"), ec, call_diag);
    if (!ec) {
        std::cerr << "a call to a port where nothing listens succeeded\n";
        return 1;
    }
    std::cout << "call failed as expected: " << call_diag.describe(ec) << '\n';
}
