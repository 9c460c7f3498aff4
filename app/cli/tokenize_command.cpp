// SPDX-License-Identifier: MIT
// tokenscope-cli tokenize --tokenizer FILE [--json]: one line of ids per line of stdin.
#include "commands.h"

#include "command_line.h"
#include "common/error.h"
#include "tokenizer/tokenizer.h"

#include <cstdio>
#include <iostream>
#include <string>

namespace tokenscope::cli {

namespace {

void appendIds(const std::vector<TokenId> &ids, bool json, std::string &out)
{
    if (json)
        out += '[';
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i > 0)
            out += json ? "," : " ";
        out += std::to_string(ids[i]);
    }
    if (json)
        out += ']';
    out += '\n';
}

} // namespace

int tokenizeCommand(const std::vector<std::string> &args)
{
    try {
        const CommandLine options("tokenize", args, {"tokenizer"}, {"json"});
        const bool json = options.has("json");
        const Tokenizer tokenizer = Tokenizer::fromFile(options.required("tokenizer"));

        std::ios::sync_with_stdio(false);
        std::string line, out;
        std::size_t lineNumber = 0;
        while (std::getline(std::cin, line)) {
            ++lineNumber;
            try {
                appendIds(tokenizer.encode(line), json, out);
            } catch (const Error &e) {
                std::fwrite(out.data(), 1, out.size(), stdout);   // the lines before the bad one
                std::fflush(stdout);
                throw Error("stdin line " + std::to_string(lineNumber), "input text " + e.problem());
            }
            if (out.size() >= (1 << 16)) {   // batch writes: a per-line flush would dominate
                std::fwrite(out.data(), 1, out.size(), stdout);
                out.clear();
            }
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
        if (std::fflush(stdout) != 0)
            throw Error(std::string("stdout"), "write failed");
        return 0;
    } catch (const Error &e) {   // usage errors go on to main(), which explains the usage
        std::cerr << "tokenscope-cli: " << e.what() << '\n';
    }
    return 1;
}

} // namespace tokenscope::cli
