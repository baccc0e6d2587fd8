# Cross build for Linux s390x (64-bit, big-endian) with Debian's cross compiler
# (g++-s390x-linux-gnu). Debian's s390x OpenSSL and zlib are not always at hand as multiarch
# packages, so this build takes both, static, from a prefix of their own:
# scripts/platforms/linux-cross s390x builds them from Debian's source packages once per machine
# (in ${KEYOPS_DEPS_CACHE:-~/.cache/keyops-deps}) and links build/deps/s390x-linux-gnu to them,
# the default of KEYOPS_CROSS_DEPS below. Boost is headers only, from /usr/include:
# KEYOPS_BOOST_HEADERS_ONLY is on in a cross build, and Boost.JSON and Boost.URL are compiled in
# from <keyops/src.hpp>. Programs and tests run under qemu-user.
#
#     cmake -B build/s390x -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/s390x-linux-gnu.cmake \
#           [-DKEYOPS_CROSS_DEPS=PREFIX]
set(KEYOPS_CROSS_TRIPLET s390x-linux-gnu)
set(KEYOPS_CROSS_QEMU qemu-s390x)
set(CMAKE_SYSTEM_PROCESSOR s390x)
include(${CMAKE_CURRENT_LIST_DIR}/debian-multiarch.cmake)

get_filename_component(_keyops_default_deps
                       "${CMAKE_CURRENT_LIST_DIR}/../../build/deps/s390x-linux-gnu" ABSOLUTE)
set(KEYOPS_CROSS_DEPS "${_keyops_default_deps}" CACHE PATH
    "Prefix of OpenSSL and zlib built for s390x (lib/libssl.a, lib/libz.a, include/)")
unset(_keyops_default_deps)
if(NOT EXISTS "${KEYOPS_CROSS_DEPS}/lib/libssl.a" OR NOT EXISTS "${KEYOPS_CROSS_DEPS}/lib/libz.a")
    message(FATAL_ERROR "s390x-linux-gnu.cmake: no OpenSSL or zlib for s390x in "
                        "${KEYOPS_CROSS_DEPS} (lib/libssl.a, lib/libz.a): "
                        "scripts/platforms/linux-cross s390x builds them, or give "
                        "-DKEYOPS_CROSS_DEPS=PREFIX")
endif()
# The prefix first, and its static libraries: nothing of the build machine's OpenSSL or zlib.
set(OPENSSL_ROOT_DIR "${KEYOPS_CROSS_DEPS}")
set(OPENSSL_USE_STATIC_LIBS ON)
set(ZLIB_ROOT "${KEYOPS_CROSS_DEPS}")
set(ZLIB_USE_STATIC_LIBS ON)
list(PREPEND CMAKE_PREFIX_PATH "${KEYOPS_CROSS_DEPS}")
set(ENV{PKG_CONFIG_LIBDIR} "${KEYOPS_CROSS_DEPS}/lib/pkgconfig")
