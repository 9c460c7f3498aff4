// SPDX-License-Identifier: MIT
#include "model/torch_runtime.h"

#include <dlfcn.h>

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
    // Debian's LibTorch hands matrix products to the system BLAS. OpenBLAS keeps its own thread
    // pool beside LibTorch's OpenMP pool, both spin-wait after work, and on a 2-core machine the
    // two starve each other: 3-4x slower and erratic (docs/benchmarks.md). The products are where
    // the work is, so OpenBLAS gets the threads and the element-wise pool runs on the caller.
    using SetThreads = void (*)(int);
    if (auto setBlasThreads = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
        setBlasThreads(threads);
        at::set_num_threads(1);
    } else if (at::get_num_threads() != threads) {
        at::set_num_threads(threads);   // MKL or reference BLAS: one OpenMP pool serves both
    }
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
