// SPDX-License-Identifier: MIT
#pragma once

// Shape arithmetic shared by the safetensors reader and writer, kept overflow-safe because the
// shapes come from untrusted headers.

#include "io/safetensors.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace tokenscope {

// "[5, 6]", or "[]" for a scalar.
std::string formatShape(std::span<const std::int64_t> shape);

// numel × dtypeSize, or nullopt if a dimension is negative or the product overflows 64 bits.
std::optional<std::uint64_t> checkedByteSize(DType dtype, std::span<const std::int64_t> shape);

} // namespace tokenscope
