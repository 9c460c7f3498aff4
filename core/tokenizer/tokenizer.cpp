// SPDX-License-Identifier: MIT
#include "tokenizer/tokenizer.h"

#include "common/error.h"
#include "tokenizer/added_tokens.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/split_pretokenizer.h"
#include "tokenizer/tokenizer_json_reader.h"
#include "tokenizer/utf8.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <unordered_map>

namespace tokenscope {

struct Tokenizer::Impl {
    std::string source;
    TokenizerDescription description;   // owns the vocab and added tokens the parts below point into
    std::unique_ptr<BpeModel> model;
    std::unique_ptr<SplitPreTokenizer> splitter;
    AddedTokenMatcher rawMatcher;          // added tokens with normalized=false
    AddedTokenMatcher normalizedMatcher;   // added tokens with normalized=true
    std::vector<const std::string *> tokenOfId;   // nullptr where no token has the id
    std::vector<const AddedToken *> addedOfId;    // nullptr for model tokens
    std::unordered_map<std::string_view, TokenId> addedByContent;

    void indexIds();
    void encodeText(std::string_view text, std::vector<TokenId> &ids) const;
    void encodePlain(std::string_view text, std::vector<TokenId> &ids) const;
    [[noreturn]] void unknownId(TokenId id) const;
};

namespace {

std::string describeInvalidByte(std::string_view text, std::size_t offset)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "byte 0x%02X at offset %zu", static_cast<unsigned char>(text[offset]),
                  offset);
    return buffer;
}

} // namespace

void Tokenizer::Impl::indexIds()
{
    std::size_t size = 0;
    for (const auto &[token, id] : description.vocab)
        size = std::max(size, std::size_t(id) + 1);
    for (const auto &added : description.addedTokens)
        size = std::max(size, std::size_t(added.id) + 1);
    // Ids index flat tables; a file with a few huge ids must not make us allocate gigabytes.
    const std::size_t tokens = description.vocab.size() + description.addedTokens.size();
    if (size > 4 * tokens + 65536)
        throw Error(source, "token ids are too sparse: the largest is " + std::to_string(size - 1) + " for "
                                + std::to_string(tokens) + " tokens");
    tokenOfId.assign(size, nullptr);
    addedOfId.assign(size, nullptr);
    for (const auto &[token, id] : description.vocab)
        tokenOfId[std::size_t(id)] = &token;

    std::vector<const AddedToken *> raw, normalized;
    std::vector<std::string> rawContents, normalizedContents;
    for (std::size_t i = 0; i < description.addedTokens.size(); ++i) {
        const AddedToken &added = description.addedTokens[i];
        const auto field = "added_tokens[" + std::to_string(i) + "]";
        const auto id = std::size_t(added.id);
        if (addedOfId[id])
            throw Error(source, field + " has duplicate id " + std::to_string(id) + " (also '"
                                    + addedOfId[id]->content + "')");
        // An added token may restate a model token (same id, same text) but not take another's id.
        if (tokenOfId[id] && *tokenOfId[id] != added.content)
            throw Error(source, field + " has duplicate id " + std::to_string(id) + " (model.vocab gives it to '"
                                    + *tokenOfId[id] + "')");
        const auto inVocab = description.vocab.find(added.content);
        if (inVocab != description.vocab.end() && inVocab->second != added.id)
            throw Error(source, field + " '" + added.content + "' is already in model.vocab with id "
                                    + std::to_string(inVocab->second));
        if (!addedByContent.emplace(added.content, added.id).second)
            throw Error(source, field + " repeats the content '" + added.content + "'");
        addedOfId[id] = &added;
        tokenOfId[id] = &added.content;
        if (added.normalized && description.nfc) {
            std::string nfc;
            normalized.push_back(&added);
            normalizedContents.push_back(utf8::normalizeNfc(added.content, nfc) ? nfc : added.content);
        } else if (added.normalized) {
            normalized.push_back(&added);
            normalizedContents.push_back(added.content);
        } else {
            raw.push_back(&added);
            rawContents.push_back(added.content);
        }
    }
    rawMatcher = AddedTokenMatcher(std::move(raw), std::move(rawContents));
    normalizedMatcher = AddedTokenMatcher(std::move(normalized), std::move(normalizedContents));
}

