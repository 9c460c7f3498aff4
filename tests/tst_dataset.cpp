// SPDX-License-Identifier: MIT
// The evaluation dataset (JSONL) loader, writer and importers: round trips, path resolution, one
// clear file:line error per bad line, missing images found before a run, and the three importers.

#include "eval/dataset.h"
#include "eval/dataset_import.h"
#include "test_support.h"

#include <QtTest/QtTest>

#include <fstream>
#include <sstream>

using namespace tokenscope;
namespace fs = std::filesystem;

class TestDataset : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTripsThroughSaveAndLoad();
    void resolvesRelativeAndAbsoluteImages();
    void toleratesBlankLinesExtraFieldsAndLongLines();
    void badLine_data();
    void badLine();
    void missingImagesReportedBeforeRunning();
    void imageThatIsADirectory();
    void emptyMissingAndDirectoryFiles();
    void duplicateIds();
    void saveRejectsInvalidSamples();
    void importsTextVqa();
    void importsDocVqa();
    void vqaImportErrors();
    void importsLmmsEvalLog();
    void lmmsEvalMetricFromKeysAndMme();
    void lmmsEvalLogWithoutImages();
};

static void writeFile(const fs::path &path, const std::string &content)
{
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
    QVERIFY(out.good());
}

// The loader checks existence only, so any bytes make an "image".
static fs::path touchImage(const fs::path &path)
{
    writeFile(path, "not really a png");
    return path;
}

static std::string readFile(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

static QString q(const std::string &s) { return QString::fromStdString(s); }

static EvalSample sample(std::string id, fs::path image, std::vector<std::string> answers, std::string metric,
                         std::string category = {})
{
    EvalSample s;
    s.id = std::move(id);
    s.image = std::move(image);
    s.question = "What is written on the sign?";
    s.answers = std::move(answers);
    s.metric = std::move(metric);
    s.category = std::move(category);
    return s;
}

void TestDataset::roundTripsThroughSaveAndLoad()
{
    const fs::path dir = test::scratchDir("tst_dataset_roundtrip");
    const fs::path outside = test::scratchDir("tst_dataset_roundtrip_outside");
    std::vector<EvalSample> samples{
        sample("q1", touchImage(dir / "images" / "a.png"), std::vector<std::string>(10, "stop"), "vqa_accuracy"),
        sample("q2", touchImage(outside / "b.png"), {"Yes"}, "mme", "existence"),
        sample("q3", touchImage(dir / "images" / "c.png"), {"12%", "0.12"}, "relaxed_accuracy"),
    };
    samples[2].question = "Ünïcode \"quoted\"\nquestion";
    const fs::path file = dir / "data.jsonl";
    saveDataset(file, samples);

    // Inside the folder: relative (the folder moves as a whole); outside: absolute.
    const std::string text = readFile(file);
    QVERIFY2(text.find("\"image\":\"images/a.png\"") != std::string::npos, text.c_str());
    QVERIFY2(text.find("\"image\":\"" + (outside / "b.png").string() + "\"") != std::string::npos, text.c_str());
    QVERIFY(!fs::exists(fs::path(file).concat(".tmp")));

    const Dataset loaded = loadDataset(file);
    QCOMPARE(loaded.file, file);
    QCOMPARE(loaded.samples.size(), samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const EvalSample &a = samples[i];
        const EvalSample &b = loaded.samples[i];
        QCOMPARE(b.id, a.id);
        QCOMPARE(b.image, a.image);
        QCOMPARE(b.question, a.question);
        QCOMPARE(b.answers, a.answers);
        QCOMPARE(b.metric, a.metric);
        QCOMPARE(b.category, a.category);
        QCOMPARE(b.line, int(i) + 1);
    }
}

void TestDataset::resolvesRelativeAndAbsoluteImages()
{
    const fs::path dir = test::scratchDir("tst_dataset_paths");
    const fs::path elsewhere = test::scratchDir("tst_dataset_paths_elsewhere");
    const fs::path relative = touchImage(dir / "img" / "a.png");
    const fs::path absolute = touchImage(elsewhere / "b.png");
    const fs::path file = dir / "sub" / ".." / "ds.jsonl";
    writeFile(dir / "ds.jsonl",
              R"({"id": 7, "image": "img/a.png", "question": "Q?", "answers": "cat", "metric": "exact_match"})"
              "\n"
              R"({"id": "x", "image": ")" + absolute.string() +
                  R"(", "question": "Q?", "answers": ["a"], "metric": "anls", "category": null})" "\n");
    fs::create_directories(dir / "sub");

    const Dataset d = loadDataset(file);
    QCOMPARE(d.samples.size(), std::size_t(2));
    QCOMPARE(d.samples[0].image, relative);
    QVERIFY(d.samples[0].image.is_absolute());
    QCOMPARE(d.samples[0].id, std::string("7"));                           // integer id → string
    QCOMPARE(d.samples[0].answers, std::vector<std::string>{"cat"});       // bare string → one answer
    QCOMPARE(d.samples[1].image, absolute);
    QCOMPARE(d.samples[1].category, std::string());
}

