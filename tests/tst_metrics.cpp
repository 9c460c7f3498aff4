// SPDX-License-Identifier: MIT
// Answer-quality metrics: the EvalAI / exact-match / ANLS normalisations, VQA accuracy, ANLS,
// ChartQA relaxed accuracy and MME, with worked examples from each benchmark's definition.
#include "common/error.h"
#include "eval/answer_normalization.h"
#include "eval/metrics.h"

#include <QtTest>

#include <string>
#include <vector>

using namespace tokenscope;

namespace {

std::vector<std::string> toStd(const QStringList &list)
{
    std::vector<std::string> out;
    for (const QString &item : list)
        out.push_back(item.toStdString());
    return out;
}

QStringList repeated(const QString &answer, int count)
{
    QStringList list;
    for (int i = 0; i < count; ++i)
        list << answer;
    return list;
}

// Ten VQA answers of which `matching` say "2" (spelled several ways) and the rest "3".
QStringList tenAnswers(int matching)
{
    const QStringList spellings{"2", "two", "Two.", "2"};
    QStringList list;
    for (int i = 0; i < matching; ++i)
        list << spellings[i % spellings.size()];
    return list + repeated("three", 10 - matching);
}

} // namespace

class TestMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void metricNamesRoundTrip();
    void unknownMetricNames_data();
    void unknownMetricNames();

    void exactMatchNormalization_data();
    void exactMatchNormalization();
    void vqaNormalization_data();
    void vqaNormalization();
    void anlsNormalization_data();
    void anlsNormalization();

    void exactMatch_data();
    void exactMatch();
    void vqaAccuracy_data();
    void vqaAccuracy();
    void anls_data();
    void anls();
    void chartNumbers_data();
    void chartNumbers();
    void relaxedAccuracy_data();
    void relaxedAccuracy();

    void yesNo_data();
    void yesNo();
    void mmeCorrectness();
    void mmeBadTruthThrows();
    void mmeAggregation();
    void mmeAggregationEmpty();

    void scoreAnswerDispatch_data();
    void scoreAnswerDispatch();
};

// --- names ------------------------------------------------------------------------------------------

void TestMetrics::metricNamesRoundTrip()
{
    QCOMPARE(QString::fromStdString(metricNames()),
             QStringLiteral("exact_match, vqa_accuracy, anls, relaxed_accuracy, mme"));
    for (Metric metric : kAllMetrics) {
        const std::optional<Metric> parsed = parseMetric(metricName(metric));
        QVERIFY(parsed.has_value());
        QCOMPARE(*parsed, metric);
    }
    QCOMPARE(*parseMetric("anls"), Metric::Anls);
    QCOMPARE(*parseMetric("relaxed_accuracy"), Metric::RelaxedAccuracy);
}

void TestMetrics::unknownMetricNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("empty") << "";
    QTest::newRow("case") << "Exact_Match";
    QTest::newRow("trailing space") << "anls ";
    QTest::newRow("abbreviation") << "vqa";
    QTest::newRow("lmms-eval key") << "anls,none";
}

void TestMetrics::unknownMetricNames()
{
    QFETCH(QString, name);
    QVERIFY(!parseMetric(name.toStdString()).has_value());
}

// --- normalisations ------------------------------------------------------------------------------------

void TestMetrics::exactMatchNormalization_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("case, article kept, punctuation") << "  The Cat!  " << "the cat";
    QTest::newRow("abbreviation") << "U.S.A." << "usa";
    QTest::newRow("whitespace collapse") << "hello,\tworld\n" << "hello world";
    QTest::newRow("all ascii punctuation") << "a!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~b" << "ab";
    QTest::newRow("non-ascii letters") << "CAFÉ Ω" << "café ω";
}

void TestMetrics::exactMatchNormalization()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(normalizeExactMatch(input.toStdString())), expected);
}