void Tokenizer::Impl::encodeText(std::string_view text, std::vector<TokenId> &ids) const
{
    std::string nfcText;
    if (description.nfc && utf8::normalizeNfc(text, nfcText))
        text = nfcText;
    if (normalizedMatcher.empty()) {
        encodePlain(text, ids);
        return;
    }
    std::vector<TextSegment> segments;
    normalizedMatcher.split(text, segments);
    for (const auto &segment : segments) {
        if (segment.token)
            ids.push_back(segment.token->id);
        else
            encodePlain(segment.text, ids);
    }
}

void Tokenizer::Impl::encodePlain(std::string_view text, std::vector<TokenId> &ids) const
{
    splitter->split(text, [&](std::string_view piece) { model->encodeWord(piece, ids); });
}

void Tokenizer::Impl::unknownId(TokenId id) const
{
    throw Error(source, "token id " + std::to_string(id) + " is not in the vocabulary ("
                            + std::to_string(tokenOfId.size()) + " ids)");
}

Tokenizer Tokenizer::fromFile(const std::filesystem::path &tokenizerJson)
{
    std::ifstream in(tokenizerJson, std::ios::binary);
    if (!in)
        throw Error(tokenizerJson, "cannot open the tokenizer file (missing or unreadable)");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad())
        throw Error(tokenizerJson, "cannot read the tokenizer file");
    return fromJson(buffer.str(), tokenizerJson.string());
}

Tokenizer Tokenizer::fromJson(std::string_view json, const std::string &source)
{
    auto impl = std::make_unique<Impl>();
    impl->source = source;
    impl->description = readTokenizerJson(json, source);
    impl->indexIds();
    impl->model = std::make_unique<BpeModel>(impl->description.vocab, impl->description.merges,
                                             impl->description.ignoreMerges, source);
    impl->description.merges = {};   // folded into the model
    impl->splitter = std::make_unique<SplitPreTokenizer>(impl->description.splitPattern, source,
                                                         impl->description.splitPatternField);
    return Tokenizer(std::move(impl));
}

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer &&) noexcept = default;
Tokenizer &Tokenizer::operator=(Tokenizer &&) noexcept = default;
Tokenizer::~Tokenizer() = default;

std::vector<TokenId> Tokenizer::encode(std::string_view text) const
{
    if (const auto bad = utf8::firstInvalidByte(text))
        throw Error(std::string("input text"), "is not valid UTF-8 (" + describeInvalidByte(text, *bad) + ")");
    std::vector<TokenId> ids;
    ids.reserve(text.size() / 3 + 1);
    if (d->rawMatcher.empty()) {
        d->encodeText(text, ids);
        return ids;
    }
    std::vector<TextSegment> segments;
    d->rawMatcher.split(text, segments);
    for (const auto &segment : segments) {
        if (segment.token)
            ids.push_back(segment.token->id);
        else
            d->encodeText(segment.text, ids);
    }
    return ids;
}

std::string Tokenizer::decode(std::span<const TokenId> ids, bool skipSpecialTokens) const
{
    std::string bytes;
    for (const TokenId id : ids) {
        if (id < 0 || std::size_t(id) >= d->tokenOfId.size() || !d->tokenOfId[std::size_t(id)])
            d->unknownId(id);
        if (const AddedToken *added = d->addedOfId[std::size_t(id)]) {
            if (!(skipSpecialTokens && added->special))
                bytes += added->content;
            continue;
        }
        byte_level::appendBytesLenient(*d->tokenOfId[std::size_t(id)], bytes);
    }
    // A cut through a multi-byte character shows as U+FFFD, so the result is always valid UTF-8.
    return utf8::repairLossy(bytes);
}

std::optional<TokenId> Tokenizer::tokenToId(std::string_view token) const
{
    if (const auto it = d->addedByContent.find(token); it != d->addedByContent.end())
        return it->second;
    if (const auto it = d->description.vocab.find(token); it != d->description.vocab.end())
        return it->second;
    return std::nullopt;
}

std::string Tokenizer::idToToken(TokenId id) const
{
    if (id < 0 || std::size_t(id) >= d->tokenOfId.size() || !d->tokenOfId[std::size_t(id)])
        d->unknownId(id);
    return *d->tokenOfId[std::size_t(id)];
}

bool Tokenizer::isSpecial(TokenId id) const
{
    if (id < 0 || std::size_t(id) >= d->addedOfId.size())
        return false;
    const AddedToken *added = d->addedOfId[std::size_t(id)];
    return added && added->special;
}

std::size_t Tokenizer::vocabSize() const
{
    return d->tokenOfId.size();
}

} // namespace tokenscope
