// SPDX-License-Identifier: MIT
// The workbench's interactive parts: the method panel speaks the catalog's names, moving the
// budget re-runs live with the expected kept count (stale answers dropped, the encoding reused),
// the token layers draw what the plan says, hover/pin/zoom on the canvas, and settings survive a
// restart.

#include "app_settings.h"
#include "canvas_pair.h"
#include "demo_resources.h"
#include "fixtures/random_checkpoint.h"
#include "gallery_view.h"
#include "image/image.h"
#include "image_canvas.h"
#include "inspect_page.h"
#include "layer_panel.h"
#include "main_window.h"
#include "method_panel.h"
#include "overlay_painter.h"
#include "result_text.h"
#include "sweep_panel.h"
#include "test_support.h"
#include "translations.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSlider>
#include <QStandardPaths>
#include <QTranslator>
#include <QtTest/QtTest>

#include <fstream>

using namespace tokenscope;
using namespace tokenscope::widgets;
using tokenscope::test::oneThread;
using tokenscope::test::qPath;

namespace {

constexpr int modelTimeoutMs = 60000;

// Two grid tiles of 2×2 tokens side by side plus a one-token thumbnail; tile 0's tokens scored
// 0..3, tile 1's all dropped, token 5 merged into token 0.
CompressionPlan syntheticPlan()
{
    CompressionPlan plan;
    plan.method = "test";
    plan.tiles.resize(3);
    plan.tiles[0] = {0, 0, 0, false, {0, 0, 100, 100}, TileRatio::Quarter, 0.2, 2, 0, 4};
    plan.tiles[1] = {1, 1, 0, false, {100, 0, 100, 100}, TileRatio::Quarter, 0.3, 2, 4, 4};
    plan.tiles[2] = {2, -1, -1, true, {0, 0, 200, 100}, TileRatio::Sixteenth, 0.8, 1, 8, 1};
    for (int t = 0; t < 2; ++t)
        for (int i = 0; i < 4; ++i) {
            VisualToken token;
            token.tile = t;
            token.gridX = i % 2;
            token.gridY = i / 2;
            token.sourceRect = {t * 100.0 + (i % 2) * 50.0, (i / 2) * 50.0, 50, 50};
            token.score = t == 0 ? float(i) : 1.5f;
            token.kept = t == 0;
            plan.tokens.push_back(token);
        }
    plan.tokens[5].mergedInto = 0;
    VisualToken thumb;
    thumb.tile = 2;
    thumb.sourceRect = {0, 0, 200, 100};
    thumb.score = 100.0f;   // outside the grid: must not stretch the colour scale
    plan.tokens.push_back(thumb);
    plan.tokensBeforeCompression = 9;
    plan.tokensSent = 5;
    return plan;
}

QImage greyImage()
{
    QImage image(200, 100, QImage::Format_RGB32);
    image.fill(QColor(128, 128, 128));
    return image;
}

double lightness(const QColor &colour)
{
    return 0.299 * colour.red() + 0.587 * colour.green() + 0.114 * colour.blue();
}

} // namespace

class TestWorkbench : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void methodPanelSpeaksCatalogNames();
    void methodPanelParametersAndBudget();
    void methodPanelFollowsModelCapabilities();
    void tokenLayersDrawThePlan();
    void rawImageOnRequest();
    void canvasHoverPinAndZoom();
    void budgetSliderReRunsLive();
    void budgetMoveIsDrawnBeforeTheRunWhereExact();
    void compareShowsTwoPlansWithLinkedViews();
    void compareCanvasesSitLevel();
    void settingsSurviveARestart();
    void galleryOpensImagesWithTheirQuestions();
    void openedImagesAskWhenLive();
    void demoModelDrawsItsPlan();
    void firstLookShowsCompression();
    void controlsSayWhyTheyAreOff();
    void helpExplainsTheCanvas();
    void computeOptionsReloadTheModel();
    void languagesSwitch();   // last: it installs translators on the application

private:
    void prepare(MainWindow &window);

    std::filesystem::path m_dir;
    std::filesystem::path m_model;
    std::filesystem::path m_image;
};

void TestWorkbench::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();   // every run starts from no saved settings
    m_dir = test::scratchDir("workbench");
    m_model = m_dir / "tiny";
    writeRandomCheckpoint(m_model, fixtureShape("tiny"), {});
    m_image = m_dir / "wide.png";
    writePng(m_image, test::gradientImage(112, 56));
}

void TestWorkbench::prepare(MainWindow &window)
{
    window.setErrorDialogsEnabled(false);
    QSignalSpy model(&window, &MainWindow::modelReady);
    QSignalSpy ready(window.inspectPage(), &InspectPage::imageReady);
    window.openModel(qPath(m_model));
    window.openImage(qPath(m_image));
    QTRY_COMPARE_WITH_TIMEOUT(model.count(), 1, modelTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, modelTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), modelTimeoutMs);
}

void TestWorkbench::methodPanelSpeaksCatalogNames()
{
    MethodPanel panel;
    for (const std::string &method : methodNames()) {
        const QString name = QString::fromStdString(method);
        QSignalSpy changed(&panel, &MethodPanel::choiceChanged);
        QVERIFY2(panel.setMethodName(name), qPrintable(name));
        QCOMPARE(panel.methodName(), name);
        QCOMPARE(QString::fromStdString(panel.choice().name), name);
        QVERIFY(changed.count() <= 1);   // one change, not one per combo box
    }
    const QString before = panel.methodName();
    QVERIFY(!panel.setMethodName(QStringLiteral("fastv2")));
    QVERIFY(!panel.setMethodName(QStringLiteral("all-1/16+random")));   // only ViR composes
    QCOMPARE(panel.methodName(), before);
}

