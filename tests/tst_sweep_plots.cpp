// SPDX-License-Identifier: MIT
// Sweep figures rendered headless: all six files appear, the PNGs have the export size and real
// content, and an unwritable directory is reported by name.
#include "common/error.h"
#include "custom_plot.h"
#include "eval/sweep_summary.h"
#include "sweep_figures.h"
#include "sweep_plots.h"
#include "test_support.h"

#include <QImage>
#include <QtTest>

#include <fstream>

using namespace tokenscope;
using tokenscope::test::expectError;
using tokenscope::test::scratchDir;
using tokenscope::widgets::renderSweepPlots;

namespace {

// A small sweep: the reference plus two methods at three budgets, latency growing with budget.
std::vector<SampleRecord> sweepRecords()
{
    std::vector<SampleRecord> records;
    const auto add = [&](const std::string &method, double budget, double quality, double msPerToken) {
        for (int doc = 0; doc < 12; ++doc) {
            SampleRecord record;
            record.method = method;
            record.budget = budget;
            record.docId = std::to_string(doc);
            record.metric = "anls";
            record.score = std::min(1.0, quality + 0.02 * (doc % 5) - 0.04);
            record.visualTokens = 1280;
            record.keptTokens = static_cast<int>(1280 * budget * (method == "vir" ? 0.9 : 1.0));
            const double prefill = 20.0 + msPerToken * record.keptTokens + doc % 3;
            record.latencyMs = {{"prefill", prefill}, {"total", 300.0 + prefill}};
            records.push_back(record);
        }
    };
    add("none", 1.0, 0.86, 0.1);
    for (double budget : {0.5, 0.25, 0.1}) {
        add("visionselector", budget, 0.84 - (0.5 - budget) * 0.2, 0.1);
        add("vir", budget, 0.82 - (0.5 - budget) * 0.5, 0.08);
    }
    return records;
}

const QStringList kFiles{QStringLiteral("score_vs_kept.png"),     QStringLiteral("score_vs_kept.pdf"),
                         QStringLiteral("prefill_vs_budget.png"), QStringLiteral("prefill_vs_budget.pdf"),
                         QStringLiteral("pareto.png"),            QStringLiteral("pareto.pdf")};

int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    return colours.size();
}

} // namespace

class TestSweepPlots : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void writesAllFigures();
    void emptyAndSparseRowsStillRender();
    void unwritableDirectory();
    void figuresReadWell();
};

void TestSweepPlots::writesAllFigures()
{
    const QString dir = QString::fromStdString((scratchDir("sweep_plots") / "figures").string());   // created by the call
    QStringList written;
    renderSweepPlots(summarize(sweepRecords()), dir, &written);

    QCOMPARE(written.size(), kFiles.size());
    for (const QString &name : kFiles) {
        const QString path = QDir(dir).filePath(name);
        QVERIFY2(written.contains(path), qPrintable(path));
        QVERIFY2(QFileInfo(path).size() > 1000, qPrintable(path));
        if (name.endsWith(QLatin1String(".png"))) {
            const QImage image(path);
            QVERIFY2(!image.isNull(), qPrintable(path));
            QCOMPARE(image.size(), QSize(900, 600));
            // Series colours, text and grid: far more than a flat or two-tone image.
            QVERIFY2(distinctColours(image) > 20, qPrintable(path));
        } else {
            QFile pdf(path);
            QVERIFY(pdf.open(QIODevice::ReadOnly));
            QVERIFY(pdf.read(5) == "%PDF-");
        }
    }
}

// No latency, a lone point, NaN intervals: nothing to draw is not an error.
void TestSweepPlots::emptyAndSparseRowsStillRender()
{
    SummaryRow lone;
    lone.method = "none";
    lone.budget = 1.0;
    lone.metric = "anls";
    lone.meanScore = lone.ciLow = lone.ciHigh = 0.5;
    lone.meanKeptFraction = 1.0;
    lone.medianPrefillMs = lone.medianTotalMs = std::nan("");
    lone.ciHigh = std::nan("");
    for (const auto &rows : {std::vector<SummaryRow>{}, std::vector<SummaryRow>{lone}}) {
        const QString dir = QString::fromStdString(scratchDir("sweep_plots_sparse").string());
        QStringList written;
        renderSweepPlots(rows, dir, &written);
        QCOMPARE(written.size(), kFiles.size());
        for (const QString &path : written)
            QVERIFY2(QFileInfo::exists(path), qPrintable(path));
    }
}

