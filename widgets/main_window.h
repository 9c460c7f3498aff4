// SPDX-License-Identifier: MIT
#pragma once

// The TokenScope workbench window: a model, an image, a question and a compression method; the
// answer, the compression plan drawn over the image in layers, token counts and stage timings.
// Moving the budget or changing the method re-runs at once (live), reusing the image's encoding;
// stale answers are dropped. All engine work happens on ModelSession's thread; images decode on
// the thread pool; the window never blocks. Settings (recent files, layout, method, layers)
// persist through AppSettings.
//
// The public methods are the same actions the menus and buttons trigger, so tests (and the app's
// command line) drive the window without simulating clicks.

#include "common/compute_options.h"
#include "core_metatypes.h"

#include <QMainWindow>

#include <memory>
#include <optional>
#include <utility>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QTabWidget;

namespace tokenscope::widgets {

class AppSettings;
enum class RecentKind;
class CanvasPair;
class ComputePanel;
class GalleryView;
class ImageCanvas;
class ImageLoader;
struct InspectAnswer;
class InspectState;
class LayerPanel;
class MethodPanel;
class ModelSession;
class QuestionPanel;
class StageTimingChart;
class SweepPanel;
class WorkIndicator;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const ComputeOptions &compute = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    void openModel(const QString &directory);
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
    // Asks once both the model and the image are loaded (the app's --question).
    void askWhenReady();
    void cancel();
    bool exportOverlay(const QString &path) const;
    QImage overlayImage() const;   // the canvas's image, plan and layers at export size
    void copyOverlay();

    // Window layout, method, budget and layers from the last session (the app calls this once
    // before showing the window; tests call it to check what was kept).
    void restoreSettings();
    void saveSettings() const;

    // Errors always go to the inline label, the status bar and errorReported; a (non-modal)
    // message box too when enabled. Tests turn it off.
    void setErrorDialogsEnabled(bool enabled) { m_errorDialogs = enabled; }

    bool canAsk() const;
    bool isBusy() const;
    quint64 appliedGeneration() const { return m_appliedGeneration; }
    const std::optional<RunResult> &lastResult() const;
    const std::optional<RunResult> &lastComparison() const;
    QString modelText() const;
    QString answerText() const;
    QString tokenCountText() const;
    QString errorText() const;
    QString inspectorText() const;
    ImageCanvas *canvas() const { return m_canvas; }
    ImageCanvas *comparisonCanvas() const { return m_compareCanvas; }
    MethodPanel *methodPanel() const { return m_methods; }
    MethodPanel *comparisonMethodPanel() const { return m_compareMethods; }
    SweepPanel *sweepPanel() const { return m_sweeps; }
    GalleryView *gallery() const { return m_gallery; }
    // Opens a gallery image with its suggested question (replacing the question only if the
    // user has not written their own) and asks when live.
    void openGalleryImage(const QString &path, const QString &question);
    // The central tabs: the canvas(es), or the sweep.
    void showInspector();
    void showSweeps();
    bool isShowingSweeps() const;
    void openSweepFolder(const QString &directory);
    // Reloads the current model (if any) with these options; kept in the settings.
    void setComputeOptions(const ComputeOptions &options);
    const ComputeOptions &computeOptions() const { return m_compute; }
    LayerPanel *layerPanel() const { return m_layers; }
    StageTimingChart *timingChart() const { return m_chart; }
    ModelSession *session() const { return m_session; }

Q_SIGNALS:
    void modelReady(const tokenscope::ModelInfo &info);
    void imageReady(const QString &path);
    void answerApplied(quint64 generation);
    void errorReported(const QString &message);

public Q_SLOTS:
    void chooseModelFolder();
    void chooseImage();
    void chooseOverlayExport();
    void chooseSweepFolder();

private Q_SLOTS:
    void onModelLoaded(const tokenscope::ModelInfo &info);
    void onLoadFailed(const QString &message);
    void onImageLoaded(const QString &path, const QImage &preview);
    void onImageFailed(const QString &path, const QString &message);
    void onAnswered(const tokenscope::widgets::InspectAnswer &answer);
    void onRunFailed(quint64 generation, const QString &message);
    void onCancelled(quint64 generation);
    void onProgress(quint64 generation, double fraction, const QString &stage);
    void onBusyChanged(bool busy);
    void onChoiceChanged();
    void onTabChanged(int index);
    void onSampleActivated(const QString &imagePath, const QString &question, const QString &method, double budget);
    void updateInspector();

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildMenus();
    void fillRecentMenu(QMenu *menu, RecentKind kind);
    QWidget *buildControls();
    QWidget *buildResults();
    void updateCaptions();
    void clearResult();
    void reportError(const QString &message);
    void clearError();
    void updateActions();
    void askIfPending();

    std::unique_ptr<AppSettings> m_settings;
    ModelSession *m_session;
    InspectState *m_inspect;   // the question and its answers; widgets only show them
    ImageLoader *m_images;
    CanvasPair *m_canvases;
    ImageCanvas *m_canvas;          // m_canvases' primary
    ImageCanvas *m_compareCanvas;   // and secondary
    QuestionPanel *m_questions;
    MethodPanel *m_methods;
    LayerPanel *m_layers;
    MethodPanel *m_compareMethods;
    QWidget *m_compareGroup = nullptr;
    QAction *m_compareAction = nullptr;
    SweepPanel *m_sweeps;
    GalleryView *m_gallery;
    ComputePanel *m_computePanel;
    QString m_modelDir;   // of the model the worker holds
    QDockWidget *m_galleryDock = nullptr;
    QString m_suggestedQuestion;   // the last gallery suggestion, replaced freely
    // The Inspect tab's docks that were visible when the Sweep tab took the whole window.
    QList<QDockWidget *> m_docksHiddenForSweep;
    QTabWidget *m_tabs = nullptr;
    ComputeOptions m_compute;
    StageTimingChart *m_chart;
    WorkIndicator *m_work;
    QLabel *m_modelLabel;
    QLabel *m_imageLabel;
    QLabel *m_errorLabel;
    QLabel *m_tokensLabel;
    QLabel *m_inspector;
    QPlainTextEdit *m_answer;
    QDockWidget *m_controlsDock = nullptr;
    QDockWidget *m_resultsDock = nullptr;
    QAction *m_exportAction = nullptr;
    QAction *m_copyAction = nullptr;
    QAction *m_askAction = nullptr;

    QString m_modelSummary;   // of the model the worker holds; a failed load keeps it
    quint64 m_appliedGeneration = 0;
    bool m_askPending = false;
    bool m_imageLoading = false;   // a pending ask waits for it, not for the image shown now
    bool m_errorDialogs = true;
};

} // namespace tokenscope::widgets