void TestWorkbench::methodPanelParametersAndBudget()
{
    MethodPanel panel;
    QVERIFY(panel.setMethodName(QStringLiteral("vir+fastv")));
    QVERIFY(panel.parameters().empty());   // defaults are not sent
    QCOMPARE(panel.choice().parameter("layer"), 2.0);
    QCOMPARE(panel.choice().parameter("relative"), -1.0);   // ViR's "the model's own"
    QVERIFY(panel.setParameter(QStringLiteral("layer"), 3));
    QVERIFY(panel.setParameter(QStringLiteral("absolute"), 0.25));
    const std::map<std::string, double> expected{{"absolute", 0.25}, {"layer", 3.0}};
    QCOMPARE(panel.parameters(), expected);
    QCOMPARE(panel.choice().parameter("layer"), 3.0);
    QVERIFY(!panel.setParameter(QStringLiteral("seed"), 1));   // not fastv's

    // A named choice is a combo box of its names; its value is the chosen name's index.
    QComboBox *query = nullptr;
    for (QComboBox *combo : panel.findChildren<QComboBox *>())
        if (combo->count() == 2 && combo->itemText(0) == QLatin1String("last") && combo->itemText(1) == QLatin1String("all"))
            query = combo;
    QVERIFY(query);
    QCOMPARE(panel.choice().parameter("query"), 0.0);   // last: the official FastV ranking
    query->setCurrentIndex(1);
    QCOMPARE(panel.choice().parameter("query"), 1.0);
    QCOMPARE(panel.parameters().at("query"), 1.0);
    QVERIFY(!panel.setParameter(QStringLiteral("query"), 2));   // no third name
    QVERIFY(panel.setParameter(QStringLiteral("query"), 0));
    QVERIFY(!panel.parameters().count("query"));

    // A parameter moved off its default survives switching to a method that has it too.
    QVERIFY(panel.setMethodName(QStringLiteral("dart")));
    QCOMPARE(panel.choice().parameter("layer"), 3.0);

    QSignalSpy changed(&panel, &MethodPanel::choiceChanged);
    panel.budgetSlider()->setValue(30);
    QCOMPARE(panel.budget(), 0.3);
    QCOMPARE(changed.count(), 1);
    panel.setBudget(0.07);
    QCOMPARE(panel.budgetSlider()->value(), 7);
    QCOMPARE(changed.count(), 2);
    QCOMPARE(panel.choice().budget, 0.07);

    // The ratio-only methods ignore the budget, and the slider says so.
    QVERIFY(panel.setMethodName(QStringLiteral("vir")));
    QVERIFY(!panel.budgetSlider()->isEnabled());
    QVERIFY(panel.setMethodName(QStringLiteral("vir-budget")));
    QVERIFY(panel.budgetSlider()->isEnabled());
}

void TestWorkbench::methodPanelFollowsModelCapabilities()
{
    MethodPanel panel;
    QVERIFY(panel.setMethodName(QStringLiteral("vir+visionselector")));
    QSignalSpy changed(&panel, &MethodPanel::choiceChanged);
    panel.setCapabilities(/*flash*/ false, /*selector*/ false, {0.0, 0.5});
    QCOMPARE(changed.count(), 1);                       // the choice had to change
    QCOMPARE(panel.methodName(), QStringLiteral("none"));
    QVERIFY(!panel.setMethodName(QStringLiteral("vir")));
    QVERIFY(!panel.setMethodName(QStringLiteral("visionselector")));
    QVERIFY(panel.setMethodName(QStringLiteral("divprune")));
    panel.setCapabilities(true, true, {0.0, 0.5});
    QVERIFY(panel.setMethodName(QStringLiteral("vir+visionselector")));

    // Until the user picks tile ratios, a new model's default applies: "none" for a Flash config
    // whose flash_mode is false (the reference routes only when it is true), "vir" when true.
    MethodPanel fresh;
    fresh.setCapabilities(true, true, {0.0, 0.5}, QStringLiteral("none"));
    QCOMPARE(fresh.methodName(), QStringLiteral("none"));
    fresh.setCapabilities(true, true, {0.0, 0.5}, QStringLiteral("vir"));
    QCOMPARE(fresh.methodName(), QStringLiteral("vir"));
    // A choice made by the user (here by name) outlives the next model's default.
    QVERIFY(fresh.setMethodName(QStringLiteral("all-1/16")));
    fresh.setCapabilities(true, true, {0.0, 0.5}, QStringLiteral("none"));
    QCOMPARE(fresh.methodName(), QStringLiteral("all-1/16"));
}

