// SPDX-License-Identifier: MIT
#pragma once

// Byte-level BPE as Qwen2/Qwen3 tokenizer.json files define it: added/special tokens matched
// first, NFC normalisation, the Split-regex pre-tokenizer (PCRE2), the GPT-2 ByteLevel byte->char
// map, merges applied by rank; decoding reverses the byte map.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokenscope {

using TokenId = std::int32_t;

class Tokenizer {
public:
    static Tokenizer fromFile(const std::filesystem::path &tokenizerJson);
    static Tokenizer fromJson(std::string_view json, const std::string &source);

    Tokenizer(Tokenizer &&) noexcept;
    Tokenizer &operator=(Tokenizer &&) noexcept;
    ~Tokenizer();

    // Encodes UTF-8 text; added tokens (e.g. <|im_start|>, <IMG_CONTEXT>) are recognised in it.
    // Invalid UTF-8 throws Error. Thread-safe (the word cache is locked).
    std::vector<TokenId> encode(std::string_view text) const;
    // Always valid UTF-8: ids that cut a character in two decode to U+FFFD. Unknown ids throw Error.
    std::string decode(std::span<const TokenId> ids, bool skipSpecialTokens = false) const;

    std::optional<TokenId> tokenToId(std::string_view token) const;
    std::string idToToken(TokenId id) const;   // ByteLevel symbols for BPE tokens; Error if unknown
    bool isSpecial(TokenId id) const;
    std::size_t vocabSize() const;   // largest id + 1, added tokens included

private:
    struct Impl;
    explicit Tokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

// Writes a Qwen-style byte-level BPE tokenizer.json (same normaliser, pre-tokenizer regex and
// decoder as Qwen3): the 256 byte symbols get ids 0..255, each merge adds one id in order, and
// the added tokens follow (marked special). Used by fixtures and by the demo-model trainer.
struct ByteLevelBpeSpec {
    std::vector<std::pair<std::string, std::string>> merges;   // in ByteLevel-mapped symbols
    std::vector<std::string> specialTokens;
};
void writeByteLevelBpeTokenizer(const std::filesystem::path &path, const ByteLevelBpeSpec &spec);

} // namespace tokenscope
