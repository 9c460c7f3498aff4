// SPDX-License-Identifier: MIT
#pragma once

// Device/dtype choice, thread setup, error translation and device-clock timing for LibTorch.
// Private to core: includes LibTorch.

#include "common/compute_options.h"
#include "common/error.h"

#include <torch/torch.h>

#include <chrono>
#include <string>

namespace tokenscope {

struct ComputeTarget {
    torch::Device device = torch::kCPU;
    torch::ScalarType dtype = torch::kFloat32;
    torch::TensorOptions options() const { return torch::TensorOptions().device(device).dtype(dtype); }
};

// Resolves the user's choice; CUDA without a CUDA build/device is an Error, not a silent CPU run.
ComputeTarget resolveComputeTarget(const ComputeOptions &options);

// Applies the thread count (0 = all cores) to LibTorch's intra-op pool; returns the count used.
int applyThreadCount(int threads);

// Runs `work`, converting LibTorch's c10::Error into Error(source, ...).
template <class Work>
auto withTorchErrors(const std::string &source, Work &&work) -> decltype(work())
{
    try {
        return work();
    } catch (const c10::Error &e) {
        throw Error(source, std::string("LibTorch error: ") + e.what_without_backtrace());
    }
}

// Wall time of a stage as the device sees it: CUDA work is synchronised before reading the clock.
class StageTimer {
public:
    explicit StageTimer(const torch::Device &device);
    double elapsedMs();   // since construction or the previous call

private:
    void synchronize() const;
    torch::Device m_device;
    std::chrono::steady_clock::time_point m_start;
};

} // namespace tokenscope
