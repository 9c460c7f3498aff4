// SPDX-License-Identifier: MIT
#include "main_window.h"

#include "app_settings.h"
#include "demo_resources.h"
#include "dropped_path.h"
#include "gallery_view.h"
#include "image_canvas.h"
#include "inspect_page.h"
#include "model_session.h"
#include "sweep_panel.h"
#include "translations.h"
#include "work_indicator_p.h"

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
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QStatusBar>
#include <QTabWidget>

namespace tokenscope::widgets {

namespace {
constexpr int statusTimeoutMs = 8000;
}

MainWindow::MainWindow(const ComputeOptions &compute, QWidget *parent)
    : QMainWindow(parent), m_settings(std::make_unique<AppSettings>()), m_session(new ModelSession(compute, this)),
      m_inspect(new InspectPage(m_session, m_settings.get(), compute, this)), m_sweeps(new SweepPanel(this)),
      m_gallery(new GalleryView(this)), m_work(new WorkIndicator(this)), m_tabs(new QTabWidget(this)),
      m_compute(compute)
{
    setWindowTitle(tr("TokenScope"));
    setAcceptDrops(true);
    m_tabs->addTab(m_inspect, tr("Inspect"));
    m_tabs->addTab(m_sweeps, tr("Sweep"));
    m_tabs->setDocumentMode(true);
    setCentralWidget(m_tabs);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::onTabChanged);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowNestedDocks);

    // saveState keys docks by object name.
    m_controlsDock =
        addDock(tr("Controls"), QStringLiteral("controlsDock"), m_inspect->controls(), Qt::RightDockWidgetArea);
    m_resultsDock =
        addDock(tr("Result"), QStringLiteral("resultsDock"), m_inspect->results(), Qt::BottomDockWidgetArea);
    m_galleryDock = addDock(tr("Gallery"), QStringLiteral("galleryDock"), m_gallery, Qt::LeftDockWidgetArea);
    m_gallery->setMinimumWidth(170);
    // The controls run the window's full height; the result strip sits under the canvas.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    buildMenus();

    statusBar()->addPermanentWidget(m_work);
    statusBar()->showMessage(tr("Open a model folder (Ctrl+M) and an image (Ctrl+O), or drop them here."));

    connect(m_session, &ModelSession::modelLoaded, this, &MainWindow::onModelLoaded);
    connect(m_session, &ModelSession::loadFailed, this, [this](const QString &message) {
        // Nothing to ask yet: point at the model that ships with the app.
        const bool offerDemo = !m_session->hasModel() && !demoModelDir().isEmpty();
        reportError(offerDemo ? message + QLatin1Char('\n') +
                                    tr("File \u2192 Open Demo Model opens the model TokenScope ships.")
                              : message,
                    offerDemo);
        updateActions();
    });
    connect(m_session, &ModelSession::runFailed, this,
            [this](quint64, const QString &message) { reportError(message); });
    connect(m_session, &ModelSession::cancelled, this, [this] { showStatus(tr("Cancelled."), statusTimeoutMs); });
    connect(m_session, &ModelSession::progress, this,
            [this](quint64, double fraction, const QString &stage) { m_work->setProgress(fraction, stage); });
    connect(m_session, &ModelSession::busyChanged, this,
            [this](bool busy) { busy ? m_work->start() : m_work->stop(); });
    connect(m_inspect, &InspectPage::errorOccurred, this, [this](const QString &message) { reportError(message); });
    connect(m_inspect, &InspectPage::statusMessage, this, &MainWindow::showStatus);
    connect(m_inspect, &InspectPage::actionsChanged, this, &MainWindow::updateActions);
    connect(m_inspect, &InspectPage::comparingChanged, m_compareAction, &QAction::setChecked);
    connect(m_inspect, &InspectPage::modelFolderDropped, this, &MainWindow::openModel);
    connect(m_inspect, &InspectPage::computeOptionsApplied, this, &MainWindow::setComputeOptions);
    connect(m_inspect, &InspectPage::imageReady, this, [this](const QString &path) {
        setWindowTitle(tr("TokenScope \u2014 %1").arg(QFileInfo(path).fileName()));
        m_gallery->showCurrent(path);
    });
    connect(m_work, &WorkIndicator::cancelRequested, this, &MainWindow::cancel);
    connect(m_sweeps, &SweepPanel::errorReported, this, [this](const QString &message) { reportError(message); });
    connect(m_sweeps, &SweepPanel::sampleActivated, this,
            [this](const QString &image, const QString &question, const QString &method, double budget,
                   const QStringList &references, const QString &metric) {
                showInspector();
                std::optional<ReferenceAnswer> reference;
                if (const auto scored = parseMetric(metric.toStdString()); scored && !references.isEmpty()) {
                    reference = ReferenceAnswer{{}, *scored};
                    for (const QString &answer : references)
                        reference->answers.push_back(answer.toStdString());
                }
                m_inspect->showSample(image, question, method, budget, reference);
            });
    connect(m_gallery, &GalleryView::imageChosen, this, &MainWindow::openGalleryImage);

    resize(1360, 860);
    updateActions();
}

