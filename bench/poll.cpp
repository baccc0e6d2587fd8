// bench-poll: how fast keyops polls one job, against raw Beast (the floor) and libcurl.
//
// One run, against one nginx on loopback over HTTPS (tests/nginx/run.sh starts it; `scripts/bench
// poll` does it all): N sequential GETs of one job's JSON,
// tests/fixtures/azure_certificates_job.json served at
// /api/v1/cckm/azure/certificates/synchronization-jobs/<id>, over one kept-alive TLS connection per
// contender, gzip asked by all (nginx compresses each response on the fly and sends it chunked):
//
//   keyops sync      client<beast_transport>::call<cckm::get_job<cckm::azure_certificates>> in a
//                    loop; default policies (no_auth, exponential_backoff), default options
//   keyops async     the same through async_call, each completion handler starting the next call,
//                    one io_context::run()
//   beast sync       the floor: one ssl_stream kept open, http::write and http::read of a
//                    request<empty_body> / response_parser<string_body>, the gzip body inflated
//                    with zlib (one z_stream, inflateReset per response) into a reused string
//   beast async      the same with async_write / async_read chained by completion handlers
//   beast async + keyops::parse   a reference row: beast async, then keyops::parse<cckm::job> of
//                    an owned copy of the decoded body, as keyops async does
//   libcurl          one easy handle reused (its connection cache keeps the connection),
//                    CURLOPT_ACCEPT_ENCODING "" (libcurl decodes), CURLOPT_CAINFO, HTTP/1.1
//   beast sync + keyops::parse   a reference row, not a contender: the floor, then
//                    keyops::parse<cckm::job> of an owned copy of the decoded body, as the client
//                    does; what keyops costs beyond it is its client and transport, not parsing
//
// Every contender ends with the decoded JSON bytes; before timing, each one's body is checked
// equal to the fixture, and in the timed loops its size. keyops additionally parses them into
// the typed cckm::job (and checks the id): the others do not parse at all.
//
// Timing: std::chrono::steady_clock; a warm-up, then the runs, round-robin over the contenders so
// that a slow spell of the machine hits all alike; each contender's best run counts. Heap
// allocations (C++ operator new, counted by alloc_count.cpp) over a steady-state batch after the
// warm-up, per request. libcurl and OpenSSL allocate with malloc: not counted. "cpu us/req" is
// this process's CPU time (user and system, getrusage) per request in the best run: the client's
// share of each round trip, the rest being nginx's and the kernel's.
//
// Then keyops sync's CPU time per request by layer, each layer's public piece timed alone in this
// process (CLOCK_PROCESS_CPUTIME_ID, best of 3 batches): the request builder into a reused
// request (as the client builds), the auth policy's try_authorize, the call machine's bookkeeping
// (call_fsm from start to done around an answer already there, with the driver's clock reads),
// beast_transport::exchange on the kept-alive connection (the process's share of a round trip),
// parse_copy<cckm::job> of the body (as the client parses small bodies); the rest of the full
// call's CPU time (keyops sync's row) is the client's glue: the call state, the result.
//
// The last line is the summary the issue asks for (keyops = keyops sync):
//     ratio keyops_vs_libcurl=X keyops_vs_beast=Y allocations_per_request=Z keyops_vs_reference=V
//           async_vs_reference=A
// X and Y: keyops' requests per second over libcurl's and raw Beast's (sync); Z: keyops'
// allocations per request; V: the sync reference row's time over keyops sync's; A: the async
// reference row's time over keyops async's.

#include "alloc_count.hpp"

#include <keyops/client/client.hpp>
#include <keyops/keyops.hpp>
#include <keyops/transport/beast_transport.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <sched.h>
#include <sys/resource.h>
#include <time.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace cckm = keyops::cckm;

using endpoint = cckm::get_job<cckm::azure_certificates>;
constexpr std::string_view job_id = "1f413972-499e-498c-9543-77c2da7d71e4";
const std::string target =
    "/api/v1/cckm/azure/certificates/synchronization-jobs/" + std::string(job_id);

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "bench-poll: error: %s\n", what.c_str());
    std::exit(1);
}

