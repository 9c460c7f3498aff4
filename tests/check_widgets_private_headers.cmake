# SPDX-License-Identifier: MIT
# widgets/*_p.h are the widgets library's own headers: app/, tests/ and benchmarks/ must not include
# them, and neither may a public widgets header (it would hand them to its includers).
# Usage: cmake -DSOURCE_DIR=<repository root> -P check_widgets_private_headers.cmake
cmake_minimum_required(VERSION 3.25)

file(GLOB private RELATIVE ${SOURCE_DIR}/widgets ${SOURCE_DIR}/widgets/*_p.h)
file(GLOB_RECURSE outside ${SOURCE_DIR}/app/*.cpp ${SOURCE_DIR}/app/*.h ${SOURCE_DIR}/tests/*.cpp ${SOURCE_DIR}/tests/*.h
     ${SOURCE_DIR}/benchmarks/*.cpp ${SOURCE_DIR}/benchmarks/*.h)
file(GLOB publicHeaders ${SOURCE_DIR}/widgets/*.h ${SOURCE_DIR}/widgets/plots/*.h)
list(FILTER publicHeaders EXCLUDE REGEX "_p\\.h$")

set(offenders "")
foreach(file IN LISTS outside publicHeaders)
  file(STRINGS ${file} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"[^\"]*_p\\.h\"")
  foreach(line IN LISTS includes)
    file(RELATIVE_PATH shown ${SOURCE_DIR} ${file})
    list(APPEND offenders "${shown}: ${line}")
  endforeach()
endforeach()
if(offenders)
  list(JOIN offenders "\n  " text)
  message(FATAL_ERROR "private widgets headers (*_p.h) included from outside the library or from a public header:\n  ${text}")
endif()
list(LENGTH private count)
message(STATUS "${count} private widgets headers, included only inside widgets/")
