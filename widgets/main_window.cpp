// SPDX-License-Identifier: MIT
#include "main_window.h"

#include "app_settings.h"
#include "canvas_pair.h"
#include "compute_panel.h"
#include "dropped_path.h"
#include "gallery_view.h"
#include "image_canvas.h"
#include "image_loader.h"
#include "inspect_state.h"
#include "layer_panel.h"
#include "method_panel.h"
#include "model_session.h"
#include "overlay_painter.h"
#include "question_panel.h"
#include "result_text.h"
#include "stage_timing_chart.h"
#include "sweep_panel.h"
#include "translations.h"
#include "work_indicator.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

namespace tokenscope::widgets {

namespace {
constexpr int statusTimeoutMs = 8000;
}

MainWindow::MainWindow(const ComputeOptions &compute, QWidget *parent)
    : QMainWindow(parent), m_settings(std::make_unique<AppSettings>()), m_session(new ModelSession(compute, this)),
      m_inspect(new InspectState(m_session, this)), m_images(new ImageLoader(this)), m_canvases(new CanvasPair(this)),
      m_canvas(m_canvases->primary()), m_compareCanvas(m_canvases->secondary()), m_questions(new QuestionPanel(this)),
      m_methods(new MethodPanel(this)), m_layers(new LayerPanel(this)), m_compareMethods(new MethodPanel(this)),
      m_sweeps(new SweepPanel(this)), m_gallery(new GalleryView(this)), m_computePanel(new ComputePanel(this)),
      m_compute(compute), m_chart(new StageTimingChart(this)), m_work(new WorkIndicator(this)),
      m_modelLabel(new QLabel(this)), m_imageLabel(new QLabel(this)), m_errorLabel(new QLabel(this)),
      m_tokensLabel(new QLabel(this)), m_inspector(new QLabel(this)), m_answer(new QPlainTextEdit(this))
{
    setWindowTitle(tr("TokenScope"));
    setAcceptDrops(true);
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(m_canvases, tr("Inspect"));
    m_tabs->addTab(m_sweeps, tr("Sweep"));
    m_tabs->setDocumentMode(true);
    setCentralWidget(m_tabs);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::onTabChanged);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowNestedDocks);

    m_controlsDock = new QDockWidget(tr("Controls"), this);
    m_controlsDock->setObjectName(QStringLiteral("controlsDock"));   // saveState keys docks by name
    m_controlsDock->setWidget(buildControls());
    addDockWidget(Qt::RightDockWidgetArea, m_controlsDock);
    m_resultsDock = new QDockWidget(tr("Result"), this);
    m_resultsDock->setObjectName(QStringLiteral("resultsDock"));
    m_resultsDock->setWidget(buildResults());
    addDockWidget(Qt::BottomDockWidgetArea, m_resultsDock);
    m_galleryDock = new QDockWidget(tr("Gallery"), this);
    m_galleryDock->setObjectName(QStringLiteral("galleryDock"));
    m_galleryDock->setWidget(m_gallery);
    m_gallery->setMinimumWidth(170);
    addDockWidget(Qt::LeftDockWidgetArea, m_galleryDock);
    // The controls run the window's full height; the result strip sits under the canvas.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    buildMenus();

    statusBar()->addPermanentWidget(m_work);
    statusBar()->showMessage(tr("Open a model folder (Ctrl+M) and an image (Ctrl+O), or drop them here."));

    connect(m_session, &ModelSession::modelLoaded, this, &MainWindow::onModelLoaded);
    connect(m_session, &ModelSession::loadFailed, this, &MainWindow::onLoadFailed);
    connect(m_inspect, &InspectState::answered, this, &MainWindow::onAnswered);
    connect(m_session, &ModelSession::runFailed, this, &MainWindow::onRunFailed);
    connect(m_session, &ModelSession::cancelled, this, &MainWindow::onCancelled);
    connect(m_session, &ModelSession::progress, this, &MainWindow::onProgress);
    connect(m_session, &ModelSession::busyChanged, this, &MainWindow::onBusyChanged);
    connect(m_images, &ImageLoader::loaded, this, &MainWindow::onImageLoaded);
    connect(m_images, &ImageLoader::failed, this, &MainWindow::onImageFailed);
    connect(m_canvases, &CanvasPair::imageFileDropped, this, &MainWindow::openImage);
    connect(m_canvases, &CanvasPair::modelFolderDropped, this, &MainWindow::openModel);
    connect(m_canvas, &ImageCanvas::tokenHovered, this, &MainWindow::updateInspector);
    connect(m_canvas, &ImageCanvas::tokenPinned, this, &MainWindow::updateInspector);
    connect(m_questions, &QuestionPanel::askRequested, this, &MainWindow::ask);
    connect(m_methods, &MethodPanel::choiceChanged, this, &MainWindow::onChoiceChanged);
    connect(m_compareMethods, &MethodPanel::choiceChanged, this, &MainWindow::onChoiceChanged);
    connect(m_layers, &LayerPanel::layersChanged, this, [this](const OverlayLayers &layers) {
        m_canvases->setLayers(layers);
        m_settings->setLayers(layers);
    });
    connect(m_work, &WorkIndicator::cancelRequested, this, &MainWindow::cancel);
    connect(m_sweeps, &SweepPanel::errorReported, this, &MainWindow::reportError);
    connect(m_sweeps, &SweepPanel::sampleActivated, this, &MainWindow::onSampleActivated);
    connect(m_gallery, &GalleryView::imageChosen, this, &MainWindow::openGalleryImage);

    m_canvases->setLayers(m_layers->layers());
    m_compareMethods->setLiveVisible(false);   // the left panel's switch governs both
    setComparing(false);
    resize(1360, 860);
    updateActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *openModelAction = file->addAction(tr("Open &Model Folder\u2026"), this, &MainWindow::chooseModelFolder);
    openModelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    QAction *openImageAction = file->addAction(tr("&Open Image\u2026"), this, &MainWindow::chooseImage);
    openImageAction->setShortcut(QKeySequence::Open);
    QMenu *recentModels = file->addMenu(tr("Recent Models"));
    connect(recentModels, &QMenu::aboutToShow, this,
            [this, recentModels] { fillRecentMenu(recentModels, RecentKind::Model); });
    QMenu *recentImages = file->addMenu(tr("Recent Images"));
    connect(recentImages, &QMenu::aboutToShow, this,
            [this, recentImages] { fillRecentMenu(recentImages, RecentKind::Image); });
    file->addAction(tr("Open &Sweep Folder\u2026"), this, &MainWindow::chooseSweepFolder);
    file->addSeparator();
    m_exportAction = file->addAction(tr("&Export Overlay PNG\u2026"), this, &MainWindow::chooseOverlayExport);
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_copyAction = file->addAction(tr("&Copy Overlay"), this, &MainWindow::copyOverlay);
    m_copyAction->setShortcut(QKeySequence::Copy);
    file->addSeparator();
    QAction *quitAction = file->addAction(tr("&Quit"), this, &QWidget::close);
    quitAction->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, m_canvas, &ImageCanvas::zoomIn);
    view->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, m_canvas, &ImageCanvas::zoomOut);
    view->addAction(tr("&Fit to Window"), QKeySequence(Qt::CTRL | Qt::Key_0), m_canvas, &ImageCanvas::fitToWindow);
    view->addSeparator();
    view->addAction(tr("&Inspect"), QKeySequence(Qt::CTRL | Qt::Key_1), this, &MainWindow::showInspector);
    view->addAction(tr("S&weep"), QKeySequence(Qt::CTRL | Qt::Key_2), this, &MainWindow::showSweeps);
    m_compareAction = view->addAction(tr("&Compare Side by Side"), QKeySequence(Qt::CTRL | Qt::Key_D), this,
                                      &MainWindow::setComparing);
    m_compareAction->setCheckable(true);
    view->addSeparator();
    view->addAction(m_galleryDock->toggleViewAction());
    view->addAction(m_controlsDock->toggleViewAction());
    view->addAction(m_resultsDock->toggleViewAction());

    QMenu *language = view->addMenu(tr("&Language"));
    auto *languages = new QActionGroup(language);
    for (const Language &choice : availableLanguages()) {
        QAction *action = language->addAction(choice.name);
        action->setCheckable(true);
        action->setChecked(choice.code == m_settings->language());
        languages->addAction(action);
        connect(action, &QAction::triggered, this, [this, code = choice.code, name = choice.name] {
            m_settings->setLanguage(code);
            statusBar()->showMessage(tr("The window speaks %1 from the next start.").arg(name), statusTimeoutMs);
        });
    }

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    m_askAction = run->addAction(tr("&Ask"), QKeySequence(Qt::CTRL | Qt::Key_Return), this, &MainWindow::ask);
    run->addAction(tr("&Cancel"), QKeySequence(Qt::Key_Escape), this, &MainWindow::cancel);
}

