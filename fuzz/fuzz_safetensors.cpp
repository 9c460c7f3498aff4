// SPDX-License-Identifier: MIT
// libFuzzer target for the safetensors header parser: arbitrary bytes must yield either a header
// whose every promise holds or a tokenscope::Error — never a crash, hang or other exception.

#include "common/error.h"
#include "io/safetensors.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace {

// The invariants SafetensorsFile relies on when it turns entries into views of the mapping.
void checkAccepted(const tokenscope::SafetensorsHeader &header, std::size_t fileSize)
{
    if (header.dataOffset < 8 || header.dataOffset > fileSize)
        __builtin_trap();
    const std::uint64_t dataSize = fileSize - header.dataOffset;
    for (const auto &[name, entry] : header.entries) {
        if (entry.begin > entry.end || entry.end > dataSize)
            __builtin_trap();
        std::uint64_t bytes = tokenscope::dtypeSize(entry.dtype);
        for (const std::int64_t dim : entry.shape) {
            if (dim < 0)
                __builtin_trap();
            bytes *= static_cast<std::uint64_t>(dim);   // cannot wrap: the parser bounds the product
        }
        if (bytes != entry.end - entry.begin)
            __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const auto bytes = std::as_bytes(std::span(data, size));
    try {
        checkAccepted(tokenscope::parseSafetensorsHeader(bytes, "fuzz-input"), size);
    } catch (const tokenscope::Error &) {
        // Rejecting malformed input with an Error is the expected outcome.
    }
    return 0;
}