void TestWorkbench::tokenLayersDrawThePlan()
{
    const QImage grey = greyImage();
    const CompressionPlan plan = syntheticPlan();
    QCOMPARE(OverlayPainter::scoreRange(plan), std::pair(0.0f, 3.0f));   // the thumbnail's 100 ignored

    OverlayLayers heat;
    heat.tiles = false;
    heat.dropped = false;
    heat.merges = false;
    heat.opacity = 1.0;
    const QImage heatmap = OverlayPainter::render(grey, &plan, {}, heat);
    // Token 3 (score 3, bottom right of tile 0) is the brightest, token 0 (score 0) the darkest.
    const double low = lightness(heatmap.pixelColor(25, 25)), high = lightness(heatmap.pixelColor(75, 75));
    QVERIFY2(high > low + 100, qPrintable(QStringLiteral("%1 vs %2").arg(high).arg(low)));

    OverlayLayers dropped;
    dropped.tiles = false;
    dropped.heatmap = false;
    dropped.merges = false;
    const QImage dimmed = OverlayPainter::render(grey, &plan, {}, dropped);
    QCOMPARE(dimmed.pixelColor(25, 25), QColor(128, 128, 128));   // kept: untouched
    // Dropped tile 1: darker on average (hatch lines are light, the fill dark).
    double sum = 0;
    for (int y = 5; y < 95; ++y)
        for (int x = 105; x < 195; ++x)
            sum += lightness(dimmed.pixelColor(x, y));
    QVERIFY2(sum / (90 * 90) < 110, qPrintable(QString::number(sum / (90 * 90))));

    OverlayLayers none;
    none.tiles = none.heatmap = none.dropped = none.merges = false;
    const QImage bare = OverlayPainter::render(grey, &plan, {}, none);
    for (int y = 0; y < 100; y += 7)
        for (int x = 0; x < 200; x += 7)
            QCOMPARE(bare.pixelColor(x, y), QColor(128, 128, 128));

    // The merge line from token 5 (centre 175,25) to token 0 (centre 25,25) crosses x = 100.
    OverlayLayers merges = none;
    merges.merges = true;
    const QImage lines = OverlayPainter::render(grey, &plan, {}, merges);
    QVERIFY(lines.pixelColor(100, 25) != QColor(128, 128, 128));
    QCOMPARE(lines.pixelColor(100, 75), QColor(128, 128, 128));
    // Its arrowhead is at the kept token's end, not at the dropped one's; the legend names it.
    QVERIFY(lines.pixelColor(30, 22) != QColor(128, 128, 128));
    QCOMPARE(lines.pixelColor(170, 22), QColor(128, 128, 128));
    const QStringList legend = OverlayPainter(grey, &plan, merges).legendTexts();
    QVERIFY2(legend.filter(QStringLiteral("merged: 1 dropped token")).size() == 1, qPrintable(legend.join(u'|')));
    QVERIFY(OverlayPainter(grey, &plan, none).legendTexts().filter(QStringLiteral("merged")).isEmpty());
}

void TestWorkbench::rawImageOnRequest()
{
    // Holding Space shows the image without layers; letting go brings them back.
    MainWindow window(oneThread);
    prepare(window);
    if (QTest::currentTestFailed())
        return;
    window.setQuestion(QStringLiteral("What is this?"));
    QSignalSpy applied(window.inspectPage(), &InspectPage::answerApplied);
    window.ask();
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, modelTimeoutMs);
    ImageCanvas *canvas = window.inspectPage()->canvas();
    canvas->resize(400, 300);
    const QImage layered = canvas->grab().toImage();
    QTest::keyPress(canvas, Qt::Key_Space);
    QVERIFY(canvas->isRawView());
    const QImage raw = canvas->grab().toImage();
    QVERIFY(raw != layered);
    QTest::keyRelease(canvas, Qt::Key_Space);
    QVERIFY(!canvas->isRawView());
    QCOMPARE(canvas->grab().toImage(), layered);
    canvas->setRawView(true);   // View → Show the Raw Image
    QCOMPARE(canvas->grab().toImage(), raw);
}

