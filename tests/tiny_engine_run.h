// SPDX-License-Identifier: MIT
#pragma once

// One end-to-end run of a compression method on the tiny fixture: a random "tiny" checkpoint and
// a 112×56 image, i.e. a 2×1 grid + thumbnail = 3 tiles × 4 tokens at 1/4.

#include "fixtures/random_checkpoint.h"
#include "pipeline/engine.h"
#include "test_support.h"

namespace tokenscope::test {

inline RunResult runOnTinyFixture(const std::string &scratchName, const std::string &method, double budget)
{
    const auto dir = scratchDir(scratchName);
    writeRandomCheckpoint(dir / "tiny", fixtureShape("tiny"), {});
    writePng(dir / "wide.png", gradientImage(112, 56));
    auto engine = Engine::load(dir / "tiny", {DeviceKind::Cpu, ComputeDType::Float32, 2});
    RunRequest request;
    request.imagePath = dir / "wide.png";
    request.question = "What is on the left?";
    request.maxNewTokens = 3;
    applyMethodChoice(request, chooseMethod(method, budget));
    return engine->run(request);
}

} // namespace tokenscope::test
