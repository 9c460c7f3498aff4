// SPDX-License-Identifier: MIT
// smartResize against the published rule evaluated by Python itself (the expected sizes below are
// what transformers' qwen2_vl smart_resize returns; they were computed with python3 from that
// function's text): halves rounding to even, the floor and ceil branches, the one-factor floor,
// extreme aspect ratios, Qwen2.5-VL-7B-Instruct's limits and VisionSelector's training limits.

#include "common/error.h"
#include "image/smart_resize.h"

#include <QtTest>

using namespace tokenscope;

class TestSmartResize : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesTheReference_data();
    void matchesTheReference();
    void resultHonoursTheLimits();
    void badInput();
};

void TestSmartResize::matchesTheReference_data()
{
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("width");
    QTest::addColumn<qint64>("minPixels");
    QTest::addColumn<qint64>("maxPixels");
    QTest::addColumn<int>("expectedHeight");
    QTest::addColumn<int>("expectedWidth");
    const qint64 qwenMin = 3136, qwenMax = 12845056;   // Qwen2.5-VL-7B-Instruct preprocessor_config.json
    QTest::newRow("on the grid") << 224 << 336 << qwenMin << qwenMax << 224 << 336;
    QTest::newRow("halves to even: 1.5 -> 2, 2.5 -> 2") << 42 << 70 << qwenMin << qwenMax << 56 << 56;
    QTest::newRow("2.5 -> 2, 3.5 -> 4") << 70 << 98 << qwenMin << qwenMax << 56 << 112;
    QTest::newRow("rounds to zero, then up to min") << 14 << 14 << qwenMin << qwenMax << 56 << 56;
    QTest::newRow("full HD") << 1080 << 1920 << qwenMin << qwenMax << 1092 << 1932;
    QTest::newRow("12 MP under the 7B maximum") << 4000 << 3000 << qwenMin << qwenMax << 4004 << 2996;
    QTest::newRow("VGA, 1280-token maximum") << 480 << 640 << qwenMin << qint64(1280 * 784) << 476 << 644;
    QTest::newRow("phone photo, floor branch") << 3024 << 4032 << qwenMin << qint64(1003520) << 840 << 1148;
    QTest::newRow("200:1 is allowed") << 56 << 11200 << qwenMin << qwenMax << 56 << 11200;
    QTest::newRow("one pixel high") << 1 << 200 << qwenMin << qwenMax << 28 << 812;
    QTest::newRow("VisionSelector training limit") << 500 << 500 << qwenMin << qint64(50176) << 224 << 224;
    QTest::newRow("one patch group") << 28 << 28 << qint64(784) << qint64(50176) << 28 << 28;
    QTest::newRow("narrow, ceil branch") << 100 << 7 << qwenMin << qwenMax << 224 << 28;
    QTest::newRow("48 MP to 1280 tokens") << 6000 << 8000 << qint64(256 * 784) << qint64(1280 * 784) << 840 << 1148;
    QTest::newRow("odd sizes") << 333 << 777 << qint64(256 * 784) << qint64(1280 * 784) << 336 << 784;
    QTest::newRow("thin strip") << 10 << 2000 << qwenMin << qwenMax << 28 << 812;
}

void TestSmartResize::matchesTheReference()
{
    QFETCH(int, height);
    QFETCH(int, width);
    QFETCH(qint64, minPixels);
    QFETCH(qint64, maxPixels);
    QFETCH(int, expectedHeight);
    QFETCH(int, expectedWidth);
    const ResizedSize size = smartResize(height, width, {28, minPixels, maxPixels});
    QCOMPARE(size.height, expectedHeight);
    QCOMPARE(size.width, expectedWidth);
}

void TestSmartResize::resultHonoursTheLimits()
{
    // Sizes from 1 to 3000 on one side against three others: multiples of the factor, at least
    // one factor, the area within [min, max].
    const PixelLimits limits{28, 256 * 784, 1280 * 784};
    for (int side = 1; side <= 3000; side += 7) {
        for (int other : {50, 480, 1111}) {
            if (std::max(side, other) > 200 * std::min(side, other))
                continue;
            const ResizedSize s = smartResize(side, other, limits);
            QVERIFY(s.height % 28 == 0 && s.width % 28 == 0);
            QVERIFY(s.height >= 28 && s.width >= 28);
            QVERIFY2(qint64(s.height) * s.width <= limits.maxPixels,
                     qPrintable(QStringLiteral("%1x%2 -> %3x%4").arg(side).arg(other).arg(s.height).arg(s.width)));
            QVERIFY(qint64(s.height) * s.width >= limits.minPixels);
        }
    }
}

void TestSmartResize::badInput()
{
    const auto fails = [](int height, int width, const PixelLimits &limits, const char *expected) {
        try {
            smartResize(height, width, limits);
        } catch (const Error &e) {
            return QString::fromUtf8(e.what()).contains(QLatin1String(expected));
        }
        return false;
    };
    QVERIFY(fails(0, 100, {}, "empty"));
    QVERIFY(fails(-3, 100, {}, "empty"));
    QVERIFY(fails(10, 2011, {}, "aspect ratio"));
    QVERIFY(fails(100, 100, {0, 3136, 50176}, "must be positive"));
    QVERIFY(fails(100, 100, {28, 50176, 3136}, "min_pixels <= max_pixels"));
}

QTEST_APPLESS_MAIN(TestSmartResize)
#include "tst_smart_resize.moc"
