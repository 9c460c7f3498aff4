// SPDX-License-Identifier: MIT
// The workbench's sweep tab: the sample table's models (under QAbstractItemModelTester), the
// interactive figures (hover/click hit-testing, legend toggling), a sweep run from the panel on a
// tiny model shared with the session's asks (results fill in, the GUI thread never stalls > 50 ms,
// a question asked meanwhile is answered before the sweep ends, a clicked point lists its
// samples, an activated sample reaches the canvas), cancel + resume, a model reload that stops the
// sweep, and reopening a folder.

#include "fixtures/random_checkpoint.h"
#include "image/image.h"
#include "inspect_page.h"
#include "main_window.h"
#include "method_panel.h"
#include "model_session.h"
#include "sweep_panel.h"
#include "sweep_plot_view.h"
#include "sweep_records_model.h"
#include "test_support.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTimer>
#include <QtTest/QtTest>

#include <fstream>

using namespace tokenscope;
using namespace tokenscope::widgets;
using tokenscope::test::oneThread;
using tokenscope::test::qPath;

namespace {

constexpr int timeoutMs = 120000;

SampleRecord record(const std::string &method, double budget, const std::string &doc, double score, int kept)
{
    SampleRecord r;
    r.method = method;
    r.budget = budget;
    r.docId = doc;
    r.input = "Question about " + doc + "?";
    r.target = {"red"};
    r.response = score > 0 ? "red" : "blue";
    r.metric = "exact_match";
    r.score = score;
    r.category = doc == "a" ? "colour" : "count";
    r.image = "images/" + doc + ".png";
    r.visualTokens = 16;
    r.keptTokens = kept;
    r.latencyMs = {{"prefill", 10.0 + kept}, {"total", 20.0 + kept}};
    return r;
}

std::vector<SampleRecord> someRecords()
{
    return {record("none", 1.0, "a", 1, 16),  record("none", 1.0, "b", 1, 16),  record("random", 0.5, "a", 1, 8),
            record("random", 0.5, "b", 0, 8), record("random", 0.25, "a", 0, 4), record("random", 0.25, "b", 0, 4)};
}

int lineCount(const std::filesystem::path &file)
{
    std::ifstream in(file);
    int lines = 0;
    for (std::string line; std::getline(in, line);)
        lines += !line.empty();
    return lines;
}

} // namespace

class TestSweepPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void recordsModelsPassTheTester();
    void figuresHitTestAndToggle();
    void sweepRunsWithoutStallingTheGui();
    void cancelKeepsCellsAndRunResumes();
    void reloadingTheModelStopsTheSweep();
    void badInputsReportOneError();
    void corruptManifestIsReported();
    void sampleOpensOnTheCanvas();
    void buttonsKeepTheirPlace();

private:
    void writeDataset(const std::filesystem::path &dir, int samples);
    void startStoppableSweep(SweepPanel &panel, const std::filesystem::path &out);
    void resumesToTheEnd(SweepPanel &panel, const std::filesystem::path &out);

    std::filesystem::path m_dir;
    std::filesystem::path m_model;
    std::filesystem::path m_data;        // 4 samples
    std::filesystem::path m_longData;    // 24 samples: long enough to watch and to cancel
    std::filesystem::path m_finished;    // the folder sweepRunsWithoutStallingTheGui leaves
    std::unique_ptr<ModelSession> m_session;   // the tiny model, shared by sweeps and asks
};

void TestSweepPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    m_dir = test::scratchDir("sweep-panel");
    m_model = m_dir / "tiny";
    writeRandomCheckpoint(m_model, fixtureShape("tiny"), {});
    writeDataset(m_dir / "short", 4);
    m_data = m_dir / "short" / "data.jsonl";
    writeDataset(m_dir / "long", 24);
    m_longData = m_dir / "long" / "data.jsonl";
    m_session = std::make_unique<ModelSession>(oneThread);
    QSignalSpy loaded(m_session.get(), &ModelSession::modelLoaded);
    m_session->loadModel(qPath(m_model));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, timeoutMs);
}

