// SPDX-License-Identifier: MIT
#pragma once

// A budget sweep started from the workbench. It runs on its own thread with its own Engine, so
// the model-owner thread stays free for live answers while it works (the cost: a second copy of
// the weights in memory). It goes through the CLI's runSweep, so its folder is a CLI sweep folder:
// resumable by running it again, mergeable, reportable. Records reach the GUI in batches and the
// summary (bootstrap intervals) is computed on the sweep's thread, so the GUI thread only draws.
// All signals are delivered on the thread that owns the job.

#include "common/compute_options.h"
#include "eval/sample_record.h"
#include "eval/sweep_summary.h"
#include "sweep/sweep_runner.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <thread>
#include <vector>

namespace tokenscope::widgets {

struct SweepRequest {
    QString modelDir;
    ComputeOptions compute;
    SweepSpec spec;
};

class SweepJob : public QObject {
    Q_OBJECT
public:
    explicit SweepJob(QObject *parent = nullptr);
    ~SweepJob() override;   // cancels a running sweep and waits for its thread

    // False (and nothing starts) while another sweep runs.
    bool start(const SweepRequest &request);
    void cancel();
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
    void run(SweepRequest request);
    template <typename F>
    void post(F &&f);   // runs f on the job's thread (the GUI thread)
    void joinThread();

    std::thread m_thread;
    std::atomic<bool> m_cancel{false};
    bool m_running = false;
};

} // namespace tokenscope::widgets
