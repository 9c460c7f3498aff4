// SPDX-License-Identifier: MIT
// libFuzzer target for the tokenizer. The first input byte picks what the rest is:
//   even: a tokenizer.json for Tokenizer::fromJson. Bad files must throw Error, never crash; a
//         file that loads must encode and decode a fixed text.
//   odd:  text for encode() on a small fixed Qwen-style tokenizer. Invalid UTF-8 must throw
//         Error; valid text must survive encode -> decode -> encode unchanged (decode gives NFC
//         text, and NFC text encodes to the same ids).
// Seeds: fuzz/corpus/tokenizer (files starting with ' ' are JSON, with '!' text).

#include "common/error.h"
#include "tokenizer/tokenizer.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <unistd.h>

using namespace tokenscope;

namespace {

const Tokenizer &fixedTokenizer()
{
    static const Tokenizer tokenizer = [] {
        ByteLevelBpeSpec spec;
        spec.merges = {{"h", "e"}, {"l", "l"}, {"he", "ll"}, {"hell", "o"}, {"Ġ", "w"}, {"o", "r"},
                       {"Ġw", "or"}, {"l", "d"}, {"Ġwor", "ld"}, {"Ġ", "Ġ"}, {"ĠĠ", "ĠĠ"}, {"Ċ", "Ċ"},
                       {"Ã", "©"}, {"ä", "½"}, {"ä½", "ł"}, {"1", "2"}, {"'", "s"}};
        // No K, ';' or '`' in these: NFC maps U+212A, U+037E and U+1FEF to them, which could
        // form a new match and break the round-trip property checked below.
        spec.specialTokens = {"<|im_start|>", "<|im_end|>", "<think>", "</think>", "<|endoftext|>"};
        const auto path = std::filesystem::temp_directory_path()
            / ("fuzz_tokenizer_" + std::to_string(::getpid()) + ".json");
        writeByteLevelBpeTokenizer(path, spec);
        Tokenizer loaded = Tokenizer::fromFile(path);
        std::filesystem::remove(path);
        return loaded;
    }();
    return tokenizer;
}

void fuzzFile(std::string_view json)
{
    try {
        const Tokenizer tokenizer = Tokenizer::fromJson(json, "fuzz-input.json");
        const auto ids = tokenizer.encode("Hello <|im_start|>w\xC3\xB6rld  123\n\ne\xCC\x81 \xE4\xBD\xA0<|im_end|>");
        tokenizer.decode(ids);
        tokenizer.decode(ids, true);
        for (const TokenId id : ids) {
            tokenizer.idToToken(id);
            tokenizer.isSpecial(id);
        }
        tokenizer.tokenToId("<|im_start|>");
    } catch (const Error &) {
        // The expected outcome for almost every input.
    }
}

void fuzzText(std::string_view text)
{
    const Tokenizer &tokenizer = fixedTokenizer();
    std::vector<TokenId> ids;
    try {
        ids = tokenizer.encode(text);
    } catch (const Error &) {
        return;   // invalid UTF-8
    }
    const std::string decoded = tokenizer.decode(ids);
    if (tokenizer.encode(decoded) != ids) {
        std::fprintf(stderr, "encode(decode(encode(x))) != encode(x)\n");
        std::abort();
    }
    tokenizer.decode(ids, true);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::string_view rest(reinterpret_cast<const char *>(data) + 1, size - 1);
    if (data[0] % 2 == 0)
        fuzzFile(rest);
    else
        fuzzText(rest);
    return 0;
}