void TestSweepPanel::writeDataset(const std::filesystem::path &dir, int samples)
{
    std::filesystem::create_directories(dir / "images");
    std::ofstream data(dir / "data.jsonl");
    for (int i = 0; i < samples; ++i) {
        const std::string image = "images/img" + std::to_string(i) + ".png";
        writePng(dir / image, test::gradientImage(56 * (1 + i % 3), 56));
        data << R"({"id": "q)" << i << R"(", "image": ")" << image << R"(", "question": "What is in the corner?", )"
             << R"("answers": ["red"], "metric": "exact_match", "category": "corner"})" << '\n';
    }
}

void TestSweepPanel::recordsModelsPassTheTester()
{
    SweepRecordsModel records;
    SweepSamplesProxy proxy;
    proxy.setSourceModel(&records);
    QAbstractItemModelTester recordsTester(&records, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

    std::vector<SampleRecord> all = someRecords();
    records.appendRecords({all.begin(), all.begin() + 2});
    records.appendRecords({all.begin() + 2, all.end()});   // a running sweep's second batch
    QCOMPARE(records.rowCount(), 6);
    QCOMPARE(records.index(2, SweepRecordsModel::KeptTokens).data().toString(), QStringLiteral("8 / 16"));
    QCOMPARE(records.index(2, SweepRecordsModel::KeptPercent).data().toString(), QStringLiteral("50.0"));
    QCOMPARE(records.index(2, SweepRecordsModel::PrefillMs).data(SweepRecordsModel::SortRole).toDouble(), 18.0);

    proxy.setSetting(QStringLiteral("random"), 0.5);
    QCOMPARE(proxy.rowCount(), 2);
    proxy.setText(QStringLiteral("COUNT"));   // category of doc b, case-insensitive
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, SweepRecordsModel::DocId).data().toString(), QStringLiteral("b"));
    proxy.setText({});
    proxy.setSetting({}, 1.0);
    QCOMPARE(proxy.rowCount(), 6);
    // Numbers sort as numbers: kept 16 after kept 4 and 8.
    proxy.sort(SweepRecordsModel::KeptTokens, Qt::AscendingOrder);
    QCOMPARE(proxy.index(0, SweepRecordsModel::KeptTokens).data().toString(), QStringLiteral("4 / 16"));
    QCOMPARE(proxy.index(5, SweepRecordsModel::KeptTokens).data().toString(), QStringLiteral("16 / 16"));
    records.clear();
    QCOMPARE(proxy.rowCount(), 0);
}

void TestSweepPanel::figuresHitTestAndToggle()
{
    const std::vector<SummaryRow> rows = summarize(someRecords());
    QCOMPARE(rows.size(), std::size_t(3));   // none@1, random@0.5, random@0.25
    SweepPlotView view(SweepFigure::ScoreVsKept);
    view.resize(800, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setRows(rows);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto at = view.positionOf(i);
        QVERIFY2(at.has_value(), qPrintable(QString::number(i)));
        QCOMPARE(view.rowAt(*at), std::optional<std::size_t>(i));
        QCOMPARE(view.rowAt(*at + QPointF(4, -3)), std::optional<std::size_t>(i));   // a few pixels off still hits
    }
    QVERIFY(view.describeRow(1).contains(QLatin1String("random at budget 0.5")));
    QVERIFY(view.describeRow(1).contains(QLatin1String("kept tokens 8.0 (50.0%)")));

    QSignalSpy clicked(&view, &SweepPlotView::pointClicked);
    const QPointF random = *view.positionOf(1);
    QTest::mouseClick(view.plotWidget(), Qt::LeftButton, {}, (random - QPointF(view.plotWidget()->pos())).toPoint());
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.at(0).at(0).value<SummaryRow>().budget, 0.5);

    // Hiding a method hides its points from hit-testing too, and survives new rows.
    view.setMethodHidden(QStringLiteral("random"), true);
    QVERIFY(!view.rowAt(random).has_value());
    view.setRows(rows);
    QVERIFY(view.isMethodHidden(QStringLiteral("random")));
    QVERIFY(!view.positionOf(1).has_value());
    QVERIFY(view.positionOf(0).has_value());
    view.setMethodHidden(QStringLiteral("random"), false);
    QVERIFY(view.positionOf(1).has_value());

    const QString png = qPath(m_dir / "figure.png"), pdf = qPath(m_dir / "figure.pdf");
    QVERIFY(view.savePng(png));
    QVERIFY(view.savePdf(pdf));
    QVERIFY(QFileInfo(png).size() > 5000 && QFileInfo(pdf).size() > 1000);
}

