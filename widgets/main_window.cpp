// SPDX-License-Identifier: MIT
#include "main_window.h"

#include "dropped_path.h"
#include "image_canvas.h"
#include "image_loader.h"
#include "model_session.h"
#include "overlay_painter.h"
#include "question_panel.h"
#include "result_text.h"
#include "stage_timing_chart.h"
#include "work_indicator.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QStatusBar>
#include <QVBoxLayout>

namespace tokenscope::widgets {

namespace {
constexpr int statusTimeoutMs = 8000;
}

MainWindow::MainWindow(const ComputeOptions &compute, QWidget *parent)
    : QMainWindow(parent), m_session(new ModelSession(compute, this)), m_images(new ImageLoader(this)),
      m_canvas(new ImageCanvas(this)), m_questions(new QuestionPanel(this)), m_chart(new StageTimingChart(this)),
      m_work(new WorkIndicator(this)), m_modelLabel(new QLabel(this)), m_imageLabel(new QLabel(this)),
      m_errorLabel(new QLabel(this)), m_tokensLabel(new QLabel(this)), m_answer(new QPlainTextEdit(this))
{
    setWindowTitle(tr("TokenScope"));
    setAcceptDrops(true);
    buildMenus();

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_canvas);
    splitter->addWidget(buildSidePanel());
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);
    setCentralWidget(splitter);
    statusBar()->addPermanentWidget(m_work);
    statusBar()->showMessage(tr("Open a model folder (Ctrl+M) and an image (Ctrl+O), or drop them here."));

    connect(m_session, &ModelSession::modelLoaded, this, &MainWindow::onModelLoaded);
    connect(m_session, &ModelSession::loadFailed, this, &MainWindow::onLoadFailed);
    connect(m_session, &ModelSession::answerReady, this, &MainWindow::onAnswerReady);
    connect(m_session, &ModelSession::runFailed, this, &MainWindow::onRunFailed);
    connect(m_session, &ModelSession::cancelled, this, &MainWindow::onCancelled);
    connect(m_session, &ModelSession::progress, this, &MainWindow::onProgress);
    connect(m_session, &ModelSession::busyChanged, this, &MainWindow::onBusyChanged);
    connect(m_images, &ImageLoader::loaded, this, &MainWindow::onImageLoaded);
    connect(m_images, &ImageLoader::failed, this, &MainWindow::onImageFailed);
    connect(m_canvas, &ImageCanvas::imageFileDropped, this, &MainWindow::openImage);
    connect(m_canvas, &ImageCanvas::modelFolderDropped, this, &MainWindow::openModel);
    connect(m_questions, &QuestionPanel::askRequested, this, &MainWindow::ask);
    connect(m_work, &WorkIndicator::cancelRequested, this, &MainWindow::cancel);

    resize(1280, 820);
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
    m_exportAction = file->addAction(tr("&Export Overlay PNG\u2026"), this, &MainWindow::chooseOverlayExport);
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addSeparator();
    QAction *quitAction = file->addAction(tr("&Quit"), this, &QWidget::close);
    quitAction->setShortcut(QKeySequence::Quit);
}

QWidget *MainWindow::buildSidePanel()
{
    auto *panel = new QWidget(this);
    auto *layout = new QVBoxLayout(panel);

    auto *inputs = new QGroupBox(tr("Model and image"), panel);
    auto *inputsLayout = new QVBoxLayout(inputs);
    m_modelLabel->setWordWrap(true);
    m_modelLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_imageLabel->setWordWrap(true);
    m_imageLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    inputsLayout->addWidget(m_modelLabel);
    inputsLayout->addWidget(m_imageLabel);
    layout->addWidget(inputs);

    auto *question = new QGroupBox(tr("Question"), panel);
    auto *questionLayout = new QVBoxLayout(question);
    questionLayout->addWidget(m_questions);
    layout->addWidget(question);

    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorLabel->setStyleSheet(QStringLiteral("QLabel { color: #b00020; }"));
    m_errorLabel->hide();
    layout->addWidget(m_errorLabel);

    auto *answer = new QGroupBox(tr("Answer"), panel);
    auto *answerLayout = new QVBoxLayout(answer);
    m_answer->setReadOnly(true);
    m_answer->setPlaceholderText(tr("The model's answer appears here."));
    m_answer->setMaximumBlockCount(1000);
    answerLayout->addWidget(m_answer);
    answerLayout->addWidget(m_tokensLabel);
    layout->addWidget(answer, 1);

    m_chart->setMinimumHeight(220);
    layout->addWidget(m_chart, 1);

    m_modelLabel->setText(tr("No model loaded."));
    m_imageLabel->setText(tr("No image loaded."));
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
    m_images->load(path);
}

void MainWindow::setQuestion(const QString &question)
{
    m_questions->setQuestion(question);
}

void MainWindow::setMode(RouteMode mode)
{
    m_questions->setMode(mode);
}

bool MainWindow::canAsk() const
{
    return m_session->hasModel() && m_hasImage;
}

bool MainWindow::isBusy() const
{
    return m_session->isBusy();
}

quint64 MainWindow::ask()
{
    if (!canAsk())
        return 0;
    clearError();
    RunRequest request;
    request.image = *m_images->current().pixels;   // decoded once, shown and run from the same pixels
    request.imagePath = m_images->current().path.toStdString();
    request.question = m_questions->question().toStdString();
    request.mode = m_questions->mode();
    request.targetBudget = m_questions->targetBudget();
    statusBar()->showMessage(tr("Asking\u2026"));
    return m_session->ask(request);
}

void MainWindow::askWhenReady()
{
    m_askPending = true;
    askIfPending();
}

void MainWindow::askIfPending()
{
    if (m_askPending && canAsk()) {
        m_askPending = false;
        ask();
    }
}

void MainWindow::cancel()
{
    m_session->cancel();
    statusBar()->showMessage(tr("Cancelling\u2026"));
}

bool MainWindow::exportOverlay(const QString &path) const
{
    const QImage &image = m_canvas->image();
    if (image.isNull())
        return false;
    const CompressionPlan *plan = m_canvas->plan() ? &*m_canvas->plan() : nullptr;
    return OverlayPainter::render(image, plan, overlayExportSize(image.size())).save(path, "PNG");
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
    m_hasImage = true;
    m_imageShownAfter = m_session->latestGeneration();
    m_canvas->setImage(preview);
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
    reportError(message);   // the previous image, if any, stays
}

void MainWindow::onAnswerReady(quint64 generation, const tokenscope::RunResult &result)
{
    if (generation <= m_imageShownAfter)
        return;   // asked about the previous image
    m_lastResult = result;
    m_appliedGeneration = generation;
    m_canvas->setPlan(result.plan);
    m_chart->setTimings(result.timings);
    m_answer->setPlainText(describeAnswer(result));
    m_tokensLabel->setText(describeTokenCounts(result));
    statusBar()->showMessage(tr("Answered in %1 ms").arg(result.timings.totalMs(), 0, 'f', 0), statusTimeoutMs);
    updateActions();
    Q_EMIT answerApplied(generation);
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

void MainWindow::clearResult()
{
    m_lastResult.reset();
    m_canvas->clearPlan();
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
