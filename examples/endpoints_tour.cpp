// A tour of keyops's I/O-free core: the request it builds for every endpoint, and the typed
// view it parses from each example response in a folder of JSON files.
//
//     endpoints_tour [FIXTURE_DIR]

#include <keyops/keyops.hpp>

#include <boost/beast/http/write.hpp>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace cckm = keyops::cckm;
namespace fs = std::filesystem;

namespace {

void show(const std::string& title, const keyops::http_request& req) {
    std::cout << "  " << title << ": " << req.method_string() << ' ' << req.target();
    if (!req.body().empty())
        std::cout << "  body " << req.body();
    std::cout << '\n';
}

std::string when(const keyops::timestamp& t) {
    if (!t)
        return "-";
    const std::time_t secs = std::chrono::system_clock::to_time_t(t.time());
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buf;
}

void print_job(const cckm::job& j, const char* indent) {
    std::cout << indent << "job " << j.id << '\n'
              << indent << "  state      " << keyops::to_string(j.overall_status.state) << " ("
              << j.overall_status.raw << ")" << (j.abort ? ", aborted" : "") << '\n'
              << indent << "  created    " << when(j.created_at) << '\n'
              << indent << "  completed  " << when(j.completed_at) << '\n';
    if (!j.cloud.empty())
        std::cout << indent << "  cloud      " << j.cloud << '\n';
    for (auto r : j.resources())
        std::cout << indent << "  resource   " << r << '\n';
    for (auto m : j.detailed_status) {
        std::cout << indent << "  detail     " << m.key << ": ";
        if (m.value.is_string()) {
            std::cout << m.value.as_string();
        } else if (m.value.is_array()) {
            std::cout << "[";
            const char* sep = "";
            for (auto v : m.value.as_array()) {
                std::cout << sep << v.as_string();
                sep = ", ";
            }
            std::cout << "]";
        }
        std::cout << '\n';
    }
    if (j.version_count)
        std::cout << indent << "  key        " << j.key_id << ", " << *j.version_count
                  << " versions, operation " << j.operation << '\n';
}

template <class T>
bool parse_file(const fs::path& file, T&& print) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    using type = typename std::decay_t<T>::type;
    keyops::error_code ec;
    keyops::diagnostics diag;
    auto v = keyops::parse<type>(body.str(), ec, diag);
    std::cout << file.filename().string() << '\n';
    if (ec) {
        std::cout << "  error: " << diag.describe(ec) << '\n';
        return false;
    }
    print(*v);
    return true;
}

template <class T, class F>
struct printer {
    using type = T;
    F f;
    void operator()(const T& v) const { f(v); }
};
template <class T, class F>
printer<T, F> print_as(F f) {
    return printer<T, F>{f};
}

} // namespace

int main(int argc, char** argv) {
    keyops::request_context ctx;
    ctx.host = "cm.example.com";

    std::cout << "Requests, one per endpoint\n";
    std::apply(
        [&](auto... kinds) {
            auto one = [&](auto kind) {
                using K = decltype(kind);
                std::cout << K::name << '\n';
                if constexpr (K::has_list) {
                    cckm::list_query<K> q;
                    q.skip = 0;
                    q.limit = 10;
                    q.overall_status = keyops::job_state::in_progress;
                    show("list  ", keyops::build_request<cckm::list_jobs<K>>(ctx, q));
                }
                show("get   ", keyops::build_request<cckm::get_job<K>>(ctx, keyops::job_id("ID")));
                if constexpr (K::has_cancel)
                    show("cancel",
                         keyops::build_request<cckm::cancel_job<K>>(ctx, keyops::job_id("ID")));
                typename K::start_body body{};
                if constexpr (std::is_same_v<typename K::start_body, cckm::raw_json_body>)
                    body.text = R"({"synchronize_all":true})";
                if constexpr (std::is_same_v<typename K::start_body,
                                             cckm::update_all_versions_body>)
                    body.key_id = "KEY-ID";
                show("start ", keyops::build_request<cckm::start_job<K>>(ctx, body));
            };
            (one(kinds), ...);
        },
        cckm::all_kinds{});

    std::cout << "ciphertrust auth\n";
    keyops::ctm::refresh_grant refresh;
    refresh.refresh_token = "REFRESH";
    show("token ", keyops::build_request<keyops::ctm::create_token>(ctx, refresh));
    std::cout << "network insight\n";
    keyops::ni::credentials creds;
    creds.username = "admin@local";
    creds.password = "(not shown)";
    show("token ", keyops::build_request<keyops::ni::create_token>(ctx, creds));
    show("release", keyops::build_request<keyops::ni::delete_token>(ctx));
    show("rotate", keyops::build_request<keyops::ni::rotate_proxy_key>(ctx));
    show("status", keyops::build_request<keyops::ni::proxy_key_rotation_status>(ctx));
    show("details", keyops::build_request<keyops::ni::proxy_key_details>(ctx));

    if (argc < 2)
        return 0;
    const fs::path dir = argv[1];
    bool ok = true;
    std::cout << "\nExample responses from " << dir.string() << '\n';
    auto list = print_as<cckm::job_list>([](const cckm::job_list& l) {
        std::cout << "  page: skip " << l.skip.value_or(0) << ", limit " << l.limit.value_or(0)
                  << ", total " << l.total.value_or(0) << '\n';
        for (const auto& j : l.resources)
            print_job(j, "  ");
    });
    auto job = print_as<cckm::job>([](const cckm::job& j) { print_job(j, "  "); });
    ok &= parse_file(dir / "dsm_refresh_list.json", list);
    ok &= parse_file(dir / "oci_sync_list.json", list);
    ok &= parse_file(dir / "azure_certificates_job.json", job);
    ok &= parse_file(dir / "google_update_all_versions_job.json", job);
    ok &=
        parse_file(dir / "ni_rotation_status.json",
                   print_as<keyops::ni::rotation_status>([](const keyops::ni::rotation_status& s) {
                       std::cout << "  customer " << s.customer_id.value_or(0) << ", status "
                                 << s.status.raw << " (" << keyops::to_string(s.status.state)
                                 << ")\n";
                       for (auto c : s.failed_collector_ids)
                           std::cout << "  failed collector " << c << '\n';
                   }));
    ok &= parse_file(dir / "ni_error_401.json",
                     print_as<keyops::ni::error_body>([](const keyops::ni::error_body& e) {
                         std::cout << "  code " << e.code.value_or(0) << ": " << e.message << '\n';
                         for (const auto& d : e.details) {
                             std::cout << "  detail " << d.code.value_or(0) << ": " << d.message;
                             for (auto t : d.target)
                                 std::cout << " [" << t << "]";
                             std::cout << '\n';
                         }
                     }));
    return ok ? 0 : 1;
}
