// SPDX-License-Identifier: MIT
#include "pipeline/visual_selection.h"

#include <stdexcept>

namespace tokenscope {

namespace {

// A selector that breaks its contract is a programming error, not bad input.
void checkSelection(const TokenSelection &s, std::int64_t keep, std::int64_t n, const std::string &method)
{
    auto fail = [&](const std::string &what) { throw std::logic_error("method " + method + ": " + what); };
    const std::int64_t appended = s.appendedEmbeddings.defined() ? s.appendedEmbeddings.size(0) : 0;
    if (static_cast<std::int64_t>(s.kept.size()) + appended != keep)
        fail("kept " + std::to_string(s.kept.size()) + " + appended " + std::to_string(appended) +
             " tokens, asked for " + std::to_string(keep));
    for (std::size_t i = 0; i < s.kept.size(); ++i) {
        if (s.kept[i] < 0 || s.kept[i] >= n)
            fail("kept index out of range");
        if (i > 0 && s.kept[i] <= s.kept[i - 1])
            fail("kept indices are not strictly increasing");
    }
    if (!s.scores.empty() && static_cast<std::int64_t>(s.scores.size()) != n)
        fail("one score per visual token expected");
    if (!s.mergedInto.empty() && static_cast<std::int64_t>(s.mergedInto.size()) != n)
        fail("one merge target per visual token expected");
    if (s.keptEmbeddings.defined() && s.keptEmbeddings.size(0) != static_cast<std::int64_t>(s.kept.size()))
        fail("replacement embeddings for every kept token expected");
}

} // namespace

SelectedVisuals applyTokenSelection(const TokenSelector &selector, const SelectionInput &input, CompressionPlan &plan,
                                    const std::vector<torch::Tensor> &tileEmbeddings)
{
    const auto n = static_cast<std::int64_t>(plan.tokens.size());
    const std::int64_t keep = keptCount(input.choice.budget, static_cast<int>(n));
    TokenSelection selection = selector.select(input, keep);
    checkSelection(selection, keep, n, input.choice.name);

    for (std::int64_t i = 0; i < n; ++i) {
        VisualToken &t = plan.tokens[std::size_t(i)];
        t.kept = false;
        if (!selection.scores.empty())
            t.score = selection.scores[std::size_t(i)];
        if (!selection.mergedInto.empty())
            t.mergedInto = selection.mergedInto[std::size_t(i)];
    }
    for (std::int64_t i : selection.kept)
        plan.tokens[std::size_t(i)].kept = true;
    plan.tokensSent = static_cast<int>(keep);
    plan.appendedTokens = selection.appendedEmbeddings.defined() ? static_cast<int>(selection.appendedEmbeddings.size(0)) : 0;
    plan.budget = input.choice.budget;
    plan.positions = selection.positions;

    // Kept rows, grouped back by tile (kept indices are sorted, so tile order is preserved).
    auto all = torch::cat(tileEmbeddings, 0);
    auto index = torch::tensor(selection.kept, torch::TensorOptions().dtype(torch::kInt64)).to(all.device());
    auto kept = selection.keptEmbeddings.defined() ? selection.keptEmbeddings.to(all.device(), all.scalar_type())
                                                   : all.index_select(0, index);
    SelectedVisuals out;
    out.keptPerTile.assign(plan.tiles.size(), 0);
    for (std::int64_t i : selection.kept)
        ++out.keptPerTile[std::size_t(plan.tokens[std::size_t(i)].tile)];
    std::int64_t row = 0;
    for (int count : out.keptPerTile) {
        out.tileEmbeddings.push_back(kept.slice(0, row, row + count));
        row += count;
    }
    // Appended tokens follow the last kept one: they close the last tile's block.
    if (plan.appendedTokens > 0 && !out.tileEmbeddings.empty()) {
        const auto appended = selection.appendedEmbeddings.to(all.device(), all.scalar_type());
        out.tileEmbeddings.back() = torch::cat({out.tileEmbeddings.back(), appended}, 0);
        out.keptPerTile.back() += plan.appendedTokens;
    }
    return out;
}

torch::Tensor sequencePositions(const CompressionPlan &plan, std::int64_t length, std::int64_t firstVisual)
{
    auto options = torch::TensorOptions().dtype(torch::kInt64);
    if (plan.positions == PositionPolicy::Contiguous)
        return torch::arange(length, options);
    std::vector<std::int64_t> positions;
    positions.reserve(std::size_t(length));
    for (std::int64_t i = 0; i < firstVisual; ++i)
        positions.push_back(i);
    for (std::size_t t = 0; t < plan.tokens.size(); ++t)
        if (plan.tokens[t].kept)
            positions.push_back(firstVisual + static_cast<std::int64_t>(t));
    const auto dropped = static_cast<std::int64_t>(plan.tokens.size()) - plan.tokensSent;
    for (auto i = static_cast<std::int64_t>(positions.size()); i < length; ++i)
        positions.push_back(i + dropped);
    return torch::tensor(positions, options);
}

} // namespace tokenscope
