// SPDX-License-Identifier: MIT
// Parsing and validating the safetensors header. Everything here treats the bytes as hostile:
// the same code runs on users' checkpoints and under libFuzzer.

#include "common/error.h"
#include "io/safetensors.h"
#include "io/tensor_shape.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <optional>
#include <set>

namespace tokenscope {

namespace {

using nlohmann::json;

// The reference implementation refuses headers above 100 MB; real ones are well under 1 MB.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;
// A valid header nests three levels (object > entry > shape); the slack only bounds memory.
constexpr int kMaxJsonDepth = 8;
constexpr const char *kMetadataKey = "__metadata__";

// Names and JSON fragments go into messages shown to users; a hostile header must not make
// those messages megabytes long.
constexpr std::size_t kMaxQuotedChars = 200;

std::string shortened(std::string text)
{
    if (text.size() > kMaxQuotedChars) {
        text.resize(kMaxQuotedChars);
        text += "...";
    }
    return text;
}

std::string quoteName(const std::string &name) { return "'" + shortened(name) + "'"; }

std::string excerpt(const json &value)
{
    return shortened(value.dump(-1, ' ', false, json::error_handler_t::replace));
}

std::uint64_t readLittleEndian64(std::span<const std::byte> bytes)
{
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i)
        value = (value << 8) | std::to_integer<std::uint64_t>(bytes[static_cast<std::size_t>(i)]);
    return value;
}

// Parses the JSON, rejecting duplicate tensor names (nlohmann would silently keep the last one)
// and absurd nesting.
json parseHeaderJson(std::string_view text, const std::string &source)
{
    std::set<std::string> seenNames;
    auto guard = [&](int depth, json::parse_event_t event, json &parsed) {
        if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start)
            && depth >= kMaxJsonDepth)
            throw Error(source, "header JSON is nested more than " + std::to_string(kMaxJsonDepth) + " levels deep");
        if (event == json::parse_event_t::key && depth == 1) {
            auto name = parsed.get<std::string>();
            if (!seenNames.insert(name).second)
                throw Error(source, "header lists " + quoteName(name) + " twice");
        }
        return true;
    };
    try {
        return json::parse(text.begin(), text.end(), guard);
    } catch (const json::exception &e) {
        throw Error(source, "header is not valid JSON: " + shortened(e.what()));
    }
}

DType parseDType(const json &entry, const std::string &name, const std::string &source)
{
    const auto it = entry.find("dtype");
    if (it == entry.end())
        throw Error(source, "tensor " + quoteName(name) + " has no dtype");
    if (!it->is_string())
        throw Error(source, "tensor " + quoteName(name) + " has a dtype that is not a string");
    const auto &text = it->get_ref<const std::string &>();
    for (const DType dtype : {DType::F32, DType::F16, DType::BF16}) {
        if (text == dtypeName(dtype))
            return dtype;
    }
    throw Error(source, "tensor " + quoteName(name) + " has dtype " + shortened(text) + "; supported: F32, F16, BF16");
}

// Reads a JSON integer as signed, or nullopt if it is not an integer or does not fit int64.
std::optional<std::int64_t> asInt64(const json &value)
{
    if (value.is_number_unsigned()) {
        const auto u = value.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return std::nullopt;
        return static_cast<std::int64_t>(u);
    }
    if (value.is_number_integer())
        return value.get<std::int64_t>();
    return std::nullopt;
}

std::vector<std::int64_t> parseShape(const json &entry, const std::string &name, const std::string &source)
{
    const auto it = entry.find("shape");
    if (it == entry.end())
        throw Error(source, "tensor " + quoteName(name) + " has no shape");
    if (!it->is_array())
        throw Error(source, "tensor " + quoteName(name) + " has a shape that is not an array");
    std::vector<std::int64_t> shape;
    shape.reserve(it->size());
    for (const auto &dim : *it) {
        const auto value = asInt64(dim);
        if (!value)
            throw Error(source, "tensor " + quoteName(name) + " has a shape entry that is not a 64-bit integer: " + excerpt(dim));
        shape.push_back(*value);
    }
    for (const std::int64_t dim : shape) {
        if (dim < 0)
            throw Error(source, "tensor " + quoteName(name) + " has negative dimension " + std::to_string(dim)
                                    + " in shape " + shortened(formatShape(shape)));
    }
    return shape;
}

std::pair<std::uint64_t, std::uint64_t> parseOffsets(const json &entry, const std::string &name,
                                                     const std::string &source)
{
    const auto it = entry.find("data_offsets");
    if (it == entry.end())
        throw Error(source, "tensor " + quoteName(name) + " has no data_offsets");
    if (!it->is_array() || it->size() != 2 || !(*it)[0].is_number_unsigned() || !(*it)[1].is_number_unsigned())
        throw Error(source, "tensor " + quoteName(name) + " has data_offsets " + excerpt(*it)
                                + "; expected [begin, end] as non-negative integers");
    return {(*it)[0].get<std::uint64_t>(), (*it)[1].get<std::uint64_t>()};
}