void TestDataset::toleratesBlankLinesExtraFieldsAndLongLines()
{
    const fs::path dir = test::scratchDir("tst_dataset_tolerant");
    touchImage(dir / "a.png");
    const std::string longQuestion(2'000'000, 'w');
    writeFile(dir / "ds.jsonl",
              "\xEF\xBB\xBF\n"
              "   \n"
              R"({"id": "a", "image": "a.png", "question": "Q?", "answers": ["x"], "metric": "exact_match", "split": "val", "extra": {"n": 1}})"
              "\r\n\n"
              R"({"id": "b", "image": "a.png", "question": ")" + longQuestion +
                  R"(", "answers": ["y"], "metric": "exact_match"})");   // no final newline

    const Dataset d = loadDataset(dir / "ds.jsonl");
    QCOMPARE(d.samples.size(), std::size_t(2));
    QCOMPARE(d.samples[0].line, 3);
    QCOMPARE(d.samples[1].line, 5);
    QCOMPARE(d.samples[1].question.size(), longQuestion.size());
}

void TestDataset::badLine_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QStringList>("fragments");
    const auto row = [](const char *name, const QByteArray &line, const QStringList &fragments) {
        QTest::newRow(name) << line << fragments;
    };
    row("invalid JSON", R"({"id": "b", "image": )", {"is not valid JSON", "column"});
    row("trailing garbage", R"({"id": "b"} x)", {"is not valid JSON"});
    row("not an object", "[1, 2]", {"must be a JSON object, got list"});
    row("missing id", R"({"image": "a.png", "question": "Q", "answers": ["x"], "metric": "anls"})", {"id is missing"});
    row("id wrong type", R"({"id": true, "image": "a.png", "question": "Q", "answers": ["x"], "metric": "anls"})",
        {"id must be a string or an integer, got true/false"});
    row("empty id", R"({"id": "", "image": "a.png", "question": "Q", "answers": ["x"], "metric": "anls"})",
        {"id must not be empty"});
    row("missing image", R"({"id": "b", "question": "Q", "answers": ["x"], "metric": "anls"})", {"image is missing"});
    row("image wrong type", R"({"id": "b", "image": 3, "question": "Q", "answers": ["x"], "metric": "anls"})",
        {"image must be a string, got number"});
    row("missing question", R"({"id": "b", "image": "a.png", "answers": ["x"], "metric": "anls"})",
        {"question is missing"});
    row("empty question", R"({"id": "b", "image": "a.png", "question": "", "answers": ["x"], "metric": "anls"})",
        {"question must not be empty"});
    row("missing answers", R"({"id": "b", "image": "a.png", "question": "Q", "answer": "x", "metric": "anls"})",
        {"answers is missing", "found 'answer'"});
    row("answers number", R"({"id": "b", "image": "a.png", "question": "Q", "answers": 3, "metric": "anls"})",
        {"answers must be a list of strings, got number"});
    row("answers mixed", R"({"id": "b", "image": "a.png", "question": "Q", "answers": ["x", 2], "metric": "anls"})",
        {"answers must be a list of strings, got number at answers[1]"});
    row("answers empty", R"({"id": "b", "image": "a.png", "question": "Q", "answers": [], "metric": "anls"})",
        {"answers must not be empty"});
    row("missing metric", R"({"id": "b", "image": "a.png", "question": "Q", "answers": ["x"]})", {"metric is missing"});
    row("unknown metric", R"({"id": "b", "image": "a.png", "question": "Q", "answers": ["x"], "metric": "bleu"})",
        {"metric 'bleu' is not a known metric", "exact_match", "vqa_accuracy", "anls", "relaxed_accuracy", "mme"});
    row("category wrong type",
        R"({"id": "b", "image": "a.png", "question": "Q", "answers": ["x"], "metric": "anls", "category": 1})",
        {"category must be a string, got number"});
    row("mme without category", R"({"id": "b", "image": "a.png", "question": "Q", "answers": ["Yes"], "metric": "mme"})",
        {"category is required for metric mme"});
    row("invalid UTF-8", "{\"id\": \"b\", \"image\": \"a.png\", \"question\": \"Q\xC3\x28\", \"answers\": [\"x\"], "
                         "\"metric\": \"anls\"}",
        {"is not valid UTF-8", "byte 45"});
}

