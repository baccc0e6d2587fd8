// A program using keyops the way a user would: build a request, parse a response.
#include <keyops/keyops.hpp>
#ifdef KEYOPS_CONSUMER_COMPILE_BOOST
#include <keyops/src.hpp>
#endif

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
}
