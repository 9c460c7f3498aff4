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

ComputeDType defaultDType(DeviceKind device)
{
    return device == DeviceKind::Cuda ? ComputeDType::BFloat16 : ComputeDType::Float32;
}

ParsedCompute parseComputeOptions(std::string_view device, std::optional<std::string_view> dtype, int threads)
{
    ParsedCompute out;
    out.options.threads = threads;
    const auto parsedDevice = parseDeviceKind(device);
    if (!parsedDevice) {
        out.problem = ParsedCompute::Problem::BadDevice;
        out.offending = std::string(device);
        return out;
    }
    out.options.device = *parsedDevice;
    out.options.dtype = defaultDType(*parsedDevice);
    if (dtype) {
        const auto parsedDType = parseComputeDType(*dtype);
        if (!parsedDType) {
            out.problem = ParsedCompute::Problem::BadDType;
            out.offending = std::string(*dtype);
            return out;
        }
        out.options.dtype = *parsedDType;
    }
    return out;
}

} // namespace tokenscope
