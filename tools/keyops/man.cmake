# Writes the man page: cmake -DTOOL=path/to/keyops -DOUT=keyops.1 -P man.cmake
execute_process(COMMAND ${TOOL} man OUTPUT_FILE ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "keyops man failed: ${rc}")
endif()
