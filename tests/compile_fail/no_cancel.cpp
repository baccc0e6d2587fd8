#include <keyops/keyops.hpp>
int main() {
    keyops::request_context ctx;
    using kind = keyops::cckm::google_update_all_versions;
    (void)keyops::build_request<keyops::cckm::cancel_job<kind>>(ctx, keyops::job_id("x"));
}
