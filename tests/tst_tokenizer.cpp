// SPDX-License-Identifier: MIT
// The byte-level BPE tokenizer on tiny tokenizer.json files written by the test: the GPT-2 byte
// map, merges applied by rank, added tokens matched first, NFC, decoding, the Qwen split regex,
// the writer, and one row per way a file or an input can be broken — each must raise
// tokenscope::Error naming the file (or input) and the problem. Parity with the real Qwen3
// tokenizer is checked separately (tst_tokenizer_parity, needs npm).

#include "common/error.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/qwen_pattern.h"
#include "tokenizer/split_pretokenizer.h"
#include "tokenizer/tokenizer.h"
#include "test_support.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <optional>

using namespace tokenscope;
using tokenscope::test::errorFrom;

using Merges = QList<QPair<QString, QString>>;

namespace {

std::filesystem::path toPath(const QString &path) { return std::filesystem::path(path.toStdString()); }

// GPT-2's bytes_to_unicode, written out again here so the library's table is checked against an
// independent copy: printable Latin-1 maps to itself, the rest to U+0100.. in byte order.
char32_t gpt2Symbol(int byte)
{
    const auto printable = [](int b) { return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE; };
    if (printable(byte))
        return char32_t(byte);
    int n = 0;
    for (int b = 0; b < byte; ++b)
        n += printable(b) ? 0 : 1;
    return char32_t(0x100 + n);
}

QString symbolString(int byte) { return QString::fromUcs4(std::u32string(1, gpt2Symbol(byte)).c_str(), 1); }

struct TinyAddedToken {
    QString content;
    bool special = true;
    bool lstrip = false;
    bool rstrip = false;
    bool normalized = false;
};

// A byte-level BPE tokenizer.json in the Qwen form: the 256 byte symbols (ids 0..255), one id per
// merge result, then the added tokens.
QJsonObject tinyTokenizer(const Merges &merges, const QList<TinyAddedToken> &added = {},
                          bool mergesAsStrings = false)
{
    QJsonObject vocab;
    int nextId = 0;
    for (int b = 0; b < 256; ++b)
        vocab.insert(symbolString(b), nextId++);
    QJsonArray mergeList;
    for (const auto &[left, right] : merges) {
        if (!vocab.contains(left + right))
            vocab.insert(left + right, nextId++);
        if (mergesAsStrings)
            mergeList.append(left + " " + right);
        else
            mergeList.append(QJsonArray{left, right});
    }
    QJsonArray addedList;
    for (const auto &token : added)
        addedList.append(QJsonObject{{"id", nextId++}, {"content", token.content}, {"single_word", false},
                                     {"lstrip", token.lstrip}, {"rstrip", token.rstrip},
                                     {"normalized", token.normalized}, {"special", token.special}});
    const QJsonObject byteLevel{{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false},
                                {"use_regex", false}};
    const QString pattern = QString::fromStdString(std::string(kQwenSplitPattern));
    const QJsonObject split{{"type", "Split"},
                            {"pattern", QJsonObject{{"Regex", pattern}}},
                            {"behavior", "Isolated"},
                            {"invert", false}};
    return QJsonObject{
        {"version", "1.0"},
        {"truncation", QJsonValue::Null},
        {"padding", QJsonValue::Null},
        {"added_tokens", addedList},
        {"normalizer", QJsonObject{{"type", "NFC"}}},
        {"pre_tokenizer", QJsonObject{{"type", "Sequence"}, {"pretokenizers", QJsonArray{split, byteLevel}}}},
        {"post_processor", byteLevel},
        {"decoder", byteLevel},
        {"model", QJsonObject{{"type", "BPE"}, {"dropout", QJsonValue::Null}, {"unk_token", QJsonValue::Null},
                              {"continuing_subword_prefix", ""}, {"end_of_word_suffix", ""}, {"fuse_unk", false},
                              {"byte_fallback", false}, {"ignore_merges", false}, {"vocab", vocab},
                              {"merges", mergeList}}},
    };
}

QByteArray toJson(const QJsonObject &object) { return QJsonDocument(object).toJson(QJsonDocument::Compact); }


QStringList tokensOf(const Tokenizer &tokenizer, const std::vector<TokenId> &ids)
{
    QStringList tokens;
    for (const TokenId id : ids)
        tokens << QString::fromStdString(tokenizer.idToToken(id));
    return tokens;
}

std::string utf8(const QString &text) { return text.toStdString(); }

} // namespace

