// SPDX-License-Identifier: MIT
// The first GUI end to end on a tiny random checkpoint: load, ask, draw the plan, count tokens,
// drop stale results, cancel, report bad inputs once and keep going, stay responsive while the
// model thread works, and export the overlay and timing chart without a window.

#include "dropped_path.h"
#include "fixtures/random_checkpoint.h"
#include "headless_export.h"
#include "image/image.h"
#include "image_canvas.h"
#include "image_conversion.h"
#include "inspect_page.h"
#include "main_window.h"
#include "model_session.h"
#include "overlay_painter.h"
#include "result_text.h"
#include "stage_timing_chart.h"
#include "test_support.h"

#include <QAction>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTimer>
#include <QtTest/QtTest>

#include <fstream>

using namespace tokenscope;
using tokenscope::test::gradientImage;
using namespace tokenscope::widgets;
using tokenscope::test::oneThread;
using tokenscope::test::qPath;

namespace {

constexpr int modelTimeoutMs = 60000;   // a loaded 2-core CI machine can be slow


} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void askDrawsThePlanAndCountsTokens();
    void sessionDeliversProgressAndGenerations();
    void staleResultsAreDropped();
    void cancelStopsTheRun_data();
    void cancelStopsTheRun();
    void badInputsReportOneError_data();
    void badInputsReportOneError();
    void aFailedFirstLoadOffersTheDemoModel();
    void guiStaysResponsiveWhileRunning();
    void overlayDrawsGridButNotThumbnail();
    void headlessExportWritesPngs();
    void headlessExportReportsBadModel();
    void dropsAreClassified();

private:
    // Loads the tiny model and an image into `window` and waits for both.
    void prepare(MainWindow &window, const std::filesystem::path &image);

    std::filesystem::path m_dir;
    std::filesystem::path m_model;
    std::filesystem::path m_wide;      // 112×56: a 2×1 grid + thumbnail at 56-px tiles
    std::filesystem::path m_large;     // more tiles, for the responsiveness check
    std::filesystem::path m_corrupt;
    std::filesystem::path m_badModel;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);   // settings go to a test location, not the user's
    QSettings().clear();
    m_dir = test::scratchDir("mainwindow");
    m_model = m_dir / "tiny";
    writeRandomCheckpoint(m_model, fixtureShape("tiny"), {});
    m_wide = m_dir / "wide.png";
    writePng(m_wide, gradientImage(112, 56));
    m_large = m_dir / "large.png";
    writePng(m_large, gradientImage(168, 112));
    m_corrupt = m_dir / "corrupt.png";
    std::ofstream(m_corrupt, std::ios::binary) << "\x89PNG\r\n\x1a\nnot really a png";
    m_badModel = m_dir / "bad-model";
    std::filesystem::create_directories(m_badModel);
    std::ofstream(m_badModel / "config.json") << "{ this is not json";
}

void TestMainWindow::prepare(MainWindow &window, const std::filesystem::path &image)
{
    window.setErrorDialogsEnabled(false);
    QSignalSpy model(&window, &MainWindow::modelReady);
    QSignalSpy ready(window.inspectPage(), &InspectPage::imageReady);
    window.openModel(qPath(m_model));
    window.openImage(qPath(image));
    QTRY_COMPARE_WITH_TIMEOUT(model.count(), 1, modelTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, modelTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), modelTimeoutMs);
    QVERIFY(window.inspectPage()->canAsk());
    window.setQuestion(QStringLiteral("What colour is the left half?"));
}

