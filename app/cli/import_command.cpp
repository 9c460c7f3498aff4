// SPDX-License-Identifier: MIT
// import: TextVQA/DocVQA JSON or an lmms-eval samples log -> the sweep's dataset JSONL.
#include "command_line.h"
#include "commands.h"

#include "common/error.h"
#include "eval/dataset.h"
#include "eval/dataset_import.h"

#include <iostream>

namespace tokenscope::cli {

int importCommand(const std::vector<std::string> &args)
{
    const CommandLine cl("import", args, {"vqa-json", "lmms-eval", "images", "metric", "out"}, {});
    if (cl.has("vqa-json") == cl.has("lmms-eval"))
        throw UsageError("import: give exactly one of --vqa-json FILE and --lmms-eval FILE");
    const std::filesystem::path out = cl.required("out");
    const std::filesystem::path images = cl.value("images").value_or("");
    int skipped = 0;
    std::vector<EvalSample> samples;
    if (auto json = cl.value("vqa-json")) {
        samples = importVqaJson(*json, images, cl.value("metric"));
    } else {
        ImportResult imported = importLmmsEvalSamples(*cl.value("lmms-eval"), images, cl.value("metric"));
        samples = std::move(imported.samples);
        skipped = imported.skipped;
    }
    saveDataset(out, samples);
    std::cout << "wrote " << samples.size() << " questions to " << out.string();
    if (skipped > 0)
        std::cout << " (" << skipped << " log lines without an image path skipped)";
    std::cout << std::endl;
    // The sweep refuses missing images before it starts; say so now rather than then.
    try {
        loadDataset(out);
    } catch (const Error &e) {
        std::cerr << "tokenscope-cli: warning: " << e.what() << '\n';
    }
    return 0;
}

} // namespace tokenscope::cli