class TestTokenizer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void byteMapRoundTrip_data();
    void byteMapRoundTrip();
    void mergesByRank_data();
    void mergesByRank();
    void ignoreMerges_data();
    void ignoreMerges();
    void addedTokensMatchedFirst_data();
    void addedTokensMatchedFirst();
    void nfc_data();
    void nfc();
    void qwenSplit_data();
    void qwenSplit();
    void whitespaceRewrite_data();
    void whitespaceRewrite();
    void decode_data();
    void decode();
    void lookups();
    void writtenTokenizerRoundTrips_data();
    void writtenTokenizerRoundTrips();
    void writerRejectsBadSpecs_data();
    void writerRejectsBadSpecs();
    void badFiles_data();
    void badFiles();
    void invalidUtf8Input_data();
    void invalidUtf8Input();

private:
    // Writes `json` into the temp dir and loads it through fromFile.
    Tokenizer load(const QByteArray &json, const QString &name = "tiny.json");
    QString m_dir;
    std::unique_ptr<QTemporaryDir> m_tmp;
};

void TestTokenizer::initTestCase()
{
    const QString base = qEnvironmentVariable("TOKENSCOPE_TEST_TMP", QDir::tempPath());
    QDir().mkpath(base);
    m_tmp = std::make_unique<QTemporaryDir>(base + "/tst_tokenizer-XXXXXX");
    QVERIFY(m_tmp->isValid());
    m_dir = m_tmp->path();
}

Tokenizer TestTokenizer::load(const QByteArray &json, const QString &name)
{
    QFile file(m_dir + "/" + name);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(json) != json.size())
        qFatal("cannot write %s", qPrintable(file.fileName()));
    file.close();
    return Tokenizer::fromFile(toPath(file.fileName()));
}

void TestTokenizer::byteMapRoundTrip_data()
{
    QTest::addColumn<int>("byte");
    for (int b = 0; b < 256; ++b)
        QTest::addRow("0x%02X", b) << b;
}

void TestTokenizer::byteMapRoundTrip()
{
    QFETCH(int, byte);
    const std::string expected = utf8(symbolString(byte));
    QCOMPARE(std::string(byte_level::symbolOf(std::uint8_t(byte))), expected);
    QCOMPARE(byte_level::byteOf(gpt2Symbol(byte)), std::optional<std::uint8_t>(std::uint8_t(byte)));
    std::string back;
    QVERIFY(byte_level::appendBytes(expected, back));
    QCOMPARE(back, std::string(1, char(byte)));

    // Through the tokenizer: the byte symbol is the token of id `byte`; ASCII bytes are valid
    // text on their own and must encode and decode to themselves.
    static const Tokenizer tokenizer = Tokenizer::fromJson(toJson(tinyTokenizer({})).toStdString(), "tiny");
    QCOMPARE(tokenizer.idToToken(byte), expected);
    QCOMPARE(tokenizer.tokenToId(expected), std::optional<TokenId>(byte));
    if (byte < 0x80) {
        const std::string text(1, char(byte));
        QCOMPARE(tokenizer.encode(text), std::vector<TokenId>{byte});
        QCOMPARE(tokenizer.decode(std::vector<TokenId>{byte}), text);
    }
}

void TestTokenizer::mergesByRank_data()
{
    QTest::addColumn<Merges>("merges");
    QTest::addColumn<bool>("mergesAsStrings");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("tokens");

    const Merges bcFirst{{"b", "c"}, {"a", "b"}};
    const Merges abFirst{{"a", "b"}, {"b", "c"}};
    QTest::newRow("lower rank wins (bc)") << bcFirst << false << "abc" << QStringList{"a", "bc"};
    QTest::newRow("lower rank wins (ab)") << abFirst << false << "abc" << QStringList{"ab", "c"};
    QTest::newRow("string merges, same result") << bcFirst << true << "abc" << QStringList{"a", "bc"};
    QTest::newRow("ties go leftmost") << Merges{{"a", "a"}} << false << "aaa" << QStringList{"aa", "a"};
    QTest::newRow("repeated pair") << Merges{{"a", "a"}} << false << "aaaa" << QStringList{"aa", "aa"};
    QTest::newRow("merges of merges") << Merges{{"a", "b"}, {"c", "d"}, {"ab", "cd"}} << false << "abcd"
                                      << QStringList{"abcd"};
    QTest::newRow("not greedy left to right") << Merges{{"b", "c"}, {"a", "b"}, {"c", "d"}, {"a", "bc"}} << false
                                              << "abcd" << QStringList{"abc", "d"};
    QTest::newRow("space symbol joins the word") << Merges{{"a", "b"}, {"Ġ", "ab"}} << true << "ab ab"
                                                 << QStringList{"ab", "Ġab"};
    QTest::newRow("no merge across words") << Merges{{"b", "Ġ"}} << false << "ab ab"
                                           << QStringList{"a", "b", "Ġ", "a", "b"};
    QTest::newRow("multi-byte character") << Merges{{"Ã", "©"}} << false << "é" << QStringList{"Ã©"};
    QTest::newRow("no merges at all") << Merges{} << false << "xyz" << QStringList{"x", "y", "z"};
}