void TestMainWindow::askDrawsThePlanAndCountsTokens()
{
    MainWindow window(oneThread);
    window.setErrorDialogsEnabled(false);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(!window.inspectPage()->canAsk());
    QCOMPARE(window.ask(), quint64(0));   // no model, no image: nothing is asked

    QSignalSpy errors(&window, &MainWindow::errorReported);
    prepare(window, m_wide);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(window.inspectPage()->modelText().contains(QLatin1String("Qwen3ForCausalLM")),
             qPrintable(window.inspectPage()->modelText()));
    QVERIFY(window.inspectPage()->modelText().contains(QLatin1String("flash yes")));
    QVERIFY(window.inspectPage()->modelText().contains(QLatin1String("cpu, fp32, threads 1")));

    QSignalSpy applied(window.inspectPage(), &InspectPage::answerApplied);
    const quint64 generation = window.ask();
    QVERIFY(generation > 0);
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, modelTimeoutMs);
    QCOMPARE(applied.at(0).at(0).toULongLong(), generation);
    QCOMPARE(window.inspectPage()->appliedGeneration(), generation);
    QVERIFY(window.inspectPage()->lastResult().has_value());
    const RunResult &result = *window.inspectPage()->lastResult();

    // The canvas shows the plan of this answer: 2×1 grid + thumbnail.
    ImageCanvas *canvas = window.inspectPage()->canvas();
    QCOMPARE(canvas->tileCount(), 3);
    QVERIFY(canvas->plan()->tiles[2].thumbnail);
    QCOMPARE(canvas->plan()->tiles[1].col, 1);

    // The token line is the plan's numbers.
    const CompressionPlan &plan = *canvas->plan();
    int sent = 0;
    for (const TilePlan &tile : plan.tiles)
        sent += tile.tokenCount;
    QCOMPARE(plan.tokensSent, sent);
    QCOMPARE(plan.tokensBeforeCompression, 12);
    const QString expected = QStringLiteral("visual tokens %1 / 12 (%2%), prompt %3")
                                 .arg(sent)
                                 .arg(100.0 * sent / 12, 0, 'f', 1)
                                 .arg(result.promptTokens);
    QCOMPARE(window.inspectPage()->tokenCountText(), expected);
    QCOMPARE(window.inspectPage()->tokenCountText(), describeTokenCounts(result));
    if (!QString::fromStdString(result.answer).trimmed().isEmpty())
        QCOMPARE(window.inspectPage()->answerText(), QString::fromStdString(result.answer));
    else   // random weights may answer whitespace only; the view says so instead of staying blank
        QVERIFY(!window.inspectPage()->answerText().isEmpty());
    QVERIFY(window.inspectPage()->timingChart()->hasTimings());
    // The line under the bars says what these tokens can save at most (analytic FLOPs).
    const QString bound = window.inspectPage()->timingChart()->boundText();
    QVERIFY2(result.flops.prefillBound() > 1.005 ? bound.contains(QStringLiteral("%1%").arg(qRound(100 * result.flops.encoderShare())))
                                                 : bound.contains(QStringLiteral("cannot speed")),
             qPrintable(bound));
    QCOMPARE(errors.count(), 0);

    // Hover: the left half is tile 0, the right half tile 1; the thumbnail is never hit.
    const QRectF image = canvas->imageRect();
    QVERIFY(!image.isEmpty());
    QCOMPARE(canvas->tileIndexAt(QPointF(image.left() + image.width() * 0.25, image.center().y())), 0);
    QCOMPARE(canvas->tileIndexAt(QPointF(image.left() + image.width() * 0.75, image.center().y())), 1);
    QCOMPARE(canvas->tileIndexAt(QPointF(image.left() - 3, image.top() - 3)), -1);
    const QString tip = canvas->tileToolTip(1);
    QVERIFY2(tip.contains(QLatin1String("Tile 1")) && tip.contains(QLatin1String("column 1, row 0")), qPrintable(tip));
    QVERIFY(tip.contains(QLatin1String(tileRatioName(plan.tiles[1].ratio))));
    QVERIFY(tip.contains(QStringLiteral("p(compress) %1").arg(plan.tiles[1].compressProbability, 0, 'f', 3)));
    QVERIFY(tip.contains(QStringLiteral("tokens %1").arg(plan.tiles[1].tokenCount)));

    // A screenshot for the README.
    const QString shot = qPath(test::scratchDir("mainwindow-screenshot") / "main-window.png");
    QVERIFY(window.grab().save(shot, "PNG"));
    qInfo("screenshot: %s", qPrintable(shot));
}

void TestMainWindow::sessionDeliversProgressAndGenerations()
{
    ModelSession session(oneThread);
    QSignalSpy loaded(&session, &ModelSession::modelLoaded);
    QSignalSpy busy(&session, &ModelSession::busyChanged);
    const quint64 load = session.loadModel(qPath(m_model));
    QVERIFY(session.isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, modelTimeoutMs);
    QCOMPARE(loaded.at(0).at(0).value<ModelInfo>().tokensPerTileFull, 4);

    QSignalSpy progress(&session, &ModelSession::progress);
    QSignalSpy answers(&session, &ModelSession::answerReady);
    RunRequest request;
    request.imagePath = m_wide;
    request.question = "Describe the image.";
    request.maxNewTokens = 4;
    const quint64 ask = session.ask(request);
    QVERIFY(ask > load);
    QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, modelTimeoutMs);
    QCOMPARE(answers.at(0).at(0).toULongLong(), ask);
    QCOMPARE(answers.at(0).at(1).value<RunResult>().plan.tiles.size(), std::size_t(3));
    QTRY_VERIFY(!session.isBusy());

    // Throttled, yet the run's progress arrives for this generation and ends at 1.
    QVERIFY(progress.count() >= 1);
    QCOMPARE(progress.last().at(0).toULongLong(), ask);
    QCOMPARE(progress.last().at(1).toDouble(), 1.0);
    // busy went on for the load, off, on for the ask, off: never on twice in a row.
    QVERIFY(busy.count() >= 2);
    QCOMPARE(busy.last().at(0).toBool(), false);
}

