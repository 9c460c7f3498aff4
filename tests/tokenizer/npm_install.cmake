# SPDX-License-Identifier: MIT
# ctest setup step of the tokenizer parity tests: installs the pinned npm packages into PREFIX,
# unless every one of them is already there at its pinned version (reruns then cost nothing).
# cmake -DNPM=<npm> -DPREFIX=<dir> -DPACKAGES=<name@version,name@version,...> -P npm_install.cmake

foreach(var NPM PREFIX PACKAGES)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "npm_install.cmake: -D${var}=... is required")
  endif()
endforeach()
string(REPLACE "," ";" packages "${PACKAGES}")

set(missing "")
foreach(spec IN LISTS packages)
  # The version follows the last '@' (scoped names start with one too).
  string(FIND "${spec}" "@" at REVERSE)
  string(SUBSTRING "${spec}" 0 ${at} name)
  math(EXPR versionStart "${at} + 1")
  string(SUBSTRING "${spec}" ${versionStart} -1 version)
  set(manifest "${PREFIX}/node_modules/${name}/package.json")
  set(installed "")
  if(EXISTS "${manifest}")
    file(READ "${manifest}" json)
    string(JSON installed ERROR_VARIABLE ignored GET "${json}" version)
  endif()
  if(NOT installed STREQUAL version)
    list(APPEND missing "${spec}")
  endif()
endforeach()

if(NOT missing)
  message(STATUS "npm packages already installed in ${PREFIX}: ${PACKAGES}")
  return()
endif()

message(STATUS "npm install --prefix ${PREFIX} ${packages}")
file(MAKE_DIRECTORY "${PREFIX}")
execute_process(
  COMMAND "${NPM}" install --no-save --no-audit --no-fund --prefix "${PREFIX}" ${packages}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "npm install failed (${result}); the parity tests need the npm registry once")
endif()
