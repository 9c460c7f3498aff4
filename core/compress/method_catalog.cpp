// SPDX-License-Identifier: MIT
#include "compress/method_catalog.h"

#include "common/error.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace tokenscope {

namespace {

MethodParameter number(std::string name, std::string description, double fallback, double minimum, double maximum)
{
    return {std::move(name), std::move(description), fallback, minimum, maximum, false, {}};
}

MethodParameter integer(std::string name, std::string description, double fallback, double minimum, double maximum)
{
    return {std::move(name), std::move(description), fallback, minimum, maximum, true, {}};
}

// A named choice: the value is the index of `fallback` among `choices`.
MethodParameter choice(std::string name, std::string description, const std::string &fallback,
                       std::vector<std::string> choices)
{
    const auto index = double(std::find(choices.begin(), choices.end(), fallback) - choices.begin());
    const auto last = double(choices.size()) - 1;
    return {std::move(name), std::move(description), index, 0, last, true, std::move(choices)};
}

const MethodParameter layerK =
    integer("layer", "K: layers < K see every visual token, layers >= K only the kept ones", 2, 1, 1024);

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
                 {number("relative", "flash_relative_threshold (default: the model's config)", -1, 0, 1),
                  number("absolute", "flash_absolute_threshold (default: the model's config)", -1, 0, 1)}});
    m.push_back({"vir-budget", "ViR probabilities: compress the most compressible tiles until the budget is met",
                 "TokenScope's target-budget mode on the ViR router of ViCO (arXiv 2510.12793)", MethodKind::TileRatio,
                 true, false, true, {}});
    m.push_back({"downsample",
                 "fewer tiles: the largest tile cap (max_dynamic_patch) whose tokens, every tile at 1/4, are at most "
                 "b*N; the image reaches the encoder at a lower resolution and no token is chosen",
                 "the downsampling baseline of VTC-Bench (arXiv 2510.07143); on InternVL, fewer pixels means a lower "
                 "tile cap (dynamic_preprocess picks the grid by aspect ratio)",
                 MethodKind::TileRatio, true, false, false, {}});
    m.push_back({"random", "keep k = max(1, floor(b*N)) visual tokens drawn uniformly (seeded)",
                 "the floor every method must beat (e.g. VisionZip, arXiv 2412.04467, random baseline)",
                 MethodKind::TokenSelection, true, false, false,
                 {integer("seed", "random seed", 0, 0, 2147483647)}});
    m.push_back({"uniform", "keep k visual tokens evenly spaced over the sequence (spatially even subsample)",
                 "uniform-stride baseline (PruMerge+'s spatial fill, arXiv 2403.15388)", MethodKind::TokenSelection, true,
                 false, false, {}});
    m.push_back({"fastv",
                 "inside the LLM: keep the k visual tokens receiving the most layer K-1 attention (query=last: from "
                 "the last prompt row, the official ranking; query=all: mean over every row), drop the rest from "
                 "layer K on; k = max(1, floor(b*N)) (the official code rounds N*(1-R))",
                 "FastV (arXiv 2403.06764); pkunlp-icler/FastV modeling_llama.py (last_layer_attention_avg[-1]) and "
                 "VisionSelector fastv.py (mean over query rows, eager fp32 attention at layer K-1)",
                 MethodKind::InsideLlm, true, false, false,
                 {layerK,
                  choice("query", "which attention rows rank the visual tokens: last (official FastV) or all (VisionSelector's port)",
                         "last", {"last", "all"})}});
    m.push_back({"dart",
                 "inside the LLM: pivots = 4 image + 4 text tokens with the largest layer K-1 key L1 norm; each pivot "
                 "keeps the visual tokens least cosine-similar to it until k",
                 "DART (arXiv 2502.11494); ZichenWen1/DART get_retained_image_token (exact k instead of N*ratio/8 "
                 "per pivot)",
                 MethodKind::InsideLlm, true, false, false,
                 {layerK}});
    m.push_back({"pyramiddrop",
                 "inside the LLM, in stages: the forward pass in equal parts; before each part but the first, keep "
                 "the floor(N*lambda^s) visual tokens the part's first layer attends to most from the last prompt "
                 "row; kept rows are renumbered. lambda=0 picks lambda so that the visual tokens per layer, "
                 "averaged over all layers, are b*N",
                 "PyramidDrop (arXiv 2410.17247, CVPR 2025); Cooperx521/PyramidDrop modeling_llama_pdrop.py "
                 "pdrop_rank_drop (layer_list [8,16,24] of 32, image_token_ratio_list [0.5,0.25,0.125])",
                 MethodKind::InsideLlm, true, false, false,
                 {integer("stages",
                          "S: equal parts of the LLM, cut between them; 0: PyramidDrop's 4, or one per layer of a "
                          "shallower LLM",
                          0, 0, 1024),
                  number("lambda", "share kept at each cut; 0: chosen from the budget (PyramidDrop: 0.5)", 0, 0, 1)}});
    m.push_back({"sparsevlm",
                 "inside the LLM, text-guided: the question rows most relevant to the image rate the visual tokens "
                 "by their attention at 3 layers (2, 6, 15 of 32, scaled to the depth); each cut keeps a fixed "
                 "count (the reference's per-setting counts scaled by b*N/R) and recycles the 30% of dropped tokens "
                 "the raters rate highest into DPC-KNN cluster centres (about one per ten); rows renumbered",
                 "SparseVLM v1.0 (arXiv 2410.04417, ICML 2025); Gumpest/SparseVLMs modelling_sparse_llama.py "
                 "(text raters, pruning_loc [2,6,15]), score.py (sparse_token_dict), utils.py cluster_and_merge",
                 MethodKind::InsideLlm, true, false, false, {}});
    m.push_back({"visionselector", "learned scorer (selector.safetensors): keep the k highest mean_j q_i.k_j/sqrt(h) over all tiles",
                 "VisionSelector (arXiv 2510.16598), selector_scorer.py TransformerScorer + topk(...).indices.sort()",
                 MethodKind::TokenSelection, true, true, false, {}});
    m.push_back({"divprune", "greedy max-min diversity (1 - cos) on the connector outputs",
                 "DivPrune (arXiv 2503.02175, CVPR 2025), vbdi/divprune llava_arch.py DivPrune", MethodKind::TokenSelection,
                 true, false, false, {}});
    m.push_back({"vispruner",
                 "keep floor(k*f) tokens with the highest CLS attention, fill the rest with diverse ones: split the "
                 "remainder alternately, drop the most feature-similar of one half, repeat",
                 "VisPruner (arXiv 2412.01818, ICCV 2025); anonymous-4869/VisPruner llava_arch.py encode_images",
                 MethodKind::TokenSelection, true, false, false,
                 {number("important_fraction", "share of the k slots given to the highest-attention tokens; VisPruner: 0.5",
                         0.5, 0, 1)}});
    m.push_back({"cdpruner",
                 "greedy MAP of a DPP whose kernel is token similarity weighted by relevance to the question "
                 "(the question's LLM embeddings stand in for CLIP's text encoder)",
                 "CDPruner (arXiv 2506.10967); Theia-4869/CDPruner llava_arch.py encode_images",
                 MethodKind::TokenSelection, true, false, false,
                 {choice("relevance", "sign of the instruction relevance: negative (the official code's -cos) or positive",
                         "negative", {"negative", "positive"})}});
    m.push_back({"visionzip",
                 "keep the k-c tokens with the highest CLS attention (summed over each token's patches); the other "
                 "c slots are evenly spaced targets, each target + the mean of the tokens whose last-layer key "
                 "(mean over heads) is most similar to its key",
                 "VisionZip (arXiv 2412.04467, CVPR 2025); dvlab-research/VisionZip visionzip/clip_encoder.py",
                 MethodKind::TokenSelection, true, false, false,
                 {number("contextual_fraction", "share of the k slots given to contextual (merged) tokens; VisionZip: 10/64",
                         10.0 / 64.0, 0, 1)}});
    m.push_back({"prumerge+",
                 "keep the IQR outliers of the full-width CLS attention, fill up to k-1 with a uniform stride; each "
                 "kept token adds its 32 most key-similar tokens weighted by attention, and one appended token sums "
                 "the dropped ones; fixed k = max(1, floor(b*N)) instead of PruMerge's adaptive budget",
                 "LLaVA-PruMerge (arXiv 2403.15388); 42Shawn/LLaVA-PruMerge clip_encoder.py "
                 "token_prune_merge_advanced_plus",
                 MethodKind::TokenSelection, true, false, false, {}});
    // What a new sweep compares: the reference, ViR, the paper's selector, the floor, and the
    // strongest inside-LLM and diversity methods on the demo model.
    for (MethodInfo &info : m)
        info.sweptByDefault = info.name == "none" || info.name == "vir" || info.name == "visionselector" ||
                              info.name == "random" || info.name == "fastv" || info.name == "divprune";
    // VisionSelector ranks by its scorer alone, FastV by layer K-1 attention, which every visual
    // token reaches whatever the budget (tst_compression_methods checks each against a real run).
    for (MethodInfo &info : m)
        info.keepsTopScores = info.name == "visionselector" || info.name == "fastv";
    return m;
}

