# SPDX-License-Identifier: MIT
# Warnings, sanitizers and compiler cache, applied per target (no global flag surgery).

find_program(TOKENSCOPE_CCACHE ccache)
if(TOKENSCOPE_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  # pch_defines/time_macros let ccache serve translation units that use precompiled headers.
  set(CMAKE_CXX_COMPILER_LAUNCHER
      ${CMAKE_COMMAND} -E env CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      ${TOKENSCOPE_CCACHE})
endif()

add_library(tokenscope_warnings INTERFACE)
add_library(TokenScope::warnings ALIAS tokenscope_warnings)
# GCC and Clang are the supported compilers (Debian 12).
target_compile_options(tokenscope_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local>)

add_library(tokenscope_sanitizers INTERFACE)
add_library(TokenScope::sanitizers ALIAS tokenscope_sanitizers)
if(TOKENSCOPE_SANITIZE)
  target_compile_options(tokenscope_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(tokenscope_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# Every project target links these two.
function(tokenscope_target_defaults target)
  target_link_libraries(${target} PRIVATE TokenScope::warnings TokenScope::sanitizers)
endfunction()
