// SPDX-License-Identifier: MIT
#include "command_line.h"

#include <charconv>

namespace tokenscope::cli {

CommandLine::CommandLine(std::string command, const std::vector<std::string> &args,
                         std::set<std::string> valued, std::set<std::string> switches, bool positionals)
    : m_command(std::move(command))
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &arg = args[i];
        if (arg.rfind("--", 0) != 0) {
            if (!positionals)
                throw UsageError(m_command + ": unexpected argument '" + arg + "'");
            m_positionals.push_back(arg);
            continue;
        }
        std::string name = arg.substr(2);
        std::optional<std::string> inlineValue;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (switches.count(name)) {
            if (inlineValue)
                throw UsageError(m_command + ": --" + name + " takes no value");
            m_switches.insert(name);
        } else if (valued.count(name)) {
            if (m_values.count(name))
                throw UsageError(m_command + ": --" + name + " given twice");
            if (inlineValue) {
                m_values[name] = *inlineValue;
            } else {
                if (i + 1 >= args.size())
                    throw UsageError(m_command + ": --" + name + " needs a value");
                m_values[name] = args[++i];
            }
        } else {
            throw UsageError(m_command + ": unknown option --" + name);
        }
    }
}

std::optional<std::string> CommandLine::value(const std::string &name) const
{
    auto it = m_values.find(name);
    if (it == m_values.end())
        return std::nullopt;
    return it->second;
}

std::string CommandLine::required(const std::string &name) const
{
    auto v = value(name);
    if (!v)
        throw UsageError(m_command + ": --" + name + " is required");
    return *v;
}

bool CommandLine::has(const std::string &name) const
{
    return m_switches.count(name) > 0 || m_values.count(name) > 0;
}

double CommandLine::number(const std::string &name, double fallback) const
{
    auto v = value(name);
    if (!v)
        return fallback;
    double out = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc() || end != v->data() + v->size())
        throw UsageError(m_command + ": --" + name + " expects a number, got '" + *v + "'");
    return out;
}

int CommandLine::integer(const std::string &name, int fallback) const
{
    auto v = value(name);
    if (!v)
        return fallback;
    int out = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc() || end != v->data() + v->size())
        throw UsageError(m_command + ": --" + name + " expects an integer, got '" + *v + "'");
    return out;
}

ComputeOptions computeOptions(const CommandLine &cl)
{
    const std::optional<std::string> device = cl.value("device"), dtype = cl.value("dtype");
    const ParsedCompute parsed =
        parseComputeOptions(device.value_or("cpu"), dtype ? std::optional<std::string_view>(*dtype) : std::nullopt,
                            cl.integer("threads", 0));
    if (parsed.problem == ParsedCompute::Problem::BadDevice)
        throw UsageError(cl.command() + ": --device must be cpu or cuda, got '" + parsed.offending + "'");
    if (parsed.problem == ParsedCompute::Problem::BadDType)
        throw UsageError(cl.command() + ": --dtype must be fp32 or bf16, got '" + parsed.offending + "'");
    return parsed.options;
}

} // namespace tokenscope::cli
