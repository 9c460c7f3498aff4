// SPDX-License-Identifier: MIT
// The synthetic VQA generator: determinism, grids the tiler picks back, answers consistent with
// what was drawn, category coverage, small answer vocabularies, and a split loadDataset accepts.
#include "eval/dataset.h"
#include "image/image.h"
#include "train/synthetic_vqa.h"

#include "test_support.h"

#include <QtTest>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>

using namespace tokenscope;

namespace {

std::string fileBytes(const std::filesystem::path &path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

SyntheticOptions smallOptions(std::uint64_t seed, int images)
{
    SyntheticOptions options;
    options.seed = seed;
    options.images = images;
    return options;
}

std::set<std::string> asSet(std::span<const std::string_view> words)
{
    return {words.begin(), words.end()};
}

int kindIndexOf(const std::string &name)
{
    const auto names = syntheticShapeNames();
    for (std::size_t i = 0; i < names.size(); ++i)
        if (name.starts_with(names[i]))
            return static_cast<int>(i);
    return -1;
}

const SyntheticRegion *uniqueRegion(const SyntheticSample &sample, SyntheticRegionKind kind)
{
    const SyntheticRegion *found = nullptr;
    for (const SyntheticRegion &region : sample.regions) {
        if (region.kind != kind)
            continue;
        if (found)
            return nullptr; // two of a kind: a question about "the" one would be ambiguous
        found = &region;
    }
    return found;
}

std::array<std::uint8_t, 3> pixelAt(const RgbImage &image, int x, int y)
{
    const std::size_t at = (static_cast<std::size_t>(y) * static_cast<std::size_t>(image.width) + x) * 3;
    return {image.rgb[at], image.rgb[at + 1], image.rgb[at + 2]};
}

// The answer the drawn content implies for `q`, or an explanation starting with "!" when the
// question does not fit the content.
std::string expectedAnswer(const SyntheticSample &sample, const SyntheticQuestion &q)
{
    std::smatch m;
    if (q.category == "read_word" || q.category == "read_number") {
        const auto kind = q.category == "read_word" ? SyntheticRegionKind::WordCard : SyntheticRegionKind::NumberCard;
        const SyntheticRegion *region = uniqueRegion(sample, kind);
        return region ? region->text : "!no unique card";
    }
    if (q.category == "table_cell") {
        const SyntheticRegion *table = uniqueRegion(sample, SyntheticRegionKind::Table);
        static const std::regex pattern("row (\\d), column (\\d)");
        if (!table || !std::regex_search(q.question, m, pattern))
            return "!no unique table or no cell in the question";
        const int row = std::stoi(m[1]) - 1;
        const int col = std::stoi(m[2]) - 1;
        if (row >= table->tableSize || col >= table->tableSize)
            return "!cell outside the table";
        return std::to_string(table->tableValues[static_cast<std::size_t>(row * table->tableSize + col)]);
    }
    if (q.category == "compare_bars") {
        const SyntheticRegion *chart = uniqueRegion(sample, SyntheticRegionKind::BarChart);
        if (!chart)
            return "!no unique chart";
        const auto &h = chart->barHeights;
        const bool tallest = q.question.find("tallest") != std::string::npos;
        const auto at = tallest ? std::max_element(h.begin(), h.end()) : std::min_element(h.begin(), h.end());
        if (std::count(h.begin(), h.end(), *at) != 1)
            return "!extreme bar not unique";
        return std::string(1, char('A' + (at - h.begin())));
    }
    if (q.category == "count_shapes") {
        static const std::regex pattern("How many (\\w+) are there\\?");
        if (!std::regex_match(q.question, m, pattern))
            return "!unexpected count question";
        const int kind = kindIndexOf(m[1]);
        return std::to_string(std::count_if(sample.shapes.begin(), sample.shapes.end(),
                                            [&](const SyntheticShape &s) { return int(s.kind) == kind; }));
    }
    if (q.category == "shape_colour") {
        static const std::regex pattern("What colour is the (\\w+)\\?");
        if (!std::regex_match(q.question, m, pattern))
            return "!unexpected colour question";
        const int kind = kindIndexOf(m[1]);
        std::vector<const SyntheticShape *> ofKind;
        for (const SyntheticShape &shape : sample.shapes)
            if (int(shape.kind) == kind)
                ofKind.push_back(&shape);
        if (ofKind.size() != 1)
            return "!shape not unique";
        const SyntheticShape &shape = *ofKind.front();
        // The pixel at the shape's centre must really have the colour the answer names.
        if (pixelAt(sample.image, shape.centreX, shape.centreY) != syntheticColourRgb(shape.colour))
            return "!centre pixel is not the shape's colour";
        return std::string(syntheticColourNames()[static_cast<std::size_t>(shape.colour)]);
    }
    return "!unknown category " + q.category;
}

} // namespace

class TestSyntheticVqa : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sameSeedSameSamples();
    void differentSeedOrIndexDiffers();
    void splitFilesAreReproducible();
    void tilerPicksTheDrawnGrid();
    void answersMatchWhatWasDrawn();
    void consistencyCheckCatchesTampering();
    void regionsAndShapesAreConsistent();
    void splitCoversEveryCategoryAndLoads();
    void answersComeFromSmallVocabularies();
    void badOptionsAreRejected();
    void textSitsOnThePatchGrid();
    void readAllDescribesEveryTile();
};

