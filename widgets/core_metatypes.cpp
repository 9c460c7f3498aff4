// SPDX-License-Identifier: MIT
#include "core_metatypes.h"

namespace tokenscope::widgets {

void registerCoreMetaTypes()
{
    qRegisterMetaType<tokenscope::ModelInfo>();
    qRegisterMetaType<tokenscope::RunRequest>();
    qRegisterMetaType<tokenscope::RunResult>();
}

} // namespace tokenscope::widgets