MainWindow::~MainWindow() = default;

QDockWidget *MainWindow::addDock(const QString &title, const QString &name, QWidget *widget, Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(name);
    dock->setWidget(widget);
    widget->show();
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *openModelAction = file->addAction(tr("Open &Model Folder\u2026"), this, &MainWindow::chooseModelFolder);
    openModelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    QAction *openImageAction = file->addAction(tr("&Open Image\u2026"), this, &MainWindow::chooseImage);
    openImageAction->setShortcut(QKeySequence::Open);
    if (!demoModelDir().isEmpty())
        file->addAction(tr("Open &Demo Model"), this, [this] { openModel(demoModelDir()); });
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
    view->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, m_inspect->canvas(), &ImageCanvas::zoomIn);
    view->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, m_inspect->canvas(), &ImageCanvas::zoomOut);
    view->addAction(tr("&Fit to Window"), QKeySequence(Qt::CTRL | Qt::Key_0), m_inspect->canvas(),
                    &ImageCanvas::fitToWindow);
    QAction *raw = view->addAction(tr("Show the &Raw Image (or hold Space)"));
    raw->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    raw->setCheckable(true);
    connect(raw, &QAction::toggled, this, [this](bool on) {
        m_inspect->canvas()->setRawView(on);
        m_inspect->comparisonCanvas()->setRawView(on);
    });
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
            // Said where it is seen, not only in the status bar: nothing changes until a restart.
            const QString message = tr("The window speaks %1 from the next start.").arg(name);
            statusBar()->showMessage(message, statusTimeoutMs);
            if (m_errorDialogs) {
                auto *box = new QMessageBox(QMessageBox::Information, tr("Language"), message, QMessageBox::Ok, this);
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
            }
        });
    }

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    m_askAction = run->addAction(tr("&Ask"), QKeySequence(Qt::CTRL | Qt::Key_Return), this, &MainWindow::ask);
    run->addAction(tr("&Cancel"), QKeySequence(Qt::Key_Escape), this, &MainWindow::cancel);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&What Am I Looking At?"), QKeySequence::HelpContents, this, &MainWindow::showGuide);
    help->addAction(tr("&Keyboard Shortcuts"), this, &MainWindow::showShortcuts);
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

void MainWindow::setComparing(bool comparing)
{
    m_inspect->setComparing(comparing);
}

bool MainWindow::isComparing() const
{
    return m_inspect->isComparing();
}

bool MainWindow::setComparisonMethod(const QString &name, double budget)
{
    return m_inspect->setComparisonMethod(name, budget);
}

void MainWindow::openModel(const QString &directory)
{
    m_inspect->showModelLoading(directory);
    m_session->loadModel(directory);
}

void MainWindow::openImage(const QString &path)
{
    m_inspect->openImage(path);
}

void MainWindow::setQuestion(const QString &question)
{
    m_inspect->setQuestion(question);
}

bool MainWindow::setMethod(const QString &name, double budget)
{
    return m_inspect->setMethod(name, budget);
}

bool MainWindow::isBusy() const
{
    return m_session->isBusy();
}

quint64 MainWindow::ask()
{
    return m_inspect->ask();
}

void MainWindow::askWhenReady()
{
    m_inspect->askWhenReady();
}

void MainWindow::cancel()
{
    m_session->cancel();
    showStatus(tr("Cancelling\u2026"), 0);
}

void MainWindow::copyOverlay()
{
    const QImage overlay = m_inspect->overlayImage();
    if (overlay.isNull())
        return;
    QApplication::clipboard()->setImage(overlay);
    showStatus(tr("Copied the overlay to the clipboard"), statusTimeoutMs);
}

bool MainWindow::exportOverlay(const QString &path) const
{
    const QImage overlay = m_inspect->overlayImage();
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
        showStatus(tr("Wrote %1").arg(QDir::toNativeSeparators(path)), statusTimeoutMs);
    else
        reportError(tr("%1: could not be written").arg(QDir::toNativeSeparators(path)));
}

void MainWindow::onModelLoaded(const tokenscope::ModelInfo &info)
{
    m_modelDir = QString::fromStdString(info.directory.string());
    m_sweeps->setModel(m_session, m_modelDir);
    m_settings->addRecent(RecentKind::Model, m_modelDir);
    showStatus(tr("Model loaded: %1. F1 explains what the canvas shows.")
                   .arg(QString::fromStdString(info.directory.filename().string())),
               statusTimeoutMs);
    updateActions();
    Q_EMIT modelReady(info);
}

