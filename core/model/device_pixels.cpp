// SPDX-License-Identifier: MIT
#include "model/device_pixels.h"

#if TOKENSCOPE_WITH_CUDA_KERNELS
#include "cuda/tile_kernels.h"

#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace tokenscope {

bool deviceNormalisesPixels(const ComputeTarget &target)
{
#if TOKENSCOPE_WITH_CUDA_KERNELS
    return target.device.is_cuda() && (target.dtype == torch::kFloat32 || target.dtype == torch::kBFloat16);
#else
    (void)target;
    return false;
#endif
}

torch::Tensor devicePixels(const TiledImage &tiled, const ComputeTarget &target)
{
    const auto n = static_cast<std::int64_t>(tiled.tiles.size());
    const std::int64_t t = tiled.tileSize;
    if (tiled.bytes.empty())
        return torch::from_blob(const_cast<float *>(tiled.pixels.data()), {n, 3, t, t}, torch::kFloat32)
            .to(target.device, target.dtype);
#if TOKENSCOPE_WITH_CUDA_KERNELS
    if (!deviceNormalisesPixels(target))
        throw Error("tiling", "RGB tile bytes were made for a device that cannot normalise them");
    const c10::cuda::CUDAGuard guard(target.device);
    const auto bytes = torch::from_blob(const_cast<std::uint8_t *>(tiled.bytes.data()), {n, t, t, 3}, torch::kUInt8)
                           .to(target.device);
    auto out = torch::empty({n, 3, t, t}, target.options());
    cuda::PixelNormalisation norm{};
    for (int c = 0; c < 3; ++c) {
        norm.scale[c] = static_cast<float>(1.0 / (255.0 * kImageNetStd[c]));
        norm.offset[c] = static_cast<float>(-kImageNetMean[c] / kImageNetStd[c]);
    }
    const int status = cuda::normaliseTiles(bytes.data_ptr<std::uint8_t>(), n, t, norm, out.data_ptr(),
                                            target.dtype == torch::kBFloat16 ? cuda::PixelType::BFloat16
                                                                             : cuda::PixelType::Float32,
                                            c10::cuda::getCurrentCUDAStream(target.device.index()).stream());
    if (status != 0)
        throw Error("CUDA", std::string("normalising tile pixels failed: ") + cuda::errorText(status));
    return out;
#else
    throw Error("tiling", "RGB tile bytes need TokenScope's CUDA kernels, which this build does not have");
#endif
}

} // namespace tokenscope
