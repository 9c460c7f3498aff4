// SPDX-License-Identifier: MIT
#pragma once

// Image decoding (OpenCV, to RGB) and InternVL dynamic tiling.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace tokenscope {

// 8-bit RGB, row-major, 3 bytes per pixel, no padding.
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb;
};

struct ImageLimits {
    std::int64_t maxPixels = 50'000'000;            // refuse before decoding (decompression bombs)
    std::uintmax_t maxFileBytes = 256ull << 20;
};

// Decodes PNG/JPEG/BMP/WebP/TIFF… into RGB (alpha dropped, grey expanded, BGR->RGB made explicit).
// Missing, empty, truncated, corrupt or over-limit files throw Error naming the file.
RgbImage decodeImageFile(const std::filesystem::path &path, const ImageLimits &limits = {});
RgbImage decodeImageBytes(std::span<const std::byte> bytes, const std::string &source,
                          const ImageLimits &limits = {});
void writePng(const std::filesystem::path &path, const RgbImage &image);

struct RectF {
    double x = 0, y = 0, width = 0, height = 0;
};

struct TileGrid {
    int cols = 1;
    int rows = 1;
    int count() const { return cols * rows; }
};

struct TilingOptions {
    int tileSize = 448;
    int minTiles = 1;
    int maxTiles = 12;
    bool dynamic = true;        // false: one tile, the whole image resized
    bool useThumbnail = true;   // appended last when there is more than one tile
    // false: TiledImage::bytes gets the resized tiles as RGB bytes and `pixels` stays empty, for
    // a device that normalises them itself (core/cuda/tile_kernels.h).
    bool normalise = true;
};

struct TileInfo {
    int index = 0;
    int col = 0;                // grid position; the thumbnail has col = row = -1
    int row = 0;
    bool thumbnail = false;
    RectF sourceRect;           // the region of the original image this tile shows
};

// Tiles in model order (row-major, thumbnail last) and their normalised pixels.
struct TiledImage {
    int sourceWidth = 0;
    int sourceHeight = 0;
    int tileSize = 0;
    TileGrid grid;
    std::vector<TileInfo> tiles;
    std::vector<float> pixels;  // [tiles, 3, tileSize, tileSize], (x/255 - mean) / std, RGB
    std::vector<std::uint8_t> bytes;   // [tiles, tileSize, tileSize, 3] RGB, when !normalise
};

// The ImageNet normalisation InternVL applies (internvl_chat/internvl/train/dataset.py).
inline constexpr double kImageNetMean[3] = {0.485, 0.456, 0.406};
inline constexpr double kImageNetStd[3] = {0.229, 0.224, 0.225};

// InternVL's find_closest_aspect_ratio, including its tie rule: among equally close aspect
// ratios (grids tried by increasing tile count) a later, larger grid wins when the image area
// exceeds half of that grid's pixel area.
TileGrid chooseTileGrid(int width, int height, const TilingOptions &options);

TiledImage tileImage(const RgbImage &image, const TilingOptions &options);

} // namespace tokenscope