void TestSweepPanel::sweepRunsWithoutStallingTheGui()
{
    SweepPanel panel;
    panel.resize(1300, 800);
    panel.show();
    panel.setModel(m_session.get(), qPath(m_model));
    panel.setDataset(qPath(m_longData));
    panel.setMethods({QStringLiteral("none"), QStringLiteral("random"), QStringLiteral("vir+divprune")});
    panel.setBudgets(QStringLiteral("0.5,0.25"));
    m_finished = m_dir / "run";
    std::filesystem::remove_all(m_finished);
    panel.setOutputFolder(qPath(m_finished));

    // The watchdog: gaps between 10-ms timer ticks while the sweep runs on its own thread.
    QElapsedTimer clock;
    clock.start();
    qint64 lastTick = -1, worstGap = 0, runningMs = 0;
    QTimer watchdog;
    watchdog.setInterval(10);
    connect(&watchdog, &QTimer::timeout, &watchdog, [&] {
        const qint64 now = clock.elapsed();
        if (panel.isRunning() && lastTick >= 0) {
            worstGap = std::max(worstGap, now - lastTick);
            runningMs += now - lastTick;
        }
        lastTick = panel.isRunning() ? now : -1;
    });
    watchdog.start();

    QSignalSpy finished(&panel, &SweepPanel::sweepFinished);
    QSignalSpy errors(&panel, &SweepPanel::errorReported);
    QVERIFY(panel.run());
    QVERIFY(panel.isRunning());
    QVERIFY(!panel.run());   // one at a time

    // The sweep shares the session's engine: a question asked once it is under way is answered
    // between two of its cells, long before it ends.
    QTRY_VERIFY_WITH_TIMEOUT(panel.recordsModel()->rowCount() > 0, timeoutMs);
    RunRequest request;
    request.image = std::make_shared<const RgbImage>(test::gradientImage(112, 56));
    request.question = "Which colour is on the left?";
    request.maxNewTokens = 2;
    QSignalSpy answered(m_session.get(), &ModelSession::answerReady);
    QElapsedTimer askClock;
    askClock.start();
    m_session->ask(request);
    QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 1, timeoutMs);
    const qint64 answerMs = askClock.elapsed();
    QVERIFY2(panel.isRunning(), "the answer waited for the whole sweep");

    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, timeoutMs);
    watchdog.stop();
    QCOMPARE(errors.count(), 0);
    qInfo("sweep ran %lld ms; worst GUI timer gap %lld ms; a question asked during it answered in %lld ms", runningMs,
          worstGap, answerMs);
    QVERIFY2(runningMs >= 500, "the sweep was too short to watch");
    QVERIFY2(worstGap <= 50, qPrintable(QStringLiteral("the GUI thread stalled for %1 ms").arg(worstGap)));

    // none@1, random@{.5,.25}, vir+divprune@{.5,.25}: 5 settings x 24 samples, all in the table
    // and in the records file; the summary drew one row per setting.
    QCOMPARE(panel.recordsModel()->rowCount(), 120);
    QCOMPARE(lineCount(m_finished / "records.jsonl"), 120);
    QCOMPARE(panel.summary().size(), std::size_t(5));
    QCOMPARE(panel.figure(0)->rows().size(), std::size_t(5));
    QVERIFY(panel.statusText().startsWith(QLatin1String("Finished")));

    // Clicking a point lists its samples.
    panel.showSamplesOf(QStringLiteral("random"), 0.25);
    QCOMPARE(panel.samplesModel()->rowCount(), 24);
    QSignalSpy activated(&panel, &SweepPanel::sampleActivated);
    Q_EMIT panel.samplesView()->activated(panel.samplesModel()->index(0, 0));
    QCOMPARE(activated.count(), 1);
    QVERIFY(QFileInfo::exists(activated.at(0).at(0).toString()));
    QCOMPARE(activated.at(0).at(2).toString(), QStringLiteral("random"));
    QCOMPARE(activated.at(0).at(3).toDouble(), 0.25);
    // With its reference answers and their metric, which the Inspect page's history scores against.
    QVERIFY(!activated.at(0).at(4).toStringList().isEmpty());
    QVERIFY(!activated.at(0).at(5).toString().isEmpty());

    // Exports: the figures and the summary files.
    QVERIFY(panel.exportFigures(qPath(m_dir / "exported")));
    QVERIFY(QFileInfo::exists(qPath(m_dir / "exported" / "pareto.pdf")));
    QVERIFY(panel.exportSummary(qPath(m_dir / "exported")));
    QVERIFY(QFileInfo(qPath(m_dir / "exported" / "summary.csv")).size() > 100);
    // The sample table as shown: the 24 samples of random@0.25, narrowed by the filter to those
    // whose question or id mentions q1 (q1, q10..q19).
    panel.samplesModel()->setText(QStringLiteral("q1"));
    const int shown = panel.samplesModel()->rowCount();
    QCOMPARE(shown, 11);
    const auto samplesCsv = m_dir / "exported" / "samples.csv";
    QVERIFY(panel.exportSamplesCsv(qPath(samplesCsv)));
    QFile csv(qPath(samplesCsv));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QByteArray text = csv.readAll();
    QVERIFY(text.startsWith("Method,Budget,Sample,Category,Question,Answer,Reference,Score"));
    // One record per shown sample (random answers may hold quoted line breaks: count record starts).
    int records = 0;
    for (const QByteArray &line : text.split('\n'))
        records += line.startsWith("random,0.25,q1");
    QCOMPARE(records, shown);
    QVERIFY(text.endsWith("\r\n"));
    QSignalSpy exportErrors(&panel, &SweepPanel::errorReported);
    QVERIFY(!panel.exportSamplesCsv(qPath(m_dir / "no-such-dir" / "x.csv")));
    QVERIFY(exportErrors.last().at(0).toString().contains(QLatin1String("x.csv: cannot be written")));
    panel.samplesModel()->setText({});

    // The folder opens again for browsing, in a fresh panel: finished reads as finished, and the
    // exports wake up with the data.
    SweepPanel browser;
    const auto exportButton = [&browser] {
        const auto buttons = browser.findChildren<QPushButton *>();
        return *std::find_if(buttons.begin(), buttons.end(), [](const QPushButton *b) {
            return b->text().startsWith(QLatin1String("Export Figures"));
        });
    };
    QVERIFY(!exportButton()->isEnabled());
    QVERIFY(browser.openFolder(qPath(m_finished)));
    QVERIFY(exportButton()->isEnabled());
    QCOMPARE(browser.findChild<QProgressBar *>()->value(), 1000);
    QCOMPARE(browser.recordsModel()->rowCount(), 120);
    QCOMPARE(browser.summary().size(), std::size_t(5));
    QCOMPARE(browser.methods(), (QStringList{QStringLiteral("none"), QStringLiteral("random"), QStringLiteral("vir+divprune")}));
}

