// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tokenscope {

enum class DeviceKind { Cpu, Cuda };
enum class ComputeDType { Float32, BFloat16 };

// Where and how the engine computes. threads = 0 means one per available core.
struct ComputeOptions {
    DeviceKind device = DeviceKind::Cpu;
    ComputeDType dtype = ComputeDType::Float32;
    int threads = 0;
};

std::string_view deviceName(DeviceKind device);      // "cpu", "cuda"
std::string_view dtypeName(ComputeDType dtype);      // "fp32", "bf16"
std::optional<DeviceKind> parseDeviceKind(std::string_view text);
std::optional<ComputeDType> parseComputeDType(std::string_view text);

// bf16 is the released models' dtype and the fast path on GPUs; CPUs compute fp32.
ComputeDType defaultDType(DeviceKind device);

// Device and dtype as a command line names them (the dtype, when absent, follows defaultDType).
// The frontends word the problem themselves (the GUI translates it); `offending` is the text.
struct ParsedCompute {
    enum class Problem { None, BadDevice, BadDType };
    ComputeOptions options;
    Problem problem = Problem::None;
    std::string offending;
};
ParsedCompute parseComputeOptions(std::string_view device, std::optional<std::string_view> dtype, int threads);

} // namespace tokenscope
