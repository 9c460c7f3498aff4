// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

// Each subcommand of tokenscope-cli: parses its own options, returns the process exit code.
namespace tokenscope::cli {

int runCommand(const std::vector<std::string> &args);          // run --model --image --question
int tokenizeCommand(const std::vector<std::string> &args);     // tokenize --tokenizer [--json]
int makeFixtureCommand(const std::vector<std::string> &args);  // make-fixture --out --shape
int methodsCommand(const std::vector<std::string> &args);      // methods [--json]
int sweepCommand(const std::vector<std::string> &args);        // sweep --model --data --methods --budgets --out
int mergeCommand(const std::vector<std::string> &args);        // merge DIR... [--out DIR]
int reportCommand(const std::vector<std::string> &args);       // report DIR
int importCommand(const std::vector<std::string> &args);       // import --vqa-json|--lmms-eval FILE --out
int makeDatasetCommand(const std::vector<std::string> &args);     // make-dataset --out [--train --val --test]
int trainTokenizerCommand(const std::vector<std::string> &args);   // train-tokenizer --data --out [--vocab]
int trainCommand(const std::vector<std::string> &args);            // train --stage --data --out [--from]
int plotTrainingCommand(const std::vector<std::string> &args);     // plot-training DIR... --out PNG

} // namespace tokenscope::cli
