// SPDX-License-Identifier: MIT
#pragma once

// Wording for JSON problems in the eval library's error messages. Private to eval: uses nlohmann.

#include <nlohmann/json.hpp>

#include <string>

namespace tokenscope {

// "string", "number", "true/false", "list", "object" or "null": the words a message uses.
std::string jsonTypeName(const nlohmann::json &value);

// The parser's reason without its "[json.exception.parse_error.101] " prefix.
std::string jsonParseReason(const nlohmann::json::parse_error &error);

} // namespace tokenscope
