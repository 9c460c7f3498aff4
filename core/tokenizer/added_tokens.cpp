// SPDX-License-Identifier: MIT
#include "tokenizer/added_tokens.h"

#include "tokenizer/utf8.h"

#include <algorithm>

namespace tokenscope {

namespace {

// Unicode White_Space, what Rust's char::is_whitespace (used for lstrip/rstrip) tests.
bool isWhiteSpace(char32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
        || c == 0x3000;
}

std::string_view trimLeadingWhiteSpace(std::string_view text)
{
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t next = pos;
        const auto cp = utf8::decodeNext(text, next);
        if (!cp || !isWhiteSpace(*cp))
            break;
        pos = next;
    }
    return text.substr(pos);
}

std::string_view trimTrailingWhiteSpace(std::string_view text)
{
    std::size_t end = text.size();
    while (end > 0) {
        std::size_t start = end - 1;
        while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
            --start;
        std::size_t pos = start;
        const auto cp = utf8::decodeNext(text, pos);
        if (!cp || !isWhiteSpace(*cp))
            break;
        end = start;
    }
    return text.substr(0, end);
}

} // namespace

AddedTokenMatcher::AddedTokenMatcher(std::vector<const AddedToken *> tokens, std::vector<std::string> contents)
    : m_tokens(std::move(tokens))
    , m_contents(std::move(contents))
{
    for (int i = 0; i < int(m_contents.size()); ++i)
        if (!m_contents[i].empty())
            m_byFirstByte[static_cast<unsigned char>(m_contents[i][0])].push_back(i);
    for (auto &candidates : m_byFirstByte)
        std::stable_sort(candidates.begin(), candidates.end(),
                         [&](int a, int b) { return m_contents[a].size() > m_contents[b].size(); });
}

void AddedTokenMatcher::split(std::string_view text, std::vector<TextSegment> &out) const
{
    const std::size_t first = out.size();
    std::size_t textStart = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto &candidates = m_byFirstByte[static_cast<unsigned char>(text[pos])];
        int hit = -1;
        for (int i : candidates) {
            if (text.substr(pos, m_contents[i].size()) == m_contents[i]) {
                hit = i;
                break;
            }
        }
        if (hit < 0) {
            ++pos;
            continue;
        }
        if (pos > textStart)
            out.push_back({text.substr(textStart, pos - textStart), nullptr});
        out.push_back({text.substr(pos, m_contents[hit].size()), m_tokens[hit]});
        pos += m_contents[hit].size();
        textStart = pos;
    }
    if (textStart < text.size())
        out.push_back({text.substr(textStart), nullptr});

    for (std::size_t i = first; i < out.size(); ++i) {
        if (!out[i].token)
            continue;
        if (out[i].token->lstrip && i > first && !out[i - 1].token)
            out[i - 1].text = trimTrailingWhiteSpace(out[i - 1].text);
        if (out[i].token->rstrip && i + 1 < out.size() && !out[i + 1].token)
            out[i + 1].text = trimLeadingWhiteSpace(out[i + 1].text);
    }
    out.erase(std::remove_if(out.begin() + std::ptrdiff_t(first), out.end(),
                             [](const TextSegment &s) { return !s.token && s.text.empty(); }),
              out.end());
}

} // namespace tokenscope
