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

} // namespace tokenscope
