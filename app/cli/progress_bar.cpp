// SPDX-License-Identifier: MIT
#include "progress_bar.h"

#include <cstdio>
#include <unistd.h>

namespace tokenscope::cli {

ProgressBar::ProgressBar(std::string label)
    : m_label(std::move(label))
    , m_enabled(isatty(fileno(stderr)) != 0)
{
    m_callbacks.progress = [this](double fraction, std::string_view stage) { draw(fraction, stage); };
}

ProgressBar::~ProgressBar()
{
    finish();
}

void ProgressBar::draw(double fraction, std::string_view stage)
{
    if (!m_enabled)
        return;
    constexpr int width = 30;
    const int filled = static_cast<int>(fraction * width);
    std::fprintf(stderr, "\r%s [%.*s%*s] %3d%% %-10.*s", m_label.c_str(), filled, "##############################",
                 width - filled, "", static_cast<int>(fraction * 100), static_cast<int>(stage.size()), stage.data());
    std::fflush(stderr);
    m_drawn = true;
}

void ProgressBar::finish()
{
    if (m_drawn) {
        std::fputs("\r\033[K", stderr);
        m_drawn = false;
    }
}

} // namespace tokenscope::cli
