# Cross-building for Windows x64 with MinGW-w64 (Debian's g++-mingw-w64-x86-64-posix: the posix
# thread model, which std::thread and std::mutex need):
#
#   scripts/platforms/windows-deps       # OpenSSL, zlib and Boost's headers in build/deps/mingw64
#   cmake -S . -B build/mingw -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64.cmake
#
# The dependency prefix is KEYOPS_MINGW_PREFIX (a -D option or the environment variable of that
# name), by default build/deps/mingw64 beside this file's cmake/ folder. It holds OpenSSL (static),
# zlib (static) and a CMake package for Boost's headers; the MinGW-w64 sysroot
# (/usr/x86_64-w64-mingw32) and CMAKE_PREFIX_PATH (where keyops was installed for Windows, say)
# are searched after it. Libraries and packages are taken from these only, never from the build
# machine: Boost's compiled libraries are not there, so Boost.JSON and Boost.URL are compiled in
# from <keyops/src.hpp> (KEYOPS_BOOST_HEADERS_ONLY, the default when cross compiling). Programs
# built here run under Wine when it is installed (CMAKE_CROSSCOMPILING_EMULATOR), so that CTest
# and `cmake -E` steps can run them.

set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(KEYOPS_MINGW_TRIPLET x86_64-w64-mingw32)
find_program(CMAKE_C_COMPILER NAMES ${KEYOPS_MINGW_TRIPLET}-gcc-posix REQUIRED)
find_program(CMAKE_CXX_COMPILER NAMES ${KEYOPS_MINGW_TRIPLET}-g++-posix REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${KEYOPS_MINGW_TRIPLET}-windres)
find_program(CMAKE_AR NAMES ${KEYOPS_MINGW_TRIPLET}-gcc-ar-posix ${KEYOPS_MINGW_TRIPLET}-ar)
find_program(CMAKE_RANLIB NAMES ${KEYOPS_MINGW_TRIPLET}-gcc-ranlib-posix
                                ${KEYOPS_MINGW_TRIPLET}-ranlib)

# PE/COFF objects hold at most 32767 sections unless asked for the big format, which Asio and
# Beast's templates (and -ffunction-sections) need.
set(CMAKE_CXX_FLAGS_INIT "-Wa,-mbig-obj")
# Programs link libstdc++, libgcc and winpthreads statically (OpenSSL and zlib are static
# already): an .exe runs without MinGW's DLLs beside it.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

if(NOT KEYOPS_MINGW_PREFIX)
    if(DEFINED ENV{KEYOPS_MINGW_PREFIX})
        set(KEYOPS_MINGW_PREFIX "$ENV{KEYOPS_MINGW_PREFIX}")
    else()
        get_filename_component(KEYOPS_MINGW_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../../build/deps/mingw64"
                               ABSOLUTE)
    endif()
endif()
# try_compile projects read the toolchain file again: they get the same prefix.
set(ENV{KEYOPS_MINGW_PREFIX} "${KEYOPS_MINGW_PREFIX}")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES KEYOPS_MINGW_PREFIX)
if(NOT EXISTS "${KEYOPS_MINGW_PREFIX}/include/openssl/ssl.h")
    message(FATAL_ERROR "no OpenSSL for MinGW-w64 in ${KEYOPS_MINGW_PREFIX}: run "
                        "scripts/platforms/windows-deps, or set KEYOPS_MINGW_PREFIX")
endif()

# CMAKE_PREFIX_PATH's folders are roots too, so that a keyops installed for Windows (or any other
# package built for it) is found where -DCMAKE_PREFIX_PATH says.
set(CMAKE_FIND_ROOT_PATH "${KEYOPS_MINGW_PREFIX}" /usr/${KEYOPS_MINGW_TRIPLET} ${CMAKE_PREFIX_PATH})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# OpenSSL and zlib from the prefix, static: the programs then need no DLL beside them.
set(OPENSSL_ROOT_DIR "${KEYOPS_MINGW_PREFIX}")
set(OPENSSL_USE_STATIC_LIBS ON)
set(ZLIB_ROOT "${KEYOPS_MINGW_PREFIX}")
set(ZLIB_USE_STATIC_LIBS ON)
# Boost: find_package(Boost CONFIG) finds the prefix's package of Boost's headers alone (the
# package mode above keeps the build machine's BoostConfig, and its x86-64 Linux libraries, out).

find_program(KEYOPS_WINE NAMES wine64 wine PATHS /usr/lib/wine NO_CMAKE_FIND_ROOT_PATH)
if(KEYOPS_WINE)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${KEYOPS_WINE}")
endif()
