#ifndef KEYOPS_BENCH_ALLOC_COUNT_HPP
#define KEYOPS_BENCH_ALLOC_COUNT_HPP

// Heap allocation counting for the benchmarks. Linking alloc_count.cpp replaces every form of
// the global operator new (plain, array, nothrow, aligned) with a version over malloc that counts
// its calls; operator delete in all its forms frees. Read and reset the counter around the code
// to measure.
//
// The counter is a plain integer: the benchmarks count on one thread, and an atomic increment
// would add a locked instruction to every allocation of the code being timed.
//
// The replacements live in their own translation unit so that they are never inlined into the
// benchmark, like the library operator new they replace.

#include <cstddef>

namespace keyops_bench {
extern std::size_t allocations;
} // namespace keyops_bench

#endif
