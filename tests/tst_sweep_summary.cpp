// SPDX-License-Identifier: MIT
// Sweep results: JSONL records (round trip, lmms-eval compatibility, field errors), reading a file
// cut short by a killed run, and the per-(method, budget) summary with its writers.
#include "common/error.h"
#include "eval/csv.h"
#include "eval/sample_record.h"
#include "eval/sweep_summary.h"
#include "test_support.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace tokenscope;
using tokenscope::test::expectError;
using tokenscope::test::scratchDir;

namespace {

SampleRecord makeRecord(const std::string &method, double budget, const std::string &docId, double score,
                        const std::string &metric = "anls")
{
    SampleRecord record;
    record.method = method;
    record.budget = budget;
    record.docId = docId;
    record.metric = metric;
    record.score = score;
    record.input = "What is written?";
    record.target = {"a"};
    record.response = "a";
    record.visualTokens = 1024;
    record.keptTokens = static_cast<int>(1024 * budget);
    record.latencyMs = {{"prefill", 10.0}, {"total", 100.0}};
    return record;
}

void writeText(const std::filesystem::path &path, const std::string &text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

std::string readText(const std::filesystem::path &path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string lines(const std::vector<SampleRecord> &records)
{
    std::string text;
    for (const SampleRecord &record : records)
        text += toJsonLine(record) + '\n';
    return text;
}

// Doubles compared bit for bit: the writer must not round.
bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

// Scores 0/1 in a fixed pattern with the given share of ones (stride keeps it spread out).
std::vector<SampleRecord> binaryScores(const std::string &method, int count, int onesPerTen)
{
    std::vector<SampleRecord> records;
    for (int i = 0; i < count; ++i)
        records.push_back(makeRecord(method, 0.5, "d" + std::to_string(i), (i * 7) % 10 < onesPerTen ? 1.0 : 0.0));
    return records;
}

const SummaryRow &rowFor(const std::vector<SummaryRow> &rows, const std::string &method, double budget)
{
    for (const SummaryRow &row : rows)
        if (row.method == method && row.budget == budget)
            return row;
    qFatal("no row %s@%g", method.c_str(), budget);
}

} // namespace

class TestSweepSummary : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void recordRoundTrip();
    void recordJsonFields();
    void lmmsEvalSampleAccepted();
    void invalidUtf8IsReplaced();
    void badField_data();
    void badField();
    void metricNameMustNotCollide();
    void completeFileReadsWhole();
    void truncatedLastLineDropped_data();
    void truncatedLastLineDropped();
    void appendAfterTruncationResumes();
    void malformedMiddleLineNamesLine();
    void missingFileNamesPath();

    void bootstrapDeterministic();
    void bootstrapPinned();
    void bootstrapContainsMeanAndShrinks();
    void relativeToFull();
    void countsAndMedians();
    void speedupBoundAndMeasured();
    void groupsAndOrder();
    void mmeSums();
    void badOptions();
    void paretoFrontHandMade();
    void csvQuoting();
    void summaryJson();
    void table();
};

// --- records --------------------------------------------------------------------------------------

void TestSweepSummary::recordRoundTrip()
{
    SampleRecord record = makeRecord("vir+divprune", 0.1, "doc-ü-7", 1.0 / 3.0);
    record.input = "Quelle est la « valeur » ?\nLine two\t\"quoted\" \\ 日本語 😀";
    record.target = {"naïve", "", "二"};
    record.response = "réponse\r\nsuite";
    record.category = "OCR";
    record.image = "images/ü/0001.png";
    record.visualTokens = 3328;
    record.keptTokens = 333;
    record.tileRatios = {0.25, 0.0625, 0.1 + 0.2, 1e-300, 5e-324};
    record.latencyMs = {{"encoder", 12.345678901234567}, {"prefill", 0.1}, {"total", 1e308}};
    record.flops = {{"full", 3.25e12}, {"plan", 1.5e12}, {"llm_full", 2e12}, {"llm_plan", 2.5e11}};
    record.device = "cuda:0";
    record.dtype = "bfloat16";

    const std::string line = toJsonLine(record);
    QVERIFY(line.find('\n') == std::string::npos);
    QVERIFY(line.find('\r') == std::string::npos);

    const SampleRecord back = recordFromJson(line, "test");
    QCOMPARE(back.method, record.method);
    QVERIFY(sameBits(back.budget, record.budget));
    QCOMPARE(back.docId, record.docId);
    QCOMPARE(back.input, record.input);
    QCOMPARE(back.target, record.target);
    QCOMPARE(back.response, record.response);
    QCOMPARE(back.metric, record.metric);
    QVERIFY(sameBits(back.score, record.score));
    QCOMPARE(back.category, record.category);
    QCOMPARE(back.image, record.image);
    QCOMPARE(back.visualTokens, record.visualTokens);
    QCOMPARE(back.keptTokens, record.keptTokens);
    QCOMPARE(back.tileRatios.size(), record.tileRatios.size());
    for (std::size_t i = 0; i < record.tileRatios.size(); ++i)
        QVERIFY2(sameBits(back.tileRatios[i], record.tileRatios[i]), qPrintable(QString::number(i)));
    QCOMPARE(back.flops, record.flops);
    QCOMPARE(back.latencyMs.size(), record.latencyMs.size());
    for (const auto &[stage, ms] : record.latencyMs)
        QVERIFY2(sameBits(back.latencyMs.at(stage), ms), stage.c_str());
    QCOMPARE(back.device, record.device);
    QCOMPARE(back.dtype, record.dtype);
    QCOMPARE(back.cellKey(), record.cellKey());
    QCOMPARE(toJsonLine(back), line);
}

void TestSweepSummary::recordJsonFields()
{
    SampleRecord record = makeRecord("visionselector", 0.25, "17", 0.93);
    record.score = std::nan("");   // an unscored sample survives as null
    const QJsonObject object = QJsonDocument::fromJson(QByteArray::fromStdString(toJsonLine(record))).object();
    QCOMPARE(object.value("metric").toString(), QString("anls"));
    QVERIFY(object.value("anls").isNull());
    QCOMPARE(object.value("doc_id").toString(), QString("17"));
    QCOMPARE(object.value("filtered_resps").toArray(), QJsonArray{"a"});
    QCOMPARE(object.value("target").toArray(), QJsonArray{"a"});
    QCOMPARE(object.value("budget").toDouble(), 0.25);
    QCOMPARE(object.value("kept_tokens").toInt(), 256);
    QCOMPARE(object.value("kept_fraction").toDouble(), 0.25);
    QCOMPARE(object.value("latency_ms").toObject().value("prefill").toDouble(), 10.0);
    for (const char *key : {"input", "method", "category", "image", "visual_tokens", "tile_ratios", "device", "dtype"})
        QVERIFY2(object.contains(key), key);
    QVERIFY(std::isnan(recordFromJson(toJsonLine(record), "test").score));

    record.visualTokens = 0;   // no division by zero: the derived fraction is null
    const QJsonObject empty = QJsonDocument::fromJson(QByteArray::fromStdString(toJsonLine(record))).object();
    QVERIFY(empty.value("kept_fraction").isNull());
}

void TestSweepSummary::lmmsEvalSampleAccepted()
{
    const SampleRecord record = recordFromJson(
        R"({"doc_id": 42, "target": "Yes", "filtered_resps": ["No"], "exact_match": 0.0,
            "metric": "exact_match", "method": "none", "budget": 1})",
        "lmms");
    QCOMPARE(record.docId, std::string("42"));
    QCOMPARE(record.target, std::vector<std::string>{"Yes"});
    QCOMPARE(record.response, std::string("No"));
    QCOMPARE(record.budget, 1.0);
    QCOMPARE(record.score, 0.0);
    QVERIFY(record.latencyMs.empty());
}

