// SPDX-License-Identifier: MIT
#include "train/stage_objectives.h"

#include "compress/method_catalog.h"
#include "compress/vision_selector.h"
#include "train/losses.h"
#include "train/lr_schedule.h"
#include "train/soft_topk.h"
#include "train/synthetic_vqa.h"

#include <algorithm>
#include <numeric>

namespace tokenscope {

namespace {

torch::Tensor encodePatches(const InternVLModel &model, const ImageBatch &batch)
{
    return VisionEncoder::patchTokens(model.vision().forward(batch.pixels));
}

std::vector<TileRatio> uniformRatios(const ImageBatch &batch, TileRatio ratio)
{
    return std::vector<TileRatio>(std::size_t(batch.pixels.size(0)), ratio);
}

// One view per image, cut from the batch-wide tile list.
std::vector<ImageView> imageViews(const ImageBatch &batch, const std::vector<torch::Tensor> &tiles)
{
    std::vector<ImageView> views;
    for (std::size_t i = 0; i < batch.images.size(); ++i) {
        const auto first = std::size_t(batch.firstTile[i]);
        views.push_back({i, {tiles.begin() + std::ptrdiff_t(first),
                             tiles.begin() + std::ptrdiff_t(first + std::size_t(batch.tileCount(i)))}});
    }
    return views;
}

double meanOf(const torch::Tensor &t) { return t.to(torch::kFloat64).mean().item<double>(); }

// Running means of held-out metrics over batches, weighted by how many sequences (or tiles) each saw.
class MetricSums {
public:
    void add(const std::string &name, double sum, double count)
    {
        m_sums[name] += sum;
        m_counts[name] += count;
    }
    // <prefix>_em and <prefix>_ce over every sequence, and both per question category
    // (<prefix>_em/<category>, <prefix>_ce/<category>: the loss shows progress before exact match does).
    void addSequences(const std::string &prefix, const AnswerLogits &scored)
    {
        const auto em = teacherForcedExactMatch(scored).to(torch::kFloat64).cpu().contiguous();
        const auto ce = groupMean(tokenCrossEntropy(scored.logits, scored.targets).to(torch::kFloat64), scored.sequence,
                                  scored.sequences).cpu().contiguous();
        add(prefix + "_em", em.sum().item<double>(), double(em.numel()));
        add(prefix + "_ce", ce.sum().item<double>(), double(ce.numel()));
        const double *exact = em.data_ptr<double>(), *loss = ce.data_ptr<double>();
        for (std::size_t i = 0; i < scored.sequenceQuestion.size(); ++i)
            if (const std::string &category = scored.sequenceQuestion[i]->category; !category.empty()) {
                add(prefix + "_em/" + category, exact[i], 1.0);
                add(prefix + "_ce/" + category, loss[i], 1.0);
            }
    }
    std::map<std::string, double> means() const
    {
        std::map<std::string, double> out;
        for (const auto &[name, sum] : m_sums)
            out[name] = m_counts.at(name) > 0 ? sum / m_counts.at(name) : 0.0;
        return out;
    }

private:
    std::map<std::string, double> m_sums, m_counts;
};

// Runs `score` over `set`'s first `images` images in batches of `batchImages`, without gradients.
template <class Score>
std::map<std::string, double> overHeldOut(const InternVLModel &model, const TrainingSet &set, std::size_t images,
                                          int batchImages, Score &&score)
{
    torch::NoGradGuard noGrad;
    MetricSums sums;
    const std::size_t n = images == 0 ? set.images.size() : std::min(images, set.images.size());
    for (std::size_t first = 0; first < n; first += std::size_t(batchImages)) {
        std::vector<std::size_t> indices(std::min(std::size_t(batchImages), n - first));
        std::iota(indices.begin(), indices.end(), first);
        score(loadImageBatch(model, set, indices), first, sums);
    }
    return sums.means();
}

// log p(answer) of every sequence: −Σ token cross-entropy. [sequences] float64.
torch::Tensor answerLogProbabilities(const AnswerLogits &scored)
{
    const auto ce = tokenCrossEntropy(scored.logits, scored.targets).to(torch::kFloat64);
    return -torch::zeros({scored.sequences}, ce.options()).index_add(0, scored.sequence, ce);
}

// Collapse metrics (docs/training.md): the norm of the mean visual token and the RMS distance of
// the tokens from it (a collapsing connector grows the first while the second stays put, and the
// LLM's RMSNorm then flattens what differs), and how much the answers use the image: the mean
// drop of log p(answer) when each image's questions are asked of the next image of the batch.
void addCollapseMetrics(const TeacherForcing &teacher, const ImageBatch &batch, const std::vector<ImageView> &views,
                        const AnswerLogits &own, MetricSums &sums)
{
    std::vector<torch::Tensor> tiles;
    for (const ImageView &v : views)
        tiles.insert(tiles.end(), v.tiles.begin(), v.tiles.end());
    const auto all = torch::cat(tiles, 0).to(torch::kFloat64);
    const auto mean = all.mean(0);
    const double n = double(all.size(0));
    sums.add("visual_mean_norm", mean.norm().item<double>() * n, n);
    sums.add("visual_spread", (all - mean).pow(2).sum(1).mean().sqrt().item<double>() * n, n);
    if (views.size() < 2)
        return;
    std::vector<ImageView> swapped;
    for (std::size_t i = 0; i < views.size(); ++i)
        swapped.push_back({views[i].image, views[(i + 1) % views.size()].tiles});
    const auto drop = (answerLogProbabilities(own) - answerLogProbabilities(teacher.score(batch, swapped))).cpu().contiguous();
    sums.add("swap_dlogp", drop.sum().item<double>(), double(drop.numel()));
    const double *d = drop.data_ptr<double>();
    for (std::size_t i = 0; i < own.sequenceQuestion.size(); ++i)
        if (const std::string &category = own.sequenceQuestion[i]->category; !category.empty())
            sums.add("swap_dlogp/" + category, d[i], 1.0);
}

// base: every tile at 1/4, cross-entropy on the answer tokens.
class BaseObjective : public StageObjective {
public:
    explicit BaseObjective(const ObjectiveContext &c) : m_c(c), m_teacher(c.model, c.tokenizer) {}

