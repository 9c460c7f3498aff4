// SPDX-License-Identifier: MIT
#include "eval/sample_record.h"

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>

using nlohmann::json;
using nlohmann::ordered_json;

namespace tokenscope {

std::string SampleRecord::cellKeyOf(const std::string &method, double budget, const std::string &docId)
{
    char budgetText[32];
    std::snprintf(budgetText, sizeof budgetText, "%.6g", budget);
    return method + '\x1f' + budgetText + '\x1f' + docId;
}

namespace {

// Every key toJsonLine writes besides the metric's own; a metric may not be named like one.
constexpr std::array<std::string_view, 17> kFixedKeys{
    "doc_id", "input", "target", "filtered_resps", "metric", "method", "budget", "category", "image",
    "visual_tokens", "kept_tokens", "kept_fraction", "tile_ratios", "latency_ms", "flops", "device", "dtype"};

bool isFixedKey(std::string_view name)
{
    for (std::string_view key : kFixedKeys)
        if (key == name)
            return true;
    return false;
}

// nlohmann writes NaN as null; keep that explicit so the reader's null → NaN is the inverse.
ordered_json number(double value)
{
    return std::isfinite(value) ? ordered_json(value) : ordered_json(nullptr);
}

// --- reading helpers: each names the field it rejects ------------------------------------------

[[noreturn]] void fieldError(const std::string &source, std::string_view field, const std::string &problem)
{
    throw Error(source, "field '" + std::string(field) + "': " + problem);
}

const json *find(const json &object, std::string_view field)
{
    const auto it = object.find(field);
    return it == object.end() ? nullptr : &*it;
}

const json &require(const json &object, std::string_view field, const std::string &source)
{
    const json *value = find(object, field);
    if (!value)
        fieldError(source, field, "missing");
    return *value;
}

std::string asString(const json &value, std::string_view field, const std::string &source)
{
    if (!value.is_string())
        fieldError(source, field, std::string("expected a string, got ") + value.type_name());
    return value.get<std::string>();
}

// null stands for NaN (see number()); `nullAllowed` is false where NaN makes no sense.
double asDouble(const json &value, std::string_view field, const std::string &source, bool nullAllowed = true)
{
    if (value.is_null() && nullAllowed)
        return std::numeric_limits<double>::quiet_NaN();
    if (!value.is_number())
        fieldError(source, field, std::string("expected a number, got ") + value.type_name());
    return value.get<double>();
}

int asInt(const json &value, std::string_view field, const std::string &source)
{
    if (!value.is_number_integer())
        fieldError(source, field, std::string("expected an integer, got ") + value.type_name());
    const auto wide = value.get<std::int64_t>();
    if (wide < 0 || wide > std::numeric_limits<int>::max())
        fieldError(source, field, "out of range: " + std::to_string(wide));
    return static_cast<int>(wide);
}

std::string optionalString(const json &object, std::string_view field, const std::string &source)
{
    const json *value = find(object, field);
    return value ? asString(*value, field, source) : std::string();
}

// lmms-eval logs integer doc ids; ours are strings (dataset ids need not be numeric).
std::string readDocId(const json &object, const std::string &source)
{
    const json &value = require(object, "doc_id", source);
    if (value.is_number_integer())
        return value.dump();
    return asString(value, "doc_id", source);
}

std::vector<std::string> readTarget(const json &object, const std::string &source)
{
    const json *value = find(object, "target");
    if (!value)
        return {};
    if (value->is_string())   // lmms-eval stringifies a single target
        return {value->get<std::string>()};
    if (!value->is_array())
        fieldError(source, "target", std::string("expected an array of strings, got ") + value->type_name());
    std::vector<std::string> target;
    for (const json &item : *value)
        target.push_back(asString(item, "target", source));
    return target;
}

std::string readResponse(const json &object, const std::string &source)
{
    const json *value = find(object, "filtered_resps");
    if (!value)
        return {};
    if (!value->is_array())
        fieldError(source, "filtered_resps", std::string("expected an array, got ") + value->type_name());
    return value->empty() ? std::string() : asString(value->front(), "filtered_resps", source);
}

std::vector<double> readTileRatios(const json &object, const std::string &source)
{
    const json *value = find(object, "tile_ratios");
    if (!value)
        return {};
    if (!value->is_array())
        fieldError(source, "tile_ratios", std::string("expected an array, got ") + value->type_name());
    std::vector<double> ratios;
    for (const json &item : *value)
        ratios.push_back(asDouble(item, "tile_ratios", source));
    return ratios;
}

// An optional object of numbers: "latency_ms" {stage: ms}, "flops" {name: FLOPs}.
std::map<std::string, double> readNumbers(const json &object, const std::string &key, const std::string &source)
{
    const json *value = find(object, key);
    if (!value)
        return {};
    if (!value->is_object())
        fieldError(source, key, std::string("expected an object, got ") + value->type_name());
    std::map<std::string, double> numbers;
    for (const auto &[name, number] : value->items())
        numbers[name] = asDouble(number, key + "." + name, source);
    return numbers;
}

// --- file reading ---------------------------------------------------------------------------------

std::string readWholeFile(const std::filesystem::path &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path, "cannot open results file");
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad())
        throw Error(path, "read error");
    return bytes;
}