void TestWorkbench::canvasHoverPinAndZoom()
{
    ImageCanvas canvas;
    canvas.resize(416, 216);
    canvas.setImage(greyImage());
    canvas.setPlan(syntheticPlan());
    canvas.show();
    QVERIFY(QTest::qWaitForWindowExposed(&canvas));

    const QRectF image = canvas.imageRect();
    auto at = [&](double x, double y) {   // image pixels -> widget
        return QPointF(image.left() + x * image.width() / 200, image.top() + y * image.height() / 100);
    };
    QCOMPARE(canvas.tokenIndexAt(at(75, 75)), 3);
    QCOMPARE(canvas.tokenIndexAt(at(125, 25)), 4);
    QCOMPARE(canvas.tokenIndexAt(QPointF(1, 1)), -1);
    QVERIFY(canvas.tokenDescription(5).contains(QLatin1String("merged into token 0")));
    QVERIFY(canvas.tokenDescription(3).contains(QLatin1String("score 3")));

    QSignalSpy hovered(&canvas, &ImageCanvas::tokenHovered);
    QTest::mouseMove(&canvas, at(75, 75).toPoint());
    QTRY_COMPARE(canvas.hoveredToken(), 3);
    QSignalSpy pinned(&canvas, &ImageCanvas::tokenPinned);
    QTest::mouseClick(&canvas, Qt::LeftButton, {}, at(25, 75).toPoint());
    QCOMPARE(canvas.pinnedToken(), 2);
    QCOMPARE(pinned.count(), 1);
    // A new plan of the same size (another budget) keeps the pin; another image drops it.
    canvas.setPlan(syntheticPlan());
    QCOMPARE(canvas.pinnedToken(), 2);
    QTest::mouseClick(&canvas, Qt::LeftButton, {}, at(25, 75).toPoint());
    QCOMPARE(canvas.pinnedToken(), -1);

    // Zoom about a point keeps that image point under it; fit restores the fitted view.
    QSignalSpy view(&canvas, &ImageCanvas::viewChanged);
    const QPointF anchor = at(150, 50);
    canvas.zoomBy(2.0, anchor);
    QCOMPARE(canvas.zoom(), 2.0);
    QCOMPARE(view.count(), 1);
    const QRectF zoomed = canvas.imageRect();
    QVERIFY(qAbs(zoomed.width() - 2 * image.width()) < 1e-6);
    QVERIFY(qAbs((anchor.x() - zoomed.left()) / zoomed.width() - 0.75) < 1e-6);
    QVERIFY(qAbs((anchor.y() - zoomed.top()) / zoomed.height() - 0.5) < 1e-6);
    // What lay at image pixel (150, 50) still does: token 4..7 region of tile 1.
    QCOMPARE(canvas.tileIndexAt(anchor), 1);
    // A drag pans by the mouse's movement.
    const QRectF beforeDrag = canvas.imageRect();
    QTest::mousePress(&canvas, Qt::LeftButton, {}, QPoint(200, 100));
    QTest::mouseMove(&canvas, QPoint(230, 110));
    QTest::mouseRelease(&canvas, Qt::LeftButton, {}, QPoint(230, 110));
    QVERIFY(qAbs(canvas.imageRect().left() - beforeDrag.left() - 30) < 1e-6);
    QCOMPARE(canvas.pinnedToken(), -1);   // a drag is not a click
    canvas.fitToWindow();
    QCOMPARE(canvas.imageRect(), image);
    // A double-click fits the zoomed view and pins nothing. The events as a window system sends
    // them (press, release, double-click, release), sent directly: QTest's own double-click
    // leaves its pointer state pressed for the tests after this one.
    canvas.zoomBy(2.0, anchor);
    const QPointF point = at(25, 75);
    const QPointF global = canvas.mapToGlobal(point);
    for (const auto &[type, buttons] : {std::pair{QEvent::MouseButtonPress, Qt::MouseButtons(Qt::LeftButton)},
                                        std::pair{QEvent::MouseButtonRelease, Qt::MouseButtons()},
                                        std::pair{QEvent::MouseButtonDblClick, Qt::MouseButtons(Qt::LeftButton)},
                                        std::pair{QEvent::MouseButtonRelease, Qt::MouseButtons()}}) {
        QMouseEvent event(type, point, global, Qt::LeftButton, buttons, Qt::NoModifier);
        QCoreApplication::sendEvent(&canvas, &event);
    }
    QCOMPARE(canvas.imageRect(), image);
    QCOMPARE(canvas.pinnedToken(), -1);
}

void TestWorkbench::budgetSliderReRunsLive()
{
    MainWindow window(oneThread);
    window.resize(1200, 800);
    window.show();
    prepare(window);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(window.setMethod(QStringLiteral("random"), 0.5));
    window.setQuestion(QStringLiteral("What colour is the left half?"));

    QSignalSpy applied(window.inspectPage(), &InspectPage::answerApplied);
    window.ask();
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, modelTimeoutMs);
    const int total = int(window.inspectPage()->lastResult()->plan.tokens.size());
    QCOMPARE(window.inspectPage()->lastResult()->plan.tokensSent, keptCount(0.5, total));
    QVERIFY(!window.inspectPage()->lastResult()->encodingReused);

    // One slider move: one new answer, at the new budget, from the image's kept encoding.
    window.inspectPage()->methodPanel()->budgetSlider()->setValue(25);
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 2, modelTimeoutMs);
    QCOMPARE(window.inspectPage()->lastResult()->plan.tokensSent, keptCount(0.25, total));
    QCOMPARE(window.inspectPage()->lastResult()->plan.budget, 0.25);
    QVERIFY(window.inspectPage()->lastResult()->encodingReused);
    int kept = 0;
    for (const VisualToken &token : window.inspectPage()->canvas()->plan()->tokens)
        kept += token.kept;
    QCOMPARE(kept, keptCount(0.25, total));

    // A burst of moves: the last one wins; superseded runs are dropped, not shown late.
    const int before = applied.count();
    for (int percent = 90; percent >= 10; percent -= 10)
        window.inspectPage()->methodPanel()->budgetSlider()->setValue(percent);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), modelTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(window.inspectPage()->lastResult()->plan.budget, 0.10, modelTimeoutMs);
    QCOMPARE(window.inspectPage()->lastResult()->plan.tokensSent, keptCount(0.10, total));
    QVERIFY(applied.count() - before <= 9);
    QVERIFY(window.inspectPage()->errorText().isEmpty());

    // The layers follow the panel, and hovering the canvas fills the inspector.
    OverlayLayers layers = window.inspectPage()->layerPanel()->layers();
    layers.heatmap = false;
    window.inspectPage()->layerPanel()->setLayers(layers);
    QVERIFY(!window.inspectPage()->canvas()->layers().heatmap);
    const QRectF image = window.inspectPage()->canvas()->imageRect();
    QTest::mouseMove(window.inspectPage()->canvas(), image.center().toPoint() - QPoint(int(image.width() / 4), 0));
    QTRY_VERIFY(window.inspectPage()->inspectorText().startsWith(QLatin1String("Token ")));
}

