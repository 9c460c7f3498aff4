// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace tokenscope {

// Progress and cancellation as part of the core API (cf. whisper.cpp's progress/abort callbacks).
// Long operations call report() with a fraction in [0, 1]; it is throttled here so callers may
// report as often as they like. checkCancelled() throws Cancelled when abort() returns true.
struct ProgressCallbacks {
    std::function<void(double fraction, std::string_view stage)> progress;
    std::function<bool()> abort;
};

class ProgressReporter {
public:
    explicit ProgressReporter(const ProgressCallbacks &callbacks) : m_callbacks(callbacks) {}

    void report(double fraction, std::string_view stage);
    void checkCancelled() const;

private:
    const ProgressCallbacks &m_callbacks;
    int m_lastPermille = -1;
};

// "42s", "3m05s", "1h20m": elapsed times and ETAs in progress lines (CLI and GUI).
std::string formatDuration(double seconds);

} // namespace tokenscope
