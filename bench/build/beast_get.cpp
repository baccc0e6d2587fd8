// scripts/bench build: the raw Beast side. The same GET as keyops_get.cpp, written directly
// against Asio and Beast as their examples do: resolve, connect, TLS handshake with certificate
// and host-name verification (system store plus a CA file, SNI), write, read, and a Boost.JSON
// DOM parse of the body for the job's id and state.
//
//     beast_get HOST PORT CA_FILE TOKEN JOB_ID    # GET /api/v1/cckm/oci/synchronization-jobs/ID

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <openssl/ssl.h>

#include <cstdio>
#include <exception>
#include <string>

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace ssl = asio::ssl;

namespace {

// The member `name` of the object `v` when it is a string, else "".
std::string text_of(const boost::json::value& v, const char* name) {
    if (const auto* o = v.if_object())
        if (const auto* m = o->if_contains(name))
            if (const auto* s = m->if_string())
                return std::string(s->data(), s->size());
    return {};
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 6) {
        std::fprintf(stderr, "usage: beast_get HOST PORT CA_FILE TOKEN JOB_ID\n");
        return 2;
    }
    const std::string host = argv[1];
    try {
        asio::io_context io;
        ssl::context tls(ssl::context::tls_client);
        tls.set_default_verify_paths();
        tls.load_verify_file(argv[3]);
        tls.set_verify_mode(ssl::verify_peer);
        tls.set_verify_callback(ssl::host_name_verification(host));

        ssl::stream<asio::ip::tcp::socket> stream(io, tls);
        if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()))
            throw std::runtime_error("SNI");
        asio::ip::tcp::resolver resolver(io);
        asio::connect(stream.lowest_layer(), resolver.resolve(host, argv[2]));
        stream.handshake(ssl::stream_base::client);

        http::request<http::empty_body> req(
            http::verb::get, std::string("/api/v1/cckm/oci/synchronization-jobs/") + argv[5], 11);
        req.set(http::field::host, host);
        req.set(http::field::authorization, std::string("Bearer ") + argv[4]);
        req.set(http::field::accept, "application/json");
        http::write(stream, req);

        boost::beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        if (res.result() != http::status::ok) {
            std::fprintf(stderr, "beast_get: HTTP %u\n", res.result_int());
            return 1;
        }
        boost::system::error_code ec;
        const boost::json::value job = boost::json::parse(res.body(), ec);
        if (ec) {
            std::fprintf(stderr, "beast_get: %s\n", ec.message().c_str());
            return 1;
        }
        std::printf("%s %s\n", text_of(job, "id").c_str(), text_of(job, "overall_status").c_str());
        stream.shutdown(ec); // the server may close first: not an error here
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "beast_get: %s\n", e.what());
        return 1;
    }
}
