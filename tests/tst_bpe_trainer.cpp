// SPDX-License-Identifier: MIT
// The byte-level BPE trainer: a merge order worked out by hand, determinism, the vocabulary
// limit, min frequency, special tokens, and that the written tokenizer.json — loaded by the
// engine's own Tokenizer — reproduces what training computed and round-trips every text.

#include "common/error.h"
#include "tokenizer/bpe_trainer.h"
#include "tokenizer/tokenizer.h"
#include "test_support.h"

#include <QtTest>

#include <algorithm>
#include <random>

using namespace tokenscope;
using tokenscope::test::errorFrom;
using tokenscope::test::scratchDir;

namespace {

using Merges = std::vector<std::pair<std::string, std::string>>;

QString describe(const Merges &merges)
{
    QStringList parts;
    for (const auto &[l, r] : merges)
        parts << QString::fromStdString("(" + l + "," + r + ")");
    return parts.join(' ');
}

QString describe(const std::vector<TokenId> &ids)
{
    QStringList parts;
    for (const TokenId id : ids)
        parts << QString::number(id);
    return "[" + parts.join(',') + "]";
}

// Templated questions and answers like the demo task's: few distinct words, many repeats.
std::vector<std::string> repetitiveCorpus(int count, unsigned seed)
{
    const std::vector<std::string> colours = {"red", "green", "blue", "yellow", "purple"};
    const std::vector<std::string> shapes = {"circle", "square", "triangle"};
    std::mt19937 rng(seed);
    std::vector<std::string> texts;
    for (int i = 0; i < count; ++i) {
        const auto &colour = colours[rng() % colours.size()];
        const auto &shape = shapes[rng() % shapes.size()];
        const auto n = std::to_string(rng() % 20);
        texts.push_back("How many " + colour + " " + shape + "s are in the image? Answer with a number.");
        texts.push_back(n);
        texts.push_back("What colour is the " + shape + " in the top left tile?");
        texts.push_back(colour);
    }
    return texts;
}

Tokenizer writeAndLoad(const ByteLevelBpeSpec &spec, const std::string &name)
{
    const auto path = scratchDir("tst_bpe_trainer_" + name) / "tokenizer.json";
    writeByteLevelBpeTokenizer(path, spec);
    return Tokenizer::fromFile(path);
}

// Every distinct piece must encode, through the engine's tokenizer, to the tokens training left.
void expectSegmentationReproduced(const BpeTrainingResult &result, const Tokenizer &tokenizer)
{
    for (const auto &[piece, tokens] : result.segmentation) {
        std::vector<TokenId> expected;
        for (const auto &token : tokens) {
            const auto id = tokenizer.tokenToId(token);
            QVERIFY2(id, qPrintable(QString::fromStdString("no id for " + token)));
            expected.push_back(*id);
        }
        const auto actual = tokenizer.encode(piece);
        QVERIFY2(actual == expected, qPrintable(QString::fromStdString("'" + piece + "': ") + describe(actual)
                                                + " vs trained " + describe(expected)));
    }
}

} // namespace

