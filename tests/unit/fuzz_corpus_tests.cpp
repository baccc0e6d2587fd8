// Replays the committed fuzz corpus, tests/fuzz/corpus/<target>/, through the fuzz targets: the
// seeds and every input that once found a bug run in every ordinary build, with g++ and without
// libFuzzer. A broken invariant aborts; the last checkpoint names the input.
//
// The parse target compares the scanner with the platform's kernel against basic_parser; here
// every input of its corpus is also parsed into every response type with each byte kernel the
// platform has (the portable one everywhere), each compared with that and with basic_parser.

#include "../fuzz/targets.hpp"
#include "corpus.hpp"
#include "scan_kernels.hpp"

#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using target_function = void (*)(const std::uint8_t*, std::size_t);

void replay(const std::string& target, target_function fuzz) {
    const auto files = keyops_test::corpus_files(target);
    for (const auto& file : files) {
        const std::string input = keyops_test::read_corpus_file(file);
        // After the read: every BOOST_TEST sets a checkpoint of its own.
        BOOST_TEST_CHECKPOINT(target << '/' << file.filename().string());
        fuzz(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
    }
    BOOST_TEST_MESSAGE(target << ": " << files.size() << " inputs replayed");
}

// `body` parsed into T with the kernel K: the same outcome as the platform's parse to the byte
// (error, offset, path, sentence; every value), and on success the same values as basic_parser.
template <class T, class K>
void same_with_kernel(std::string_view body, const char* kernel) {
    using keyops_fuzz::detail::dump_of;
    const keyops::parse_options opt;
    keyops::error_code ec, native_ec, ref_ec;
    keyops::diagnostics diag, native_diag, ref_diag;
    const auto got = keyops::detail::parsed_access::borrowed<T>(
        body, ec, diag, opt, &keyops::detail::parse_into_with<K, T>);
    const auto native = keyops::parse_borrowed<T>(body, native_ec, native_diag, opt);
    const auto what = [&] {
        return std::string(kernel) + " kernel, " + std::string(body);
    };
    BOOST_TEST((ec == native_ec), what() << ": " << ec.message() << ", " << native_ec.message());
    BOOST_TEST(diag.json_offset == native_diag.json_offset, what());
    BOOST_TEST(diag.json_path == native_diag.json_path, what());
    BOOST_TEST(diag.detail == native_diag.detail, what());
    if (ec || native_ec)
        return;
    BOOST_TEST(dump_of(got) == dump_of(native), what());
    const auto ref = keyops::detail::parse_reference<T>(body, ref_ec, ref_diag, opt);
    BOOST_TEST(!ref_ec, what() << ": basic_parser " << ref_ec.message());
    if (!ref_ec)
        BOOST_TEST(dump_of(got, true) == dump_of(ref, true), what());
}

template <class... T>
struct type_list {};

// Every response type the parse target reads.
using response_types =
    type_list<keyops::cckm::job, keyops::scheduler::job_config, keyops::scheduler::run,
              keyops::cckm::job_list, keyops::cckm::job_brief_list,
              keyops::scheduler::job_config_list, keyops::scheduler::run_list,
              keyops::cckm::error_body, keyops::csp::error_body, keyops::ni::rotation_status,
              keyops::ni::key_details, keyops::ni::error_body, keyops::ctm::token,
              keyops::csp::access_token, keyops::ni::token>;

template <class... T>
void every_type_every_kernel(std::string_view body, type_list<T...>) {
    keyops_test::for_each_scan_kernel([&](auto kernel) {
        using K = typename decltype(kernel)::type;
        (same_with_kernel<T, K>(body, kernel.name), ...);
    });
}

} // namespace

BOOST_AUTO_TEST_SUITE(fuzz_corpus)

BOOST_AUTO_TEST_CASE(parse) {
    replay("parse", keyops_fuzz::fuzz_parse);
}
BOOST_AUTO_TEST_CASE(parse_with_every_kernel) {
    BOOST_TEST_MESSAGE("kernels: " << keyops_test::scan_kernel_names());
    const auto files = keyops_test::corpus_files("parse");
    for (const auto& file : files) {
        const std::string input = keyops_test::read_corpus_file(file);
        BOOST_TEST_CHECKPOINT("parse/" << file.filename().string());
        if (!input.empty())
            every_type_every_kernel(std::string_view(input).substr(1), response_types());
    }
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
