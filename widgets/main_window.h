// SPDX-License-Identifier: MIT
#pragma once

// The TokenScope workbench window: the Inspect page (an image, a question, a method; the answer
// and the plan drawn over the image) and the Sweep page as tabs, the Inspect page's controls,
// result strip and gallery as docks, the menus, the status bar and the model session both pages
// share. Settings (recent files, layout, method, layers) persist through AppSettings.
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
class QMenu;
class QTabWidget;

namespace tokenscope::widgets {

class AppSettings;
enum class RecentKind;
class GalleryView;
class InspectPage;
class ModelSession;
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
    bool setMethod(const QString &name, double budget);   // InspectPage::setMethod
    void setComparing(bool comparing);
    bool isComparing() const;
    bool setComparisonMethod(const QString &name, double budget);
    quint64 ask();         // the request's generation, or 0 when there is no model or image yet
    void askWhenReady();   // asks once both the model and the image are loaded (the app's --question)
    void cancel();
    bool exportOverlay(const QString &path) const;
    void copyOverlay();
    void openGalleryImage(const QString &path, const QString &question);

    // Window layout, method, budget and layers from the last session (the app calls this once
    // before showing the window; tests call it to check what was kept).
    void restoreSettings();
    void saveSettings() const;

    // Errors always go to the inline label, the status bar and errorReported; a (non-modal)
    // message box too when enabled. Tests turn it off.
    void setErrorDialogsEnabled(bool enabled) { m_errorDialogs = enabled; }

    bool isBusy() const;
    InspectPage *inspectPage() const { return m_inspect; }
    SweepPanel *sweepPanel() const { return m_sweeps; }
    GalleryView *gallery() const { return m_gallery; }
    ModelSession *session() const { return m_session; }
    // The central tabs: the Inspect page, or the sweep.
    void showInspector();
    void showSweeps();
    bool isShowingSweeps() const;
    void openSweepFolder(const QString &directory);
    // Reloads the current model (if any) with these options; kept in the settings.
    void setComputeOptions(const ComputeOptions &options);
    const ComputeOptions &computeOptions() const { return m_compute; }

Q_SIGNALS:
    void modelReady(const tokenscope::ModelInfo &info);
    void errorReported(const QString &message);

public Q_SLOTS:
    void chooseModelFolder();
    void chooseImage();
    void chooseOverlayExport();
    void chooseSweepFolder();
    void showGuide();       // Help → What Am I Looking At?: the layers, p(compress), the budget rule
    void showShortcuts();   // Help → Keyboard Shortcuts, from the menus' own actions

private Q_SLOTS:
    void onModelLoaded(const tokenscope::ModelInfo &info);
    void onTabChanged(int index);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    QDockWidget *addDock(const QString &title, const QString &name, QWidget *widget, Qt::DockWidgetArea area);
    void buildMenus();
    void fillRecentMenu(QMenu *menu, RecentKind kind);
    // offerDemo: no model is loaded, so the message box offers the demo model.
    void reportError(const QString &message, bool offerDemo = false);
    static QString guideText();
    void showStatus(const QString &message, int timeoutMs);
    void updateActions();

    std::unique_ptr<AppSettings> m_settings;
    ModelSession *m_session;
    InspectPage *m_inspect;
    SweepPanel *m_sweeps;
    GalleryView *m_gallery;
    WorkIndicator *m_work;
    QTabWidget *m_tabs;
    ComputeOptions m_compute;
    QString m_modelDir;   // of the model the session holds
    QDockWidget *m_galleryDock = nullptr;
    QDockWidget *m_controlsDock = nullptr;
    QDockWidget *m_resultsDock = nullptr;
    // The Inspect tab's docks that were visible when the Sweep tab took the whole window.
    QList<QDockWidget *> m_docksHiddenForSweep;
    QAction *m_compareAction = nullptr;
    QAction *m_exportAction = nullptr;
    QAction *m_copyAction = nullptr;
    QAction *m_askAction = nullptr;
    bool m_errorDialogs = true;
};

} // namespace tokenscope::widgets