    StepOutcome step(const ImageBatch &batch, int, std::mt19937_64 &) override
    {
        const auto tiles = m_c.model.projectTiles(encodePatches(m_c.model, batch), uniformRatios(batch, TileRatio::Quarter));
        const AnswerLogits scored = m_teacher.score(batch, imageViews(batch, tiles));
        auto loss = tokenCrossEntropy(scored.logits, scored.targets).mean();
        return {loss, {{"ce", loss.item<double>()}, {"em", meanOf(teacherForcedExactMatch(scored))}}};
    }

    std::map<std::string, double> validate(const TrainingSet &set, std::size_t images, int batchImages) override
    {
        return validateRatios(m_c.model, m_teacher, set, images, batchImages);
    }

    // Held-out exact match and CE with every tile at 1/4 and (Flash models) every tile at 1/16.
    static std::map<std::string, double> validateRatios(const InternVLModel &model, const TeacherForcing &teacher,
                                                        const TrainingSet &set, std::size_t images, int batchImages)
    {
        return overHeldOut(model, set, images, batchImages, [&](const ImageBatch &batch, std::size_t, MetricSums &sums) {
            const auto patches = encodePatches(model, batch);
            const auto views = imageViews(batch, model.projectTiles(patches, uniformRatios(batch, TileRatio::Quarter)));
            const AnswerLogits full = teacher.score(batch, views);
            sums.addSequences("full", full);
            addCollapseMetrics(teacher, batch, views, full, sums);
            if (model.config().flash)
                sums.addSequences("compressed",
                                  teacher.score(batch, imageViews(batch, model.projectTiles(patches,
                                                                                      uniformRatios(batch, TileRatio::Sixteenth)))));
        });
    }

private:
    ObjectiveContext m_c;
    TeacherForcing m_teacher;
};

// vico (ViCO stage 1): KL(π_ref ‖ π_θ) with the policy's tiles at random ratios.
class ConsistencyObjective : public StageObjective {
public:
    explicit ConsistencyObjective(const ObjectiveContext &c)
        : m_c(c), m_teacher(c.model, c.tokenizer), m_referenceTeacher(*c.reference, c.tokenizer) {}