void TestSweepSummary::invalidUtf8IsReplaced()
{
    SampleRecord record = makeRecord("none", 1.0, "1", 0.0);
    record.response = "cut \xe6\x97";   // a response truncated mid-character
    const SampleRecord back = recordFromJson(toJsonLine(record), "test");
    QCOMPARE(back.response, std::string("cut \xef\xbf\xbd"));
}

void TestSweepSummary::badField_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("fragment");
    const QString base = R"("doc_id": "1", "method": "none", "metric": "anls", "anls": 1)";
    QTest::newRow("not json") << "{\"doc_id\": " << "not valid JSON";
    QTest::newRow("array") << "[1, 2]" << "expected a JSON object";
    QTest::newRow("no budget") << "{" + base + "}" << "field 'budget': missing";
    QTest::newRow("budget string") << "{" + base + R"(, "budget": "0.5"})" << "field 'budget': expected a number";
    QTest::newRow("budget null") << "{" + base + R"(, "budget": null})" << "field 'budget'";
    QTest::newRow("no score") << R"({"doc_id": "1", "method": "m", "budget": 1, "metric": "anls"})" << "field 'anls': missing";
    QTest::newRow("doc_id bool") << R"({"doc_id": true, "method": "m", "budget": 1, "metric": "anls", "anls": 1})"
                                 << "field 'doc_id'";
    QTest::newRow("negative tokens") << "{" + base + R"(, "budget": 1, "kept_tokens": -3})" << "field 'kept_tokens'";
    QTest::newRow("fraction tokens") << "{" + base + R"(, "budget": 1, "visual_tokens": 2.5})" << "field 'visual_tokens'";
    QTest::newRow("target number") << "{" + base + R"(, "budget": 1, "target": [1]})" << "field 'target'";
    QTest::newRow("latency string") << "{" + base + R"(, "budget": 1, "latency_ms": {"prefill": "x"}})"
                                    << "field 'latency_ms.prefill'";
    QTest::newRow("metric is a field") << R"({"doc_id": "1", "method": "m", "budget": 1, "metric": "budget"})"
                                       << "field 'metric'";
}

