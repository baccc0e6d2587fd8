# `cmake --install` with the default options and nothing built: configures the source tree as a
# user would (tests, tools and examples on), installs into WORK_DIR/prefix without building, and
# checks what was installed. The consumer tests that follow (find_package, pkg-config) use that
# prefix. Then, when this build made the tools (WITH_TOOLS), its own `cmake --install` of the
# component `tools` must install them.
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} -S ${KEYOPS_SOURCE_DIR} -B ${WORK_DIR}/build
                        -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX}
                RESULT_VARIABLE r OUTPUT_QUIET)
if(NOT r EQUAL 0)
    message(FATAL_ERROR "configuring keyops with the default options failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --install ${WORK_DIR}/build --prefix ${WORK_DIR}/prefix
                RESULT_VARIABLE r OUTPUT_QUIET)
if(NOT r EQUAL 0)
    message(FATAL_ERROR "cmake --install with the default options, before any build, failed")
endif()
set(p ${WORK_DIR}/prefix)
file(GLOB_RECURSE sources RELATIVE ${KEYOPS_SOURCE_DIR}/include ${KEYOPS_SOURCE_DIR}/include/*.hpp)
file(GLOB_RECURSE installed RELATIVE ${p}/include ${p}/include/*.hpp)
list(SORT sources)
list(SORT installed)
if(NOT sources STREQUAL installed)
    message(FATAL_ERROR "installed headers differ from include/: ${installed}")
endif()
foreach(f lib/cmake/keyops/keyopsConfig.cmake lib/cmake/keyops/keyopsConfigVersion.cmake
          lib/cmake/keyops/keyopsTargets.cmake lib/pkgconfig/keyops.pc)
    if(NOT EXISTS ${p}/${f})
        message(FATAL_ERROR "${f} was not installed")
    endif()
endforeach()
file(READ ${p}/lib/cmake/keyops/keyopsTargets.cmake targets)
foreach(t keyops::keyops keyops::headers)
    if(NOT targets MATCHES "add_library\\(${t} INTERFACE IMPORTED\\)")
        message(FATAL_ERROR "keyopsTargets.cmake lacks ${t}")
    endif()
endforeach()
if(WITH_TOOLS)
    execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --component tools
                            --prefix ${WORK_DIR}/tools
                    RESULT_VARIABLE r OUTPUT_QUIET)
    if(NOT r EQUAL 0)
        message(FATAL_ERROR "cmake --install --component tools of the build failed")
    endif()
    foreach(tool keyops keyops-sim)
        if(NOT EXISTS ${WORK_DIR}/tools/${CMAKE_INSTALL_BINDIR}/${tool})
            message(FATAL_ERROR "${tool} was not installed with the tools")
        endif()
    endforeach()
endif()
message(STATUS "installed into ${p}")