bool isBlank(std::string_view text)
{
    return text.find_first_not_of(" \t\r") == std::string_view::npos;
}

struct Line {
    std::string_view text;      // without the newline
    std::size_t begin = 0;      // byte offset of its first character
    bool terminated = false;    // followed by '\n'
    int number = 0;             // 1-based
};

std::vector<Line> splitLines(std::string_view bytes)
{
    std::vector<Line> lines;
    std::size_t begin = 0;
    int number = 1;
    while (begin < bytes.size()) {
        const std::size_t end = bytes.find('\n', begin);
        const bool terminated = end != std::string_view::npos;
        const std::size_t stop = terminated ? end : bytes.size();
        lines.push_back({bytes.substr(begin, stop - begin), begin, terminated, number++});
        begin = terminated ? end + 1 : bytes.size();
    }
    return lines;
}

} // namespace

std::string toJsonLine(const SampleRecord &record)
{
    if (record.metric.empty())
        throw Error("sample record " + record.method + "/" + record.docId, "empty metric name");
    if (isFixedKey(record.metric))
        throw Error("sample record " + record.method + "/" + record.docId,
                    "metric name '" + record.metric + "' collides with a record field");

    ordered_json latency = ordered_json::object(), flops = ordered_json::object();
    for (const auto &[stage, ms] : record.latencyMs)
        latency[stage] = number(ms);
    for (const auto &[name, value] : record.flops)
        flops[name] = number(value);
    ordered_json ratios = ordered_json::array();
    for (double ratio : record.tileRatios)
        ratios.push_back(number(ratio));
    const ordered_json keptFraction =
        record.visualTokens > 0 ? number(static_cast<double>(record.keptTokens) / record.visualTokens)
                                : ordered_json(nullptr);

    // ordered_json keeps the lmms-eval fields first, which makes the file readable with `head`.
    ordered_json line{
        {"doc_id", record.docId},
        {"input", record.input},
        {"target", record.target},
        {"filtered_resps", ordered_json::array({record.response})},
        {"metric", record.metric},
        {record.metric, number(record.score)},
        {"method", record.method},
        {"budget", number(record.budget)},
        {"category", record.category},
        {"image", record.image},
        {"visual_tokens", record.visualTokens},
        {"kept_tokens", record.keptTokens},
        {"kept_fraction", keptFraction},
        {"tile_ratios", ratios},
        {"latency_ms", latency},
        {"flops", flops},
        {"device", record.device},
        {"dtype", record.dtype},
    };
    return line.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

SampleRecord recordFromJson(std::string_view line, const std::string &source)
{
    json object;
    try {
        object = json::parse(line);
    } catch (const json::parse_error &e) {
        throw Error(source, std::string("not valid JSON: ") + e.what());
    }
    if (!object.is_object())
        throw Error(source, std::string("expected a JSON object, got ") + object.type_name());

    SampleRecord record;
    record.docId = readDocId(object, source);
    record.method = asString(require(object, "method", source), "method", source);
    record.budget = asDouble(require(object, "budget", source), "budget", source, false);
    record.metric = asString(require(object, "metric", source), "metric", source);
    if (record.metric.empty() || isFixedKey(record.metric))
        fieldError(source, "metric", "'" + record.metric + "' is not a usable metric name");
    record.score = asDouble(require(object, record.metric, source), record.metric, source);

    record.input = optionalString(object, "input", source);
    record.target = readTarget(object, source);
    record.response = readResponse(object, source);
    record.category = optionalString(object, "category", source);
    record.image = optionalString(object, "image", source);
    if (const json *value = find(object, "visual_tokens"))
        record.visualTokens = asInt(*value, "visual_tokens", source);
    if (const json *value = find(object, "kept_tokens"))
        record.keptTokens = asInt(*value, "kept_tokens", source);
    record.tileRatios = readTileRatios(object, source);
    record.latencyMs = readNumbers(object, "latency_ms", source);
    record.flops = readNumbers(object, "flops", source);
    record.device = optionalString(object, "device", source);
    record.dtype = optionalString(object, "dtype", source);
    return record;
}

RecordFile readRecords(const std::filesystem::path &path)
{
    const std::string bytes = readWholeFile(path);
    const std::vector<Line> lines = splitLines(bytes);

    // Only the last line with content may be an interrupted write.
    std::optional<std::size_t> lastContent;
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (!isBlank(lines[i].text))
            lastContent = i;

    RecordFile file;
    file.validBytes = bytes.size();
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const Line &line = lines[i];
        if (isBlank(line.text))
            continue;
        const std::string source = path.string() + ":" + std::to_string(line.number);
        if (i == *lastContent) {
            // An unterminated tail is cut even if it happens to parse: the writer appends after
            // validBytes, and a record without its newline would run into the next one.
            std::optional<SampleRecord> record;
            if (line.terminated) {
                try {
                    record = recordFromJson(line.text, source);
                } catch (const Error &) {
                }
            }
            if (record) {
                file.records.push_back(std::move(*record));
            } else {
                file.validBytes = line.begin;
                file.droppedLine = line.number;
            }
            continue;
        }
        file.records.push_back(recordFromJson(line.text, source));
    }
    return file;
}

} // namespace tokenscope