    StepOutcome step(const ImageBatch &batch, int, std::mt19937_64 &random) override
    {
        AnswerLogits reference;
        {
            torch::NoGradGuard noGrad;
            const auto tiles = m_c.reference->projectTiles(encodePatches(*m_c.reference, batch),
                                            uniformRatios(batch, TileRatio::Quarter));
            reference = m_referenceTeacher.score(batch, imageViews(batch, tiles));
        }
        // Each tile independently at 1/4 or 1/16 with probability 1/2 (the paper's uniform draw).
        std::vector<TileRatio> ratios;
        int compressed = 0;
        for (std::int64_t i = 0; i < batch.pixels.size(0); ++i) {
            const bool small = (random() >> 63) != 0;
            compressed += small;
            ratios.push_back(small ? TileRatio::Sixteenth : TileRatio::Quarter);
        }
        const AnswerLogits policy = m_teacher.score(batch, imageViews(batch, m_c.model.projectTiles(encodePatches(m_c.model, batch), ratios)));
        auto loss = tokenKlDivergence(reference.logits, policy.logits).mean();
        return {loss,
                {{"kl", loss.item<double>()},
                 {"ce", tokenCrossEntropy(policy.logits, policy.targets).mean().item<double>()},
                 {"compressed_tiles", double(compressed) / double(ratios.size())}}};
    }

    std::map<std::string, double> validate(const TrainingSet &set, std::size_t images, int batchImages) override
    {
        return BaseObjective::validateRatios(m_c.model, m_teacher, set, images, batchImages);
    }

private:
    ObjectiveContext m_c;
    TeacherForcing m_teacher, m_referenceTeacher;
};

// Per tile of every image, r = L(answers | that tile at 1/16) / L(answers | all at 1/4), where L
// sums the image's answer cross-entropy over its questions (the router sees the tile, not the question).
std::vector<double> lossRatios(const TeacherForcing &teacher, const ImageBatch &batch,
                               const std::vector<torch::Tensor> &full, const std::vector<torch::Tensor> &small)
{
    const std::vector<ImageView> base = imageViews(batch, full);
    std::vector<ImageView> views = base;
    for (std::size_t i = 0; i < batch.images.size(); ++i)
        for (std::int64_t t = 0; t < batch.tileCount(i); ++t) {
            ImageView v = base[i];
            v.tiles[std::size_t(t)] = small[std::size_t(batch.firstTile[i] + t)];
            views.push_back(std::move(v));
        }
    const AnswerLogits scored = teacher.score(batch, views);
    auto perToken = tokenCrossEntropy(scored.logits, scored.targets).to(torch::kFloat64);
    std::vector<std::int64_t> viewOf(scored.sequenceView.begin(), scored.sequenceView.end());
    auto sequenceOfToken = scored.sequence;
    auto viewOfToken = torch::tensor(viewOf, torch::TensorOptions().dtype(torch::kInt64)).index_select(0, sequenceOfToken.cpu());
    const auto perViewTensor =
        torch::zeros({std::int64_t(views.size())}, torch::kFloat64).index_add(0, viewOfToken, perToken.cpu()).contiguous();
    const double *perView = perViewTensor.data_ptr<double>();
    std::vector<double> ratios;
    for (std::size_t v = base.size(); v < views.size(); ++v)
        ratios.push_back(perView[v] / std::max(perView[views[v].image], 1e-6));
    return ratios;   // in batch tile order: views after the base ones run image by image, tile by tile
}

// router (ViCO stage 2): BCE of p(compress) against loss-ratio labels.
class RouterObjective : public StageObjective {
public:
    explicit RouterObjective(const ObjectiveContext &c)
        : m_c(c), m_teacher(c.model, c.tokenizer), m_labels(c.options.routerPercentile, std::size_t(c.options.routerWindow)) {}

    StepOutcome step(const ImageBatch &batch, int, std::mt19937_64 &) override
    {
        torch::Tensor patches;
        std::vector<double> ratios;
        {
            torch::NoGradGuard noGrad;
            patches = encodePatches(m_c.model, batch);
            ratios = lossRatios(m_teacher, batch, m_c.model.projectTiles(patches, uniformRatios(batch, TileRatio::Quarter)),
                                m_c.model.projectTiles(patches, uniformRatios(batch, TileRatio::Sixteenth)));
        }
        std::vector<float> labels;
        for (double r : ratios)
            labels.push_back(m_labels.label(r) ? 1.0f : 0.0f);
        auto target = torch::tensor(labels).to(patches.device());
        auto p = m_c.model.router()->probabilities(patches).select(1, 0).to(torch::kFloat32);
        auto loss = binaryCrossEntropy(p, target).mean();
        const double agreement = meanOf(p.detach().ge(0.5).to(torch::kFloat32).eq(target).to(torch::kFloat32));
        StepOutcome out{loss,
                        {{"bce", loss.item<double>()},
                         {"tau", m_labels.threshold()},
                         {"compress_labels", meanOf(target)},
                         {"agreement", agreement},
                         {"mean_ratio", std::accumulate(ratios.begin(), ratios.end(), 0.0) / double(ratios.size())}}};
        addLabelSignal(batch, ratios, out.values);
        return out;
    }