void TestSweepSummary::badField()
{
    QFETCH(QString, line);
    QFETCH(QString, fragment);
    expectError([&] { recordFromJson(line.toStdString(), "results.jsonl:9"); }, {"results.jsonl:9", fragment});
}

void TestSweepSummary::metricNameMustNotCollide()
{
    expectError([] { toJsonLine(makeRecord("m", 1.0, "1", 0.0, "method")); }, {"metric name 'method'"});
    expectError([] { toJsonLine(makeRecord("m", 1.0, "1", 0.0, "")); }, {"empty metric"});
}

// --- results files --------------------------------------------------------------------------------

void TestSweepSummary::completeFileReadsWhole()
{
    const auto path = scratchDir("sweep_complete") / "results.jsonl";
    const std::string text = lines({makeRecord("a", 0.5, "1", 1.0), makeRecord("a", 0.5, "2", 0.0)}) + "\n";
    writeText(path, text);
    const RecordFile file = readRecords(path);
    QCOMPARE(file.records.size(), std::size_t(2));
    QCOMPARE(file.validBytes, std::uintmax_t(text.size()));
    QCOMPARE(file.droppedLine, 0);
}

void TestSweepSummary::truncatedLastLineDropped_data()
{
    QTest::addColumn<QByteArray>("tail");
    const std::string full = toJsonLine(makeRecord("a", 0.5, "3", 1.0));
    QTest::newRow("cut mid-record") << QByteArray::fromStdString(full.substr(0, full.size() / 2));
    QTest::newRow("complete without newline") << QByteArray::fromStdString(full);
    QTest::newRow("cut inside a string") << QByteArray::fromStdString(full.substr(0, full.find("What") + 2));
    QTest::newRow("NUL-filled tail") << QByteArray(64, '\0');
    QTest::newRow("malformed but terminated") << QByteArray("{\"doc_id\": \n");
}

void TestSweepSummary::truncatedLastLineDropped()
{
    QFETCH(QByteArray, tail);
    const auto path = scratchDir("sweep_truncated") / "results.jsonl";
    const std::string good = lines({makeRecord("a", 0.5, "1", 1.0), makeRecord("a", 0.5, "2", 0.0)});
    writeText(path, good + tail.toStdString());

    const RecordFile file = readRecords(path);
    QCOMPARE(file.records.size(), std::size_t(2));
    QCOMPARE(file.records[1].docId, std::string("2"));
    QCOMPARE(file.validBytes, std::uintmax_t(good.size()));
    QCOMPARE(file.droppedLine, 3);
}