// --- settings
// -------------------------------------------------------------------------------------

struct settings {
    std::string host = "localhost";
    unsigned short port = 0;
    std::string ca;
    std::string fixture;
    std::size_t requests = 2000;
    std::size_t warmup = 300;
    std::size_t alloc_batch = 200;
    int runs = 3;
    std::string only;   // run only the contenders whose name contains this
    bool layers = true; // time keyops sync's layers after the runs
};

void usage() {
    std::fprintf(stderr,
                 "usage: bench-poll [--port=N] [--ca=FILE] [--fixture=FILE] [--host=NAME]\n"
                 "                  [--requests=N] [--runs=N] [--warmup=N] [--contender=TEXT]\n"
                 "                  [--no-layers]\n"
                 "The port, CA and fixture default to KEYOPS_NGINX_PORT, KEYOPS_NGINX_CA and\n"
                 "KEYOPS_FIXTURES/azure_certificates_job.json, as tests/nginx/run.sh sets them.\n");
}

std::size_t to_count(const std::string& text, const char* what) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v == 0)
        die(std::string("bad ") + what + ": '" + text + "'");
    return static_cast<std::size_t>(v);
}

settings parse_args(int argc, char** argv) {
    settings s;
    std::string port;
    if (const char* v = std::getenv("KEYOPS_NGINX_PORT"))
        port = v;
    if (const char* v = std::getenv("KEYOPS_NGINX_CA"))
        s.ca = v;
    if (const char* v = std::getenv("KEYOPS_FIXTURES"))
        s.fixture = std::string(v) + "/azure_certificates_job.json";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](std::string_view flag) -> const char* {
            if (a.size() > flag.size() && a.compare(0, flag.size(), flag) == 0 &&
                a[flag.size()] == '=')
                return argv[i] + flag.size() + 1;
            return nullptr;
        };
        if (const char* v = value("--port"))
            port = v;
        else if (const char* v = value("--ca"))
            s.ca = v;
        else if (const char* v = value("--fixture"))
            s.fixture = v;
        else if (const char* v = value("--host"))
            s.host = v;
        else if (const char* v = value("--requests"))
            s.requests = to_count(v, "--requests");
        else if (const char* v = value("--warmup"))
            s.warmup = to_count(v, "--warmup");
        else if (const char* v = value("--runs"))
            s.runs = static_cast<int>(to_count(v, "--runs"));
        else if (const char* v = value("--contender"))
            s.only = v;
        else if (a == "--no-layers")
            s.layers = false;
        else if (a == "-h" || a == "--help") {
            usage();
            std::exit(0);
        } else {
            usage();
            die("unknown argument '" + a + "'");
        }
    }
    if (port.empty() || s.ca.empty() || s.fixture.empty()) {
        usage();
        die("no port, CA or fixture: run through tests/nginx/run.sh (scripts/bench poll) or "
            "give --port, --ca and --fixture");
    }
    const std::size_t p = to_count(port, "port");
    if (p > 65535)
        die("bad port " + port);
    s.port = static_cast<unsigned short>(p);
    return s;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        die("cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// --- a contender
// ----------------------------------------------------------------------------------

// One way of making the GETs. `run(n)` makes n requests and returns when all are done; each
// request's decoded body is checked against the expected size (a mismatch ends the program).
// `last_body()` is the last decoded body, for the byte-for-byte check.
class contender {
public:
    virtual ~contender() = default;
    virtual const char* name() const = 0;
    virtual void run(std::size_t n) = 0;
    virtual std::string last_body() const = 0;
    virtual std::size_t connections() = 0;
    virtual bool counts_allocations() const { return true; }
};

// --- keyops
// ---------------------------------------------------------------------------------------

keyops::transport_options keyops_options(const settings& cfg) {
    keyops::transport_options o;
    o.host = cfg.host;
    o.port = cfg.port;
    o.tls.ca_file = cfg.ca;
    o.proxy_from_environment = false;
    return o;
}

class keyops_sync final : public contender {
public:
    keyops_sync(const settings& cfg, std::size_t expected)
        : client_(keyops::beast_transport(io_.get_executor(), keyops_options(cfg))),
          expected_(expected) {}
    const char* name() const override { return "keyops sync (call, parsed to cckm::job)"; }
    void run(std::size_t n) override {
        for (std::size_t i = 0; i < n; ++i) {
            auto job = client_.call<endpoint>(keyops::job_id(job_id), ec_, diag_);
            if (ec_)
                die(std::string("keyops sync: ") + diag_.describe(ec_));
            if (job->id != job_id || job.body().size() != expected_)
                die("keyops sync: unexpected body");
            if (i + 1 == n)
                last_ = std::string(job.body());
        }
    }
    std::string last_body() const override { return last_; }
    std::size_t connections() override { return client_.transport().connections_opened(); }

private:
    asio::io_context io_;
    keyops::client<keyops::beast_transport> client_;
    std::size_t expected_;
    keyops::error_code ec_;
    keyops::diagnostics diag_;
    std::string last_;
};

class keyops_async final : public contender {
public:
    keyops_async(const settings& cfg, std::size_t expected)
        : client_(keyops::beast_transport(io_.get_executor(), keyops_options(cfg))),
          expected_(expected) {}
    const char* name() const override { return "keyops async (async_call chain, parsed)"; }
    void run(std::size_t n) override {
        left_ = n;
        next();
        io_.restart();
        io_.run();
        if (left_ != 0)
            die("keyops async: the chain stopped early");
    }
    std::string last_body() const override { return last_; }
    std::size_t connections() override { return client_.transport().connections_opened(); }

private:
    void next() {
        client_.async_call<endpoint>(keyops::job_id(job_id), diag_,
                                     [this](keyops::error_code ec, keyops::parsed<cckm::job> job) {
                                         if (ec)
                                             die(std::string("keyops async: ") +
                                                 diag_.describe(ec));
                                         if (job->id != job_id || job.body().size() != expected_)
                                             die("keyops async: unexpected body");
                                         if (--left_ == 0) {
                                             last_ = std::string(job.body());
                                             return;
                                         }
                                         next();
                                     });
    }

    asio::io_context io_;
    keyops::client<keyops::beast_transport> client_;
    std::size_t expected_;
    std::size_t left_ = 0;
    keyops::diagnostics diag_;
    std::string last_;
};

// --- raw Beast
// ------------------------------------------------------------------------------------

// Inflates gzip bodies with one z_stream, reset per body, into a string whose capacity is kept.
class gunzip {
public:
    gunzip() {
        if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK)
            die("inflateInit2");
    }
    ~gunzip() { inflateEnd(&zs_); }
    gunzip(const gunzip&) = delete;
    gunzip& operator=(const gunzip&) = delete;

    void decode(std::string_view in, std::string& out) {
        inflateReset(&zs_);
        zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        zs_.avail_in = static_cast<uInt>(in.size());
        std::size_t have = 0;
        out.resize(std::max(out.capacity(), in.size() * 4 + 256));
        for (;;) {
            zs_.next_out = reinterpret_cast<Bytef*>(&out[have]);
            zs_.avail_out = static_cast<uInt>(out.size() - have);
            const int rc = inflate(&zs_, Z_NO_FLUSH);
            have = out.size() - zs_.avail_out;
            if (rc == Z_STREAM_END)
                break;
            if (rc != Z_OK && rc != Z_BUF_ERROR)
                die("beast: corrupt gzip body");
            if (zs_.avail_out != 0)
                die("beast: truncated gzip body");
            out.resize(out.size() * 2);
        }
        out.resize(have);
    }

private:
    z_stream zs_{};
};

