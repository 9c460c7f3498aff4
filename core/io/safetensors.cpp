// SPDX-License-Identifier: MIT
// A safetensors file mapped into memory: tensors are views into the mapping, so opening a
// multi-gigabyte checkpoint costs one header parse and no copies.

#include "io/safetensors.h"

#include "io/mapped_file.h"

namespace tokenscope {

std::int64_t TensorView::numel() const
{
    std::int64_t count = 1;
    for (const std::int64_t dim : shape)
        count *= dim;   // the header parser has already rejected overflowing shapes
    return count;
}

std::shared_ptr<const SafetensorsFile> SafetensorsFile::open(const std::filesystem::path &path)
{
    // Owned before mapping so that the destructor unmaps if parsing throws.
    std::shared_ptr<SafetensorsFile> file(new SafetensorsFile());
    file->m_path = path;
    const FileMapping mapping = mapFileReadOnly(path, 8, "a safetensors header");
    file->m_mapping = mapping.address;
    file->m_size = mapping.size;

    // Note: truncating the file while it is mapped makes later reads fault (SIGBUS); checkpoints
    // are not expected to change under a running workbench.
    const std::span<const std::byte> bytes(static_cast<const std::byte *>(file->m_mapping), file->m_size);
    SafetensorsHeader header = parseSafetensorsHeader(bytes, path.string());
    const auto data = bytes.subspan(header.dataOffset);
    for (auto &[name, entry] : header.entries) {
        TensorView view;
        view.name = name;
        view.dtype = entry.dtype;
        view.shape = std::move(entry.shape);
        view.data = data.subspan(entry.begin, entry.end - entry.begin);
        view.file = path;
        file->m_tensors.emplace(name, std::move(view));
    }
    file->m_metadata = std::move(header.metadata);
    return file;
}

SafetensorsFile::~SafetensorsFile()
{
    unmapFile({m_mapping, m_size});
}

} // namespace tokenscope
