// SPDX-License-Identifier: MIT
// RunRequest helpers: route-mode names and filling a request from a validated method choice.
#include "pipeline/engine.h"

namespace tokenscope {

const char *routeModeName(RouteMode mode)
{
    switch (mode) {
    case RouteMode::Router: return "router";
    case RouteMode::TargetBudget: return "budget";
    case RouteMode::AllFull: return "full";
    case RouteMode::AllCompressed: return "compressed";
    case RouteMode::Downsample: return "downsample";
    }
    return "?";
}

std::optional<RouteMode> parseRouteMode(std::string_view text)
{
    for (RouteMode m : {RouteMode::Router, RouteMode::TargetBudget, RouteMode::AllFull, RouteMode::AllCompressed,
                        RouteMode::Downsample})
        if (text == routeModeName(m))
            return m;
    return std::nullopt;
}

void applyMethodChoice(RunRequest &request, const MethodChoice &choice)
{
    const std::string &ratio = choice.ratio->name;
    request.mode = ratio == "all-1/16"     ? RouteMode::AllCompressed
                   : ratio == "vir"        ? RouteMode::Router
                   : ratio == "vir-budget" ? RouteMode::TargetBudget
                   : ratio == "downsample" ? RouteMode::Downsample
                                           : RouteMode::AllFull;
    request.targetBudget = choice.budget;
    if (ratio == "vir") {
        const double relative = choice.parameter("relative"), absolute = choice.parameter("absolute");
        // A negative default means "the model's own threshold": only set what the user gave.
        if (relative >= 0 || absolute >= 0)
            request.thresholds = RouterThresholds{relative, absolute};
    }
    request.tokenMethod = choice.tokens ? choice.tokens->name : std::string();
    request.budget = choice.budget;
    request.methodParameters.clear();
    if (choice.tokens)
        for (const MethodParameter &p : choice.tokens->parameters)
            request.methodParameters[p.name] = choice.parameter(p.name);
}

} // namespace tokenscope
