#include <keyops/keyops.hpp>
int main() {
    keyops::request_context ctx;
    (void)keyops::build_request<keyops::cckm::get_job<keyops::cckm::oci>>(ctx);
}
