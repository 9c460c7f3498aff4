// SPDX-License-Identifier: MIT
// The ViR router's forward pass against a plain-loop re-computation of the released module
// (nn.MultiheadAttention with packed in_proj q|k|v, 16 heads; pooling runs attn1 once and attn2
// three times; four residual gate blocks ending in LayerNorm; LayerNorm → Linear(C→2) → softmax).

#include "model/router.h"

#include <QtTest/QtTest>

#include <cmath>

using namespace tokenscope;

class TestRouter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesLoopReference();
    void unusedBlocksDoNotMatter();
};

namespace {

constexpr int kWidth = 32, kTokens = 5, kHeads = 16;

nn::ParameterMap randomRouter(int seed)
{
    torch::manual_seed(seed);
    nn::ParameterMap p;
    const std::string pool = "pooling_before_gating.";
    p[pool + "query_token"] = torch::randn({1, kWidth});
    for (int k = 1; k <= 4; ++k) {
        const std::string a = pool + "attn" + std::to_string(k) + ".";
        p[a + "in_proj_weight"] = torch::randn({3 * kWidth, kWidth}) * 0.3;
        p[a + "in_proj_bias"] = torch::randn({3 * kWidth}) * 0.1;
        p[a + "out_proj.weight"] = torch::randn({kWidth, kWidth}) * 0.3;
        p[a + "out_proj.bias"] = torch::randn({kWidth}) * 0.1;
        p[pool + "norm" + std::to_string(k) + ".weight"] = 1 + torch::randn({kWidth}) * 0.1;
        p[pool + "norm" + std::to_string(k) + ".bias"] = torch::randn({kWidth}) * 0.1;
    }
    for (int k = 1; k <= 4; ++k) {
        const std::string b = "gating.block" + std::to_string(k) + ".";
        p[b + "0.weight"] = torch::randn({4 * kWidth, kWidth}) * 0.2;
        p[b + "0.bias"] = torch::randn({4 * kWidth}) * 0.1;
        p[b + "3.weight"] = torch::randn({kWidth, 4 * kWidth}) * 0.2;
        p[b + "3.bias"] = torch::randn({kWidth}) * 0.1;
        p[b + "5.weight"] = 1 + torch::randn({kWidth}) * 0.1;
        p[b + "5.bias"] = torch::randn({kWidth}) * 0.1;
    }
    p["gating.gate.0.weight"] = 1 + torch::randn({kWidth}) * 0.1;
    p["gating.gate.0.bias"] = torch::randn({kWidth}) * 0.1;
    p["gating.gate.1.weight"] = torch::randn({2, kWidth});
    p["gating.gate.1.bias"] = torch::randn({2});
    return p;
}

using Vec = std::vector<double>;
using Mat = std::vector<Vec>;

Vec row(const torch::Tensor &t) { auto c = t.to(torch::kFloat64).contiguous(); return Vec(c.data_ptr<double>(), c.data_ptr<double>() + c.numel()); }
Mat matrix(const torch::Tensor &t) { Mat m; for (int64_t i = 0; i < t.size(0); ++i) m.push_back(row(t[i])); return m; }

Vec affine(const Mat &w, const Vec &b, const Vec &x, std::size_t offset = 0, std::size_t rows = 0)
{
    rows = rows ? rows : w.size();
    Vec y(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        double s = b[offset + r];
        for (std::size_t c = 0; c < x.size(); ++c)
            s += w[offset + r][c] * x[c];
        y[r] = s;
    }
    return y;
}

Vec layerNorm(const Vec &x, const Vec &g, const Vec &b)
{
    double mean = 0, var = 0;
    for (double v : x) mean += v;
    mean /= double(x.size());
    for (double v : x) var += (v - mean) * (v - mean);
    var /= double(x.size());
    Vec y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        y[i] = (x[i] - mean) / std::sqrt(var + 1e-5) * g[i] + b[i];
    return y;
}

double gelu(double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }

// One query attending over the tile's tokens, as nn.MultiheadAttention computes it.
Vec attend(const nn::ParameterMap &p, int block, const Vec &query, const Mat &tokens)
{
    const std::string a = "pooling_before_gating.attn" + std::to_string(block) + ".";
    const Mat w = matrix(p.at(a + "in_proj_weight"));
    const Vec b = row(p.at(a + "in_proj_bias"));
    const Vec q = affine(w, b, query, 0, kWidth);
    Mat k, v;
    for (const Vec &t : tokens) {
        k.push_back(affine(w, b, t, kWidth, kWidth));
        v.push_back(affine(w, b, t, 2 * kWidth, kWidth));
    }
    const int d = kWidth / kHeads;
    Vec out(kWidth, 0.0);
    for (int h = 0; h < kHeads; ++h) {
        Vec scores;
        double maxScore = -1e300;
        for (const Vec &kt : k) {
            double s = 0;
            for (int i = 0; i < d; ++i)
                s += q[h * d + i] * kt[h * d + i];
            scores.push_back(s / std::sqrt(double(d)));
            maxScore = std::max(maxScore, scores.back());
        }
        double total = 0;
        for (double &s : scores) total += (s = std::exp(s - maxScore));
        for (std::size_t j = 0; j < v.size(); ++j)
            for (int i = 0; i < d; ++i)
                out[h * d + i] += scores[j] / total * v[j][h * d + i];
    }
    const Vec y = affine(matrix(p.at(a + "out_proj.weight")), row(p.at(a + "out_proj.bias")), out);
    const std::string n = "pooling_before_gating.norm" + std::to_string(block) + ".";
    return layerNorm(y, row(p.at(n + "weight")), row(p.at(n + "bias")));
}

Vec referenceProbabilities(const nn::ParameterMap &p, const Mat &tokens)
{
    Vec x = attend(p, 1, row(p.at("pooling_before_gating.query_token")[0]), tokens);
    for (int i = 0; i < 3; ++i)
        x = attend(p, 2, x, tokens);
    for (int k = 1; k <= 4; ++k) {
        const std::string b = "gating.block" + std::to_string(k) + ".";
        Vec h = affine(matrix(p.at(b + "0.weight")), row(p.at(b + "0.bias")), x);
        for (double &v : h) v = gelu(v);
        h = layerNorm(affine(matrix(p.at(b + "3.weight")), row(p.at(b + "3.bias")), h), row(p.at(b + "5.weight")),
                      row(p.at(b + "5.bias")));
        for (std::size_t i = 0; i < x.size(); ++i) x[i] += h[i];
    }
    x = layerNorm(x, row(p.at("gating.gate.0.weight")), row(p.at("gating.gate.0.bias")));
    const Vec logits = affine(matrix(p.at("gating.gate.1.weight")), row(p.at("gating.gate.1.bias")), x);
    const double m = std::max(logits[0], logits[1]);
    const double e0 = std::exp(logits[0] - m), e1 = std::exp(logits[1] - m);
    return {e0 / (e0 + e1), e1 / (e0 + e1)};
}

} // namespace