void MainWindow::fillRecentMenu(QMenu *menu, RecentKind recentKind)
{
    menu->clear();
    const QStringList paths = m_settings->recent(recentKind);
    if (paths.isEmpty()) {
        menu->addAction(tr("(none)"))->setEnabled(false);
        return;
    }
    for (const QString &path : paths)
        menu->addAction(QDir::toNativeSeparators(path), this, [this, path, recentKind] {
            if (recentKind == RecentKind::Model)
                openModel(path);
            else
                openImage(path);
        });
}

QWidget *MainWindow::buildControls()
{
    auto *panel = new QWidget(this);
    auto *layout = new QVBoxLayout(panel);

    auto *inputs = new QGroupBox(tr("Model and image"), panel);
    auto *inputsLayout = new QVBoxLayout(inputs);
    for (QLabel *label : {m_modelLabel, m_imageLabel}) {
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        inputsLayout->addWidget(label);
    }
    m_computePanel->setOptions(m_compute);
    inputsLayout->addWidget(m_computePanel);
    connect(m_computePanel, &ComputePanel::applyRequested, this, &MainWindow::setComputeOptions);
    layout->addWidget(inputs);

    auto *question = new QGroupBox(tr("Question"), panel);
    (new QVBoxLayout(question))->addWidget(m_questions);
    layout->addWidget(question);

    auto *method = new QGroupBox(tr("Compression"), panel);
    (new QVBoxLayout(method))->addWidget(m_methods);
    layout->addWidget(method);

    auto *compare = new QGroupBox(tr("Compare: right canvas"), panel);
    (new QVBoxLayout(compare))->addWidget(m_compareMethods);
    m_compareGroup = compare;
    layout->addWidget(compare);

    auto *layers = new QGroupBox(tr("Layers"), panel);
    auto *layersLayout = new QVBoxLayout(layers);
    layersLayout->addWidget(m_layers);
    m_inspector->setWordWrap(true);
    m_inspector->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_inspector->setToolTip(tr("The token under the cursor; click a token to pin it"));
    layersLayout->addWidget(m_inspector);
    layout->addWidget(layers);

    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorLabel->setStyleSheet(QStringLiteral("QLabel { color: #b00020; }"));
    m_errorLabel->hide();
    layout->addWidget(m_errorLabel);
    layout->addStretch(1);

    m_modelLabel->setText(tr("No model loaded."));
    m_imageLabel->setText(tr("No image loaded."));
    updateInspector();

    auto *scroll = new QScrollArea(this);
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(360);
    return scroll;
}

