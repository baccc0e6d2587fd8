#include <keyops/keyops.hpp>
#include <string>
int main() {
    keyops::request_context ctx;
    std::string id = "45f1c056-ad1f-41b7-bf68-2b2909e51ab9";
    (void)keyops::build_request<keyops::cckm::get_job<keyops::cckm::oci>>(ctx, id);
}
