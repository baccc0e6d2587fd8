// libFuzzer's entry point for one target of targets.hpp, chosen when compiling:
// -DKEYOPS_FUZZ_TARGET=parse makes the `parse` fuzzer. scripts/fuzz builds one binary per target.

#include "targets.hpp"

#include <cstddef>
#include <cstdint>

#ifndef KEYOPS_FUZZ_TARGET
#error "define KEYOPS_FUZZ_TARGET: parse, server_url, no_proxy, retry_after or tool_args"
#endif

#define KEYOPS_FUZZ_JOIN2(a, b) a##b
#define KEYOPS_FUZZ_JOIN(a, b) KEYOPS_FUZZ_JOIN2(a, b)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    keyops_fuzz::KEYOPS_FUZZ_JOIN(fuzz_, KEYOPS_FUZZ_TARGET)(data, size);
    return 0;
}