void MainWindow::updateCaptions()
{
    auto caption = [](const MethodPanel *panel) {
        return tr("%1 \u00b7 budget %2%").arg(panel->methodName()).arg(qRound(panel->budget() * 100));
    };
    m_canvases->setCaptions(caption(m_methods), caption(m_compareMethods));
}

void MainWindow::setComparing(bool comparing)
{
    m_canvases->setComparing(comparing);
    m_compareGroup->setVisible(comparing);
    m_compareAction->setChecked(comparing);
    updateCaptions();
    // The new canvas needs its own answer: ask again when a question is there.
    if (comparing && m_inspect->lastResult() && m_methods->isLive())
        ask();
}

bool MainWindow::isComparing() const
{
    return m_canvases->isComparing();
}

bool MainWindow::setComparisonMethod(const QString &name, double budget)
{
    return m_compareMethods->setChoice(name, budget);
}

QWidget *MainWindow::buildResults()
{
    auto *panel = new QWidget(this);
    auto *layout = new QHBoxLayout(panel);
    auto *answer = new QVBoxLayout;
    m_answer->setReadOnly(true);
    m_answer->setPlaceholderText(tr("The model's answer appears here."));
    m_answer->setMaximumBlockCount(1000);
    answer->addWidget(m_answer, 1);
    m_tokensLabel->setWordWrap(true);
    answer->addWidget(m_tokensLabel);
    layout->addLayout(answer, 2);
    m_chart->setMinimumSize(360, 200);
    layout->addWidget(m_chart, 3);
    return panel;
}