// A 48-cell sweep (none and random at 0.5 over the 24 long samples) into `out`, under way.
void TestSweepPanel::startStoppableSweep(SweepPanel &panel, const std::filesystem::path &out)
{
    panel.setModel(m_session.get(), qPath(m_model));
    panel.setDataset(qPath(m_longData));
    panel.setMethods({QStringLiteral("none"), QStringLiteral("random")});
    panel.setBudgets(QStringLiteral("0.5"));
    std::filesystem::remove_all(out);
    panel.setOutputFolder(qPath(out));
    QVERIFY(panel.run());
    QTRY_VERIFY_WITH_TIMEOUT(panel.recordsModel()->rowCount() >= 2, timeoutMs);
}

// After a stopped sweep: its cells are on disk, and running again shows them at once, does not
// run them again, and ends with all 48.
void TestSweepPanel::resumesToTheEnd(SweepPanel &panel, const std::filesystem::path &out)
{
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isRunning(), timeoutMs);
    const int kept = lineCount(out / "records.jsonl");
    QVERIFY2(kept >= 2 && kept < 48, qPrintable(QString::number(kept)));
    QSignalSpy finished(&panel, &SweepPanel::sweepFinished);
    QVERIFY(panel.run());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, timeoutMs);
    QVERIFY2(panel.statusText().contains(QStringLiteral("%1 resumed").arg(kept)), qPrintable(panel.statusText()));
    QCOMPARE(lineCount(out / "records.jsonl"), 48);
    QCOMPARE(panel.recordsModel()->rowCount(), 48);
}

