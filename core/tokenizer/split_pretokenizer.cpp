// SPDX-License-Identifier: MIT
#include "tokenizer/split_pretokenizer.h"

#include "common/error.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace tokenscope {

namespace {

// Unicode's White_Space property, as a character-class body.
constexpr std::string_view kWhiteSpaceBody =
    R"(\t\n\x{0B}\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000})";

// Backtracking bounds: a pathological pattern fails with an Error instead of hanging.
constexpr uint32_t kMatchLimit = 10'000'000;
constexpr uint32_t kDepthLimit = 100'000;

struct MatchDataDeleter {
    void operator()(pcre2_match_data *d) const { pcre2_match_data_free(d); }
};

std::string pcre2Message(int code)
{
    PCRE2_UCHAR buffer[256];
    if (pcre2_get_error_message(code, buffer, sizeof buffer) < 0)
        return "PCRE2 error " + std::to_string(code);
    return reinterpret_cast<const char *>(buffer);
}

} // namespace

struct SplitPreTokenizer::Compiled {
    pcre2_code *code = nullptr;
    pcre2_match_context *context = nullptr;
    bool jit = false;
    ~Compiled()
    {
        pcre2_match_context_free(context);
        pcre2_code_free(code);
    }
};

std::optional<std::string> rewriteWhitespaceEscapes(std::string_view pattern)
{
    std::string out;
    out.reserve(pattern.size() + 64);
    bool inClass = false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            const char e = pattern[++i];
            if (e == 's') {
                out += inClass ? std::string(kWhiteSpaceBody) : "[" + std::string(kWhiteSpaceBody) + "]";
            } else if (e == 'S') {
                if (inClass)
                    return std::nullopt;
                out += "[^" + std::string(kWhiteSpaceBody) + "]";
            } else {
                out += c;
                out += e;
            }
            continue;
        }
        if (!inClass && c == '[') {
            inClass = true;
            out += c;
            // A ']' right after '[' or '[^' is a literal member, not the end of the class.
            if (i + 1 < pattern.size() && pattern[i + 1] == '^')
                out += pattern[++i];
            if (i + 1 < pattern.size() && pattern[i + 1] == ']')
                out += pattern[++i];
            continue;
        }
        if (inClass && c == '[' && i + 1 < pattern.size() && pattern[i + 1] == ':') {
            // POSIX [:name:] inside a class: copy through to its closing ":]".
            const auto end = pattern.find(":]", i + 2);
            if (end != std::string_view::npos) {
                out.append(pattern.substr(i, end + 2 - i));
                i = end + 1;
                continue;
            }
        }
        if (inClass && c == ']')
            inClass = false;
        out += c;
    }
    return out;
}

SplitPreTokenizer::SplitPreTokenizer(const std::string &pattern, const std::string &source,
                                     const std::string &field)
    : m_compiled(std::make_unique<Compiled>())
    , m_source(source)
{
    const auto rewritten = rewriteWhitespaceEscapes(pattern);
    if (!rewritten)
        throw Error(source, field + ": \\S inside a character class is not supported");
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    m_compiled->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(rewritten->data()), rewritten->size(),
                                     PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C, &errorCode,
                                     &errorOffset, nullptr);
    if (!m_compiled->code)
        throw Error(source, field + ": regex does not compile (" + pcre2Message(errorCode) + ")");
    // JIT is an optimisation only: without it (or if it fails) the interpreter gives the same splits.
    m_compiled->jit = pcre2_jit_compile(m_compiled->code, PCRE2_JIT_COMPLETE) == 0;
    m_compiled->context = pcre2_match_context_create(nullptr);
    if (!m_compiled->context)
        throw std::bad_alloc();
    pcre2_set_match_limit(m_compiled->context, kMatchLimit);
    pcre2_set_depth_limit(m_compiled->context, kDepthLimit);
}

SplitPreTokenizer::~SplitPreTokenizer() = default;

void SplitPreTokenizer::split(std::string_view text, const std::function<void(std::string_view)> &piece) const
{
    const std::unique_ptr<pcre2_match_data, MatchDataDeleter> match(
        pcre2_match_data_create_from_pattern(m_compiled->code, nullptr));
    if (!match)
        throw std::bad_alloc();
    const auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    std::size_t emitted = 0;   // end of the last piece handed out
    std::size_t searchFrom = 0;
    while (searchFrom <= text.size()) {
        int rc = pcre2_match(m_compiled->code, subject, text.size(), searchFrom, PCRE2_NO_UTF_CHECK,
                             match.get(), m_compiled->context);
        if (rc == PCRE2_ERROR_JIT_STACKLIMIT)   // the interpreter keeps its backtracking on the heap
            rc = pcre2_match(m_compiled->code, subject, text.size(), searchFrom,
                             PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, match.get(), m_compiled->context);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0)
            throw Error(m_source, "pre-tokenizer regex failed on the input (" + pcre2Message(rc) + ")");
        const PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(match.get());
        const std::size_t start = ovector[0], end = ovector[1];
        if (end <= start) {
            // Empty match: nothing to isolate; step one character to make progress.
            if (start >= text.size())
                break;
            searchFrom = start + 1;
            while (searchFrom < text.size() && (static_cast<unsigned char>(text[searchFrom]) & 0xC0) == 0x80)
                ++searchFrom;
            continue;
        }
        if (start > emitted)
            piece(text.substr(emitted, start - emitted));
        piece(text.substr(start, end - start));
        emitted = searchFrom = end;
    }
    if (emitted < text.size())
        piece(text.substr(emitted));
}

} // namespace tokenscope
