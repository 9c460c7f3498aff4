// SPDX-License-Identifier: MIT
// The ViR decision rule on hand-made probabilities.

#include "model/router_rule.h"

#include <QtTest/QtTest>

using namespace tokenscope;

using Flags = std::vector<bool>;
Q_DECLARE_METATYPE(std::vector<double>)
Q_DECLARE_METATYPE(Flags)

class TestRouterRule : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void quantileMatchesTorchLinear();
    void decisions_data();
    void decisions();
    void targetBudget_data();
    void targetBudget();
};

void TestRouterRule::quantileMatchesTorchLinear()
{
    // torch.quantile([0.2, 0.5, 0.7, 0.9, 0.95], q): position q·(n−1), linear in between.
    const std::vector<double> p{0.9, 0.2, 0.7, 0.5, 0.95};
    QCOMPARE(linearQuantile(p, 0.0), 0.2);
    QCOMPARE(linearQuantile(p, 0.1), 0.2 + 0.4 * 0.3);
    QCOMPARE(linearQuantile(p, 0.5), 0.7);
    QCOMPARE(linearQuantile(p, 1.0), 0.95);
    QCOMPARE(linearQuantile({0.3}, 0.7), 0.3);
}

void TestRouterRule::decisions_data()
{
    QTest::addColumn<std::vector<double>>("p");
    QTest::addColumn<double>("relative");
    QTest::addColumn<double>("absolute");
    QTest::addColumn<Flags>("expected");
    const std::vector<double> p{0.9, 0.2, 0.7, 0.5, 0.95};
    // quantile 0.1 = 0.32: every tile above it with p ≥ 0.5 compresses (0.5 itself: ≥ holds).
    QTest::newRow("rel 0.1 abs 0.5") << p << 0.1 << 0.5 << Flags{true, false, true, true, true};
    // quantile 0.5 = 0.7 and the comparison is strict: 0.7 stays at 1/4.
    QTest::newRow("rel 0.5 strict") << p << 0.5 << 0.5 << Flags{true, false, false, false, true};
    QTest::newRow("rel 1 keeps all") << p << 1.0 << 0.0 << Flags{false, false, false, false, false};
    QTest::newRow("abs 0.92") << p << 0.0 << 0.92 << Flags{false, false, false, false, true};
    // One tile: its p is its own quantile, so the released rule never compresses it.
    QTest::newRow("single tile") << std::vector<double>{0.99} << 0.0 << 0.0 << Flags{false};
    QTest::newRow("all equal") << std::vector<double>{0.6, 0.6, 0.6} << 0.0 << 0.5 << Flags{false, false, false};
    QTest::newRow("no tiles") << std::vector<double>{} << 0.1 << 0.5 << Flags{};
}

void TestRouterRule::decisions()
{
    QFETCH(std::vector<double>, p);
    QFETCH(double, relative);
    QFETCH(double, absolute);
    QFETCH(Flags, expected);
    QCOMPARE(routerDecisions(p, {relative, absolute}), expected);
}

void TestRouterRule::targetBudget_data()
{
    QTest::addColumn<std::vector<double>>("p");
    QTest::addColumn<double>("budget");
    QTest::addColumn<Flags>("expected");
    const std::vector<double> p{0.9, 0.2, 0.7};
    // 3 tiles × 256 = 768 tokens; 50% allows 384: compress 0.9 (576 left), then 0.7 (384).
    QTest::newRow("half") << p << 0.5 << Flags{true, false, true};
    QTest::newRow("full budget") << p << 1.0 << Flags{false, false, false};
    // 1/16 everywhere is 25%: a 10% budget cannot be met, every tile compresses.
    QTest::newRow("below floor") << p << 0.1 << Flags{true, true, true};
    // 0.8 allows 614.4: one compression (576) is enough.
    QTest::newRow("0.8") << p << 0.8 << Flags{true, false, false};
    // Ties go to the lower index.
    QTest::newRow("ties") << std::vector<double>{0.5, 0.5} << 0.7 << Flags{true, false};
}

void TestRouterRule::targetBudget()
{
    QFETCH(std::vector<double>, p);
    QFETCH(double, budget);
    QFETCH(Flags, expected);
    QCOMPARE(targetBudgetDecisions(p, budget, 256, 64), expected);
}

QTEST_APPLESS_MAIN(TestRouterRule)
#include "tst_router_rule.moc"
