// SPDX-License-Identifier: MIT
// Budget sweeps through tokenscope-cli on a dataset the test generates: the records and summary,
// resuming after kill -9 (also mid-line), shards + merge equal to one run, the report, and the
// clear errors for bad datasets and arguments.

#include "image/image.h"
#include "test_support.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest/QtTest>

#include <fstream>

using namespace tokenscope;

class TestSweep : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void recordsAndSummary();
    void resumesAfterKill();
    void shardsMergeToOneRun();
    void reportWritesTablesAndPlots();
    void questionsOnOneImageShareItsEncoding();
    void errors_data();
    void errors();

private:
    using Outcome = test::CliOutcome;
    Outcome cli(const QStringList &args);
    QStringList sweepArgs(const QString &out) const;
    QString fresh(const QString &name) const;

    std::filesystem::path m_dir;
    QString m_model, m_data;
    static constexpr int kSamples = 6;
};

namespace {

// Records keyed by cell, with the timings removed: what two runs of one sweep must share.
QMap<QString, QByteArray> cellsWithoutTimings(const QStringList &files)
{
    QMap<QString, QByteArray> cells;
    for (const QString &file : files) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        for (const QByteArray &line : f.readAll().split('\n')) {
            if (line.trimmed().isEmpty())
                continue;
            QJsonObject o = QJsonDocument::fromJson(line).object();
            o.remove("latency_ms");
            const QString key = o["method"].toString() + '@' + QString::number(o["budget"].toDouble()) + '#' +
                                o["doc_id"].toString();
            cells.insert(key, QJsonDocument(o).toJson(QJsonDocument::Compact));
        }
    }
    return cells;
}

int lineCount(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    return int(f.readAll().count('\n'));
}

} // namespace

TestSweep::Outcome TestSweep::cli(const QStringList &args)
{
    return test::runCli(args);
}

QStringList TestSweep::sweepArgs(const QString &out) const
{
    return {"sweep", "--model", m_model, "--data", m_data, "--methods", "vir,random,visionzip,vir+divprune",
            "--budgets", "1,0.3", "--out", out, "--max-new-tokens", "4", "--threads", "1"};
}

QString TestSweep::fresh(const QString &name) const
{
    const auto dir = m_dir / name.toStdString();
    std::filesystem::remove_all(dir);
    return QString::fromStdString(dir.string());
}

void TestSweep::initTestCase()
{
    m_dir = test::scratchDir("sweep");
    m_model = QString::fromStdString((m_dir / "tiny").string());
    QCOMPARE(cli({"make-fixture", "--shape", "tiny", "--out", m_model}).exitCode, 0);
    // Six images of different sizes (1 to 6 tiles) and one question each.
    std::ofstream data(m_dir / "data.jsonl");
    const int sizes[kSamples][2] = {{56, 56}, {112, 56}, {56, 112}, {168, 56}, {112, 112}, {168, 112}};
    for (int i = 0; i < kSamples; ++i) {
        const std::string image = "images/img" + std::to_string(i) + ".png";
        std::filesystem::create_directories(m_dir / "images");
        writePng(m_dir / image, test::gradientImage(sizes[i][0], sizes[i][1]));
        data << R"({"id": "q)" << i << R"(", "image": ")" << image << R"(", "question": "What is in the corner?", )"
             << R"("answers": ["red"], "metric": "exact_match"})" << '\n';
    }
    m_data = QString::fromStdString((m_dir / "data.jsonl").string());
}

