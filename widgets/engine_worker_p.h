// SPDX-License-Identifier: MIT
#pragma once

// The model owner: lives on ModelSession's worker thread and is the only code that touches the
// Engine (one model-owner thread owns the model, as in Hotspot and RenderDoc). It reports every job's outcome as exactly
// one of loaded / loadFailed / answered / failed / cancelled, then finished.

#include "common/compute_options.h"
#include "core_metatypes.h"

#include <QObject>
#include <QString>

#include <memory>
#include <optional>

namespace tokenscope {
class Engine;
struct EncodedImage;
}   // namespace tokenscope

namespace tokenscope::widgets {

class BackgroundTask;
class JobGenerations;

class EngineWorker : public QObject {
    Q_OBJECT
public:
    explicit EngineWorker(std::shared_ptr<const JobGenerations> generations);
    ~EngineWorker() override;

    // Called on the worker thread only (queued from ModelSession).
    void load(quint64 generation, const QString &directory, const ComputeOptions &options);
    // `imageKey` names the request's pixels (0: unnamed): a run on the same key reuses the last
    // encoding (tiles, encoder, router), so moving a budget re-runs only what the budget changes.
    // With a `comparison` request (compare mode), the same job also answers it, on the same
    // encoding, and reports it through compared() just before answered().
    void run(quint64 generation, const tokenscope::RunRequest &request, quint64 imageKey = 0,
             const std::optional<tokenscope::RunRequest> &comparison = std::nullopt);
    // Steps `task` on this engine between asks until it ends; an earlier task still running is
    // abandoned. A load that replaces the engine abandons the running task.
    void startBackground(std::shared_ptr<BackgroundTask> task);

Q_SIGNALS:
    void loaded(quint64 generation, const tokenscope::ModelInfo &info);
    void loadFailed(quint64 generation, const QString &message);
    void answered(quint64 generation, const tokenscope::RunResult &result);
    void compared(quint64 generation, const tokenscope::RunResult &result);
    void failed(quint64 generation, const QString &message);
    void cancelled(quint64 generation);
    // fraction < 0: under way, amount unknown (model loading has no progress in the core).
    void progressed(quint64 generation, double fraction, const QString &stage);
    void finished(quint64 generation);

private:
    RunResult runOne(const RunRequest &request, quint64 imageKey, const ProgressCallbacks &callbacks);
    void stepBackground(quint64 serial);
    void abandonBackground(const QString &reason);

    std::shared_ptr<const JobGenerations> m_generations;
    std::unique_ptr<Engine> m_engine;
    std::shared_ptr<const EncodedImage> m_encoded;   // of image m_encodedKey, by m_engine
    quint64 m_encodedKey = 0;
    std::shared_ptr<BackgroundTask> m_background;
    quint64 m_backgroundSerial = 0;   // which task a queued step belongs to
};

}   // namespace tokenscope::widgets