void TestWorkbench::budgetMoveIsDrawnBeforeTheRunWhereExact()
{
    MainWindow window(oneThread);
    window.resize(1400, 800);
    window.show();
    prepare(window);
    if (QTest::currentTestFailed())
        return;
    InspectPage *page = window.inspectPage();
    QVERIFY(window.setMethod(QStringLiteral("fastv"), 0.5));
    QVERIFY(window.setComparisonMethod(QStringLiteral("random"), 0.5));
    window.setComparing(true);
    window.setQuestion(QStringLiteral("What colour is the left half?"));
    QSignalSpy applied(page, &InspectPage::answerApplied);
    window.ask();
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, modelTimeoutMs);
    const int total = int(page->lastResult()->plan.tokens.size());
    const auto keptFlags = [](const CompressionPlan &plan) {
        std::vector<bool> kept;
        for (const VisualToken &t : plan.tokens)
            kept.push_back(t.kept);
        return kept;
    };

    // FastV keeps its top scores: the left canvas shows the new budget before any event is processed.
    page->methodPanel()->budgetSlider()->setValue(25);
    QCOMPARE(applied.count(), 1);
    QCOMPARE(page->canvas()->plan()->tokensSent, keptCount(0.25, total));
    QCOMPARE(page->canvas()->plan()->budget, 0.25);
    const std::vector<bool> drawn = keptFlags(*page->canvas()->plan());
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 2, modelTimeoutMs);
    QCOMPARE(keptFlags(page->lastResult()->plan), drawn);   // the run agrees with what was drawn

    // Random ranks nothing: the right canvas waits for its run.
    page->comparisonMethodPanel()->budgetSlider()->setValue(20);
    QCOMPARE(page->comparisonCanvas()->plan()->tokensSent, keptCount(0.5, total));
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 3, modelTimeoutMs);
    QCOMPARE(page->comparisonCanvas()->plan()->tokensSent, keptCount(0.2, total));
}

void TestWorkbench::compareCanvasesSitLevel()
{
    // Two legends of different heights (merges, drops and scores on the left, none on the right).
    CanvasPair pair;
    pair.resize(640, 320);
    pair.setComparing(true);
    pair.setImage(greyImage());
    pair.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pair));
    CompressionPlan plain = syntheticPlan();
    for (VisualToken &t : plain.tokens) {
        t.kept = true;
        t.mergedInto = -1;
        t.score = 0;
    }
    plain.tokensSent = int(plain.tokens.size());
    pair.primary()->setPlan(syntheticPlan());
    pair.secondary()->setPlan(plain);
    QVERIFY2(pair.primary()->legendHeight() > pair.secondary()->legendHeight(),
             qPrintable(
                 QStringLiteral("%1 vs %2").arg(pair.primary()->legendHeight()).arg(pair.secondary()->legendHeight())));
    QCOMPARE(pair.primary()->imageRect().top(), pair.secondary()->imageRect().top());
    QCOMPARE(pair.primary()->imageRect().height(), pair.secondary()->imageRect().height());
}

void TestWorkbench::compareShowsTwoPlansWithLinkedViews()
{
    MainWindow window(oneThread);
    window.resize(1400, 800);
    window.show();
    prepare(window);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(window.setMethod(QStringLiteral("random"), 0.5));
    QVERIFY(window.setComparisonMethod(QStringLiteral("divprune"), 0.25));
    window.setComparing(true);
    QVERIFY(window.isComparing());
    QVERIFY(window.inspectPage()->comparisonCanvas()->isVisible());
    window.setQuestion(QStringLiteral("What colour is the left half?"));

    QSignalSpy applied(window.inspectPage(), &InspectPage::answerApplied);
    window.ask();
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, modelTimeoutMs);
    QVERIFY(window.inspectPage()->lastComparison().has_value());
    const int total = int(window.inspectPage()->lastResult()->plan.tokens.size());
    QCOMPARE(window.inspectPage()->canvas()->plan()->tokensSent, keptCount(0.5, total));
    QCOMPARE(window.inspectPage()->comparisonCanvas()->plan()->tokensSent, keptCount(0.25, total));
    QCOMPARE(QString::fromStdString(window.inspectPage()->comparisonCanvas()->plan()->method),
             QStringLiteral("divprune"));
    QVERIFY(window.inspectPage()->answerText().startsWith(QLatin1String("Left: ")));

    // The right budget alone moves: both canvases are answered again, the right one at 10%.
    window.inspectPage()->comparisonMethodPanel()->budgetSlider()->setValue(10);
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 2, modelTimeoutMs);
    QCOMPARE(window.inspectPage()->comparisonCanvas()->plan()->tokensSent, keptCount(0.10, total));
    QCOMPARE(window.inspectPage()->canvas()->plan()->tokensSent, keptCount(0.5, total));
    // The export holds both canvases, side by side.
    const QImage both = window.inspectPage()->overlayImage();
    const QImage left =
        OverlayPainter::render(window.inspectPage()->canvas()->image(), &*window.inspectPage()->canvas()->plan(),
                               overlayExportSize(window.inspectPage()->canvas()->image().size()));
    QVERIFY2(both.width() > 2 * left.width() && both.height() > left.height(),
             qPrintable(QStringLiteral("%1x%2 vs %3x%4")
                            .arg(both.width())
                            .arg(both.height())
                            .arg(left.width())
                            .arg(left.height())));

    // Zoom and pan on either canvas move both.
    window.inspectPage()->canvas()->zoomBy(3.0, window.inspectPage()->canvas()->imageRect().center());
    QCOMPARE(window.inspectPage()->comparisonCanvas()->zoom(), 3.0);
    window.inspectPage()->comparisonCanvas()->setView(2.0, QPointF(0.1, -0.2));
    QCOMPARE(window.inspectPage()->canvas()->zoom(), 2.0);
    QCOMPARE(window.inspectPage()->canvas()->pan(), QPointF(0.1, -0.2));

    // Leaving compare mode hides the right canvas; answers come for the left one only.
    window.setComparing(false);
    QVERIFY(!window.inspectPage()->comparisonCanvas()->isVisible());
    window.ask();
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 3, modelTimeoutMs);
    QVERIFY(!window.inspectPage()->lastComparison().has_value());
    QVERIFY(window.inspectPage()->overlayImage().width() < both.width() / 2 + 40);   // one canvas again
}