void TestSweepSummary::appendAfterTruncationResumes()
{
    const auto path = scratchDir("sweep_resume") / "results.jsonl";
    const std::string third = toJsonLine(makeRecord("a", 0.5, "3", 1.0));
    writeText(path, lines({makeRecord("a", 0.5, "1", 1.0), makeRecord("a", 0.5, "2", 0.0)}) + third.substr(0, 40));

    // What the sweep writer does on restart: cut the partial tail, then append.
    const RecordFile before = readRecords(path);
    std::filesystem::resize_file(path, before.validBytes);
    {
        std::ofstream out(path, std::ios::binary | std::ios::app);
        out << third << '\n';
    }
    const RecordFile after = readRecords(path);
    QCOMPARE(after.records.size(), std::size_t(3));
    QCOMPARE(after.records[2].docId, std::string("3"));
    QCOMPARE(after.droppedLine, 0);
}

void TestSweepSummary::malformedMiddleLineNamesLine()
{
    const auto path = scratchDir("sweep_malformed") / "results.jsonl";
    writeText(path, toJsonLine(makeRecord("a", 0.5, "1", 1.0)) + "\n\n{\"doc_id\": \"2\", \"method\": 3}\n" +
                        toJsonLine(makeRecord("a", 0.5, "3", 1.0)) + "\n");
    expectError([&] { readRecords(path); }, {QString::fromStdString(path.string()) + ":3", "field 'method'"});
}

void TestSweepSummary::missingFileNamesPath()
{
    const auto path = scratchDir("sweep_missing") / "nope.jsonl";
    expectError([&] { readRecords(path); }, {QString::fromStdString(path.string()), "cannot open"});
}

// --- summary --------------------------------------------------------------------------------------

void TestSweepSummary::bootstrapDeterministic()
{
    const auto records = binaryScores("m", 50, 6);
    const auto first = summarize(records);
    const auto second = summarize(records);
    QCOMPARE(first.size(), std::size_t(1));
    QVERIFY(sameBits(first[0].ciLow, second[0].ciLow));
    QVERIFY(sameBits(first[0].ciHigh, second[0].ciHigh));

    // Another group in the same call does not move this row's interval.
    auto withOther = records;
    for (auto &record : binaryScores("z", 30, 3))
        withOther.push_back(record);
    const SummaryRow again = rowFor(summarize(withOther), "m", 0.5);   // a copy: the rows are a temporary
    QVERIFY(sameBits(again.ciLow, first[0].ciLow));
    QVERIFY(sameBits(again.ciHigh, first[0].ciHigh));

    // The seed does matter (scores off a coarse grid, so bounds are not tied by chance).
    std::vector<SampleRecord> spread;
    for (int i = 0; i < 30; ++i)
        spread.push_back(makeRecord("m", 0.5, std::to_string(i), (i * i % 17) / 16.0 + i * 1e-3));
    SummaryOptions otherSeed;
    otherSeed.seed = 1;
    const SummaryRow seeded = summarize(spread).at(0);
    const SummaryRow reseeded = summarize(spread, otherSeed).at(0);
    QVERIFY(reseeded.ciLow != seeded.ciLow || reseeded.ciHigh != seeded.ciHigh);
}

// Fixed values: the draw uses only mt19937_64 (specified exactly by the standard) and integer
// arithmetic, so these must hold with every standard library. A different index sequence moves
// the bounds by far more than the tolerance, which only absorbs FMA contraction on some targets.
void TestSweepSummary::bootstrapPinned()
{
    std::vector<SampleRecord> records;
    for (int i = 0; i < 20; ++i)   // ids sort in this order: summarize resamples in doc-id order
        records.push_back(makeRecord("m", 0.5, (i < 10 ? "0" : "") + std::to_string(i), (i % 5) / 4.0));
    const SummaryRow row = summarize(records).at(0);
    QCOMPARE(row.meanScore, 0.5);
    QVERIFY2(std::abs(row.ciLow - 0.3375) < 1e-12, qPrintable(QString::number(row.ciLow, 'g', 17)));
    QVERIFY2(std::abs(row.ciHigh - 0.6378125) < 1e-12, qPrintable(QString::number(row.ciHigh, 'g', 17)));

    // Record order does not matter (merged shards arrive in another order than one process wrote).
    std::reverse(records.begin(), records.end());
    const SummaryRow reversed = summarize(records).at(0);
    QCOMPARE(reversed.ciLow, row.ciLow);
    QCOMPARE(reversed.ciHigh, row.ciHigh);
}

