# keyops_consumer(ARGS...): configures the CMake project SOURCE_DIR into WORK_DIR/build with the
# given extra arguments, builds it (-O0: only whether it builds and runs matters) and checks what
# its `consumer` program prints. Used by the run_*.cmake scripts.
function(keyops_consumer)
    if(NOT KEEP_WORK_DIR)
        file(REMOVE_RECURSE ${WORK_DIR})
    endif()
    execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build -G ${GENERATOR}
                            -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=
                            -DCMAKE_CXX_FLAGS=-O0 ${ARGN}
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
    if(NOT r EQUAL 0
       OR NOT out MATCHES "GET /api/v1/cckm/oci/synchronization-jobs/abc completed 1\ncall failed as expected: ")
        message(FATAL_ERROR "the consumer did not run as expected")
    endif()
endfunction()
