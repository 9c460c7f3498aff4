// SPDX-License-Identifier: MIT
// Parity with an independent implementation on the real Qwen3 tokenizer: the ids that
// `tokenscope-cli tokenize --json` prints for every corpus line must be identical to those of
// Hugging Face tokenizers.js (written by reference_ids.mjs in a ctest fixture), the C++ API must
// agree on multi-line blocks, and decode(encode(line)) must give back the line in NFC (as ICU
// computes it). Any mismatch fails with the first differing lines spelled out.

#include "common/error.h"
#include "tokenizer/tokenizer.h"

#include <QFile>
#include <QProcess>
#include <QtTest>

// nlohmann rather than QJsonDocument: Qt's UTF-8 decoding drops a U+FEFF that starts a string,
// and the corpus has such lines on purpose.
#include <nlohmann/json.hpp>

using namespace tokenscope;

namespace {

constexpr int kReportedMismatches = 8;

QString requiredEnv(const char *name)
{
    const QString value = qEnvironmentVariable(name);
    if (value.isEmpty())
        qFatal("%s is not set: run this test through ctest (tokenizer_parity.cmake sets it)", name);
    return value;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

// Lines of `bytes` split at '\n' only (as the CLI and the reference do); a final '\n' ends the
// last line rather than starting an empty one.
QList<QByteArray> splitLines(const QByteArray &bytes)
{
    QList<QByteArray> lines = bytes.split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

nlohmann::json parseJson(const QByteArray &json)
{
    try {
        return nlohmann::json::parse(json.begin(), json.end());
    } catch (const nlohmann::json::exception &e) {
        qFatal("bad JSON from the reference or the CLI: %s (%s)", json.left(200).constData(), e.what());
    }
}

std::vector<TokenId> idsFromJson(const QByteArray &json)
{
    return parseJson(json).get<std::vector<TokenId>>();
}

QString idList(const std::vector<TokenId> &ids)
{
    QStringList parts;
    for (const TokenId id : ids)
        parts << QString::number(id);
    return "[" + parts.join(",") + "]";
}

// `text` quoted, with control characters and invisible spaces written as \u{XXXX}.
QString visible(const QByteArray &text)
{
    QString out = "\"";
    for (const char32_t c : QString::fromUtf8(text).toUcs4()) {
        if (c < 0x20 || c == 0x7F || c == 0x85 || c == 0xA0 || c == 0x180E || (c >= 0x2000 && c <= 0x200F)
            || c == 0x2028 || c == 0x2029 || c == 0x3000 || c == 0xFEFF)
            out += QString("\\u{%1}").arg(uint(c), 4, 16, QChar('0'));
        else
            out += QString::fromUcs4(&c, 1);
    }
    return out + "\"";
}

// One mismatch, readable: the text, both id lists and the tokens where they first part ways.
QString describeMismatch(const Tokenizer &tokenizer, const QString &label, const QByteArray &text,
                         const std::vector<TokenId> &expected, const std::vector<TokenId> &actual)
{
    std::size_t i = 0;
    while (i < expected.size() && i < actual.size() && expected[i] == actual[i])
        ++i;
    const auto tokenAt = [&](const std::vector<TokenId> &ids) -> QString {
        if (i >= ids.size())
            return "(end)";
        try {
            return "'" + QString::fromStdString(tokenizer.idToToken(ids[i])) + "'";
        } catch (const Error &) {
            return "(unknown id)";
        }
    };
    return QString("%1: %2\n    reference: %3\n    ours:      %4\n"
                   "    first difference at index %5: reference %6, ours %7\n")
        .arg(label, visible(text).left(300), idList(expected), idList(actual))
        .arg(i)
        .arg(tokenAt(expected), tokenAt(actual));
}

} // namespace

class TestTokenizerParity : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cliMatchesReference_data();
    void cliMatchesReference();
    void apiMatchesReferenceOnMultiLineBlocks();
    void decodeGivesBackNfcText();
    void realVocabularyFacts();

private:
    QString m_tokenizerPath;
    QList<QByteArray> m_lines;
    std::vector<std::vector<TokenId>> m_reference;
    std::unique_ptr<Tokenizer> m_tokenizer;
};

void TestTokenizerParity::initTestCase()
{
    m_tokenizerPath = requiredEnv("TOKENSCOPE_PARITY_TOKENIZER");
    m_lines = splitLines(readAll(requiredEnv("TOKENSCOPE_PARITY_CORPUS")));
    for (const QByteArray &line : splitLines(readAll(requiredEnv("TOKENSCOPE_PARITY_REFERENCE") + "/ids.jsonl")))
        m_reference.push_back(idsFromJson(line));
    QVERIFY2(m_lines.size() >= 2000, "the parity corpus must have at least 2,000 lines");
    QCOMPARE(qsizetype(m_reference.size()), m_lines.size());
    m_tokenizer = std::make_unique<Tokenizer>(Tokenizer::fromFile(m_tokenizerPath.toStdString()));
}

void TestTokenizerParity::cliMatchesReference_data()
{
    QTest::addColumn<bool>("json");
    QTest::newRow("--json") << true;
    QTest::newRow("space separated") << false;
}

void TestTokenizerParity::cliMatchesReference()
{
    QFETCH(bool, json);
    QProcess cli;
    QStringList args{"tokenize", "--tokenizer", m_tokenizerPath};
    if (json)
        args << "--json";
    cli.start(TOKENSCOPE_CLI, args);
    QVERIFY2(cli.waitForStarted(), qPrintable(cli.errorString()));
    cli.write(readAll(requiredEnv("TOKENSCOPE_PARITY_CORPUS")));
    cli.closeWriteChannel();
    QVERIFY2(cli.waitForFinished(300000), "tokenscope-cli did not finish");
    QVERIFY2(cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0,
             cli.readAllStandardError().constData());

    const QList<QByteArray> output = splitLines(cli.readAllStandardOutput());
    QCOMPARE(output.size(), m_lines.size());
    QString report;
    int mismatches = 0;
    for (qsizetype i = 0; i < m_lines.size(); ++i) {
        std::vector<TokenId> ours;
        if (json) {
            ours = idsFromJson(output[i]);
        } else {
            for (const QByteArray &id : output[i].split(' '))
                if (!id.isEmpty())
                    ours.push_back(TokenId(id.toInt()));
        }
        if (ours == m_reference[std::size_t(i)])
            continue;
        if (++mismatches <= kReportedMismatches)
            report += describeMismatch(*m_tokenizer, QString("line %1").arg(i + 1), m_lines[i],
                                       m_reference[std::size_t(i)], ours);
    }
    if (mismatches > 0)
        QFAIL(qPrintable(QString("%1 of %2 corpus lines differ from the reference; the first ones:\n%3")
                             .arg(mismatches)
                             .arg(m_lines.size())
                             .arg(report)));
    qInfo("all %lld corpus lines identical to the reference", static_cast<long long>(m_lines.size()));
}

void TestTokenizerParity::apiMatchesReferenceOnMultiLineBlocks()
{
    const auto rows = splitLines(readAll(requiredEnv("TOKENSCOPE_PARITY_REFERENCE") + "/blocks.jsonl"));
    QVERIFY(!rows.isEmpty());
    QString report;
    int mismatches = 0;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const nlohmann::json row = parseJson(rows[i]);
        const auto text = row.at("text").get<std::string>();
        const auto expected = row.at("ids").get<std::vector<TokenId>>();
        const auto ours = m_tokenizer->encode(text);
        if (ours != expected && ++mismatches <= kReportedMismatches)
            report += describeMismatch(*m_tokenizer, QString("block %1").arg(i + 1), QByteArray::fromStdString(text),
                                       expected, ours);
    }
    if (mismatches > 0)
        QFAIL(qPrintable(
            QString("%1 of %2 multi-line blocks differ:\n%3").arg(mismatches).arg(rows.size()).arg(report)));
}

