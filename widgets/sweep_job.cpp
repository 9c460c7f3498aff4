// SPDX-License-Identifier: MIT
#include "sweep_job.h"

#include "common/error.h"
#include "pipeline/engine.h"
#include "sweep/sweep_merge.h"

#include <chrono>

namespace tokenscope::widgets {

namespace {

using Clock = std::chrono::steady_clock;
// Few enough signals that the GUI thread never notices them, often enough to look live.
constexpr auto progressInterval = std::chrono::milliseconds(100);
constexpr auto recordsInterval = std::chrono::milliseconds(250);
constexpr auto summaryInterval = std::chrono::milliseconds(1000);
constexpr int interimResamples = 200;   // the final summary uses the default 1000

} // namespace

SweepJob::SweepJob(QObject *parent) : QObject(parent) {}

SweepJob::~SweepJob()
{
    m_cancel = true;
    joinThread();
}

void SweepJob::joinThread()
{
    if (m_thread.joinable())
        m_thread.join();
}

template <typename F>
void SweepJob::post(F &&f)
{
    // Runs on the GUI thread; Qt drops calls still queued for a job that was destroyed meanwhile.
    QMetaObject::invokeMethod(this, std::forward<F>(f), Qt::QueuedConnection);
}

bool SweepJob::start(const SweepRequest &request)
{
    if (m_running)
        return false;
    joinThread();   // the previous sweep's thread has posted its end; reclaim it
    m_cancel = false;
    m_running = true;
    m_thread = std::thread([this, request] { run(request); });
    return true;
}

void SweepJob::cancel()
{
    m_cancel = true;
}

void SweepJob::run(SweepRequest request)
{
    std::vector<SampleRecord> all, batch;
    auto lastProgress = Clock::now() - progressInterval, lastRecords = Clock::now(), lastSummary = Clock::now();
    auto flushRecords = [&](bool withSummary) {
        if (!batch.empty()) {
            post([this, records = std::move(batch)] { Q_EMIT recordsAdded(records); });
            batch.clear();
        }
        lastRecords = Clock::now();
        if (withSummary && !all.empty()) {
            SummaryOptions options;
            options.resamples = interimResamples;
            post([this, rows = summarize(all, options)] { Q_EMIT summaryUpdated(rows); });
            lastSummary = Clock::now();
        }
    };
    try {
        // A resumed folder's cells are shown before the new ones arrive.
        if (std::filesystem::is_directory(request.spec.outDir) && !recordFilesIn(request.spec.outDir).empty()) {
            MergeOutcome found;
            all = readSweep({request.spec.outDir}, found);
            batch = all;
            flushRecords(true);
        }
        const auto engine = Engine::load(request.modelDir.toStdString(), request.compute);
        SweepCallbacks callbacks;
        callbacks.abort = [this] { return m_cancel.load(); };
        callbacks.progress = [&](const SweepProgress &progress) {
            const auto now = Clock::now();
            if (now - lastProgress < progressInterval && progress.done < progress.total)
                return;
            lastProgress = now;
            post([this, progress] { Q_EMIT progressed(progress); });
        };
        callbacks.record = [&](const SampleRecord &record) {
            all.push_back(record);
            batch.push_back(record);
            const auto now = Clock::now();
            if (now - lastRecords >= recordsInterval)
                flushRecords(now - lastSummary >= summaryInterval);
        };
        const SweepOutcome outcome = runSweep(*engine, request.spec, callbacks);
        flushRecords(false);
        post([this, rows = summarize(outcome.records)] { Q_EMIT summaryUpdated(rows); });
        post([this, file = QString::fromStdString(outcome.recordsFile.string()), ran = int(outcome.ran),
              resumed = int(outcome.resumed)] {
            m_running = false;
            Q_EMIT finished(file, ran, resumed);
        });
    } catch (const Cancelled &) {
        flushRecords(true);
        post([this] {
            m_running = false;
            Q_EMIT cancelled();
        });
    } catch (const std::exception &e) {   // tokenscope::Error names the file, line or sample
        flushRecords(true);
        post([this, message = QString::fromStdString(e.what())] {
            m_running = false;
            Q_EMIT failed(message);
        });
    }
}

} // namespace tokenscope::widgets
