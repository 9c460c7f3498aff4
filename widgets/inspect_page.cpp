// SPDX-License-Identifier: MIT
#include "inspect_page.h"

#include "answer_history.h"
#include "answer_history_view_p.h"
#include "app_settings.h"
#include "canvas_pair.h"
#include "compute_panel_p.h"
#include "demo_resources.h"
#include "image_canvas.h"
#include "image_loader_p.h"
#include "inspect_state.h"
#include "layer_panel.h"
#include "method_panel.h"
#include "model_session.h"
#include "overlay_export_p.h"
#include "overlay_painter.h"
#include "question_panel_p.h"
#include "result_text.h"
#include "stage_timing_chart.h"

#include <QDir>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QVBoxLayout>

namespace tokenscope::widgets {

namespace {
constexpr int statusTimeoutMs = 8000;

// "vir+visionselector · budget 50%"; the budget only where the method uses one.
QString captionOf(const MethodPanel *panel)
{
    return panel->usesBudget()
               ? InspectPage::tr("%1 \u00b7 budget %2%").arg(panel->methodName()).arg(qRound(panel->budget() * 100))
               : panel->methodName();
}
}   // namespace

InspectPage::InspectPage(ModelSession *session, AppSettings *settings, const ComputeOptions &compute, QWidget *parent)
    : QWidget(parent), m_session(session), m_settings(settings), m_inspect(new InspectState(session, this)),
      m_images(new ImageLoader(this)), m_canvases(new CanvasPair(this)), m_canvas(m_canvases->primary()),
      m_compareCanvas(m_canvases->secondary()), m_questions(new QuestionPanel(this)), m_methods(new MethodPanel(this)),
      m_compareMethods(new MethodPanel(this)), m_layers(new LayerPanel(this)), m_computePanel(new ComputePanel(this)),
      m_chart(new StageTimingChart(this)), m_modelLabel(new QLabel(this)), m_imageLabel(new QLabel(this)),
      m_errorLabel(new QLabel(this)), m_tokensLabel(new QLabel(this)), m_inspector(new QLabel(this)),
      m_answer(new QPlainTextEdit(this)), m_history(new AnswerHistoryModel(this)),
      m_historyView(new AnswerHistoryView(m_history, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_canvases);
    m_controls = buildControls(compute);
    m_results = buildResults();

    connect(m_session, &ModelSession::modelLoaded, this, &InspectPage::onModelLoaded);
    connect(m_session, &ModelSession::loadFailed, this, &InspectPage::onLoadFailed);
    connect(m_session, &ModelSession::busyChanged, this, &InspectPage::updateActions);
    connect(m_inspect, &InspectState::answered, this, &InspectPage::onAnswered);
    connect(m_images, &ImageLoader::loaded, this, &InspectPage::onImageLoaded);
    connect(m_images, &ImageLoader::failed, this,
            [this](const QString &, const QString &message) { onImageFailed(message); });
    connect(m_canvases, &CanvasPair::imageFileDropped, this, &InspectPage::openImage);
    connect(m_canvases, &CanvasPair::modelFolderDropped, this, &InspectPage::modelFolderDropped);
    connect(m_canvas, &ImageCanvas::tokenHovered, this, &InspectPage::updateInspector);
    connect(m_canvas, &ImageCanvas::tokenPinned, this, &InspectPage::updateInspector);
    connect(m_questions, &QuestionPanel::askRequested, this, &InspectPage::ask);
    connect(m_methods, &MethodPanel::choiceChanged, this, &InspectPage::onChoiceChanged);
    connect(m_compareMethods, &MethodPanel::choiceChanged, this, &InspectPage::onChoiceChanged);
    connect(m_layers, &LayerPanel::layersChanged, this, [this](const OverlayLayers &layers) {
        m_canvases->setLayers(layers);
        m_settings->setLayers(layers);
    });
    connect(m_computePanel, &ComputePanel::applyRequested, this, &InspectPage::computeOptionsApplied);

    m_canvases->setLayers(m_layers->layers());
    m_compareMethods->setLiveVisible(false);   // the left panel's switch governs both
    setComparing(false);
    updateActions();
}

InspectPage::~InspectPage() = default;

QWidget *InspectPage::buildControls(const ComputeOptions &compute)
{
    auto *panel = new QWidget;
    auto *layout = new QVBoxLayout(panel);

    auto *inputs = new QGroupBox(tr("Model and image"), panel);
    auto *inputsLayout = new QVBoxLayout(inputs);
    for (QLabel *label : {m_modelLabel, m_imageLabel}) {
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        inputsLayout->addWidget(label);
    }
    m_computePanel->setOptions(compute);
    inputsLayout->addWidget(m_computePanel);
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

    // Parented to the page until the window docks it (setWidget re-parents).
    auto *scroll = new QScrollArea(this);
    scroll->hide();
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(360);
    return scroll;
}

QWidget *InspectPage::buildResults()
{
    auto *panel = new QWidget(this);
    panel->hide();
    auto *layout = new QHBoxLayout(panel);
    auto *answer = new QVBoxLayout;
    m_answer->setReadOnly(true);
    m_answer->setPlaceholderText(tr("The model's answer appears here."));
    m_answer->setMaximumBlockCount(1000);
    // Two lines (a comparison's left and right); the history below keeps the earlier ones.
    m_answer->setFixedHeight(m_answer->fontMetrics().lineSpacing() * 2 + 2 * m_answer->frameWidth() +
                             int(2 * m_answer->document()->documentMargin()) + 4);
    answer->addWidget(m_answer);
    m_tokensLabel->setWordWrap(true);
    answer->addWidget(m_tokensLabel);

    connect(m_historyView, &AnswerHistoryView::entryActivated, this,
            [this](const AskEntry &e) { showSample(e.imagePath, e.question, e.method, e.budget, e.reference); });
    answer->addWidget(m_historyView, 1);
    layout->addLayout(answer, 2);
    m_chart->setMinimumSize(300, 160);
    layout->addWidget(m_chart, 1);
    return panel;
}

void InspectPage::updateCaptions()
{
    m_canvases->setCaptions(captionOf(m_methods), captionOf(m_compareMethods));
}

void InspectPage::setComparing(bool comparing)
{
    m_canvases->setComparing(comparing);
    m_compareGroup->setVisible(comparing);
    updateCaptions();
    Q_EMIT comparingChanged(comparing);
    // The new canvas needs its own answer: ask again when a question is there.
    if (comparing && m_inspect->lastResult() && m_methods->isLive())
        ask();
}

bool InspectPage::isComparing() const
{
    return m_canvases->isComparing();
}

bool InspectPage::setComparisonMethod(const QString &name, double budget)
{
    return m_compareMethods->setChoice(name, budget);
}

void InspectPage::showModelLoading(const QString &directory)
{
    clearError();
    m_modelLabel->setText(tr("Loading %1\u2026").arg(QDir::toNativeSeparators(directory)));
    updateActions();
}

void InspectPage::openImage(const QString &path)
{
    clearError();
    m_imageLoading = true;
    m_images->load(path);
    // Live: a question already written is asked about the new image, however it was opened.
    if (m_methods->isLive() && !m_questions->question().trimmed().isEmpty())
        m_askPending = true;
}

void InspectPage::setQuestion(const QString &question)
{
    m_questions->setQuestion(question);
}

bool InspectPage::setMethod(const QString &name, double budget)
{
    return m_methods->setChoice(name, budget);
}

const std::optional<RunResult> &InspectPage::lastResult() const
{
    return m_inspect->lastResult();
}

const std::optional<RunResult> &InspectPage::lastComparison() const
{
    return m_inspect->lastComparison();
}

bool InspectPage::canAsk() const
{
    return m_session->hasModel() && m_inspect->hasImage();
}

quint64 InspectPage::ask()
{
    if (!canAsk())
        return 0;
    MethodChoice choice;
    std::optional<MethodChoice> comparison;
    try {
        choice = m_methods->choice();
    } catch (const std::exception &e) {   // tokenscope::Error names the value
        Q_EMIT errorOccurred(QString::fromStdString(e.what()));
        return 0;
    }
    if (isComparing()) {
        try {
            comparison = m_compareMethods->choice();
        } catch (const std::exception &e) {
            Q_EMIT errorOccurred(tr("Right canvas: %1").arg(QString::fromStdString(e.what())));
            return 0;
        }
    }
    clearError();
    const quint64 generation = m_inspect->ask(m_questions->question(), choice, comparison);
    if (generation != 0)
        Q_EMIT statusMessage(tr("Asking\u2026"), 0);
    return generation;
}

void InspectPage::askWhenReady()
{
    m_askPending = true;
    askIfPending();
}

void InspectPage::askIfPending()
{
    if (m_askPending && canAsk() && !m_imageLoading) {
        m_askPending = false;
        ask();
    }
}

QImage InspectPage::overlayImage() const
{
    std::vector<ExportPanel> panels;
    const auto add = [&](const ImageCanvas *canvas, const MethodPanel *methods,
                         const std::optional<RunResult> &result) {
        const QImage &image = canvas->image();
        if (image.isNull())
            return;
        const CompressionPlan *plan = canvas->plan() ? &*canvas->plan() : nullptr;
        panels.push_back({OverlayPainter::render(image, plan, overlayExportSize(image.size()), canvas->layers()),
                          captionOf(methods), result ? describeAnswer(*result) : QString()});
    };
    add(m_canvas, m_methods, m_inspect->lastResult());
    if (isComparing())
        add(m_compareCanvas, m_compareMethods, m_inspect->lastComparison());
    return composeExport(panels);
}

void InspectPage::onModelLoaded(const tokenscope::ModelInfo &info)
{
    clearError();
    m_modelSummary = describeModel(info);
    m_modelLabel->setText(m_modelSummary);
    m_modelLabel->setToolTip(QString::fromStdString(info.directory.string()));
    const QString defaultRatio = QString::fromStdString(info.defaultMethod);
    m_methods->setCapabilities(info.flash, info.hasSelector, info.defaultThresholds, defaultRatio);
    m_compareMethods->setCapabilities(info.flash, info.hasSelector, info.defaultThresholds, defaultRatio);
    updateActions();
    askIfPending();
}

void InspectPage::onLoadFailed()
{
    m_askPending = false;
    // A failed load keeps the previous model (the session only replaces it on success).
    m_modelLabel->setText(m_modelSummary.isEmpty() ? tr("No model loaded.") : m_modelSummary);
    updateActions();
}

void InspectPage::onImageLoaded(const QString &path, const QImage &preview)
{
    m_imageLoading = false;
    // A gallery task image knows the answer to its own question, however it was opened.
    if (!m_known || QFileInfo(m_known->imagePath) != QFileInfo(path))
        m_known = galleryAnswer(path);
    m_inspect->setImage(m_images->current().pixels, path);
    m_settings->addRecent(RecentKind::Image, path);
    m_canvases->setImage(preview);
    clearResult();
    const QFileInfo info(path);
    m_imageLabel->setText(tr("%1 (%2 \u00d7 %3)").arg(info.fileName()).arg(preview.width()).arg(preview.height()));
    m_imageLabel->setToolTip(QDir::toNativeSeparators(path));
    updateActions();
    Q_EMIT imageReady(path);
    askIfPending();
}

std::optional<InspectPage::KnownAnswer> InspectPage::galleryAnswer(const QString &path)
{
    // The manifest is read once per page: it does not change while the app runs.
    if (!m_galleryAnswers) {
        m_galleryAnswers.emplace();
        for (const GalleryImage &image : galleryImages())
            if (!image.answer.isEmpty())
                m_galleryAnswers->push_back(KnownAnswer{
                    image.path, image.question, ReferenceAnswer{{image.answer.toStdString()}, Metric::ExactMatch}});
    }
    for (const KnownAnswer &known : *m_galleryAnswers)
        if (QFileInfo(known.imagePath) == QFileInfo(path))
            return known;
    return std::nullopt;
}

void InspectPage::onImageFailed(const QString &message)
{
    m_askPending = false;
    m_imageLoading = false;
    Q_EMIT errorOccurred(message);   // the previous image, if any, stays
}

void InspectPage::onAnswered(const InspectAnswer &answered)
{
    const RunResult &result = answered.result;
    m_appliedGeneration = answered.generation;
    m_canvas->setPlan(result.plan);
    updateInspector();
    m_chart->setSubject(answered.comparison ? tr("the left canvas") : QString());
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
    recordInHistory(answered);
    Q_EMIT statusMessage(tr("Answered in %1 ms").arg(result.timings.totalMs(), 0, 'f', 0), statusTimeoutMs);
    updateActions();
    Q_EMIT answerApplied(answered.generation);
}

void InspectPage::onChoiceChanged()
{
    m_settings->setMethod({m_methods->methodName(), m_methods->budget(), m_methods->isLive()});
    m_settings->setMethod({m_compareMethods->methodName(), m_compareMethods->budget(), true}, true);
    updateCaptions();
    // Live: a question already asked about this image is asked again with the new choice.
    if (m_methods->isLive() && canAsk() && !m_questions->question().trimmed().isEmpty()) {
        drawPlansAtBudget();
        ask();
    }
}

void InspectPage::drawPlansAtBudget()
{
    // A budget move of a method that keeps its top scores is drawn now from the plan on screen
    // (the slider then moves at screen rate); the answer follows from the model thread and
    // brings the same kept set. Other moves wait for the run.
    const auto draw = [&](ImageCanvas *canvas, const MethodPanel *methods, bool comparison) {
        try {
            if (const auto plan = m_inspect->planAtBudget(methods->choice(), comparison))
                canvas->setPlan(*plan);
        } catch (const std::exception &) {   // an invalid choice: ask() reports it
        }
    };
    draw(m_canvas, m_methods, false);
    if (isComparing())
        draw(m_compareCanvas, m_compareMethods, true);
    updateInspector();
}

void InspectPage::updateInspector()
{
    const int pinned = m_canvas->pinnedToken();
    const int token = pinned >= 0 ? pinned : m_canvas->hoveredToken();
    if (token < 0) {
        m_inspector->setText(tr("Hover a token to inspect it; click to pin; hold Space to see the image alone."));
        return;
    }
    const QString text = m_canvas->tokenDescription(token);
    m_inspector->setText(pinned >= 0 ? tr("Pinned: %1").arg(text) : text);
}

void InspectPage::setComputeOptions(const ComputeOptions &options)
{
    m_computePanel->setOptions(options);
}

void InspectPage::recordInHistory(const InspectAnswer &answered)
{
    const QString &path = m_inspect->imagePath();
    const QString question = m_inspect->lastQuestion();
    std::optional<ReferenceAnswer> reference;
    if (m_known && m_known->question == question && QFileInfo(m_known->imagePath) == QFileInfo(path))
        reference = m_known->reference;
    std::vector<AskEntry> rows{askEntryOf(answered.result, path, question, reference)};
    if (answered.comparison) {
        rows.push_back(askEntryOf(*answered.comparison, path, question, reference));
        rows.back().rightCanvas = true;
    }
    m_history->addAsk(std::move(rows));
}

void InspectPage::showSample(const QString &imagePath, const QString &question, const QString &method, double budget,
                             const std::optional<ReferenceAnswer> &reference)
{
    m_known.reset();
    if (reference)
        m_known = KnownAnswer{imagePath, question, *reference};
    // The method changes without a live re-run: the answer that matters is the new image's.
    const bool live = m_methods->isLive();
    m_methods->setLive(false);
    const bool known = setMethod(method, budget);
    m_methods->setLive(live);
    if (!known)
        Q_EMIT errorOccurred(tr("Method '%1' cannot run on the loaded model").arg(method));
    setQuestion(question);
    openImage(imagePath);
    askWhenReady();
}

void InspectPage::openGalleryImage(const QString &path, const QString &question)
{
    // A gallery image comes with its own question (its tooltip says so).
    if (!question.isEmpty())
        setQuestion(question);
    openImage(path);
}

void InspectPage::restoreSettings()
{
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

void InspectPage::saveSettings() const
{
    m_settings->setLastQuestion(m_questions->question());
    m_settings->setMethod({m_methods->methodName(), m_methods->budget(), m_methods->isLive()});
    m_settings->setMethod({m_compareMethods->methodName(), m_compareMethods->budget(), true}, true);
    m_settings->setComparing(isComparing());
    m_settings->setLayers(m_layers->layers());
}

void InspectPage::clearResult()
{
    m_inspect->clearAnswer();
    m_canvases->clearPlans();
    m_chart->clear();
    m_answer->clear();
    m_tokensLabel->clear();
}

void InspectPage::showError(const QString &message)
{
    m_errorLabel->setText(message);
    m_errorLabel->show();
}

void InspectPage::clearError()
{
    m_errorLabel->clear();
    m_errorLabel->hide();
}

void InspectPage::updateActions()
{
    m_questions->setAskEnabled(canAsk());
    Q_EMIT actionsChanged();
}

QString InspectPage::questionText() const
{
    return m_questions->question();
}

QString InspectPage::modelText() const
{
    return m_modelLabel->text();
}

QString InspectPage::answerText() const
{
    return m_answer->toPlainText();
}

QString InspectPage::tokenCountText() const
{
    return m_tokensLabel->text();
}

QString InspectPage::errorText() const
{
    return m_errorLabel->text();
}

QString InspectPage::inspectorText() const
{
    return m_inspector->text();
}

}   // namespace tokenscope::widgets
