// SPDX-License-Identifier: MIT
#include "engine_worker_p.h"

#include "background_task_p.h"
#include "common/error.h"
#include "job_generations_p.h"
#include "pipeline/engine.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <exception>

namespace tokenscope::widgets {

namespace {

// The core throttles to 1/1000 steps; the GUI needs far fewer, so at most one signal per interval
// (plus the final one) keeps the event queue short on fast runs.
constexpr qint64 progressIntervalMs = 50;

QString errorMessage(const std::exception &e)
{
    return QString::fromStdString(e.what());
}

} // namespace

EngineWorker::EngineWorker(std::shared_ptr<const JobGenerations> generations)
    : m_generations(std::move(generations))
{
}

EngineWorker::~EngineWorker()
{
    abandonBackground(QCoreApplication::translate("EngineWorker", "The model was closed."));
}

void EngineWorker::startBackground(std::shared_ptr<BackgroundTask> task)
{
    abandonBackground(QCoreApplication::translate("EngineWorker", "Another task replaced it."));
    m_background = std::move(task);
    const quint64 serial = ++m_backgroundSerial;
    QMetaObject::invokeMethod(this, [this, serial] { stepBackground(serial); }, Qt::QueuedConnection);
}

void EngineWorker::abandonBackground(const QString &reason)
{
    if (std::shared_ptr<BackgroundTask> task = std::move(m_background)) {
        ++m_backgroundSerial;   // steps still queued for it do nothing
        task->abandon(reason);
    }
}

void EngineWorker::stepBackground(quint64 serial)
{
    if (!m_background || serial != m_backgroundSerial)
        return;
    if (!m_engine) {
        abandonBackground(QCoreApplication::translate("EngineWorker", "No model is loaded."));
        return;
    }
    bool more = false;
    try {
        more = m_background->step(*m_engine);
    } catch (const std::exception &e) {   // a task reports its own errors; this is a last resort
        abandonBackground(errorMessage(e));
        return;
    }
    // Queued behind whatever arrived during this step (an ask runs before the next cell).
    if (more)
        QMetaObject::invokeMethod(this, [this, serial] { stepBackground(serial); }, Qt::QueuedConnection);
    else
        m_background.reset();
}

void EngineWorker::load(quint64 generation, const QString &directory, const ComputeOptions &options)
{
    if (m_generations->loadShouldStop(generation)) {
        Q_EMIT cancelled(generation);
        Q_EMIT finished(generation);
        return;
    }
    Q_EMIT progressed(generation, -1.0, QStringLiteral("loading"));
    try {
        std::unique_ptr<Engine> engine = Engine::load(directory.toStdString(), options);
        // The core's load cannot be interrupted; a load cancelled meanwhile keeps the old model.
        if (m_generations->loadShouldStop(generation)) {
            Q_EMIT cancelled(generation);
        } else {
            abandonBackground(QCoreApplication::translate("EngineWorker", "The model was replaced by %1.").arg(directory));
            m_engine = std::move(engine);
            m_encoded.reset();   // the new model encodes differently
            m_encodedKey = 0;
            Q_EMIT loaded(generation, m_engine->info());
        }
    } catch (const Error &e) {
        Q_EMIT loadFailed(generation, errorMessage(e));
    } catch (const std::exception &e) {
        Q_EMIT loadFailed(generation, QCoreApplication::translate("EngineWorker", "%1: %2")
                                          .arg(directory, errorMessage(e)));
    } catch (...) {
        Q_EMIT loadFailed(generation, QCoreApplication::translate("EngineWorker", "%1: unknown error while loading")
                                          .arg(directory));
    }
    Q_EMIT finished(generation);
}

RunResult EngineWorker::runOne(const RunRequest &request, quint64 imageKey, const ProgressCallbacks &callbacks)
{
    if (imageKey == 0)
        return m_engine->run(request, callbacks);
    const bool reuse = m_encoded && m_encodedKey == imageKey;
    if (!reuse) {
        m_engine->validate(request);   // a bad question must not cost an encoding (run validates again)
        m_encoded.reset();
        m_encoded = m_engine->encode(request, callbacks);
        m_encodedKey = imageKey;
    }
    RunResult result = m_engine->run(request, *m_encoded, callbacks);
    // Encoded just now for this run, or re-tiled by the engine (downsampling): its timings are this run's.
    result.encodingReused = reuse && result.encodingReused;
    return result;
}

void EngineWorker::run(quint64 generation, const tokenscope::RunRequest &request, quint64 imageKey,
                       const std::optional<tokenscope::RunRequest> &comparison)
{
    // Superseded before it started: RenderDoc-style, only the latest queued request runs.
    if (m_generations->askShouldStop(generation)) {
        Q_EMIT cancelled(generation);
        Q_EMIT finished(generation);
        return;
    }
    if (!m_engine) {
        Q_EMIT failed(generation, QCoreApplication::translate("EngineWorker", "No model is loaded."));
        Q_EMIT finished(generation);
        return;
    }

    QElapsedTimer sinceLastSignal;
    ProgressCallbacks callbacks;
    callbacks.progress = [this, generation, &sinceLastSignal](double fraction, std::string_view stage) {
        if (sinceLastSignal.isValid() && sinceLastSignal.elapsed() < progressIntervalMs && fraction < 1.0)
            return;
        sinceLastSignal.start();
        Q_EMIT progressed(generation, fraction, QString::fromUtf8(stage.data(), qsizetype(stage.size())));
    };
    const JobGenerations &generations = *m_generations;
    callbacks.abort = [&generations, generation] { return generations.askShouldStop(generation); };

    try {
        RunResult result = runOne(request, imageKey, callbacks);
        if (comparison) {
            if (generations.askShouldStop(generation))
                throw Cancelled();
            const RunResult other = runOne(*comparison, imageKey, callbacks);
            Q_EMIT compared(generation, other);
        }
        Q_EMIT answered(generation, result);
    } catch (const Cancelled &) {
        Q_EMIT cancelled(generation);
    } catch (const Error &e) {
        Q_EMIT failed(generation, errorMessage(e));
    } catch (const std::exception &e) {
        Q_EMIT failed(generation, errorMessage(e));
    } catch (...) {
        Q_EMIT failed(generation, QCoreApplication::translate("EngineWorker", "Unknown error while running the model."));
    }
    Q_EMIT finished(generation);
}

} // namespace tokenscope::widgets
