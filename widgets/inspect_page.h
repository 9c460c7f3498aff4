// SPDX-License-Identifier: MIT
#pragma once

// The Inspect page: an image, a question and a compression method; the answer, the compression
// plan drawn over the image in layers, token counts and stage timings. Moving the budget or
// changing the method re-runs at once (live), reusing the image's encoding; InspectState drops
// stale answers. Images decode on the thread pool, engine work runs on ModelSession's thread.
//
// The page is the canvas (one, or two side by side in compare mode); its controls and its result
// strip are widgets the window places in docks. It connects itself to the model session; the
// window switches pages, wires menus and shows what the page reports in its status bar.

#include "answer_history.h"
#include "common/compute_options.h"
#include "core_metatypes.h"

#include <QWidget>

#include <optional>
#include <vector>

class QLabel;
class QPlainTextEdit;

namespace tokenscope::widgets {

class AnswerHistoryView;
class AppSettings;
class CanvasPair;
class ComputePanel;
class ImageCanvas;
class ImageLoader;
struct InspectAnswer;
class InspectState;
class LayerPanel;
class MethodPanel;
class ModelSession;
class QuestionPanel;
class StageTimingChart;

class InspectPage : public QWidget {
    Q_OBJECT
public:
    InspectPage(ModelSession *session, AppSettings *settings, const ComputeOptions &compute, QWidget *parent = nullptr);
    ~InspectPage() override;

    // A question's reference answer about one image (a sweep sample's, a gallery task image's).
    struct KnownAnswer {
        QString imagePath;
        QString question;
        ReferenceAnswer reference;
    };

    // The dock contents: inputs, question, methods, layers and token inspector; the answer,
    // token counts and timings. Created with the page; the window takes ownership.
    QWidget *controls() const { return m_controls; }
    QWidget *results() const { return m_results; }

    void showModelLoading(const QString &directory);
    void openImage(const QString &path);
    void setQuestion(const QString &question);
    // A method in the CLI's spelling ("vir+visionselector") and its budget; false for a name the
    // catalog rejects (nothing changes then).
    bool setMethod(const QString &name, double budget);
    // Compare mode: a second canvas beside the first, answering with its own method and budget
    // (two methods at one budget, or one method at two budgets); zoom and pan are linked.
    void setComparing(bool comparing);
    bool isComparing() const;
    bool setComparisonMethod(const QString &name, double budget);
    // Returns the request's generation, or 0 when there is no model or image yet.
    quint64 ask();
    // Asks once both the model and the image are loaded.
    void askWhenReady();
    // Opens a gallery image with its suggested question and asks when live.
    void openGalleryImage(const QString &path, const QString &question);
    // A sweep sample: its image, question, method and budget, asked once loaded; the history scores
    // the answer against the sample's reference.
    void showSample(const QString &imagePath, const QString &question, const QString &method, double budget,
                    const std::optional<ReferenceAnswer> &reference = std::nullopt);
    void setComputeOptions(const ComputeOptions &options);

    QImage overlayImage() const;   // the canvas's image, plan and layers at export size
    void showError(const QString &message);
    void clearError();

    void restoreSettings();
    void saveSettings() const;

    bool canAsk() const;
    quint64 appliedGeneration() const { return m_appliedGeneration; }
    const std::optional<RunResult> &lastResult() const;
    const std::optional<RunResult> &lastComparison() const;
    QString questionText() const;
    QString modelText() const;
    QString answerText() const;
    QString tokenCountText() const;
    QString errorText() const;
    QString inspectorText() const;
    ImageCanvas *canvas() const { return m_canvas; }
    ImageCanvas *comparisonCanvas() const { return m_compareCanvas; }
    MethodPanel *methodPanel() const { return m_methods; }
    MethodPanel *comparisonMethodPanel() const { return m_compareMethods; }
    LayerPanel *layerPanel() const { return m_layers; }
    StageTimingChart *timingChart() const { return m_chart; }
    AnswerHistoryModel *history() const { return m_history; }

Q_SIGNALS:
    void imageReady(const QString &path);
    void answerApplied(quint64 generation);
    void errorOccurred(const QString &message);
    void statusMessage(const QString &message, int timeoutMs);
    // What the window's actions depend on changed (a model, an image or an answer arrived).
    void actionsChanged();
    void comparingChanged(bool comparing);
    void modelFolderDropped(const QString &directory);
    void computeOptionsApplied(const tokenscope::ComputeOptions &options);

private:
    QWidget *buildControls(const ComputeOptions &compute);
    QWidget *buildResults();
    void onModelLoaded(const tokenscope::ModelInfo &info);
    void onLoadFailed();
    void onImageLoaded(const QString &path, const QImage &preview);
    void onImageFailed(const QString &message);
    void onAnswered(const tokenscope::widgets::InspectAnswer &answer);
    void onChoiceChanged();
    void drawPlansAtBudget();
    void updateInspector();
    void updateCaptions();
    void clearResult();
    void recordInHistory(const InspectAnswer &answered);
    // The gallery's answer to its own question about the image at `path`, where it has one.
    std::optional<KnownAnswer> galleryAnswer(const QString &path);
    void updateActions();
    void askIfPending();

    ModelSession *m_session;
    AppSettings *m_settings;
    InspectState *m_inspect;   // the question and its answers; widgets only show them
    ImageLoader *m_images;
    CanvasPair *m_canvases;
    ImageCanvas *m_canvas;          // m_canvases' primary
    ImageCanvas *m_compareCanvas;   // and secondary
    QuestionPanel *m_questions;
    MethodPanel *m_methods;
    MethodPanel *m_compareMethods;
    LayerPanel *m_layers;
    ComputePanel *m_computePanel;
    StageTimingChart *m_chart;
    QLabel *m_modelLabel;
    QLabel *m_imageLabel;
    QLabel *m_errorLabel;
    QLabel *m_tokensLabel;
    QLabel *m_inspector;
    QPlainTextEdit *m_answer;
    AnswerHistoryModel *m_history;
    AnswerHistoryView *m_historyView;
    QWidget *m_compareGroup = nullptr;
    QWidget *m_controls = nullptr;
    QWidget *m_results = nullptr;

    std::optional<KnownAnswer> m_known;                         // of the sweep sample or gallery task image shown
    std::optional<std::vector<KnownAnswer>> m_galleryAnswers;   // read on the first image
    QString m_modelSummary;   // of the model the session holds; a failed load keeps it
    quint64 m_appliedGeneration = 0;
    bool m_askPending = false;
    bool m_imageLoading = false;   // a pending ask waits for it, not for the image shown now
};

}   // namespace tokenscope::widgets