void TestTokenizer::mergesByRank()
{
    QFETCH(Merges, merges);
    QFETCH(bool, mergesAsStrings);
    QFETCH(QString, text);
    QFETCH(QStringList, tokens);
    const Tokenizer tokenizer = load(toJson(tinyTokenizer(merges, {}, mergesAsStrings)));
    const auto ids = tokenizer.encode(utf8(text));
    QCOMPARE(tokensOf(tokenizer, ids), tokens);
    QCOMPARE(QString::fromStdString(tokenizer.decode(ids)), text);
}

void TestTokenizer::ignoreMerges_data()
{
    QTest::addColumn<bool>("ignoreMerges");
    QTest::addColumn<QStringList>("tokens");
    QTest::newRow("merges apply") << false << QStringList{"ab", "c"};
    QTest::newRow("whole word from the vocab") << true << QStringList{"abc"};
}

// model.ignore_merges (Llama 3 style): a word that is itself in the vocab skips the merges.
void TestTokenizer::ignoreMerges()
{
    QFETCH(bool, ignoreMerges);
    QFETCH(QStringList, tokens);
    QJsonObject root = tinyTokenizer({{"a", "b"}});
    QJsonObject model = root["model"].toObject();
    QJsonObject vocab = model["vocab"].toObject();
    vocab["abc"] = 1000;
    model["vocab"] = vocab;
    model["ignore_merges"] = ignoreMerges;
    root["model"] = model;
    const Tokenizer tokenizer = load(toJson(root));
    QCOMPARE(tokensOf(tokenizer, tokenizer.encode("abc")), tokens);
}

void TestTokenizer::addedTokensMatchedFirst_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("tokens");

    QTest::newRow("chat header") << "<|im_start|>user" << QStringList{"<|im_start|>", "u", "s", "e", "r"};
    QTest::newRow("inside a word") << "x<|im_end|>y" << QStringList{"x", "<|im_end|>", "y"};
    QTest::newRow("back to back") << "<|im_end|><|im_start|>" << QStringList{"<|im_end|>", "<|im_start|>"};
    QTest::newRow("longest match") << "<a><b>" << QStringList{"<a><b>"};
    QTest::newRow("shorter when longer fails") << "<a><c>" << QStringList{"<a>", "<", "c", ">"};
    QTest::newRow("near miss is text") << "<|im_end|" << QStringList{"<", "|", "im", "_", "end", "|"};
    QTest::newRow("merges stop at the token") << "im<|im_end|>im" << QStringList{"im", "<|im_end|>", "im"};
    QTest::newRow("lstrip eats spaces before") << "a  <ls>b" << QStringList{"a", "<ls>", "b"};
    QTest::newRow("rstrip eats spaces after") << "a<rs> \t b" << QStringList{"a", "<rs>", "b"};
    QTest::newRow("no strip by default") << "a <|im_end|> b" << QStringList{"a", "Ġ", "<|im_end|>", "Ġ", "b"};
    QTest::newRow("normalized token matches NFC text") << QString::fromUtf8("x<e\u0301>")
                                                       << QStringList{"x", QString::fromUtf8("<\u00e9>")};
    QTest::newRow("raw token matches raw text") << QString::fromUtf8("<o\u0301>")
                                                << QStringList{QString::fromUtf8("<o\u0301>")};
    QTest::newRow("raw token does not see NFC") << QString::fromUtf8("<\u00f3>")
                                                << QStringList{"<", QString::fromUtf8("Ã³"), ">"};
}

