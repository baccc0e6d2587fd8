# Cross build for Linux aarch64 (arm64) with Debian's cross compiler (g++-aarch64-linux-gnu) and
# the arm64 multiarch OpenSSL and zlib (libssl-dev:arm64, zlib1g-dev:arm64; `scripts/install-deps
# arm64` installs all of them). Boost is headers only, from /usr/include: KEYOPS_BOOST_HEADERS_ONLY
# is on in a cross build, and Boost.JSON and Boost.URL are compiled in from <keyops/src.hpp>.
# Programs and tests run under qemu-user.
#
#     cmake -B build/arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
#
# scripts/platforms/linux-cross arm64 configures, builds and runs the unit tests this way.
set(KEYOPS_CROSS_TRIPLET aarch64-linux-gnu)
set(KEYOPS_CROSS_QEMU qemu-aarch64)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/debian-multiarch.cmake)
