// SPDX-License-Identifier: MIT
// The training-curves figure: one panel per stage, each stage's objective drawn from its log, and
// a clear error for a folder that is not a stage's output.

#include "test_support.h"
#include "training_curves.h"

#include <QImage>
#include <QtTest/QtTest>

#include <fstream>

using namespace tokenscope;

class TestTrainingCurves : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void drawsOnePanelPerStage()
    {
        const auto dir = test::scratchDir("training-curves");
        std::vector<StageLog> stages;
        for (const char *name : {"base", "vico", "router", "selector"}) {
            StageLog log{name, {}, {}, {}};
            for (int step = 10; step <= 100; step += 10)
                log.entries.push_back({step, {{"ce", 3.0 / step}, {"em", step / 100.0}, {"kl", 1.0 / step},
                                              {"bce", 0.7 - step / 1000.0}, {"agreement", 0.5 + step / 400.0},
                                              {"mask_bce", 0.5 - step / 500.0}}});
            stages.push_back(log);
        }
        const QString png = QString::fromStdString((dir / "curves.png").string());
        widgets::renderTrainingCurves(stages, png);
        const QImage image(png);
        QCOMPARE(image.size(), QSize(1000, 680));   // 2 × 2 panels of 500 × 340
        // Every panel drew its objective in the first colour somewhere.
        for (int panel = 0; panel < 4; ++panel) {
            const QRect area((panel % 2) * 500, (panel / 2) * 340, 500, 340);
            bool found = false;
            for (int y = area.top(); y < area.bottom() && !found; y += 1)
                for (int x = area.left(); x < area.right() && !found; x += 1)
                    found = image.pixelColor(x, y) == QColor(0, 114, 178);
            QVERIFY2(found, qPrintable(QStringLiteral("panel %1 has no curve").arg(panel)));
        }
    }

    // Held-out exact match: one panel per stage that logged it, a curve per category; none is an error.
    void drawsTheHeldOutCategories()
    {
        const auto dir = test::scratchDir("held-out-curves");
        StageLog read{"base", {}, "read", {}}, router{"router", {}, "router", {}}, base{"base", {}, "base", {}};
        for (int step = 100; step <= 500; step += 100) {
            read.entries.push_back({step, {{"ce", 1.0}, {"val_full_em/read_word", step / 500.0}, {"val_full_em/compare_bars", 0.5}}});
            router.entries.push_back({step, {{"bce", 0.6}}});
            base.entries.push_back({step, {{"val_full_em/table_cell", 1 - step / 1000.0}}});
        }
        const QString png = QString::fromStdString((dir / "held-out.png").string());
        widgets::renderHeldOutCurves({read, router, base}, png);
        const QImage image(png);
        QCOMPARE(image.size(), QSize(1280, 340));   // two stages evaluated, side by side
        // The first category of each panel is drawn in the first colour (compare_bars, table_cell),
        // the second panel's only category likewise; the first panel also has the second colour.
        auto has = [&](const QRect &area, const QColor &colour) {
            for (int y = area.top(); y < area.bottom(); ++y)
                for (int x = area.left(); x < area.right(); ++x)
                    if (image.pixelColor(x, y) == colour)
                        return true;
            return false;
        };
        QVERIFY(has(QRect(0, 0, 640, 340), QColor(0, 114, 178)));
        QVERIFY(has(QRect(0, 0, 640, 340), QColor(213, 94, 0)));
        QVERIFY(has(QRect(640, 0, 640, 340), QColor(0, 114, 178)));
        QVERIFY(!has(QRect(640, 0, 640, 340), QColor(213, 94, 0)));
        test::expectError([&] { widgets::renderHeldOutCurves({router}, png); }, {QStringLiteral("held-out.png"), QStringLiteral("--eval-every")});
    }

    // A finished stage's folder name and its final held-out evaluation come from train-state.json.
    void readsTheFolderNameAndTheFinalEvaluation()
    {
        const auto dir = test::scratchDir("training-curves-final") / "base3";
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "train-state.json")
            << R"({"stage":"base","complete":true,"step":1500,"validation":{"full_em/read_word":0.95,"full_em":0.6}})";
        std::ofstream(dir / "train-log.jsonl") << "{\"step\":500,\"val_full_em/read_word\":0.5}\n";
        const StageLog log = readStageLog(dir);
        QCOMPARE(log.name, std::string("base3"));
        QCOMPARE(log.stage, std::string("base"));
        QCOMPARE(log.finalValidation.step, 1500);
        QCOMPARE(log.finalValidation.values.at("full_em/read_word"), 0.95);
        // Unfinished: no final evaluation.
        std::ofstream(dir / "train-state.json") << R"({"stage":"base","complete":false,"step":700,"validation":{"full_em":0.6}})";
        QVERIFY(readStageLog(dir).finalValidation.values.empty());
        const QString png = QString::fromStdString((dir / "held-out.png").string());
        widgets::renderHeldOutCurves({log}, png);   // the final point joins the periodic ones
        QVERIFY(QImage(png).size() == QSize(640, 340));
    }

    void aFolderWithoutALogIsNamed()
    {
        const auto dir = test::scratchDir("training-curves-missing");
        test::expectError([&] { readStageLog(dir); }, {QStringLiteral("train-state.json"), QStringLiteral("stage")});
        std::ofstream(dir / "train-state.json") << R"({"stage":"base"})";
        std::ofstream(dir / "train-log.jsonl") << "{\"step\":10,\"ce\":2}\nnot json\n{\"step\":30,\"ce\":1}\n";
        test::expectError([&] { readStageLog(dir); }, {QStringLiteral("train-log.jsonl:2")});
    }
};

QTEST_MAIN(TestTrainingCurves)
#include "tst_training_curves.moc"