class beast_base : public contender {
public:
    beast_base(const settings& cfg, std::size_t expected)
        : ctx_(ssl::context::tls_client), stream_(io_, ctx_), expected_(expected) {
        ctx_.set_verify_mode(ssl::verify_peer);
        ctx_.load_verify_file(cfg.ca);
        stream_.set_verify_callback(ssl::host_name_verification(cfg.host));
        if (!SSL_set_tlsext_host_name(stream_.native_handle(), cfg.host.c_str()))
            die("beast: SNI");
        asio::ip::tcp::resolver resolver(io_);
        beast::get_lowest_layer(stream_).connect(
            resolver.resolve(cfg.host, std::to_string(cfg.port)));
        beast::get_lowest_layer(stream_).socket().set_option(asio::ip::tcp::no_delay(true));
        stream_.handshake(ssl::stream_base::client);

        req_.method(http::verb::get);
        req_.target(target);
        req_.version(11);
        req_.set(http::field::host, cfg.host + ":" + std::to_string(cfg.port));
        req_.set(http::field::user_agent, "bench-poll/beast");
        req_.set(http::field::accept, "application/json");
        req_.set(http::field::accept_encoding, "gzip");
    }
    std::string last_body() const override { return body_; }
    std::size_t connections() override { return 1; }

protected:
    // The decoded body of a response just read.
    void finish(http::response<http::string_body>& res) {
        if (res.result() != http::status::ok || !res.keep_alive())
            die("beast: status " + std::to_string(res.result_int()) + " or no keep-alive");
        auto it = res.find(http::field::content_encoding);
        if (it == res.end())
            body_ = std::move(res.body());
        else if (it->value() == "gzip")
            gunzip_.decode(res.body(), body_);
        else
            die("beast: unexpected Content-Encoding");
        if (body_.size() != expected_)
            die("beast: unexpected body size");
    }

