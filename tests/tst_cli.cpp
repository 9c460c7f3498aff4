// SPDX-License-Identifier: MIT
// tokenscope-cli end to end: make-fixture, run (text and JSON), and its errors and exit codes.

#include "image/image.h"
#include "test_support.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest/QtTest>

using namespace tokenscope;

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void runJson_data();
    void runJson();
    void runHumanReadable();
    void errors_data();
    void errors();

private:
    using Outcome = test::CliOutcome;
    Outcome cli(const QStringList &args, const QByteArray &stdinData = {});

    QString m_model;
    QString m_image;
};

TestCli::Outcome TestCli::cli(const QStringList &args, const QByteArray &stdinData)
{
    return test::runCli(args, stdinData, 120000);
}

void TestCli::initTestCase()
{
    const auto dir = test::scratchDir("cli");
    m_model = QString::fromStdString((dir / "tiny").string());
    const Outcome made = cli({"make-fixture", "--shape", "tiny", "--out", m_model, "--seed", "3"});
    QVERIFY2(made.exitCode == 0, qPrintable(made.err));
    QVERIFY(made.out.contains("wrote a random 'tiny' checkpoint"));
    m_image = QString::fromStdString((dir / "wide.png").string());
    RgbImage image{112, 56, std::vector<std::uint8_t>(112 * 56 * 3)};
    for (std::size_t i = 0; i < image.rgb.size(); ++i)
        image.rgb[i] = std::uint8_t(i * 7);
    writePng(m_image.toStdString(), image);
}

void TestCli::runJson_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<int>("visual");
    QTest::newRow("none") << "none" << 12;
    QTest::newRow("all-1/16") << "all-1/16" << 3;
    QTest::newRow("vir-budget") << "vir-budget" << 6;
    QTest::newRow("uniform") << "uniform" << 6;     // k = floor(0.5 * 12)
    QTest::newRow("random") << "random" << 6;
}

void TestCli::runJson()
{
    QFETCH(QString, method);
    QFETCH(int, visual);
    const Outcome r = cli({"run", "--model", m_model, "--image", m_image, "--question", "What is shown?", "--method", method,
                           "--budget", "0.5", "--max-new-tokens", "4", "--threads", "1", "--json", "--tokens"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QJsonParseError error;
    const QJsonObject json = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(json["visual_tokens"].toInt(), visual);
    QCOMPARE(json["prompt_tokens"].toInt(), json["text_tokens"].toInt() + visual);
    QCOMPARE(json["device"].toString(), QStringLiteral("cpu"));
    QCOMPARE(json["threads"].toInt(), 1);
    QVERIFY(json["answer_ids"].toArray().size() <= 4);
    const QJsonObject plan = json["plan"].toObject();
    QCOMPARE(plan["tiles"].toArray().size(), 3);
    // The plan lists every token the connectors produced; `kept` marks those sent.
    int kept = 0;
    for (const QJsonValue &token : plan["tokens"].toArray())
        kept += token.toObject()["kept"].toBool() ? 1 : 0;
    QCOMPARE(kept, visual);
    QCOMPARE(plan["tokens_sent"].toInt(), visual);
    QCOMPARE(plan["tokens_before_compression"].toInt(), 12);
    QVERIFY(plan["tiles"].toArray()[2].toObject()["thumbnail"].toBool());
    QVERIFY(json["timings_ms"].toObject()["prefill"].toDouble() > 0);
}

void TestCli::runHumanReadable()
{
    const Outcome r = cli({"run", "--model", m_model, "--image", m_image, "--question", "Colour?", "--max-new-tokens", "2"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(r.out.startsWith("answer: "));
    QVERIFY(r.out.contains("tiles (3, method vir)"));
    QVERIFY(r.out.contains("p(compress)"));
    QVERIFY(r.out.contains("timings ms: tiling"));
}

void TestCli::errors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    const QString model = QStringLiteral("@MODEL@"), image = QStringLiteral("@IMAGE@");
    QTest::newRow("unknown command") << QStringList{"frobnicate"} << 2 << "unknown command 'frobnicate'";
    QTest::newRow("unknown option") << QStringList{"run", "--colour", "red"} << 2 << "unknown option --colour";
    QTest::newRow("missing model") << QStringList{"run", "--image", image, "--question", "q"} << 2 << "--model is required";
    QTest::newRow("unknown method") << QStringList{"run", "--model", model, "--image", image, "--question", "q", "--method", "fastv2"}
                                    << 1 << "method 'fastv2': is not known";
    QTest::newRow("budget zero") << QStringList{"run", "--model", model, "--image", image, "--question", "q", "--method", "random", "--budget", "0"}
                                 << 1 << "budget: must be in (0, 1], got 0";
    QTest::newRow("budget above one") << QStringList{"run", "--model", model, "--image", image, "--question", "q", "--budget", "1.5"}
                                      << 1 << "budget: must be in (0, 1], got 1.5";
    QTest::newRow("unknown parameter") << QStringList{"run", "--model", model, "--image", image, "--question", "q", "--method", "uniform", "--params", "seed=3"}
                                       << 1 << "parameter 'seed': is not a parameter of method 'uniform'";
    QTest::newRow("unknown choice") << QStringList{"run", "--model", model, "--image", image, "--question", "q", "--method", "fastv", "--params", "query=first"}
                                    << 1 << "parameter 'query' of method 'fastv': 'first' is not one of last, all";
    QTest::newRow("parameter not a number") << QStringList{"run", "--model", model, "--image", image, "--question", "q", "--method", "random", "--params", "seed=three"}
                                            << 1 << "parameter 'seed' of method 'random': expects a number, got 'three'";
    QTest::newRow("bad number") << QStringList{"run", "--model", model, "--image", image, "--question", "q", "--budget", "half"}
                                << 2 << "--budget expects a number";
    QTest::newRow("missing image") << QStringList{"run", "--model", model, "--image", "/no/such/photo.png", "--question", "q"}
                                   << 1 << "/no/such/photo.png";
    QTest::newRow("missing model dir") << QStringList{"run", "--model", "/no/such/model", "--image", image, "--question", "q"}
                                       << 1 << "/no/such/model: is not a model folder";
    QTest::newRow("empty question") << QStringList{"run", "--model", model, "--image", image, "--question", " "} << 1
                                    << "question: is empty";
    QTest::newRow("cuda on a CPU build") << QStringList{"run", "--model", model, "--image", image, "--question", "q", "--device", "cuda"}
                                         << 1 << "no CUDA support or no GPU";
    QTest::newRow("unknown shape") << QStringList{"make-fixture", "--out", "/tmp/x", "--shape", "huge"} << 1
                                   << "unknown fixture shape 'huge'";
}

void TestCli::errors()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    args.replaceInStrings("@MODEL@", m_model);
    args.replaceInStrings("@IMAGE@", m_image);
    const Outcome r = cli(args);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
