// SPDX-License-Identifier: MIT
#include "eval/dataset_import.h"

#include "common/error.h"
#include "eval/dataset.h"
#include "eval/json_text.h"
#include "tokenizer/utf8.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

namespace tokenscope {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// --- shared helpers ----------------------------------------------------------------------------

std::ifstream openInput(const fs::path &file)
{
    std::error_code ec;
    const auto status = fs::status(file, ec);
    if (!fs::exists(status))
        throw Error(file, "file does not exist");
    if (fs::is_directory(status))
        throw Error(file, "is a directory, not a file");
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw Error(file, "cannot be opened for reading");
    return in;
}

fs::path folderOr(const fs::path &folder, const fs::path &file)
{
    return (folder.empty() ? fs::absolute(file).parent_path() : fs::absolute(folder)).lexically_normal();
}

fs::path resolve(const fs::path &root, const std::string &image)
{
    const fs::path p(image);
    return (p.is_absolute() ? p : root / p).lexically_normal();
}

// Question ids are integers in most benchmarks and strings in some.
std::optional<std::string> idText(const json &v)
{
    if (v.is_string() && !v.get_ref<const std::string &>().empty())
        return v.get<std::string>();
    if (v.is_number_integer())
        return v.dump();
    return std::nullopt;
}

void requireMetricOverride(const fs::path &file, const std::optional<std::string> &metric)
{
    if (metric)
        requireDatasetMetric(file.string(), "metric", *metric);
}

// --- TextVQA / DocVQA ---------------------------------------------------------------------------
// Field names as in TextVQA_0.5.1_val.json (data[].question_id, image_id, question, answers) and
// DocVQA val_v1.0.json (data[].questionId, image "documents/….png", question, answers).

EvalSample vqaEntry(const json &entry, const std::string &where, const fs::path &file, const fs::path &imageDir,
                    const std::optional<std::string> &metric)
{
    auto fail = [&](const std::string &problem) { throw Error(file, where + ": " + problem); };
    if (!entry.is_object())
        fail("must be an object, got " + jsonTypeName(entry));
    auto stringField = [&](const char *field) {
        const auto it = entry.find(field);
        if (it == entry.end())
            fail(std::string(field) + " is missing");
        if (!it->is_string() || it->get_ref<const std::string &>().empty())
            fail(std::string(field) + " must be a non-empty string, got " + it->dump());
        return it->get<std::string>();
    };

    EvalSample s;
    const bool textVqa = entry.contains("image_id");
    if (!textVqa && !entry.contains("image"))
        fail("has neither image_id (TextVQA) nor image (DocVQA)");
    const char *idField = entry.contains("question_id") ? "question_id" : "questionId";
    const auto id = entry.contains(idField) ? idText(entry.at(idField)) : std::nullopt;
    if (!id)
        fail("question_id (TextVQA) or questionId (DocVQA) is missing or not a string/integer");
    s.id = *id;
    s.image = textVqa ? resolve(imageDir, stringField("image_id") + ".jpg") : resolve(imageDir, stringField("image"));
    s.question = stringField("question");

    const auto answers = entry.find("answers");
    if (answers == entry.end())
        fail("answers is missing (test splits carry no answers and cannot be evaluated)");
    if (!answers->is_array() || answers->empty())
        fail("answers must be a non-empty list of strings, got " + answers->dump());
    for (const json &a : *answers) {
        if (!a.is_string())
            fail("answers must be a list of strings, got " + jsonTypeName(a));
        s.answers.push_back(a.get<std::string>());
    }
    s.metric = metric ? *metric : textVqa ? "vqa_accuracy" : "anls";
    return s;
}

// --- lmms-eval samples log -----------------------------------------------------------------------
// Record layout of lmms-eval's --log_samples (loggers/evaluation_tracker.py): doc_id, optional doc,
// input (the prompt), target (stringified ground truth), filtered_resps, optional input_media, and
// one key per metric ("anls": 0.93, "exact_match": 1.0, MME's {question_id, category, score}).


// Reads a Python string literal ('…' or "…", with repr's escapes) starting at text[i].
std::optional<std::string> pythonString(std::string_view text, std::size_t &i)
{
    const char quote = text[i++];
    std::string out;
    while (i < text.size()) {
        const char c = text[i++];
        if (c == quote)
            return out;
        if (c != '\\') {
            out += c;
            continue;
        }
        if (i >= text.size())
            return std::nullopt;
        const char e = text[i++];
        const int hexDigits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
        if (hexDigits > 0) {
            if (i + hexDigits > text.size())
                return std::nullopt;
            char32_t code = 0;
            for (int k = 0; k < hexDigits; ++k) {
                const char h = text[i++];
                const int digit = h >= '0' && h <= '9' ? h - '0'
                                  : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                  : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                         : -1;
                if (digit < 0)
                    return std::nullopt;
                code = code * 16 + char32_t(digit);
            }
            if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
                return std::nullopt;
            out += utf8::encode(code);
            continue;
        }
        switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        default: out += '\\'; out += e; break;   // Python keeps unknown escapes verbatim
        }
    }
    return std::nullopt;
}

