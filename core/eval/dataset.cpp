// SPDX-License-Identifier: MIT
#include "eval/dataset.h"

#include "common/error.h"
#include "eval/json_text.h"
#include "eval/metrics.h"
#include "tokenizer/utf8.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <system_error>

namespace tokenscope {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// nlohmann's message minus its "[json.exception.parse_error.101] parse error at line 1, " prefix:
// each dataset line is parsed alone, so its line number is always 1 and would only mislead.
std::string shortParseReason(const json::parse_error &e)
{
    const std::string reason = jsonParseReason(e);
    const auto at = reason.find("column ");
    return at == std::string::npos ? reason : reason.substr(at);
}

std::string lineSource(const fs::path &file, int line)
{
    return file.string() + ":" + std::to_string(line);
}

// Checks that do not depend on how a sample was read: shared by the loader and the writer.
// Returns the problem, or nothing.
std::optional<std::string> sampleProblem(const EvalSample &s)
{
    if (s.id.empty())
        return "id must not be empty";
    if (s.image.empty())
        return "image must not be empty";
    if (s.question.empty())
        return "question must not be empty";
    if (s.answers.empty())
        return "answers must not be empty (list at least one correct answer)";
    if (!parseMetric(s.metric))
        return "metric '" + s.metric + "' is not a known metric (" + metricNames() + ")";
    // MME scores per category (acc + acc+ summed over categories), so an uncategorised line
    // could never be scored.
    if (s.metric == "mme" && s.category.empty())
        return "category is required for metric mme";
    return std::nullopt;
}

// Typed access to the fields of one line; every error names the line and the field.
class LineReader {
public:
    LineReader(const json &object, std::string source) : m_object(object), m_source(std::move(source)) {}

    [[noreturn]] void fail(const std::string &problem) const { throw Error(m_source, problem); }

    const json *find(const char *field) const
    {
        const auto it = m_object.find(field);
        return it == m_object.end() ? nullptr : &*it;
    }

    const json &require(const char *field, const char *hint = nullptr) const
    {
        const json *v = find(field);
        if (!v)
            fail(std::string(field) + " is missing" + (hint ? std::string(" ") + hint : std::string()));
        return *v;
    }

    std::string string(const char *field) const
    {
        const json &v = require(field);
        if (!v.is_string())
            fail(std::string(field) + " must be a string, got " + jsonTypeName(v));
        return v.get<std::string>();
    }

    // Integers are accepted because many benchmarks number their questions.
    std::string id() const
    {
        const json &v = require("id");
        if (v.is_string())
            return v.get<std::string>();
        if (v.is_number_integer())
            return v.dump();
        fail("id must be a string or an integer, got " + jsonTypeName(v));
    }

    std::vector<std::string> answers() const
    {
        const json &v = require("answers", find("answer") ? "(found 'answer'; the field is 'answers')" : nullptr);
        // A bare string is one answer: hand-written exact-match sets read better that way.
        if (v.is_string())
            return {v.get<std::string>()};
        if (!v.is_array())
            fail("answers must be a list of strings, got " + jsonTypeName(v));
        std::vector<std::string> out;
        out.reserve(v.size());
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (!v[i].is_string())
                fail("answers must be a list of strings, got " + jsonTypeName(v[i]) + " at answers[" +
                     std::to_string(i) + "]");
            out.push_back(v[i].get<std::string>());
        }
        return out;
    }

    std::string optionalString(const char *field) const
    {
        const json *v = find(field);
        if (!v || v->is_null())
            return {};
        if (!v->is_string())
            fail(std::string(field) + " must be a string, got " + jsonTypeName(*v));
        return v->get<std::string>();
    }

    // An optional non-negative integer, -1 when absent or null.
    int optionalIndex(const char *field) const
    {
        const json *v = find(field);
        if (!v || v->is_null())
            return -1;
        if (!v->is_number_integer() || v->get<std::int64_t>() < 0 || v->get<std::int64_t>() > 4096)
            fail(std::string(field) + " must be an integer in 0..4096, got " + v->dump());
        return v->get<int>();
    }

private:
    const json &m_object;
    std::string m_source;
};

fs::path resolveImage(const fs::path &folder, const std::string &image)
{
    const fs::path p(image);   // UTF-8 on the platforms we build for (Linux, macOS)
    return (p.is_absolute() ? p : folder / p).lexically_normal();
}

// One non-blank line → a validated sample (image resolved, not yet checked on disk).
EvalSample parseLine(std::string_view text, const fs::path &file, const fs::path &folder, int line)
{
    const std::string source = lineSource(file, line);
    if (const auto bad = utf8::firstInvalidByte(text))
        throw Error(source, "is not valid UTF-8 (byte " + std::to_string(*bad + 1) + " of the line)");
    json value;
    try {
        value = json::parse(text);
    } catch (const json::parse_error &e) {
        throw Error(source, "is not valid JSON (" + shortParseReason(e) + ")");
    }
    if (!value.is_object())
        throw Error(source, "must be a JSON object, got " + jsonTypeName(value));

    const LineReader r(value, source);
    EvalSample s;
    s.line = line;
    s.id = r.id();
    const std::string image = r.string("image");
    if (image.empty())
        r.fail("image must not be empty");
    s.image = resolveImage(folder, image);
    s.question = r.string("question");
    s.answers = r.answers();
    s.metric = r.string("metric");
    s.category = r.optionalString("category");
    s.tile = r.optionalIndex("tile");
    if (const auto problem = sampleProblem(s))
        r.fail(*problem);
    return s;
}

