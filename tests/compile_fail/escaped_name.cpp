#include <keyops/parse/parse.hpp>
#include <string_view>
// A name the scanner could not match byte for byte: JSON would write its quote escaped.
struct thing {
    std::string_view quoted;
};
template <>
struct keyops::json_schema<thing> {
    static constexpr field_entry fields[] = {field<&thing::quoted>("say \"hi\"")};
};
int main() {
    keyops::error_code ec;
    keyops::diagnostics diag;
    (void)keyops::parse<thing>("{}", ec, diag);
}
