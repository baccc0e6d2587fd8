# Builds and runs a project that adds the keyops source tree with add_subdirectory().
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build -G ${GENERATOR}
                        -DKEYOPS_SOURCE_DIR=${KEYOPS_SOURCE_DIR} -DCMAKE_CXX_COMPILER=${CXX}
                RESULT_VARIABLE r)
if(NOT r EQUAL 0)
    message(FATAL_ERROR "configuring the consumer failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build RESULT_VARIABLE r)
if(NOT r EQUAL 0)
    message(FATAL_ERROR "building the consumer failed")
endif()
execute_process(COMMAND ${WORK_DIR}/build/consumer RESULT_VARIABLE r OUTPUT_VARIABLE out)
message(STATUS "${out}")
if(NOT r EQUAL 0 OR NOT out MATCHES "GET /api/v1/cckm/oci/synchronization-jobs/abc completed 1")
    message(FATAL_ERROR "the consumer did not run as expected")
endif()