void TestTokenizer::addedTokensMatchedFirst()
{
    QFETCH(QString, text);
    QFETCH(QStringList, tokens);
    const QList<TinyAddedToken> added{
        {"<|im_start|>"}, {"<|im_end|>"}, {"<a>"}, {"<a><b>"}, {"<ls>", true, true, false},
        {"<rs>", false, false, true}, {QString::fromUtf8("<\u00e9>"), false, false, false, true},
        {QString::fromUtf8("<o\u0301>"), true, false, false, false},
    };
    const Merges merges{{"i", "m"}, {"e", "n"}, {"en", "d"}, {"Ã", "³"}};
    const Tokenizer tokenizer = load(toJson(tinyTokenizer(merges, added)));
    QCOMPARE(tokensOf(tokenizer, tokenizer.encode(utf8(text))), tokens);
}

void TestTokenizer::nfc_data()
{
    QTest::addColumn<QString>("decomposed");
    QTest::addColumn<QString>("composed");
    QTest::newRow("e acute") << QString::fromUtf8("cafe\u0301") << QString::fromUtf8("caf\u00e9");
    QTest::newRow("ring above") << QString::fromUtf8("A\u030angstr\u00f6m") << QString::fromUtf8("\u00c5ngstr\u00f6m");
    QTest::newRow("angstrom sign") << QString::fromUtf8("\u212b") << QString::fromUtf8("\u00c5");
    QTest::newRow("reordered marks") << QString::fromUtf8("e\u0301\u0323") << QString::fromUtf8("\u1eb9\u0301");
    QTest::newRow("hangul jamo") << QString::fromUtf8("\u1112\u1161\u11ab") << QString::fromUtf8("\ud55c");
    QTest::newRow("kana voicing") << QString::fromUtf8("\u304b\u3099") << QString::fromUtf8("\u304c");
    QTest::newRow("already NFC") << QString::fromUtf8("na\u00efve") << QString::fromUtf8("na\u00efve");
}

void TestTokenizer::nfc()
{
    QFETCH(QString, decomposed);
    QFETCH(QString, composed);
    QCOMPARE(composed, decomposed.normalized(QString::NormalizationForm_C));   // the row itself is right
    const Tokenizer tokenizer = load(toJson(tinyTokenizer({{"Ã", "©"}, {"c", "a"}, {"ca", "f"}})));
    const auto ids = tokenizer.encode(utf8(decomposed));
    QCOMPARE(ids, tokenizer.encode(utf8(composed)));
    QCOMPARE(QString::fromStdString(tokenizer.decode(ids)), composed);
}

void TestTokenizer::qwenSplit_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("pieces");
    QTest::newRow("words") << "Hello world" << QStringList{"Hello", " world"};
    QTest::newRow("contraction") << "It's" << QStringList{"It", "'s"};
    QTest::newRow("contraction, any case") << "THEY'RE" << QStringList{"THEY", "'RE"};
    QTest::newRow("digits one by one") << "x=1234" << QStringList{"x", "=", "1", "2", "3", "4"};
    QTest::newRow("punctuation joins a letter run") << "foo(bar);" << QStringList{"foo", "(bar", ");"};
    QTest::newRow("space runs") << "a   b" << QStringList{"a", "  ", " b"};
    QTest::newRow("trailing spaces") << "abc   " << QStringList{"abc", "   "};
    QTest::newRow("newlines") << "x\n\ny" << QStringList{"x", "\n\n", "y"};
    QTest::newRow("spaces then newline") << "a   \n  b" << QStringList{"a", "   \n", " ", " b"};
    QTest::newRow("punctuation keeps its newline") << "end.\n\nnext" << QStringList{"end", ".\n\n", "next"};
    QTest::newRow("tabs") << "\t\tx" << QStringList{"\t", "\tx"};
    QTest::newRow("CJK run") << QString::fromUtf8("你好世界") << QStringList{QString::fromUtf8("你好世界")};
    QTest::newRow("emoji") << QString::fromUtf8("😀😀 ok") << QStringList{QString::fromUtf8("😀😀"), " ok"};
    // U+180E stopped being white space in Unicode 6.3; Oniguruma agrees, PCRE2's own \s does not.
    QTest::newRow("U+180E is not space") << QString::fromUtf8("\u180e\u180e!")
                                         << QStringList{QString::fromUtf8("\u180e\u180e!")};
    QTest::newRow("U+0085 is space") << QString::fromUtf8("a\u0085\u0085b")
                                     << QStringList{"a", QString::fromUtf8("\u0085"), QString::fromUtf8("\u0085b")};
    QTest::newRow("empty") << "" << QStringList{};
}