void TestSweepSummary::bootstrapContainsMeanAndShrinks()
{
    const SummaryRow small = summarize(binaryScores("m", 20, 6)).at(0);
    const SummaryRow large = summarize(binaryScores("m", 500, 6)).at(0);
    for (const SummaryRow &row : {small, large}) {
        QCOMPARE(row.meanScore, 0.6);
        QVERIFY2(row.ciLow < row.meanScore && row.meanScore < row.ciHigh,
                 qPrintable(QString("[%1, %2]").arg(row.ciLow).arg(row.ciHigh)));
    }
    QVERIFY(large.ciHigh - large.ciLow < (small.ciHigh - small.ciLow) / 2);

    const SummaryRow single = summarize({makeRecord("m", 0.5, "1", 0.7)}).at(0);
    QCOMPARE(single.ciLow, 0.7);
    QCOMPARE(single.ciHigh, 0.7);
}

void TestSweepSummary::relativeToFull()
{
    std::vector<SampleRecord> records;
    for (int i = 0; i < 4; ++i) {
        records.push_back(makeRecord("none", 1.0, std::to_string(i), 0.8));
        records.push_back(makeRecord("visionzip", 0.25, std::to_string(i), 0.4));
    }
    records.push_back(makeRecord("visionzip", 0.25, "extra", 1.0));   // no reference: not in the ratio
    records.push_back(makeRecord("none", 0.5, "0", 0.2));            // not the reference budget
    records.push_back(makeRecord("fastv", 0.5, "other-doc", 0.5));   // shares no doc with the reference
    records.push_back(makeRecord("fastv", 0.5, "0", 0.9, "exact_match"));   // reference is for anls only

    const auto rows = summarize(records);
    QCOMPARE(rowFor(rows, "none", 1.0).relativeToFull, 1.0);
    QCOMPARE(rowFor(rows, "visionzip", 0.25).relativeToFull, 0.5);
    QCOMPARE(rowFor(rows, "visionzip", 0.25).meanScore, 0.52);
    QCOMPARE(rowFor(rows, "none", 0.5).relativeToFull, 0.25);
    for (const SummaryRow &row : rows)
        if (row.method == "fastv")
            QVERIFY(std::isnan(row.relativeToFull));
    QVERIFY(std::isnan(summarize({makeRecord("m", 0.5, "1", 1.0)}).at(0).relativeToFull));
}

void TestSweepSummary::countsAndMedians()
{
    std::vector<SampleRecord> records;
    const std::vector<double> prefill{5.0, 1.0, 9.0, 3.0};
    for (int i = 0; i < 4; ++i) {
        SampleRecord record = makeRecord("m", 0.5, std::to_string(i), 1.0);
        record.visualTokens = 100 * (i + 1);
        record.keptTokens = 50 * (i + 1) - (i == 3 ? 100 : 0);   // fractions .5 .5 .5 .25
        record.latencyMs = {{"prefill", prefill[std::size_t(i)]}};
        if (i < 3)
            record.latencyMs["total"] = 10.0 * (3 - i);   // 30 20 10; the 4th has no total
        records.push_back(record);
    }
    const SummaryRow row = summarize(records).at(0);
    QCOMPARE(row.samples, 4);
    QCOMPARE(row.meanKeptTokens, (50.0 + 100.0 + 150.0 + 100.0) / 4);
    QCOMPARE(row.meanKeptFraction, 0.4375);
    QCOMPARE(row.medianPrefillMs, 4.0);
    QCOMPARE(row.medianTotalMs, 20.0);

    for (SampleRecord &record : records) {
        record.latencyMs.clear();
        record.visualTokens = 0;
    }
    const SummaryRow bare = summarize(records).at(0);
    QVERIFY(std::isnan(bare.medianPrefillMs));
    QVERIFY(std::isnan(bare.medianTotalMs));
    QVERIFY(std::isnan(bare.meanKeptFraction));
}

