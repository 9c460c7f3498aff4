// SPDX-License-Identifier: MIT
#include "cuda/tile_kernels.h"

#include <cuda_bf16.h>
#include <cuda_runtime.h>

namespace tokenscope::cuda {

namespace {

template <class T> __device__ T fromFloat(float v);
template <> __device__ float fromFloat<float>(float v) { return v; }
template <> __device__ __nv_bfloat16 fromFloat<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }

// One thread per group of four pixels of one tile row: three 4-byte loads (12 interleaved bytes)
// and, per channel, four consecutive outputs (one 16-byte store for float, 8 for bf16). Needs
// T % 4 == 0 so that a group never straddles a row; the launcher falls back otherwise.
template <class T>
__global__ void normaliseGroupsOfFour(const std::uint32_t *__restrict__ bytes, std::int64_t groups, std::int64_t plane,
                                      PixelNormalisation norm, T *__restrict__ out)
{
    struct alignas(4 * sizeof(T)) Quad { T v[4]; };
    for (std::int64_t g = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; g < groups;
         g += std::int64_t(gridDim.x) * blockDim.x) {
        const std::uint32_t w0 = bytes[3 * g], w1 = bytes[3 * g + 1], w2 = bytes[3 * g + 2];
        // Little-endian bytes r0 g0 b0 r1 | g1 b1 r2 g2 | b2 r3 g3 b3.
        const unsigned char rgb[12] = {
            static_cast<unsigned char>(w0), static_cast<unsigned char>(w0 >> 8), static_cast<unsigned char>(w0 >> 16),
            static_cast<unsigned char>(w0 >> 24), static_cast<unsigned char>(w1), static_cast<unsigned char>(w1 >> 8),
            static_cast<unsigned char>(w1 >> 16), static_cast<unsigned char>(w1 >> 24), static_cast<unsigned char>(w2),
            static_cast<unsigned char>(w2 >> 8), static_cast<unsigned char>(w2 >> 16), static_cast<unsigned char>(w2 >> 24)};
        const std::int64_t pixel = 4 * g;
        const std::int64_t tile = pixel / plane, inPlane = pixel - tile * plane;
        T *tileOut = out + tile * 3 * plane + inPlane;
#pragma unroll
        for (int c = 0; c < 3; ++c) {
            Quad q;
#pragma unroll
            for (int i = 0; i < 4; ++i)
                q.v[i] = fromFloat<T>(fmaf(float(rgb[3 * i + c]), norm.scale[c], norm.offset[c]));
            *reinterpret_cast<Quad *>(tileOut + c * plane) = q;
        }
    }
}

// Any tile size: one thread per pixel.
template <class T>
__global__ void normalisePixels(const unsigned char *__restrict__ bytes, std::int64_t pixels, std::int64_t plane,
                                PixelNormalisation norm, T *__restrict__ out)
{
    for (std::int64_t p = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; p < pixels;
         p += std::int64_t(gridDim.x) * blockDim.x) {
        const std::int64_t tile = p / plane, inPlane = p - tile * plane;
#pragma unroll
        for (int c = 0; c < 3; ++c)
            out[(tile * 3 + c) * plane + inPlane] = fromFloat<T>(fmaf(float(bytes[3 * p + c]), norm.scale[c], norm.offset[c]));
    }
}

int gridFor(std::int64_t items, int threads)
{
    // Enough blocks to fill the GPU several times over; the grid-stride loops take the rest.
    const std::int64_t blocks = (items + threads - 1) / threads;
    return static_cast<int>(blocks < 65536 ? (blocks > 0 ? blocks : 1) : 65536);
}

template <class T>
cudaError_t launch(const std::uint8_t *bytes, std::int64_t tiles, std::int64_t tileSize, const PixelNormalisation &norm,
                   T *out, cudaStream_t stream)
{
    constexpr int kThreads = 256;
    const std::int64_t plane = tileSize * tileSize, pixels = tiles * plane;
    const bool aligned = reinterpret_cast<std::uintptr_t>(bytes) % 4 == 0
                         && reinterpret_cast<std::uintptr_t>(out) % (4 * sizeof(T)) == 0;
    if (tileSize % 4 == 0 && aligned)
        normaliseGroupsOfFour<T><<<gridFor(pixels / 4, kThreads), kThreads, 0, stream>>>(
            reinterpret_cast<const std::uint32_t *>(bytes), pixels / 4, plane, norm, out);
    else
        normalisePixels<T><<<gridFor(pixels, kThreads), kThreads, 0, stream>>>(bytes, pixels, plane, norm, out);
    return cudaGetLastError();
}

} // namespace

int normaliseTiles(const std::uint8_t *bytes, std::int64_t tiles, std::int64_t tileSize, const PixelNormalisation &norm,
                   void *out, PixelType type, void *stream)
{
    if (tiles <= 0 || tileSize <= 0)
        return cudaSuccess;
    const auto s = static_cast<cudaStream_t>(stream);
    return type == PixelType::Float32
               ? launch(bytes, tiles, tileSize, norm, static_cast<float *>(out), s)
               : launch(bytes, tiles, tileSize, norm, static_cast<__nv_bfloat16 *>(out), s);
}

const char *errorText(int error)
{
    return cudaGetErrorString(static_cast<cudaError_t>(error));
}

} // namespace tokenscope::cuda