// none@1 (reference), vir@1, random@{1,.3}, visionzip@{1,.3}, vir+divprune@{1,.3} = 8 settings.
void TestSweep::recordsAndSummary()
{
    const QString out = fresh("plain");
    const Outcome r = cli(sweepArgs(out));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const int cells = kSamples * 8;
    QVERIFY2(r.out.contains(QString("%1 cells run, 0 resumed, %2 images encoded").arg(cells).arg(kSamples)), qPrintable(r.out));
    QCOMPARE(lineCount(out + "/records.jsonl"), cells);
    QVERIFY(QFile::exists(out + "/summary.json"));
    QVERIFY(QFile::exists(out + "/summary.csv"));

    QFile f(out + "/records.jsonl");
    QVERIFY(f.open(QIODevice::ReadOnly));
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        QVERIFY(o.contains("filtered_resps") && o.contains("exact_match") && o.contains("latency_ms"));
        const int visual = o["visual_tokens"].toInt(), kept = o["kept_tokens"].toInt();
        QVERIFY(kept >= 1 && kept <= visual);
        if (o["method"].toString() == "random" && o["budget"].toDouble() == 0.3)
            QCOMPARE(kept, std::max(1, int(0.3 * visual)));
        QVERIFY(o["latency_ms"].toObject()["prefill"].toDouble() > 0);
    }

    // The same command again finds every cell done and changes nothing.
    const QByteArray before = [&] { QFile g(out + "/records.jsonl"); g.open(QIODevice::ReadOnly); return g.readAll(); }();
    const Outcome again = cli(sweepArgs(out));
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    QVERIFY2(again.out.contains(QString("0 cells run, %1 resumed, 0 images encoded").arg(cells)), qPrintable(again.out));
    QFile g(out + "/records.jsonl");
    QVERIFY(g.open(QIODevice::ReadOnly));
    QCOMPARE(g.readAll(), before);

    // A different sweep in the same folder is refused instead of mixing records.
    QStringList other = sweepArgs(out);
    other[other.indexOf("--budgets") + 1] = "1,0.5";
    const Outcome mixed = cli(other);
    QCOMPARE(mixed.exitCode, 1);
    QVERIFY2(mixed.err.contains("sweep.json") && mixed.err.contains("belongs to a different sweep"), qPrintable(mixed.err));
}

void TestSweep::resumesAfterKill()
{
    const QString reference = fresh("reference"), killed = fresh("killed");
    QCOMPARE(cli(sweepArgs(reference)).exitCode, 0);

    QProcess process;
    process.start(QStringLiteral(TOKENSCOPE_CLI), sweepArgs(killed));
    QVERIFY(process.waitForStarted());
    // Kill -9 once a few cells are on disk.
    QElapsedTimer waited;
    waited.start();
    while (lineCount(killed + "/records.jsonl") < 5 && waited.elapsed() < 120000)
        QThread::msleep(5);
    process.kill();
    QVERIFY(process.waitForFinished());
    const int done = lineCount(killed + "/records.jsonl");
    QVERIFY2(done >= 5 && done < kSamples * 8, qPrintable(QString::number(done)));
    {   // and as if the kill had landed in the middle of writing a line
        std::ofstream partial((killed + "/records.jsonl").toStdString(), std::ios::app);
        partial << R"({"doc_id":"q5","input":"What is in)";
    }

    const Outcome resumed = cli(sweepArgs(killed));
    QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
    QVERIFY2(resumed.out.contains(QString("%1 resumed").arg(done)), qPrintable(resumed.out));
    const auto expected = cellsWithoutTimings({reference + "/records.jsonl"});
    const auto actual = cellsWithoutTimings({killed + "/records.jsonl"});
    QCOMPARE(lineCount(killed + "/records.jsonl"), kSamples * 8);
    QCOMPARE(actual.keys(), expected.keys());
    for (const QString &key : expected.keys())
        QCOMPARE(actual[key], expected[key]);
}

void TestSweep::shardsMergeToOneRun()
{
    const QString single = fresh("single"), sharded = fresh("sharded"), merged = fresh("merged");
    QCOMPARE(cli(sweepArgs(single)).exitCode, 0);
    for (int i = 0; i < 3; ++i) {
        const Outcome shard = cli(sweepArgs(sharded) << "--shard" << QString("%1/3").arg(i));
        QVERIFY2(shard.exitCode == 0, qPrintable(shard.err));
        QVERIFY(QFile::exists(sharded + QString("/records.shard-%1-of-3.jsonl").arg(i)));
    }
    const Outcome m = cli({"merge", sharded, "--out", merged});
    QVERIFY2(m.exitCode == 0, qPrintable(m.err));
    QVERIFY2(m.out.contains(QString("%1 records").arg(kSamples * 8)), qPrintable(m.out));
    const auto expected = cellsWithoutTimings({single + "/records.jsonl"});
    const auto actual = cellsWithoutTimings({merged + "/records.jsonl"});
    QCOMPARE(actual.keys(), expected.keys());
    for (const QString &key : expected.keys())
        QCOMPARE(actual[key], expected[key]);
}

