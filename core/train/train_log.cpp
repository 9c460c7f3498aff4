// SPDX-License-Identifier: MIT
#include "train/train_log.h"

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <fstream>

namespace tokenscope {

StageLog readStageLog(const std::filesystem::path &stageDir)
{
    StageLog log;
    log.name = std::filesystem::absolute(stageDir).lexically_normal().filename().string();
    if (log.name.empty())   // "dir/" ends in an empty filename
        log.name = std::filesystem::absolute(stageDir).lexically_normal().parent_path().filename().string();
    const auto stateFile = stageDir / "train-state.json";
    std::ifstream state(stateFile);
    if (!state)
        throw Error(stateFile, "cannot be read: is this a training stage's output folder?");
    try {
        const auto json = nlohmann::json::parse(state);
        log.stage = json.value("stage", "");
        log.finalValidation.step = json.value("step", 0);
        if (json.value("complete", false) && json.contains("validation") && json.at("validation").is_object())
            for (const auto &[key, value] : json.at("validation").items())
                if (value.is_number())
                    log.finalValidation.values[key] = value.get<double>();
    } catch (const nlohmann::json::exception &e) {
        throw Error(stateFile, std::string("is not valid JSON (") + e.what() + ")");
    }
    const auto logFile = stageDir / "train-log.jsonl";
    std::ifstream in(logFile);
    if (!in)
        throw Error(logFile, "cannot be read");
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(line);
        } catch (const nlohmann::json::exception &) {
            if (in.peek() == std::char_traits<char>::eof())
                break;   // the last line of an interrupted run
            throw Error(logFile.string() + ":" + std::to_string(number), "is not a JSON object");
        }
        TrainLogEntry entry;
        entry.step = j.value("step", 0);
        for (const auto &[key, value] : j.items())
            if (key != "step" && value.is_number())
                entry.values[key] = value.get<double>();
        log.entries.push_back(std::move(entry));
    }
    return log;
}

} // namespace tokenscope