void TestSyntheticVqa::sameSeedSameSamples()
{
    const SyntheticOptions options = smallOptions(7, 0);
    for (int index = 0; index < 20; ++index) {
        // Generated in a different order the second time: an image depends on its index alone.
        const SyntheticSample a = generateSyntheticSample(options, index);
        const SyntheticSample b = generateSyntheticSample(options, 19 - index);
        const SyntheticSample c = generateSyntheticSample(options, index);
        Q_UNUSED(b);
        QCOMPARE(a.image.width, c.image.width);
        QVERIFY(a.image.rgb == c.image.rgb);
        QCOMPARE(a.questions.size(), c.questions.size());
        for (std::size_t q = 0; q < a.questions.size(); ++q) {
            QCOMPARE(a.questions[q].question, c.questions[q].question);
            QCOMPARE(a.questions[q].answer, c.questions[q].answer);
        }
    }
}

void TestSyntheticVqa::differentSeedOrIndexDiffers()
{
    int differentSeed = 0;
    int differentIndex = 0;
    for (int index = 0; index < 20; ++index) {
        const SyntheticSample a = generateSyntheticSample(smallOptions(7, 0), index);
        const SyntheticSample b = generateSyntheticSample(smallOptions(8, 0), index);
        const SyntheticSample c = generateSyntheticSample(smallOptions(7, 0), index + 1);
        differentSeed += a.image.rgb != b.image.rgb;
        differentIndex += a.image.rgb != c.image.rgb;
    }
    QCOMPARE(differentSeed, 20);
    QCOMPARE(differentIndex, 20);
    QVERIFY(syntheticSplitSeed(7, "train") != syntheticSplitSeed(7, "test"));
    QVERIFY(syntheticSplitSeed(7, "train") != syntheticSplitSeed(8, "train"));
}

void TestSyntheticVqa::splitFilesAreReproducible()
{
    const auto root = test::scratchDir("synthetic_reproducible");
    const SyntheticOptions options = smallOptions(3, 12);
    writeSyntheticSplit(root / "a", "val", options);
    writeSyntheticSplit(root / "b", "val", options);
    writeSyntheticSplit(root / "c", "val", smallOptions(4, 12));
    const std::string jsonl = fileBytes(root / "a" / "val.jsonl");
    QVERIFY(!jsonl.empty());
    QCOMPARE(fileBytes(root / "b" / "val.jsonl"), jsonl); // image paths are relative: folders compare
    QVERIFY(fileBytes(root / "c" / "val.jsonl") != jsonl);
    for (int i = 0; i < 12; ++i) {
        const std::string name = QString::asprintf("%06d.png", i).toStdString();
        const std::string png = fileBytes(root / "a" / "images" / "val" / name);
        QVERIFY2(png.size() > 100, name.c_str());
        QCOMPARE(fileBytes(root / "b" / "images" / "val" / name), png);
    }
}

