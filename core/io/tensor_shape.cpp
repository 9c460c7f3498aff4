// SPDX-License-Identifier: MIT
#include "io/tensor_shape.h"

#include <limits>

namespace tokenscope {

std::string formatShape(std::span<const std::int64_t> shape)
{
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0)
            text += ", ";
        text += std::to_string(shape[i]);
    }
    return text + "]";
}

std::optional<std::uint64_t> checkedByteSize(DType dtype, std::span<const std::int64_t> shape)
{
    // Bounded by int64 max so that numel() and torch sizes, which are signed, cannot overflow.
    constexpr auto limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    std::uint64_t bytes = dtypeSize(dtype);
    for (const std::int64_t dim : shape) {
        if (dim < 0)
            return std::nullopt;
        const auto d = static_cast<std::uint64_t>(dim);
        if (d != 0 && bytes > limit / d)
            return std::nullopt;
        bytes *= d;
    }
    return bytes;
}

} // namespace tokenscope
