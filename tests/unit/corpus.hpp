#ifndef KEYOPS_TESTS_CORPUS_HPP
#define KEYOPS_TESTS_CORPUS_HPP

// The committed fuzz corpus, tests/fuzz/corpus/<target>/: its files, in name order, and their
// bytes.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace keyops_test {

inline std::vector<std::filesystem::path> corpus_files(const std::string& target) {
    std::vector<std::filesystem::path> files;
    const std::filesystem::path dir = std::filesystem::path(KEYOPS_FUZZ_CORPUS_DIR) / target;
    if (std::filesystem::is_directory(dir))
        for (const auto& entry : std::filesystem::directory_iterator(dir))
            if (entry.is_regular_file())
                files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    BOOST_TEST_REQUIRE(!files.empty(), "no corpus in " << dir.string());
    return files;
}

inline std::string read_corpus_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    BOOST_TEST_REQUIRE(in.good(), "cannot read " << path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace keyops_test

#endif
