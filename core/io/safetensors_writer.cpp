// SPDX-License-Identifier: MIT
// Writing safetensors files in the layout of the reference Python writer: header padded with
// spaces so the data starts 8-byte aligned, tensors packed back to back in name order.

#include "common/error.h"
#include "io/safetensors.h"
#include "io/tensor_shape.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace tokenscope {

namespace {

using nlohmann::ordered_json;

std::string quoteName(const std::string &name) { return "'" + name + "'"; }

void validate(const std::filesystem::path &path, const std::vector<const TensorData *> &sorted)
{
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        const TensorData &tensor = *sorted[i];
        if (tensor.name == "__metadata__")
            throw Error(path, "tensor name '__metadata__' is reserved for the header's metadata");
        if (i > 0 && sorted[i - 1]->name == tensor.name)
            throw Error(path, "tensor " + quoteName(tensor.name) + " is given twice");
        const auto bytes = checkedByteSize(tensor.dtype, tensor.shape);
        if (!bytes)
            throw Error(path, "tensor " + quoteName(tensor.name) + " has invalid shape " + formatShape(tensor.shape));
        if (tensor.bytes.size() != *bytes)
            throw Error(path, "tensor " + quoteName(tensor.name) + " has " + std::to_string(tensor.bytes.size())
                                  + " bytes but " + dtypeName(tensor.dtype) + " shape " + formatShape(tensor.shape)
                                  + " needs " + std::to_string(*bytes));
    }
}

std::string headerText(const std::filesystem::path &path, const std::vector<const TensorData *> &sorted,
                       const std::map<std::string, std::string> &metadata)
{
    ordered_json header = ordered_json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::uint64_t offset = 0;
    for (const TensorData *tensor : sorted) {
        const std::uint64_t end = offset + tensor->bytes.size();
        header[tensor->name] = {{"dtype", dtypeName(tensor->dtype)},
                                {"shape", tensor->shape},
                                {"data_offsets", {offset, end}}};
        offset = end;
    }
    std::string text;
    try {
        text = header.dump();
    } catch (const nlohmann::json::exception &e) {   // names or metadata that are not UTF-8
        throw Error(path, std::string("cannot encode header: ") + e.what());
    }
    // Pad so that 8 + header length is a multiple of 8: the data section starts aligned.
    text.append((8 - text.size() % 8) % 8, ' ');
    return text;
}

// Writes all of `bytes`, retrying on short writes and EINTR.
void writeAll(int fd, const std::byte *bytes, std::size_t size, const std::filesystem::path &path)
{
    while (size > 0) {
        const ssize_t written = ::write(fd, bytes, size);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            throw Error(path, std::string("cannot write: ") + std::strerror(errno));
        }
        bytes += written;
        size -= static_cast<std::size_t>(written);
    }
}

void writeFile(const std::filesystem::path &tmpPath, const std::string &header,
               const std::vector<const TensorData *> &sorted)
{
    const int fd = ::open(tmpPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error(tmpPath, std::string("cannot create: ") + std::strerror(errno));
    try {
        std::byte length[8];
        std::uint64_t n = header.size();
        for (auto &byte : length) {   // little-endian regardless of the host
            byte = static_cast<std::byte>(n & 0xffu);
            n >>= 8;
        }
        writeAll(fd, length, sizeof length, tmpPath);
        writeAll(fd, reinterpret_cast<const std::byte *>(header.data()), header.size(), tmpPath);
        for (const TensorData *tensor : sorted)
            writeAll(fd, tensor->bytes.data(), tensor->bytes.size(), tmpPath);
    } catch (...) {
        ::close(fd);
        throw;
    }
    if (::close(fd) != 0)   // delayed write errors (full disk on NFS) surface here
        throw Error(tmpPath, std::string("cannot write: ") + std::strerror(errno));
}

} // namespace

void writeSafetensors(const std::filesystem::path &path, const std::vector<TensorData> &tensors,
                      const std::map<std::string, std::string> &metadata)
{
    std::vector<const TensorData *> sorted;
    sorted.reserve(tensors.size());
    for (const TensorData &tensor : tensors)
        sorted.push_back(&tensor);
    std::sort(sorted.begin(), sorted.end(), [](const auto *a, const auto *b) { return a->name < b->name; });
    validate(path, sorted);
    const std::string header = headerText(path, sorted, metadata);

    // Readers never see a half-written file: write beside it, then rename over it.
    std::filesystem::path tmpPath = path;
    tmpPath += ".tmp";
    try {
        writeFile(tmpPath, header, sorted);
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(tmpPath, ignored);
        throw;
    }
    std::error_code error;
    std::filesystem::rename(tmpPath, path, error);
    if (error) {
        std::error_code ignored;
        std::filesystem::remove(tmpPath, ignored);
        throw Error(path, "cannot rename " + tmpPath.filename().string() + " into place: " + error.message());
    }
}

} // namespace tokenscope
