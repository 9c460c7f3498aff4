// SPDX-License-Identifier: MIT
#pragma once

// Linear warm-up then cosine decay to `floor` × peak: the schedule of every training stage.

#include <algorithm>
#include <cmath>
#include <numbers>

namespace tokenscope {

struct LearningRateSchedule {
    double peak = 1e-3;
    int warmupSteps = 100;
    int totalSteps = 1000;
    double floor = 0.1;   // the final rate as a fraction of peak

    // The rate for 0-based `step`: step 0 of the warm-up already moves (peak / warmup).
    double at(int step) const
    {
        if (warmupSteps > 0 && step < warmupSteps)
            return peak * double(step + 1) / double(warmupSteps);
        const int decaySteps = std::max(1, totalSteps - warmupSteps);
        const double progress = std::clamp(double(step - warmupSteps) / double(decaySteps), 0.0, 1.0);
        const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
        return peak * (floor + (1.0 - floor) * cosine);
    }
};

// λ(step) of VisionSelector's curriculum: linear from `start` to `end` over the stage.
inline double linearRamp(double start, double end, int step, int totalSteps)
{
    const double t = totalSteps > 1 ? std::clamp(double(step) / double(totalSteps - 1), 0.0, 1.0) : 1.0;
    return start + (end - start) * t;
}

} // namespace tokenscope