void MainWindow::openModel(const QString &directory)
{
    clearError();
    m_modelLabel->setText(tr("Loading %1\u2026").arg(QDir::toNativeSeparators(directory)));
    m_session->loadModel(directory);
    updateActions();
}

void MainWindow::openImage(const QString &path)
{
    clearError();
    m_imageLoading = true;
    m_images->load(path);
}

void MainWindow::setQuestion(const QString &question)
{
    m_questions->setQuestion(question);
}

bool MainWindow::setMethod(const QString &name, double budget)
{
    return m_methods->setChoice(name, budget);
}

const std::optional<RunResult> &MainWindow::lastResult() const
{
    return m_inspect->lastResult();
}

const std::optional<RunResult> &MainWindow::lastComparison() const
{
    return m_inspect->lastComparison();
}

bool MainWindow::canAsk() const
{
    return m_session->hasModel() && m_inspect->hasImage();
}

bool MainWindow::isBusy() const
{
    return m_session->isBusy();
}

quint64 MainWindow::ask()
{
    if (!canAsk())
        return 0;
    MethodChoice choice;
    std::optional<MethodChoice> comparison;
    try {
        choice = m_methods->choice();
    } catch (const std::exception &e) {   // tokenscope::Error names the value
        reportError(QString::fromStdString(e.what()));
        return 0;
    }
    if (isComparing()) {
        try {
            comparison = m_compareMethods->choice();
        } catch (const std::exception &e) {
            reportError(tr("Right canvas: %1").arg(QString::fromStdString(e.what())));
            return 0;
        }
    }
    clearError();
    const quint64 generation = m_inspect->ask(m_questions->question(), choice, comparison);
    if (generation != 0)
        statusBar()->showMessage(tr("Asking\u2026"));
    return generation;
}

void MainWindow::askWhenReady()
{
    m_askPending = true;
    askIfPending();
}

void MainWindow::askIfPending()
{
    if (m_askPending && canAsk() && !m_imageLoading) {
        m_askPending = false;
        ask();
    }
}

void MainWindow::cancel()
{
    m_session->cancel();
    statusBar()->showMessage(tr("Cancelling\u2026"));
}

QImage MainWindow::overlayImage() const
{
    const QImage &image = m_canvas->image();
    if (image.isNull())
        return {};
    const CompressionPlan *plan = m_canvas->plan() ? &*m_canvas->plan() : nullptr;
    return OverlayPainter::render(image, plan, overlayExportSize(image.size()), m_canvas->layers());
}

void MainWindow::copyOverlay()
{
    const QImage overlay = overlayImage();
    if (overlay.isNull())
        return;
    QApplication::clipboard()->setImage(overlay);
    statusBar()->showMessage(tr("Copied the overlay to the clipboard"), statusTimeoutMs);
}