void TestMainWindow::staleResultsAreDropped()
{
    MainWindow window(oneThread);
    prepare(window, m_wide);
    if (QTest::currentTestFailed())
        return;
    QSignalSpy answers(window.session(), &ModelSession::answerReady);
    QSignalSpy stale(window.session(), &ModelSession::staleResultDropped);
    QSignalSpy applied(window.inspectPage(), &InspectPage::answerApplied);

    const quint64 first = window.ask();
    const quint64 second = window.ask();
    QVERIFY(second > first);
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, modelTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), modelTimeoutMs);
    QTRY_COMPARE(stale.count(), 1);

    QCOMPARE(stale.at(0).at(0).toULongLong(), first);
    QCOMPARE(answers.count(), 1);
    QCOMPARE(answers.at(0).at(0).toULongLong(), second);
    QCOMPARE(window.inspectPage()->appliedGeneration(), second);
}

void TestMainWindow::cancelStopsTheRun_data()
{
    QTest::addColumn<bool>("waitForProgress");
    QTest::newRow("before it starts") << false;
    QTest::newRow("while it runs") << true;
}

void TestMainWindow::cancelStopsTheRun()
{
    QFETCH(bool, waitForProgress);
    MainWindow window(oneThread);
    prepare(window, m_large);
    if (QTest::currentTestFailed())
        return;
    QSignalSpy cancelled(window.session(), &ModelSession::cancelled);
    QSignalSpy answers(window.session(), &ModelSession::answerReady);

    // "While it runs": cancel from the first progress report, which the session delivers before
    // the run's outcome (same queue), so the run is underway or just done but not yet shown.
    QMetaObject::Connection cancelOnProgress;
    if (waitForProgress)
        cancelOnProgress = connect(window.session(), &ModelSession::progress, &window, &MainWindow::cancel);
    const quint64 generation = window.ask();
    if (!waitForProgress)
        window.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, modelTimeoutMs);
    QCOMPARE(cancelled.at(0).at(0).toULongLong(), generation);
    disconnect(cancelOnProgress);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), modelTimeoutMs);
    QCOMPARE(answers.count(), 0);
    QVERIFY(!window.inspectPage()->lastResult().has_value());

    // Cancel is not sticky: the next question is answered.
    const quint64 next = window.ask();
    QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, modelTimeoutMs);
    QCOMPARE(answers.at(0).at(0).toULongLong(), next);
    QCOMPARE(cancelled.count(), 1);
}

void TestMainWindow::badInputsReportOneError_data()
{
    QTest::addColumn<bool>("isModel");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("corrupt image") << false << qPath(m_corrupt) << "corrupt.png";
    QTest::newRow("missing image") << false << qPath(m_dir / "nope.jpg") << "nope.jpg";
    QTest::newRow("bad model folder") << true << qPath(m_badModel) << "bad-model";
    QTest::newRow("missing model folder") << true << qPath(m_dir / "no-model") << "no-model";
}

void TestMainWindow::badInputsReportOneError()
{
    QFETCH(bool, isModel);
    QFETCH(QString, path);
    QFETCH(QString, fragment);
    MainWindow window(oneThread);
    prepare(window, m_wide);
    if (QTest::currentTestFailed())
        return;
    QSignalSpy errors(&window, &MainWindow::errorReported);
    if (isModel)
        window.openModel(path);
    else
        window.openImage(path);
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, modelTimeoutMs);
    const QString message = errors.at(0).at(0).toString();
    QVERIFY2(message.contains(fragment), qPrintable(message));
    QCOMPARE(window.inspectPage()->errorText(), message);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), modelTimeoutMs);
    QTest::qWait(100);
    QCOMPARE(errors.count(), 1);   // one message, not one per layer

    // The window keeps the previous model and image, and the next request works.
    QVERIFY(window.inspectPage()->canAsk());
    QSignalSpy applied(window.inspectPage(), &InspectPage::answerApplied);
    const quint64 generation = window.ask();
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, modelTimeoutMs);
    QCOMPARE(applied.at(0).at(0).toULongLong(), generation);
    QCOMPARE(window.inspectPage()->canvas()->tileCount(), 3);
    QVERIFY(window.inspectPage()->errorText().isEmpty());
    QCOMPARE(errors.count(), 1);
}

