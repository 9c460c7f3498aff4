// SPDX-License-Identifier: MIT
#include "command_line.h"
#include "commands.h"

#include "compress/method_catalog.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace tokenscope::cli {

namespace {

const char *kindName(MethodKind kind)
{
    switch (kind) {
    case MethodKind::TileRatio: return "tile-ratio";
    case MethodKind::TokenSelection: return "token-selection";
    case MethodKind::InsideLlm: return "inside-llm";
    }
    return "?";
}

} // namespace

int methodsCommand(const std::vector<std::string> &args)
{
    const CommandLine cl("methods", args, {}, {"json"});
    if (cl.has("json")) {
        nlohmann::json out = nlohmann::json::array();
        for (const MethodInfo &m : compressionMethods()) {
            nlohmann::json parameters = nlohmann::json::array();
            for (const MethodParameter &p : m.parameters)
                parameters.push_back({{"name", p.name},
                                      {"description", p.description},
                                      {"default", p.defaultValue},
                                      {"min", p.minimum},
                                      {"max", p.maximum},
                                      {"integer", p.integer},
                                      {"choices", p.choices}});
            out.push_back({{"name", m.name},
                           {"kind", kindName(m.kind)},
                           {"summary", m.summary},
                           {"reference", m.reference},
                           {"uses_budget", m.usesBudget},
                           {"needs_selector", m.needsSelector},
                           {"needs_flash", m.needsFlash},
                           {"parameters", parameters}});
        }
        std::cout << out.dump(2) << '\n';
        return 0;
    }
    for (const MethodInfo &m : compressionMethods()) {
        std::printf("%-12s %-15s %s\n", m.name.c_str(), kindName(m.kind), m.summary.c_str());
        std::printf("%-12s %-15s follows: %s\n", "", "", m.reference.c_str());
        for (const MethodParameter &p : m.parameters) {
            if (!p.choices.empty()) {
                std::string names;
                for (const std::string &c : p.choices)
                    names += (names.empty() ? "" : "|") + c;
                std::printf("%-12s %-15s --params %s=<%s> (default %s): %s\n", "", "", p.name.c_str(), names.c_str(),
                            formatParameterValue(p, p.defaultValue).c_str(), p.description.c_str());
                continue;
            }
            std::printf("%-12s %-15s --params %s=<%s> (default %g, range [%g, %g]): %s\n", "", "", p.name.c_str(),
                        p.integer ? "integer" : "number", p.defaultValue, p.minimum, p.maximum, p.description.c_str());
        }
    }
    std::printf("\nEvery token-selection method also runs after ViR as vir+<name> (e.g. vir+uniform).\n"
                "Budget b in (0, 1]: Top-K methods keep k = max(1, floor(b*N)) of the N tokens the connectors produced.\n");
    return 0;
}

} // namespace tokenscope::cli