bool MainWindow::exportOverlay(const QString &path) const
{
    const QImage overlay = overlayImage();
    return !overlay.isNull() && overlay.save(path, "PNG");
}

void MainWindow::chooseModelFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Model Folder"));
    if (!dir.isEmpty())
        openModel(dir);
}

void MainWindow::chooseImage()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Image"), QString(), tr("Images (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff);;All files (*)"));
    if (!path.isEmpty())
        openImage(path);
}

void MainWindow::chooseOverlayExport()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Overlay PNG"), QStringLiteral("overlay.png"),
                                                      tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    if (exportOverlay(path))
        statusBar()->showMessage(tr("Wrote %1").arg(QDir::toNativeSeparators(path)), statusTimeoutMs);
    else
        reportError(tr("%1: could not be written").arg(QDir::toNativeSeparators(path)));
}

void MainWindow::onModelLoaded(const tokenscope::ModelInfo &info)
{
    clearError();
    m_modelSummary = describeModel(info);
    m_modelLabel->setText(m_modelSummary);
    m_modelLabel->setToolTip(QString::fromStdString(info.directory.string()));
    const QString defaultRatio = QString::fromStdString(info.defaultMethod);
    m_methods->setCapabilities(info.flash, info.hasSelector, info.defaultThresholds, defaultRatio);
    m_compareMethods->setCapabilities(info.flash, info.hasSelector, info.defaultThresholds, defaultRatio);
    m_modelDir = QString::fromStdString(info.directory.string());
    m_sweeps->setModel(m_session, m_modelDir);
    m_settings->addRecent(RecentKind::Model, QString::fromStdString(info.directory.string()));
    statusBar()->showMessage(tr("Model loaded: %1").arg(QString::fromStdString(info.directory.filename().string())),
                             statusTimeoutMs);
    updateActions();
    Q_EMIT modelReady(info);
    askIfPending();
}

void MainWindow::onLoadFailed(const QString &message)
{
    m_askPending = false;
    // A failed load keeps the previous model (the worker only replaces it on success).
    m_modelLabel->setText(m_modelSummary.isEmpty() ? tr("No model loaded.") : m_modelSummary);
    reportError(message);
    updateActions();
}

void MainWindow::onImageLoaded(const QString &path, const QImage &preview)
{
    m_imageLoading = false;
    m_inspect->setImage(m_images->current().pixels, path);
    m_settings->addRecent(RecentKind::Image, path);
    m_canvases->setImage(preview);
    clearResult();
    const QFileInfo info(path);
    m_imageLabel->setText(tr("%1 (%2 \u00d7 %3)").arg(info.fileName()).arg(preview.width()).arg(preview.height()));
    m_imageLabel->setToolTip(QDir::toNativeSeparators(path));
    setWindowTitle(tr("TokenScope \u2014 %1").arg(info.fileName()));
    updateActions();
    Q_EMIT imageReady(path);
    askIfPending();
}

void MainWindow::onImageFailed(const QString &path, const QString &message)
{
    Q_UNUSED(path);
    m_askPending = false;
    m_imageLoading = false;
    reportError(message);   // the previous image, if any, stays
}

void MainWindow::onAnswered(const InspectAnswer &answered)
{
    const RunResult &result = answered.result;
    m_appliedGeneration = answered.generation;
    m_canvas->setPlan(result.plan);
    updateInspector();
    m_chart->setTimings(result.timings, result.flops);
    QString answer = describeAnswer(result);
    QString tokens = describeTokenCounts(result);
    if (answered.comparison) {
        m_compareCanvas->setPlan(answered.comparison->plan);
        answer = tr("Left: %1\nRight: %2").arg(answer, describeAnswer(*answered.comparison));
        tokens = tr("Left: %1\nRight: %2").arg(tokens, describeTokenCounts(*answered.comparison));
    } else {
        m_compareCanvas->clearPlan();
    }
    updateCaptions();
    m_answer->setPlainText(answer);
    m_tokensLabel->setText(tokens);
    statusBar()->showMessage(tr("Answered in %1 ms").arg(result.timings.totalMs(), 0, 'f', 0), statusTimeoutMs);
    updateActions();
    Q_EMIT answerApplied(answered.generation);
}

