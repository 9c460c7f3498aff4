// SPDX-License-Identifier: MIT
#pragma once

// The workbench's sweep tab: pick a dataset, methods and budgets and run them on the loaded model
// (progress, ETA, cancel); results fill in as they arrive. The three sweep figures are
// interactive (SweepPlotView); clicking a point lists that setting's samples (sortable,
// filterable); activating a sample asks the canvas to show it with that method and budget.
// A finished (or interrupted) sweep folder opens again for browsing. Exports: figures as
// PNG + PDF, the summary as CSV + JSON, the summary table to the clipboard.

#include "eval/sample_record.h"
#include "eval/sweep_summary.h"
#include "sweep/sweep_runner.h"

#include "app_settings.h"

#include <QWidget>

#include <filesystem>
#include <vector>

class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableView;

namespace tokenscope::widgets {

class ModelSession;
class SweepJob;
class SweepPlotView;
class SweepRecordsModel;
class SweepSamplesProxy;

class SweepPanel : public QWidget {
    Q_OBJECT
public:
    explicit SweepPanel(QWidget *parent = nullptr);
    ~SweepPanel() override;

    // Sweeps run on `session`'s loaded model (the window's, so its weights are in memory once),
    // whose folder is `modelDir`; no session or an empty folder disables Run.
    void setModel(ModelSession *session, const QString &modelDir);

    void setDataset(const QString &path);
    void setMethods(const QStringList &names);   // checks exactly these (unknown names ignored)
    QStringList methods() const;
    void setBudgets(const QString &text);        // "1,0.5,0.3"
    void setLimit(int samples);                  // 0: all
    void setOutputFolder(const QString &path);

    // Starts a sweep with the form's values; false with an error (errorReported) if a value is bad.
    bool run();
    void cancel();
    bool isRunning() const;
    // Reads a sweep folder (records.jsonl or shards, sweep.json for the dataset); false on error.
    bool openFolder(const QString &path);

    // Restricts the sample table to one setting (a clicked point); an empty method shows all.
    void showSamplesOf(const QString &method, double budget);
    bool exportFigures(const QString &dir);
    bool exportSummary(const QString &dir);   // summary.csv + summary.json
    // The sample table as shown (setting, filter and sort applied), RFC 4180 CSV.
    bool exportSamplesCsv(const QString &path);
    void copySummary() const;
    // The form's fields, kept across restarts by the window.
    SweepFormSettings form() const;
    void setForm(const SweepFormSettings &form);   // the terminal table, to the clipboard

    const std::vector<SummaryRow> &summary() const { return m_summary; }
    SweepRecordsModel *recordsModel() const { return m_records; }
    SweepSamplesProxy *samplesModel() const { return m_proxy; }
    QTableView *samplesView() const { return m_table; }
    SweepPlotView *figure(int index) const;   // 0 score vs kept, 1 prefill vs budget, 2 Pareto
    QString statusText() const;

Q_SIGNALS:
    // A sample to look at on the canvas: its image, question, the setting it was run with, and its
    // reference answers with the metric that scores them (metricName spelling).
    void sampleActivated(const QString &imagePath, const QString &question, const QString &method, double budget,
                         const QStringList &references, const QString &metric);
    void errorReported(const QString &message);
    void sweepFinished();

private:
    QWidget *buildSetup();
    QWidget *buildResults();
    void onProgress(const tokenscope::SweepProgress &progress);
    void onRecords(const std::vector<tokenscope::SampleRecord> &records);
    void onSummary(const std::vector<tokenscope::SummaryRow> &rows);
    void onEnded(const QString &status, bool finished);
    void updateSamplesTitle();
    void onSampleActivated(const QModelIndex &index);
    void chooseDataset();
    void chooseOutputFolder();
    void updateButtons();
    void fitColumns();

    SweepJob *m_job;
    QString m_modelDir;
    std::filesystem::path m_datasetDir;   // relative image paths in records resolve against it
    std::vector<SummaryRow> m_summary;

    QLineEdit *m_dataset;
    QListWidget *m_methods;
    QLineEdit *m_budgets;
    QSpinBox *m_limit;
    QLineEdit *m_outDir;
    QPushButton *m_run;
    QPushButton *m_cancel;
    std::vector<QPushButton *> m_exportButtons;   // enabled once there is something to export
    QProgressBar *m_progress;
    QLabel *m_status;
    QTabWidget *m_figures;
    std::vector<SweepPlotView *> m_views;
    SweepRecordsModel *m_records;
    SweepSamplesProxy *m_proxy;
    QTableView *m_table;
    QLineEdit *m_filter;
    QLabel *m_samplesTitle;
};

} // namespace tokenscope::widgets
