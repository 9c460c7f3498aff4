// SPDX-License-Identifier: MIT
#pragma once

#include "common/progress.h"

#include <string>

namespace tokenscope::cli {

// A one-line progress bar on stderr, drawn only when stderr is a terminal.
class ProgressBar {
public:
    explicit ProgressBar(std::string label);
    ~ProgressBar();
    const ProgressCallbacks &callbacks() const { return m_callbacks; }
    void finish();

private:
    void draw(double fraction, std::string_view stage);
    std::string m_label;
    bool m_enabled;
    bool m_drawn = false;
    ProgressCallbacks m_callbacks;
};

} // namespace tokenscope::cli
