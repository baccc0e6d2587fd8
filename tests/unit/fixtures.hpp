#ifndef KEYOPS_TESTS_FIXTURES_HPP
#define KEYOPS_TESTS_FIXTURES_HPP

// Reads the seed example responses kept verbatim under tests/fixtures.

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace keyops_test {

inline std::string fixture(const std::string& name) {
    std::ifstream in(std::string(KEYOPS_FIXTURE_DIR) + "/" + name, std::ios::binary);
    if (!in)
        throw std::runtime_error("missing fixture " + name);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

} // namespace keyops_test

#endif