    // The router against a random choice of the same number of tiles (half of each image's,
    // rounded down), and the engine's default rule (p ≥ the config's absolute threshold).
    std::map<std::string, double> validate(const TrainingSet &set, std::size_t images, int batchImages) override
    {
        const InternVLModel &model = m_c.model;
        const double threshold = model.config().flashAbsoluteThreshold;
        return overHeldOut(model, set, images, batchImages, [&](const ImageBatch &batch, std::size_t first, MetricSums &sums) {
            const auto patches = encodePatches(model, batch);
            const auto full = model.projectTiles(patches, uniformRatios(batch, TileRatio::Quarter));
            const auto small = model.projectTiles(patches, uniformRatios(batch, TileRatio::Sixteenth));
            const auto probabilities = model.router()->probabilities(patches).select(1, 0).to(torch::kFloat64).cpu().contiguous();
            const std::vector<double> p(probabilities.data_ptr<double>(), probabilities.data_ptr<double>() + probabilities.numel());
            std::vector<ImageView> routed, random, rule;
            double tokens = 0, fullTokens = 0;
            for (std::size_t i = 0; i < batch.images.size(); ++i) {
                const auto n = batch.tileCount(i), base = batch.firstTile[i];
                std::vector<std::int64_t> byP(static_cast<std::size_t>(n)), shuffled(static_cast<std::size_t>(n));
                std::iota(byP.begin(), byP.end(), 0);
                std::iota(shuffled.begin(), shuffled.end(), 0);
                std::stable_sort(byP.begin(), byP.end(), [&](std::int64_t a, std::int64_t b) {
                    return p[std::size_t(base + a)] > p[std::size_t(base + b)];
                });
                std::mt19937_64 rng(m_c.options.seed * 1000003u + first + i);
                std::shuffle(shuffled.begin(), shuffled.end(), rng);
                ImageView r{i, {}}, x{i, {}}, u{i, {}};
                for (std::int64_t t = 0; t < n; ++t) {
                    r.tiles.push_back(full[std::size_t(base + t)]);
                    x.tiles.push_back(full[std::size_t(base + t)]);
                    const bool ruleCompresses = p[std::size_t(base + t)] >= threshold;
                    u.tiles.push_back((ruleCompresses ? small : full)[std::size_t(base + t)]);
                    tokens += double(u.tiles.back().size(0));
                    fullTokens += double(full[std::size_t(base + t)].size(0));
                }
                for (std::int64_t k = 0; k < n / 2; ++k) {
                    r.tiles[std::size_t(byP[std::size_t(k)])] = small[std::size_t(base + byP[std::size_t(k)])];
                    x.tiles[std::size_t(shuffled[std::size_t(k)])] = small[std::size_t(base + shuffled[std::size_t(k)])];
                }
                routed.push_back(std::move(r));
                random.push_back(std::move(x));
                rule.push_back(std::move(u));
            }
            sums.addSequences("full", m_teacher.score(batch, imageViews(batch, full)));
            sums.addSequences("router_half", m_teacher.score(batch, routed));
            sums.addSequences("random_half", m_teacher.score(batch, random));
            sums.addSequences("rule", m_teacher.score(batch, rule));
            sums.add("rule_token_fraction", tokens, fullTokens);
        });
    }

private:
    // The label signal: mean r on the tiles that hold a detail answer (a word, a number, a table
    // cell) and on those that hold only plain answers (bars, colours). Labels carry information
    // only when the first is clearly above the second.
    static void addLabelSignal(const ImageBatch &batch, const std::vector<double> &ratios, std::map<std::string, double> &values)
    {
        double detail = 0, plain = 0;
        int detailTiles = 0, plainTiles = 0;
        for (std::size_t i = 0; i < batch.images.size(); ++i) {
            std::map<int, bool> needsDetail;   // tile -> holds a detail answer
            for (const TrainingQuestion &q : batch.images[i]->questions)
                if (q.tile >= 0 && q.tile < batch.tileCount(i))
                    needsDetail[q.tile] = needsDetail[q.tile] || syntheticCategoryNeedsDetail(q.category);
            for (const auto &[tile, detailed] : needsDetail) {
                const double r = ratios[std::size_t(batch.firstTile[i] + tile)];
                (detailed ? detail : plain) += r;
                ++(detailed ? detailTiles : plainTiles);
            }
        }
        if (detailTiles > 0)
            values["ratio_detail"] = detail / detailTiles;
        if (plainTiles > 0)
            values["ratio_plain"] = plain / plainTiles;
    }