void TestDataset::badLine()
{
    QFETCH(QByteArray, line);
    QFETCH(QStringList, fragments);
    const fs::path dir = test::scratchDir("tst_dataset_badline");
    touchImage(dir / "a.png");
    const fs::path file = dir / "ds.jsonl";
    writeFile(file, R"({"id": "a", "image": "a.png", "question": "Q", "answers": ["x"], "metric": "anls"})"
                    "\n" + line.toStdString() + "\n");
    try {
        loadDataset(file);
        QFAIL("no error thrown");
    } catch (const Error &e) {
        QCOMPARE(q(e.source()), q(file.string() + ":2"));
        for (const QString &fragment : fragments)
            QVERIFY2(q(e.problem()).contains(fragment), qPrintable("'" + fragment + "' not in: " + e.what()));
    }
}

void TestDataset::missingImagesReportedBeforeRunning()
{
    const fs::path dir = test::scratchDir("tst_dataset_missing");
    touchImage(dir / "a.png");
    const fs::path file = dir / "ds.jsonl";
    std::string text;
    for (const char *image : {"a.png", "gone1.png", "a.png", "gone2.png", "gone3.png"})
        text += R"({"id": ")" + std::string(image) + std::to_string(text.size()) + R"(", "image": ")" + image +
                R"(", "question": "Q", "answers": ["x"], "metric": "exact_match"})" "\n";
    writeFile(file, text);
    // The first missing image with its line, the resolved path, and the count of the others.
    test::expectError([&] { loadDataset(file); },
                      {q(file.string() + ":2"), "image does not exist", q((dir / "gone1.png").string()),
                       "and 2 more lines with a missing image"});

    // Once all are present the same file loads.
    touchImage(dir / "gone1.png");
    touchImage(dir / "gone2.png");
    test::expectError([&] { loadDataset(file); }, {q(file.string() + ":5"), "gone3.png"});
    touchImage(dir / "gone3.png");
    QCOMPARE(loadDataset(file).samples.size(), std::size_t(5));
}

void TestDataset::imageThatIsADirectory()
{
    const fs::path dir = test::scratchDir("tst_dataset_imagedir");
    fs::create_directories(dir / "images");
    const fs::path file = dir / "ds.jsonl";
    writeFile(file, R"({"id": "a", "image": "images", "question": "Q", "answers": ["x"], "metric": "anls"})" "\n");
    test::expectError([&] { loadDataset(file); }, {q(file.string() + ":1"), "image is a directory"});
}

void TestDataset::emptyMissingAndDirectoryFiles()
{
    const fs::path dir = test::scratchDir("tst_dataset_empty");
    writeFile(dir / "empty.jsonl", "");
    writeFile(dir / "blank.jsonl", "\n  \n\r\n");
    test::expectError([&] { loadDataset(dir / "empty.jsonl"); }, {q((dir / "empty.jsonl").string()), "has no questions"});
    test::expectError([&] { loadDataset(dir / "blank.jsonl"); }, {"blank.jsonl", "has no questions"});
    test::expectError([&] { loadDataset(dir / "absent.jsonl"); }, {"absent.jsonl", "does not exist"});
    test::expectError([&] { loadDataset(dir); }, {"is a directory"});
}

