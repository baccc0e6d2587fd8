# The part the Debian cross toolchain files share (aarch64-linux-gnu.cmake,
# arm-linux-gnueabihf.cmake, s390x-linux-gnu.cmake): each sets KEYOPS_CROSS_TRIPLET,
# KEYOPS_CROSS_QEMU and CMAKE_SYSTEM_PROCESSOR, then includes this file.
#
# Debian's cross compilers search the target's multiarch folders themselves
# (/usr/include/TRIPLET, /usr/lib/TRIPLET, after /usr/TRIPLET), so the target's libraries
# installed as NAME:ARCH packages are found like native ones, and the architecture-independent
# headers in /usr/include (Boost's) serve both.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${KEYOPS_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${KEYOPS_CROSS_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${KEYOPS_CROSS_TRIPLET})

# Programs of the target run under qemu-user, with the cross C library's folder as the root of
# the target's absolute paths (its dynamic loader). CTest runs the tests through it.
set(CMAKE_CROSSCOMPILING_EMULATOR ${KEYOPS_CROSS_QEMU} -L /usr/${KEYOPS_CROSS_TRIPLET})

# Boost: the headers only (KEYOPS_BOOST_HEADERS_ONLY is on in a cross build), through the CMake
# package of the build machine's Boost, whose Boost::headers names /usr/include and nothing of
# its libraries. The build machine's multiarch folder is not one CMake searches for the target.
if(NOT Boost_DIR)
    file(GLOB _keyops_boost_dirs LIST_DIRECTORIES true /usr/lib/*/cmake/Boost-1.*)
    list(FILTER _keyops_boost_dirs EXCLUDE REGEX "/${KEYOPS_CROSS_TRIPLET}/")
    if(_keyops_boost_dirs)
        list(SORT _keyops_boost_dirs COMPARE NATURAL ORDER DESCENDING)
        list(GET _keyops_boost_dirs 0 _keyops_boost_dir)
        set(Boost_DIR "${_keyops_boost_dir}" CACHE PATH "Boost's CMake package (headers only)")
    endif()
    unset(_keyops_boost_dirs)
    unset(_keyops_boost_dir)
endif()

# Nothing of another architecture: the other multiarch folders (the build machine's own, and
# those of other foreign architectures) are not searched, and pkg-config reads the target's .pc
# files only (FindOpenSSL and FindZLIB take hints from it).
file(GLOB _keyops_other_arches LIST_DIRECTORIES true /usr/lib/*-linux-gnu* /lib/*-linux-gnu*)
list(FILTER _keyops_other_arches EXCLUDE REGEX "/${KEYOPS_CROSS_TRIPLET}$")
list(APPEND CMAKE_IGNORE_PATH ${_keyops_other_arches})
unset(_keyops_other_arches)
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${KEYOPS_CROSS_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