// "['a', \"b's\"]" → {a, b's}; nothing unless the whole text is such a list with at least one item.
std::optional<std::vector<std::string>> pythonStringList(std::string_view text)
{
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    std::size_t i = 0;
    auto skipSpace = [&] {
        while (i < text.size() && isSpace(text[i]))
            ++i;
    };
    skipSpace();
    if (i >= text.size() || text[i] != '[')
        return std::nullopt;
    ++i;
    std::vector<std::string> items;
    for (;;) {
        skipSpace();
        if (i < text.size() && text[i] == ']' && !items.empty()) {
            ++i;
            break;   // after a trailing comma
        }
        if (i >= text.size() || (text[i] != '\'' && text[i] != '"'))
            return std::nullopt;
        auto item = pythonString(text, i);
        if (!item)
            return std::nullopt;
        items.push_back(std::move(*item));
        skipSpace();
        if (i < text.size() && text[i] == ',') {
            ++i;
            continue;
        }
        if (i < text.size() && text[i] == ']') {
            ++i;
            break;
        }
        return std::nullopt;
    }
    skipSpace();
    return i == text.size() ? std::optional(std::move(items)) : std::nullopt;
}

// lmms-eval stringifies objects it cannot serialise ("<PIL.PngImagePlugin.PngImageFile …>") and
// some tasks inline images as data URIs: neither is a path.
std::optional<std::string> imagePath(const json &v)
{
    if (v.is_string()) {
        const auto &s = v.get_ref<const std::string &>();
        if (s.empty() || s.starts_with('<') || s.starts_with("data:"))
            return std::nullopt;
        return s;
    }
    if (v.is_array() && !v.empty())
        return imagePath(v.front());
    if (v.is_object() && v.contains("path"))
        return imagePath(v.at("path"));
    return std::nullopt;
}

std::optional<std::string> lmmsImage(const json &record)
{
    if (const auto doc = record.find("doc"); doc != record.end() && doc->is_object())
        for (const char *field : {"image", "image_path"})
            if (const auto it = doc->find(field); it != doc->end())
                if (auto path = imagePath(*it))
                    return path;
    if (const auto media = record.find("input_media"); media != record.end())
        return imagePath(*media);
    return std::nullopt;
}

// "20240612_101500_samples_docvqa_val.jsonl" → "docvqa_val".
std::string taskName(const fs::path &file)
{
    const std::string stem = file.stem().string();
    const auto at = stem.find("samples_");
    return at == std::string::npos ? std::string() : stem.substr(at + 8);
}

// lmms-eval reports TextVQA's VQA accuracy under "exact_match", so the task name wins over keys.
std::optional<std::string> metricFromTask(const std::string &task)
{
    if (task.starts_with("textvqa") || task.starts_with("vqav2") || task.starts_with("vizwiz"))
        return "vqa_accuracy";
    if (task.starts_with("docvqa") || task.starts_with("infovqa"))
        return "anls";
    if (task.starts_with("chartqa"))
        return "relaxed_accuracy";
    if (task == "mme")
        return "mme";
    return std::nullopt;
}

std::optional<std::string> metricFromKeys(const json &record)
{
    if (record.contains("anls"))
        return "anls";
    if (record.contains("relaxed_overall") || record.contains("relaxed_accuracy"))
        return "relaxed_accuracy";
    if (record.contains("mme_perception_score") || record.contains("mme_cognition_score"))
        return "mme";
    if (record.contains("vqa_accuracy"))
        return "vqa_accuracy";
    if (record.contains("exact_match"))
        return "exact_match";
    return std::nullopt;
}

std::string lmmsQuestion(const json &record, const std::string &source)
{
    if (const auto doc = record.find("doc"); doc != record.end() && doc->is_object())
        if (const auto q = doc->find("question"); q != doc->end() && q->is_string() && !q->get_ref<const std::string &>().empty())
            return q->get<std::string>();
    if (const auto input = record.find("input"); input != record.end() && input->is_string() &&
                                                 !input->get_ref<const std::string &>().empty())
        return input->get<std::string>();
    throw Error(source, "neither doc.question nor input holds the question");
}

std::vector<std::string> lmmsAnswers(const json &record, const std::string &source)
{
    const auto target = record.find("target");
    if (target == record.end())
        throw Error(source, "target is missing (the ground-truth answers)");
    if (target->is_string()) {
        const auto &text = target->get_ref<const std::string &>();
        if (auto list = pythonStringList(text))
            return *list;
        if (text.empty())
            throw Error(source, "target is empty");
        return {text};
    }
    if (target->is_number())
        return {target->dump()};
    if (target->is_array() && !target->empty()) {
        std::vector<std::string> out;
        for (const json &a : *target) {
            if (!a.is_string())
                throw Error(source, "target must be a string or a list of strings, got " + jsonTypeName(a) + " in the list");
            out.push_back(a.get<std::string>());
        }
        return out;
    }
    throw Error(source, "target must be a string or a list of strings, got " + target->dump());
}

