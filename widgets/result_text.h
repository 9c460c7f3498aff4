// SPDX-License-Identifier: MIT
#pragma once

// The one-line summaries the window shows, as pure functions so tests can compare a label with
// what the plan says.

#include "pipeline/engine.h"

#include <QString>

namespace tokenscope::widgets {

// "6.4M", "592.3K", "38.1B"
QString formatParameterCount(std::int64_t parameters);

// "Qwen3ForCausalLM · 592.3K parameters · flash yes · cpu, fp32, threads 2"
QString describeModel(const ModelInfo &info);

// The answer as a person should read it: the text, or a note when it has no visible text
// (random or undertrained weights often emit only whitespace; a blank would look like a bug).
QString describeAnswer(const RunResult &result);

// "visual tokens 640 / 1792 (35.7%), prompt 900"
QString describeTokenCounts(const RunResult &result);

} // namespace tokenscope::widgets