void TestMetrics::vqaNormalization_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("contraction") << "dont" << "don't";
    QTest::newRow("contraction in phrase") << "I dont know" << "i don't know";
    QTest::newRow("number word") << "Two" << "2";
    QTest::newRow("none is zero") << "none" << "0";
    QTest::newRow("ten") << "ten" << "10";
    QTest::newRow("eleven stays") << "eleven" << "eleven";
    QTest::newRow("article and period") << "the cat." << "cat";
    QTest::newRow("article only") << "a" << "";
    QTest::newRow("digit group comma") << "1,000" << "1000";
    QTest::newRow("decimal kept") << "3.14" << "3.14";
    QTest::newRow("trailing period of number") << "3." << "3";
    QTest::newRow("leading decimal point") << ".5" << ".5";
    QTest::newRow("question mark") << "What?" << "what";
    QTest::newRow("exclamation splits") << "A dog!" << "dog";
    QTest::newRow("hyphen inside word splits") << "black-and-white" << "black and white";
    QTest::newRow("hyphen next to space deleted") << "black - white" << "black white";
    QTest::newRow("parentheses") << "(US)" << "us";
    QTest::newRow("possessive split") << "it's red" << "it 's red";
    QTest::newRow("tabs and newlines") << "  Ten\tapples\n" << "10 apples";
    QTest::newRow("dollar and colon kept") << "$5 at 10:30" << "$5 at 10:30";
    QTest::newRow("reference quirk somebody'd") << "somebody'd" << "somebodyd";
    QTest::newRow("unicode lower case") << "CAFÉ" << "café";
    // The reference's re.sub passes re.UNICODE (32) as the count: the 33rd period survives.
    QTest::newRow("at most 32 periods stripped") << "x" + QString(33, '.') << "x.";
}

void TestMetrics::vqaNormalization()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(normalizeVqaAnswer(input.toStdString())), expected);
}

void TestMetrics::anlsNormalization_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("collapse and lower") << "  Hello   World \n" << "hello world";
    QTest::newRow("punctuation kept") << "U.S.A." << "u.s.a.";
    QTest::newRow("no-break space is whitespace") << QString("a") + QChar(0x00A0) + "b" << "a b";
    QTest::newRow("greek and cyrillic") << "ΑΒΓ ЖИЁ" << "αβγ жиё";
}

void TestMetrics::anlsNormalization()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(normalizeAnls(input.toStdString())), expected);
}

// --- per-sample metrics ------------------------------------------------------------------------------------

void TestMetrics::exactMatch_data()
{
    QTest::addColumn<QString>("prediction");
    QTest::addColumn<QStringList>("answers");
    QTest::addColumn<double>("expected");
    QTest::newRow("punctuation and case") << "Paris." << QStringList{"paris"} << 1.0;
    QTest::newRow("any answer") << "Paris" << QStringList{"London", "PARIS"} << 1.0;
    QTest::newRow("prefix is not a match") << "Pari" << QStringList{"paris"} << 0.0;
    QTest::newRow("number words are not mapped") << "two" << QStringList{"2"} << 0.0;
    QTest::newRow("no answers") << "x" << QStringList{} << 0.0;
}

void TestMetrics::exactMatch()
{
    QFETCH(QString, prediction);
    QFETCH(QStringList, answers);
    QFETCH(double, expected);
    QCOMPARE(tokenscope::exactMatch(prediction.toStdString(), toStd(answers)), expected);
}

