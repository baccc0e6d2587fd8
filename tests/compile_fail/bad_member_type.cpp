#include <keyops/keyops.hpp>
#include <map>
struct thing {
    std::map<int, int> counts;
};
template <>
struct keyops::json_schema<thing> {
    static constexpr field_entry fields[] = {field<&thing::counts>("counts")};
};
int main() {
    keyops::error_code ec;
    keyops::diagnostics diag;
    (void)keyops::parse<thing>("{}", ec, diag);
}