// Bounds are summed FLOPs over summed FLOPs; the measured LLM speed-up divides the reference's
// median prefill by the row's, and measured/bound says how much of the bound a method delivered.
void TestSweepSummary::speedupBoundAndMeasured()
{
    std::vector<SampleRecord> records;
    for (int i = 0; i < 3; ++i) {
        SampleRecord full = makeRecord("none", 1.0, std::to_string(i), 1.0);
        full.latencyMs["prefill"] = 12.0;
        full.flops = {{"full", 10.0}, {"plan", 10.0}, {"llm_full", 6.0}, {"llm_plan", 6.0}};
        SampleRecord cut = makeRecord("random", 0.25, std::to_string(i), 0.5);
        cut.latencyMs["prefill"] = 4.0 + i;   // median 5
        cut.flops = {{"full", 10.0}, {"plan", 5.0 + i}, {"llm_full", 6.0}, {"llm_plan", 1.0 + i}};
        records.push_back(full);
        records.push_back(cut);
    }
    const auto rows = summarize(records);
    QCOMPARE(rows.size(), std::size_t(2));
    const SummaryRow &none = rows[0], &random = rows[1];
    QCOMPARE(none.llmBound, 1.0);
    QCOMPARE(none.measuredLlmSpeedup, 1.0);
    QCOMPARE(random.llmBound, 18.0 / 6.0);          // (6+6+6) / (1+2+3)
    QCOMPARE(random.prefillBound, 30.0 / 18.0);     // (10+10+10) / (5+6+7)
    QCOMPARE(random.measuredLlmSpeedup, 12.0 / 5.0);
    QCOMPARE(random.measuredOverBound, (12.0 / 5.0) / 3.0);

    // Records from before the FLOPs were written, and no reference row: NaN, not 0 or inf.
    for (SampleRecord &record : records)
        record.flops.clear();
    records.erase(std::remove_if(records.begin(), records.end(), [](const SampleRecord &r) { return r.method == "none"; }),
                  records.end());
    const SummaryRow bare = summarize(records).at(0);
    QVERIFY(std::isnan(bare.llmBound) && std::isnan(bare.prefillBound));
    QVERIFY(std::isnan(bare.measuredLlmSpeedup) && std::isnan(bare.measuredOverBound));
}

void TestSweepSummary::groupsAndOrder()
{
    const std::vector<SampleRecord> records{
        makeRecord("visionzip", 0.25, "1", 1.0), makeRecord("divprune", 0.5, "1", 1.0),
        makeRecord("visionzip", 0.5, "1", 1.0),  makeRecord("none", 1.0, "1", 1.0),
        makeRecord("divprune", 0.5, "1", 0.0, "exact_match"), makeRecord("divprune", 0.5, "2", 0.0),
    };
    const auto rows = summarize(records);
    QStringList order;
    for (const SummaryRow &row : rows)
        order << QString("%1@%2/%3:%4").arg(QString::fromStdString(row.method)).arg(row.budget)
                     .arg(QString::fromStdString(row.metric)).arg(row.samples);
    QCOMPARE(order, QStringList({"none@1/anls:1", "divprune@0.5/anls:2", "divprune@0.5/exact_match:1",
                                 "visionzip@0.5/anls:1", "visionzip@0.25/anls:1"}));
}

void TestSweepSummary::mmeSums()
{
    std::vector<SampleRecord> records;
    const auto question = [&](const std::string &id, const std::string &category, const std::string &image, bool right) {
        SampleRecord record = makeRecord("none", 1.0, id, right ? 1.0 : 0.0, "mme");
        record.category = category;
        record.image = image;
        records.push_back(record);
    };
    question("1", "existence", "e1.jpg", true);
    question("2", "existence", "e1.jpg", true);
    question("3", "code_reasoning", "c1.png", true);
    question("4", "code_reasoning", "c1.png", false);
    records.push_back(makeRecord("none", 1.0, "5", 1.0));   // anls: no MME sums

    const auto rows = summarize(records);
    QCOMPARE(rows.size(), std::size_t(2));
    const SummaryRow &mme = rows[0].metric == "mme" ? rows[0] : rows[1];
    const SummaryRow &other = rows[0].metric == "mme" ? rows[1] : rows[0];
    QCOMPARE(mme.mmePerception, 200.0);   // acc 1 + acc+ 1
    QCOMPARE(mme.mmeCognition, 50.0);     // acc .5 + acc+ 0
    QVERIFY(std::isnan(other.mmePerception));
    QVERIFY(std::isnan(other.mmeCognition));
}

void TestSweepSummary::badOptions()
{
    SummaryOptions options;
    options.resamples = 0;
    expectError([&] { summarize({}, options); }, {"resamples"});
    options = {};
    options.confidence = 1.0;
    expectError([&] { summarize({}, options); }, {"confidence"});
}