void TestSyntheticVqa::tilerPicksTheDrawnGrid()
{
    const SyntheticOptions options = smallOptions(11, 0);
    TilingOptions tiling;
    tiling.tileSize = options.tileSize;
    tiling.maxTiles = options.maxTiles;
    std::set<int> counts;
    std::set<std::pair<int, int>> shapes;
    for (int index = 0; index < 300; ++index) {
        const SyntheticSample sample = generateSyntheticSample(options, index);
        QCOMPARE(sample.image.width, sample.grid.cols * options.tileSize);
        QCOMPARE(sample.image.height, sample.grid.rows * options.tileSize);
        const TileGrid chosen = chooseTileGrid(sample.image.width, sample.image.height, tiling);
        QCOMPARE(chosen.cols, sample.grid.cols);
        QCOMPARE(chosen.rows, sample.grid.rows);
        if (index < 40) { // the full tiler too (slower): same grid, no resizing artefacts to worry about
            const TiledImage tiled = tileImage(sample.image, tiling);
            QCOMPARE(tiled.grid.cols, sample.grid.cols);
            QCOMPARE(tiled.grid.rows, sample.grid.rows);
        }
        counts.insert(sample.grid.count());
        shapes.insert({sample.grid.cols, sample.grid.rows});
    }
    QCOMPARE(counts, (std::set<int>{1, 2, 3, 4, 5, 6}));
    QCOMPARE(shapes.size(), syntheticGrids(options).size()); // 14 grids for 6 tiles
    QCOMPARE(syntheticGrids(options).size(), std::size_t(14));

    // Other tile sizes and tile limits: geometry scales, grids still round-trip, answers still hold.
    for (const auto &[tileSize, maxTiles] : {std::pair{224, 12}, std::pair{56, 2}}) {
        SyntheticOptions other = smallOptions(11, 0);
        other.tileSize = tileSize;
        other.maxTiles = maxTiles;
        TilingOptions otherTiling;
        otherTiling.tileSize = tileSize;
        otherTiling.maxTiles = maxTiles;
        std::set<int> otherCounts;
        for (int index = 0; index < 60; ++index) {
            const SyntheticSample sample = generateSyntheticSample(other, index);
            const TileGrid chosen = chooseTileGrid(sample.image.width, sample.image.height, otherTiling);
            QCOMPARE(chosen.count(), sample.grid.count());
            QCOMPARE(sample.image.width, sample.grid.cols * tileSize);
            for (const SyntheticQuestion &q : sample.questions)
                QCOMPARE(expectedAnswer(sample, q), q.answer);
            otherCounts.insert(sample.grid.count());
        }
        QCOMPARE(int(otherCounts.size()), maxTiles);
    }
}

void TestSyntheticVqa::answersMatchWhatWasDrawn()
{
    const SyntheticOptions options = smallOptions(5, 0);
    for (int index = 0; index < 300; ++index) {
        const SyntheticSample sample = generateSyntheticSample(options, index);
        QVERIFY2(sample.questions.size() >= 2 && sample.questions.size() <= 4,
                 qPrintable(QString("image %1 has %2 questions").arg(index).arg(sample.questions.size())));
        std::set<std::string> texts;
        std::set<std::string> categories;
        for (const SyntheticQuestion &q : sample.questions) {
            const std::string expected = expectedAnswer(sample, q);
            QVERIFY2(expected == q.answer,
                     qPrintable(QString("image %1: '%2' answered '%3', drawn content says '%4'")
                                    .arg(index)
                                    .arg(QString::fromStdString(q.question), QString::fromStdString(q.answer),
                                         QString::fromStdString(expected))));
            QVERIFY2(texts.insert(q.question).second, "a question repeats within one image");
            categories.insert(q.category);
            if (q.tile >= 0)
                QVERIFY(q.tile < sample.grid.count());
        }
        // Different types first: a multi-tile image has a dense region and shapes, so two types at least.
        if (sample.grid.count() > 1)
            QVERIFY(categories.size() >= 2);
    }
}