void TestMetrics::vqaAccuracy_data()
{
    QTest::addColumn<QString>("prediction");
    QTest::addColumn<QStringList>("answers");
    QTest::addColumn<double>("expected");
    // Ten answers, k of them match. Answer i scores min(1, matches among the other 9 / 3):
    // a matching answer sees k-1 matches, a non-matching one sees k.
    //   k=0: 10 * 0                         / 10 = 0
    //   k=1: (1 * 0/3 + 9 * 1/3)            / 10 = 3/10   = 0.3
    //   k=2: (2 * 1/3 + 8 * 2/3)            / 10 = 6/10   = 0.6
    //   k=3: (3 * 2/3 + 7 * 1)              / 10 = 9/10   = 0.9
    //   k=4: (4 * 1 + 6 * 1)                / 10 = 1
    // The matching answers are spelled "2", "two", "Two." so normalisation must unify them.
    QTest::newRow("0 of 10") << "Two" << tenAnswers(0) << 0.0;
    QTest::newRow("1 of 10") << "Two" << tenAnswers(1) << 0.3;
    QTest::newRow("2 of 10") << "Two" << tenAnswers(2) << 0.6;
    QTest::newRow("3 of 10") << "Two" << tenAnswers(3) << 0.9;
    QTest::newRow("4 of 10") << "Two" << tenAnswers(4) << 1.0;
    QTest::newRow("10 of 10") << "2" << tenAnswers(10) << 1.0;
    QTest::newRow("other answer 6 of 10") << "three" << tenAnswers(4) << 1.0;
    // Three answers, all matching: each sees 2 others -> 2/3 each.
    QTest::newRow("3 answers all match") << "cat" << QStringList{"cat", "the cat", "Cat."} << 2.0 / 3.0;
    QTest::newRow("single answer match") << "the cat" << QStringList{"cat"} << 1.0;
    QTest::newRow("single answer miss") << "dog" << QStringList{"cat"} << 0.0;
    QTest::newRow("no answers") << "dog" << QStringList{} << 0.0;
}

void TestMetrics::vqaAccuracy()
{
    QFETCH(QString, prediction);
    QFETCH(QStringList, answers);
    QFETCH(double, expected);
    QCOMPARE(tokenscope::vqaAccuracy(prediction.toStdString(), toStd(answers)), expected);
}

void TestMetrics::anls_data()
{
    QTest::addColumn<QString>("prediction");
    QTest::addColumn<QStringList>("answers");
    QTest::addColumn<double>("expected");
    QTest::newRow("exact after normalisation") << "Hello World" << QStringList{"hello  world"} << 1.0;
    // "hello wrld" vs "hello world": 1 edit, longest 11 -> 1 - 1/11.
    QTest::newRow("near") << "hello wrld" << QStringList{"hello world"} << 1.0 - 1.0 / 11.0;
    QTest::newRow("completely different") << "abc" << QStringList{"xyz"} << 0.0;
    // 1 edit over 2 characters = 0.5 exactly: at the threshold, kept.
    QTest::newRow("at threshold") << "ab" << QStringList{"ac"} << 0.5;
    // 2 edits over 3 characters -> 1/3 < 0.5 -> 0.
    QTest::newRow("below threshold") << "abc" << QStringList{"axy"} << 0.0;
    // cart: 1 insertion over 4 -> 0.75; dog -> 0. The best answer wins.
    QTest::newRow("max over answers") << "cat" << QStringList{"dog", "cart"} << 0.75;
    // Code points, not bytes: one substitution over 4 characters (bytes would give 1 - 2/5).
    QTest::newRow("unicode substitution") << "café" << QStringList{"cafe"} << 0.75;
    QTest::newRow("unicode case") << "ÜBER" << QStringList{"über"} << 1.0;
    QTest::newRow("cjk") << "東京都" << QStringList{"東京"} << 1.0 - 1.0 / 3.0;
    // Reference quirk: the divisor is the un-normalised length ("  hello " has 8), so 1 - 1/8.
    QTest::newRow("unnormalised length") << "  hello " << QStringList{"hellp"} << 1.0 - 1.0 / 8.0;
    QTest::newRow("both empty") << "" << QStringList{""} << 1.0;
    QTest::newRow("no answers") << "x" << QStringList{} << 0.0;
}

void TestMetrics::anls()
{
    QFETCH(QString, prediction);
    QFETCH(QStringList, answers);
    QFETCH(double, expected);
    QCOMPARE(tokenscope::anls(prediction.toStdString(), toStd(answers)), expected);
}