void TestSweep::reportWritesTablesAndPlots()
{
    const QString out = fresh("report");
    QCOMPARE(cli(sweepArgs(out) << "--limit" << "2").exitCode, 0);
    QFile::remove(out + "/summary.json");
    const Outcome r = cli({"report", out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(r.out.contains("visionzip") && r.out.contains("95% CI"));
    QVERIFY(QFile::exists(out + "/summary.json"));
#ifdef TOKENSCOPE_HAS_GUI
    for (const char *plot : {"score_vs_kept", "prefill_vs_budget", "pareto"}) {
        QVERIFY2(r.out.contains(QString("%1/plots/%2.png").arg(out, plot)), qPrintable(r.out));
        QFile png(QString("%1/plots/%2.png").arg(out, plot));
        QVERIFY(png.open(QIODevice::ReadOnly));
        QVERIFY(png.size() > 10000);   // a drawn figure, not an empty canvas (content: tst_sweep_plots)
        QCOMPARE(png.read(8), QByteArray("\x89PNG\r\n\x1a\n", 8));
        QVERIFY(QFile::exists(QString("%1/plots/%2.pdf").arg(out, plot)));
    }
#endif
}

void TestSweep::questionsOnOneImageShareItsEncoding()
{
    const QString data = QString::fromStdString((m_dir / "shared.jsonl").string());
    QFile file(data);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    for (const char *line : {R"({"id": "a", "image": "images/img1.png", "question": "Left?", "answers": ["x"], "metric": "exact_match"})",
                             R"({"id": "b", "image": "images/img1.png", "question": "Right?", "answers": ["y"], "metric": "exact_match"})",
                             R"({"id": "c", "image": "images/img2.png", "question": "Top?", "answers": ["z"], "metric": "exact_match"})"})
        file.write(QByteArray(line) + "\n");
    file.close();
    QStringList args = sweepArgs(fresh("shared"));
    args[args.indexOf("--data") + 1] = data;
    const Outcome r = cli(args);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("24 cells run, 0 resumed, 2 images encoded"), qPrintable(r.out));
}

void TestSweep::errors_data()
{
    QTest::addColumn<QString>("lines");      // dataset content ("" keeps the good dataset)
    QTest::addColumn<QStringList>("change"); // option, value pairs replacing the defaults
    QTest::addColumn<QStringList>("fragments");
    const QString good = R"({"id": "a", "image": "images/img0.png", "question": "Q?", "answers": ["x"], "metric": "exact_match"})";
    QTest::newRow("malformed line") << good + "\n{\"id\": \"b\", \"image\": \n" << QStringList{}
                                    << QStringList{"bad.jsonl:2", "not valid JSON"};
    QTest::newRow("missing field") << good + "\n{\"id\": \"b\", \"image\": \"images/img1.png\", \"answers\": [\"x\"], \"metric\": \"anls\"}\n"
                                   << QStringList{} << QStringList{"bad.jsonl:2", "question"};
    QTest::newRow("missing image") << good + "\n" + QString(good).replace("\"a\"", "\"b\"").replace("img0", "img9") + "\n"
                                   << QStringList{} << QStringList{"bad.jsonl:2", "img9.png"};
    QTest::newRow("empty dataset") << "\n\n" << QStringList{} << QStringList{"bad.jsonl", "has no questions"};
    QTest::newRow("budget not a number") << good << QStringList{"--budgets", "1,abc"} << QStringList{"--budgets", "'abc' is not a number"};
    QTest::newRow("budget too large") << good << QStringList{"--budgets", "0.5,1.5"} << QStringList{"--budgets", "budget 1.5 must be in (0, 1]"};
    QTest::newRow("budget zero") << good << QStringList{"--budgets", "0"} << QStringList{"budget 0 must be in (0, 1]"};
    QTest::newRow("unknown method") << good << QStringList{"--methods", "vir,fastv2"} << QStringList{"--methods", "fastv2"};
    QTest::newRow("bad shard") << good << QStringList{"--shard", "3/3"} << QStringList{"--shard", "'3/3'"};
}

void TestSweep::errors()
{
    QFETCH(QString, lines);
    QFETCH(QStringList, change);
    QFETCH(QStringList, fragments);
    const QString data = QString::fromStdString((m_dir / "bad.jsonl").string());
    QFile file(data);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(lines.toUtf8() + "\n");
    file.close();
    QStringList args = sweepArgs(fresh("errors"));
    args[args.indexOf("--data") + 1] = data;
    for (int i = 0; i + 1 < change.size(); i += 2) {
        const int at = args.indexOf(change[i]);
        if (at >= 0)
            args[at + 1] = change[i + 1];
        else
            args << change[i] << change[i + 1];
    }
    const Outcome r = cli(args);
    QVERIFY2(r.exitCode == 1, qPrintable(QString::number(r.exitCode) + ": " + r.err));
    for (const QString &fragment : fragments)
        QVERIFY2(r.err.contains(fragment), qPrintable("'" + fragment + "' not in: " + r.err));
    QVERIFY(!r.err.contains("internal error"));
}

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
