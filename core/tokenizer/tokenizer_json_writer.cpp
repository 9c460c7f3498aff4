// SPDX-License-Identifier: MIT
// writeByteLevelBpeTokenizer: a Qwen-style tokenizer.json from a list of merges.
#include "tokenizer/tokenizer.h"

#include "common/error.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/qwen_pattern.h"
#include "tokenizer/utf8.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <unordered_map>

namespace tokenscope {

namespace {

using Json = nlohmann::ordered_json;   // keep Hugging Face's key order, for readable diffs

Json byteLevelStep()
{
    return {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}};
}

} // namespace

void writeByteLevelBpeTokenizer(const std::filesystem::path &path, const ByteLevelBpeSpec &spec)
{
    Json vocab = Json::object();
    std::unordered_map<std::string, TokenId> ids;
    const auto add = [&](const std::string &token) {
        const auto id = TokenId(ids.size());
        ids.emplace(token, id);
        vocab[token] = id;
    };
    for (unsigned b = 0; b < 256; ++b)
        add(std::string(byte_level::symbolOf(std::uint8_t(b))));

    Json merges = Json::array();
    for (std::size_t i = 0; i < spec.merges.size(); ++i) {
        const auto &[left, right] = spec.merges[i];
        const auto field = "merge " + std::to_string(i) + " ('" + left + "' + '" + right + "')";
        for (const auto *side : {&left, &right})
            if (!ids.count(*side))
                throw Error(path, field + " uses '" + *side
                                      + "', which is neither a byte symbol nor made by an earlier merge");
        const std::string merged = left + right;
        if (ids.count(merged))
            throw Error(path, field + " makes '" + merged + "', which already has id "
                                  + std::to_string(ids.at(merged)));
        add(merged);
        merges.push_back(Json::array({left, right}));
    }

    Json added = Json::array();
    for (const auto &content : spec.specialTokens) {
        if (content.empty() || utf8::firstInvalidByte(content))
            throw Error(path, "special token '" + content + "' must be non-empty UTF-8");
        if (ids.count(content))
            throw Error(path, "special token '" + content + "' already has id " + std::to_string(ids.at(content)));
        const auto id = TokenId(ids.size());
        ids.emplace(content, id);
        added.push_back({{"id", id}, {"content", content}, {"single_word", false}, {"lstrip", false},
                         {"rstrip", false}, {"normalized", false}, {"special", true}});
    }

    const Json split = {{"type", "Split"},
                        {"pattern", {{"Regex", std::string(kQwenSplitPattern)}}},
                        {"behavior", "Isolated"},
                        {"invert", false}};
    const Json root = {
        {"version", "1.0"},
        {"truncation", nullptr},
        {"padding", nullptr},
        {"added_tokens", added},
        {"normalizer", {{"type", "NFC"}}},
        {"pre_tokenizer", {{"type", "Sequence"}, {"pretokenizers", {split, byteLevelStep()}}}},
        {"post_processor", byteLevelStep()},
        {"decoder", byteLevelStep()},
        {"model",
         {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"continuing_subword_prefix", ""},
          {"end_of_word_suffix", ""}, {"fuse_unk", false}, {"byte_fallback", false}, {"ignore_merges", false},
          {"vocab", vocab}, {"merges", merges}}},
    };

    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        throw Error(path, std::string("cannot create the tokenizer file: ") + std::strerror(errno));
    out << root.dump(2) << '\n';
    out.close();
    if (!out)
        throw Error(path, std::string("cannot write the tokenizer file: ") + std::strerror(errno));
}

} // namespace tokenscope
