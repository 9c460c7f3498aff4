// SPDX-License-Identifier: MIT
#pragma once

// The GUI's handle on the model: owns the model-owner thread and its EngineWorker, numbers every
// request, and lets only the latest request's outcome through (Hotspot jobtracker pattern).
// All signals are emitted on the thread that owns the session (the GUI thread).
//
// Per ask exactly one of answerReady / runFailed / cancelled is emitted, unless a newer request
// superseded it, in which case staleResultDropped is emitted instead.

#include "common/compute_options.h"
#include "core_metatypes.h"

#include <QObject>
#include <QString>
#include <QThread>

#include <memory>
#include <optional>

namespace tokenscope::widgets {

class BackgroundTask;
class EngineWorker;
class JobGenerations;

class ModelSession : public QObject {
    Q_OBJECT
public:
    explicit ModelSession(const ComputeOptions &options = {}, QObject *parent = nullptr);
    ~ModelSession() override;

    // Both return the request's generation. A load or an ask requests cancel of older asks.
    quint64 loadModel(const QString &directory);
    // `imageKey` != 0 names the request's pixels: asks on the same key reuse their encoding.
    // With `comparison`, the same job answers both (compare mode): comparisonReady comes just
    // before answerReady, and only when answerReady follows.
    quint64 ask(const tokenscope::RunRequest &request, quint64 imageKey = 0,
                const std::optional<tokenscope::RunRequest> &comparison = std::nullopt);
    // Used by the next loadModel (the current model keeps its own until then).
    void setComputeOptions(const ComputeOptions &options) { m_options = options; }
    const ComputeOptions &computeOptions() const { return m_options; }
    // Cancels everything issued so far (the running job stops at its next progress check).
    void cancel();
    // Runs `task` on this session's engine, between asks (BackgroundTask); cancel() does not
    // touch it, loadModel() abandons it. The task reports its own outcome.
    void runInBackground(std::shared_ptr<BackgroundTask> task);

    bool isBusy() const;
    bool hasModel() const { return m_hasModel; }
    quint64 latestGeneration() const;

Q_SIGNALS:
    void modelLoaded(const tokenscope::ModelInfo &info);
    void loadFailed(const QString &message);
    void answerReady(quint64 generation, const tokenscope::RunResult &result);
    void comparisonReady(quint64 generation, const tokenscope::RunResult &result);
    void runFailed(quint64 generation, const QString &message);
    void cancelled(quint64 generation);
    // fraction in [0, 1], or < 0 while the amount of work is unknown (loading a model).
    void progress(quint64 generation, double fraction, const QString &stage);
    void busyChanged(bool busy);
    void staleResultDropped(quint64 generation);

private Q_SLOTS:
    void onLoaded(quint64 generation, const tokenscope::ModelInfo &info);
    void onLoadFailed(quint64 generation, const QString &message);
    void onAnswered(quint64 generation, const tokenscope::RunResult &result);
    void onCompared(quint64 generation, const tokenscope::RunResult &result);
    void onFailed(quint64 generation, const QString &message);
    void onCancelled(quint64 generation);
    void onProgressed(quint64 generation, double fraction, const QString &stage);
    void onFinished(quint64 generation);

private:
    bool isCurrent(quint64 generation) const;
    void markIssued();

    std::shared_ptr<JobGenerations> m_generations;
    QThread m_thread;
    std::unique_ptr<EngineWorker> m_worker;
    quint64 m_finished = 0;   // jobs run in order, so the last finished generation says it all
    bool m_hasModel = false;
    ComputeOptions m_options;
};

} // namespace tokenscope::widgets
