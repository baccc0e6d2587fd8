// Guide "Your own HTTP stack": an agent that brings its own (libcurl here) and uses keyops'
// I/O-free core alone, without its transport or client: keyops builds each request and reads each
// response, libcurl moves the bytes. The token state machine decides when to log in again, as the
// client's own auth policy does, and the jobs wait machine decides which request each round of a
// wait makes, as keyops' own drivers do.
//
//   10_curl_agent URL CA_FILE        (KEYOPS_USER and KEYOPS_PASSWORD in the environment)
//
// Logs in, starts two OCI synchronizations, waits for both with the wait machine (one list
// request by id per round), then reads a job that does not exist and shows the error keyops
// makes of the server's 404. Exit 0 when all of that happened, 1 otherwise, 2 for bad usage.

#include <keyops/core.hpp>

#include <curl/curl.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

struct curl_reply {
    std::string body;
    std::string retry_after;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    static_cast<curl_reply*>(user)->body.append(data, size * n);
    return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    const std::string line(data, size * n);
    const std::string name = "retry-after:";
    if (line.size() > name.size()) {
        std::string head = line.substr(0, name.size());
        for (char& c : head)
            c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (head == name) {
            std::string v = line.substr(name.size());
            while (!v.empty() && (v.back() == '\r' || v.back() == '\n'))
                v.pop_back();
            static_cast<curl_reply*>(user)->retry_after = v;
        }
    }
    return size * n;
}

// Sends what keyops built; false (with curl's reason) when no response arrived.
bool send(CURL* curl, const std::string& base_url, const std::string& ca_file,
          const keyops::http_request& req, unsigned& status, curl_reply& reply) {
    reply = {};
    const std::string url = base_url + std::string(req.target());
    const std::string method(req.method_string());
    curl_slist* headers = nullptr;
    for (const auto& field : req) {
        // libcurl writes Host and Content-Length itself, from the URL and the body.
        if (field.name() == boost::beast::http::field::host ||
            field.name() == boost::beast::http::field::content_length)
            continue;
        const std::string line =
            std::string(field.name_string()) + ": " + std::string(field.value());
        headers = curl_slist_append(headers, line.c_str());
    }
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file.c_str());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    if (!req.body().empty()) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req.body().data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body().size()));
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply);
    const CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
        std::fprintf(stderr, "10_curl_agent: %s %s: %s\n", method.c_str(), url.c_str(),
                     curl_easy_strerror(rc));
        return false;
    }
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    status = static_cast<unsigned>(code);
    return true;
}

//[build_send_read
// One request for endpoint E: built by keyops, sent by libcurl, read by keyops.
template <class E, class... Args>
keyops::call_result<E> call(CURL* curl, const std::string& url, const std::string& ca,
                            const keyops::request_context& ctx,
                            const keyops::ciphertrust_token_state* tokens, keyops::error_code& ec,
                            keyops::diagnostics& diag, const Args&... args) {
    keyops::http_request req = keyops::build_request<E>(ctx, args..., ec);
    if (ec)
        return {};
    if (tokens)
        req.set(boost::beast::http::field::authorization, "Bearer " + tokens->access_token());
    unsigned status = 0;
    curl_reply reply;
    if (!send(curl, url, ca, req, status, reply)) {
        ec = keyops::error_code(EIO, boost::system::generic_category());
        return {};
    }
    return keyops::read_response<E>({status, std::move(reply.body), reply.retry_after}, ec, diag);
}
//]

} // namespace