void MainWindow::onRunFailed(quint64 generation, const QString &message)
{
    Q_UNUSED(generation);
    reportError(message);
}

void MainWindow::onCancelled(quint64 generation)
{
    Q_UNUSED(generation);
    statusBar()->showMessage(tr("Cancelled."), statusTimeoutMs);
}

void MainWindow::onProgress(quint64 generation, double fraction, const QString &stage)
{
    Q_UNUSED(generation);
    m_work->setProgress(fraction, stage);
}

void MainWindow::onBusyChanged(bool busy)
{
    if (busy)
        m_work->start();
    else
        m_work->stop();
    updateActions();
}

void MainWindow::onChoiceChanged()
{
    m_settings->setMethod({m_methods->methodName(), m_methods->budget(), m_methods->isLive()});
    m_settings->setMethod({m_compareMethods->methodName(), m_compareMethods->budget(), true}, true);
    updateCaptions();
    // Live: a question already asked about this image is asked again with the new choice.
    if (m_methods->isLive() && canAsk() && !m_questions->question().trimmed().isEmpty())
        ask();
}

void MainWindow::updateInspector()
{
    const int pinned = m_canvas->pinnedToken();
    const int token = pinned >= 0 ? pinned : m_canvas->hoveredToken();
    if (token < 0) {
        m_inspector->setText(tr("Hover a token to inspect it; click to pin."));
        return;
    }
    const QString text = m_canvas->tokenDescription(token);
    m_inspector->setText(pinned >= 0 ? tr("Pinned: %1").arg(text) : text);
}

void MainWindow::setComputeOptions(const ComputeOptions &options)
{
    m_compute = options;
    m_computePanel->setOptions(options);
    m_session->setComputeOptions(options);
    m_settings->setCompute(options);
    if (!m_modelDir.isEmpty()) {
        openModel(m_modelDir);
    }
}

void MainWindow::showInspector()
{
    m_tabs->setCurrentIndex(0);
}

void MainWindow::showSweeps()
{
    m_tabs->setCurrentIndex(1);
}

bool MainWindow::isShowingSweeps() const
{
    return m_tabs->currentIndex() == 1;
}

void MainWindow::onTabChanged(int index)
{
    // The docks serve the canvas: the sweep's figures and table get the whole window, and the
    // docks come back as they were.
    if (index == 1) {
        for (QDockWidget *dock : {m_galleryDock, m_controlsDock, m_resultsDock})
            if (dock->isVisible() && !dock->isFloating()) {
                m_docksHiddenForSweep.push_back(dock);
                dock->hide();
            }
    } else {
        for (QDockWidget *dock : std::as_const(m_docksHiddenForSweep))
            dock->show();
        m_docksHiddenForSweep.clear();
    }
}

void MainWindow::openSweepFolder(const QString &directory)
{
    showSweeps();
    if (m_sweeps->openFolder(directory))
        statusBar()->showMessage(tr("Opened sweep %1").arg(QDir::toNativeSeparators(directory)), statusTimeoutMs);
}

void MainWindow::chooseSweepFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Sweep Folder"));
    if (!dir.isEmpty())
        openSweepFolder(dir);
}

void MainWindow::onSampleActivated(const QString &imagePath, const QString &question, const QString &method, double budget)
{
    // The method changes without a live re-run: the answer that matters is the new image's.
    const bool live = m_methods->isLive();
    m_methods->setLive(false);
    const bool known = setMethod(method, budget);
    m_methods->setLive(live);
    if (!known)
        reportError(tr("Method '%1' cannot run on the loaded model").arg(method));
    setQuestion(question);
    showInspector();
    openImage(imagePath);
    askWhenReady();
}

