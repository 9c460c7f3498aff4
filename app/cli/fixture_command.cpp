// SPDX-License-Identifier: MIT
#include "command_line.h"
#include "commands.h"

#include "fixtures/random_checkpoint.h"
#include "fixtures/random_qwen_checkpoint.h"

#include <cstdio>

namespace tokenscope::cli {

int makeFixtureCommand(const std::vector<std::string> &args)
{
    const CommandLine cl("make-fixture", args, {"out", "shape", "seed", "shards", "dtype"}, {});
    FixtureOptions options;
    options.seed = static_cast<std::uint64_t>(cl.integer("seed", 1));
    options.shards = cl.integer("shards", 1);
    const std::string dtype = cl.value("dtype").value_or("F32");
    if (dtype == "F32")
        options.dtype = DType::F32;
    else if (dtype == "F16")
        options.dtype = DType::F16;
    else if (dtype == "BF16")
        options.dtype = DType::BF16;
    else
        throw UsageError("make-fixture: --dtype must be F32, F16 or BF16, got '" + dtype + "'");
    const std::string shape = cl.value("shape").value_or("tiny");
    const std::filesystem::path out = cl.required("out");
    if (isQwenFixtureShape(shape))   // the tiny one carries a VisionSelector scorer where the authors' checkpoints do
        writeRandomQwenCheckpoint(out, qwenFixtureShape(shape), options, /*releasedScorer=*/shape == "qwen2_5_vl-tiny");
    else
        writeRandomCheckpoint(out, fixtureShape(shape), options);
    std::printf("wrote a random '%s' checkpoint to %s\n", shape.c_str(), out.string().c_str());
    return 0;
}

} // namespace tokenscope::cli
