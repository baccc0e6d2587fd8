# Packages, made by CPack from what `cmake --install` installs:
#
# Linux (Debian and Ubuntu), `cpack -G DEB` in a build configured with -DCMAKE_INSTALL_PREFIX=/usr,
# -DKEYOPS_STATIC_TOOLS=ON and -DCMAKE_BUILD_TYPE=Release, once built: two packages, as Debian
# splits a library's users from its developers,
#   keyops_VERSION_ARCH.deb      the tools (component tools): keyops, statically linked, with its
#                                man page and bash, zsh and fish completions, and keyops-sim; it
#                                depends on nothing but what dpkg-shlibdeps finds keyops-sim needs
#   keyops-dev_VERSION_ARCH.deb  the headers, the CMake package and keyops.pc (the component of the
#                                top-level install rules, Unspecified); it depends on the -dev
#                                packages of Boost, OpenSSL and zlib that they need
# so that the tool does not bring a C++ tool chain's worth of -dev packages with it, and a build
# machine gets the headers without the tools.
#
# Windows (a MinGW-w64 build, WIN32), `cpack -G ZIP`: keyops-VERSION-win64.zip with bin/keyops.exe
# (linked statically with KEYOPS_STATIC_TOOLS=ON) and README.md.
#
# KEYOPS_PACKAGE_CONTACT (the Maintainer field) and KEYOPS_PACKAGE_HOMEPAGE (Homepage, left out
# when empty) are for whoever publishes the packages to set.

# Only for keyops's own build: a project that adds keyops with add_subdirectory or FetchContent
# keeps its own CPack configuration.
if(NOT KEYOPS_IS_TOP_LEVEL)
    return()
endif()

set(KEYOPS_PACKAGE_CONTACT "keyops maintainers <keyops@localhost>" CACHE STRING
    "Maintainer of the packages CPack makes (name <address>)")
set(KEYOPS_PACKAGE_HOMEPAGE "" CACHE STRING "Homepage of the packages CPack makes (a URL, or empty)")

set(CPACK_PACKAGE_NAME keyops)
set(CPACK_PACKAGE_VENDOR keyops)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${KEYOPS_PACKAGE_CONTACT}")
if(KEYOPS_PACKAGE_HOMEPAGE)
    set(CPACK_PACKAGE_HOMEPAGE_URL "${KEYOPS_PACKAGE_HOMEPAGE}")
endif()
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
# Read as cpack runs by KeyopsPackagingChecks.cmake (each generator) and KeyopsPackagingStage.cmake
# (the staged files).
set(CPACK_KEYOPS_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_KEYOPS_STATIC_TOOLS "${KEYOPS_STATIC_TOOLS}")
set(CPACK_KEYOPS_BINDIR "${CMAKE_INSTALL_BINDIR}")
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_LIST_DIR}/KeyopsPackagingChecks.cmake)
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/KeyopsPackagingStage.cmake)

if(WIN32)
    # The tool alone, and the README beside it.
    install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION . COMPONENT tools)
    set(CPACK_GENERATOR ZIP)
    set(CPACK_ARCHIVE_COMPONENT_INSTALL ON)
    set(CPACK_COMPONENTS_ALL tools)
    set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
    set(CPACK_COMPONENT_INCLUDE_TOPLEVEL_DIRECTORY ON) # keyops-VERSION-win64\ in the zip
    if(CMAKE_SIZEOF_VOID_P EQUAL 8)
        set(CPACK_PACKAGE_FILE_NAME keyops-${PROJECT_VERSION}-win64)
    else()
        set(CPACK_PACKAGE_FILE_NAME keyops-${PROJECT_VERSION}-win32)
    endif()
    set(CPACK_ARCHIVE_FILE_NAME ${CPACK_PACKAGE_FILE_NAME})
else()
    install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR}
            COMPONENT tools)
    set(CPACK_GENERATOR DEB)
    set(CPACK_DEB_COMPONENT_INSTALL ON)
    if(TARGET keyops-cli)
        set(CPACK_COMPONENTS_ALL tools Unspecified)
    else()
        set(CPACK_COMPONENTS_ALL Unspecified)
    endif()
    set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
    set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
    set(CPACK_DEBIAN_PACKAGE_VERSION ${PROJECT_VERSION})
    set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
    set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${KEYOPS_PACKAGE_CONTACT}")
    set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
    # Each package its own summary line (CPack would put the project's above both).
    set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
    # The architecture the binaries are for: dpkg's own, or in a cross build the compiler's.
    if(CMAKE_CROSSCOMPILING)
        execute_process(COMMAND ${CMAKE_CXX_COMPILER} -dumpmachine
                        OUTPUT_VARIABLE keyops_triplet OUTPUT_STRIP_TRAILING_WHITESPACE)
        execute_process(COMMAND dpkg-architecture -t${keyops_triplet} -qDEB_HOST_ARCH
                        OUTPUT_VARIABLE keyops_deb_arch ERROR_QUIET
                        OUTPUT_STRIP_TRAILING_WHITESPACE)
    else()
        execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE keyops_deb_arch
                        ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
    endif()
    if(keyops_deb_arch)
        set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${keyops_deb_arch})
    endif()

    # keyops: the tools. keyops is static; dpkg-shlibdeps gives keyops-sim's libc6 and libstdc++6.
    set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME keyops)
    set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION utils)
    set(CPACK_DEBIAN_TOOLS_PACKAGE_SHLIBDEPS ON)
    set(CPACK_DEBIAN_TOOLS_DESCRIPTION
        "start, watch, cancel and wait for key-management jobs
The keyops command-line tool lists, starts, cancels and waits for the CCKM
jobs of Thales CipherTrust Manager (synchronization, refresh and
update-all-versions jobs for every cloud, and the scheduler's configurations
and runs), and rotates the collector proxy key of VMware Aria Operations for
Networks (Network Insight): table or JSON output, profiles, exit codes for
scripts. It is linked statically.

keyops-sim simulates both servers over HTTPS on loopback, for trying the
tool and testing agents without an appliance.")

    # keyops-dev: the header-only library.
    set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_NAME keyops-dev)
    set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_SECTION libdevel)
    set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_SHLIBDEPS OFF)
    string(REGEX MATCH "^[0-9]+\\.[0-9]+" keyops_boost_mm "${Boost_VERSION}")
    if(NOT keyops_boost_mm)
        set(keyops_boost_mm 1.81)
    endif()
    set(keyops_dev_depends "libboost${keyops_boost_mm}-dev")
    if(NOT KEYOPS_BOOST_HEADERS_ONLY)
        string(APPEND keyops_dev_depends
               ", libboost-json${keyops_boost_mm}-dev, libboost-url${keyops_boost_mm}-dev")
    endif()
    string(APPEND keyops_dev_depends ", libssl-dev, zlib1g-dev")
    set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_DEPENDS "${keyops_dev_depends}")
    set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_SUGGESTS keyops)
    set(CPACK_DEBIAN_UNSPECIFIED_DESCRIPTION
        "C++17 library for key-management jobs (headers)
keyops starts, watches, cancels and waits for the jobs of Thales CipherTrust
Manager and rotates the proxy key of VMware Aria Operations for Networks, from
C++ agents: typed endpoints, sans-I/O requests and parsers, and clients over
Boost.Beast with TLS (OpenSSL), retries and deadlines.

This package holds the headers, the CMake package (find_package(keyops),
targets keyops::keyops and keyops::headers) and keyops.pc for pkg-config.")
endif()

include(CPack)
