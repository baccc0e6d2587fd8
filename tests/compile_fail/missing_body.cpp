#include <keyops/keyops.hpp>
int main() {
    keyops::request_context ctx;
    (void)keyops::build_request<keyops::cckm::start_job<keyops::cckm::google>>(ctx);
}