    ObjectiveContext m_c;
    TeacherForcing m_teacher;
    LossRatioLabeler m_labels;
};

// selector (VisionSelector): CE with soft-masked visual tokens + λ(step)·BCE(soft, hard), top-k
// over all visual tokens of the batch (VisionSelector's training recipe, arXiv 2510.16598).
class SelectorObjective : public StageObjective {
public:
    explicit SelectorObjective(const ObjectiveContext &c) : m_c(c), m_teacher(c.model, c.tokenizer) {}

    StepOutcome step(const ImageBatch &batch, int step, std::mt19937_64 &) override
    {
        std::vector<torch::Tensor> tiles;
        {
            torch::NoGradGuard noGrad;
            tiles = m_c.model.projectTiles(encodePatches(m_c.model, batch), uniformRatios(batch, TileRatio::Quarter));
        }
        std::vector<ImageView> views = imageViews(batch, tiles);
        std::vector<torch::Tensor> scores;
        for (const ImageView &v : views)
            scores.push_back(visionSelectorScores(*m_c.selector, torch::cat(v.tiles, 0)));
        auto x = torch::cat(scores, 0);
        const double k = m_c.options.selectorBudget * double(x.size(0));
        auto soft = softTopKMask(x, k);
        auto hard = hardTopKMask(x, std::int64_t(std::llround(k)));
        std::int64_t offset = 0;
        for (ImageView &v : views)
            for (torch::Tensor &tile : v.tiles) {
                tile = tile * soft.narrow(0, offset, tile.size(0)).unsqueeze(1).to(tile.scalar_type());
                offset += tile.size(0);
            }
        const AnswerLogits scored = m_teacher.score(batch, views);
        auto ce = tokenCrossEntropy(scored.logits, scored.targets).mean();
        auto bce = binaryCrossEntropy(soft, hard).mean();
        const double lambda = linearRamp(m_c.options.lambdaStart, m_c.options.lambdaEnd, step, m_c.options.steps);
        return {ce + lambda * bce, {{"ce", ce.item<double>()}, {"mask_bce", bce.item<double>()}, {"lambda", lambda}}};
    }

    // Exact match with the hard top-k the engine applies (kept tokens in order), per image.
    std::map<std::string, double> validate(const TrainingSet &set, std::size_t images, int batchImages) override
    {
        const InternVLModel &model = m_c.model;
        return overHeldOut(model, set, images, batchImages, [&](const ImageBatch &batch, std::size_t, MetricSums &sums) {
            const auto full = model.projectTiles(encodePatches(model, batch), uniformRatios(batch, TileRatio::Quarter));
            const std::vector<ImageView> views = imageViews(batch, full);
            sums.addSequences("full", m_teacher.score(batch, views));
            for (double budget : {0.3, 0.1}) {
                std::vector<ImageView> kept;
                for (const ImageView &v : views) {
                    const auto scores = visionSelectorScores(*m_c.selector, torch::cat(v.tiles, 0));
                    const auto keep = keptCount(budget, int(scores.size(0)));
                    const auto mask = hardTopKMask(scores, keep).to(torch::kBool);
                    ImageView k{v.image, {}};
                    std::int64_t offset = 0;
                    for (const torch::Tensor &tile : v.tiles) {
                        const auto rows = mask.narrow(0, offset, tile.size(0)).nonzero().squeeze(1);
                        k.tiles.push_back(tile.index_select(0, rows));
                        offset += tile.size(0);
                    }
                    kept.push_back(std::move(k));
                }
                char name[32];
                std::snprintf(name, sizeof name, "budget_%.1f", budget);
                sums.addSequences(name, m_teacher.score(batch, kept));
            }
        });
    }

private:
    ObjectiveContext m_c;
    TeacherForcing m_teacher;
};

} // namespace

std::unique_ptr<StageObjective> makeStageObjective(const ObjectiveContext &context)
{
    switch (context.options.stage) {
    case TrainStage::Base: return std::make_unique<BaseObjective>(context);
    case TrainStage::Consistency: return std::make_unique<ConsistencyObjective>(context);
    case TrainStage::Router: return std::make_unique<RouterObjective>(context);
    case TrainStage::Selector: return std::make_unique<SelectorObjective>(context);
    }
    throw std::logic_error("unknown stage");
}

} // namespace tokenscope