// MME keeps its category in the doc and in its score dict ({question_id, category, score}).
std::string lmmsCategory(const json &record)
{
    if (const auto doc = record.find("doc"); doc != record.end() && doc->is_object())
        if (const auto c = doc->find("category"); c != doc->end() && c->is_string())
            return c->get<std::string>();
    for (const auto &[key, value] : record.items())
        if (value.is_object())
            if (const auto c = value.find("category"); c != value.end() && c->is_string())
                return c->get<std::string>();
    return {};
}

} // namespace

std::vector<EvalSample> importVqaJson(const fs::path &jsonFile, const fs::path &imageDir, std::optional<std::string> metric)
{
    requireMetricOverride(jsonFile, metric);
    std::ifstream in = openInput(jsonFile);
    json root;
    try {
        root = json::parse(in);
    } catch (const json::parse_error &e) {
        throw Error(jsonFile, "is not valid JSON (" + jsonParseReason(e) + ")");
    }
    const auto data = root.is_object() ? root.find("data") : root.end();
    if (!root.is_object() || data == root.end() || !data->is_array())
        throw Error(jsonFile, "must be an object with a \"data\" list (TextVQA/DocVQA layout)");
    if (data->empty())
        throw Error(jsonFile, "has no questions (\"data\" is empty)");

    const fs::path folder = folderOr(imageDir, jsonFile);
    std::vector<EvalSample> samples;
    std::map<std::string, std::size_t> indexOfId;
    for (std::size_t i = 0; i < data->size(); ++i) {
        const std::string where = "data[" + std::to_string(i) + "]";
        EvalSample s = vqaEntry((*data)[i], where, jsonFile, folder, metric);
        if (const auto [it, inserted] = indexOfId.emplace(s.id, i); !inserted)
            throw Error(jsonFile, where + ": question id '" + s.id + "' is duplicated (also data[" +
                                      std::to_string(it->second) + "])");
        s.line = int(i) + 1;
        samples.push_back(std::move(s));
    }
    return samples;
}

ImportResult importLmmsEvalSamples(const fs::path &jsonl, const fs::path &imageRoot, std::optional<std::string> metric)
{
    requireMetricOverride(jsonl, metric);
    std::ifstream in = openInput(jsonl);
    const fs::path root = folderOr(imageRoot, jsonl);
    const std::optional<std::string> taskMetric = metric ? metric : metricFromTask(taskName(jsonl));

    ImportResult result;
    std::map<std::string, int> lineOfId;
    std::string text;
    for (int line = 1; std::getline(in, text); ++line) {
        if (text.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        const std::string source = jsonl.string() + ":" + std::to_string(line);
        json record;
        try {
            record = json::parse(text);
        } catch (const json::parse_error &e) {
            throw Error(source, "is not valid JSON (" + jsonParseReason(e) + ")");
        }
        if (!record.is_object())
            throw Error(source, "must be a JSON object, got " + jsonTypeName(record));
        const auto image = lmmsImage(record);
        if (!image) {
            ++result.skipped;
            continue;
        }
        EvalSample s;
        s.line = line;
        const auto id = record.contains("doc_id") ? idText(record.at("doc_id")) : std::nullopt;
        if (!id)
            throw Error(source, "doc_id is missing or not a string/integer");
        s.id = *id;
        s.image = resolve(root, *image);
        s.question = lmmsQuestion(record, source);
        s.answers = lmmsAnswers(record, source);
        s.category = lmmsCategory(record);
        const auto lineMetric = taskMetric ? taskMetric : metricFromKeys(record);
        if (!lineMetric)
            throw Error(source, "cannot tell the metric: task '" + taskName(jsonl) +
                                    "' is not known and no anls/exact_match/relaxed_overall/mme key is present; "
                                    "pass a metric");
        s.metric = *lineMetric;
        if (s.metric == "mme" && s.category.empty())
            throw Error(source, "metric mme needs a category (doc.category or the score's category)");
        if (const auto [it, inserted] = lineOfId.emplace(s.id, line); !inserted)
            throw Error(source, "doc_id '" + s.id + "' is duplicated: also on line " + std::to_string(it->second));
        result.samples.push_back(std::move(s));
    }
    if (result.samples.empty())
        throw Error(jsonl, "no line carries an image path (looked at doc.image, doc.image_path, input_media; " +
                               std::to_string(result.skipped) + " lines skipped)");
    return result;
}

} // namespace tokenscope