std::map<std::string, std::string> parseMetadata(const json &value, const std::string &source)
{
    if (!value.is_object())
        throw Error(source, "__metadata__ is not an object of strings");
    std::map<std::string, std::string> metadata;
    for (const auto &[key, item] : value.items()) {
        if (!item.is_string())
            throw Error(source, "__metadata__ value for " + quoteName(key) + " is a " + item.type_name()
                                    + ", not a string");
        metadata.emplace(key, item.get<std::string>());
    }
    return metadata;
}

SafetensorsHeader::Entry parseEntry(const json &value, const std::string &name, std::uint64_t dataSize,
                                    const std::string &source)
{
    if (!value.is_object())
        throw Error(source, "tensor " + quoteName(name) + " is a " + value.type_name() + ", not an object");
    SafetensorsHeader::Entry entry{parseDType(value, name, source), parseShape(value, name, source), 0, 0};
    std::tie(entry.begin, entry.end) = parseOffsets(value, name, source);

    const std::string offsets = "data_offsets [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) + "]";
    if (entry.begin > entry.end)
        throw Error(source, "tensor " + quoteName(name) + " has " + offsets + " with begin after end");
    if (entry.end > dataSize)
        throw Error(source, "tensor " + quoteName(name) + " " + offsets + " extend beyond the data section ("
                                + std::to_string(dataSize) + " bytes); the file may be truncated");
    const auto bytes = checkedByteSize(entry.dtype, entry.shape);
    if (!bytes)
        throw Error(source, "tensor " + quoteName(name) + " shape " + shortened(formatShape(entry.shape))
                                + " has too many elements");
    if (entry.end - entry.begin != *bytes)
        throw Error(source, "tensor " + quoteName(name) + " " + offsets + " do not match " + dtypeName(entry.dtype)
                                + " shape " + shortened(formatShape(entry.shape)) + " (" + std::to_string(*bytes) + " bytes)");
    return entry;
}

// Tensors may leave gaps (we do not require the reference writer's packing) but must not share bytes.
void checkNoOverlap(const std::map<std::string, SafetensorsHeader::Entry> &entries, const std::string &source)
{
    std::vector<std::pair<const std::string *, const SafetensorsHeader::Entry *>> byOffset;
    byOffset.reserve(entries.size());
    for (const auto &[name, entry] : entries)
        byOffset.emplace_back(&name, &entry);
    // Sorting by (begin, end) keeps empty tensors at a shared boundary from looking overlapped.
    std::sort(byOffset.begin(), byOffset.end(), [](const auto &a, const auto &b) {
        return std::pair(a.second->begin, a.second->end) < std::pair(b.second->begin, b.second->end);
    });
    const std::string *previous = nullptr;
    std::uint64_t previousEnd = 0;
    for (const auto &[name, entry] : byOffset) {
        if (previous != nullptr && entry->begin < previousEnd)
            throw Error(source, "tensors " + quoteName(*previous) + " and " + quoteName(*name) + " overlap in the data section");
        if (entry->end > previousEnd || previous == nullptr) {
            previous = name;
            previousEnd = entry->end;
        }
    }
}

} // namespace

const char *dtypeName(DType dtype)
{
    switch (dtype) {
    case DType::F32: return "F32";
    case DType::F16: return "F16";
    case DType::BF16: return "BF16";
    }
    return "?";
}

std::size_t dtypeSize(DType dtype)
{
    switch (dtype) {
    case DType::F32: return 4;
    case DType::F16:
    case DType::BF16: return 2;
    }
    return 0;
}

SafetensorsHeader parseSafetensorsHeader(std::span<const std::byte> file, const std::string &source)
{
    if (file.size() < 8)
        throw Error(source, "file is " + std::to_string(file.size())
                                + " bytes, too short for a safetensors header (at least 8)");
    const std::uint64_t headerLength = readLittleEndian64(file.first(8));
    if (headerLength == 0)
        throw Error(source, "header length is 0");
    if (headerLength > kMaxHeaderBytes)
        throw Error(source, "header length " + std::to_string(headerLength) + " exceeds the limit of "
                                + std::to_string(kMaxHeaderBytes) + " bytes; this is not a safetensors file");
    if (headerLength > file.size() - 8)
        throw Error(source, "header of " + std::to_string(headerLength) + " bytes extends past the end of the file ("
                                + std::to_string(file.size()) + " bytes); the file is truncated");

    SafetensorsHeader header;
    header.dataOffset = 8 + static_cast<std::size_t>(headerLength);
    const std::uint64_t dataSize = file.size() - header.dataOffset;
    const std::string_view text(reinterpret_cast<const char *>(file.data() + 8), headerLength);

    const json root = parseHeaderJson(text, source);
    if (!root.is_object())
        throw Error(source, std::string("header is a JSON ") + root.type_name() + ", not an object");
    for (const auto &[name, value] : root.items()) {
        if (name == kMetadataKey)
            header.metadata = parseMetadata(value, source);
        else
            header.entries.emplace(name, parseEntry(value, name, dataSize, source));
    }
    checkNoOverlap(header.entries, source);
    return header;
}

} // namespace tokenscope
