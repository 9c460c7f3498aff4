// SPDX-License-Identifier: MIT
#include "eval/json_text.h"

namespace tokenscope {

std::string jsonTypeName(const nlohmann::json &v)
{
    if (v.is_string())
        return "string";
    if (v.is_number())
        return "number";
    if (v.is_boolean())
        return "true/false";
    if (v.is_array())
        return "list";
    if (v.is_object())
        return "object";
    return "null";
}

std::string jsonParseReason(const nlohmann::json::parse_error &error)
{
    const std::string what = error.what();
    const auto bracket = what.find("] ");
    return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

} // namespace tokenscope
