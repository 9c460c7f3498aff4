// SPDX-License-Identifier: MIT
#include "sweep/sweep_manifest.h"

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <fstream>

namespace tokenscope {

std::optional<SweepManifest> readSweepManifest(const std::filesystem::path &folder)
{
    const std::filesystem::path file = folder / "sweep.json";
    if (!std::filesystem::exists(file))
        return std::nullopt;
    std::ifstream in(file);
    const nlohmann::json json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object())
        throw Error(file, "is not a JSON object (a sweep folder's manifest); the records were read without it");
    SweepManifest out;
    try {
        out.dataset = json.value("dataset", std::string());
        out.methods = json.value("methods", std::vector<std::string>());
        out.budgets = json.value("budgets", std::vector<double>());
        out.limit = json.value("limit", 0);
    } catch (const nlohmann::json::exception &e) {
        throw Error(file, std::string("has a field of the wrong type (") + e.what() + ")");
    }
    return out;
}

} // namespace tokenscope
