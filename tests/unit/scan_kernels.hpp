#ifndef KEYOPS_TESTS_SCAN_KERNELS_HPP
#define KEYOPS_TESTS_SCAN_KERNELS_HPP

// The JSON scanner's byte kernels that this platform has (parse/detail/scan_bytes.hpp), for the
// tests that run each of them: the portable one everywhere, SSE2 on x86, NEON on AArch64.

#include <keyops/parse/detail/scan_bytes.hpp>

#include <string>

namespace keyops_test {

template <class Kernel>
struct scan_kernel {
    using type = Kernel;
    const char* name;
};

/// Calls `f(scan_kernel<K>{name})` for every kernel K of this platform, the portable one first.
template <class F>
void for_each_scan_kernel(F&& f) {
    f(scan_kernel<keyops::detail::scan_portable>{"portable"});
#if defined(KEYOPS_SCANNER_SSE2)
    f(scan_kernel<keyops::detail::scan_sse2>{"sse2"});
#endif
#if defined(KEYOPS_SCANNER_NEON)
    f(scan_kernel<keyops::detail::scan_neon>{"neon"});
#endif
}

/// The names of this platform's kernels, e.g. "portable sse2".
inline std::string scan_kernel_names() {
    std::string names;
    for_each_scan_kernel([&](auto k) {
        if (!names.empty())
            names += ' ';
        names += k.name;
    });
    return names;
}

} // namespace keyops_test

#endif
