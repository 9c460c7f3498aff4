// SPDX-License-Identifier: MIT
#pragma once

// Tests that need a checkpoint in another layout, or with a tensor missing, rewrite a committed or
// generated file tensor by tensor: `rename` gives each tensor's new name, or "" to leave it out.

#include "io/safetensors.h"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace tokenscope::test {

inline void rewriteSafetensors(const std::filesystem::path &from, const std::filesystem::path &to,
                               const std::function<std::string(const std::string &)> &rename)
{
    std::vector<TensorData> out;
    {
        const WeightStore source = WeightStore::openFile(from);   // closed before `to` may replace `from`
        for (const std::string &name : source.names()) {
            const std::string renamed = rename(name);
            if (renamed.empty())
                continue;
            const TensorView &view = source.at(name);
            out.push_back({renamed, view.dtype, view.shape, {view.data.begin(), view.data.end()}});
        }
    }
    writeSafetensors(to, out);
}

}   // namespace tokenscope::test