std::string joinChoices(const MethodParameter &p)
{
    std::string out;
    for (const std::string &c : p.choices)
        out += (out.empty() ? "" : ", ") + c;
    return out;
}

const MethodParameter *declaredParameter(const MethodChoice &choice, const std::string &key)
{
    for (const MethodInfo *part : {choice.ratio, choice.tokens})
        if (part)
            for (const MethodParameter &p : part->parameters)
                if (p.name == key)
                    return &p;
    return nullptr;
}

std::string knownNames()
{
    std::string names;
    for (const MethodInfo &m : compressionMethods())
        names += (names.empty() ? "" : ", ") + m.name;
    return names + ", and vir+<token method>";
}

} // namespace

const MethodInfo *findMethod(const std::string &name)
{
    const auto &all = compressionMethods();
    auto it = std::find_if(all.begin(), all.end(), [&](const MethodInfo &m) { return m.name == name; });
    return it == all.end() ? nullptr : &*it;
}

std::vector<std::string> methodNames()
{
    std::vector<std::string> names, composed;
    for (const MethodInfo &m : compressionMethods()) {
        names.push_back(m.name);
        if (m.kind != MethodKind::TileRatio)
            composed.push_back("vir+" + m.name);
    }
    names.insert(names.end(), composed.begin(), composed.end());
    return names;
}

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