void TestTokenizer::qwenSplit()
{
    QFETCH(QString, text);
    QFETCH(QStringList, pieces);
    const SplitPreTokenizer splitter(std::string(kQwenSplitPattern), "test", "pattern");
    QStringList got;
    splitter.split(utf8(text),
                   [&](std::string_view piece) { got << QString::fromUtf8(piece.data(), qsizetype(piece.size())); });
    QCOMPARE(got, pieces);
}

void TestTokenizer::whitespaceRewrite_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<bool>("supported");
    QTest::addColumn<QString>("mustContain");
    QTest::newRow("\\s outside a class") << R"(a\s+b)" << true << R"(a[\t\n)";
    QTest::newRow("\\s inside a class") << R"([^\s\p{L}])" << true << R"([^\t\n)";
    QTest::newRow("\\S outside a class") << R"(\S)" << true << R"([^\t\n)";
    QTest::newRow("escaped backslash") << R"(\\s)" << true << R"(\\s)";
    QTest::newRow("literal ] first in class") << R"([]\s])" << true << R"([]\t\n)";
    QTest::newRow("\\S inside a class") << R"([\S])" << false << "";
}

void TestTokenizer::whitespaceRewrite()
{
    QFETCH(QString, pattern);
    QFETCH(bool, supported);
    QFETCH(QString, mustContain);
    const auto rewritten = rewriteWhitespaceEscapes(utf8(pattern));
    QCOMPARE(rewritten.has_value(), supported);
    if (supported)
        QVERIFY2(QString::fromStdString(*rewritten).contains(mustContain), rewritten->c_str());
}

void TestTokenizer::decode_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("skipSpecial");
    QTest::addColumn<QString>("decoded");
    QTest::newRow("special tokens kept") << "<|im_start|>hi<|im_end|>" << false << "<|im_start|>hi<|im_end|>";
    QTest::newRow("special tokens skipped") << "<|im_start|>hi <think>x</think><|im_end|>" << true
                                            << "hi <think>x</think>";
    QTest::newRow("multi-byte text") << QString::fromUtf8("日本語 ünïcödé 👍🏽") << true
                                     << QString::fromUtf8("日本語 ünïcödé 👍🏽");
    QTest::newRow("whitespace kept") << "  a\t\tb \n\n c  " << false << "  a\t\tb \n\n c  ";
}

void TestTokenizer::decode()
{
    QFETCH(QString, text);
    QFETCH(bool, skipSpecial);
    QFETCH(QString, decoded);
    const Tokenizer tokenizer = load(toJson(tinyTokenizer(
        {{"h", "i"}}, {{"<|im_start|>"}, {"<|im_end|>"}, {"<think>", false}, {"</think>", false}})));
    QCOMPARE(QString::fromStdString(tokenizer.decode(tokenizer.encode(utf8(text)), skipSpecial)), decoded);
}

void TestTokenizer::lookups()
{
    const Tokenizer tokenizer = load(toJson(tinyTokenizer({{"h", "i"}}, {{"<|im_start|>"}, {"<think>", false}})));
    QCOMPARE(tokenizer.vocabSize(), std::size_t(256 + 1 + 2));
    QCOMPARE(tokenizer.tokenToId("hi"), std::optional<TokenId>(256));
    QCOMPARE(tokenizer.tokenToId("<|im_start|>"), std::optional<TokenId>(257));
    QCOMPARE(tokenizer.tokenToId("<think>"), std::optional<TokenId>(258));
    QCOMPARE(tokenizer.tokenToId("nope"), std::nullopt);
    QCOMPARE(tokenizer.idToToken(256), std::string("hi"));
    QCOMPARE(tokenizer.idToToken(32), std::string("Ġ"));
    QVERIFY(tokenizer.isSpecial(257));
    QVERIFY(!tokenizer.isSpecial(258));   // added but not special
    QVERIFY(!tokenizer.isSpecial(256));
    QVERIFY(!tokenizer.isSpecial(-1));
    QVERIFY(!tokenizer.isSpecial(100000));

    // A cut through a multi-byte character decodes to U+FFFD, never to invalid UTF-8.
    const auto e4 = tokenizer.tokenToId(byte_level::symbolOf(0xE4));
    QVERIFY(e4);
    QCOMPARE(QString::fromStdString(tokenizer.decode(std::vector<TokenId>{*e4, 'a'})), QString::fromUtf8("\ufffda"));

    const auto unknown = errorFrom([&] { tokenizer.decode(std::vector<TokenId>{259}); });
    QVERIFY(unknown && unknown->contains("259") && unknown->contains("tiny.json"));
    QVERIFY(errorFrom([&] { tokenizer.idToToken(-3); }));

    Tokenizer source = load(toJson(tinyTokenizer({{"h", "i"}})), "movable.json");
    Tokenizer moved = std::move(source);
    QCOMPARE(moved.encode("hi"), std::vector<TokenId>{256});
    source = std::move(moved);
    QCOMPARE(source.encode("hi"), std::vector<TokenId>{256});
}

