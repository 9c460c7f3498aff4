// SPDX-License-Identifier: MIT
#include "train/synthetic_vqa.h"

#include "common/error.h"
#include "eval/dataset.h"
#include "eval/eval_sample.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>
#include <utility>

namespace tokenscope {

namespace {

namespace fs = std::filesystem;

// Short, distinct, none a colour, shape or bar letter, so an answer never means two things.
constexpr std::array<std::string_view, 40> kWords{
    "cat",  "dog",  "sun",  "box",  "tree", "fish", "bird", "moon", "rain", "book",
    "door", "lamp", "ship", "car",  "bus",  "cake", "milk", "rock", "sand", "wind",
    "fire", "leaf", "rose", "frog", "bear", "wolf", "lion", "duck", "goat", "kite",
    "ring", "bell", "drum", "coin", "key",  "hat",  "cup",  "pen",  "map",  "owl"};

constexpr std::array<std::string_view, 8> kColourNames{"red",    "green",  "blue", "yellow",
                                                       "orange", "purple", "pink", "brown"};
// Saturated and far apart in RGB, so a colour survives downscaling to one token's worth of pixels.
constexpr std::array<std::array<int, 3>, 8> kColourRgb{{{215, 30, 30},
                                                        {30, 155, 50},
                                                        {35, 70, 215},
                                                        {240, 205, 20},
                                                        {245, 130, 20},
                                                        {135, 45, 170},
                                                        {245, 125, 190},
                                                        {125, 75, 35}}};
// Pale backgrounds that no shape colour resembles.
constexpr std::array<std::array<int, 3>, 5> kPastelRgb{{{245, 245, 245},
                                                        {222, 222, 222},
                                                        {250, 240, 215},
                                                        {218, 232, 248},
                                                        {224, 244, 224}}};
constexpr std::array<std::array<int, 3>, 3> kPaperRgb{{{255, 255, 255}, {246, 244, 236}, {236, 240, 246}}};
constexpr std::array<int, 3> kInkRgb{20, 20, 20};
constexpr std::array<int, 3> kRuleRgb{90, 90, 90};
constexpr std::array<int, 3> kBarRgb{70, 95, 130};

constexpr std::array<std::string_view, 3> kShapeNames{"circle", "square", "triangle"};
constexpr std::array<std::string_view, 3> kShapePlurals{"circles", "squares", "triangles"};
constexpr std::array<std::string_view, 6> kCategories{"read_word",    "read_number",  "table_cell",
                                                      "compare_bars", "count_shapes", "shape_colour"};
constexpr std::array<std::string_view, 3> kDetailCategories{"read_word", "read_number", "table_cell"};

// Bar heights (at 112 px) are picked from these levels without replacement: 12 px apart, which a
// 1/16 token (56 px of a tile) still resolves, so compare_bars does not need fine detail.
constexpr std::array<int, 5> kBarLevels{18, 30, 42, 54, 66};

constexpr int kDesignTile = 112;
constexpr int kMinTileSize = 56;
constexpr int kMaxTileSize = 1024;
constexpr int kMaxGridTiles = 12;
constexpr auto kFont = cv::FONT_HERSHEY_SIMPLEX;

std::uint64_t splitMix64(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// mt19937_64 with a range mapping of our own: the same numbers with every standard library.
class Random {
public:
    explicit Random(std::uint64_t seed) : m_engine(seed) {}

    // Uniform in [lo, hi]. Modulo of a 64-bit draw: the bias (< 2^-50 for our ranges) is irrelevant.
    int uniform(int lo, int hi)
    {
        const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
        return lo + static_cast<int>(m_engine() % span);
    }
    bool chance(int percent) { return uniform(0, 99) < percent; }

    template <typename T>
    void shuffle(std::vector<T> &items)
    {
        for (std::size_t i = items.size(); i > 1; --i)
            std::swap(items[i - 1], items[static_cast<std::size_t>(uniform(0, static_cast<int>(i) - 1))]);
    }

private:
    std::mt19937_64 m_engine;
};

cv::Scalar rgb(const std::array<int, 3> &c) { return {double(c[0]), double(c[1]), double(c[2])}; }

// Geometry is designed for 112 px tiles; other tile sizes scale it.
struct Canvas {
    cv::Mat mat;        // RGB channel order (drawn as is, never shown by OpenCV)
    int tileSize = kDesignTile;
    int cols = 1;

    int px(double designPixels) const { return static_cast<int>(std::lround(designPixels * tileSize / kDesignTile)); }
    double fontScale(double designScale) const { return designScale * tileSize / kDesignTile; }
    int thickness() const { return std::max(1, px(1.0)); }
    cv::Point origin(int tile) const { return {(tile % cols) * tileSize, (tile / cols) * tileSize}; }
    void fillTile(int tile, const std::array<int, 3> &colour)
    {
        const cv::Point o = origin(tile);
        mat(cv::Rect(o.x, o.y, tileSize, tileSize)).setTo(rgb(colour));
    }
};

void drawShape(Canvas &canvas, const SyntheticShape &shape)
{
    const cv::Scalar colour = rgb(kColourRgb[static_cast<std::size_t>(shape.colour)]);
    const int r = shape.radius;
    const int x = shape.centreX;
    const int y = shape.centreY;
    switch (shape.kind) {
    case SyntheticShapeKind::Circle:
        cv::circle(canvas.mat, {x, y}, r, colour, cv::FILLED, cv::LINE_AA);
        break;
    case SyntheticShapeKind::Square: {
        const int half = static_cast<int>(std::lround(0.85 * r)); // same visual weight as the circle
        cv::rectangle(canvas.mat, cv::Rect(x - half, y - half, 2 * half, 2 * half), colour, cv::FILLED);
        break;
    }
    case SyntheticShapeKind::Triangle: {
        const int base = y + static_cast<int>(std::lround(0.8 * r));
        const std::array<cv::Point, 3> corners{cv::Point(x, y - r), cv::Point(x - r, base), cv::Point(x + r, base)};
        cv::fillConvexPoly(canvas.mat, corners.data(), 3, colour, cv::LINE_AA);
        break;
    }
    }
}

// Simple region: 1 large shape anywhere, or 2–3 smaller ones in distinct quadrants (never overlapping).
void drawShapesRegion(Canvas &canvas, int tile, Random &random, std::vector<SyntheticShape> &shapes)
{
    canvas.fillTile(tile, kPastelRgb[static_cast<std::size_t>(random.uniform(0, int(kPastelRgb.size()) - 1))]);
    const cv::Point o = canvas.origin(tile);
    const int count = random.uniform(1, 3);
    std::vector<int> quadrants{0, 1, 2, 3};
    random.shuffle(quadrants);
    for (int i = 0; i < count; ++i) {
        SyntheticShape shape;
        shape.kind = static_cast<SyntheticShapeKind>(random.uniform(0, 2));
        shape.colour = random.uniform(0, int(kColourNames.size()) - 1);
        shape.tile = tile;
        if (count == 1) {
            const int r = random.uniform(22, 34);
            shape.radius = canvas.px(r);
            shape.centreX = o.x + canvas.px(random.uniform(r + 4, kDesignTile - r - 4));
            shape.centreY = o.y + canvas.px(random.uniform(r + 4, kDesignTile - r - 4));
        } else {
            const int half = kDesignTile / 2;
            const int r = random.uniform(13, 20);
            const int q = quadrants[static_cast<std::size_t>(i)];
            shape.radius = canvas.px(r);
            shape.centreX = o.x + canvas.px((q % 2) * half + random.uniform(r + 3, half - r - 3));
            shape.centreY = o.y + canvas.px((q / 2) * half + random.uniform(r + 3, half - r - 3));
        }
        drawShape(canvas, shape);
        shapes.push_back(shape);
    }
}

void fillPaper(Canvas &canvas, int tile, Random &random)
{
    canvas.fillTile(tile, kPaperRgb[static_cast<std::size_t>(random.uniform(0, int(kPaperRgb.size()) - 1))]);
}

void putTextAt(Canvas &canvas, const std::string &text, cv::Point baselineLeft, double scale)
{
    cv::putText(canvas.mat, text, baselineLeft, kFont, scale, rgb(kInkRgb), canvas.thickness(), cv::LINE_AA);
}

// Task v2 puts every glyph on the patch grid. A from-scratch patch-14 encoder must otherwise learn
// each glyph at all 196 sub-patch phases: in a PyTorch replica of the demo ViT + mlp1 with a direct
// 40-way word loss, cards at free positions stayed at chance after 8,000 examples, the same cards
// with origins on the 14-px grid reached 84% after 4,800 (docs/training.md, "Task v2"). Placement
// stays random at grid granularity, so text must still be found.
constexpr int kGrid = 14;              // design pixels: the demo encoder's patch size
constexpr int kCardHeight = 2 * kGrid; // a card is two patches tall
constexpr int kCardPad = 5;            // text inset from the card's left edge
constexpr int kCardBaseline = 19;      // text baseline below the card's top: cap height rows ~9..19
constexpr double kCardScale = 0.45;    // one font scale per kind (cap height ~10 px at 112 px tiles)
constexpr int kCell = 2 * kGrid;       // a table cell is one 1/4 token (2×2 patches); a 1/16 token spans 4
constexpr double kCellScale = 0.4;
constexpr int kBarWidth = kGrid;
constexpr int kBarPitch = 2 * kGrid;
constexpr int kBarBaseline = 6 * kGrid;
constexpr double kBarLabelScale = 0.35;

int roundUpToGrid(double designPixels) { return int(std::ceil(designPixels / kGrid)) * kGrid; }

// A uniformly drawn multiple of kGrid in [0, limit] (design pixels).
int gridPosition(int limit, Random &random) { return kGrid * random.uniform(0, std::max(0, limit) / kGrid); }

// A bordered card holding one small word or number, its top-left corner on the patch grid.
void drawCard(Canvas &canvas, int tile, const std::string &text, Random &random)
{
    fillPaper(canvas, tile, random);
    int baseline = 0;
    const cv::Size designText = cv::getTextSize(text, kFont, kCardScale, 1, &baseline);
    const int width = roundUpToGrid(designText.width + 2 * kCardPad);
    const int x = gridPosition(kDesignTile - width, random);
    const int y = gridPosition(kDesignTile - kCardHeight, random);
    const cv::Point o = canvas.origin(tile);
    const cv::Rect card(o + cv::Point(canvas.px(x), canvas.px(y)), cv::Size(canvas.px(width) - 1, canvas.px(kCardHeight) - 1));
    cv::rectangle(canvas.mat, card, rgb({255, 255, 255}), cv::FILLED);
    cv::rectangle(canvas.mat, card, rgb(kRuleRgb), canvas.thickness());
    putTextAt(canvas, text, o + cv::Point(canvas.px(x + kCardPad), canvas.px(y + kCardBaseline)), canvas.fontScale(kCardScale));
}

void drawCentredText(Canvas &canvas, const std::string &text, cv::Point centre, double scale)
{
    int baseline = 0;
    const cv::Size size = cv::getTextSize(text, kFont, scale, canvas.thickness(), &baseline);
    putTextAt(canvas, text, {centre.x - size.width / 2, centre.y + size.height / 2}, scale);
}

// A 2×2 or 3×3 table of numbers 0–99 in 28-px cells, its corner on the patch grid.
void drawTable(Canvas &canvas, SyntheticRegion &region, Random &random)
{
    fillPaper(canvas, region.tile, random);
    const int n = random.chance(50) ? 2 : 3;
    const int extent = n * kCell;
    const cv::Point o = canvas.origin(region.tile);
    const int left = gridPosition(kDesignTile - extent - 1, random);
    const int top = gridPosition(kDesignTile - extent - 1, random);
    region.tableSize = n;
    for (int i = 0; i < n * n; ++i)
        region.tableValues.push_back(random.uniform(0, 99));
    for (int i = 0; i <= n; ++i) {
        const int at = i * kCell;
        cv::line(canvas.mat, o + cv::Point(canvas.px(left), canvas.px(top + at)),
                 o + cv::Point(canvas.px(left + extent), canvas.px(top + at)), rgb(kRuleRgb), canvas.thickness());
        cv::line(canvas.mat, o + cv::Point(canvas.px(left + at), canvas.px(top)),
                 o + cv::Point(canvas.px(left + at), canvas.px(top + extent)), rgb(kRuleRgb), canvas.thickness());
    }
    for (int row = 0; row < n; ++row)
        for (int col = 0; col < n; ++col) {
            const cv::Point centre(canvas.px(left + col * kCell + kCell / 2.0), canvas.px(top + row * kCell + kCell / 2.0));
            drawCentredText(canvas, std::to_string(region.tableValues[static_cast<std::size_t>(row * n + col)]),
                            o + centre, canvas.fontScale(kCellScale));
        }
}

// 3–4 bars of distinct heights on a baseline, one patch wide and two apart, labelled A, B, C, D
// left to right with each label's origin at its bar's left edge.
void drawBarChart(Canvas &canvas, SyntheticRegion &region, Random &random)
{
    fillPaper(canvas, region.tile, random);
    const int bars = random.uniform(3, 4);
    std::vector<int> levels(kBarLevels.begin(), kBarLevels.end());
    random.shuffle(levels);
    const int width = (bars - 1) * kBarPitch + kBarWidth;
    const cv::Point o = canvas.origin(region.tile);
    const int left = gridPosition(kDesignTile - width, random);
    cv::line(canvas.mat, o + cv::Point(canvas.px(left), canvas.px(kBarBaseline)),
             o + cv::Point(canvas.px(left + width), canvas.px(kBarBaseline)), rgb(kRuleRgb), canvas.thickness());
    for (int i = 0; i < bars; ++i) {
        const int height = levels[static_cast<std::size_t>(i)];
        const int x = left + i * kBarPitch;
        region.barHeights.push_back(canvas.px(height));
        cv::rectangle(canvas.mat,
                      cv::Rect(o + cv::Point(canvas.px(x), canvas.px(kBarBaseline - height)),
                               o + cv::Point(canvas.px(x + kBarWidth), canvas.px(kBarBaseline))),
                      rgb(kBarRgb), cv::FILLED);
        putTextAt(canvas, std::string(1, char('A' + i)), o + cv::Point(canvas.px(x + 3), canvas.px(kBarBaseline + 12)),
                  canvas.fontScale(kBarLabelScale));
    }
}

// Kinds per cell: one dense and otherwise simple for 2 cells, 1..min(4, n-1) dense kinds (each at
// most once) for more, so every multi-tile image mixes regions that need detail with ones that don't.
std::vector<SyntheticRegionKind> chooseRegionKinds(int cells, int oneTileDensePercent, Random &random)
{
    std::vector<SyntheticRegionKind> dense{SyntheticRegionKind::WordCard, SyntheticRegionKind::NumberCard,
                                           SyntheticRegionKind::Table, SyntheticRegionKind::BarChart};
    random.shuffle(dense);
    const int denseCount = cells == 1 ? (random.chance(oneTileDensePercent) ? 1 : 0) : random.uniform(1, std::min(4, cells - 1));
    std::vector<int> order(static_cast<std::size_t>(cells));
    for (int i = 0; i < cells; ++i)
        order[static_cast<std::size_t>(i)] = i;
    random.shuffle(order);
    std::vector<SyntheticRegionKind> kinds(static_cast<std::size_t>(cells), SyntheticRegionKind::Shapes);
    for (int i = 0; i < denseCount; ++i)
        kinds[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = dense[static_cast<std::size_t>(i)];
    return kinds;
}

// Uniform over tile counts first, then over the grids of that count: small counts stay common,
// which keeps training cheap, and every count 1..maxTiles occurs.
TileGrid chooseGrid(const SyntheticOptions &options, Random &random)
{
    const std::vector<TileGrid> grids = syntheticGrids(options);
    // Every count n has at least its n×1 grid: a larger grid of the same aspect never wins the tie
    // rule for it (the image covers less than half of that grid's pixels).
    const int count = random.uniform(1, options.maxTiles);
    std::vector<TileGrid> ofCount;
    for (const TileGrid &grid : grids)
        if (grid.count() == count)
            ofCount.push_back(grid);
    if (ofCount.empty())
        throw Error("synthetic data options", "no grid of " + std::to_string(count) + " tiles survives tiling");
    return ofCount[static_cast<std::size_t>(random.uniform(0, int(ofCount.size()) - 1))];
}

// Indices into kCategories.
constexpr std::size_t kReadWord = 0;
constexpr std::size_t kReadNumber = 1;
constexpr std::size_t kTableCell = 2;
constexpr std::size_t kCompareBars = 3;
constexpr std::size_t kCountShapes = 4;
constexpr std::size_t kShapeColour = 5;
static_assert(kCategories[kReadWord] == "read_word" && kCategories[kReadNumber] == "read_number"
              && kCategories[kTableCell] == "table_cell" && kCategories[kCompareBars] == "compare_bars"
              && kCategories[kCountShapes] == "count_shapes" && kCategories[kShapeColour] == "shape_colour");

using Candidates = std::array<std::vector<SyntheticQuestion>, kCategories.size()>;

void addCandidate(Candidates &candidates, std::size_t category, std::string question, std::string answer, int tile)
{
    candidates[category].push_back({std::string(kCategories[category]), std::move(question), std::move(answer), tile});
}

void addRegionCandidates(Candidates &candidates, const SyntheticRegion &region)
{
    switch (region.kind) {
    case SyntheticRegionKind::Shapes:
        break;
    case SyntheticRegionKind::WordCard:
        addCandidate(candidates, kReadWord, "What word is written on the card?", region.text, region.tile);
        break;
    case SyntheticRegionKind::NumberCard:
        addCandidate(candidates, kReadNumber, "What number is written on the card?", region.text, region.tile);
        break;
    case SyntheticRegionKind::Table:
        for (int row = 0; row < region.tableSize; ++row)
            for (int col = 0; col < region.tableSize; ++col)
                addCandidate(candidates, kTableCell,
                             "What number is in the table at row " + std::to_string(row + 1) + ", column "
                                 + std::to_string(col + 1) + "?",
                             std::to_string(region.tableValues[static_cast<std::size_t>(row * region.tableSize + col)]),
                             region.tile);
        break;
    case SyntheticRegionKind::BarChart: {
        const auto &h = region.barHeights;
        const auto tallest = std::max_element(h.begin(), h.end()) - h.begin();
        const auto shortest = std::min_element(h.begin(), h.end()) - h.begin();
        addCandidate(candidates, kCompareBars, "Which bar is the tallest?", std::string(1, char('A' + tallest)), region.tile);
        addCandidate(candidates, kCompareBars, "Which bar is the shortest?", std::string(1, char('A' + shortest)), region.tile);
        break;
    }
    }
}

std::size_t candidateCount(const Candidates &candidates)
{
    std::size_t total = 0;
    for (const auto &ofType : candidates)
        total += ofType.size();
    return total;
}

// Counts of every kind (0 included) whenever the image has shapes, or of one kind when it would
// otherwise have fewer than 2 questions (a one-tile card); colours only of a kind drawn exactly once.
void addShapeCandidates(Candidates &candidates, const SyntheticSample &sample, Random &random)
{
    if (sample.shapes.empty()) {
        // One zero count only: three would outnumber the card's own question.
        if (candidateCount(candidates) < 2) {
            const auto kind = static_cast<std::size_t>(random.uniform(0, int(kShapeNames.size()) - 1));
            addCandidate(candidates, kCountShapes, "How many " + std::string(kShapePlurals[kind]) + " are there?", "0", -1);
        }
        return;
    }
    for (std::size_t kind = 0; kind < kShapeNames.size(); ++kind) {
        std::vector<const SyntheticShape *> ofKind;
        for (const SyntheticShape &shape : sample.shapes)
            if (static_cast<std::size_t>(shape.kind) == kind)
                ofKind.push_back(&shape);
        addCandidate(candidates, kCountShapes, "How many " + std::string(kShapePlurals[kind]) + " are there?",
                     std::to_string(ofKind.size()), -1);
        if (ofKind.size() == 1)
            addCandidate(candidates, kShapeColour, "What colour is the " + std::string(kShapeNames[kind]) + "?",
                         std::string(kColourNames[static_cast<std::size_t>(ofKind.front()->colour)]),
                         ofKind.front()->tile);
    }
}

// 2–4 questions: one per question type (types in random order) before any type repeats. Shape
// counts, available in nearly every image, repeat only to reach 2 questions: otherwise they would
// crowd out the detail questions (a third of all questions instead of about a quarter).
std::vector<SyntheticQuestion> chooseQuestions(Candidates candidates, Random &random)
{
    std::vector<std::size_t> types;
    for (std::size_t t = 0; t < candidates.size(); ++t) {
        random.shuffle(candidates[t]);
        if (!candidates[t].empty())
            types.push_back(t);
    }
    random.shuffle(types);
    const std::size_t wanted = static_cast<std::size_t>(random.uniform(2, 4));
    std::vector<SyntheticQuestion> chosen;
    for (std::size_t round = 0; chosen.size() < wanted; ++round) {
        bool any = false;
        for (std::size_t t : types) {
            const bool repeatsCount = round > 0 && t == kCountShapes && chosen.size() >= 2;
            if (round < candidates[t].size() && chosen.size() < wanted && !repeatsCount) {
                chosen.push_back(candidates[t][round]);
                any = true;
            }
        }
        if (!any)
            break;
    }
    return chosen;
}

void drawRegion(Canvas &canvas, SyntheticRegion &region, Random &random, std::vector<SyntheticShape> &shapes)
{
    switch (region.kind) {
    case SyntheticRegionKind::Shapes:
        drawShapesRegion(canvas, region.tile, random, shapes);
        break;
    case SyntheticRegionKind::WordCard:
        region.text = std::string(kWords[static_cast<std::size_t>(random.uniform(0, int(kWords.size()) - 1))]);
        drawCard(canvas, region.tile, region.text, random);
        break;
    case SyntheticRegionKind::NumberCard:
        region.text = std::to_string(random.uniform(0, 99));
        drawCard(canvas, region.tile, region.text, random);
        break;
    case SyntheticRegionKind::Table:
        drawTable(canvas, region, random);
        break;
    case SyntheticRegionKind::BarChart:
        drawBarChart(canvas, region, random);
        break;
    }
}

std::string sixDigits(std::int64_t index)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%06lld", static_cast<long long>(index));
    return buffer;
}

} // namespace

void requireValidSyntheticOptions(const SyntheticOptions &options)
{
    const std::string source = "synthetic data options";
    if (options.images < 0)
        throw Error(source, "images must be >= 0 (got " + std::to_string(options.images) + ")");
    if (options.maxTiles < 1 || options.maxTiles > kMaxGridTiles)
        throw Error(source, "max tiles must be 1.." + std::to_string(kMaxGridTiles) + " (got "
                                + std::to_string(options.maxTiles) + ")");
    if (options.readAllPercent < 0 || options.readAllPercent > 100)
        throw Error(source, "read-all share must be 0..100 percent (got " + std::to_string(options.readAllPercent) + ")");
    if (options.oneTileDensePercent < 0 || options.oneTileDensePercent > 100)
        throw Error(source, "one-tile dense share must be 0..100 percent (got " + std::to_string(options.oneTileDensePercent) + ")");
    if (options.tileSize < kMinTileSize || options.tileSize > kMaxTileSize)
        throw Error(source, "tile size must be " + std::to_string(kMinTileSize) + ".." + std::to_string(kMaxTileSize)
                                + " (got " + std::to_string(options.tileSize) + ")");
}

std::vector<TileGrid> syntheticGrids(const SyntheticOptions &options)
{
    requireValidSyntheticOptions(options);
    TilingOptions tiling;
    tiling.tileSize = options.tileSize;
    tiling.maxTiles = options.maxTiles;
    std::vector<TileGrid> grids;
    for (int count = 1; count <= options.maxTiles; ++count)
        for (int cols = 1; cols <= count; ++cols) {
            if (count % cols != 0)
                continue;
            const TileGrid grid{cols, count / cols};
            const TileGrid chosen = chooseTileGrid(cols * options.tileSize, grid.rows * options.tileSize, tiling);
            if (chosen.cols == grid.cols && chosen.rows == grid.rows)
                grids.push_back(grid);
        }
    return grids;
}

SyntheticSample generateSyntheticSample(const SyntheticOptions &options, std::int64_t index)
{
    requireValidSyntheticOptions(options);
    Random random(splitMix64(options.seed ^ splitMix64(static_cast<std::uint64_t>(index))));
    SyntheticSample sample;
    sample.grid = chooseGrid(options, random);
    const int tile = options.tileSize;
    sample.image = {sample.grid.cols * tile, sample.grid.rows * tile, {}};
    sample.image.rgb.assign(static_cast<std::size_t>(sample.image.width) * sample.image.height * 3, 0);
    try {
        Canvas canvas{cv::Mat(sample.image.height, sample.image.width, CV_8UC3, sample.image.rgb.data()), tile,
                      sample.grid.cols};
        const std::vector<SyntheticRegionKind> kinds = chooseRegionKinds(sample.grid.count(), options.oneTileDensePercent, random);
        Candidates candidates;
        for (int cell = 0; cell < sample.grid.count(); ++cell) {
            SyntheticRegion region;
            region.kind = kinds[static_cast<std::size_t>(cell)];
            region.tile = cell;
            drawRegion(canvas, region, random, sample.shapes);
            addRegionCandidates(candidates, region);
            sample.regions.push_back(std::move(region));
        }
        addShapeCandidates(candidates, sample, random);
        sample.questions = chooseQuestions(std::move(candidates), random);
        // Its own hash, not `random`: the share changes which images describe, nothing else.
        const std::uint64_t draw = splitMix64(options.seed ^ splitMix64(static_cast<std::uint64_t>(index) ^ 0x5EAD'A11ull));
        if (int(draw % 100) < options.readAllPercent)
            sample.questions.push_back({std::string(kReadAllCategory), std::string(kReadAllQuestion),
                                        describeSyntheticSample(sample), -1});
    } catch (const cv::Exception &e) {
        throw Error("synthetic image " + std::to_string(index), "drawing failed: " + e.msg);
    }
    return sample;
}

std::uint64_t syntheticSplitSeed(std::uint64_t seed, std::string_view splitName)
{
    std::uint64_t hash = 0xCBF29CE484222325ull; // FNV-1a: stable across platforms, unlike std::hash
    for (const char c : splitName) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001B3ull;
    }
    return splitMix64(seed ^ hash);
}

SyntheticSplitSummary writeSyntheticSplit(const std::filesystem::path &dir, const std::string &splitName,
                                          const SyntheticOptions &options)
{
    requireValidSyntheticOptions(options);
    if (splitName.empty() || splitName.find_first_of("/\\") != std::string::npos)
        throw Error("synthetic data options", "split name must be a plain, non-empty name (got '" + splitName + "')");
    const fs::path root = fs::absolute(dir);
    const fs::path imageDir = root / "images" / splitName;
    std::error_code ec;
    fs::create_directories(imageDir, ec);
    if (ec)
        throw Error(imageDir, "cannot create the folder: " + ec.message());

    SyntheticOptions stream = options;
    stream.seed = syntheticSplitSeed(options.seed, splitName);
    SyntheticSplitSummary summary;
    std::vector<EvalSample> samples;
    for (int i = 0; i < options.images; ++i) {
        const SyntheticSample sample = generateSyntheticSample(stream, i);
        const std::string name = sixDigits(i);
        const fs::path image = imageDir / (name + ".png");
        writePng(image, sample.image);
        for (std::size_t q = 0; q < sample.questions.size(); ++q) {
            const SyntheticQuestion &question = sample.questions[q];
            samples.push_back({splitName + "-" + name + "-" + std::to_string(q), image, question.question,
                               {question.answer}, "exact_match", question.category, 0, question.tile});
            ++summary.questionsPerCategory[question.category];
        }
        ++summary.imagesPerTileCount[sample.grid.count()];
    }
    saveDataset(root / (splitName + ".jsonl"), samples);
    summary.images = options.images;
    summary.questions = static_cast<int>(samples.size());
    return summary;
}

std::string describeSyntheticSample(const SyntheticSample &sample)
{
    std::string out;
    for (const SyntheticRegion &region : sample.regions) {
        if (!out.empty())
            out += "; ";
        switch (region.kind) {
        case SyntheticRegionKind::Shapes: {
            std::vector<std::pair<int, const SyntheticShape *>> inTile;   // (quadrant, shape)
            for (const SyntheticShape &shape : sample.shapes) {
                if (shape.tile != region.tile)
                    continue;
                const int size = sample.image.width / sample.grid.cols;
                const int x = shape.centreX - (region.tile % sample.grid.cols) * size;
                const int y = shape.centreY - (region.tile / sample.grid.cols) * size;
                inTile.push_back({(y >= size / 2 ? 2 : 0) + (x >= size / 2 ? 1 : 0), &shape});
            }
            std::stable_sort(inTile.begin(), inTile.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
            for (std::size_t i = 0; i < inTile.size(); ++i)
                out += (i ? " " : "") + std::string(kColourNames[std::size_t(inTile[i].second->colour)]) + " "
                       + std::string(kShapeNames[std::size_t(inTile[i].second->kind)]);
            break;
        }
        case SyntheticRegionKind::WordCard: out += "word " + region.text; break;
        case SyntheticRegionKind::NumberCard: out += "number " + region.text; break;
        case SyntheticRegionKind::Table:
            out += "table";
            for (int v : region.tableValues)
                out += " " + std::to_string(v);
            break;
        case SyntheticRegionKind::BarChart: {
            std::vector<int> order(region.barHeights.size());
            std::iota(order.begin(), order.end(), 0);
            std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
                return region.barHeights[std::size_t(a)] > region.barHeights[std::size_t(b)];
            });
            out += "bars";
            for (int i : order)
                out += std::string(" ") + char('A' + i);
            break;
        }
        }
    }
    return out;
}

std::span<const std::string_view> syntheticWords() { return kWords; }
std::span<const std::string_view> syntheticColourNames() { return kColourNames; }
std::array<std::uint8_t, 3> syntheticColourRgb(int colour)
{
    const auto &c = kColourRgb.at(static_cast<std::size_t>(colour));
    return {static_cast<std::uint8_t>(c[0]), static_cast<std::uint8_t>(c[1]), static_cast<std::uint8_t>(c[2])};
}
std::span<const std::string_view> syntheticShapeNames() { return kShapeNames; }
std::span<const std::string_view> syntheticCategories() { return kCategories; }

bool syntheticCategoryNeedsDetail(std::string_view category)
{
    return std::find(kDetailCategories.begin(), kDetailCategories.end(), category) != kDetailCategories.end();
}

} // namespace tokenscope
