// SPDX-License-Identifier: MIT
#pragma once

// The GPT-2 ByteLevel alphabet: every byte 0..255 is shown as one printable Unicode character so
// that BPE vocabularies can be stored as JSON strings. Printable Latin-1 bytes map to themselves;
// the other 68 bytes take U+0100.. in byte order (so the space 0x20 becomes 'Ġ', U+0120).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tokenscope::byte_level {

// The symbol (UTF-8, 1 or 2 bytes) that stands for `byte`.
std::string_view symbolOf(std::uint8_t byte);

// The byte a symbol code point stands for, or nothing if it is not one of the 256 symbols.
std::optional<std::uint8_t> byteOf(char32_t symbol);

// Appends the symbols of each byte of `bytes`.
void appendSymbols(std::string_view bytes, std::string &out);

// Appends the bytes that the symbols in `symbols` (UTF-8) stand for. Returns false, leaving `out`
// partly extended, if `symbols` holds a character outside the alphabet or is not valid UTF-8.
bool appendBytes(std::string_view symbols, std::string &out);

// Like appendBytes, but a character outside the alphabet is appended as its own UTF-8, which is
// what the reference ByteLevel decoder does with such characters.
void appendBytesLenient(std::string_view symbols, std::string &out);

} // namespace tokenscope::byte_level
