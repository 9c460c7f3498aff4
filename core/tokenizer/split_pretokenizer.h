// SPDX-License-Identifier: MIT
#pragma once

// The Split pre-tokenizer with behaviour "Isolated": every regex match becomes its own piece and
// so does every stretch of text between matches. Patterns are written for Oniguruma (what Hugging
// Face tokenizers compiles them with) and run here on PCRE2 with UTF + UCP (+ JIT).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tokenscope {

class SplitPreTokenizer {
public:
    // Throws Error(source, ...) naming `field` if the pattern does not compile.
    SplitPreTokenizer(const std::string &pattern, const std::string &source, const std::string &field);
    ~SplitPreTokenizer();
    SplitPreTokenizer(const SplitPreTokenizer &) = delete;
    SplitPreTokenizer &operator=(const SplitPreTokenizer &) = delete;

    // Calls `piece` for each non-empty piece of `text` (valid UTF-8) in order. Thread-safe.
    void split(std::string_view text, const std::function<void(std::string_view)> &piece) const;

private:
    struct Compiled;
    std::unique_ptr<Compiled> m_compiled;
    std::string m_source;
};

// Rewrites Oniguruma's \s and \S into explicit classes of the Unicode White_Space property:
// PCRE2 10.42's \s also matches U+180E (white space only before Unicode 6.3), while Oniguruma
// (and so the reference tokenizers) follow the current property.
// Returns nothing if the pattern uses \S inside a character class, which has no such rewrite.
std::optional<std::string> rewriteWhitespaceEscapes(std::string_view pattern);

} // namespace tokenscope
