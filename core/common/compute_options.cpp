// SPDX-License-Identifier: MIT
#include "common/compute_options.h"

namespace tokenscope {

std::string_view deviceName(DeviceKind device)
{
    return device == DeviceKind::Cuda ? "cuda" : "cpu";
}

std::string_view dtypeName(ComputeDType dtype)
{
    return dtype == ComputeDType::BFloat16 ? "bf16" : "fp32";
}

std::optional<DeviceKind> parseDeviceKind(std::string_view text)
{
    if (text == "cpu")
        return DeviceKind::Cpu;
    if (text == "cuda" || text == "gpu")
        return DeviceKind::Cuda;
    return std::nullopt;
}

std::optional<ComputeDType> parseComputeDType(std::string_view text)
{
    if (text == "fp32" || text == "float32")
        return ComputeDType::Float32;
    if (text == "bf16" || text == "bfloat16")
        return ComputeDType::BFloat16;
    return std::nullopt;
}

} // namespace tokenscope