void TestSweepPanel::cancelKeepsCellsAndRunResumes()
{
    SweepPanel panel;
    const auto out = m_dir / "cancelled";
    startStoppableSweep(panel, out);
    if (QTest::currentTestFailed())
        return;
    panel.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isRunning(), timeoutMs);
    QVERIFY2(panel.statusText().startsWith(QLatin1String("Cancelled")), qPrintable(panel.statusText()));
    resumesToTheEnd(panel, out);
}

// Loading a model replaces the engine the sweep runs on: the sweep stops with a message that says
// so, its cells stay on disk, and running it again on the new model resumes them.
void TestSweepPanel::reloadingTheModelStopsTheSweep()
{
    SweepPanel panel;
    QSignalSpy errors(&panel, &SweepPanel::errorReported);
    const auto out = m_dir / "reloaded";
    startStoppableSweep(panel, out);
    if (QTest::currentTestFailed())
        return;
    QSignalSpy loaded(m_session.get(), &ModelSession::modelLoaded);
    m_session->loadModel(qPath(m_model));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, timeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isRunning(), timeoutMs);
    QCOMPARE(errors.count(), 1);
    const QString message = errors.last().at(0).toString();
    QVERIFY2(message.contains(QLatin1String("replaced")) && message.contains(QLatin1String("kept")), qPrintable(message));
    resumesToTheEnd(panel, out);
}

void TestSweepPanel::badInputsReportOneError()
{
    SweepPanel panel;
    QSignalSpy errors(&panel, &SweepPanel::errorReported);
    panel.setDataset(qPath(m_data));
    QVERIFY(!panel.run());   // no model yet
    QVERIFY(errors.last().at(0).toString().contains(QLatin1String("no model")));
    panel.setModel(m_session.get(), qPath(m_model));
    panel.setBudgets(QStringLiteral("0.5,1.5"));
    QVERIFY(!panel.run());
    QVERIFY2(errors.last().at(0).toString().contains(QLatin1String("1.5")), qPrintable(errors.last().at(0).toString()));

    // A malformed dataset line: the sweep fails with the file and line, the panel stays usable.
    const auto bad = m_dir / "bad";
    std::filesystem::create_directories(bad);
    std::ofstream(bad / "data.jsonl") << R"({"id": "x", "image": "none.png", "question": "q?", "answers": ["a"]})" << "\n{ not json\n";
    panel.setBudgets(QStringLiteral("0.5"));
    panel.setDataset(qPath(bad / "data.jsonl"));
    panel.setOutputFolder(qPath(bad / "out"));
    const int before = errors.count();
    QVERIFY(panel.run());
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), before + 1, timeoutMs);
    QVERIFY2(errors.last().at(0).toString().contains(QLatin1String("data.jsonl")), qPrintable(errors.last().at(0).toString()));
    QTRY_VERIFY(!panel.isRunning());

    QVERIFY(!panel.openFolder(qPath(m_dir / "no-such-sweep")));
    QVERIFY(errors.last().at(0).toString().contains(QLatin1String("no-such-sweep")));
}

