#include <keyops/keyops.hpp>
int main() {
    keyops::request_context ctx;
    using kind = keyops::cckm::google_update_all_versions;
    (void)keyops::build_request<keyops::cckm::list_jobs<kind>>(ctx);
}