bool MethodChoice::usesBudget() const
{
    return (ratio && ratio->usesBudget) || (tokens && tokens->usesBudget);
}

int keptCount(double budget, int tokens)
{
    return std::clamp(static_cast<int>(std::floor(budget * tokens)), 1, std::max(1, tokens));
}

MethodChoice chooseMethod(const std::string &name, double budget, const std::map<std::string, double> &parameters)
{
    MethodChoice choice;
    choice.name = name;
    // A method's own name may end in '+' ("prumerge+"): only a name that is not a method is a composition.
    const auto plus = name.find('+');
    if (plus != std::string::npos && !findMethod(name)) {
        // Composition: a tile-ratio method first (only ViR makes sense), then a token method.
        const std::string first = name.substr(0, plus), second = name.substr(plus + 1);
        choice.ratio = findMethod(first);
        choice.tokens = findMethod(second);
        if (first != "vir" || !choice.tokens || choice.tokens->kind == MethodKind::TileRatio)
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
        const MethodParameter *declared = declaredParameter(choice, key);
        if (!declared)
            throw Error("parameter '" + key + "'", "is not a parameter of method '" + name + "'");
        if (!declared->choices.empty() &&
            !(value >= 0 && value < double(declared->choices.size()) && value == std::floor(value)))
            throw Error("parameter '" + key + "'", "must be one of " + joinChoices(*declared) + ", got " + std::to_string(value));
        if (!(value >= declared->minimum && value <= declared->maximum) ||
            (declared->integer && value != std::floor(value)))
            throw Error("parameter '" + key + "'", "must be " + std::string(declared->integer ? "an integer " : "") +
                                                      "in [" + std::to_string(declared->minimum) + ", " +
                                                      std::to_string(declared->maximum) + "], got " + std::to_string(value));
        choice.parameters[key] = value;
    }
    return choice;
}

std::map<std::string, double> parseMethodParameters(const std::string &name, const std::string &text)
{
    const MethodChoice choice = chooseMethod(name, 1.0);   // validates the name, declares the parameters
    std::map<std::string, double> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string item = text.substr(start, comma - start);
        start = comma + 1;
        const std::size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            throw Error("parameters '" + text + "'", "expected key=value[,key=value...], got '" + item + "'");
        const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
        const MethodParameter *declared = declaredParameter(choice, key);
        if (!declared)
            throw Error("parameter '" + key + "'", "is not a parameter of method '" + name + "'");
        if (!declared->choices.empty()) {
            const auto it = std::find(declared->choices.begin(), declared->choices.end(), value);
            if (it == declared->choices.end())
                throw Error("parameter '" + key + "' of method '" + name + "'",
                            "'" + value + "' is not one of " + joinChoices(*declared));
            out[key] = double(it - declared->choices.begin());
            continue;
        }
        double number = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
        if (ec != std::errc() || end != value.data() + value.size())
            throw Error("parameter '" + key + "' of method '" + name + "'", "expects a number, got '" + value + "'");
        out[key] = number;
    }
    chooseMethod(name, 1.0, out);   // ranges
    return out;
}

std::string formatParameterValue(const MethodParameter &parameter, double value)
{
    if (!parameter.choices.empty() && value >= 0 && value < double(parameter.choices.size()))
        return parameter.choices[std::size_t(value)];
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", value);
    return buffer;
}

} // namespace tokenscope