void TestMainWindow::aFailedFirstLoadOffersTheDemoModel()
{
    // A folder that is not a model (a bad --model at start): the message says what a model folder
    // holds and, with no model loaded, points at the demo model; File offers it.
    MainWindow window(oneThread);
    window.setErrorDialogsEnabled(false);
    QSignalSpy errors(&window, &MainWindow::errorReported);
    const auto notAModel = test::scratchDir("mainwindow-not-a-model");
    window.openModel(QString::fromStdString(notAModel.string()));
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, modelTimeoutMs);
    const QString message = errors.at(0).at(0).toString();
    QVERIFY2(message.contains(QLatin1String("is not a model folder")) &&
                 message.contains(QLatin1String("config.json")) && message.contains(QLatin1String("Open Demo Model")),
             qPrintable(message));
    QSignalSpy ready(&window, &MainWindow::modelReady);
    const QList<QAction *> actions = window.findChildren<QAction *>();
    const auto demo = std::find_if(actions.begin(), actions.end(), [](const QAction *a) {
        return a->text().remove(u'&') == QLatin1String("Open Demo Model");
    });
    QVERIFY(demo != actions.end());
    (*demo)->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, modelTimeoutMs);
}

void TestMainWindow::guiStaysResponsiveWhileRunning()
{
    // The demo-scale shape (112-px tiles) makes loading and running take long enough to measure.
    const auto demo = test::scratchDir("mainwindow-demo");
    writeRandomCheckpoint(demo, fixtureShape("demo"), {});
    MainWindow window(oneThread);
    window.setErrorDialogsEnabled(false);
    QVERIFY(window.setMethod(QStringLiteral("none"), 1.0));
    window.setQuestion(QStringLiteral("What is in the image?"));
    window.show();

    // Gaps between timer ticks that both fell inside model work (loading included).
    QElapsedTimer clock;
    clock.start();
    qint64 lastTick = -1;
    qint64 worstGap = 0;
    qint64 busyMs = 0;
    QTimer ticker;
    ticker.setInterval(10);
    connect(&ticker, &QTimer::timeout, &ticker, [&] {
        const qint64 now = clock.elapsed();
        if (window.isBusy() && lastTick >= 0) {
            worstGap = std::max(worstGap, now - lastTick);
            busyMs += now - lastTick;
        }
        lastTick = window.isBusy() ? now : -1;
    });
    ticker.start();

    QSignalSpy ready(&window, &MainWindow::modelReady);
    window.openModel(qPath(demo));
    window.openImage(qPath(m_large));
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, modelTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(window.inspectPage()->canAsk() && !window.isBusy(), modelTimeoutMs);
    QSignalSpy applied(window.inspectPage(), &InspectPage::answerApplied);
    for (int run = 0; run < 5 && busyMs < 1500; ++run) {
        window.ask();
        QTRY_COMPARE_WITH_TIMEOUT(applied.count(), run + 1, modelTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), modelTimeoutMs);
    }
    ticker.stop();
    qInfo("observed %lld ms of model work, worst GUI timer gap %lld ms", busyMs, worstGap);
    QVERIFY2(busyMs >= 300, "the model work was too short to measure anything");
    QVERIFY2(worstGap < 200, qPrintable(QStringLiteral("GUI thread stalled for %1 ms").arg(worstGap)));
}

