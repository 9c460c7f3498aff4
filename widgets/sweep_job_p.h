// SPDX-License-Identifier: MIT
#pragma once

// A budget sweep started from the workbench. It runs on the workbench's own model (the
// ModelSession's engine, on its model-owner thread) one cell at a time, so the weights are in
// memory once and questions asked meanwhile are answered between two cells. It goes through
// the CLI's SweepRun, so its folder is a CLI sweep folder: resumable by running it again,
// mergeable, reportable. Records reach the GUI in batches and the summary (bootstrap intervals)
// is computed on the model-owner thread, so the GUI thread only draws. All signals are delivered
// on the thread that owns the job.

#include "eval/sample_record.h"
#include "eval/sweep_summary.h"
#include "sweep/sweep_runner.h"

#include <QObject>
#include <QString>

#include <memory>
#include <vector>

namespace tokenscope::widgets {

class ModelSession;

class SweepJob : public QObject {
    Q_OBJECT
public:
    explicit SweepJob(QObject *parent = nullptr);
    ~SweepJob() override;   // cancels a running sweep (its cells on disk stay)

    // The session whose model sweeps run on (not owned; must outlive running sweeps).
    void setSession(ModelSession *session) { m_session = session; }
    // False (and nothing starts) while another sweep runs or without a session.
    bool start(const SweepSpec &spec);
    void cancel();   // after the current cell
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void progressed(const tokenscope::SweepProgress &progress);
    // Cells finished since the last batch (and, first, those a resumed folder already held).
    void recordsAdded(const std::vector<tokenscope::SampleRecord> &records);
    void summaryUpdated(const std::vector<tokenscope::SummaryRow> &rows);
    // Exactly one of these ends every started sweep; records delivered before stay valid.
    void finished(const QString &recordsFile, int ran, int resumed);
    void failed(const QString &message);
    void cancelled();

private:
    class Task;
    struct Link;

    ModelSession *m_session = nullptr;
    std::shared_ptr<Link> m_link;   // to the running sweep's task
    bool m_running = false;
};

}   // namespace tokenscope::widgets