void TestTokenizer::writtenTokenizerRoundTrips_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("tokens");
    QTest::newRow("merged words") << "hello world" << QStringList{"hello", "Ġworld"};
    QTest::newRow("chat turn") << "<|im_start|>user\nhello<|im_end|>"
                               << QStringList{"<|im_start|>", "u", "s", "e", "r", "Ċ", "hello", "<|im_end|>"};
    QTest::newRow("partial merges") << "help" << QStringList{"hel", "p"};
    QTest::newRow("unicode") << QString::fromUtf8("héllo") << QStringList{"h", "Ã©", "ll", "o"};
}

void TestTokenizer::writtenTokenizerRoundTrips()
{
    QFETCH(QString, text);
    QFETCH(QStringList, tokens);
    ByteLevelBpeSpec spec;
    spec.merges = {{"h", "e"}, {"l", "l"}, {"he", "ll"}, {"hell", "o"}, {"Ġ", "w"}, {"o", "r"},
                   {"Ġw", "or"}, {"l", "d"}, {"Ġwor", "ld"}, {"he", "l"}, {"Ã", "©"}};
    spec.specialTokens = {"<|im_start|>", "<|im_end|>"};
    const QString path = m_dir + "/written.json";
    writeByteLevelBpeTokenizer(toPath(path), spec);
    const Tokenizer tokenizer = Tokenizer::fromFile(toPath(path));

    QCOMPARE(tokenizer.vocabSize(), std::size_t(256 + spec.merges.size() + 2));
    for (std::size_t i = 0; i < spec.merges.size(); ++i)
        QCOMPARE(tokenizer.tokenToId(spec.merges[i].first + spec.merges[i].second),
                 std::optional<TokenId>(256 + TokenId(i)));
    const TokenId imStart = TokenId(256 + spec.merges.size());
    QCOMPARE(tokenizer.tokenToId("<|im_start|>"), std::optional<TokenId>(imStart));
    QVERIFY(tokenizer.isSpecial(imStart) && tokenizer.isSpecial(imStart + 1));

    const auto ids = tokenizer.encode(utf8(text));
    QCOMPARE(tokensOf(tokenizer, ids), tokens);
    QCOMPARE(QString::fromStdString(tokenizer.decode(ids)), text);
}

void TestTokenizer::writerRejectsBadSpecs_data()
{
    QTest::addColumn<Merges>("merges");
    QTest::addColumn<QStringList>("specialTokens");
    QTest::addColumn<QString>("problem");
    QTest::newRow("unknown symbol") << Merges{{"a", "bc"}} << QStringList{} << "uses 'bc'";
    QTest::newRow("merge made twice") << Merges{{"a", "b"}, {"a", "b"}} << QStringList{} << "already has id";
    QTest::newRow("empty special token") << Merges{} << QStringList{""} << "must be non-empty";
    QTest::newRow("repeated special token") << Merges{} << QStringList{"<s>", "<s>"} << "already has id";
}

void TestTokenizer::writerRejectsBadSpecs()
{
    QFETCH(Merges, merges);
    QFETCH(QStringList, specialTokens);
    QFETCH(QString, problem);
    ByteLevelBpeSpec spec;
    for (const auto &[left, right] : merges)
        spec.merges.emplace_back(utf8(left), utf8(right));
    for (const auto &token : specialTokens)
        spec.specialTokens.push_back(utf8(token));
    const QString path = m_dir + "/rejected.json";
    const auto message = errorFrom([&] { writeByteLevelBpeTokenizer(toPath(path), spec); });
    QVERIFY2(message, "no Error");
    QVERIFY2(message->contains(path) && message->contains(problem), qPrintable(*message));
}

