// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace tokenscope {

// The one exception type that crosses the core's public API. Core code converts c10::Error,
// cv::Exception and JSON errors into it, so callers (CLI, GUI) catch exactly this.
// `source` names the file (or input) at fault; `problem` says what was wrong with it.
class Error : public std::runtime_error {
public:
    Error(std::string source, std::string problem);
    Error(const std::filesystem::path &source, std::string problem);
    Error(const char *source, std::string problem) : Error(std::string(source), std::move(problem)) {}

    const std::string &source() const noexcept { return m_source; }
    const std::string &problem() const noexcept { return m_problem; }

private:
    std::string m_source;
    std::string m_problem;
};

// Thrown by long operations when their abort callback asks them to stop.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

} // namespace tokenscope