void TestDataset::duplicateIds()
{
    const fs::path dir = test::scratchDir("tst_dataset_duplicates");
    touchImage(dir / "a.png");
    const fs::path file = dir / "ds.jsonl";
    // An integer id and the same digits as a string are the same id once converted.
    writeFile(file, R"({"id": 5, "image": "a.png", "question": "Q", "answers": ["x"], "metric": "anls"})" "\n"
                    R"({"id": "6", "image": "a.png", "question": "Q", "answers": ["x"], "metric": "anls"})" "\n\n"
                    R"({"id": "5", "image": "a.png", "question": "Q", "answers": ["x"], "metric": "anls"})" "\n");
    test::expectError([&] { loadDataset(file); }, {q(file.string() + ":4"), "id '5' is duplicated", "line 1"});
}

void TestDataset::saveRejectsInvalidSamples()
{
    const fs::path dir = test::scratchDir("tst_dataset_save");
    const fs::path file = dir / "ds.jsonl";
    const fs::path image = touchImage(dir / "a.png");
    test::expectError([&] { saveDataset(file, {sample("a", image, {"x"}, "anls"), sample("a", image, {"y"}, "anls")}); },
                      {"sample 2 (id 'a')", "duplicated", "sample 1"});
    test::expectError([&] { saveDataset(file, {sample("a", image, {"x"}, "bleu")}); }, {"sample 1", "'bleu'"});
    test::expectError([&] { saveDataset(file, {sample("a", image, {}, "anls")}); }, {"answers must not be empty"});
    test::expectError([&] { saveDataset(file, {sample("a", image, {"\xFF"}, "anls")}); }, {"not valid UTF-8"});
    test::expectError([&] { saveDataset(file, {}); }, {"has no questions"});
    QVERIFY(!fs::exists(file));   // nothing written for an invalid list
}

void TestDataset::importsTextVqa()
{
    const fs::path dir = test::scratchDir("tst_dataset_textvqa");
    const fs::path json = dir / "TextVQA_0.5.1_val.json";
    writeFile(json, R"({"dataset_name": "textvqa", "data": [
        {"question_id": 34602, "image_id": "003a8ae2ef43b901", "question": "what is the brand?",
         "answers": ["nous", "nous", "nous", "nous", "nous", "nous", "nous", "nous", "nous", "dakota"],
         "image_classes": ["Vehicle"], "set_name": "val"},
        {"question_id": 34603, "image_id": "0054c91397f2fe05", "question": "who made it?", "answers": ["lg", "LG"]}
    ]})");
    const fs::path images = dir / "train_images";
    const auto samples = importVqaJson(json, images);
    QCOMPARE(samples.size(), std::size_t(2));
    QCOMPARE(samples[0].id, std::string("34602"));
    QCOMPARE(samples[0].image, images / "003a8ae2ef43b901.jpg");
    QCOMPARE(samples[0].question, std::string("what is the brand?"));
    QCOMPARE(samples[0].answers.size(), std::size_t(10));
    QCOMPARE(samples[0].answers[9], std::string("dakota"));
    QCOMPARE(samples[0].metric, std::string("vqa_accuracy"));
    QCOMPARE(samples[1].answers, (std::vector<std::string>{"lg", "LG"}));

    QCOMPARE(importVqaJson(json, images, "exact_match")[1].metric, std::string("exact_match"));
    test::expectError([&] { importVqaJson(json, images, "bleu"); }, {"metric 'bleu' is not a known metric"});
}

void TestDataset::importsDocVqa()
{
    const fs::path dir = test::scratchDir("tst_dataset_docvqa");
    const fs::path json = dir / "val" / "val_v1.0.json";
    writeFile(json, R"({"dataset_split": "val", "data": [
        {"questionId": 49153, "question": "What is the ‘actual’ value?", "question_types": ["table/list"],
         "image": "documents/pybv0228_81.png", "docId": 14465, "answers": ["0.28"]}
    ]})");
    // No image folder given: the JSON's own folder, where DocVQA keeps documents/.
    const auto samples = importVqaJson(json, {});
    QCOMPARE(samples.size(), std::size_t(1));
    QCOMPARE(samples[0].id, std::string("49153"));
    QCOMPARE(samples[0].image, fs::absolute(dir / "val" / "documents" / "pybv0228_81.png"));
    QCOMPARE(samples[0].metric, std::string("anls"));
    QCOMPARE(samples[0].question, std::string("What is the ‘actual’ value?"));

    // Imported samples save and load as a dataset once the images are there.
    touchImage(samples[0].image);
    saveDataset(dir / "val" / "docvqa.jsonl", samples);
    QCOMPARE(loadDataset(dir / "val" / "docvqa.jsonl").samples[0].image, samples[0].image);
}

