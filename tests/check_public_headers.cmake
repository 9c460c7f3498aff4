# SPDX-License-Identifier: MIT
# The core's public headers include neither LibTorch nor Qt (DESIGN.md §2): widgets and apps
# compile without LibTorch headers, and Qt's `slots` macro never meets LibTorch's `slots()`.
# Private headers are the LibTorch layer in core/model/, except the plain-value ones listed here.
# Usage: cmake -DCORE_DIR=<core/> -P check_public_headers.cmake

cmake_minimum_required(VERSION 3.25)
set(plain_model_headers router_rule.h tile_ratio.h)
file(GLOB_RECURSE headers RELATIVE ${CORE_DIR} ${CORE_DIR}/*.h)
set(checked 0)
set(offenders "")
foreach(header IN LISTS headers)
  get_filename_component(name ${header} NAME)
  if(header MATCHES "^model/" AND NOT name IN_LIST plain_model_headers)
    continue()
  endif()
  # Internal helpers of a library live next to its .cpp files and are included only by them;
  # they follow the same rule, so every header outside the LibTorch layer is checked.
  file(STRINGS ${CORE_DIR}/${header} includes REGEX "^[ \t]*#[ \t]*include")
  foreach(line IN LISTS includes)
    if(line MATCHES "[<\"](torch/|ATen/|c10/|Q[A-Za-z]+|qcustomplot)")
      list(APPEND offenders "${header}: ${line}")
    endif()
    if(line MATCHES "\"model/" AND NOT line MATCHES "\"model/(router_rule|tile_ratio)\\.h\"")
      list(APPEND offenders "${header}: ${line} (a LibTorch-layer header)")
    endif()
  endforeach()
  math(EXPR checked "${checked} + 1")
endforeach()
if(offenders)
  list(JOIN offenders "\n  " text)
  message(FATAL_ERROR "public core headers must not include LibTorch or Qt:\n  ${text}")
endif()
message(STATUS "${checked} public core headers include neither LibTorch nor Qt")
