// SPDX-License-Identifier: MIT
#pragma once

// Reading config.json files: typed fields whose errors name the file and the field, the fields
// every Qwen2/Qwen3 text config shares, and the tensor names of a Qwen2/Qwen3 LLM. Shared by the
// InternVL and Qwen2.5-VL config parsers.

#include "common/error.h"
#include "io/model_config.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tokenscope {

// The whole file as text; throws Error naming it when it cannot be read.
std::string readTextFile(const std::filesystem::path &file);
// Throws Error naming `source` when the text is not JSON.
nlohmann::json parseJsonText(const std::string &text, const std::filesystem::path &source);

// Reads typed fields of one JSON object and names the offending field ("llm_config.head_dim")
// in every error.
class FieldReader {
public:
    FieldReader(const nlohmann::json &object, std::string prefix, const std::filesystem::path &source)
        : m_object(object), m_prefix(std::move(prefix)), m_source(source)
    {
        if (!m_object.is_object())
            fail("", "must be a JSON object");
    }

    [[noreturn]] void fail(const std::string &field, const std::string &problem) const
    {
        const std::string name = m_prefix.empty() ? field : (field.empty() ? m_prefix : m_prefix + "." + field);
        throw Error(m_source.filename(), (name.empty() ? "" : name + ": ") + problem);
    }

    bool has(const std::string &field) const { return m_object.contains(field) && !m_object.at(field).is_null(); }

    int positiveInt(const std::string &field) const
    {
        const int v = integer(field);
        if (v <= 0)
            fail(field, "must be positive, got " + std::to_string(v));
        return v;
    }

    int integer(const std::string &field) const
    {
        const nlohmann::json &v = require(field);
        if (!v.is_number_integer())
            fail(field, "must be an integer, got " + v.dump());
        const auto value = v.get<std::int64_t>();
        if (value < INT32_MIN || value > INT32_MAX)
            fail(field, "is out of range: " + v.dump());
        return static_cast<int>(value);
    }

    int integerOr(const std::string &field, int fallback) const { return has(field) ? integer(field) : fallback; }

    double number(const std::string &field) const
    {
        const nlohmann::json &v = require(field);
        if (!v.is_number())
            fail(field, "must be a number, got " + v.dump());
        const double d = v.get<double>();
        if (!std::isfinite(d))
            fail(field, "must be finite");
        return d;
    }

    double numberOr(const std::string &field, double fallback) const { return has(field) ? number(field) : fallback; }

    bool boolean(const std::string &field, bool fallback) const
    {
        if (!has(field))
            return fallback;
        const nlohmann::json &v = m_object.at(field);
        if (!v.is_boolean())
            fail(field, "must be true or false, got " + v.dump());
        return v.get<bool>();
    }

    std::string string(const std::string &field, const std::string &fallback) const
    {
        if (!has(field))
            return fallback;
        const nlohmann::json &v = m_object.at(field);
        if (!v.is_string())
            fail(field, "must be a string, got " + v.dump());
        return v.get<std::string>();
    }

    const nlohmann::json &require(const std::string &field) const
    {
        if (!has(field))
            fail(field, "is missing");
        return m_object.at(field);
    }

    FieldReader child(const std::string &field) const
    {
        return FieldReader(require(field), m_prefix.empty() ? field : m_prefix + "." + field, m_source);
    }

private:
    const nlohmann::json &m_object;
    std::string m_prefix;
    const std::filesystem::path &m_source;
};

// hidden_size, layers, heads, vocabulary, norms, rope_theta, eos ids... of a Qwen2/Qwen3 text
// config (InternVL's llm_config, Qwen2.5-VL's top level or text_config). rope_scaling is left to
// the caller: plain RoPE for InternVL, M-RoPE for Qwen2.5-VL.
LlmConfig parseLlmFields(const FieldReader &r, LlmArch arch);

void addLinearTensors(std::vector<ExpectedTensor> &out, const std::string &prefix, std::int64_t in,
                      std::int64_t outWidth, bool withBias, bool required = true);
// A Qwen2/Qwen3 decoder's tensors: `body` + embed_tokens, layers.N.*, norm; and `head` (needed
// unless the embeddings are tied).
void addLanguageModelTensors(std::vector<ExpectedTensor> &out, const LlmConfig &llm, const std::string &body,
                             const std::string &head);

}   // namespace tokenscope
