// SPDX-License-Identifier: MIT
#include "sweep_job_p.h"

#include "background_task_p.h"
#include "common/error.h"
#include "logging_p.h"
#include "model_session.h"
#include "sweep/sweep_merge.h"

#include <QCoreApplication>

#include <atomic>
#include <chrono>
#include <mutex>

namespace tokenscope::widgets {

namespace {

using Clock = std::chrono::steady_clock;
// Few enough signals that the GUI thread never notices them, often enough to look live.
constexpr auto progressInterval = std::chrono::milliseconds(100);
constexpr auto recordsInterval = std::chrono::milliseconds(250);
constexpr auto summaryInterval = std::chrono::milliseconds(1000);
constexpr int interimResamples = 200;   // the final summary uses the default 1000

} // namespace

// What the GUI-side job and its task on the model-owner thread share: the way back to the job
// (gone once the job is destroyed) and the cancel request.
struct SweepJob::Link {
    std::mutex mutex;
    SweepJob *job = nullptr;
    std::atomic<bool> cancel{false};

    // Runs f(job) on the job's thread, unless the job is gone (then nothing happens).
    template <typename F>
    void post(F &&f)
    {
        const std::lock_guard<std::mutex> lock(mutex);
        if (job)
            QMetaObject::invokeMethod(job, [job = job, f = std::forward<F>(f)] { f(job); }, Qt::QueuedConnection);
    }
};

// The sweep on the model-owner thread: the first step checks everything and shows a resumed
// folder's cells, every further step runs one cell.
class SweepJob::Task : public BackgroundTask {
public:
    Task(std::shared_ptr<Link> link, SweepSpec spec) : m_link(std::move(link)), m_spec(std::move(spec)) {}

    bool step(Engine &engine) override
    {
        try {
            if (m_link->cancel)
                throw Cancelled();
            if (!m_run) {
                start(engine);
                return true;
            }
            if (!m_run->done())
                add(*m_run->step());
            reportProgress();
            if (!m_run->done())
                return true;
            flushRecords(false);
            const SweepOutcome &outcome = m_run->outcome();
            qCDebug(lcSweep) << "finished:" << outcome.ran << "cells run," << outcome.resumed << "resumed";
            m_link->post([rows = summarize(outcome.records)](SweepJob *job) { Q_EMIT job->summaryUpdated(rows); });
            m_link->post([file = QString::fromStdString(outcome.recordsFile.string()), ran = int(outcome.ran),
                          resumed = int(outcome.resumed)](SweepJob *job) {
                job->m_running = false;
                Q_EMIT job->finished(file, ran, resumed);
            });
        } catch (const Cancelled &) {
            qCDebug(lcSweep) << "cancelled";
            flushRecords(true);
            m_link->post([](SweepJob *job) {
                job->m_running = false;
                Q_EMIT job->cancelled();
            });
        } catch (const std::exception &e) {   // tokenscope::Error names the file, line or sample
            fail(QString::fromStdString(e.what()));
        }
        return false;
    }

    void abandon(const QString &reason) override
    {
        fail(QCoreApplication::translate("SweepJob", "%1 The cells finished so far are kept; Run Sweep again resumes.")
                 .arg(reason));
    }

private:
    void start(Engine &engine)
    {
        // A resumed folder's cells are shown before the new ones arrive.
        if (std::filesystem::is_directory(m_spec.outDir) && !recordFilesIn(m_spec.outDir).empty()) {
            MergeOutcome found;
            m_all = readSweep({m_spec.outDir}, found);
            m_batch = m_all;
            flushRecords(true);
        }
        m_run = std::make_unique<SweepRun>(engine, m_spec);
        m_lastRecords = m_lastSummary = Clock::now();
        qCDebug(lcSweep) << "started" << QString::fromStdString(m_spec.outDir.string()) << m_run->progress().total
                         << "cells," << m_run->progress().resumed << "already done";
    }

    void add(const SampleRecord &record)
    {
        m_all.push_back(record);
        m_batch.push_back(record);
        const auto now = Clock::now();
        if (now - m_lastRecords >= recordsInterval)
            flushRecords(now - m_lastSummary >= summaryInterval);
    }

    void reportProgress()
    {
        const SweepProgress &progress = m_run->progress();
        const auto now = Clock::now();
        if (now - m_lastProgress < progressInterval && progress.done < progress.total)
            return;
        m_lastProgress = now;
        m_link->post([progress](SweepJob *job) { Q_EMIT job->progressed(progress); });
    }

    void flushRecords(bool withSummary)
    {
        if (!m_batch.empty()) {
            m_link->post([records = std::move(m_batch)](SweepJob *job) { Q_EMIT job->recordsAdded(records); });
            m_batch.clear();
        }
        m_lastRecords = Clock::now();
        if (withSummary && !m_all.empty()) {
            SummaryOptions options;
            options.resamples = interimResamples;
            m_link->post([rows = summarize(m_all, options)](SweepJob *job) { Q_EMIT job->summaryUpdated(rows); });
            m_lastSummary = Clock::now();
        }
    }

    void fail(const QString &message)
    {
        qCDebug(lcSweep) << "ended:" << message;
        flushRecords(true);
        m_link->post([message](SweepJob *job) {
            job->m_running = false;
            Q_EMIT job->failed(message);
        });
    }

    std::shared_ptr<Link> m_link;
    SweepSpec m_spec;
    std::unique_ptr<SweepRun> m_run;
    std::vector<SampleRecord> m_all, m_batch;
    Clock::time_point m_lastProgress = Clock::now() - progressInterval, m_lastRecords, m_lastSummary;
};

SweepJob::SweepJob(QObject *parent) : QObject(parent) {}

SweepJob::~SweepJob()
{
    if (m_link) {
        m_link->cancel = true;
        const std::lock_guard<std::mutex> lock(m_link->mutex);
        m_link->job = nullptr;   // the task may still finish its cell; nothing reaches this job
    }
}

bool SweepJob::start(const SweepSpec &spec)
{
    if (m_running || !m_session)
        return false;
    if (m_link) {   // the previous sweep has ended; cut its way back all the same
        const std::lock_guard<std::mutex> lock(m_link->mutex);
        m_link->job = nullptr;
    }
    m_link = std::make_shared<Link>();
    m_link->job = this;
    m_running = true;
    m_session->runInBackground(std::make_shared<Task>(m_link, spec));
    return true;
}

void SweepJob::cancel()
{
    if (m_link)
        m_link->cancel = true;
}

} // namespace tokenscope::widgets
