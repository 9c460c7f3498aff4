// SPDX-License-Identifier: MIT
// InternVL "dynamic high resolution": grid choice, resize, row-major tiles, thumbnail last,
// ImageNet normalisation (InternVL internvl_chat/internvl/train/dataset.py, dynamic_preprocess).
#include "common/error.h"
#include "image/image.h"
#include "image/pil_resize.h"
#include "image/rgb_mat.h"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>

namespace tokenscope {

namespace {

// Far above any InternVL setting (448 px, 12 tiles; 40 at most in evaluation scripts), low enough
// that the grid search stays trivial and one request cannot ask for gigabytes of pixels.
constexpr int kMaxTileSize = 4096;
constexpr int kMaxTileCount = 256;

void requireValidOptions(const TilingOptions &options)
{
    const std::string source = "tiling options";
    if (options.tileSize <= 0 || options.tileSize > kMaxTileSize)
        throw Error(source, "tile size must be 1.." + std::to_string(kMaxTileSize) + " (got "
                                + std::to_string(options.tileSize) + ")");
    if (options.minTiles < 1 || options.maxTiles < options.minTiles || options.maxTiles > kMaxTileCount)
        throw Error(source, "need 1 <= min tiles <= max tiles <= " + std::to_string(kMaxTileCount) + " (got "
                                + std::to_string(options.minTiles) + " and " + std::to_string(options.maxTiles) + ")");
}

// (v/255 - mean) / std for every byte value, per channel: the inner loop becomes three lookups.
struct NormalisationTable {
    std::array<std::array<float, 256>, 3> values{};
    NormalisationTable()
    {
        for (std::size_t c = 0; c < 3; ++c)
            for (std::size_t v = 0; v < 256; ++v)
                values[c][v] = static_cast<float>((static_cast<double>(v) / 255.0 - kImageNetMean[c]) / kImageNetStd[c]);
    }
};

// The reference resizes with PIL (dynamic_preprocess: image.resize((w, h)), default bicubic):
// the same bytes here, so features and near-threshold router decisions match it.
cv::Mat resizedLikePil(const RgbImage &image, int width, int height, RgbImage &storage)
{
    if (image.width == width && image.height == height)
        return wrapRgb(image);
    storage = resizeBicubicPil(image, width, height);
    return wrapRgb(storage);
}

// Writes the tileSize² block at (x0, y0) of an RGB image as planar, normalised [3, T, T] floats.
void normaliseTile(const cv::Mat &rgb, int x0, int y0, int tileSize, const NormalisationTable &table, float *out)
{
    const std::size_t plane = static_cast<std::size_t>(tileSize) * static_cast<std::size_t>(tileSize);
    float *red = out;
    float *green = out + plane;
    float *blue = out + 2 * plane;
    const auto &[redTable, greenTable, blueTable] = table.values;
    for (int y = 0; y < tileSize; ++y) {
        const std::uint8_t *pixel = rgb.ptr<std::uint8_t>(y0 + y) + 3 * x0;
        for (int x = 0; x < tileSize; ++x, pixel += 3) {
            *red++ = redTable[pixel[0]];
            *green++ = greenTable[pixel[1]];
            *blue++ = blueTable[pixel[2]];
        }
    }
}

// Copies the tileSize² block at (x0, y0) of an RGB image as interleaved bytes [T, T, 3].
void copyTile(const cv::Mat &rgb, int x0, int y0, int tileSize, std::uint8_t *out)
{
    const std::size_t rowBytes = 3 * static_cast<std::size_t>(tileSize);
    for (int y = 0; y < tileSize; ++y, out += rowBytes)
        std::memcpy(out, rgb.ptr<std::uint8_t>(y0 + y) + 3 * x0, rowBytes);
}

} // namespace

TileGrid chooseTileGrid(int width, int height, const TilingOptions &options)
{
    requireValidOptions(options);
    if (width <= 0 || height <= 0)
        throw Error(std::string("image"), "cannot tile an image of " + std::to_string(width) + " x " + std::to_string(height));
    if (!options.dynamic)
        return {1, 1};

    const double aspect = static_cast<double>(width) / static_cast<double>(height);
    const double area = static_cast<double>(width) * static_cast<double>(height);
    const double tileArea = static_cast<double>(options.tileSize) * static_cast<double>(options.tileSize);
    TileGrid best{1, 1};
    double bestDifference = std::numeric_limits<double>::infinity();
    // Candidates by increasing tile count, as the reference sorts them; within one count by
    // increasing cols (the reference's order there is Python set order, which only matters when
    // two grids of the same count are equally close and tie on area too).
    for (int count = options.minTiles; count <= options.maxTiles; ++count) {
        for (int cols = 1; cols <= count; ++cols) {
            if (count % cols != 0)
                continue;
            const int rows = count / cols;
            const double difference = std::abs(aspect - static_cast<double>(cols) / static_cast<double>(rows));
            if (difference < bestDifference) {
                bestDifference = difference;
                best = {cols, rows};
            } else if (difference == bestDifference && area > 0.5 * tileArea * count) {
                best = {cols, rows}; // the reference's tie rule: a later, larger grid wins
            }
        }
    }
    return best;
}

TiledImage tileImage(const RgbImage &image, const TilingOptions &options)
{
    requireValidRgb(image, "image");
    const TileGrid grid = chooseTileGrid(image.width, image.height, options);
    const int tileSize = options.tileSize;
    const bool withThumbnail = options.useThumbnail && grid.count() > 1;
    const int tileCount = grid.count() + (withThumbnail ? 1 : 0);

    TiledImage tiled;
    tiled.sourceWidth = image.width;
    tiled.sourceHeight = image.height;
    tiled.tileSize = tileSize;
    tiled.grid = grid;
    tiled.tiles.reserve(static_cast<std::size_t>(tileCount));
    const std::size_t tileValues = 3 * static_cast<std::size_t>(tileSize) * static_cast<std::size_t>(tileSize);
    if (options.normalise)
        tiled.pixels.resize(tileValues * static_cast<std::size_t>(tileCount));
    else
        tiled.bytes.resize(tileValues * static_cast<std::size_t>(tileCount));

    static const NormalisationTable table;
    // Tile `index` of `rgb`, from its top-left corner (x0, y0), into whichever output was asked for.
    const auto emitTile = [&](const cv::Mat &rgb, int x0, int y0, int index) {
        const std::size_t offset = tileValues * static_cast<std::size_t>(index);
        if (options.normalise)
            normaliseTile(rgb, x0, y0, tileSize, table, tiled.pixels.data() + offset);
        else
            copyTile(rgb, x0, y0, tileSize, tiled.bytes.data() + offset);
    };
    // One resize for the whole grid; tiles are read straight out of it.
    RgbImage storage;
    const cv::Mat resized = resizedLikePil(image, tileSize * grid.cols, tileSize * grid.rows, storage);
    const double cellWidth = static_cast<double>(image.width) / grid.cols;
    const double cellHeight = static_cast<double>(image.height) / grid.rows;
    for (int row = 0; row < grid.rows; ++row) {
        for (int col = 0; col < grid.cols; ++col) {
            const int index = row * grid.cols + col;
            tiled.tiles.push_back({index, col, row, false,
                                   {col * cellWidth, row * cellHeight, cellWidth, cellHeight}});
            emitTile(resized, col * tileSize, row * tileSize, index);
        }
    }
    if (withThumbnail) {
        const int index = grid.count();
        tiled.tiles.push_back({index, -1, -1, true,
                               {0.0, 0.0, static_cast<double>(image.width), static_cast<double>(image.height)}});
        RgbImage thumbnail;
        emitTile(resizedLikePil(image, tileSize, tileSize, thumbnail), 0, 0, index);
    }
    return tiled;
}

} // namespace tokenscope