void TestWorkbench::settingsSurviveARestart()
{
    {
        MainWindow window(oneThread);
        prepare(window);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(window.setMethod(QStringLiteral("vir+divprune"), 0.3));
        QVERIFY(window.setComparisonMethod(QStringLiteral("fastv"), 0.2));
        window.setComparing(true);
        OverlayLayers layers;
        layers.heatmap = false;
        layers.opacity = 0.8;
        window.inspectPage()->layerPanel()->setLayers(layers);
        window.resize(1111, 777);
        window.sweepPanel()->setBudgets(QStringLiteral("0.7,0.2"));
        window.sweepPanel()->setMethods({QStringLiteral("fastv"), QStringLiteral("dart")});
        window.saveSettings();
    }
    MainWindow restored(oneThread);
    restored.restoreSettings();
    QCOMPARE(restored.sweepPanel()->form().budgets, QStringLiteral("0.7,0.2"));
    QCOMPARE(restored.sweepPanel()->methods(), (QStringList{QStringLiteral("fastv"), QStringLiteral("dart")}));
    QCOMPARE(restored.inspectPage()->methodPanel()->methodName(), QStringLiteral("vir+divprune"));
    QCOMPARE(restored.inspectPage()->methodPanel()->budget(), 0.3);
    QVERIFY(restored.isComparing());
    QCOMPARE(restored.inspectPage()->comparisonMethodPanel()->methodName(), QStringLiteral("fastv"));
    QCOMPARE(restored.inspectPage()->comparisonMethodPanel()->budget(), 0.2);
    QVERIFY(!restored.inspectPage()->layerPanel()->layers().heatmap);
    QCOMPARE(restored.inspectPage()->layerPanel()->layers().opacity, 0.8);
    QVERIFY(!restored.inspectPage()->canvas()->layers().heatmap);
    QCOMPARE(restored.size(), QSize(1111, 777));

    AppSettings settings;
    QCOMPARE(settings.recent(RecentKind::Model).value(0), QFileInfo(qPath(m_model)).absoluteFilePath());
    QCOMPARE(settings.recent(RecentKind::Image).value(0), QFileInfo(qPath(m_image)).absoluteFilePath());
    // A layout saved by another version is ignored, not misapplied.
    QVERIFY(!settings.windowState().isEmpty());
    QSettings().setValue(QStringLiteral("window/layoutVersion"), AppSettings::layoutVersion + 1);
    QVERIFY(settings.windowState().isEmpty());
    // An unknown method name from a hand-edited file keeps the default choice.
    settings.setMethod({QStringLiteral("no-such-method"), 0.4, true});
    MainWindow fallback(oneThread);
    fallback.restoreSettings();
    QCOMPARE(fallback.inspectPage()->methodPanel()->methodName(), QStringLiteral("vir"));
}

void TestWorkbench::galleryOpensImagesWithTheirQuestions()
{
    const QVector<GalleryImage> images = galleryImages();
    QVERIFY2(images.size() >= 5, "the gallery ships synthetic images, photographs and a document");
    for (const GalleryImage &image : images) {
        QVERIFY2(QFileInfo::exists(image.path), qPrintable(image.path));
        QVERIFY(!image.title.isEmpty() && !image.question.isEmpty());
    }
    QVERIFY(QFileInfo::exists(QDir(demoModelDir()).filePath(QStringLiteral("model.safetensors"))));

    // A malformed manifest: no images, and an error naming the file.
    const auto broken = test::scratchDir("workbench-gallery");
    std::filesystem::create_directories(broken / "images");
    std::ofstream(broken / "images" / "gallery.json") << "{ \"file\": ";
    qputenv("TOKENSCOPE_RESOURCES", QByteArray::fromStdString(broken.string()));
    QString error;
    QVERIFY(galleryImages(&error).isEmpty());
    qunsetenv("TOKENSCOPE_RESOURCES");
    QVERIFY2(error.contains(QLatin1String("gallery.json")) && error.contains(QLatin1String("not a JSON array")),
             qPrintable(error));

    MainWindow window(oneThread);
    window.setErrorDialogsEnabled(false);
    QSignalSpy chosen(window.gallery(), &GalleryView::imageChosen);
    QSignalSpy ready(window.inspectPage(), &InspectPage::imageReady);
    window.gallery()->choose(1);
    QCOMPARE(chosen.count(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, modelTimeoutMs);
    QCOMPARE(ready.at(0).at(0).toString(), images[1].path);
    QCOMPARE(window.inspectPage()->questionText(), images[1].question);
    QCOMPARE(window.gallery()->currentRow(), 1);
    // A gallery image always comes with its own question, an edited one included.
    window.setQuestion(QStringLiteral("My own question?"));
    window.gallery()->choose(0);
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 2, modelTimeoutMs);
    QCOMPARE(window.inspectPage()->questionText(), images[0].question);
    QCOMPARE(window.inspectPage()->lastResult().has_value(), false);   // no model: nothing was asked
    window.gallery()->choose(99);                        // out of range: nothing happens
    QCOMPARE(chosen.count(), 2);
    // An image opened otherwise takes the highlight away from the gallery.
    window.openImage(qPath(m_image));
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 3, modelTimeoutMs);
    QVERIFY(window.gallery()->selectedItems().isEmpty());
}

