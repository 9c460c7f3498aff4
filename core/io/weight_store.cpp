// SPDX-License-Identifier: MIT
// A checkpoint directory as one name -> tensor map, whether it is a single model.safetensors or
// shards listed by model.safetensors.index.json (the Hugging Face layout for large models).

#include "common/error.h"
#include "io/safetensors.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>

namespace tokenscope {

namespace {

using nlohmann::json;

constexpr const char *kIndexFileName = "model.safetensors.index.json";
constexpr const char *kSingleFileName = "model.safetensors";
// Real indexes are about 100 KB even for 70B models.
constexpr std::uintmax_t kMaxIndexBytes = 100'000'000;

std::string quoteName(const std::string &name) { return "'" + name + "'"; }

std::string readIndexText(const std::filesystem::path &indexPath)
{
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(indexPath, error);
    if (error)
        throw Error(indexPath, "cannot read: " + error.message());
    if (size > kMaxIndexBytes)
        throw Error(indexPath, "is " + std::to_string(size) + " bytes, larger than any plausible index");
    std::ifstream in(indexPath, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof())
        throw Error(indexPath, "cannot read");
    return text;
}

// weight_map: tensor name -> shard file name, relative to the index's directory.
std::map<std::string, std::string> readWeightMap(const std::filesystem::path &indexPath)
{
    json root;
    try {
        root = json::parse(readIndexText(indexPath));
    } catch (const json::exception &e) {
        throw Error(indexPath, std::string("is not valid JSON: ") + e.what());
    }
    if (!root.is_object())
        throw Error(indexPath, "is not a JSON object");
    const auto it = root.find("weight_map");
    if (it == root.end() || !it->is_object())
        throw Error(indexPath, "has no weight_map object");
    if (it->empty())
        throw Error(indexPath, "weight_map lists no tensors");
    std::map<std::string, std::string> weightMap;
    for (const auto &[name, shard] : it->items()) {
        if (!shard.is_string())
            throw Error(indexPath, "weight_map entry for " + quoteName(name) + " is a " + shard.type_name()
                                       + ", not a shard file name");
        weightMap.emplace(name, shard.get<std::string>());
    }
    return weightMap;
}

// Shards must be files inside the checkpoint directory: an index must not make us read
// arbitrary files elsewhere on the machine.
bool staysInsideDirectory(const std::string &shard)
{
    if (shard.empty() || shard.find('\0') != std::string::npos)
        return false;
    const std::filesystem::path path(shard);
    if (path.has_root_path())
        return false;
    for (const auto &part : path) {
        if (part == "..")
            return false;
    }
    return true;
}

} // namespace

WeightStore WeightStore::openFile(const std::filesystem::path &file)
{
    WeightStore store;
    store.m_source = file;
    auto mapped = SafetensorsFile::open(file);
    for (const auto &[name, view] : mapped->tensors())
        store.m_index.emplace(name, &view);
    store.m_files.push_back(std::move(mapped));
    return store;
}

WeightStore WeightStore::openDirectory(const std::filesystem::path &dir)
{
    std::error_code error;
    if (!std::filesystem::is_directory(dir, error))
        throw Error(dir, "is not a directory");

    const std::filesystem::path indexPath = dir / kIndexFileName;
    if (!std::filesystem::exists(indexPath, error)) {
        if (!std::filesystem::exists(dir / kSingleFileName, error))
            throw Error(dir, std::string("contains neither ") + kIndexFileName + " nor " + kSingleFileName);
        WeightStore store = openFile(dir / kSingleFileName);
        store.m_source = dir;
        return store;
    }

    const std::map<std::string, std::string> weightMap = readWeightMap(indexPath);

    // Open each shard once, in name order so that errors are reproducible.
    std::map<std::string, std::shared_ptr<const SafetensorsFile>> shards;
    for (const auto &[name, shard] : weightMap) {
        if (shards.contains(shard))
            continue;
        if (!staysInsideDirectory(shard))
            throw Error(indexPath, "shard " + quoteName(shard) + " for tensor " + quoteName(name)
                                       + " escapes the checkpoint directory");
        if (!std::filesystem::exists(dir / shard, error))
            throw Error(indexPath, "shard " + quoteName(shard) + " for tensor " + quoteName(name) + " does not exist");
        shards.emplace(shard, SafetensorsFile::open(dir / shard));
    }

    WeightStore store;
    store.m_source = dir;
    std::map<std::string, std::string> shardOf;
    for (const auto &[shard, file] : shards) {
        for (const auto &[name, view] : file->tensors()) {
            const auto [it, inserted] = shardOf.emplace(name, shard);
            if (!inserted)
                throw Error(indexPath, "tensor " + quoteName(name) + " is present in both shard " + quoteName(it->second)
                                           + " and shard " + quoteName(shard));
            if (!weightMap.contains(name))
                throw Error(indexPath, "shard " + quoteName(shard) + " contains tensor " + quoteName(name)
                                           + ", which the index does not list");
            store.m_index.emplace(name, &view);
        }
        store.m_files.push_back(file);
    }
    for (const auto &[name, shard] : weightMap) {
        const auto it = shardOf.find(name);
        if (it == shardOf.end())
            throw Error(indexPath, "tensor " + quoteName(name) + " listed in the index is missing from shard " + quoteName(shard));
        if (it->second != shard)
            throw Error(indexPath, "tensor " + quoteName(name) + " is listed under shard " + quoteName(shard)
                                       + " but stored in shard " + quoteName(it->second));
    }
    return store;
}

bool WeightStore::contains(const std::string &name) const
{
    return m_index.contains(name);
}

const TensorView &WeightStore::at(const std::string &name) const
{
    const auto it = m_index.find(name);
    if (it == m_index.end())
        throw Error(m_source, "no tensor named " + quoteName(name));
    return *it->second;
}

std::vector<std::string> WeightStore::names() const
{
    std::vector<std::string> names;
    names.reserve(m_index.size());
    for (const auto &[name, view] : m_index)
        names.push_back(name);
    return names;
}

} // namespace tokenscope
