// SPDX-License-Identifier: MIT
#pragma once

// The core value types that cross threads inside queued signals (results are immutable values
// handed over whole, never shared mutable state).

#include "pipeline/engine.h"

#include <QMetaType>

Q_DECLARE_METATYPE(tokenscope::ModelInfo)
Q_DECLARE_METATYPE(tokenscope::RunRequest)
Q_DECLARE_METATYPE(tokenscope::RunResult)

namespace tokenscope::widgets {

// Idempotent; call before the first queued connection carrying these types.
void registerCoreMetaTypes();

} // namespace tokenscope::widgets
