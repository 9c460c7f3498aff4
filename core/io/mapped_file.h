// SPDX-License-Identifier: MIT
#pragma once

// Read-only POSIX memory mapping of a whole file, kept apart from the format code so that the
// safetensors parser only ever sees a span of bytes.

#include <cstddef>
#include <filesystem>
#include <string_view>

namespace tokenscope {

struct FileMapping {
    void *address = nullptr;
    std::size_t size = 0;
};

// Maps `path` read-only (MAP_PRIVATE). Files shorter than `minimumSize` — including empty ones,
// which mmap cannot map — are rejected before mapping with "too short for <purpose>".
// Throws Error naming `path` on any failure; the descriptor is closed in every case.
FileMapping mapFileReadOnly(const std::filesystem::path &path, std::size_t minimumSize, std::string_view purpose);

void unmapFile(FileMapping mapping) noexcept;

} // namespace tokenscope
