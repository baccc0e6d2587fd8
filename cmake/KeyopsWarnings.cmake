# Flags for the targets this project builds itself (tests, tools, examples): warnings are errors,
# and the sanitizers when KEYOPS_SANITIZE (ASan, UBSan) or KEYOPS_TSAN (ThreadSanitizer) is on.
function(keyops_apply_build_flags target)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
        if(KEYOPS_SANITIZE)
            target_compile_options(${target} PUBLIC -fsanitize=address,undefined
                                   -fno-sanitize-recover=all -fno-omit-frame-pointer)
            target_link_options(${target} PUBLIC -fsanitize=address,undefined)
        endif()
        if(KEYOPS_TSAN)
            # Public, as for the sanitizers above: keyops_compiled (Asio, Beast, Boost.JSON) is
            # instrumented with the programs that link it. GCC 12 warns (-Wtsan) that TSan does
            # not see std::atomic_thread_fence, which Asio uses; not an error of ours.
            target_compile_options(${target} PUBLIC -fsanitize=thread -fno-omit-frame-pointer
                                   $<$<CXX_COMPILER_ID:GNU>:-Wno-tsan>)
            target_link_options(${target} PUBLIC -fsanitize=thread)
        endif()
    endif()
endfunction()