void TestTokenizerParity::decodeGivesBackNfcText()
{
    const auto nfcRows = splitLines(readAll(requiredEnv("TOKENSCOPE_PARITY_REFERENCE") + "/nfc.jsonl"));
    QCOMPARE(nfcRows.size(), m_lines.size());
    QString report;
    int mismatches = 0;
    for (qsizetype i = 0; i < m_lines.size(); ++i) {
        const QByteArray expected = QByteArray::fromStdString(parseJson(nfcRows[i]).get<std::string>());
        const auto &line = m_lines[i];
        const auto ids = m_tokenizer->encode(std::string_view(line.constData(), std::size_t(line.size())));
        const QByteArray decoded = QByteArray::fromStdString(m_tokenizer->decode(ids));
        if (decoded != expected && ++mismatches <= kReportedMismatches)
            report += QString("line %1:\n    NFC:     %2\n    decoded: %3\n")
                          .arg(i + 1)
                          .arg(visible(expected), visible(decoded));
    }
    if (mismatches > 0)
        QFAIL(qPrintable(
            QString("decode(encode(line)) != NFC(line) on %1 lines:\n%2").arg(mismatches).arg(report)));
}

void TestTokenizerParity::realVocabularyFacts()
{
    // 151,643 BPE tokens followed by the 26 added tokens of Qwen3.
    QCOMPARE(m_tokenizer->vocabSize(), std::size_t(151669));
    QCOMPARE(m_tokenizer->tokenToId("<|endoftext|>"), std::optional<TokenId>(151643));
    QCOMPARE(m_tokenizer->tokenToId("<|im_start|>"), std::optional<TokenId>(151644));
    QCOMPARE(m_tokenizer->tokenToId("<think>"), std::optional<TokenId>(151667));
    QVERIFY(m_tokenizer->isSpecial(151644));
    QVERIFY(!m_tokenizer->isSpecial(151667));   // <think> is added but not special in Qwen3
    const std::string chat = "<|im_start|>user\nHi<|im_end|>";
    QCOMPARE(m_tokenizer->decode(m_tokenizer->encode(chat), true), std::string("user\nHi"));
}

QTEST_GUILESS_MAIN(TestTokenizerParity)
#include "tst_tokenizer_parity.moc"
