// SPDX-License-Identifier: MIT
#include "logging_p.h"

namespace tokenscope::widgets {

Q_LOGGING_CATEGORY(lcSession, "tokenscope.session", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSweep, "tokenscope.sweep", QtWarningMsg)

}   // namespace tokenscope::widgets
