// SPDX-License-Identifier: MIT
#include "model/torch_runtime.h"

#include <thread>

namespace tokenscope {

ComputeTarget resolveComputeTarget(const ComputeOptions &options)
{
    ComputeTarget target;
    if (options.device == DeviceKind::Cuda) {
        if (!torch::cuda::is_available())
            throw Error("--device cuda", "this build's LibTorch has no CUDA support or no GPU is visible");
        target.device = torch::Device(torch::kCUDA, 0);
    }
    target.dtype = options.dtype == ComputeDType::BFloat16 ? torch::kBFloat16 : torch::kFloat32;
    return target;
}

int applyThreadCount(int threads)
{
    if (threads <= 0)
        threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    // Debian's LibTorch defaults to a single intra-op thread: set it explicitly.
    if (at::get_num_threads() != threads)
        at::set_num_threads(threads);
    return threads;
}

StageTimer::StageTimer(const torch::Device &device)
    : m_device(device)
{
    synchronize();
    m_start = std::chrono::steady_clock::now();
}

double StageTimer::elapsedMs()
{
    synchronize();
    const auto now = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(now - m_start).count();
    m_start = now;
    return ms;
}

void StageTimer::synchronize() const
{
    if (m_device.is_cuda())
        torch::cuda::synchronize();
}

} // namespace tokenscope
