// SPDX-License-Identifier: MIT
#pragma once

// What compression methods exist, what they take, and a validated choice of one: free of
// LibTorch, so the CLI, the GUI and the sweep can list and validate methods.

#include <map>
#include <string>
#include <vector>

namespace tokenscope {

struct MethodParameter {
    std::string name;
    std::string description;
    double defaultValue = 0;
    double minimum = 0;
    double maximum = 0;
    bool integer = false;
    // A named choice ("query": last, all): the value is the index of the chosen name, the names
    // are what users type and see. Empty for numeric parameters.
    std::vector<std::string> choices;
};

// How a method acts: by choosing each tile's connector ratio (ViR and its forced modes), by
// choosing visual tokens before the LLM, or by dropping rows inside the LLM at a layer.
enum class MethodKind { TileRatio, TokenSelection, InsideLlm };

struct MethodInfo {
    std::string name;                 // "visionselector"
    std::string summary;              // one line for `tokenscope-cli methods`
    std::string reference;            // paper and the public implementation detail it follows
    MethodKind kind = MethodKind::TokenSelection;
    bool usesBudget = true;           // false: the ratio methods decide the token count themselves
    bool needsSelector = false;       // reads selector.safetensors beside the model
    bool needsFlash = false;          // needs mlp2 + the ViR router
    std::vector<MethodParameter> parameters;
    bool sweptByDefault = false;   // ticked in a new sweep form
    // The kept set at any budget is the top max(1, ⌊b·N⌋) of the plan's token scores, and the
    // scores do not depend on the budget: a budget move can be drawn from the plan on screen
    // (planAtBudget) before the model has run.
    bool keepsTopScores = false;
};

// Every method, in the order the CLI lists them. Token-selection methods also exist composed
// after ViR as "vir+<name>" (ViR picks each tile's ratio, then the method picks tokens).
const std::vector<MethodInfo> &compressionMethods();
// The catalogue entry of that exact name (no compositions), or nullptr.
const MethodInfo *findMethod(const std::string &name);
// Every name chooseMethod accepts: the catalogue's, then vir+<token method> for each token method.
std::vector<std::string> methodNames();

struct MethodChoice {
    std::string name;                 // as given: "random", "vir+visionselector"
    const MethodInfo *ratio = nullptr;   // the tile-ratio part ("none" when absent)
    const MethodInfo *tokens = nullptr;  // the token part, or nullptr
    double budget = 1.0;
    std::map<std::string, double> parameters;   // every parameter of the token part, defaults filled

    double parameter(const std::string &key) const;
    // Whether the budget decides anything: a token part, or a ratio method that reaches a budget.
    bool usesBudget() const;
};

// Validates a method name, budget and parameters; errors name the value ("method 'fastv2' is not
// known (…)", "budget: must be in (0, 1], got 0").
MethodChoice chooseMethod(const std::string &name, double budget, const std::map<std::string, double> &parameters = {});

// "seed=3,query=all" -> {seed: 3, query: 1}: numbers, or a choice parameter's name, for the
// parameters of method `name`. Errors name the item ("parameter 'query' of method 'fastv': 'first'
// is not one of last, all").
std::map<std::string, double> parseMethodParameters(const std::string &name, const std::string &text);
// A parameter's value as users write it: the choice name, or the number.
std::string formatParameterValue(const MethodParameter &parameter, double value);

// k = max(1, ⌊b·N⌋): the kept count of every Top-K style method.
int keptCount(double budget, int tokens);

} // namespace tokenscope
