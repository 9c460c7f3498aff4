// SPDX-License-Identifier: MIT
#pragma once

// The synthetic VQA task the demo model is trained and evaluated on (docs/training.md).
//
// Task v2 (docs/training.md, "Task v2"): text, table and bar-label origins sit on the 14-px patch grid (design pixels)
// at one fixed font scale per kind, table cells are one 1/4 token (two patches) wide, so one 1/16
// token must carry four cells. Optionally an image also gets a read-all question ("Describe the
// image.") whose answer lists every tile's content in tile order (describeSyntheticSample).
//
// Each image is laid out on exactly the InternVL tile grid it will be cut into (cols×T by rows×T
// pixels, a grid the tiler picks back), and every grid cell holds one region:
//   - simple: a flat pastel background with 1–3 large filled shapes (circle, square, triangle);
//   - dense:  a card with one small word, a card with one small number, a 2×2 or 3×3 table of
//             numbers, or a 3–4 bar chart labelled A–D. Each dense kind occurs at most once per image,
//             so questions about it are unambiguous.
// Questions: 2–4 per image (about 2.7 on average), one per available type before any type repeats;
// shape counts repeat only to reach 2, and a one-tile card image gets one shape count (answer 0);
// a one-tile image is dense on oneTileDensePercent of images.
// Categories:
//   needs fine detail in one tile: read_word, read_number, table_cell  (cap height ~8–10 px)
//   answerable at coarse resolution: compare_bars, count_shapes, shape_colour (large shapes,
//                                    bar heights differ by ≥ 12 px, labels always A, B, C, D in order)
// Answers come from small vocabularies (40 words, numbers 0–99, 8 colours, A–D) so that a ~6M-parameter
// model can learn the task from ~50k samples.
//
// Generation is a pure function of (seed, index): an image does not depend on any other index, so
// splits and shards are reproducible. Random numbers are std::mt19937_64 with our own range mapping
// (std::uniform_int_distribution differs between standard libraries).

#include "image/image.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tokenscope {

struct SyntheticOptions {
    std::uint64_t seed = 1;
    int images = 100;
    int maxTiles = 6;       // the tiler's max tiles: every image gets a grid of 1..maxTiles tiles
    int tileSize = 112;     // drawing is designed at 112 px and scaled for other sizes (56..1024);
                            // glyphs stay on a 14-px patch grid when tileSize is a multiple of 112
    int readAllPercent = 0; // share of images (0..100) that also get the read-all question, chosen by a
                            // hash of (seed, index) so that the rest of the image does not change
    int oneTileDensePercent = 50;   // share of one-tile images whose cell is dense (text, table, bars)
};

enum class SyntheticRegionKind { Shapes, WordCard, NumberCard, Table, BarChart };
enum class SyntheticShapeKind { Circle, Square, Triangle };

struct SyntheticShape {
    SyntheticShapeKind kind = SyntheticShapeKind::Circle;
    int colour = 0;             // index into syntheticColourNames()
    int tile = 0;               // row-major grid cell
    int centreX = 0;            // image pixels
    int centreY = 0;
    int radius = 0;             // half the shape's extent
};

// One grid cell's content. Fields not used by `kind` stay empty.
struct SyntheticRegion {
    SyntheticRegionKind kind = SyntheticRegionKind::Shapes;
    int tile = 0;               // row-major grid cell (col = tile % cols, row = tile / cols)
    std::string text;           // WordCard: the word; NumberCard: the number
    int tableSize = 0;          // Table: 2 or 3 (rows = cols)
    std::vector<int> tableValues;   // Table: row-major, 0..99
    std::vector<int> barHeights;    // BarChart: pixels, bar i is labelled 'A' + i; all distinct
};

struct SyntheticQuestion {
    std::string category;       // one of syntheticCategories()
    std::string question;
    std::string answer;
    int tile = -1;              // the cell that holds the answer; -1 when it spans cells (counts)
};

struct SyntheticSample {
    RgbImage image;
    TileGrid grid;
    std::vector<SyntheticRegion> regions;   // one per cell, in cell order
    std::vector<SyntheticShape> shapes;     // every shape drawn (only Shapes regions have them)
    std::vector<SyntheticQuestion> questions;
};

// Throws Error naming the bad option (images < 0, maxTiles outside 1..12, tileSize outside 56..1024,
// readAllPercent or oneTileDensePercent outside 0..100).
void requireValidSyntheticOptions(const SyntheticOptions &options);

// The grids with 1..maxTiles tiles that chooseTileGrid() returns for an image of exactly
// cols×tileSize by rows×tileSize pixels (some larger grids lose the tiler's tie rule to a smaller one).
std::vector<TileGrid> syntheticGrids(const SyntheticOptions &options);

// Image `index` of the stream `options.seed` (options.images is not used).
SyntheticSample generateSyntheticSample(const SyntheticOptions &options, std::int64_t index);

// The seed of split `splitName` derived from `seed`, so that train/val/test never share images.
std::uint64_t syntheticSplitSeed(std::uint64_t seed, std::string_view splitName);

struct SyntheticSplitSummary {
    int images = 0;
    int questions = 0;
    std::map<std::string, int> questionsPerCategory;
    std::map<int, int> imagesPerTileCount;
};

// Writes options.images images of the stream syntheticSplitSeed(options.seed, splitName) as
// dir/images/<split>/NNNNNN.png and their questions as dir/<split>.jsonl (the sweep dataset format,
// metric exact_match, ids "<split>-NNNNNN-q"). Throws Error on a bad option or a write failure.
SyntheticSplitSummary writeSyntheticSplit(const std::filesystem::path &dir, const std::string &splitName,
                                          const SyntheticOptions &options);

// The read-all answer: every tile's content in tile order, tiles separated by "; " (the thumbnail is
// not described). Shapes: "<colour> <shape>" in quadrant order (top-left, top-right, bottom-left,
// bottom-right); cards: "word <w>", "number <n>"; tables: "table" and the values row-major; bar
// charts: "bars" and the letters tallest first. E.g. "red circle blue square; table 4 17 80 9".
std::string describeSyntheticSample(const SyntheticSample &sample);
inline constexpr std::string_view kReadAllQuestion = "Describe the image.";
inline constexpr std::string_view kReadAllCategory = "read_all";

// The vocabularies answers are drawn from.
std::span<const std::string_view> syntheticWords();        // 40 short lower-case words
std::span<const std::string_view> syntheticColourNames();  // 8
std::array<std::uint8_t, 3> syntheticColourRgb(int colour); // the RGB a colour name is drawn with
std::span<const std::string_view> syntheticShapeNames();   // circle, square, triangle
std::span<const std::string_view> syntheticCategories();   // the six question types (read_all aside)
bool syntheticCategoryNeedsDetail(std::string_view category);

} // namespace tokenscope
