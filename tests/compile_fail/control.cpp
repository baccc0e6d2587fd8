#include <keyops/keyops.hpp>
int main() {
    keyops::request_context ctx;
    ctx.host = "localhost";
    keyops::cckm::list_query<keyops::cckm::oci> q;
    q.vaults.push_back("v");
    (void)keyops::build_request<keyops::cckm::list_jobs<keyops::cckm::oci>>(ctx, q);
    (void)keyops::build_request<keyops::cckm::get_job<keyops::cckm::oci>>(ctx, keyops::job_id("x"));
}