void TestMainWindow::overlayDrawsGridButNotThumbnail()
{
    // Two tiles side by side plus a thumbnail: tile 0 kept, tile 1 and the thumbnail compressed.
    const QImage grey = [] {
        QImage image(200, 100, QImage::Format_RGB32);
        image.fill(QColor(128, 128, 128));
        return image;
    }();
    CompressionPlan plan;
    plan.tiles.resize(3);
    plan.tiles[0] = {0, 0, 0, false, {0, 0, 100, 100}, TileRatio::Quarter, 0.2, 2, 0, 4};
    plan.tiles[1] = {1, 1, 0, false, {100, 0, 100, 100}, TileRatio::Sixteenth, 0.9, 1, 4, 1};
    plan.tiles[2] = {2, -1, -1, true, {0, 0, 200, 100}, TileRatio::Sixteenth, 0.8, 1, 5, 1};
    plan.tokensBeforeCompression = 12;
    plan.tokensSent = 6;

    const QImage drawn = OverlayPainter::render(grey, &plan);
    QCOMPARE(drawn.width(), 200);
    QVERIFY(drawn.height() > 100);   // the legend strip under the image
    // Tile centres are tinted with their own ratio's colour (blue vs orange): the thumbnail,
    // drawn last over everything, would have made them the same.
    const QColor left = drawn.pixelColor(50, 50);
    const QColor right = drawn.pixelColor(150, 50);
    QVERIFY2(left.blue() > left.red(), qPrintable(left.name()));
    QVERIFY2(right.red() > right.blue(), qPrintable(right.name()));

    const QImage plain = OverlayPainter::render(grey, nullptr);
    QCOMPARE(plain.size(), grey.size());
    QCOMPARE(plain.pixelColor(50, 50), QColor(128, 128, 128));
}

void TestMainWindow::headlessExportWritesPngs()
{
    ExportRequest request;
    request.modelDir = m_model;
    request.imagePath = m_wide;
    request.question = "What colour is the left half?";
    request.maxNewTokens = 6;
    request.compute = oneThread;
    request.outDir = test::scratchDir("mainwindow-export") / "out";
    const ExportResult result = exportRun(request);

    QCOMPARE(result.written.size(), std::size_t(4));
    for (const auto &path : result.written)
        QVERIFY2(std::filesystem::file_size(path) > 0, path.c_str());
    QCOMPARE(result.run.plan.tiles.size(), std::size_t(3));

    // overlay.png: the 2:1 image scaled up to a legible 800×400 plus the legend strip.
    const QImage overlay(qPath(request.outDir / "overlay.png"));
    QVERIFY(!overlay.isNull());
    QCOMPARE(overlay.width(), 800);
    QVERIFY(overlay.height() > 400 && overlay.height() < 600);
    const QImage source = toQImage(decodeImageFile(m_wide));
    const QImage plain = OverlayPainter::render(source, nullptr, QSize(800, 400)).convertToFormat(QImage::Format_RGB32);
    const QImage gridArea = overlay.copy(0, 0, 800, 400).convertToFormat(QImage::Format_RGB32);
    int differing = 0;
    for (int y = 0; y < 400; y += 4)
        for (int x = 0; x < 800; x += 4)
            differing += gridArea.pixel(x, y) != plain.pixel(x, y);
    QVERIFY2(differing > 20000 / 2, qPrintable(QStringLiteral("only %1 sampled pixels differ").arg(differing)));

    const QImage stages(qPath(request.outDir / "stages.png"));
    QCOMPARE(stages.size(), QSize(720, 360));

    QFile json(qPath(request.outDir / "result.json"));
    QVERIFY(json.open(QIODevice::ReadOnly));
    const QJsonObject object = QJsonDocument::fromJson(json.readAll()).object();
    QCOMPARE(object.value(QLatin1String("answer")).toString(), QString::fromStdString(result.run.answer));
}

void TestMainWindow::headlessExportReportsBadModel()
{
    ExportRequest request;
    request.modelDir = m_badModel;
    request.imagePath = m_wide;
    request.question = "Anything?";
    request.outDir = test::scratchDir("mainwindow-export-bad");
    test::expectError([&] { exportRun(request); }, {QStringLiteral("bad-model")});
}

void TestMainWindow::dropsAreClassified()
{
    QMimeData folder;
    folder.setUrls({QUrl::fromLocalFile(qPath(m_model))});
    QCOMPARE(classifyDrop(&folder).kind, DroppedPath::Kind::ModelFolder);
    QMimeData file;
    file.setUrls({QUrl(QStringLiteral("https://example.org/x.png")), QUrl::fromLocalFile(qPath(m_wide))});
    const DroppedPath dropped = classifyDrop(&file);
    QCOMPARE(dropped.kind, DroppedPath::Kind::ImageFile);   // remote URLs are skipped
    QCOMPARE(dropped.path, QFileInfo(qPath(m_wide)).absoluteFilePath());
    QMimeData text;
    text.setText(QStringLiteral("hello"));
    QCOMPARE(classifyDrop(&text).kind, DroppedPath::Kind::None);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