int main(int argc, char** argv) {
    const char* user = std::getenv("KEYOPS_USER");
    const char* password_env = std::getenv("KEYOPS_PASSWORD");
    if (argc != 3 || !user || !password_env) {
        std::fprintf(stderr,
                     "usage: KEYOPS_USER=.. KEYOPS_PASSWORD=.. 10_curl_agent URL CA_FILE\n");
        return 2;
    }
    const std::string url = argv[1];
    const std::string ca = argv[2];
    const std::string password = password_env;

    keyops::request_context ctx;
    ctx.host = url.substr(url.find("://") + 3);
    ctx.accept_encoding.clear(); // ask for what libcurl is not told to decode: identity

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL* curl = curl_easy_init();
    int code = 1;
    keyops::error_code ec;
    keyops::diagnostics diag;
    keyops::ciphertrust_token_state tokens;
    namespace cckm = keyops::cckm;

    //[token_state
    // Log in when the token state says so (before the first call and whenever renewal is due).
    auto ensure_token = [&]() {
        const auto now = std::chrono::system_clock::now();
        if (tokens.next(now) == keyops::ciphertrust_token_state::step::ready)
            return true;
        keyops::ctm::password_grant grant;
        grant.username = user;
        grant.password = password;
        auto token = call<keyops::ctm::create_token>(curl, url, ca, ctx, nullptr, ec, diag, grant);
        if (ec) {
            // read_response() knows no secret: a server that echoes the login body would show
            // the password, so it is redacted here, as the client does for its own calls.
            diag.redact(password);
            std::fprintf(stderr, "10_curl_agent: login: %s\n", diag.describe(ec).c_str());
            return false;
        }
        tokens.on_token(*token, now);
        return true;
    };
    //]

    do {
        std::vector<std::string> ids;
        for (const char* vault : {"v1", "v2"}) {
            if (!ensure_token())
                break;
            auto started = call<cckm::start_job<cckm::oci>>(
                curl, url, ca, ctx, &tokens, ec, diag,
                cckm::raw_json_body{std::string(R"({"vaults":[")") + vault + "\"]}"});
            if (ec) {
                std::fprintf(stderr, "10_curl_agent: start: %s\n", diag.describe(ec).c_str());
                break;
            }
            ids.emplace_back(started->id);
            std::printf("started oci job %s\n", ids.back().c_str());
        }
        if (ids.size() != 2)
            break;

        //[wait_machine
        // The wait: the machine says what to do next, curl does it, the answer goes back.
        keyops::wait_options w;
        w.polling.first_interval = w.polling.max_interval = std::chrono::milliseconds(500);
        w.polling.growth = 1.0;
        w.polling.deadline = std::chrono::seconds(60);
        w.on_job_progress = [](const cckm::job& j, auto) {
            std::printf("%.*s: %.*s\n", static_cast<int>(j.id.size()), j.id.data(),
                        static_cast<int>(j.overall_status.raw.size()), j.overall_status.raw.data());
        };
        keyops::jobs_wait_kind kind;
        kind.name = cckm::oci::name;
        kind.list_path_bytes = ctx.ciphertrust_base.size() + cckm::oci::base_path.size();
        using clock = std::chrono::steady_clock;
        keyops::jobs_wait_fsm fsm(ids, w, kind, clock::now());
        unsigned lists = 0;
        auto a = fsm.start(clock::now());
        while (a.kind != keyops::jobs_wait_action::type::done) {
            switch (a.kind) {
            case keyops::jobs_wait_action::type::list: {
                ensure_token();
                ++lists;
                auto page = call<cckm::list_jobs<cckm::oci>>(
                    curl, url, ca, ctx, &tokens, ec, diag, keyops::list_query_for<cckm::oci>(fsm));
                if (ec == keyops::error::unauthorized)
                    tokens.on_unauthorized(tokens.access_token()); // renewed next round
                a = fsm.on_list(ec, diag, std::move(page), clock::now());
                break;
            }
            case keyops::jobs_wait_action::type::get: {
                ensure_token();
                auto job = call<cckm::get_job<cckm::oci>>(curl, url, ca, ctx, &tokens, ec, diag,
                                                          keyops::job_id(fsm.job_id()));
                a = fsm.on_job(ec, diag, std::move(job), clock::now());
                break;
            }
            case keyops::jobs_wait_action::type::cancel: {
                ensure_token();
                auto job = call<cckm::cancel_job<cckm::oci>>(curl, url, ca, ctx, &tokens, ec, diag,
                                                             keyops::job_id(fsm.job_id()));
                a = fsm.on_job(ec, diag, std::move(job), clock::now());
                break;
            }
            case keyops::jobs_wait_action::type::wait:
                std::this_thread::sleep_until(a.until);
                a = fsm.on_wake(clock::now());
                break;
            case keyops::jobs_wait_action::type::done:
                break;
            }
        }
        //]
        bool all_completed = true;
        for (const auto& r : fsm.results()) {
            std::printf("%s: %s after %u polls\n", r.id.c_str(),
                        std::string(keyops::to_string(r.outcome)).c_str(), r.polls);
            all_completed = all_completed && r.outcome == keyops::wait_outcome::completed;
        }
        std::printf("%u list requests for %zu jobs\n", lists, ids.size());
        if (!all_completed)
            break;

        // A job that does not exist: the 404 is an error with the server's words, not an empty
        // job.
        auto missing =
            call<cckm::get_job<cckm::oci>>(curl, url, ca, ctx, &tokens, ec, diag,
                                           keyops::job_id("00000000-0000-4000-8000-000000000000"));
        if (ec != keyops::error::not_found || diag.http_status != 404 || !diag.server_code) {
            std::fprintf(stderr, "10_curl_agent: expected not_found for an unknown job, got %s\n",
                         diag.describe(ec).c_str());
            break;
        }
        std::printf("unknown job: %s\n", diag.describe(ec).c_str());
        code = 0;
    } while (false);

    curl_easy_cleanup(curl);
    curl_global_cleanup();
    return code;
}
