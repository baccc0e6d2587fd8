# Flags for the targets this project builds itself (tests, tools, examples): warnings are errors,
# and the sanitizers when KEYOPS_SANITIZE is on.
function(keyops_apply_build_flags target)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
        if(KEYOPS_SANITIZE)
            target_compile_options(${target} PUBLIC -fsanitize=address,undefined
                                   -fno-sanitize-recover=all -fno-omit-frame-pointer)
            target_link_options(${target} PUBLIC -fsanitize=address,undefined)
        endif()
    endif()
endfunction()
