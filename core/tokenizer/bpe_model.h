// SPDX-License-Identifier: MIT
#pragma once

// The BPE model: a word's bytes start as the 256 byte symbols and the adjacent pair with the
// lowest merge rank is merged until no pair has a rank (ties: leftmost first).

#include "tokenizer/tokenizer.h"

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tokenscope {

// Hash for std::string keys that also accepts string_view, so lookups do not allocate.
struct TransparentStringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using TokenIdMap = std::unordered_map<std::string, TokenId, TransparentStringHash, std::equal_to<>>;

class BpeModel {
public:
    // `vocab` maps ByteLevel symbols strings to ids; `merges` are in rank order. Throws
    // Error(source, ...) if a byte symbol is missing or a merge names an unknown token.
    BpeModel(const TokenIdMap &vocab, const std::vector<std::pair<std::string, std::string>> &merges,
             bool ignoreMerges, const std::string &source);

    // Appends the ids of one pre-tokenized word, given as raw bytes. Thread-safe.
    void encodeWord(std::string_view bytes, std::vector<TokenId> &out) const;

private:
    struct MergeRule {
        std::int32_t rank;
        TokenId result;
    };
    static std::uint64_t pairKey(TokenId left, TokenId right)
    {
        return (std::uint64_t(std::uint32_t(left)) << 32) | std::uint32_t(right);
    }
    void mergeWord(std::string_view bytes, std::vector<TokenId> &out) const;

    const TokenIdMap &m_vocab;
    std::array<TokenId, 256> m_byteIds{};
    std::unordered_map<std::uint64_t, MergeRule> m_merges;
    bool m_ignoreMerges = false;

    // word bytes -> ids. Words repeat heavily in real text, so this is most of the speed.
    mutable std::mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<TokenId>, TransparentStringHash, std::equal_to<>> m_cache;
};

} // namespace tokenscope