void checkFileReadable(const fs::path &file)
{
    std::error_code ec;
    const auto status = fs::status(file, ec);
    if (!fs::exists(status))
        throw Error(file, "dataset file does not exist");
    if (fs::is_directory(status))
        throw Error(file, "is a directory, not a dataset file");
}

std::vector<EvalSample> parseLines(std::istream &in, const fs::path &file)
{
    const fs::path folder = fs::absolute(file).parent_path();
    std::vector<EvalSample> samples;
    std::map<std::string, int> lineOfId;
    std::string text;
    for (int line = 1; std::getline(in, text); ++line) {
        if (line == 1 && text.starts_with("\xEF\xBB\xBF"))
            text.erase(0, 3);   // a UTF-8 byte-order mark, as some Windows editors write
        if (!text.empty() && text.back() == '\r')
            text.pop_back();
        if (text.find_first_not_of(" \t") == std::string::npos)
            continue;
        EvalSample s = parseLine(text, file, folder, line);
        if (const auto [it, inserted] = lineOfId.emplace(s.id, line); !inserted)
            throw Error(lineSource(file, line), "id '" + s.id + "' is duplicated: also on line " +
                                                    std::to_string(it->second));
        samples.push_back(std::move(s));
    }
    if (in.bad())
        throw Error(file, "could not be read to the end");
    return samples;
}

// Every image is checked before returning, so a sweep never stops hours in on a missing file.
// Reports the first bad image and how many others are bad too.
void checkImages(const std::vector<EvalSample> &samples, const fs::path &file)
{
    const EvalSample *first = nullptr;
    std::string firstProblem;
    int others = 0;
    for (const EvalSample &s : samples) {
        std::error_code ec;
        const auto status = fs::status(s.image, ec);
        std::string problem;
        if (!fs::exists(status))
            problem = "image does not exist: " + s.image.string();
        else if (fs::is_directory(status))
            problem = "image is a directory, not an image file: " + s.image.string();
        else
            continue;
        if (first) {
            ++others;
        } else {
            first = &s;
            firstProblem = std::move(problem);
        }
    }
    if (!first)
        return;
    if (others > 0)
        firstProblem += " (and " + std::to_string(others) + " more line" + (others == 1 ? "" : "s") +
                        " with a missing image)";
    throw Error(lineSource(file, first->line), firstProblem);
}

void checkForSave(const std::vector<EvalSample> &samples, const fs::path &file)
{
    std::map<std::string, std::size_t> indexOfId;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const EvalSample &s = samples[i];
        const std::string where = "sample " + std::to_string(i + 1) + " (id '" + s.id + "'): ";
        if (auto problem = sampleProblem(s))
            throw Error(file, where + *problem);
        if (const auto [it, inserted] = indexOfId.emplace(s.id, i); !inserted)
            throw Error(file, where + "id is duplicated: also sample " + std::to_string(it->second + 1));
        bool validText = !utf8::firstInvalidByte(s.id) && !utf8::firstInvalidByte(s.question) && !utf8::firstInvalidByte(s.category);
        for (const std::string &answer : s.answers)
            validText = validText && !utf8::firstInvalidByte(answer);
        if (!validText)
            throw Error(file, where + "text is not valid UTF-8");
    }
}

} // namespace

void requireDatasetMetric(const std::string &source, const std::string &field, std::string_view name)
{
    if (!parseMetric(name))
        throw Error(source, field + " '" + std::string(name) + "' is not a known metric (" + metricNames() + ")");
}

Dataset loadDataset(const fs::path &file)
{
    checkFileReadable(file);
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw Error(file, "cannot be opened for reading");
    Dataset dataset{file, parseLines(in, file)};
    if (dataset.samples.empty())
        throw Error(file, "has no questions (the file is empty or holds only blank lines)");
    checkImages(dataset.samples, file);
    return dataset;
}

void saveDataset(const fs::path &file, const std::vector<EvalSample> &samples)
{
    if (samples.empty())
        throw Error(file, "has no questions: refusing to write an empty dataset");
    checkForSave(samples, file);
    const fs::path folder = fs::absolute(file).parent_path().lexically_normal();
    const fs::path temporary = fs::path(file).concat(".tmp");
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out)
            throw Error(file, "cannot be opened for writing");
        for (const EvalSample &s : samples) {
            nlohmann::ordered_json line;   // ordered: id, image, question, … reads naturally
            line["id"] = s.id;
            line["image"] = datasetImagePath(s.image, folder);
            line["question"] = s.question;
            line["answers"] = s.answers;
            line["metric"] = s.metric;
            if (!s.category.empty())
                line["category"] = s.category;
            if (s.tile >= 0)
                line["tile"] = s.tile;
            out << line.dump() << '\n';
        }
        out.flush();
        if (!out)
            throw Error(file, "could not be written completely (disk full?)");
    }
    std::error_code ec;
    fs::rename(temporary, file, ec);
    if (ec) {
        fs::remove(temporary, ec);
        throw Error(file, "could not be replaced: " + ec.message());
    }
}

std::string datasetImagePath(const fs::path &image, const fs::path &folder)
{
    const fs::path absolute = fs::absolute(image).lexically_normal();
    const fs::path relative = absolute.lexically_relative(folder);
    const bool inside = !relative.empty() && *relative.begin() != "..";
    return (inside ? relative : absolute).generic_string();
}

} // namespace tokenscope