void TestWorkbench::openedImagesAskWhenLive()
{
    // Ctrl+O, a drop or a recent file behave as a gallery click: with Live on and a question
    // written, the new image is asked about once it has loaded.
    MainWindow window(oneThread);
    prepare(window);
    if (QTest::currentTestFailed())
        return;
    QSignalSpy applied(window.inspectPage(), &InspectPage::answerApplied);
    window.setQuestion(QStringLiteral("What colour is the circle?"));
    window.openImage(qPath(m_image));
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, modelTimeoutMs);
    window.inspectPage()->methodPanel()->setLive(false);
    window.openImage(qPath(m_image));
    QTest::qWait(300);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), modelTimeoutMs);
    QCOMPARE(applied.count(), 1);
}

void TestWorkbench::demoModelDrawsItsPlan()
{
    // The embedded demo model on the gallery's first image (3x2 tiles + thumbnail at 112 px).
    MainWindow window(oneThread);
    window.setErrorDialogsEnabled(false);
    QSignalSpy model(&window, &MainWindow::modelReady);
    QSignalSpy applied(window.inspectPage(), &InspectPage::answerApplied);
    window.openModel(demoModelDir());
    QTRY_COMPARE_WITH_TIMEOUT(model.count(), 1, modelTimeoutMs);
    QVERIFY(window.setMethod(QStringLiteral("visionselector"), 0.3));
    const GalleryImage first = galleryImages().value(0);
    window.openGalleryImage(first.path, first.question);
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, modelTimeoutMs);
    const CompressionPlan &plan = *window.inspectPage()->canvas()->plan();
    QCOMPARE(window.inspectPage()->canvas()->tileCount(), 7);
    QCOMPARE(plan.tokensBeforeCompression, 7 * 16);
    QCOMPARE(plan.tokensSent, keptCount(0.3, 7 * 16));
    QVERIFY(window.inspectPage()->tokenCountText().startsWith(
        QStringLiteral("visual tokens %1 / 112").arg(keptCount(0.3, 112))));
    QVERIFY(OverlayPainter::scoreRange(plan).first < OverlayPainter::scoreRange(plan).second);   // the scorer's heatmap
    QVERIFY2(window.inspectPage()->canvas()->tokenDescription(0).contains(QLatin1String("at 1/4")),
             qPrintable(window.inspectPage()->canvas()->tokenDescription(0)));
}

void TestWorkbench::firstLookShowsCompression()
{
    // A first start (no saved settings) on the demo model and the gallery's first image: the router
    // keeps the card tiles, the scorer keeps half of what the router sent, and the card is read.
    QSettings().clear();
    MainWindow window(oneThread);
    window.setErrorDialogsEnabled(false);
    window.restoreSettings();
    QSignalSpy model(&window, &MainWindow::modelReady);
    QSignalSpy applied(window.inspectPage(), &InspectPage::answerApplied);
    window.openModel(demoModelDir());
    QTRY_COMPARE_WITH_TIMEOUT(model.count(), 1, modelTimeoutMs);
    const GalleryImage first = galleryImages().value(0);
    window.openGalleryImage(first.path, first.question);
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, modelTimeoutMs);
    InspectPage *page = window.inspectPage();
    QCOMPARE(page->methodPanel()->methodName(), QStringLiteral("vir+visionselector"));
    QCOMPARE(page->methodPanel()->budget(), 0.5);
    const CompressionPlan &plan = *page->canvas()->plan();
    QVERIFY2(plan.tokensSent < plan.tokensBeforeCompression / 3, qPrintable(page->tokenCountText()));
    QCOMPARE(page->answerText(), QStringLiteral("lamp"));
    // The history has the ask, scored against the gallery's answer.
    QCOMPARE(page->history()->rowCount(), 1);
    QCOMPARE(page->history()->index(0, AnswerHistoryModel::Reference).data().toString(), first.answer);
    QCOMPARE(page->history()->index(0, AnswerHistoryModel::Match).data().toString(), QStringLiteral("\u2713"));
    QCOMPARE(page->history()->entry(0).question, first.question);
    // The legend says what p is and which rule turned it into each tile's ratio.
    const QStringList legend = OverlayPainter(page->canvas()->image(), &plan).legendTexts();
    QVERIFY2(legend.join(u'|').contains(QLatin1String("1/16 where p > ")), qPrintable(legend.join(u'|')));
    // The comparison defaults to the same share of tokens chosen at random.
    QCOMPARE(page->comparisonMethodPanel()->methodName(), QStringLiteral("vir+random"));
}

void TestWorkbench::controlsSayWhyTheyAreOff()
{
    MethodPanel panel;
    auto note = [&panel] {
        const auto labels = panel.findChildren<QLabel *>();
        for (const QLabel *label : labels)
            if (label->isVisibleTo(&panel) && label->text().startsWith(QLatin1String("No budget")))
                return label->text();
        return QString();
    };
    QVERIFY(panel.setMethodName(QStringLiteral("vir")));
    QVERIFY(!panel.budgetSlider()->isEnabled());
    QVERIFY(!note().isEmpty());
    QVERIFY(panel.setMethodName(QStringLiteral("vir+fastv")));
    QVERIFY(panel.budgetSlider()->isEnabled());
    QVERIFY(note().isEmpty());

    // ViR down to a budget below every tile at 1/16 says it could not get there.
    RunResult result;
    result.plan.tokensBeforeCompression = 112;
    result.plan.tokensSent = 28;
    result.plan.targetBudget = 0.12;
    QVERIFY2(describeTokenCounts(result).contains(QLatin1String("asked 12%")), qPrintable(describeTokenCounts(result)));
    result.plan.targetBudget = 0.3;
    QVERIFY(!describeTokenCounts(result).contains(QLatin1String("asked")));
}

