// SPDX-License-Identifier: MIT
#pragma once

// Long work that shares the model-owner thread's engine with the asks instead of loading a copy
// of the weights (the workbench's sweep). EngineWorker calls step() on the model-owner thread and
// queues it again while it returns true, so asks queued meanwhile run between two steps: a step
// should be short (one sweep cell). Both methods run on the model-owner thread.

#include <QString>

namespace tokenscope {
class Engine;
}

namespace tokenscope::widgets {

class BackgroundTask {
public:
    virtual ~BackgroundTask() = default;
    // One slice of the work on the loaded engine; false when the task has ended (done, failed or
    // cancelled: it reports its own outcome).
    virtual bool step(tokenscope::Engine &engine) = 0;
    // The task cannot go on: no model is loaded, or a load replaces the engine it was using.
    virtual void abandon(const QString &reason) = 0;
};

}   // namespace tokenscope::widgets