class TestBpeTrainer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // "aaabdaaabac" is one pre-token (a letter run). Pair counts, by hand:
    //   a a a b d a a a b a c : aa=4 ab=2 bd=1 da=1 ba=1 ac=1         -> merge (a,a)
    //   aa a b d aa a b a c   : (aa,a)=2 (a,b)=2, the rest 1; tie: "a" < "aa" -> merge (a,b)
    //   aa ab d aa ab a c     : (aa,ab)=2, the rest 1                  -> merge (aa,ab)
    //   aaab d aaab a c       : every pair 1 < minFrequency 2          -> stop, 5 tokens
    void handWorkedMergeOrder()
    {
        BpeTrainingOptions options;
        options.minFrequency = 2;
        const auto result = trainByteLevelBpeWithStats({"aaabdaaabac"}, options);
        const Merges expected = {{"a", "a"}, {"a", "b"}, {"aa", "ab"}};
        QVERIFY2(result.spec.merges == expected, qPrintable(describe(result.spec.merges)));
        QCOMPARE(result.stats.stopReason, std::string("min frequency"));
        QCOMPARE(result.stats.tokens, std::uint64_t(5));
        QCOMPARE(result.segmentation.size(), std::size_t(1));
        const std::vector<std::string> pieces = {"aaab", "d", "aaab", "a", "c"};
        QVERIFY(result.segmentation[0].second == pieces);
    }

    // With minFrequency 1 the single-count pairs merge too, smallest strings first:
    //   (a,c) -> aaab d aaab ac; (aaab,ac) -> aaab d aaabac; (aaab,d); (aaabd,aaabac): one token.
    void minFrequencyStopsMerging()
    {
        BpeTrainingOptions options;
        options.minFrequency = 1;
        const auto all = trainByteLevelBpeWithStats({"aaabdaaabac"}, options);
        const Merges expected = {{"a", "a"}, {"a", "b"}, {"aa", "ab"}, {"a", "c"}, {"aaab", "ac"}, {"aaab", "d"},
                                 {"aaabd", "aaabac"}};
        QVERIFY2(all.spec.merges == expected, qPrintable(describe(all.spec.merges)));
        QCOMPARE(all.stats.tokens, std::uint64_t(1));
        QCOMPARE(all.stats.stopReason, std::string("no pairs left"));

        options.minFrequency = 5;   // the best pair, (a,a), is seen 4 times
        const auto none = trainByteLevelBpeWithStats({"aaabdaaabac"}, options);
        QVERIFY(none.spec.merges.empty());
        QCOMPARE(none.stats.tokens, std::uint64_t(11));
        QCOMPARE(none.stats.stopReason, std::string("min frequency"));

        options.minFrequency = 4;
        QCOMPARE(trainByteLevelBpe({"aaabdaaabac"}, options).merges.size(), std::size_t(1));
    }

    void vocabularyLimitCountsBytesMergesAndSpecials()
    {
        BpeTrainingOptions options;
        options.vocabSize = 256 + 2 + 1;
        options.specialTokens = {"<s>"};
        const auto result = trainByteLevelBpeWithStats({"aaabdaaabac"}, options);
        const Merges expected = {{"a", "a"}, {"a", "b"}};
        QVERIFY2(result.spec.merges == expected, qPrintable(describe(result.spec.merges)));
        QCOMPARE(result.stats.stopReason, std::string("vocabulary full"));

        options.vocabSize = 300;
        options.minFrequency = 1;
        options.specialTokens = {"<|im_start|>", "<|im_end|>"};
        const auto spec = trainByteLevelBpe(repetitiveCorpus(200, 1), options);
        QCOMPARE(spec.merges.size(), std::size_t(300 - 256 - 2));
        QCOMPARE(writeAndLoad(spec, "limit").vocabSize(), std::size_t(300));
    }

    // Counts are sums, ties are broken by strings: the text order and hash order cannot matter.
    void deterministic()
    {
        BpeTrainingOptions options;
        options.vocabSize = 600;
        auto texts = repetitiveCorpus(300, 7);
        texts.push_back("你好世界，你好！🙂🙂 emoji 🙂");
        const auto first = trainByteLevelBpe(texts, options);
        QVERIFY(first.merges.size() > 50);
        QVERIFY(trainByteLevelBpe(texts, options).merges == first.merges);
        std::shuffle(texts.begin(), texts.end(), std::mt19937(3));
        QVERIFY(trainByteLevelBpe(texts, options).merges == first.merges);
    }

    void specialTokensAreWholeAndLast()
    {
        BpeTrainingOptions options;
        options.vocabSize = 512;
        options.specialTokens = {"<|endoftext|>", "<|im_start|>", "<|im_end|>", "<IMG_CONTEXT>"};
        std::vector<std::string> texts;
        for (int i = 0; i < 50; ++i)
            texts.push_back("<|im_start|>user\nHow many circles?<|im_end|>\n<|im_start|>assistant\n"
                            + std::to_string(i) + "<|im_end|><IMG_CONTEXT><IMG_CONTEXT>");
        const auto result = trainByteLevelBpeWithStats(texts, options);
        // Had the tokens been text, "im", "_start" and "CONTEXT" would repeat 50-100 times.
        for (const auto &[l, r] : result.spec.merges) {
            const auto merged = l + r;
            QVERIFY2(merged.find("im_") == std::string::npos && merged.find("CONTEXT") == std::string::npos,
                     qPrintable(QString::fromStdString(merged)));
        }
        const Tokenizer tokenizer = writeAndLoad(result.spec, "special");
        const auto firstSpecial = TokenId(256 + result.spec.merges.size());
        for (std::size_t i = 0; i < options.specialTokens.size(); ++i) {
            const auto id = firstSpecial + TokenId(i);
            QCOMPARE(tokenizer.tokenToId(options.specialTokens[i]), std::optional<TokenId>(id));
            QVERIFY(tokenizer.isSpecial(id));
            QVERIFY(tokenizer.encode(options.specialTokens[i]) == std::vector<TokenId>{id});
        }
        QCOMPARE(tokenizer.vocabSize(), std::size_t(firstSpecial) + options.specialTokens.size());

        // Texts made of special tokens only leave nothing to learn.
        const auto empty = trainByteLevelBpeWithStats({"<|im_end|><|im_end|>", "<|im_end|>"}, options);
        QVERIFY(empty.spec.merges.empty());
        QCOMPARE(empty.stats.pieces, std::uint64_t(0));
    }

    // The engine's tokenizer, loading the written file, must cut every piece exactly as training
    // left it, and decode(encode(text)) must give every text back (emoji and CJK through bytes).
    void writtenFileMatchesTrainingAndRoundTrips()
    {
        BpeTrainingOptions options;
        options.vocabSize = 700;
        options.specialTokens = {"<|im_start|>", "<|im_end|>"};
        auto texts = repetitiveCorpus(300, 11);
        texts.push_back("<|im_start|>system\n你是书生·万象，英文名是InternVL。<|im_end|>\n");
        texts.push_back("你好世界，你好！🙂🙂 emoji 🙂 naïve café — “quotes” 1234\t tabs\r\n\n  spaces  ");
        texts.push_back("you're it's we'll I'D don't");
        const auto result = trainByteLevelBpeWithStats(texts, options);
        QVERIFY(result.stats.uniquePieces == result.segmentation.size());
        const Tokenizer tokenizer = writeAndLoad(result.spec, "roundtrip");

        expectSegmentationReproduced(result, tokenizer);
        if (QTest::currentTestFailed())
            return;
        for (const auto &text : texts)
            QCOMPARE(tokenizer.decode(tokenizer.encode(text)), text);
    }

    // Random words over a tiny alphabet, merged down to single counts: runs like "aaaa" stress the
    // left-to-right, non-overlapping merging that must match the runtime's rank-ordered merging.
    void randomWordsAgreeWithRuntime()
    {
        std::mt19937 rng(2);
        std::vector<std::string> texts;
        for (int i = 0; i < 400; ++i) {
            std::string word(1 + rng() % 14, 'a');
            for (char &c : word)
                c = "aab"[rng() % 3];
            texts.push_back(word);
        }
        BpeTrainingOptions options;
        options.vocabSize = 4000;
        options.minFrequency = 1;
        const auto result = trainByteLevelBpeWithStats(texts, options);
        QVERIFY(result.spec.merges.size() > 100);
        const Tokenizer tokenizer = writeAndLoad(result.spec, "random");
        expectSegmentationReproduced(result, tokenizer);
    }

    // The runtime applies NFC before splitting, so training must count "e" + U+0301 as "é".
    void normalisesLikeTheRuntime()
    {
        const std::string decomposed = "cafe\xCC\x81";   // e + COMBINING ACUTE ACCENT
        const auto result = trainByteLevelBpeWithStats({decomposed, decomposed, " " + decomposed}, {});
        std::vector<std::string> pieces;
        for (const auto &[piece, tokens] : result.segmentation)
            pieces.push_back(piece);
        const std::vector<std::string> expected = {" caf\xC3\xA9", "caf\xC3\xA9"};
        QVERIFY(pieces == expected);
        const Tokenizer tokenizer = writeAndLoad(result.spec, "nfc");
        QCOMPARE(tokenizer.encode(decomposed).size(), std::size_t(1));
    }

    void compressesRepetitiveText()
    {
        BpeTrainingOptions options;
        options.vocabSize = 1024;
        const auto texts = repetitiveCorpus(500, 5);
        const Tokenizer tokenizer = writeAndLoad(trainByteLevelBpe(texts, options), "compress");
        std::size_t bytes = 0, tokens = 0;
        for (const auto &text : texts) {
            bytes += text.size();
            tokens += tokenizer.encode(text).size();
        }
        // Every word of this corpus fits in the vocabulary: about one token per word.
        QVERIFY2(tokens * 4 < bytes, qPrintable(QString("%1 tokens for %2 bytes").arg(tokens).arg(bytes)));
    }

    void badOptionsAndTexts()
    {
        BpeTrainingOptions options;
        options.vocabSize = 257;
        options.specialTokens = {"<a>", "<b>"};
        auto message = errorFrom([&] { trainByteLevelBpe({"abc"}, options); });
        QVERIFY(message && message->contains("below the 258 ids"));

        options = {};
        options.minFrequency = 0;
        message = errorFrom([&] { trainByteLevelBpe({"abc"}, options); });
        QVERIFY(message && message->contains("min frequency"));

        options = {};
        options.specialTokens = {"<a>", "<a>"};
        message = errorFrom([&] { trainByteLevelBpe({"abc"}, options); });
        QVERIFY(message && message->contains("given twice"));

        options = {};
        message = errorFrom([&] { trainByteLevelBpe({"ok", std::string("bad \xC3", 5)}, options); });
        QVERIFY(message && message->contains("training text 1") && message->contains("UTF-8"));
    }
};

QTEST_GUILESS_MAIN(TestBpeTrainer)
#include "tst_bpe_trainer.moc"
