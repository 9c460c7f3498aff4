// SPDX-License-Identifier: MIT
#include "tokenizer/utf8.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>
#include <new>

namespace tokenscope::utf8 {

namespace {

// Length of the well-formed sequence at `pos` (>0), or minus the length of its maximal ill-formed
// subpart (<0). `cp` receives the code point of a well-formed sequence.
int scan(std::string_view text, std::size_t pos, char32_t &cp)
{
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned b0 = byte(pos);
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    int length = 0;
    unsigned lo = 0x80, hi = 0xBF;   // allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        cp = b0 & 0x0F;
        if (b0 == 0xE0)
            lo = 0xA0;   // overlong
        else if (b0 == 0xED)
            hi = 0x9F;   // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        cp = b0 & 0x07;
        if (b0 == 0xF0)
            lo = 0x90;   // overlong
        else if (b0 == 0xF4)
            hi = 0x8F;   // above U+10FFFF
    } else {
        return -1;
    }
    for (int i = 1; i < length; ++i) {
        if (pos + i >= text.size())
            return -i;
        const unsigned b = byte(pos + i);
        const unsigned first = i == 1 ? lo : 0x80, last = i == 1 ? hi : 0xBF;
        if (b < first || b > last)
            return -i;
        cp = (cp << 6) | (b & 0x3F);
    }
    return length;
}

// Below U+0300 no character decomposes, carries a combining class or composes with its
// predecessor, so such text is already NFC.
bool certainlyNfc(std::string_view text)
{
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b >= 0xCC)   // lead bytes of U+0300 and above
            return false;
    }
    return true;
}

} // namespace

std::string encode(char32_t cp)
{
    std::string out;
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
    return out;
}

std::optional<char32_t> decodeNext(std::string_view text, std::size_t &pos)
{
    if (pos >= text.size())
        return std::nullopt;
    char32_t cp = 0;
    const int n = scan(text, pos, cp);
    if (n < 0)
        return std::nullopt;
    pos += std::size_t(n);
    return cp;
}

std::optional<std::size_t> firstInvalidByte(std::string_view text)
{
    std::size_t pos = 0;
    while (pos < text.size()) {
        // ASCII runs dominate real text; skip them without decoding.
        if (static_cast<unsigned char>(text[pos]) < 0x80) {
            ++pos;
            continue;
        }
        char32_t cp = 0;
        const int n = scan(text, pos, cp);
        if (n < 0)
            return pos;
        pos += std::size_t(n);
    }
    return std::nullopt;
}

std::string repairLossy(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size());
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        char32_t cp = 0;
        const int n = scan(bytes, pos, cp);
        if (n > 0) {
            out.append(bytes.substr(pos, std::size_t(n)));
            pos += std::size_t(n);
        } else {
            out += "\xEF\xBF\xBD";
            pos += std::size_t(-n);
        }
    }
    return out;
}

bool normalizeNfc(std::string_view validText, std::string &out)
{
    if (certainlyNfc(validText))
        return false;
    utf8proc_uint8_t *mapped = nullptr;
    const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t *>(validText.data()),
                                            utf8proc_ssize_t(validText.size()), &mapped,
                                            utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
    if (n == UTF8PROC_ERROR_NOMEM)
        throw std::bad_alloc();
    if (n < 0)   // callers validate first; any other failure is a broken invariant
        return false;
    out.assign(reinterpret_cast<const char *>(mapped), std::size_t(n));
    return true;
}

} // namespace tokenscope::utf8
