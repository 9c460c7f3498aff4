// SPDX-License-Identifier: MIT
#include "tokenizer/bpe_model.h"

#include "common/error.h"
#include "tokenizer/byte_level.h"

#include <algorithm>
#include <cstdio>

namespace tokenscope {

namespace {

// Long words (base64 blobs, whitespace runs) are rare and would only crowd the cache.
constexpr std::size_t kMaxCachedWordBytes = 256;
constexpr std::size_t kMaxCacheEntries = 1 << 17;

std::string hexByte(unsigned b)
{
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "0x%02X", b);
    return buffer;
}

} // namespace

BpeModel::BpeModel(const TokenIdMap &vocab, const std::vector<std::pair<std::string, std::string>> &merges,
                   bool ignoreMerges, const std::string &source)
    : m_vocab(vocab)
    , m_ignoreMerges(ignoreMerges)
{
    for (unsigned b = 0; b < 256; ++b) {
        const auto symbol = byte_level::symbolOf(std::uint8_t(b));
        const auto it = vocab.find(symbol);
        if (it == vocab.end())
            throw Error(source, "model.vocab lacks the ByteLevel symbol '" + std::string(symbol) + "' of byte "
                                    + hexByte(b) + "; byte-level BPE needs all 256");
        m_byteIds[b] = it->second;
    }
    m_merges.reserve(merges.size());
    for (std::size_t rank = 0; rank < merges.size(); ++rank) {
        const auto &[left, right] = merges[rank];
        const auto field = "model.merges[" + std::to_string(rank) + "]";
        const auto l = vocab.find(left);
        if (l == vocab.end())
            throw Error(source, field + " references '" + left + "', which is not in model.vocab");
        const auto r = vocab.find(right);
        if (r == vocab.end())
            throw Error(source, field + " references '" + right + "', which is not in model.vocab");
        const auto merged = vocab.find(left + right);
        if (merged == vocab.end())
            throw Error(source, field + " produces '" + left + right + "', which is not in model.vocab");
        // A repeated pair keeps its last rank, as Hugging Face tokenizers' map construction does.
        m_merges[pairKey(l->second, r->second)] = {std::int32_t(rank), merged->second};
    }
}

void BpeModel::encodeWord(std::string_view bytes, std::vector<TokenId> &out) const
{
    if (bytes.empty())
        return;
    const bool cacheable = bytes.size() <= kMaxCachedWordBytes;
    if (cacheable) {
        const std::lock_guard lock(m_cacheMutex);
        if (const auto it = m_cache.find(bytes); it != m_cache.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    const std::size_t first = out.size();
    mergeWord(bytes, out);
    if (cacheable) {
        const std::lock_guard lock(m_cacheMutex);
        if (m_cache.size() >= kMaxCacheEntries)
            m_cache.clear();   // crude but bounded; real text refills the hot words quickly
        m_cache.emplace(std::string(bytes), std::vector<TokenId>(out.begin() + std::ptrdiff_t(first), out.end()));
    }
}

void BpeModel::mergeWord(std::string_view bytes, std::vector<TokenId> &out) const
{
    if (m_ignoreMerges) {
        std::string symbols;
        byte_level::appendSymbols(bytes, symbols);
        if (const auto it = m_vocab.find(symbols); it != m_vocab.end()) {
            out.push_back(it->second);
            return;
        }
    }

    // Doubly linked symbols (merged-away ones are skipped) plus a min-heap of candidate merges
    // keyed by (rank, position): O(n log n), so long words cannot stall the tokenizer.
    struct Symbol {
        TokenId id;
        std::int32_t prev, next;
    };
    struct Candidate {
        std::int32_t rank, pos;
        TokenId left, right, result;
        bool operator>(const Candidate &o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
    };
    const auto n = std::int32_t(bytes.size());
    std::vector<Symbol> symbols(static_cast<std::size_t>(n));
    for (std::int32_t i = 0; i < n; ++i)
        symbols[i] = {m_byteIds[static_cast<unsigned char>(bytes[i])], i - 1, i + 1 < n ? i + 1 : -1};

    std::vector<Candidate> heap;
    const auto consider = [&](std::int32_t pos) {
        const std::int32_t next = symbols[pos].next;
        if (next < 0)
            return;
        const auto it = m_merges.find(pairKey(symbols[pos].id, symbols[next].id));
        if (it == m_merges.end())
            return;
        heap.push_back({it->second.rank, pos, symbols[pos].id, symbols[next].id, it->second.result});
        std::push_heap(heap.begin(), heap.end(), std::greater<>{});
    };
    for (std::int32_t i = 0; i + 1 < n; ++i)
        consider(i);

    std::vector<bool> removed(static_cast<std::size_t>(n), false);
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), std::greater<>{});
        const Candidate c = heap.back();
        heap.pop_back();
        Symbol &s = symbols[c.pos];
        // Skip candidates made stale by an earlier merge of either side.
        if (removed[c.pos] || s.id != c.left || s.next < 0 || symbols[s.next].id != c.right)
            continue;
        const std::int32_t gone = s.next;
        removed[gone] = true;
        s.id = c.result;
        s.next = symbols[gone].next;
        if (s.next >= 0)
            symbols[s.next].prev = c.pos;
        if (s.prev >= 0)
            consider(s.prev);
        consider(c.pos);
    }
    for (std::int32_t i = 0; i >= 0; i = symbols[i].next)
        out.push_back(symbols[i].id);
}

} // namespace tokenscope