void TestDataset::vqaImportErrors()
{
    const fs::path dir = test::scratchDir("tst_dataset_vqa_errors");
    const auto importText = [&](const std::string &text) {
        writeFile(dir / "in.json", text);
        importVqaJson(dir / "in.json", dir);
    };
    test::expectError([&] { importText(R"({"data": [)"); }, {"in.json", "is not valid JSON"});
    test::expectError([&] { importText(R"([1])"); }, {"\"data\" list"});
    test::expectError([&] { importText(R"({"data": []})"); }, {"has no questions"});
    test::expectError([&] { importText(R"({"data": [{"question_id": 1, "question": "Q", "answers": ["a"]}]})"); },
                      {"data[0]", "neither image_id", "image"});
    test::expectError(
        [&] {
            importText(R"({"data": [{"question_id": 1, "image_id": "a", "question": "Q", "answers": ["a"]},
                                    {"question_id": 2, "image_id": "b", "question": "Q"}]})");
        },
        {"data[1]", "answers is missing"});
    test::expectError(
        [&] {
            importText(R"({"data": [{"question_id": 1, "image_id": "a", "question": "Q", "answers": ["a"]},
                                    {"question_id": 1, "image_id": "b", "question": "Q", "answers": ["a"]}]})");
        },
        {"data[1]", "'1' is duplicated", "data[0]"});
    test::expectError([&] { importVqaJson(dir / "absent.json", dir); }, {"absent.json", "does not exist"});
}

void TestDataset::importsLmmsEvalLog()
{
    const fs::path dir = test::scratchDir("tst_dataset_lmms");
    const fs::path log = dir / "20240612_101500_samples_docvqa_val.jsonl";
    writeFile(log,
              // doc with question and image; target a Python repr list with both quote styles.
              R"({"doc_id": 0, "doc": {"question": "What is the date?", "image": "docs/a.png"}, "target": "['May 5', \"May 5th, it's\"]", "input": "<image>What is the date?\nAnswer briefly.", "filtered_resps": ["May 5"], "anls": 1.0})"
              "\n"
              // no image path: the doc's image was stringified by lmms-eval → skipped.
              R"({"doc_id": 1, "doc": {"question": "Q2", "image": "<PIL.PngImagePlugin.PngImageFile image mode=RGB size=10x10>"}, "target": "x", "input": "Q2", "filtered_resps": ["x"], "anls": 0.0})"
              "\n\n"
              // no doc: question from input, image from input_media, escapes in the repr, plain target.
              R"({"doc_id": 2, "input": "Q3", "input_media": ["/data/b.png"], "target": "['it\\'s', 'caf\\xe9', 'a\\\\b']", "filtered_resps": ["x"], "anls": 0.5})"
              "\n"
              R"({"doc_id": 3, "input": "Q4", "input_media": [{"path": "c.png"}], "target": "[2019]", "filtered_resps": ["x"], "anls": 0.5})"
              "\n");
    const ImportResult r = importLmmsEvalSamples(log);
    QCOMPARE(r.skipped, 1);
    QCOMPARE(r.samples.size(), std::size_t(3));

    QCOMPARE(r.samples[0].id, std::string("0"));
    QCOMPARE(r.samples[0].question, std::string("What is the date?"));
    QCOMPARE(r.samples[0].image, fs::absolute(dir / "docs" / "a.png"));
    QCOMPARE(r.samples[0].answers, (std::vector<std::string>{"May 5", "May 5th, it's"}));
    QCOMPARE(r.samples[0].metric, std::string("anls"));   // from the task name
    QCOMPARE(r.samples[0].line, 1);

    QCOMPARE(r.samples[1].question, std::string("Q3"));
    QCOMPARE(r.samples[1].image, fs::path("/data/b.png"));
    QCOMPARE(r.samples[1].answers, (std::vector<std::string>{"it's", "caf\xC3\xA9", "a\\b"}));
    QCOMPARE(r.samples[1].line, 4);

    // "[2019]" is not a list of strings: the whole target is the one answer.
    QCOMPARE(r.samples[2].answers, std::vector<std::string>{"[2019]"});
    QCOMPARE(r.samples[2].image, fs::absolute(dir / "c.png"));

    // An image root other than the log's folder, and a metric override.
    const ImportResult other = importLmmsEvalSamples(log, "/images", "exact_match");
    QCOMPARE(other.samples[0].image, fs::path("/images/docs/a.png"));
    QCOMPARE(other.samples[0].metric, std::string("exact_match"));
}

