# Builds and runs a project that adds the keyops source tree with add_subdirectory().
include(${CMAKE_CURRENT_LIST_DIR}/consumer.cmake)
keyops_consumer(-DKEYOPS_SOURCE_DIR=${KEYOPS_SOURCE_DIR})
