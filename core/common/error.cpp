// SPDX-License-Identifier: MIT
#include "common/error.h"

namespace tokenscope {

namespace {
std::string compose(const std::string &source, const std::string &problem)
{
    return source.empty() ? problem : source + ": " + problem;
}
} // namespace

Error::Error(std::string source, std::string problem)
    : std::runtime_error(compose(source, problem))
    , m_source(std::move(source))
    , m_problem(std::move(problem))
{
}

Error::Error(const std::filesystem::path &source, std::string problem)
    : Error(source.string(), std::move(problem))
{
}

} // namespace tokenscope
