# Compiles SOURCE and expects failure with EXPECT in the compiler's output. An empty EXPECT marks
# the control case, which must compile: it proves the harness itself works.
if(NOT STD)
    set(STD 17)
endif()
execute_process(
    COMMAND ${CXX} -std=c++${STD} -fsyntax-only -I${INCLUDE} ${SOURCE}
    RESULT_VARIABLE result
    OUTPUT_VARIABLE out
    ERROR_VARIABLE out)
if(EXPECT STREQUAL "")
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "the control source does not compile:\n${out}")
    endif()
    return()
endif()
if(result EQUAL 0)
    message(FATAL_ERROR "${SOURCE} compiled, but it must not")
endif()
string(FIND "${out}" "${EXPECT}" at)
if(at EQUAL -1)
    message(FATAL_ERROR "${SOURCE} failed without the message '${EXPECT}':\n${out}")
endif()
message(STATUS "failed as expected with: ${EXPECT}")
