// SPDX-License-Identifier: MIT
#include "model_session.h"

#include "engine_worker_p.h"
#include "job_generations_p.h"
#include "logging_p.h"

namespace tokenscope::widgets {

ModelSession::ModelSession(const ComputeOptions &options, QObject *parent)
    : QObject(parent), m_generations(std::make_shared<JobGenerations>()), m_options(options)
{
    registerCoreMetaTypes();
    m_worker = std::make_unique<EngineWorker>(m_generations);
    m_worker->moveToThread(&m_thread);
    m_thread.setObjectName(QStringLiteral("model-owner"));

    // The worker lives on another thread, so these are queued: results arrive as values.
    connect(m_worker.get(), &EngineWorker::loaded, this, &ModelSession::onLoaded);
    connect(m_worker.get(), &EngineWorker::loadFailed, this, &ModelSession::onLoadFailed);
    connect(m_worker.get(), &EngineWorker::answered, this, &ModelSession::onAnswered);
    connect(m_worker.get(), &EngineWorker::compared, this, &ModelSession::onCompared);
    connect(m_worker.get(), &EngineWorker::failed, this, &ModelSession::onFailed);
    connect(m_worker.get(), &EngineWorker::cancelled, this, &ModelSession::onCancelled);
    connect(m_worker.get(), &EngineWorker::progressed, this, &ModelSession::onProgressed);
    connect(m_worker.get(), &EngineWorker::finished, this, &ModelSession::onFinished);
    m_thread.start();
}

ModelSession::~ModelSession()
{
    // Stop the running job at its next check, then let the thread drain its (skipped) queue.
    m_generations->cancelAll();
    m_thread.quit();
    m_thread.wait();
    m_worker.reset();   // the thread has stopped, so destroying the engine here is safe
}

quint64 ModelSession::loadModel(const QString &directory)
{
    const quint64 generation = m_generations->issueLoad();
    qCDebug(lcSession) << "load" << generation << directory;
    markIssued();
    EngineWorker *worker = m_worker.get();
    QMetaObject::invokeMethod(
        worker, [worker, generation, directory, options = m_options] { worker->load(generation, directory, options); },
        Qt::QueuedConnection);
    return generation;
}

quint64 ModelSession::ask(const tokenscope::RunRequest &request, quint64 imageKey,
                          const std::optional<tokenscope::RunRequest> &comparison)
{
    const quint64 generation = m_generations->issueAsk();
    qCDebug(lcSession) << "ask" << generation << QString::fromStdString(request.tokenMethod) << request.budget
                       << (comparison ? "with a comparison" : "");
    markIssued();
    EngineWorker *worker = m_worker.get();
    QMetaObject::invokeMethod(
        worker, [worker, generation, request, imageKey, comparison] { worker->run(generation, request, imageKey, comparison); },
        Qt::QueuedConnection);
    return generation;
}

void ModelSession::cancel()
{
    qCDebug(lcSession) << "cancel up to" << m_generations->issued();
    m_generations->cancelAll();
}

void ModelSession::runInBackground(std::shared_ptr<BackgroundTask> task)
{
    QMetaObject::invokeMethod(
        m_worker.get(), [worker = m_worker.get(), task = std::move(task)]() mutable { worker->startBackground(std::move(task)); },
        Qt::QueuedConnection);
}

bool ModelSession::isBusy() const
{
    return m_finished < m_generations->issued();
}

quint64 ModelSession::latestGeneration() const
{
    return m_generations->issued();
}

void ModelSession::markIssued()
{
    // Busy flips on only for the first job of a burst.
    if (m_finished + 1 == m_generations->issued())
        Q_EMIT busyChanged(true);
}

bool ModelSession::isCurrent(quint64 generation) const
{
    if (generation == m_generations->latestLoad())
        return true;
    return generation == m_generations->latestAsk() && generation > m_generations->latestLoad();
}

void ModelSession::onLoaded(quint64 generation, const tokenscope::ModelInfo &info)
{
    // The worker installed this engine, so the GUI must learn about it even if a newer load is
    // queued: the newer one will report again when it is done.
    qCDebug(lcSession) << "loaded" << generation << QString::fromStdString(info.directory.string())
                       << info.device.c_str() << info.dtype.c_str();
    m_hasModel = true;
    Q_EMIT modelLoaded(info);
}

void ModelSession::onLoadFailed(quint64 generation, const QString &message)
{
    if (generation != m_generations->latestLoad()) {
        qCDebug(lcSession) << "dropped stale result" << generation;
        Q_EMIT staleResultDropped(generation);
        return;
    }
    Q_EMIT loadFailed(message);
}

void ModelSession::onAnswered(quint64 generation, const tokenscope::RunResult &result)
{
    if (!isCurrent(generation)) {
        qCDebug(lcSession) << "dropped stale result" << generation;
        Q_EMIT staleResultDropped(generation);
        return;
    }
    // Finished before it saw the cancel: the user asked for no answer, so none is shown.
    if (m_generations->isCancelled(generation)) {
        Q_EMIT cancelled(generation);
        return;
    }
    qCDebug(lcSession) << "answered" << generation << "in" << result.timings.totalMs() << "ms";
    Q_EMIT answerReady(generation, result);
}

void ModelSession::onCompared(quint64 generation, const tokenscope::RunResult &result)
{
    // The answer that follows decides what is shown; a stale or cancelled one is dropped there.
    if (isCurrent(generation) && !m_generations->isCancelled(generation))
        Q_EMIT comparisonReady(generation, result);
}

void ModelSession::onFailed(quint64 generation, const QString &message)
{
    if (!isCurrent(generation)) {
        qCDebug(lcSession) << "dropped stale result" << generation;
        Q_EMIT staleResultDropped(generation);
        return;
    }
    Q_EMIT runFailed(generation, message);
}

void ModelSession::onCancelled(quint64 generation)
{
    // A job stopped because a newer one replaced it is stale, not cancelled by the user.
    if (!isCurrent(generation)) {
        qCDebug(lcSession) << "dropped stale result" << generation;
        Q_EMIT staleResultDropped(generation);
        return;
    }
    Q_EMIT cancelled(generation);
}

void ModelSession::onProgressed(quint64 generation, double fraction, const QString &stage)
{
    if (isCurrent(generation) && !m_generations->isCancelled(generation))
        Q_EMIT progress(generation, fraction, stage);
}

void ModelSession::onFinished(quint64 generation)
{
    m_finished = generation;
    if (!isBusy())
        Q_EMIT busyChanged(false);
}

} // namespace tokenscope::widgets
