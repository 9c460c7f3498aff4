// SPDX-License-Identifier: MIT
#pragma once

// The workbench's logging categories, off below warnings by default. Turn them on to see what the
// model-owner thread did and why a result was not shown, e.g.
//   QT_LOGGING_RULES="tokenscope.*.debug=true" tokenscope
//   tokenscope.session: loads, asks (and their timings), cancels, results dropped as stale
//   tokenscope.sweep:   sweeps run on the session's engine: start, end, abandon

#include <QLoggingCategory>

namespace tokenscope::widgets {

Q_DECLARE_LOGGING_CATEGORY(lcSession)
Q_DECLARE_LOGGING_CATEGORY(lcSweep)

}   // namespace tokenscope::widgets