void TestWorkbench::helpExplainsTheCanvas()
{
    MainWindow window(oneThread);
    const QList<QAction *> actions = window.findChildren<QAction *>();
    auto action = [&](const QString &text) {
        const auto it = std::find_if(actions.begin(), actions.end(),
                                     [&](const QAction *a) { return a->text().remove(u'&') == text; });
        return it == actions.end() ? nullptr : *it;
    };
    QAction *guide = action(QStringLiteral("What Am I Looking At?"));
    QVERIFY(guide);
    QCOMPARE(guide->shortcut(), QKeySequence(QKeySequence::HelpContents));
    guide->trigger();
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = window.findChild<QMessageBox *>()) != nullptr);
    QVERIFY(box->text().contains(QLatin1String("probability that the tile can be compressed")));
    box->close();
    QTRY_VERIFY(window.findChild<QMessageBox *>() == nullptr);
    action(QStringLiteral("Keyboard Shortcuts"))->trigger();
    QTRY_VERIFY((box = window.findChild<QMessageBox *>()) != nullptr);
    QVERIFY2(box->text().contains(QLatin1String("Compare Side by Side")) &&
                 box->text().contains(QLatin1String("Space")),
             qPrintable(box->text()));
}

void TestWorkbench::computeOptionsReloadTheModel()
{
    MainWindow window(oneThread);
    prepare(window);
    if (QTest::currentTestFailed())
        return;
    QSignalSpy reloaded(&window, &MainWindow::modelReady);
    window.setComputeOptions({DeviceKind::Cpu, ComputeDType::Float32, 2});
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, modelTimeoutMs);
    QCOMPARE(reloaded.at(0).at(0).value<ModelInfo>().threads, 2);
    QVERIFY(window.inspectPage()->modelText().contains(QLatin1String("threads 2")));
    QCOMPARE(AppSettings().compute()->threads, 2);
}

void TestWorkbench::languagesSwitch()
{
    auto removeTranslators = [] {
        for (QTranslator *translator : qApp->findChildren<QTranslator *>()) {
            QCoreApplication::removeTranslator(translator);
            delete translator;
        }
    };
    const std::vector<std::pair<QString, QString>> expected{{QStringLiteral("fr"), QStringLiteral("&Fichier")},
                                                           {QStringLiteral("zh_CN"), QStringLiteral("文件(&F)")}};
    for (const auto &[code, fileMenu] : expected) {
        const QString used = installTranslations(*qApp, code);
        QVERIFY2(used.startsWith(code), qPrintable(used));   // the catalogue's own name: fr_FR, zh_CN
        {
            MainWindow window(oneThread);
            QCOMPARE(window.menuBar()->actions().value(0)->text(), fileMenu);
            QVERIFY(window.inspectPage()->methodPanel()->findChild<QCheckBox *>()->text() !=
                    QStringLiteral("Live: re-run on every change"));
            // The translated Controls dock fits at the default window size: no sideways scrolling,
            // and no button, box or label narrower than what it needs to show its text.
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QWidget *controls = window.inspectPage()->controls();
            auto *scroll = qobject_cast<QScrollArea *>(controls);
            QVERIFY(scroll);
            QVERIFY2(!scroll->horizontalScrollBar()->isVisible(), qPrintable(code));
            for (QWidget *widget : controls->findChildren<QWidget *>()) {
                if (!widget->isVisible() || !(qobject_cast<QAbstractButton *>(widget) ||
                                              qobject_cast<QComboBox *>(widget) || qobject_cast<QLabel *>(widget)))
                    continue;
                if (auto *label = qobject_cast<QLabel *>(widget); label && label->wordWrap())
                    continue;
                QVERIFY2(widget->width() >= widget->minimumSizeHint().width(),
                         qPrintable(QStringLiteral("%1: %2 is %3 px wide, needs %4")
                                        .arg(code, QLatin1String(widget->metaObject()->className()) + QLatin1Char(' ') +
                                                       widget->objectName())
                                        .arg(widget->width())
                                        .arg(widget->minimumSizeHint().width())));
            }
            // Form validation speaks the language too (here: a sweep with no model).
            SweepPanel sweeps;
            QSignalSpy errors(&sweeps, &SweepPanel::errorReported);
            QVERIFY(!sweeps.run());
            QVERIFY2(!errors.last().at(0).toString().contains(QLatin1String("no model")), qPrintable(errors.last().at(0).toString()));
        }
        removeTranslators();
    }
    // No catalogue for German: English, the source language, stays.
    QCOMPARE(installTranslations(*qApp, QStringLiteral("de")), QStringLiteral("en"));
    MainWindow english(oneThread);
    QCOMPARE(english.menuBar()->actions().value(0)->text(), QStringLiteral("&File"));
    // Every language the menu offers (besides English and the system's) has a catalogue.
    for (const Language &language : availableLanguages())
        if (!language.code.isEmpty() && language.code != QLatin1String("en")) {
            QTranslator probe;
            QVERIFY2(probe.load(QLocale(language.code), QStringLiteral("tokenscope"), QStringLiteral("_"), QStringLiteral(":/i18n")),
                     qPrintable(language.code));
        }
}

QTEST_MAIN(TestWorkbench)
#include "tst_workbench.moc"
