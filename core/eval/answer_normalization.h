// SPDX-License-Identifier: MIT
#pragma once

// Text normalisations applied before answers are compared (eval/metrics.h). Each one mirrors the
// harness whose numbers we compare against (lmms-eval, VLMEvalKit), so scores are comparable.
// All functions take and return UTF-8; invalid bytes decode to U+FFFD.

#include <string>
#include <string_view>
#include <vector>

namespace tokenscope {

// UTF-8 <-> code points. Each invalid or truncated byte becomes U+FFFD.
std::u32string decodeUtf8(std::string_view text);
std::string encodeUtf8(std::u32string_view codePoints);

// Python's str.isspace() for the characters models emit: ASCII whitespace, U+001C..U+001F,
// U+0085, U+00A0 and the Unicode space separators.
bool isPythonWhitespace(char32_t c);

// Simple lower-case mapping for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic; other code
// points are left alone (Python's str.lower() covers all of Unicode — a known, rare difference).
std::string lowerCase(std::string_view text);

// Python's s.strip(), s.split() and " ".join(s.split()) with isPythonWhitespace().
std::string trimWhitespace(std::string_view text);
std::vector<std::string> splitWhitespace(std::string_view text);
std::string collapseWhitespace(std::string_view text);

// exact_match: lower-case, drop ASCII punctuation (Python's string.punctuation), trim, collapse
// whitespace.
std::string normalizeExactMatch(std::string_view text);

// vqa_accuracy: the EvalAI answer processor used by the VQA/TextVQA evaluation (lmms-eval
// tasks/_task_utils/vqa_eval_metric.py): lower-case, drop "," and "?", split "'s", strip
// punctuation, drop periods not followed by a digit, number words to digits, drop articles,
// restore contractions ("dont" -> "don't").
std::string normalizeVqaAnswer(std::string_view text);

// anls: trim, lower-case, collapse whitespace.
std::string normalizeAnls(std::string_view text);

} // namespace tokenscope
