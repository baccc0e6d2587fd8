# package.deb: makes the Debian packages as README.md says a user does, in a build of their own
# (WORK_DIR/build: tools linked statically, Release, installed under /usr, no tests or examples),
# kept from run to run so that a second run rebuilds only what changed. The packages are left in
# WORK_DIR/debs for package.deb_contents and package.deb_install.
#   cmake -DKEYOPS_SOURCE_DIR=... -DWORK_DIR=... -DGENERATOR=... -DCXX=... [-DLAUNCHER=ccache]
#         -P make_deb.cmake
# The .deb files are compressed with gzip rather than xz, the packages' own setting: the same
# files, made in a fifth of the time.
set(build ${WORK_DIR}/build)
set(debs ${WORK_DIR}/debs)
file(REMOVE_RECURSE ${debs})
set(launcher)
if(LAUNCHER)
    set(launcher -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${KEYOPS_SOURCE_DIR} -B ${build} -G ${GENERATOR}
                        -DCMAKE_CXX_COMPILER=${CXX} ${launcher} -DCMAKE_BUILD_TYPE=Release
                        -DCMAKE_INSTALL_PREFIX=/usr -DKEYOPS_STATIC_TOOLS=ON
                        -DKEYOPS_BUILD_TOOLS=ON -DKEYOPS_BUILD_TESTS=OFF
                        -DKEYOPS_BUILD_EXAMPLES=OFF
                RESULT_VARIABLE r OUTPUT_QUIET)
if(NOT r EQUAL 0)
    message(FATAL_ERROR "configuring the package build failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${build} RESULT_VARIABLE r OUTPUT_VARIABLE out
                ERROR_VARIABLE out)
if(NOT r EQUAL 0)
    message(FATAL_ERROR "building the package build failed:\n${out}")
endif()
execute_process(COMMAND ${CMAKE_CPACK_COMMAND} -G DEB -B ${debs} -D CPACK_DEBIAN_COMPRESSION_TYPE=gzip
                WORKING_DIRECTORY ${build} RESULT_VARIABLE r OUTPUT_VARIABLE out ERROR_VARIABLE out)
message(STATUS "${out}")
if(NOT r EQUAL 0)
    message(FATAL_ERROR "cpack -G DEB failed")
endif()
file(GLOB made RELATIVE ${debs} ${debs}/*.deb)
list(SORT made)
message(STATUS "made: ${made}")
