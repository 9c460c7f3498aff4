// SPDX-License-Identifier: MIT
#include "tokenizer/byte_level.h"

#include "tokenizer/utf8.h"

#include <array>

namespace tokenscope::byte_level {

namespace {

bool isPrintableLatin1(unsigned b)
{
    return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

struct Alphabet {
    std::array<std::string, 256> symbols;
    std::array<std::int16_t, 512> byteOfCodePoint;   // every symbol lies below U+0200; -1 = none

    Alphabet()
    {
        byteOfCodePoint.fill(-1);
        char32_t next = 0x100;
        for (unsigned b = 0; b < 256; ++b) {
            const char32_t cp = isPrintableLatin1(b) ? char32_t(b) : next++;
            symbols[b] = utf8::encode(cp);
            byteOfCodePoint[cp] = std::int16_t(b);
        }
    }
};

const Alphabet &alphabet()
{
    static const Alphabet instance;
    return instance;
}

} // namespace

std::string_view symbolOf(std::uint8_t byte)
{
    return alphabet().symbols[byte];
}

std::optional<std::uint8_t> byteOf(char32_t symbol)
{
    const auto &a = alphabet();
    if (symbol >= a.byteOfCodePoint.size() || a.byteOfCodePoint[symbol] < 0)
        return std::nullopt;
    return std::uint8_t(a.byteOfCodePoint[symbol]);
}

void appendSymbols(std::string_view bytes, std::string &out)
{
    const auto &a = alphabet();
    for (unsigned char b : bytes)
        out += a.symbols[b];
}

bool appendBytes(std::string_view symbols, std::string &out)
{
    std::size_t pos = 0;
    while (pos < symbols.size()) {
        const auto cp = utf8::decodeNext(symbols, pos);
        if (!cp)
            return false;
        const auto b = byteOf(*cp);
        if (!b)
            return false;
        out += char(*b);
    }
    return true;
}

void appendBytesLenient(std::string_view symbols, std::string &out)
{
    std::size_t pos = 0;
    while (pos < symbols.size()) {
        const std::size_t start = pos;
        const auto cp = utf8::decodeNext(symbols, pos);
        if (!cp) {   // not UTF-8 at all: keep the byte
            out += symbols[start];
            pos = start + 1;
        } else if (const auto b = byteOf(*cp)) {
            out += char(*b);
        } else {
            out.append(symbols.substr(start, pos - start));
        }
    }
}

} // namespace tokenscope::byte_level
