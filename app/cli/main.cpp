// SPDX-License-Identifier: MIT
// tokenscope-cli: the command line of TokenScope. Thin: parse, call the core, print.

#include "command_line.h"
#include "commands.h"

#include "common/error.h"

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char *kUsage = R"(usage: tokenscope-cli <command> [options]

commands:
  run           run the pipeline on one image and question
                  --model DIR --image FILE --question TEXT
                  [--method NAME] [--budget B] [--params k=v,...] [--seed N]
                  [--relative-threshold R] [--absolute-threshold A]
                  [--device cpu|cuda] [--dtype fp32|bf16] [--threads N] [--max-new-tokens N]
                  [--json] [--tokens]
                  A Qwen2.5-VL folder runs the core's Qwen path: --method none|visionselector
                  (VisionSelector's released scorer from the checkpoint), --budget B
  methods       list every compression method with its parameters [--json]
  sweep         methods x budgets x dataset questions; records appended as each finishes,
                resumes when run again with the same options
                  --model DIR --data FILE.jsonl --methods a,b --budgets 1,0.5,0.3 --out DIR
                  [--shard i/N] [--limit N] [--max-new-tokens N] [--seed N] [--no-encoder-cache]
                  [--device cpu|cuda] [--dtype fp32|bf16] [--threads N]
  merge         merge the records of sweep folders (shards) into one records.jsonl
                  DIR... [--out DIR]   (default: the first DIR)
  report        summary table, summary.json/.csv and plots (PNG + PDF) of a sweep folder
                  DIR [--no-plots]
  import        convert a TextVQA/DocVQA JSON or an lmms-eval samples log to the dataset JSONL
                  (--vqa-json FILE | --lmms-eval FILE) --out FILE.jsonl [--images DIR] [--metric M]
  make-dataset  write the synthetic VQA task (train/val/test JSONL + PNG) the demo model learns
                  --out DIR [--seed N] [--train 20000] [--val 500] [--test 500] (images per split)
                  [--max-tiles 6] [--tile 112] [--read-all PERCENT]
                  [--one-tile-dense PERCENT] (default 50: one-tile images with text, a table or bars)
  train-tokenizer  train a byte-level BPE tokenizer.json on datasets' questions and answers
                  --data FILE.jsonl[,FILE2...] --out tokenizer.json [--vocab 2048] [--min-frequency 2]
  train         run or resume one training stage of a demo-scale model (base, vico, router, selector)
                  --stage S --data train.jsonl --out DIR [--from PREVIOUS_DIR] [--val val.jsonl]
                  [--tokenizer tokenizer.json --shape demo] (base) [--steps N] [--batch IMAGES] [--lr R]
                  [--seed N] [--checkpoint-every N] (see docs/training.md for every option)
  plot-training  draw the training curves of stage folders as one PNG (and the held-out exact
                  match per category of the stages that logged it)
                  STAGE_DIR... --out curves.png [--held-out held-out.png]
  tokenize      read text lines on stdin, print token ids
                  --tokenizer FILE [--json]
  make-fixture  write a random-weight checkpoint in the HF InternVL-Flash or Qwen2.5-VL layout
                  --out DIR [--shape tiny|tiny-qwen2|tiny-6b|demo|demo-448|internvl3_5-1b-flash|internvl3_5-8b-flash
                             |qwen2_5_vl-tiny|qwen2_5_vl-3b|qwen2_5_vl-7b]
                  [--seed N] [--shards N] [--dtype F32|F16|BF16]
  help          show this text
)";

} // namespace

int main(int argc, char **argv)
{
    using namespace tokenscope;
    if (argc < 2) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    const std::string command = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    try {
        if (command == "run")
            return cli::runCommand(args);
        if (command == "tokenize")
            return cli::tokenizeCommand(args);
        if (command == "make-fixture")
            return cli::makeFixtureCommand(args);
        if (command == "methods")
            return cli::methodsCommand(args);
        if (command == "sweep")
            return cli::sweepCommand(args);
        if (command == "merge")
            return cli::mergeCommand(args);
        if (command == "report")
            return cli::reportCommand(args);
        if (command == "import")
            return cli::importCommand(args);
        if (command == "make-dataset")
            return cli::makeDatasetCommand(args);
        if (command == "train-tokenizer")
            return cli::trainTokenizerCommand(args);
        if (command == "train")
            return cli::trainCommand(args);
        if (command == "plot-training")
            return cli::plotTrainingCommand(args);
        if (command == "help" || command == "--help" || command == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        std::cerr << "tokenscope-cli: unknown command '" << command << "'\n\n" << kUsage;
        return 2;
    } catch (const cli::UsageError &e) {
        std::cerr << "tokenscope-cli: " << e.what() << "\n(see tokenscope-cli help)\n";
        return 2;
    } catch (const Error &e) {
        std::cerr << "tokenscope-cli: " << e.what() << '\n';
        return 1;
    } catch (const Cancelled &) {
        std::cerr << "tokenscope-cli: cancelled\n";
        return 130;
    } catch (const std::exception &e) {
        std::cerr << "tokenscope-cli: internal error: " << e.what() << '\n';
        return 3;
    }
}