void TestTokenizer::badFiles_data()
{
    QTest::addColumn<QByteArray>("json");   // empty: the file is not written at all
    QTest::addColumn<QString>("problem");

    const QJsonObject good = tinyTokenizer({{"a", "b"}}, {{"<s>"}});
    const auto edited = [&](const std::function<void(QJsonObject &)> &edit) {
        QJsonObject copy = good;
        edit(copy);
        return toJson(copy);
    };
    const auto editModel = [&](const std::function<void(QJsonObject &)> &edit) {
        return edited([&](QJsonObject &root) {
            QJsonObject model = root["model"].toObject();
            edit(model);
            root["model"] = model;
        });
    };
    const auto editPre = [&](int step, const QString &key, const QJsonValue &value) {
        return edited([&](QJsonObject &root) {
            QJsonObject pre = root["pre_tokenizer"].toObject();
            QJsonArray steps = pre["pretokenizers"].toArray();
            QJsonObject s = steps[step].toObject();
            s[key] = value;
            steps[step] = s;
            pre["pretokenizers"] = steps;
            root["pre_tokenizer"] = pre;
        });
    };
    const auto editAdded = [&](const QString &key, const QJsonValue &value) {
        return edited([&](QJsonObject &root) {
            QJsonArray added = root["added_tokens"].toArray();
            QJsonObject token = added[0].toObject();
            token[key] = value;
            added[0] = token;
            root["added_tokens"] = added;
        });
    };

    QTest::newRow("missing file") << QByteArray() << "cannot open";
    QTest::newRow("invalid JSON") << QByteArray("{\"model\": {\"vocab\": ") << "invalid JSON";
    QTest::newRow("not an object") << QByteArray("[1, 2, 3]") << "must be a JSON object";
    QTest::newRow("missing model") << edited([](QJsonObject &r) { r.remove("model"); }) << "model is missing";
    QTest::newRow("missing model.vocab") << editModel([](QJsonObject &m) { m.remove("vocab"); })
                                         << "model.vocab is missing";
    QTest::newRow("vocab not an object") << editModel([](QJsonObject &m) { m["vocab"] = QJsonArray{1}; })
                                         << "model.vocab must be an object";
    QTest::newRow("unsupported model type") << editModel([](QJsonObject &m) { m["type"] = "WordPiece"; })
                                            << "model.type 'WordPiece' is not supported";
    QTest::newRow("merge with unknown symbol")
        << editModel([](QJsonObject &m) { m["merges"] = QJsonArray{QJsonArray{"a", "zz"}}; })
        << "model.merges[0] references 'zz'";
    QTest::newRow("string merge with unknown symbol")
        << editModel([](QJsonObject &m) { m["merges"] = QJsonArray{"a b", "ab qq"}; })
        << "model.merges[1] references 'qq'";
    QTest::newRow("merge result not in vocab")
        << editModel([](QJsonObject &m) { m["merges"] = QJsonArray{QJsonArray{"x", "y"}}; })
        << "model.merges[0] produces 'xy'";
    QTest::newRow("malformed string merge") << editModel([](QJsonObject &m) { m["merges"] = QJsonArray{"a  b"}; })
                                            << "model.merges[0] must be two symbols";
    QTest::newRow("duplicate id") << editModel([](QJsonObject &m) {
        QJsonObject vocab = m["vocab"].toObject();
        vocab["zz"] = 5;
        m["vocab"] = vocab;
    }) << "duplicate id 5";
    QTest::newRow("negative id") << editModel([](QJsonObject &m) {
        QJsonObject vocab = m["vocab"].toObject();
        vocab["zz"] = -1;
        m["vocab"] = vocab;
    }) << "model.vocab['zz'] must be an integer id";
    QTest::newRow("absurd id") << editModel([](QJsonObject &m) {
        QJsonObject vocab = m["vocab"].toObject();
        vocab["zz"] = 2000000000;
        m["vocab"] = vocab;
    }) << "too sparse";
    QTest::newRow("missing byte symbol") << editModel([](QJsonObject &m) {
        QJsonObject vocab = m["vocab"].toObject();
        vocab.remove("Ġ");
        m["vocab"] = vocab;
    }) << "lacks the ByteLevel symbol 'Ġ' of byte 0x20";
    QTest::newRow("dropout") << editModel([](QJsonObject &m) { m["dropout"] = 0.1; })
                             << "model.dropout is not supported";
    QTest::newRow("added token id taken") << editAdded("id", 3) << "added_tokens[0] has duplicate id 3";
    QTest::newRow("added token single_word") << editAdded("single_word", true)
                                             << "added_tokens[0].single_word true is not supported";
    QTest::newRow("added token empty") << editAdded("content", "") << "added_tokens[0].content must not be empty";
    QTest::newRow("unsupported normalizer")
        << edited([](QJsonObject &r) { r["normalizer"] = QJsonObject{{"type", "NFKC"}}; })
        << "normalizer.type 'NFKC' is not supported";
    QTest::newRow("unsupported pre-tokenizer")
        << edited([](QJsonObject &r) { r["pre_tokenizer"] = QJsonObject{{"type", "Whitespace"}}; })
        << "pre_tokenizer.type must be 'Sequence'";
    QTest::newRow("regex does not compile") << editPre(0, "pattern", QJsonObject{{"Regex", "(unclosed"}})
                                            << "pre_tokenizer.pretokenizers[0].pattern.Regex: regex does not compile";
    QTest::newRow("string pattern") << editPre(0, "pattern", QJsonObject{{"String", " "}})
                                    << "pre_tokenizer.pretokenizers[0].pattern.Regex is missing";
    QTest::newRow("split behaviour") << editPre(0, "behavior", "Removed")
                                     << "pre_tokenizer.pretokenizers[0].behavior must be 'Isolated'";
    QTest::newRow("ByteLevel use_regex") << editPre(1, "use_regex", true)
                                         << "pre_tokenizer.pretokenizers[1].use_regex must be false";
    QTest::newRow("ByteLevel prefix space") << editPre(1, "add_prefix_space", true)
                                            << "pre_tokenizer.pretokenizers[1].add_prefix_space must be false";
    QTest::newRow("decoder") << edited([](QJsonObject &r) { r["decoder"] = QJsonObject{{"type", "WordPiece"}}; })
                             << "decoder must be";
    QTest::newRow("template post-processor")
        << edited([](QJsonObject &r) { r["post_processor"] = QJsonObject{{"type", "TemplateProcessing"}}; })
        << "post_processor.type 'TemplateProcessing' is not supported";
    QTest::newRow("truncation") << edited([](QJsonObject &r) { r["truncation"] = QJsonObject{{"max_length", 8}}; })
                                << "truncation is not supported";
}