void TestRouter::matchesLoopReference()
{
    const nn::ParameterMap params = randomRouter(3);
    const VisualResolutionRouter router(params, kWidth);
    torch::NoGradGuard noGrad;
    const auto tiles = torch::randn({3, kTokens, kWidth});
    const auto probs = router.probabilities(tiles);
    QCOMPARE(probs.sizes().vec(), (std::vector<int64_t>{3, 2}));
    for (int t = 0; t < 3; ++t) {
        const Vec expected = referenceProbabilities(params, matrix(tiles[t]));
        for (int c = 0; c < 2; ++c)
            QVERIFY2(std::abs(probs[t][c].item<double>() - expected[c]) < 1e-5,
                     qPrintable(QString("tile %1: %2 vs %3").arg(t).arg(probs[t][c].item<double>()).arg(expected[c])));
    }
}

void TestRouter::unusedBlocksDoNotMatter()
{
    // Released checkpoints carry attn3/attn4/norm3/norm4 but their forward never runs them.
    nn::ParameterMap params = randomRouter(5);
    torch::NoGradGuard noGrad;
    const auto tiles = torch::randn({2, kTokens, kWidth});
    const auto before = VisualResolutionRouter(params, kWidth).probabilities(tiles);
    params["pooling_before_gating.attn3.in_proj_weight"] = torch::randn({3 * kWidth, kWidth});
    params["pooling_before_gating.norm4.weight"] = torch::randn({kWidth});
    const auto after = VisualResolutionRouter(params, kWidth).probabilities(tiles);
    QVERIFY(torch::equal(before, after));
    // …while attn2 is used (three times).
    params["pooling_before_gating.attn2.out_proj.bias"] = torch::randn({kWidth});
    QVERIFY(!torch::allclose(before, VisualResolutionRouter(params, kWidth).probabilities(tiles)));
}

QTEST_APPLESS_MAIN(TestRouter)
#include "tst_router.moc"
