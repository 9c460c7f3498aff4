// SPDX-License-Identifier: MIT
#pragma once

// Strict UTF-8 (Unicode table 3-7: no overlongs, no surrogates, nothing above U+10FFFF) and the
// NFC normalisation the tokenizer applies before splitting.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tokenscope::utf8 {

std::string encode(char32_t codePoint);

// Decodes the code point at `pos` and advances `pos` past it; nothing (and `pos` unchanged) if the
// bytes there are not well-formed UTF-8.
std::optional<char32_t> decodeNext(std::string_view text, std::size_t &pos);

// Offset of the first byte that starts an ill-formed sequence, or nothing if `text` is valid.
std::optional<std::size_t> firstInvalidByte(std::string_view text);

// Replaces each maximal ill-formed subpart with U+FFFD, as WHATWG and Rust's from_utf8_lossy do.
std::string repairLossy(std::string_view bytes);

// NFC of valid UTF-8 text (utf8proc). Text that NFC cannot change is returned without a copy
// through `out` being left untouched and the function returning false.
bool normalizeNfc(std::string_view validText, std::string &out);

} // namespace tokenscope::utf8
