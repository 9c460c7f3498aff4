// SPDX-License-Identifier: MIT
#include "command_line.h"
#include "commands.h"

#include "train/synthetic_vqa.h"

#include <cstdio>

namespace tokenscope::cli {

namespace {

// Writes one split (nothing for a count of 0, so e.g. `--val 0` skips validation) and prints its summary.
void writeSplit(const std::filesystem::path &out, const std::string &split, int images, SyntheticOptions options)
{
    if (images == 0)
        return;
    options.images = images;
    const SyntheticSplitSummary summary = writeSyntheticSplit(out, split, options);
    std::printf("%-5s %6d images, %7d questions -> %s\n", split.c_str(), summary.images, summary.questions,
                (out / (split + ".jsonl")).string().c_str());
    std::printf("      questions:");
    for (const auto &[category, count] : summary.questionsPerCategory)
        std::printf(" %s %d", category.c_str(), count);
    std::printf("\n      images by tile count:");
    for (const auto &[tiles, count] : summary.imagesPerTileCount)
        std::printf(" %d:%d", tiles, count);
    std::printf("\n");
}

} // namespace

int makeDatasetCommand(const std::vector<std::string> &args)
{
    const CommandLine cl("make-dataset", args, {"out", "seed", "train", "val", "test", "max-tiles", "tile", "read-all", "one-tile-dense"}, {});
    const std::filesystem::path out = cl.required("out");
    SyntheticOptions options;
    options.seed = static_cast<std::uint64_t>(cl.integer("seed", 1));
    options.maxTiles = cl.integer("max-tiles", 6);
    options.tileSize = cl.integer("tile", 112);
    options.oneTileDensePercent = cl.integer("one-tile-dense", options.oneTileDensePercent);
    const int readAll = cl.integer("read-all", 0);
    if (readAll < 0 || readAll > 100)
        throw UsageError("make-dataset: --read-all is a percentage of images, 0..100");
    const int train = cl.integer("train", 20000);
    const int val = cl.integer("val", 500);
    const int test = cl.integer("test", 500);
    if (train < 0 || val < 0 || test < 0)
        throw UsageError("make-dataset: --train, --val and --test are image counts >= 0");
    requireValidSyntheticOptions(options);
    // The read-all question is a training signal; the test split measures the six question types.
    SyntheticOptions trainOptions = options;
    trainOptions.readAllPercent = readAll;
    writeSplit(out, "train", train, trainOptions);
    writeSplit(out, "val", val, trainOptions);
    writeSplit(out, "test", test, options);
    return 0;
}

} // namespace tokenscope::cli