void MainWindow::openGalleryImage(const QString &path, const QString &question)
{
    const QString current = m_questions->question().trimmed();
    if (!question.isEmpty() && (current.isEmpty() || current == m_suggestedQuestion)) {
        setQuestion(question);
        m_suggestedQuestion = question;
    }
    showInspector();
    openImage(path);
    if (m_methods->isLive())
        askWhenReady();
}

void MainWindow::restoreSettings()
{
    if (const QByteArray geometry = m_settings->windowGeometry(); !geometry.isEmpty())
        restoreGeometry(geometry);
    if (const QByteArray state = m_settings->windowState(); !state.isEmpty())
        restoreState(state, AppSettings::layoutVersion);
    // Read everything first: applying one choice saves the others as they stand.
    const MethodSettings method = m_settings->method();
    const MethodSettings comparison = m_settings->method(true);
    const bool comparing = m_settings->comparing();
    const OverlayLayers layers = m_settings->layers();
    // A stored name this build no longer knows keeps the default choice.
    m_methods->setLive(method.live);
    setMethod(method.method, method.budget);
    setComparisonMethod(comparison.method, comparison.budget);
    setComparing(comparing);
    m_layers->setLayers(layers);
}

void MainWindow::saveSettings() const
{
    // The layout saved is the Inspect tab's: docks hidden for the sweep count as shown.
    for (QDockWidget *dock : m_docksHiddenForSweep)
        dock->show();
    m_settings->saveWindow(saveGeometry(), saveState(AppSettings::layoutVersion));
    for (QDockWidget *dock : m_docksHiddenForSweep)
        dock->hide();
    m_settings->setMethod({m_methods->methodName(), m_methods->budget(), m_methods->isLive()});
    m_settings->setMethod({m_compareMethods->methodName(), m_compareMethods->budget(), true}, true);
    m_settings->setComparing(isComparing());
    m_settings->setLayers(m_layers->layers());
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::clearResult()
{
    m_inspect->clearAnswer();
    m_canvases->clearPlans();
    m_chart->clear();
    m_answer->clear();
    m_tokensLabel->clear();
}

void MainWindow::reportError(const QString &message)
{
    m_errorLabel->setText(message);
    m_errorLabel->show();
    statusBar()->showMessage(message, statusTimeoutMs);
    Q_EMIT errorReported(message);
    if (m_errorDialogs) {
        // open(), not exec(): the window keeps running while the message is up.
        auto *box = new QMessageBox(QMessageBox::Warning, tr("TokenScope"), message, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
}

void MainWindow::clearError()
{
    m_errorLabel->clear();
    m_errorLabel->hide();
}

void MainWindow::updateActions()
{
    m_questions->setAskEnabled(canAsk());
    m_askAction->setEnabled(canAsk());
    m_copyAction->setEnabled(!m_canvas->image().isNull());
    m_exportAction->setEnabled(!m_canvas->image().isNull());
}

QString MainWindow::modelText() const
{
    return m_modelLabel->text();
}

QString MainWindow::answerText() const
{
    return m_answer->toPlainText();
}

QString MainWindow::tokenCountText() const
{
    return m_tokensLabel->text();
}

QString MainWindow::errorText() const
{
    return m_errorLabel->text();
}

QString MainWindow::inspectorText() const
{
    return m_inspector->text();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (classifyDrop(event->mimeData()).kind != DroppedPath::Kind::None)
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const DroppedPath dropped = classifyDrop(event->mimeData());
    if (dropped.kind == DroppedPath::Kind::ModelFolder)
        openModel(dropped.path);
    else if (dropped.kind == DroppedPath::Kind::ImageFile)
        openImage(dropped.path);
    else
        return;
    event->acceptProposedAction();
}

} // namespace tokenscope::widgets