// A finished sweep whose sweep.json was damaged: the records still open, the error names the file.
void TestSweepPanel::corruptManifestIsReported()
{
    if (m_finished.empty())
        QSKIP("needs the folder of sweepRunsWithoutStallingTheGui");
    const auto copy = m_dir / "corrupt-manifest";
    std::filesystem::remove_all(copy);
    std::filesystem::copy(m_finished, copy, std::filesystem::copy_options::recursive);
    std::ofstream(copy / "sweep.json") << "{ \"dataset\": ";
    SweepPanel panel;
    QSignalSpy errors(&panel, &SweepPanel::errorReported);
    QVERIFY(panel.openFolder(qPath(copy)));
    QCOMPARE(errors.count(), 1);
    QVERIFY2(errors.last().at(0).toString().contains(QLatin1String("sweep.json")), qPrintable(errors.last().at(0).toString()));
    QVERIFY(panel.recordsModel()->rowCount() > 0);

    std::ofstream(copy / "sweep.json") << R"({"dataset": "d.jsonl", "methods": "random"})";
    QVERIFY(panel.openFolder(qPath(copy)));
    QVERIFY2(errors.last().at(0).toString().contains(QLatin1String("wrong type")), qPrintable(errors.last().at(0).toString()));
}

void TestSweepPanel::sampleOpensOnTheCanvas()
{
    if (m_finished.empty())
        QSKIP("needs the folder of sweepRunsWithoutStallingTheGui");
    MainWindow window(oneThread);
    window.setErrorDialogsEnabled(false);
    QSignalSpy model(&window, &MainWindow::modelReady);
    window.openModel(qPath(m_model));
    QTRY_COMPARE_WITH_TIMEOUT(model.count(), 1, timeoutMs);
    window.openSweepFolder(qPath(m_finished));
    QVERIFY(window.isShowingSweeps());
    SweepPanel *panel = window.sweepPanel();
    panel->showSamplesOf(QStringLiteral("vir+divprune"), 0.25);
    QCOMPARE(panel->samplesModel()->rowCount(), 24);

    QSignalSpy applied(window.inspectPage(), &InspectPage::answerApplied);
    Q_EMIT panel->samplesView()->activated(panel->samplesModel()->index(1, 0));
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, timeoutMs);
    QVERIFY(!window.isShowingSweeps());
    QCOMPARE(QString::fromStdString(window.inspectPage()->lastResult()->plan.method), QStringLiteral("vir+divprune"));
    QCOMPARE(window.inspectPage()->lastResult()->plan.budget, 0.25);
    QCOMPARE(window.inspectPage()->methodPanel()->methodName(), QStringLiteral("vir+divprune"));
}

// A status of one line or five: Run and Cancel stay where the pointer expects them.
void TestSweepPanel::buttonsKeepTheirPlace()
{
    SweepPanel panel;
    panel.resize(1280, 720);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    auto *status = panel.findChild<QLabel *>(QStringLiteral("sweepStatus"));
    QVERIFY(status);
    const auto buttons = panel.findChildren<QPushButton *>();
    const QPushButton *run = *std::find_if(
        buttons.begin(), buttons.end(), [](const QPushButton *b) { return b->text() == QLatin1String("Run Sweep"); });
    status->setText(QStringLiteral("1 / 48 cells"));
    QApplication::processEvents();
    const QPoint before = run->mapTo(&panel, QPoint());
    status->setText(QStringLiteral("a\nfive-line\nstatus\nthat grows\nwhile it runs"));
    QApplication::processEvents();
    QCOMPARE(run->mapTo(&panel, QPoint()), before);
}

QTEST_MAIN(TestSweepPanel)
#include "tst_sweep_panel.moc"
