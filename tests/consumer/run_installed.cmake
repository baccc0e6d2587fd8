# Builds and runs a project that finds keyops with find_package(keyops CONFIG REQUIRED) in the
# prefix that consumer.install filled.
include(${CMAKE_CURRENT_LIST_DIR}/consumer.cmake)
keyops_consumer(-DCMAKE_PREFIX_PATH=${PREFIX})