// The consistency check above must be able to fail: change what a question is about in the
// description (or the pixels) and the expected answer must change with it.
void TestSyntheticVqa::consistencyCheckCatchesTampering()
{
    const SyntheticOptions options = smallOptions(5, 0);
    std::set<std::string> tampered;
    for (int index = 0; index < 60; ++index) {
        const SyntheticSample sample = generateSyntheticSample(options, index);
        for (const SyntheticQuestion &q : sample.questions) {
            SyntheticSample copy = sample;
            for (SyntheticRegion &region : copy.regions) {
                region.text += "1";
                for (int &value : region.tableValues)
                    value = (value + 1) % 100;
                if (!region.barHeights.empty()) // the extreme bar moves one place to the right
                    std::rotate(region.barHeights.rbegin(), region.barHeights.rbegin() + 1, region.barHeights.rend());
            }
            const int kind = q.category == "count_shapes" ? kindIndexOf(q.question.substr(9)) : -1;
            if (kind >= 0)
                copy.shapes.push_back({static_cast<SyntheticShapeKind>(kind), 0, 0, 0, 0, 0});
            for (SyntheticShape &shape : copy.shapes)
                shape.colour = (shape.colour + 1) % int(syntheticColourNames().size());
            QVERIFY2(expectedAnswer(copy, q) != q.answer, qPrintable(QString::fromStdString(q.question)));
            tampered.insert(q.category);
        }
    }
    QCOMPARE(tampered.size(), syntheticCategories().size());
}

void TestSyntheticVqa::regionsAndShapesAreConsistent()
{
    const SyntheticOptions options = smallOptions(9, 0);
    for (int index = 0; index < 200; ++index) {
        const SyntheticSample sample = generateSyntheticSample(options, index);
        QCOMPARE(int(sample.regions.size()), sample.grid.count());
        std::map<SyntheticRegionKind, int> kinds;
        for (int cell = 0; cell < sample.grid.count(); ++cell) {
            const SyntheticRegion &region = sample.regions[static_cast<std::size_t>(cell)];
            QCOMPARE(region.tile, cell);
            ++kinds[region.kind];
            const auto inCell = std::count_if(sample.shapes.begin(), sample.shapes.end(),
                                              [&](const SyntheticShape &s) { return s.tile == cell; });
            if (region.kind == SyntheticRegionKind::Shapes)
                QVERIFY(inCell >= 1 && inCell <= 3);
            else
                QCOMPARE(int(inCell), 0);
        }
        for (const auto &[kind, count] : kinds)
            if (kind != SyntheticRegionKind::Shapes)
                QCOMPARE(count, 1); // dense kinds are unique, so "the card", "the table" are well-defined
        if (sample.grid.count() > 1) { // multi-tile images mix detail and simple regions
            QVERIFY(kinds[SyntheticRegionKind::Shapes] >= 1);
            QVERIFY(kinds[SyntheticRegionKind::Shapes] < sample.grid.count());
        }
        for (const SyntheticShape &shape : sample.shapes) { // shapes lie inside their own cell
            const int x0 = (shape.tile % sample.grid.cols) * options.tileSize;
            const int y0 = (shape.tile / sample.grid.cols) * options.tileSize;
            QVERIFY(shape.centreX - shape.radius >= x0 && shape.centreX + shape.radius <= x0 + options.tileSize);
            QVERIFY(shape.centreY - shape.radius >= y0 && shape.centreY + shape.radius <= y0 + options.tileSize);
        }
    }
}

void TestSyntheticVqa::splitCoversEveryCategoryAndLoads()
{
    const auto root = test::scratchDir("synthetic_split");
    const SyntheticSplitSummary summary = writeSyntheticSplit(root, "test", smallOptions(1, 200));
    QCOMPARE(summary.images, 200);
    for (const std::string_view category : syntheticCategories())
        QVERIFY2(summary.questionsPerCategory.count(std::string(category)) == 1
                     && summary.questionsPerCategory.at(std::string(category)) >= 10,
                 std::string(category).c_str());
    QCOMPARE(summary.questionsPerCategory.size(), syntheticCategories().size());
    QVERIFY(summary.questions >= 400 && summary.questions <= 800);

    const Dataset dataset = loadDataset(root / "test.jsonl");
    QCOMPARE(int(dataset.samples.size()), summary.questions);
    std::set<std::filesystem::path> images;
    for (const EvalSample &sample : dataset.samples) {
        QCOMPARE(sample.metric, std::string("exact_match"));
        QCOMPARE(sample.answers.size(), std::size_t(1));
        QVERIFY(sample.id.starts_with("test-"));
        images.insert(sample.image);
    }
    QCOMPARE(int(images.size()), 200);
    const RgbImage first = decodeImageFile(root / "images" / "test" / "000000.png");
    QCOMPARE(first.rgb, generateSyntheticSample({syntheticSplitSeed(1, "test"), 0, 6, 112}, 0).image.rgb);
}

