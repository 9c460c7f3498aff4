// SPDX-License-Identifier: MIT
#include "compress/method_catalog.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>

namespace tokenscope {

namespace {

std::vector<MethodInfo> buildCatalog()
{
    std::vector<MethodInfo> m;
    m.push_back({"none", "every tile at 1/4 (mlp1): all visual tokens", "InternVL3.5 (arXiv 2508.18265), the standard path",
                 MethodKind::TileRatio, false, false, false, {}});
    m.push_back({"all-1/16", "every tile at 1/16 (mlp2): a quarter of the tokens",
                 "InternVL3.5-Flash mlp2 (modeling_internvl_chat.py, pixel_shuffle scale 0.25)", MethodKind::TileRatio,
                 false, false, true, {}});
    m.push_back({"vir", "ViR router: compress tile i iff p_i > quantile(p, relative) and p_i >= absolute",
                 "ViCO (arXiv 2510.12793); rule from modeling_internvl_chat.py generate_flash", MethodKind::TileRatio,
                 false, false, true,
                 {{"relative", "flash_relative_threshold (default: the model's config)", -1, 0, 1, false},
                  {"absolute", "flash_absolute_threshold (default: the model's config)", -1, 0, 1, false}}});
    m.push_back({"vir-budget", "ViR probabilities: compress the most compressible tiles until the budget is met",
                 "TokenScope's target-budget mode on the ViR router of ViCO (arXiv 2510.12793)", MethodKind::TileRatio,
                 true, false, true, {}});
    m.push_back({"random", "keep k = max(1, floor(b*N)) visual tokens drawn uniformly (seeded)",
                 "the floor every method must beat (e.g. VisionZip, arXiv 2412.04467, random baseline)",
                 MethodKind::TokenSelection, true, false, false,
                 {{"seed", "random seed", 0, 0, 2147483647, true}}});
    m.push_back({"uniform", "keep k visual tokens evenly spaced over the sequence (spatially even subsample)",
                 "uniform-stride baseline (PruMerge+'s spatial fill, arXiv 2403.15388)", MethodKind::TokenSelection, true,
                 false, false, {}});
    return m;
}

const MethodInfo *findMethod(const std::string &name)
{
    const auto &all = compressionMethods();
    auto it = std::find_if(all.begin(), all.end(), [&](const MethodInfo &m) { return m.name == name; });
    return it == all.end() ? nullptr : &*it;
}

std::string knownNames()
{
    std::string names;
    for (const MethodInfo &m : compressionMethods())
        names += (names.empty() ? "" : ", ") + m.name;
    return names + ", and vir+<token method>";
}

} // namespace

const std::vector<MethodInfo> &compressionMethods()
{
    static const std::vector<MethodInfo> catalog = buildCatalog();
    return catalog;
}

double MethodChoice::parameter(const std::string &key) const
{
    auto it = parameters.find(key);
    if (it == parameters.end())
        throw std::logic_error("method parameter not declared: " + key);
    return it->second;
}

int keptCount(double budget, int tokens)
{
    return std::clamp(static_cast<int>(std::floor(budget * tokens)), 1, std::max(1, tokens));
}

MethodChoice chooseMethod(const std::string &name, double budget, const std::map<std::string, double> &parameters)
{
    MethodChoice choice;
    choice.name = name;
    const auto plus = name.find('+');
    if (plus != std::string::npos) {
        // Composition: a tile-ratio method first (only ViR makes sense), then a token method.
        const std::string first = name.substr(0, plus), second = name.substr(plus + 1);
        choice.ratio = findMethod(first);
        choice.tokens = findMethod(second);
        if (first != "vir" || !choice.tokens || choice.tokens->kind != MethodKind::TokenSelection)
            throw Error("method '" + name + "'", "is not a valid composition: use vir+<token method> (" + knownNames() + ")");
    } else {
        const MethodInfo *method = findMethod(name);
        if (!method)
            throw Error("method '" + name + "'", "is not known (" + knownNames() + ")");
        if (method->kind == MethodKind::TileRatio) {
            choice.ratio = method;
        } else {
            choice.ratio = findMethod("none");
            choice.tokens = method;
        }
    }
    if (!(budget > 0 && budget <= 1))
        throw Error("budget", "must be in (0, 1], got " + std::to_string(budget));
    choice.budget = budget;

    // Parameters belong to the named parts; unknown keys and out-of-range values are errors.
    for (const MethodInfo *part : {choice.ratio, choice.tokens}) {
        if (!part)
            continue;
        for (const MethodParameter &p : part->parameters)
            choice.parameters[p.name] = p.defaultValue;
    }
    for (const auto &[key, value] : parameters) {
        const MethodParameter *declared = nullptr;
        for (const MethodInfo *part : {choice.ratio, choice.tokens}) {
            if (!part)
                continue;
            for (const MethodParameter &p : part->parameters)
                if (p.name == key)
                    declared = &p;
        }
        if (!declared)
            throw Error("parameter '" + key + "'", "is not a parameter of method '" + name + "'");
        if (!(value >= declared->minimum && value <= declared->maximum) ||
            (declared->integer && value != std::floor(value)))
            throw Error("parameter '" + key + "'", "must be " + std::string(declared->integer ? "an integer " : "") +
                                                      "in [" + std::to_string(declared->minimum) + ", " +
                                                      std::to_string(declared->maximum) + "], got " + std::to_string(value));
        choice.parameters[key] = value;
    }
    return choice;
}

} // namespace tokenscope
