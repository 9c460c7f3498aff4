# SPDX-License-Identifier: MIT
# The core's public headers include neither LibTorch nor Qt (the layering: app -> widgets -> core): widgets and apps
# compile without LibTorch headers, and Qt's `slots` macro never meets LibTorch's `slots()`.
# A header that includes LibTorch says so with the line "Private to core: includes LibTorch.";
# every other header must not include LibTorch, Qt, or such a private header.
# Usage: cmake -DCORE_DIR=<core> -P check_public_headers.cmake
cmake_minimum_required(VERSION 3.25)

file(GLOB_RECURSE headers RELATIVE ${CORE_DIR} ${CORE_DIR}/*.h)
set(private "")
foreach(header IN LISTS headers)
  file(READ ${CORE_DIR}/${header} text)
  if(text MATCHES "Private to core: includes LibTorch")
    list(APPEND private ${header})
  endif()
endforeach()

set(checked 0)
set(offenders "")
foreach(header IN LISTS headers)
  if(header IN_LIST private)
    continue()
  endif()
  file(STRINGS ${CORE_DIR}/${header} includes REGEX "^[ \t]*#[ \t]*include")
  foreach(line IN LISTS includes)
    if(line MATCHES "[<\"](torch/|ATen/|c10/|Q[A-Za-z]+|qcustomplot)")
      list(APPEND offenders "${header}: ${line}")
    elseif(line MATCHES "\"([^\"]+)\"" AND CMAKE_MATCH_1 IN_LIST private)
      list(APPEND offenders "${header}: ${line} (a private LibTorch-layer header)")
    endif()
  endforeach()
  math(EXPR checked "${checked} + 1")
endforeach()
if(offenders)
  list(JOIN offenders "\n  " text)
  message(FATAL_ERROR "public core headers must not include LibTorch or Qt:\n  ${text}")
endif()
list(LENGTH private privateCount)
message(STATUS "${checked} public core headers include neither LibTorch nor Qt (${privateCount} private ones skipped)")
