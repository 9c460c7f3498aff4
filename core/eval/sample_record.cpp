// SPDX-License-Identifier: MIT
#include "eval/sample_record.h"

#include <cstdio>

namespace tokenscope {

std::string SampleRecord::cellKey() const
{
    char budgetText[32];
    std::snprintf(budgetText, sizeof budgetText, "%.6g", budget);
    return method + '\x1f' + budgetText + '\x1f' + docId;
}

} // namespace tokenscope