void TestSweepSummary::paretoFrontHandMade()
{
    const auto point = [](double ms, double score) {
        SummaryRow row;
        row.medianTotalMs = ms;
        row.meanScore = score;
        return row;
    };
    const std::vector<SummaryRow> rows{
        point(100, 0.90),   // 0 front (best score)
        point(50, 0.85),    // 1 front
        point(60, 0.80),    // 2 dominated by 1
        point(20, 0.60),    // 3 front (fastest)
        point(50, 0.70),    // 4 dominated by 1 (same latency, worse)
        point(120, 0.90),   // 5 dominated by 0 (same score, slower)
        point(std::nan(""), 0.99),   // 6 no latency: left out
        point(20, 0.60),    // 7 identical to 3: kept
        point(30, 0.75),    // 8 front
    };
    QCOMPARE(paretoFront(rows), (std::vector<std::size_t>{3, 7, 8, 1, 0}));
    QVERIFY(paretoFront({}).empty());
}

void TestSweepSummary::csvQuoting()
{
    SummaryRow row;
    row.method = "odd, \"quoted\"\nname";
    row.budget = 0.1;
    row.metric = "anls";
    row.samples = 3;
    row.meanScore = 1.0 / 3.0;
    row.relativeToFull = std::nan("");
    row.mmePerception = row.mmeCognition = std::nan("");
    const auto path = scratchDir("sweep_csv") / "summary.csv";
    writeSummaryCsv(path, {row});
    const std::string csv = readText(path);
    const std::string header = "method,budget,metric,samples,mean_score,ci_low,ci_high,relative_to_full,"
                               "mean_kept_tokens,mean_kept_fraction,median_prefill_ms,median_total_ms,"
                               "llm_bound,prefill_bound,measured_llm_speedup,measured_over_bound,"
                               "mme_perception,mme_cognition\r\n";
    QCOMPARE(csv.substr(0, header.size()), header);
    QCOMPARE(csv.substr(header.size()),
             std::string("\"odd, \"\"quoted\"\"\nname\",0.1,anls,3,0.3333333333333333,0,0,,0,0,0,0,0,0,0,0,,\r\n"));
    expectError([&] { writeSummaryCsv(path / "sub.csv", {row}); }, {"sub.csv"});
    // The writer behind every CSV export: a lone carriage return is quoted too, UTF-8 passes.
    QCOMPARE(csvRecord({"a", "b\rc", "\u00fc", ""}), std::string("a,\"b\rc\",\u00fc,\r\n"));
}

void TestSweepSummary::summaryJson()
{
    std::vector<SampleRecord> records{makeRecord("none", 1.0, "1", 1.0), makeRecord("fastv", 0.25, "1", 0.5)};
    const auto path = scratchDir("sweep_json") / "summary.json";
    writeSummaryJson(path, summarize(records));
    QFile file(QString::fromStdString(path.string()));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    const QJsonObject fastv = root.value("results").toObject().value("fastv@0.25").toObject();
    QCOMPARE(fastv.value("anls,none").toDouble(), 0.5);
    QCOMPARE(fastv.value("anls_relative_to_full,none").toDouble(), 0.5);
    QCOMPARE(fastv.value("samples").toInt(), 1);
    QVERIFY(!fastv.contains("mme_perception_score,none"));
    const QJsonArray rows = root.value("rows").toArray();
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows[0].toObject().value("method").toString(), QString("none"));
    QVERIFY(rows[0].toObject().value("mme_perception").isNull());
}

void TestSweepSummary::table()
{
    const auto rows = summarize({makeRecord("none", 1.0, "1", 1.0), makeRecord("visionselector", 0.25, "1", 0.5)});
    const QStringList text = QString::fromStdString(summaryTable(rows)).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(text.size(), 3);
    QVERIFY(text[0].startsWith("method"));
    QVERIFY(text[1].startsWith("none "));
    QVERIFY(text[2].startsWith("visionselector"));
    QVERIFY(text[2].contains("0.5000"));
    // Columns line up: the budget column ends at the same place on every line.
    const int budgetEnd = text[0].indexOf("budget") + 6;
    QCOMPARE(text[1].mid(budgetEnd - 1, 1), QString("1"));
    QCOMPARE(text[2].mid(budgetEnd - 4, 4), QString("0.25"));
}

QTEST_APPLESS_MAIN(TestSweepSummary)
#include "tst_sweep_summary.moc"
