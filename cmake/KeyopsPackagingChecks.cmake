# CPack's project config file for keyops (CPACK_PROJECT_CONFIG_FILE, set by KeyopsPackaging.cmake):
# read as cpack starts each generator, it stops a package that would be wrong for its platform.
list(FIND CPACK_COMPONENTS_ALL tools keyops_tools_at)
if(keyops_tools_at EQUAL -1)
    set(keyops_with_tools OFF)
else()
    set(keyops_with_tools ON)
endif()
if(CPACK_GENERATOR STREQUAL "DEB")
    if(NOT CPACK_KEYOPS_INSTALL_PREFIX STREQUAL "/usr")
        message(FATAL_ERROR
                "keyops: a Debian package needs a build configured with -DCMAKE_INSTALL_PREFIX=/usr "
                "(this one has ${CPACK_KEYOPS_INSTALL_PREFIX}): the library and completion folders "
                "are chosen from it")
    endif()
endif()
if(CPACK_GENERATOR MATCHES "^(DEB|ZIP)$" AND keyops_with_tools
   AND NOT CPACK_KEYOPS_STATIC_TOOLS)
    message(FATAL_ERROR "keyops: the package holds the statically linked tool: configure the build "
                        "with -DKEYOPS_STATIC_TOOLS=ON")
endif()