void TestTokenizer::badFiles()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, problem);
    const QString name = QString("bad-%1.json").arg(QTest::currentDataTag()).replace(' ', '_');
    const QString path = m_dir + "/" + name;
    std::optional<QString> message;
    if (json.isEmpty())
        message = errorFrom([&] { Tokenizer::fromFile(toPath(m_dir + "/does-not-exist.json")); });
    else
        message = errorFrom([&] { load(json, name); });
    QVERIFY2(message, "no Error thrown");
    QVERIFY2(message->contains(json.isEmpty() ? m_dir + "/does-not-exist.json" : path), qPrintable(*message));
    QVERIFY2(message->contains(problem), qPrintable(*message));
}

void TestTokenizer::invalidUtf8Input_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("where");
    QTest::newRow("stray continuation") << QByteArray("ok\x80") << "byte 0x80 at offset 2";
    QTest::newRow("0xFF") << QByteArray("\xff") << "byte 0xFF at offset 0";
    QTest::newRow("truncated sequence") << QByteArray("abc\xc3") << "byte 0xC3 at offset 3";
    QTest::newRow("overlong slash") << QByteArray("\xc0\xaf") << "byte 0xC0 at offset 0";
    QTest::newRow("overlong 3-byte") << QByteArray("a\xe0\x80\xaf") << "byte 0xE0 at offset 1";
    QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << "byte 0xED at offset 0";
    QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << "byte 0xF4 at offset 0";
    QTest::newRow("after special token") << QByteArray("<s>\xfe") << "byte 0xFE at offset 3";
}

void TestTokenizer::invalidUtf8Input()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, where);
    const Tokenizer tokenizer = load(toJson(tinyTokenizer({}, {{"<s>"}})));
    const std::string_view bytes(text.constData(), std::size_t(text.size()));
    const auto message = errorFrom([&] { tokenizer.encode(bytes); });
    QVERIFY2(message, "no Error thrown");
    QVERIFY2(message->contains("input text") && message->contains("not valid UTF-8") && message->contains(where),
             qPrintable(*message));
}

QTEST_APPLESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