void TestSweepPlots::unwritableDirectory()
{
    // Below a regular file: no directory can be made there, even when running as root.
    const auto blocker = scratchDir("sweep_plots_blocked") / "not-a-dir";
    std::ofstream(blocker) << "x";
    const QString dir = QString::fromStdString((blocker / "figures").string());
    expectError([&] { renderSweepPlots(summarize(sweepRecords()), dir, nullptr); }, {dir, QStringLiteral("cannot create")});
}

void TestSweepPlots::figuresReadWell()
{
    // Thirteen methods, as a wide sweep has: the legend sits under the data, colour and marker pairs
    // stay distinct, score axes show [0, 1], and the full-token run is a labelled line.
    std::vector<SampleRecord> records = sweepRecords();
    for (int m = 0; m < 10; ++m)
        for (double budget : {0.5, 0.1}) {
            SampleRecord record;
            record.method = "method" + std::to_string(m);
            record.budget = budget;
            record.docId = "0";
            record.metric = "anls";
            record.score = 0.86;   // equal to the full-token run: it must stay visible
            record.visualTokens = 1280;
            record.keptTokens = static_cast<int>(1280 * budget);
            record.latencyMs = {{"prefill", 30.0}, {"total", 330.0}};
            records.push_back(record);
        }
    const std::vector<SummaryRow> rows = summarize(records);
    QCustomPlot plot;
    plot.resize(900, 600);
    for (widgets::SweepFigure figure : {widgets::SweepFigure::ScoreVsKept, widgets::SweepFigure::Pareto}) {
        widgets::drawSweepFigure(&plot, figure, rows);
        plot.replot();
        QStringList names;
        for (int i = 0; i < plot.legend->itemCount(); ++i)
            if (auto *entry = qobject_cast<QCPPlottableLegendItem *>(plot.legend->item(i)))
                names << entry->plottable()->name();
        QCOMPARE(names.size(), 13 + (figure == widgets::SweepFigure::Pareto ? 1 : 0));
        QVERIFY2(!plot.legend->outerRect().intersects(plot.axisRect()->outerRect()), "the legend covers the data");
        QVERIFY(plot.viewport().contains(plot.legend->outerRect()));   // nothing runs off the figure
        QCOMPARE(plot.yAxis->range().lower, -0.04);
        QCOMPARE(plot.yAxis->range().upper, 1.04);
        QSet<QString> styles;
        for (int i = 0; i < plot.graphCount(); ++i) {
            const QCPScatterStyle style = plot.graph(i)->scatterStyle();
            if (style.shape() != QCPScatterStyle::ssNone)
                styles.insert(plot.graph(i)->pen().color().name() + QString::number(int(style.shape())));
        }
        QCOMPARE(styles.size(), 13);
        bool reference = false;
        for (int i = 0; i < plot.itemCount(); ++i)
            if (auto *label = qobject_cast<QCPItemText *>(plot.item(i)))
                reference = reference || label->text().startsWith(QLatin1String("every token (none)"));
        QVERIFY(reference);
    }

    // A series switched off in the workbench leaves the exported figure's legend.
    widgets::drawSweepFigure(&plot, widgets::SweepFigure::ScoreVsKept, rows);
    widgets::showSeries(&plot, {QStringLiteral("vir")}, widgets::HiddenSeries::Dropped);
    QVERIFY(!plot.legend->hasItemWithPlottable(plot.graph(11)));   // vir: 12th in summary order
    QCOMPARE(plot.graph(11)->name(), QStringLiteral("vir"));
    QVERIFY(plot.legend->hasItemWithPlottable(plot.graph(12)));
}

QTEST_MAIN(TestSweepPlots)
#include "tst_sweep_plots.moc"