void TestMetrics::chartNumbers_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("isNumber");
    QTest::addColumn<double>("value");
    QTest::newRow("integer") << "12" << true << 12.0;
    QTest::newRow("negative decimal") << "-3.5" << true << -3.5;
    QTest::newRow("plus sign") << "+4" << true << 4.0;
    QTest::newRow("leading point") << ".5" << true << 0.5;
    QTest::newRow("trailing point") << "5." << true << 5.0;
    QTest::newRow("exponent") << "1e3" << true << 1000.0;
    QTest::newRow("percent") << "12%" << true << 0.12;
    QTest::newRow("percent with space") << " 50 % " << true << 0.5;
    QTest::newRow("double percent") << "12%%" << true << 0.12;
    QTest::newRow("word") << "abc" << false << 0.0;
    QTest::newRow("thousands separator") << "1,000" << false << 0.0;
    QTest::newRow("bare exponent") << "e5" << false << 0.0;
    QTest::newRow("two points") << "1.2.3" << false << 0.0;
    QTest::newRow("empty") << "" << false << 0.0;
    QTest::newRow("percent only") << "%" << false << 0.0;
    QTest::newRow("unit suffix") << "12kg" << false << 0.0;
}

void TestMetrics::chartNumbers()
{
    QFETCH(QString, text);
    QFETCH(bool, isNumber);
    QFETCH(double, value);
    const std::optional<double> parsed = parseChartNumber(text.toStdString());
    QCOMPARE(parsed.has_value(), isNumber);
    if (isNumber)
        QCOMPARE(*parsed, value);
}

void TestMetrics::relaxedAccuracy_data()
{
    QTest::addColumn<QString>("prediction");
    QTest::addColumn<QStringList>("answers");
    QTest::addColumn<double>("expected");
    QTest::newRow("4.9% high") << "104.9" << QStringList{"100"} << 1.0;
    QTest::newRow("5.1% high") << "105.1" << QStringList{"100"} << 0.0;
    QTest::newRow("4.9% low") << "95.1" << QStringList{"100"} << 1.0;
    QTest::newRow("5.1% low") << "94.9" << QStringList{"100"} << 0.0;
    QTest::newRow("exactly 5%") << "105" << QStringList{"100"} << 1.0;
    // |-10 - -10.4| / 10.4 = 0.038
    QTest::newRow("negative") << "-10" << QStringList{"-10.4"} << 1.0;
    QTest::newRow("percent vs fraction") << "12%" << QStringList{"0.12"} << 1.0;
    QTest::newRow("percent vs plain number") << "12%" << QStringList{"12"} << 0.0;
    QTest::newRow("both percent") << "12.5%" << QStringList{"13%"} << 1.0;
    // An answer of 0 falls back to string comparison.
    QTest::newRow("zero equal strings") << "0" << QStringList{"0"} << 1.0;
    QTest::newRow("zero different spelling") << "0.0" << QStringList{"0"} << 0.0;
    QTest::newRow("near zero") << "0.01" << QStringList{"0"} << 0.0;
    QTest::newRow("zero prediction") << "0" << QStringList{"10"} << 0.0;
    QTest::newRow("text case-insensitive") << "Yes" << QStringList{"yes"} << 1.0;
    QTest::newRow("text trimmed") << " Blue \n" << QStringList{"blue"} << 1.0;
    QTest::newRow("text partial") << "blue" << QStringList{"light blue"} << 0.0;
    QTest::newRow("thousands separator is text") << "1,000" << QStringList{"1000"} << 0.0;
    QTest::newRow("exponent") << "1e3" << QStringList{"1000"} << 1.0;
    // 0.2 / 7.2 = 0.028 against the second answer.
    QTest::newRow("any answer") << "7" << QStringList{"x", "7.2"} << 1.0;
    QTest::newRow("no answers") << "7" << QStringList{} << 0.0;
}

