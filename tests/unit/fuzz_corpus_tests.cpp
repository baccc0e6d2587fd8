// Replays the committed fuzz corpus, tests/fuzz/corpus/<target>/, through the fuzz targets: the
// seeds and every input that once found a bug run in every ordinary build, with g++ and without
// libFuzzer. A broken invariant aborts; the last checkpoint names the input.

#include "../fuzz/targets.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

using target_function = void (*)(const std::uint8_t*, std::size_t);

std::vector<std::filesystem::path> corpus_files(const std::string& target) {
    std::vector<std::filesystem::path> files;
    const std::filesystem::path dir = std::filesystem::path(KEYOPS_FUZZ_CORPUS_DIR) / target;
    if (std::filesystem::is_directory(dir))
        for (const auto& entry : std::filesystem::directory_iterator(dir))
            if (entry.is_regular_file())
                files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    BOOST_TEST_REQUIRE(in.good(), "cannot read " << path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void replay(const std::string& target, target_function fuzz) {
    const auto files = corpus_files(target);
    BOOST_TEST_REQUIRE(!files.empty(), "no corpus in " << KEYOPS_FUZZ_CORPUS_DIR << '/' << target);
    for (const auto& file : files) {
        const std::string input = read_file(file);
        // After the read: every BOOST_TEST sets a checkpoint of its own.
        BOOST_TEST_CHECKPOINT(target << '/' << file.filename().string());
        fuzz(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
    }
    BOOST_TEST_MESSAGE(target << ": " << files.size() << " inputs replayed");
}

} // namespace

BOOST_AUTO_TEST_SUITE(fuzz_corpus)

BOOST_AUTO_TEST_CASE(parse) {
    replay("parse", keyops_fuzz::fuzz_parse);
}
BOOST_AUTO_TEST_CASE(server_url) {
    replay("server_url", keyops_fuzz::fuzz_server_url);
}
BOOST_AUTO_TEST_CASE(no_proxy) {
    replay("no_proxy", keyops_fuzz::fuzz_no_proxy);
}
BOOST_AUTO_TEST_CASE(retry_after) {
    replay("retry_after", keyops_fuzz::fuzz_retry_after);
}
BOOST_AUTO_TEST_CASE(tool_args) {
    replay("tool_args", keyops_fuzz::fuzz_tool_args);
}

BOOST_AUTO_TEST_SUITE_END()
