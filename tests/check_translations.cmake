# SPDX-License-Identifier: MIT
# Every user-visible string has a French and a Chinese translation: runs lupdate over the widgets
# and the app into copies of the .ts files and fails, naming the strings, if any is unfinished
# (a tr() added without translating it, or a source text changed since).
#   cmake -DSOURCE_DIR=... -DWORK_DIR=... -DLUPDATE=... -P check_translations.cmake
foreach(language fr zh_CN)
  set(copy "${WORK_DIR}/tokenscope_${language}.ts")
  configure_file("${SOURCE_DIR}/translations/tokenscope_${language}.ts" "${copy}" COPYONLY)
  execute_process(
    COMMAND "${LUPDATE}" "${SOURCE_DIR}/widgets" "${SOURCE_DIR}/app/gui" -ts "${copy}" -no-obsolete -locations none
    RESULT_VARIABLE result OUTPUT_QUIET ERROR_VARIABLE errors)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "lupdate failed for ${language}: ${errors}")
  endif()
  file(READ "${copy}" text)
  string(REGEX MATCHALL "<source>[^<]*</source>[ \n]*<translation type=\"unfinished\"" unfinished "${text}")
  list(LENGTH unfinished count)
  if(count GREATER 0)
    message(FATAL_ERROR "translations/tokenscope_${language}.ts: ${count} string(s) without a translation "
                        "(run `cmake --build --preset dev --target update_translations` and translate them):\n${unfinished}")
  endif()
  message(STATUS "tokenscope_${language}.ts: every string translated")
endforeach()