void TestDataset::lmmsEvalMetricFromKeysAndMme()
{
    const fs::path dir = test::scratchDir("tst_dataset_lmms_keys");
    const fs::path log = dir / "samples_mytask.jsonl";
    writeFile(log,
              R"({"doc_id": "a", "doc": {"question": "Q", "image_path": "a.png"}, "target": "x", "exact_match": 1.0})"
              "\n"
              R"({"doc_id": "b", "doc": {"question": "Is it red?", "image": "b.png"}, "target": "Yes", "mme_perception_score": {"question_id": "b.png", "category": "color", "score": 1}})"
              "\n");
    const ImportResult r = importLmmsEvalSamples(log);
    QCOMPARE(r.samples.size(), std::size_t(2));
    QCOMPARE(r.samples[0].metric, std::string("exact_match"));
    QCOMPARE(r.samples[1].metric, std::string("mme"));
    QCOMPARE(r.samples[1].category, std::string("color"));

    writeFile(log, R"({"doc_id": "a", "doc": {"image": "a.png"}, "input": "Q", "target": "x", "bleu": 0.3})" "\n");
    test::expectError([&] { importLmmsEvalSamples(log); }, {q(log.string() + ":1"), "cannot tell the metric"});

    // TextVQA reports VQA accuracy under "exact_match": the task name decides.
    const fs::path textvqa = dir / "samples_textvqa_val.jsonl";
    writeFile(textvqa, R"({"doc_id": 1, "doc": {"question": "Q", "image": "a.png"}, "target": "['a']", "exact_match": 1.0})" "\n");
    QCOMPARE(importLmmsEvalSamples(textvqa).samples[0].metric, std::string("vqa_accuracy"));
}

void TestDataset::lmmsEvalLogWithoutImages()
{
    const fs::path dir = test::scratchDir("tst_dataset_lmms_noimage");
    const fs::path log = dir / "samples_docvqa_val.jsonl";
    writeFile(log, R"({"doc_id": 0, "input": "Q", "target": "a", "anls": 1.0})" "\n"
                   R"({"doc_id": 1, "doc": {"question": "Q"}, "input": "Q", "target": "a", "anls": 1.0})" "\n");
    test::expectError([&] { importLmmsEvalSamples(log); }, {"no line carries an image path", "2 lines skipped"});

    writeFile(log, R"({"doc_id": 0, "input": "Q", "input_media": "a.png", "target": "a"})" "\n"
                   R"({"doc_id": 0, "input": "Q", "input_media": "b.png", "target": "b"})" "\n");
    test::expectError([&] { importLmmsEvalSamples(log); }, {q(log.string() + ":2"), "doc_id '0' is duplicated", "line 1"});

    writeFile(log, R"({"doc_id": 0, "input_media": "a.png", "target": "a"})" "\n");
    test::expectError([&] { importLmmsEvalSamples(log); }, {":1", "neither doc.question nor input"});
    writeFile(log, R"({"doc_id": 0, "input": "Q", "input_media": "a.png"})" "\n");
    test::expectError([&] { importLmmsEvalSamples(log); }, {":1", "target is missing"});
    writeFile(log, "{not json\n");
    test::expectError([&] { importLmmsEvalSamples(log); }, {":1", "is not valid JSON"});
}

QTEST_APPLESS_MAIN(TestDataset)
#include "tst_dataset.moc"