    asio::io_context io_;
    ssl::context ctx_;
    beast::ssl_stream<beast::tcp_stream> stream_;
    beast::flat_buffer buffer_;
    http::request<http::empty_body> req_;
    std::optional<http::response_parser<http::string_body>> parser_;
    gunzip gunzip_;
    std::string body_;
    std::size_t expected_;
};

class beast_sync final : public beast_base {
public:
    using beast_base::beast_base;
    const char* name() const override { return "beast sync (floor: decoded bytes)"; }
    void run(std::size_t n) override {
        for (std::size_t i = 0; i < n; ++i) {
            http::write(stream_, req_);
            parser_.emplace();
            parser_->body_limit(16 * 1024 * 1024);
            http::read(stream_, buffer_, *parser_);
            finish(parser_->get());
        }
    }
};

// Not a contender of the summary: the floor plus what keyops does with the body, parse<cckm::job>
// of an owned copy (the client hands the decoded body to its result the same way). Tells how much
// of keyops' time over the floor is parsing, and how much is the client and transport around it.
class beast_sync_parse final : public beast_base {
public:
    using beast_base::beast_base;
    const char* name() const override { return "beast sync + keyops::parse (reference)"; }
    void run(std::size_t n) override {
        for (std::size_t i = 0; i < n; ++i) {
            http::write(stream_, req_);
            parser_.emplace();
            parser_->body_limit(16 * 1024 * 1024);
            http::read(stream_, buffer_, *parser_);
            finish(parser_->get());
            auto job = keyops::parse<cckm::job>(std::string(body_), ec_, diag_);
            if (ec_ || job->id != job_id)
                die("beast sync + parse: " + diag_.describe(ec_));
        }
    }

private:
    keyops::error_code ec_;
    keyops::diagnostics diag_;
};

class beast_async final : public beast_base {
public:
    using beast_base::beast_base;
    const char* name() const override { return "beast async (decoded bytes)"; }
    void run(std::size_t n) override {
        left_ = n;
        next();
        io_.restart();
        io_.run();
        if (left_ != 0)
            die("beast async: the chain stopped early");
    }

private:
    void next() {
        http::async_write(stream_, req_, [this](beast::error_code ec, std::size_t) {
            if (ec)
                die("beast async: write: " + ec.message());
            parser_.emplace();
            parser_->body_limit(16 * 1024 * 1024);
            http::async_read(stream_, buffer_, *parser_,
                             [this](beast::error_code ec2, std::size_t) {
                                 if (ec2)
                                     die("beast async: read: " + ec2.message());
                                 finish(parser_->get());
                                 if (--left_ != 0)
                                     next();
                             });
        });
    }

