# Writes what the tool prints for one command (the man page, a shell's completion script):
#   cmake -DTOOL=path/to/keyops -DARGS=man -DOUT=keyops.1 [-DEMULATOR=qemu-aarch64|-L|/usr/...]
#         -P tool_output.cmake
# ARGS and EMULATOR are lists with | between their words (a ; would split the -D argument).
# EMULATOR, when given, runs the tool (CMAKE_CROSSCOMPILING_EMULATOR in a cross build). The file
# gets Unix line ends whatever the tool's platform wrote.
foreach(var TOOL ARGS OUT)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "tool_output.cmake: ${var} is not set")
    endif()
endforeach()
string(REPLACE "|" ";" args "${ARGS}")
string(REPLACE "|" ";" emulator "${EMULATOR}")
execute_process(COMMAND ${emulator} ${TOOL} ${args}
                OUTPUT_VARIABLE text ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "keyops ${args} failed (${rc}): ${err}")
endif()
if(text STREQUAL "")
    message(FATAL_ERROR "keyops ${args} printed nothing")
endif()
string(REPLACE "\r\n" "\n" text "${text}")
file(WRITE ${OUT} "${text}")