void TestSyntheticVqa::answersComeFromSmallVocabularies()
{
    const std::set<std::string> words = asSet(syntheticWords());
    const std::set<std::string> colours = asSet(syntheticColourNames());
    QCOMPARE(words.size(), std::size_t(40));
    QCOMPARE(colours.size(), std::size_t(8));
    std::set<std::string> numbers;
    for (int n = 0; n < 100; ++n)
        numbers.insert(std::to_string(n));
    const std::set<std::string> letters{"A", "B", "C", "D"};
    for (const std::string &word : words) // no answer may belong to two vocabularies
        QVERIFY(!colours.count(word) && !asSet(syntheticShapeNames()).count(word));

    const std::map<std::string, const std::set<std::string> *> vocabulary{
        {"read_word", &words},     {"read_number", &numbers},  {"table_cell", &numbers},
        {"compare_bars", &letters}, {"count_shapes", &numbers}, {"shape_colour", &colours}};
    std::set<std::string> seenWords;
    for (int index = 0; index < 300; ++index)
        for (const SyntheticQuestion &q : generateSyntheticSample(smallOptions(13, 0), index).questions) {
            QVERIFY2(vocabulary.count(q.category) == 1, q.category.c_str());
            QVERIFY2(vocabulary.at(q.category)->count(q.answer) == 1, (q.category + ": " + q.answer).c_str());
            if (q.category == "read_word")
                seenWords.insert(q.answer);
            if (q.category == "count_shapes")
                QVERIFY(std::stoi(q.answer) <= 18); // at most 6 cells × 3 shapes
        }
    QVERIFY(seenWords.size() >= 10); // words are drawn from the whole list, not a few
    QVERIFY(syntheticCategoryNeedsDetail("table_cell"));
    QVERIFY(!syntheticCategoryNeedsDetail("count_shapes"));
}

void TestSyntheticVqa::badOptionsAreRejected()
{
    const auto root = test::scratchDir("synthetic_bad");
    SyntheticOptions options = smallOptions(1, 1);
    options.maxTiles = 0;
    test::expectError([&] { generateSyntheticSample(options, 0); }, {"max tiles"});
    options.maxTiles = 6;
    options.tileSize = 20;
    test::expectError([&] { writeSyntheticSplit(root, "train", options); }, {"tile size"});
    options.tileSize = 112;
    options.images = -1;
    test::expectError([&] { writeSyntheticSplit(root, "train", options); }, {"images"});
    options.images = 1;
    test::expectError([&] { writeSyntheticSplit(root, "../x", options); }, {"split name"});
    options.readAllPercent = 101;
    test::expectError([&] { generateSyntheticSample(options, 0); }, {"read-all", "101"});
}

// Task v2: cards' and tables' rules and the bars start on the 14-px patch grid of their tile (at
// 112-px tiles), found from the pixels, so a glyph always falls at the same phase within its patch.
void TestSyntheticVqa::textSitsOnThePatchGrid()
{
    constexpr int kPatch = 14;
    const std::array<std::uint8_t, 3> rule{90, 90, 90}, bar{70, 95, 130};
    std::map<SyntheticRegionKind, int> checked;
    std::set<int> cardColumns;
    for (int index = 0; index < 120; ++index) {
        const SyntheticSample sample = generateSyntheticSample(smallOptions(21, 0), index);
        for (const SyntheticRegion &region : sample.regions) {
            if (region.kind == SyntheticRegionKind::Shapes)
                continue;
            const int x0 = (region.tile % sample.grid.cols) * 112, y0 = (region.tile / sample.grid.cols) * 112;
            const auto &colour = region.kind == SyntheticRegionKind::BarChart ? bar : rule;
            int left = 112, top = 112;
            std::set<int> barEdges;
            for (int y = 0; y < 112; ++y)
                for (int x = 0; x < 112; ++x)
                    if (pixelAt(sample.image, x0 + x, y0 + y) == colour) {
                        left = std::min(left, x);
                        top = std::min(top, y);
                        if (region.kind == SyntheticRegionKind::BarChart && (x == 0 || pixelAt(sample.image, x0 + x - 1, y0 + y) != bar))
                            barEdges.insert(x);
                    }
            QVERIFY2(left < 112, "no rule or bar pixels in a dense tile");
            QVERIFY2(left % kPatch == 0, qPrintable(QString("image %1 tile %2: left edge at %3").arg(index).arg(region.tile).arg(left)));
            if (region.kind == SyntheticRegionKind::BarChart) {
                QCOMPARE(int(barEdges.size()), int(region.barHeights.size()));
                for (int edge : barEdges)
                    QVERIFY2(edge % kPatch == 0, qPrintable(QString("bar edge at %1").arg(edge)));
            } else {
                QVERIFY2(top % kPatch == 0, qPrintable(QString("image %1 tile %2: top edge at %3").arg(index).arg(region.tile).arg(top)));
            }
            if (region.kind == SyntheticRegionKind::WordCard || region.kind == SyntheticRegionKind::NumberCard)
                cardColumns.insert(left);
            ++checked[region.kind];
        }
    }
    QCOMPARE(checked.size(), std::size_t(4));
    QVERIFY2(cardColumns.size() >= 4, "cards must still be placed at many grid positions");
}