    std::size_t left_ = 0;
};

// Not a contender of the summary: beast async, then what keyops async does with the body,
// parse<cckm::job> of an owned copy, in the read's completion handler.
class beast_async_parse final : public beast_base {
public:
    using beast_base::beast_base;
    const char* name() const override { return "beast async + keyops::parse (reference)"; }
    void run(std::size_t n) override {
        left_ = n;
        next();
        io_.restart();
        io_.run();
        if (left_ != 0)
            die("beast async + parse: the chain stopped early");
    }

private:
    void next() {
        http::async_write(stream_, req_, [this](beast::error_code ec, std::size_t) {
            if (ec)
                die("beast async + parse: write: " + ec.message());
            parser_.emplace();
            parser_->body_limit(16 * 1024 * 1024);
            http::async_read(
                stream_, buffer_, *parser_, [this](beast::error_code ec2, std::size_t) {
                    if (ec2)
                        die("beast async + parse: read: " + ec2.message());
                    finish(parser_->get());
                    auto job = keyops::parse<cckm::job>(std::string(body_), ec_, diag_);
                    if (ec_ || job->id != job_id)
                        die("beast async + parse: " + diag_.describe(ec_));
                    if (--left_ != 0)
                        next();
                });
        });
    }

    std::size_t left_ = 0;
    keyops::error_code ec_;
    keyops::diagnostics diag_;
};

// --- libcurl
// --------------------------------------------------------------------------------------

class curl_easy final : public contender {
public:
    curl_easy(const settings& cfg, std::size_t expected) : expected_(expected) {
        h_ = curl_easy_init();
        if (h_ == nullptr)
            die("curl_easy_init");
        url_ = "https://" + cfg.host + ":" + std::to_string(cfg.port) + target;
        headers_ = curl_slist_append(nullptr, "Accept: application/json");
        set(CURLOPT_URL, url_.c_str());
        set(CURLOPT_CAINFO, cfg.ca.c_str());
        set(CURLOPT_ACCEPT_ENCODING, ""); // every encoding libcurl decodes: gzip asked
        set(CURLOPT_HTTPHEADER, headers_);
        set(CURLOPT_USERAGENT, "bench-poll/libcurl");
        set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
        set(CURLOPT_NOSIGNAL, 1L);
        set(CURLOPT_TCP_NODELAY, 1L);
        set(CURLOPT_NOPROXY, "*");
        set(CURLOPT_WRITEFUNCTION, &curl_easy::write);
        set(CURLOPT_WRITEDATA, this);
    }
    ~curl_easy() override {
        curl_easy_cleanup(h_);
        curl_slist_free_all(headers_);
    }
    curl_easy(const curl_easy&) = delete;
    curl_easy& operator=(const curl_easy&) = delete;

    const char* name() const override { return "libcurl easy (reused handle)"; }
    bool counts_allocations() const override { return false; }
    void run(std::size_t n) override {
        for (std::size_t i = 0; i < n; ++i) {
            body_.clear();
            const CURLcode rc = curl_easy_perform(h_);
            if (rc != CURLE_OK)
                die(std::string("libcurl: ") + curl_easy_strerror(rc));
            long status = 0;
            long connects = 0;
            curl_easy_getinfo(h_, CURLINFO_RESPONSE_CODE, &status);
            curl_easy_getinfo(h_, CURLINFO_NUM_CONNECTS, &connects);
            connections_ += static_cast<std::size_t>(connects);
            if (status != 200 || body_.size() != expected_)
                die("libcurl: status " + std::to_string(status) + " or unexpected body");
        }
    }
    std::string last_body() const override { return body_; }
    std::size_t connections() override { return connections_; }

private:
    template <class T>
    void set(CURLoption option, T value) {
        if (curl_easy_setopt(h_, option, value) != CURLE_OK)
            die("curl_easy_setopt " + std::to_string(static_cast<int>(option)));
    }
    static std::size_t write(char* data, std::size_t size, std::size_t count, void* self) {
        static_cast<curl_easy*>(self)->body_.append(data, size * count);
        return size * count;
    }

