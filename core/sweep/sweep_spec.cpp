// SPDX-License-Identifier: MIT
#include "sweep/sweep_spec.h"

#include "common/error.h"
#include "compress/method_catalog.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace tokenscope {

namespace {

std::vector<std::string> splitList(std::string_view text)
{
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        std::string item(text.substr(start, comma - start));
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        items.push_back(item);
        start = comma + 1;
    }
    return items;
}

} // namespace

std::vector<double> parseBudgetList(std::string_view text, const std::string &option)
{
    std::vector<double> budgets;
    for (const std::string &item : splitList(text)) {
        double value = 0;
        const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
        if (item.empty() || ec != std::errc() || end != item.data() + item.size() || !std::isfinite(value))
            throw Error(option, "'" + item + "' is not a number (expected a comma-separated list like 1,0.5,0.3)");
        if (!(value > 0 && value <= 1))
            throw Error(option, "budget " + item + " must be in (0, 1]");
        if (std::find(budgets.begin(), budgets.end(), value) != budgets.end())
            throw Error(option, "budget " + item + " is listed twice");
        budgets.push_back(value);
    }
    return budgets;
}

std::vector<std::string> parseMethodList(std::string_view text, const std::string &option)
{
    std::vector<std::string> methods;
    for (const std::string &item : splitList(text)) {
        if (item.empty())
            throw Error(option, "has an empty method name (expected a comma-separated list like vir,visionselector)");
        try {
            chooseMethod(item, 1.0);
        } catch (const Error &e) {
            throw Error(option, e.what());
        }
        if (std::find(methods.begin(), methods.end(), item) != methods.end())
            throw Error(option, "method '" + item + "' is listed twice");
        methods.push_back(item);
    }
    return methods;
}

std::pair<int, int> parseShard(std::string_view text, const std::string &option)
{
    const std::size_t slash = text.find('/');
    int index = -1, count = 0;
    const auto number = [](std::string_view s, int &out) {
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return !s.empty() && ec == std::errc() && end == s.data() + s.size();
    };
    if (slash == std::string_view::npos || !number(text.substr(0, slash), index) || !number(text.substr(slash + 1), count))
        throw Error(option, "'" + std::string(text) + "' is not of the form i/N (e.g. 0/4)");
    if (count < 1 || index < 0 || index >= count)
        throw Error(option, "'" + std::string(text) + "': need 0 <= i < N");
    return {index, count};
}

std::vector<SweepSetting> sweepSettings(const SweepSpec &spec)
{
    std::vector<SweepSetting> settings{{"none", 1.0}};
    for (const std::string &method : spec.methods) {
        if (!chooseMethod(method, 1.0).usesBudget()) {
            if (method != "none")
                settings.push_back({method, 1.0});
            continue;
        }
        for (double budget : spec.budgets) {
            chooseMethod(method, budget);   // validates the pair
            settings.push_back({method, budget});
        }
    }
    return settings;
}

std::filesystem::path recordsPath(const SweepSpec &spec)
{
    if (spec.shardCount == 1)
        return spec.outDir / "records.jsonl";
    return spec.outDir /
           ("records.shard-" + std::to_string(spec.shardIndex) + "-of-" + std::to_string(spec.shardCount) + ".jsonl");
}

} // namespace tokenscope
