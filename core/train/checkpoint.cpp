// SPDX-License-Identifier: MIT
#include "train/checkpoint.h"

#include "io/safetensors.h"
#include "model/tensor_loading.h"

#include <cstring>

namespace tokenscope {

namespace {
constexpr const char *kStageKey = "tokenscope.stage";
constexpr const char *kStepKey = "tokenscope.step";
} // namespace

void saveCheckpointTensors(const std::filesystem::path &file, const nn::ParameterMap &tensors, const CheckpointStamp &stamp)
{
    std::vector<TensorData> data;
    for (const auto &[name, tensor] : tensors) {
        const auto cpu = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
        TensorData t{name, DType::F32, cpu.sizes().vec(), std::vector<std::byte>(std::size_t(cpu.numel()) * 4)};
        std::memcpy(t.bytes.data(), cpu.data_ptr<float>(), t.bytes.size());
        data.push_back(std::move(t));
    }
    writeSafetensors(file, data, {{"format", "pt"}, {kStageKey, stamp.stage}, {kStepKey, std::to_string(stamp.step)}});
}

namespace {

std::shared_ptr<const SafetensorsFile> openCheckpoint(const std::filesystem::path &file, CheckpointStamp &stamp)
{
    if (!std::filesystem::exists(file))
        throw Error(file, "is missing");
    auto mapped = SafetensorsFile::open(file);
    const auto &meta = mapped->metadata();
    const auto stage = meta.find(kStageKey), step = meta.find(kStepKey);
    if (stage == meta.end() || step == meta.end())
        throw Error(file, "is not a TokenScope training checkpoint (no stage/step stamp in its metadata)");
    stamp.stage = stage->second;
    try {
        stamp.step = std::stoi(step->second);
    } catch (const std::exception &) {
        throw Error(file, "has a malformed step stamp '" + step->second + "'");
    }
    return mapped;
}

} // namespace

CheckpointStamp readCheckpointStamp(const std::filesystem::path &file)
{
    CheckpointStamp stamp;
    openCheckpoint(file, stamp);
    return stamp;
}

CheckpointTensors loadCheckpointTensors(const std::filesystem::path &file, const ComputeTarget &target)
{
    CheckpointTensors out;
    const auto mapped = openCheckpoint(file, out.stamp);
    for (const auto &[name, view] : mapped->tensors())
        out.tensors.emplace(name, loadTensor(view, target));
    return out;
}

void copyFileAtomically(const std::filesystem::path &from, const std::filesystem::path &to)
{
    const auto temporary = to.string() + ".part";
    std::error_code ec;
    std::filesystem::copy_file(from, temporary, std::filesystem::copy_options::overwrite_existing, ec);
    if (!ec)
        std::filesystem::rename(temporary, to, ec);
    if (ec)
        throw Error(to, "could not be written from " + from.string() + ": " + ec.message());
}

} // namespace tokenscope