    CURL* h_ = nullptr;
    curl_slist* headers_ = nullptr;
    std::string url_;
    std::string body_;
    std::size_t expected_;
    std::size_t connections_ = 0;
};

// --- the run
// --------------------------------------------------------------------------------------

struct result {
    std::unique_ptr<contender> who;
    double best_seconds = 0;     // of one run of `requests`
    double best_cpu_seconds = 0; // this process's CPU time (user + system) in that run
    double allocations_per_request = 0;
};

// The CPUs this process may run on, e.g. "0" or "0-1" as a list "0,1".
std::string cpu_list() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return "?";
    std::string out;
    for (int i = 0; i < CPU_SETSIZE; ++i)
        if (CPU_ISSET(i, &set))
            out += (out.empty() ? "" : ",") + std::to_string(i);
    return out;
}

// CPU time of this process so far, user and system: the client's share of each round trip.
double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
    };
    return seconds(u.ru_utime) + seconds(u.ru_stime);
}

// This process's CPU time so far, to the nanosecond: for the layers, timed alone.
double process_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// One layer's piece, timed alone: CPU microseconds per call, the best of the batches.
struct layer_piece {
    std::size_t n;              // calls per batch
    std::function<void()> call; // one call
    double best = 0;
};

// Times the pieces round-robin, `batches` batches each, so that a slow spell of the machine hits
// all alike; each piece's best batch counts.
void time_round_robin(std::vector<layer_piece*> pieces, int batches) {
    for (int batch = 0; batch < batches; ++batch) {
        for (layer_piece* p : pieces) {
            const double start = process_cpu_seconds();
            for (std::size_t i = 0; i < p->n; ++i)
                p->call();
            const double us = 1e6 * (process_cpu_seconds() - start) / static_cast<double>(p->n);
            if (batch == 0 || us < p->best)
                p->best = us;
        }
    }
}

struct layer_times {
    double build = 0, auth = 0, bookkeeping = 0, exchange = 0, parse = 0, full = 0;
};

// keyops sync's layers, each public piece alone with what the client gives it (see the top), and
// the full call, on one client and its kept-alive connection.
layer_times measure_layers(const settings& cfg, const std::string& fixture) {
    asio::io_context io;
    keyops::client<keyops::beast_transport> c(
        keyops::beast_transport(io.get_executor(), keyops_options(cfg)));
    const keyops::request_context& ctx = c.context();
    const keyops::job_id id(job_id);
    keyops::error_code ec;
    keyops::diagnostics diag;
    const std::size_t cpu_only = 20000; // calls per batch of the pieces without I/O
    const std::size_t round_trips = 1000;

    keyops::call_buffers b;
    layer_piece build{cpu_only, [&] {
                          keyops::detail::build_into_with<endpoint>(b.req, b.target, ctx, ec, id);
                          if (ec)
                              die("layers: build: " + ec.message());
                      }};
    layer_piece auth{cpu_only, [&] {
                         if (!c.auth().try_authorize(b.req, std::chrono::system_clock::now()))
                             die("layers: no_auth refused");
                     }};

    // The call machine around an answer already in the response: start, exchange, done, with
    // the sync driver's clock reads.
    keyops::call_params p;
    p.transport_replaces_fields = true;
    layer_piece bookkeeping{cpu_only, [&] {
                                diag.clear();
                                p.deadline =
                                    std::chrono::steady_clock::now() + c.options().call_timeout;
                                keyops::call_fsm<keyops::no_auth, keyops::exponential_backoff> fsm(
                                    c.auth(), c.retry(), ctx, b, diag, p);
                                auto a = fsm.resume({}, keyops::call_clock::now());
                                if (a.kind != keyops::call_action::type::exchange)
                                    die("layers: the call machine did not ask for an exchange");
                                a = fsm.resume({}, keyops::call_clock::now());
                                if (a.kind != keyops::call_action::type::done || a.ec)
                                    die("layers: the call machine did not finish");
                            }};

    // The transport alone, on its kept-alive connection, with what the call machine gives it.
    keyops::exchange_options xo;
    xo.diag = &diag;
    layer_piece exchange{round_trips, [&] {
                             xo.deadline =
                                 std::chrono::steady_clock::now() + c.options().call_timeout;
                             b.res.body().clear();
                             if (auto e = c.transport().exchange(b.req, b.res, xo))
                                 die("layers: exchange: " + e.message());
                             if (b.res.body().size() != fixture.size())
                                 die("layers: exchange: unexpected body");
                         }};
    build.call();
    exchange.call();
    const std::string body = b.res.body();
    layer_piece parse{cpu_only, [&] {
                          auto job = keyops::parse_copy<cckm::job>(body, ec, diag);
                          if (ec || job->id != job_id)
                              die("layers: parse: " + diag.describe(ec));
                      }};
    layer_piece full{round_trips, [&] {
                         auto job = c.call<endpoint>(id, ec, diag);
                         if (ec || job->id != job_id)
                             die("layers: call: " + diag.describe(ec));
                     }};
    time_round_robin({&build, &auth, &bookkeeping, &exchange, &parse, &full}, 1); // warm-up
    time_round_robin({&build, &auth, &bookkeeping, &exchange, &parse, &full}, 5);
    return {build.best, auth.best, bookkeeping.best, exchange.best, parse.best, full.best};
}

} // namespace

