#include <keyops/keyops.hpp>
int main() {
    // AWS jobs filter on kms, not on vaults.
    keyops::cckm::list_query<keyops::cckm::aws> q;
    q.vaults.push_back("v");
}
