// SPDX-License-Identifier: MIT
#pragma once

// Reading and writing Hugging Face safetensors files without LibTorch: the model layer turns
// these views into tensors. Format: 8-byte little-endian header length N, N bytes of JSON
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}, then the raw data.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tokenscope {

enum class DType { F32, F16, BF16 };

const char *dtypeName(DType dtype);          // "F32", "F16", "BF16" (safetensors spelling)
std::size_t dtypeSize(DType dtype);

// One tensor inside a mapped file. `data` stays valid while the owning file is alive.
struct TensorView {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::span<const std::byte> data;
    std::filesystem::path file;              // for error messages

    std::int64_t numel() const;
};

// A parsed header, independent of where the bytes live (the fuzz target feeds it raw memory).
struct SafetensorsHeader {
    std::size_t dataOffset = 0;              // 8 + header length
    struct Entry {
        DType dtype;
        std::vector<std::int64_t> shape;
        std::uint64_t begin;                 // relative to dataOffset
        std::uint64_t end;
    };
    std::map<std::string, Entry> entries;
    std::map<std::string, std::string> metadata;
};

// Validates everything the format promises: header length within the file and a sane limit,
// UTF-8 JSON object, known dtype, non-negative shape, offsets in order, inside the data
// section, not overlapping, and end - begin == numel * dtype size. Throws Error naming `source`.
SafetensorsHeader parseSafetensorsHeader(std::span<const std::byte> file, const std::string &source);

// A memory-mapped safetensors file.
class SafetensorsFile {
public:
    static std::shared_ptr<const SafetensorsFile> open(const std::filesystem::path &path);
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile &) = delete;
    SafetensorsFile &operator=(const SafetensorsFile &) = delete;

    const std::filesystem::path &path() const { return m_path; }
    const std::map<std::string, TensorView> &tensors() const { return m_tensors; }
    const std::map<std::string, std::string> &metadata() const { return m_metadata; }

private:
    SafetensorsFile() = default;
    std::filesystem::path m_path;
    void *m_mapping = nullptr;
    std::size_t m_size = 0;
    std::map<std::string, TensorView> m_tensors;
    std::map<std::string, std::string> m_metadata;
};

// All weights of a checkpoint directory: `model.safetensors`, or the shards listed by
// `model.safetensors.index.json` (weight_map: name -> shard file). Every name in the index must
// be present in its shard and no tensor may appear twice.
class WeightStore {
public:
    static WeightStore openDirectory(const std::filesystem::path &dir);
    static WeightStore openFile(const std::filesystem::path &file);

    bool contains(const std::string &name) const;
    const TensorView &at(const std::string &name) const;   // throws Error naming the directory
    std::vector<std::string> names() const;
    const std::filesystem::path &source() const { return m_source; }

private:
    std::filesystem::path m_source;
    std::vector<std::shared_ptr<const SafetensorsFile>> m_files;
    std::map<std::string, const TensorView *> m_index;
};

// Writing (fixtures, trainer checkpoints). Tensors are written in name order, 8-byte aligned
// as the reference writer does; the write goes to a temporary file renamed into place.
struct TensorData {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::vector<std::byte> bytes;
};
void writeSafetensors(const std::filesystem::path &path, const std::vector<TensorData> &tensors,
                      const std::map<std::string, std::string> &metadata = {});

// fp16/bf16 <-> fp32 conversions (round-to-nearest-even), used by the writer and tests.
float halfToFloat(std::uint16_t h);
std::uint16_t floatToHalf(float f);
float bfloat16ToFloat(std::uint16_t b);
std::uint16_t floatToBfloat16(float f);

} // namespace tokenscope