int main(int argc, char** argv) {
    const settings cfg = parse_args(argc, argv);
    const std::string fixture = read_file(cfg.fixture);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    std::vector<result> results;
    auto add = [&](std::unique_ptr<contender> c) {
        if (cfg.only.empty() || std::string(c->name()).find(cfg.only) != std::string::npos)
            results.push_back({std::move(c)});
    };
    try {
        add(std::make_unique<keyops_sync>(cfg, fixture.size()));
        add(std::make_unique<keyops_async>(cfg, fixture.size()));
        add(std::make_unique<beast_sync>(cfg, fixture.size()));
        add(std::make_unique<beast_async>(cfg, fixture.size()));
        add(std::make_unique<beast_sync_parse>(cfg, fixture.size()));
        add(std::make_unique<beast_async_parse>(cfg, fixture.size()));
        add(std::make_unique<curl_easy>(cfg, fixture.size()));
    } catch (const std::exception& e) {
        die(std::string("setting up: ") + e.what());
    }
    if (results.empty())
        die("no contender named '" + cfg.only + "'");

    std::printf("bench-poll: GET https://%s:%u%s\n", cfg.host.c_str(), cfg.port, target.c_str());
    std::printf("  nginx on loopback, TLS, one kept-alive connection per contender, gzip asked "
                "by all;\n  body: %zu bytes of JSON (%s), gzip-encoded and chunked by nginx\n",
                fixture.size(), cfg.fixture.c_str());
    std::printf("  every contender ends with the decoded JSON bytes (checked equal to the "
                "fixture);\n  keyops additionally parses them into cckm::job, the others do not "
                "parse;\n  the two '+ keyops::parse' rows are references: raw Beast plus that "
                "parse\n");
    std::printf("  this process runs on CPU(s) %s (scripts/bench pins nginx to the same ones)\n",
                cpu_list().c_str());
    std::printf("  %zu warm-up requests, then %d runs of %zu requests each, round-robin over the "
                "contenders;\n  best run counted; allocs/req: C++ operator new over %zu requests "
                "after the warm-up\n  (libcurl and OpenSSL use malloc: not counted)\n\n",
                cfg.warmup, cfg.runs, cfg.requests, cfg.alloc_batch);

    try {
        for (auto& r : results) {
            r.who->run(cfg.warmup);
            if (r.who->last_body() != fixture)
                die(std::string(r.who->name()) + ": the decoded body differs from the fixture");
            const std::size_t before = keyops_bench::allocations;
            r.who->run(cfg.alloc_batch);
            r.allocations_per_request = static_cast<double>(keyops_bench::allocations - before) /
                                        static_cast<double>(cfg.alloc_batch);
        }
        for (int run = 0; run < cfg.runs; ++run) {
            for (auto& r : results) {
                const double cpu_start = cpu_seconds();
                const auto start = std::chrono::steady_clock::now();
                r.who->run(cfg.requests);
                const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
                const double cpu = cpu_seconds() - cpu_start;
                if (run == 0 || took.count() < r.best_seconds) {
                    r.best_seconds = took.count();
                    r.best_cpu_seconds = cpu;
                }
            }
        }
    } catch (const std::exception& e) {
        die(e.what());
    }

    std::printf("%-42s %9s %8s %12s %11s %12s\n", "contender", "req/s", "us/req", "cpu us/req",
                "allocs/req", "connections");
    for (auto& r : results) {
        const double rps = static_cast<double>(cfg.requests) / r.best_seconds;
        char allocs[32];
        if (r.who->counts_allocations())
            std::snprintf(allocs, sizeof allocs, "%.1f", r.allocations_per_request);
        else
            std::snprintf(allocs, sizeof allocs, "-");
        std::printf("%-42s %9.0f %8.1f %12.1f %11s %12zu\n", r.who->name(), rps, 1e6 / rps,
                    1e6 * r.best_cpu_seconds / static_cast<double>(cfg.requests), allocs,
                    r.who->connections());
    }

    auto find = [&](std::string_view prefix) -> const result* {
        for (const auto& r : results)
            if (std::string_view(r.who->name()).substr(0, prefix.size()) == prefix)
                return &r;
        return nullptr;
    };
    const result* keyops = find("keyops sync");
    const result* keyops_async = find("keyops async");
    const result* curl = find("libcurl");
    const result* floor = find("beast sync (floor");
    const result* reference = find("beast sync + keyops::parse");
    const result* async_reference = find("beast async + keyops::parse");

    if (keyops && cfg.layers) {
        layer_times t;
        try {
            t = measure_layers(cfg, fixture);
        } catch (const std::exception& e) {
            die(std::string("layers: ") + e.what());
        }
        const double rest = t.full - t.build - t.auth - t.bookkeeping - t.exchange - t.parse;
        std::printf("\nkeyops sync, CPU per request by layer (each piece alone, round-robin, best "
                    "of 5 batches):\n");
        std::printf("%-66s %10s\n", "layer", "cpu us/req");
        std::printf("%-66s %10.2f\n", "build (detail::build_into_with, reused request)", t.build);
        std::printf("%-66s %10.2f\n", "auth (no_auth::try_authorize)", t.auth);
        std::printf("%-66s %10.2f\n", "retry bookkeeping (call_fsm start to done, clock reads)",
                    t.bookkeeping);
        std::printf("%-66s %10.2f\n", "exchange (beast_transport::exchange: TLS, HTTP, gunzip)",
                    t.exchange);
        std::printf("%-66s %10.2f\n", "parse (parse_copy<cckm::job>)", t.parse);
        std::printf("%-66s %10.2f\n", "the rest (call state, result: full call minus the above)",
                    rest);
        std::printf("%-66s %10.2f\n\n", "full call (client::call, timed with the pieces)", t.full);
    }

    if (keyops && curl && floor && reference && keyops_async && async_reference) {
        std::printf(
            "ratio keyops_vs_libcurl=%.2f keyops_vs_beast=%.2f allocations_per_request=%.1f "
            "keyops_vs_reference=%.2f async_vs_reference=%.2f\n",
            curl->best_seconds / keyops->best_seconds, floor->best_seconds / keyops->best_seconds,
            keyops->allocations_per_request, reference->best_seconds / keyops->best_seconds,
            async_reference->best_seconds / keyops_async->best_seconds);
    }
    results.clear();
    curl_global_cleanup();
    return 0;
}