void TestMetrics::relaxedAccuracy()
{
    QFETCH(QString, prediction);
    QFETCH(QStringList, answers);
    QFETCH(double, expected);
    QCOMPARE(tokenscope::relaxedAccuracy(prediction.toStdString(), toStd(answers)), expected);
}

// --- MME ----------------------------------------------------------------------------------------------------

void TestMetrics::yesNo_data()
{
    QTest::addColumn<QString>("prediction");
    QTest::addColumn<int>("expected");
    const int yes = static_cast<int>(YesNo::Yes);
    const int no = static_cast<int>(YesNo::No);
    const int other = static_cast<int>(YesNo::Other);
    QTest::newRow("Yes") << "Yes" << yes;
    QTest::newRow("no.") << "no." << no;
    QTest::newRow("YES. padded") << "  YES.  " << yes;
    QTest::newRow("y") << "y" << yes;
    QTest::newRow("N") << "N" << no;
    QTest::newRow("single other") << "x" << other;
    QTest::newRow("yes sentence") << "Yes, there is a dog." << yes;
    QTest::newRow("no sentence") << "No, it is not." << no;
    QTest::newRow("no outside first 4") << "There is no dog" << other;
    QTest::newRow("not sure counts as no") << "not sure" << no;
    QTest::newRow("nope") << "nope" << no;
    QTest::newRow("yesterday counts as yes") << "Yesterday" << yes;
    QTest::newRow("two letters") << "Ye." << other;
    QTest::newRow("empty") << "" << other;
    QTest::newRow("periods removed before prefix") << "...yes" << yes;
}

void TestMetrics::yesNo()
{
    QFETCH(QString, prediction);
    QFETCH(int, expected);
    QCOMPARE(static_cast<int>(parseYesNo(prediction.toStdString())), expected);
}

void TestMetrics::mmeCorrectness()
{
    QVERIFY(mmeCorrect("Yes", {"Yes"}));
    QVERIFY(mmeCorrect("no, it is not", {"No"}));
    QVERIFY(mmeCorrect("yes", {"yes."}));
    QVERIFY(!mmeCorrect("No", {"Yes"}));
    QVERIFY(!mmeCorrect("maybe", {"No"}));
    QCOMPARE(scoreAnswer(Metric::Mme, "Yes.", {"Yes"}), 1.0);
    QCOMPARE(scoreAnswer(Metric::Mme, "There is no dog", {"No"}), 0.0);
}

void TestMetrics::mmeBadTruthThrows()
{
    QVERIFY_THROWS_EXCEPTION(Error, mmeCorrect("Yes", {"Maybe"}));
    QVERIFY_THROWS_EXCEPTION(Error, mmeCorrect("Yes", {}));
    try {
        mmeCorrect("Yes", {"Maybe"});
    } catch (const Error &error) {
        QVERIFY(error.problem().find("Maybe") != std::string::npos);
    }
}