// The read-all question: chosen by its own hash (the image and the other questions do not change),
// at the share asked, last in the image's list, and its answer names every tile in tile order.
void TestSyntheticVqa::readAllDescribesEveryTile()
{
    SyntheticOptions plain = smallOptions(31, 0), describing = plain;
    describing.readAllPercent = 25;
    int described = 0;
    for (int index = 0; index < 400; ++index) {
        const SyntheticSample a = generateSyntheticSample(plain, index);
        const SyntheticSample b = generateSyntheticSample(describing, index);
        QVERIFY(a.image.rgb == b.image.rgb);
        QVERIFY(b.questions.size() == a.questions.size() || b.questions.size() == a.questions.size() + 1);
        for (std::size_t q = 0; q < a.questions.size(); ++q)
            QCOMPARE(b.questions[q].answer, a.questions[q].answer);
        if (b.questions.size() == a.questions.size())
            continue;
        ++described;
        const SyntheticQuestion &readAll = b.questions.back();
        QCOMPARE(readAll.category, std::string(kReadAllCategory));
        QCOMPARE(readAll.question, std::string(kReadAllQuestion));
        QCOMPARE(readAll.tile, -1);
        QCOMPARE(readAll.answer, describeSyntheticSample(b));
        // One "; "-separated part per tile, each naming what the tile holds.
        std::vector<std::string> parts;
        for (std::size_t from = 0;;) {
            const auto at = readAll.answer.find("; ", from);
            parts.push_back(readAll.answer.substr(from, at == std::string::npos ? std::string::npos : at - from));
            if (at == std::string::npos)
                break;
            from = at + 2;
        }
        QCOMPARE(int(parts.size()), b.grid.count());
        for (const SyntheticRegion &region : b.regions) {
            const std::string &part = parts[std::size_t(region.tile)];
            switch (region.kind) {
            case SyntheticRegionKind::WordCard: QCOMPARE(part, "word " + region.text); break;
            case SyntheticRegionKind::NumberCard: QCOMPARE(part, "number " + region.text); break;
            case SyntheticRegionKind::Table: {
                std::string expected = "table";
                for (int v : region.tableValues)
                    expected += " " + std::to_string(v);
                QCOMPARE(part, expected);
                break;
            }
            case SyntheticRegionKind::BarChart: {
                QVERIFY(part.starts_with("bars "));
                const auto tallest = std::max_element(region.barHeights.begin(), region.barHeights.end()) - region.barHeights.begin();
                QCOMPARE(part.substr(5, 1), std::string(1, char('A' + tallest)));
                QCOMPARE(part.size(), 4 + 2 * region.barHeights.size());
                break;
            }
            case SyntheticRegionKind::Shapes: {
                const auto inTile = std::count_if(b.shapes.begin(), b.shapes.end(), [&](const SyntheticShape &s) { return s.tile == region.tile; });
                QCOMPARE(std::count(part.begin(), part.end(), ' '), 2 * inTile - 1);   // "<colour> <shape>" each
                break;
            }
            }
        }
    }
    QVERIFY2(described >= 70 && described <= 130, qPrintable(QString::number(described)));   // 25% of 400
}

QTEST_GUILESS_MAIN(TestSyntheticVqa)
#include "tst_synthetic_vqa.moc"