void MainWindow::setComputeOptions(const ComputeOptions &options)
{
    m_compute = options;
    m_inspect->setComputeOptions(options);
    m_session->setComputeOptions(options);
    m_settings->setCompute(options);
    if (!m_modelDir.isEmpty())
        openModel(m_modelDir);
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
        showStatus(tr("Opened sweep %1").arg(QDir::toNativeSeparators(directory)), statusTimeoutMs);
}

void MainWindow::chooseSweepFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Sweep Folder"));
    if (!dir.isEmpty())
        openSweepFolder(dir);
}

void MainWindow::openGalleryImage(const QString &path, const QString &question)
{
    showInspector();
    m_inspect->openGalleryImage(path, question);
}

void MainWindow::restoreSettings()
{
    if (const QByteArray geometry = m_settings->windowGeometry(); !geometry.isEmpty())
        restoreGeometry(geometry);
    if (const QByteArray state = m_settings->windowState(); !state.isEmpty())
        restoreState(state, AppSettings::layoutVersion);
    m_inspect->restoreSettings();
    if (const auto form = m_settings->sweepForm())
        m_sweeps->setForm(*form);
}

void MainWindow::saveSettings() const
{
    // The layout saved is the Inspect tab's: docks hidden for the sweep count as shown.
    for (QDockWidget *dock : m_docksHiddenForSweep)
        dock->show();
    m_settings->saveWindow(saveGeometry(), saveState(AppSettings::layoutVersion));
    for (QDockWidget *dock : m_docksHiddenForSweep)
        dock->hide();
    m_inspect->saveSettings();
    m_settings->setSweepForm(m_sweeps->form());
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::showGuide()
{
    auto *box =
        new QMessageBox(QMessageBox::NoIcon, tr("What am I looking at?"), guideText(), QMessageBox::Close, this);
    box->setTextFormat(Qt::RichText);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::showShortcuts()
{
    // Every action with a shortcut, as the menus spell them.
    QString rows;
    for (QAction *action : menuBar()->findChildren<QAction *>())
        if (!action->shortcut().isEmpty())
            rows += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                        .arg(action->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped(),
                             action->text().remove(QLatin1Char('&')).toHtmlEscaped());
    rows += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                .arg(tr("Space (held)"), tr("the image alone, without layers"));
    auto *box =
        new QMessageBox(QMessageBox::NoIcon, tr("Keyboard Shortcuts"),
                        QStringLiteral("<table cellspacing=\"6\">%1</table>").arg(rows), QMessageBox::Close, this);
    box->setTextFormat(Qt::RichText);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

QString MainWindow::guideText()
{
    return tr("<p><b>The image is cut into tiles</b> (plus a thumbnail of the whole image). Each tile becomes visual "
              "tokens: 16 per 112-px tile at <b>1/4</b> (blue outline, full detail) or 4 at <b>1/16</b> (orange, "
              "compressed).</p>"
              "<p><b>p</b> on a tile is the ViR router's probability that the tile can be compressed. The router "
              "sends a tile at 1/16 when p is above the quantile and the absolute threshold the legend names.</p>"
              "<p><b>Token methods</b> then keep a share of the tokens, the <b>budget</b>: k = max(1, \u230a"
              "b\u00b7N\u230b) "
              "of the N tokens. Their scores are the heatmap; dropped tokens are dimmed and hatched; merged tokens "
              "are joined to the token they went into. Hold <b>Space</b> to see the image alone.</p>"
              "<p><b>Compare</b> (Ctrl+D) answers with a second method or budget on the same encoding. The "
              "<b>Sweep</b> tab runs methods \u00d7 budgets over a dataset and plots quality against tokens and "
              "latency.</p>");
}

void MainWindow::showStatus(const QString &message, int timeoutMs)
{
    statusBar()->showMessage(message, timeoutMs);
}

void MainWindow::reportError(const QString &message, bool offerDemo)
{
    m_inspect->showError(message);
    showStatus(message, statusTimeoutMs);
    Q_EMIT errorReported(message);
    if (m_errorDialogs) {
        // open(), not exec(): the window keeps running while the message is up.
        auto *box = new QMessageBox(QMessageBox::Warning, tr("TokenScope"), message, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        if (offerDemo)
            connect(box->addButton(tr("Open the Demo Model"), QMessageBox::AcceptRole), &QPushButton::clicked, this,
                    [this] { openModel(demoModelDir()); });
        box->open();
    }
}

void MainWindow::updateActions()
{
    const bool hasImage = !m_inspect->canvas()->image().isNull();
    m_askAction->setEnabled(m_inspect->canAsk());
    m_copyAction->setEnabled(hasImage);
    m_exportAction->setEnabled(hasImage);
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
