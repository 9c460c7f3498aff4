// SPDX-License-Identifier: MIT
#include "model/tensor_loading.h"

#include "io/tensor_shape.h"

#include <set>

namespace tokenscope {

namespace {

torch::ScalarType torchType(DType dtype)
{
    switch (dtype) {
    case DType::F32: return torch::kFloat32;
    case DType::F16: return torch::kFloat16;
    case DType::BF16: return torch::kBFloat16;
    }
    throw std::logic_error("unknown dtype");
}

} // namespace

void validateCheckpoint(const WeightStore &weights, const std::vector<ExpectedTensor> &expected, bool rejectUnexpected)
{
    const std::string source = weights.source().string();
    std::set<std::string> known;
    for (const ExpectedTensor &t : expected) {
        known.insert(t.name);
        if (!weights.contains(t.name)) {
            if (t.required)
                throw Error(source, "missing tensor '" + t.name + "' (expected shape " + formatShape(t.shape) +
                                        " from config.json)");
            continue;
        }
        const TensorView &view = weights.at(t.name);
        if (view.shape != t.shape)
            throw Error(view.file, "tensor '" + t.name + "' has shape " + formatShape(view.shape) +
                                       " but config.json implies " + formatShape(t.shape));
    }
    if (rejectUnexpected) {
        for (const std::string &name : weights.names())
            if (!known.count(name))
                throw Error(source, "unexpected tensor '" + name + "' that config.json does not describe");
    }
}

torch::Tensor loadTensor(const TensorView &view, const ComputeTarget &target)
{
    return withTorchErrors(view.file.string(), [&] {
        // from_blob does not own the mapping: clone (via .to/.clone) before the file can go away.
        auto raw = torch::from_blob(const_cast<std::byte *>(view.data.data()), view.shape,
                                    torch::TensorOptions().dtype(torchType(view.dtype)));
        return raw.to(target.device, target.dtype, /*non_blocking=*/false, /*copy=*/true).contiguous();
    });
}

nn::ParameterMap loadParameters(const WeightStore &weights, const std::vector<ExpectedTensor> &expected,
                                const ComputeTarget &target)
{
    validateCheckpoint(weights, expected, /*rejectUnexpected=*/false);
    nn::ParameterMap params;
    for (const ExpectedTensor &t : expected)
        if (weights.contains(t.name))
            params.emplace(t.name, loadTensor(weights.at(t.name), target));
    return params;
}

} // namespace tokenscope