void TestMetrics::mmeAggregation()
{
    // existence: a.jpg both right, b.jpg one right -> acc 3/4, acc+ 1/2 -> 125
    // count:     a.jpg both right (same key, other category) -> 200
    // OCR:       c.jpg both wrong, d.jpg both right -> acc 1/2, acc+ 1/2 -> 100
    // code_reasoning: e.jpg one right -> acc 1/2, acc+ 0 -> 50
    // text_translation: f.jpg both right -> 200
    // extra (unknown): g.jpg both right -> 200, reported but in neither sum
    // perception = 125 + 200 + 100 = 425; cognition = 50 + 200 = 250
    const std::vector<MmeQuestion> questions{
        {"extra", "g.jpg", true},        {"OCR", "c.jpg", false},
        {"existence", "a.jpg", true},    {"code_reasoning", "e.jpg", true},
        {"existence", "b.jpg", false},   {"count", "a.jpg", true},
        {"text_translation", "f.jpg", true}, {"existence", "a.jpg", true},
        {"OCR", "d.jpg", true},          {"existence", "b.jpg", true},
        {"count", "a.jpg", true},        {"OCR", "c.jpg", false},
        {"code_reasoning", "e.jpg", false}, {"text_translation", "f.jpg", true},
        {"OCR", "d.jpg", true},          {"extra", "g.jpg", true},
    };
    const MmeScores scores = mmeScores(questions);

    struct Expected {
        const char *category;
        double acc;
        double accPlus;
        double score;
        int questions;
        int images;
    };
    const std::vector<Expected> expected{
        {"existence", 0.75, 0.5, 125.0, 4, 2},  {"count", 1.0, 1.0, 200.0, 2, 1},
        {"OCR", 0.5, 0.5, 100.0, 4, 2},          {"text_translation", 1.0, 1.0, 200.0, 2, 1},
        {"code_reasoning", 0.5, 0.0, 50.0, 2, 1}, {"extra", 1.0, 1.0, 200.0, 2, 1},
    };
    QCOMPARE(scores.categories.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const MmeCategoryScore &got = scores.categories[i];
        QCOMPARE(QString::fromStdString(got.category), QString::fromLatin1(expected[i].category));
        QCOMPARE(got.acc, expected[i].acc);
        QCOMPARE(got.accPlus, expected[i].accPlus);
        QCOMPARE(got.score, expected[i].score);
        QCOMPARE(got.questions, expected[i].questions);
        QCOMPARE(got.images, expected[i].images);
    }
    QCOMPARE(scores.perception, 425.0);
    QCOMPARE(scores.cognition, 250.0);

    QCOMPARE(mmeGroup("OCR"), MmeGroup::Perception);
    QCOMPARE(mmeGroup("ocr"), MmeGroup::Other);
    QCOMPARE(mmeGroup("numerical_calculation"), MmeGroup::Cognition);
}

void TestMetrics::mmeAggregationEmpty()
{
    const MmeScores scores = mmeScores({});
    QVERIFY(scores.categories.empty());
    QCOMPARE(scores.perception, 0.0);
    QCOMPARE(scores.cognition, 0.0);
}

// --- dispatch -------------------------------------------------------------------------------------------------

void TestMetrics::scoreAnswerDispatch_data()
{
    QTest::addColumn<QString>("metric");
    QTest::addColumn<QString>("prediction");
    QTest::addColumn<QStringList>("answers");
    QTest::addColumn<double>("expected");
    // "Two" against "2": only the VQA normalisation maps number words.
    QTest::newRow("exact_match") << "exact_match" << "Two" << QStringList{"2"} << 0.0;
    QTest::newRow("vqa_accuracy") << "vqa_accuracy" << "Two" << QStringList{"2"} << 1.0;
    QTest::newRow("anls") << "anls" << "Two" << QStringList{"2"} << 0.0;
    QTest::newRow("relaxed_accuracy") << "relaxed_accuracy" << "Two" << QStringList{"2"} << 0.0;
    // "102" against "100": within 5% for ChartQA only; ANLS 1 - 1/3 = 0.667.
    QTest::newRow("relaxed number") << "relaxed_accuracy" << "102" << QStringList{"100"} << 1.0;
    QTest::newRow("exact number") << "exact_match" << "102" << QStringList{"100"} << 0.0;
    QTest::newRow("anls number") << "anls" << "102" << QStringList{"100"} << 1.0 - 1.0 / 3.0;
    QTest::newRow("mme") << "mme" << "Yes" << QStringList{"Yes"} << 1.0;
}

void TestMetrics::scoreAnswerDispatch()
{
    QFETCH(QString, metric);
    QFETCH(QString, prediction);
    QFETCH(QStringList, answers);
    QFETCH(double, expected);
    const std::optional<Metric> parsed = parseMetric(metric.toStdString());
    QVERIFY(parsed.has_value());
    QCOMPARE(scoreAnswer(*parsed, prediction.toStdString(), toStd(answers)), expected);
}

QTEST_APPLESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
