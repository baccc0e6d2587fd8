# Packs the files a release of keyops holds (CMakeLists.txt, cmake/, include/) into a tarball,
# then builds and runs a project that gets it with FetchContent from a file:// URL: no network.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} -E tar czf ${WORK_DIR}/keyops.tar.gz
                        CMakeLists.txt cmake include src
                WORKING_DIRECTORY ${KEYOPS_SOURCE_DIR} RESULT_VARIABLE r)
if(NOT r EQUAL 0)
    message(FATAL_ERROR "packing the source tree failed")
endif()
file(SHA256 ${WORK_DIR}/keyops.tar.gz hash)
set(KEEP_WORK_DIR ON)
include(${CMAKE_CURRENT_LIST_DIR}/consumer.cmake)
keyops_consumer(-DKEYOPS_URL=file://${WORK_DIR}/keyops.tar.gz -DKEYOPS_URL_HASH=SHA256=${hash})
