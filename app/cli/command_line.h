// SPDX-License-Identifier: MIT
#pragma once

#include "common/compute_options.h"

#include <map>
#include <stdexcept>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tokenscope::cli {

// `--name value` and `--flag` options of one subcommand. Unknown options, missing values and
// repeated options are usage errors (UsageError), reported with the subcommand's name.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class CommandLine {
public:
    // `valued` options take a value; `switches` do not. Arguments not starting with "--" are
    // positionals, a usage error unless `positionals` allows them.
    CommandLine(std::string command, const std::vector<std::string> &args,
                std::set<std::string> valued, std::set<std::string> switches, bool positionals = false);

    const std::string &command() const { return m_command; }
    std::optional<std::string> value(const std::string &name) const;
    std::string required(const std::string &name) const;
    bool has(const std::string &name) const;
    double number(const std::string &name, double fallback) const;   // checks the whole value parses
    int integer(const std::string &name, int fallback) const;
    const std::vector<std::string> &positionals() const { return m_positionals; }

private:
    std::string m_command;
    std::map<std::string, std::string> m_values;
    std::set<std::string> m_switches;
    std::vector<std::string> m_positionals;
};

// --device, --dtype and --threads (cpu: fp32 by default, cuda: bf16).
ComputeOptions computeOptions(const CommandLine &cl);

} // namespace tokenscope::cli
