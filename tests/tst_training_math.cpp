// SPDX-License-Identifier: MIT
// The trainer's mathematics against independent references: VisionSelector's differentiable
// Top-K against central finite differences of its own forward pass (float64), the KL and BCE
// terms and the schedules against values computed by hand, the router labeller's percentile
// against numpy.percentile's linear rule, and AdamW against PyTorch's update written out.

#include "common/error.h"
#include "train/adamw.h"
#include "train/losses.h"
#include "train/lr_schedule.h"
#include "train/router_labels.h"
#include "train/soft_topk.h"

#include <QtTest/QtTest>

#include <cmath>

using namespace tokenscope;

class TestTrainingMath : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void softMaskSumsToK()
    {
        torch::manual_seed(3);
        auto x = torch::randn({50}, torch::kFloat64) * 3;
        for (double k : {1.0, 7.5, 25.0, 49.0}) {
            auto mask = softTopKMask(x, k);
            QVERIFY(std::abs(mask.sum().item<double>() - k) < 1e-9);
            QVERIFY(mask.min().item<double>() >= 0 && mask.max().item<double>() <= 1);
        }
        // The mask orders tokens like the scores do.
        auto mask = softTopKMask(x, 10);
        auto byScore = std::get<1>(x.sort(0, true));
        QVERIFY(torch::all(mask.index_select(0, byScore).diff() <= 1e-12).item<bool>());
    }

    void softMaskGradientMatchesFiniteDifferences()
    {
        torch::manual_seed(11);
        auto x = (torch::randn({12}, torch::kFloat64) * 2).requires_grad_(true);
        auto weights = torch::randn({12}, torch::kFloat64);   // a generic downstream loss Σ w_i p_i²
        const double k = 4;
        auto loss = (softTopKMask(x, k).pow(2) * weights).sum();
        loss.backward();
        const auto analytic = x.grad().clone();
        const double h = 1e-6;
        for (int i = 0; i < 12; ++i) {
            auto plus = x.detach().clone(), minus = x.detach().clone();
            plus[i] += h;
            minus[i] -= h;
            const double fp = (softTopKMask(plus, k).pow(2) * weights).sum().item<double>();
            const double fm = (softTopKMask(minus, k).pow(2) * weights).sum().item<double>();
            const double numeric = (fp - fm) / (2 * h);
            QVERIFY2(std::abs(numeric - analytic[i].item<double>()) < 1e-6 * std::max(1.0, std::abs(numeric)),
                     qPrintable(QString("token %1: implicit %2, finite differences %3")
                                    .arg(i).arg(analytic[i].item<double>()).arg(numeric)));
        }
        // Shifting every score leaves the mask unchanged, so the gradient sums to zero.
        QVERIFY(std::abs(analytic.sum().item<double>()) < 1e-9);
    }

    void hardMaskKeepsTheHighestScores()
    {
        auto scores = torch::tensor({0.1, 0.9, -0.3, 0.9, 0.5}, torch::kFloat64);
        auto mask = hardTopKMask(scores, 3);
        QCOMPARE(mask.sum().item<double>(), 3.0);
        QCOMPARE(mask[1].item<double>(), 1.0);
        QCOMPARE(mask[3].item<double>(), 1.0);
        QCOMPARE(mask[4].item<double>(), 1.0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, softTopKMask(scores, 5.0));
    }

    void klDivergenceByHand()
    {
        // p_ref = softmax([0, ln 3]) = (1/4, 3/4); p_θ = softmax([0, 0]) = (1/2, 1/2).
        auto ref = torch::tensor({{0.0, std::log(3.0)}}, torch::kFloat32);
        auto policy = torch::tensor({{0.0, 0.0}}, torch::kFloat32);
        const double expected = 0.25 * std::log(0.25 / 0.5) + 0.75 * std::log(0.75 / 0.5);
        QVERIFY(std::abs(tokenKlDivergence(ref, policy).item<double>() - expected) < 1e-6);
        QVERIFY(std::abs(tokenKlDivergence(ref, ref).item<double>()) < 1e-7);
        // The gradient flows to the policy only: d KL / d z_θ = p_θ − p_ref.
        auto z = policy.clone().requires_grad_(true);
        auto refWithGrad = ref.clone().requires_grad_(true);
        tokenKlDivergence(refWithGrad, z).sum().backward();
        QVERIFY(std::abs(z.grad()[0][0].item<double>() - (0.5 - 0.25)) < 1e-6);
        QVERIFY(!refWithGrad.grad().defined());
    }

    void crossEntropyAndBceByHand()
    {
        auto logits = torch::tensor({{std::log(1.0), std::log(3.0)}}, torch::kFloat32);
        auto target = torch::tensor({int64_t(1)});
        QVERIFY(std::abs(tokenCrossEntropy(logits, target).item<double>() + std::log(0.75)) < 1e-6);

        auto p = torch::tensor({0.8, 0.2, 0.5});
        auto y = torch::tensor({1.0, 1.0, 0.0});
        auto bce = binaryCrossEntropy(p, y);
        QVERIFY(std::abs(bce[0].item<double>() + std::log(0.8)) < 1e-6);
        QVERIFY(std::abs(bce[1].item<double>() + std::log(0.2)) < 1e-6);
        QVERIFY(std::abs(bce[2].item<double>() + std::log(0.5)) < 1e-6);
        // Saturated probabilities give a large finite loss.
        QVERIFY(std::isfinite(binaryCrossEntropy(torch::tensor({0.0f}), torch::tensor({1.0f})).item<double>()));

        auto means = groupMean(torch::tensor({1.0, 3.0, 5.0}), torch::tensor({int64_t(0), int64_t(0), int64_t(1)}), 2);
        QCOMPARE(means[0].item<double>(), 2.0);
        QCOMPARE(means[1].item<double>(), 5.0);
    }

    void scheduleWarmsUpThenDecays()
    {
        const LearningRateSchedule s{1e-3, 10, 110, 0.1};
        QCOMPARE(s.at(0), 1e-4);
        QCOMPARE(s.at(9), 1e-3);
        QVERIFY(std::abs(s.at(10) - 1e-3) < 1e-15);
        QVERIFY(std::abs(s.at(60) - (1e-4 + 0.9e-3 * 0.5)) < 1e-12);   // half-way: cosine at π/2
        QVERIFY(std::abs(s.at(110) - 1e-4) < 1e-15);
        QCOMPARE(linearRamp(0.1, 2.0, 0, 20), 0.1);
        QCOMPARE(linearRamp(0.1, 2.0, 19, 20), 2.0);
        QVERIFY(std::abs(linearRamp(0.1, 2.0, 10, 21) - 1.05) < 1e-12);
    }

    void labellerUsesTheSlidingPercentile()
    {
        LossRatioLabeler labels(25, 4);
        QCOMPARE(labels.threshold(), 1.0);    // nothing seen yet
        QVERIFY(labels.label(0.9));           // 0.9 < 1.0
        QVERIFY(!labels.label(1.2));          // τ = 0.9
        labels.label(1.0);
        labels.label(1.5);                    // window {0.9, 1.2, 1.0, 1.5}
        QVERIFY(std::abs(labels.threshold() - 0.975) < 1e-12);   // numpy.percentile([0.9,1,1.2,1.5], 25)
        labels.label(2.0);                    // 0.9 leaves the window: {1.2, 1.0, 1.5, 2.0}
        QVERIFY(std::abs(labels.threshold() - 1.15) < 1e-12);
        QVERIFY_THROWS_EXCEPTION(tokenscope::Error, LossRatioLabeler(120, 4));
    }

    void adamWMatchesTheWrittenOutUpdate()
    {
        nn::ParameterMap params;
        params["w"] = torch::tensor({{1.0f, -2.0f}}).requires_grad_(true);
        params["b"] = torch::tensor({0.5f}).requires_grad_(true);
        AdamWOptions o;
        o.weightDecay = 0.1;
        AdamW adam(params, {"b", "w"}, o);
        double m = 0, v = 0, w = 1.0;
        for (int step = 1; step <= 3; ++step) {
            auto loss = (params["w"] * params["w"]).sum() * 0.5 + params["b"].sum() * 3;
            loss.backward();
            const double lr = 0.01;
            adam.step(lr);
            adam.zeroGradients();
            // PyTorch AdamW for w[0] (gradient = w): decay, moments, bias-corrected step.
            const double g = w;
            w *= 1 - lr * o.weightDecay;
            m = o.beta1 * m + (1 - o.beta1) * g;
            v = o.beta2 * v + (1 - o.beta2) * g * g;
            const double mHat = m / (1 - std::pow(o.beta1, step)), vHat = v / (1 - std::pow(o.beta2, step));
            w -= lr * mHat / (std::sqrt(vHat) + o.eps);
        }
        QVERIFY(std::abs(params["w"][0][0].item<double>() - w) < 1e-6);
        // Biases are not decayed: three Adam steps of a constant gradient move b by 3 × lr.
        QVERIFY(std::abs(params["b"][0].item<double>() - (0.5 - 0.03)) < 1e-5);
        QCOMPARE(adam.stepCount(), std::int64_t(3));

        // A rate scale of 0 freezes a group; 0.5 halves its steps.
        nn::ParameterMap groups;
        groups["vision_model.w"] = torch::tensor({1.0f}).requires_grad_(true);
        groups["mlp1.w"] = torch::tensor({1.0f}).requires_grad_(true);
        AdamW scaled(groups, {"mlp1.w", "vision_model.w"}, AdamWOptions{});
        scaled.scaleLearningRate("vision_model.", 0.0);
        (groups["vision_model.w"] * 2 + groups["mlp1.w"] * 2).sum().backward();
        scaled.step(0.1);
        QCOMPARE(groups["vision_model.w"].item<float>(), 1.0f);
        QVERIFY(std::abs(groups["mlp1.w"].item<double>() - 0.9) < 1e-6);
    }
};

QTEST_APPLESS_MAIN(TestTrainingMath)
#include "tst_training_math.moc"
