# Cross build for Linux armhf (32-bit ARMv7, hard float) with Debian's cross compiler
# (g++-arm-linux-gnueabihf) and the armhf multiarch OpenSSL and zlib (libssl-dev:armhf,
# zlib1g-dev:armhf; `scripts/install-deps armhf` installs all of them). Boost is headers only,
# from /usr/include: KEYOPS_BOOST_HEADERS_ONLY is on in a cross build, and Boost.JSON and Boost.URL
# are compiled in from <keyops/src.hpp>. Programs and tests run under qemu-user.
#
# size_t and long are 32 bits here. time_t is 32 bits too unless _TIME_BITS=64 (glibc 2.34 on):
# Debian bookworm's armhf ABI keeps the 32-bit one, so its OpenSSL and every other library are
# built that way, and so is this build. keyops keeps its times in std::chrono (64-bit counts)
# and never in time_t, so times past 2038 parse all the same.
#
#     cmake -B build/armhf -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/arm-linux-gnueabihf.cmake
#
# scripts/platforms/linux-cross armhf configures, builds and runs the unit tests this way.
set(KEYOPS_CROSS_TRIPLET arm-linux-gnueabihf)
set(KEYOPS_CROSS_QEMU qemu-arm)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
# GCC notes at each std::vector of 8-byte aligned elements that GCC 7.1 changed how such
# arguments are passed: a fact about old compilers' objects, of no concern when everything is
# built by one compiler, and pages of noise.
set(CMAKE_CXX_FLAGS_INIT "-Wno-psabi")
include(${CMAKE_CURRENT_LIST_DIR}/debian-multiarch.cmake)
