// SPDX-License-Identifier: MIT
// The Inspect page's state without a window: an answer arrives with its comparison in one signal,
// a superseded ask never arrives, an answer about an image no longer shown never arrives, and a
// comparison is paired only with its own answer.

#include "fixtures/random_checkpoint.h"
#include "inspect_state.h"
#include "model_session.h"
#include "test_support.h"

#include <QSignalSpy>
#include <QtTest/QtTest>

using namespace tokenscope;
using namespace tokenscope::widgets;
using tokenscope::test::oneThread;
using tokenscope::test::qPath;

namespace {

constexpr int timeoutMs = 120000;

std::shared_ptr<const RgbImage> image(int width)
{
    return std::make_shared<const RgbImage>(test::gradientImage(width, 56));
}

InspectAnswer answerAt(const QSignalSpy &spy, int index)
{
    return spy.at(index).at(0).value<InspectAnswer>();
}

}   // namespace

class TestInspectState : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void answerComesWithItsComparison();
    void supersededAskNeverArrives();
    void answerAboutAnEarlierImageNeverArrives();
    void comparisonIsPairedOnlyWithItsOwnAnswer();

private:
    void waitUntilIdle();

    std::unique_ptr<ModelSession> m_session;
    const QString m_question = QStringLiteral("Which colour is on the left?");
};

void TestInspectState::initTestCase()
{
    const auto dir = test::scratchDir("inspect-state");
    writeRandomCheckpoint(dir / "tiny", fixtureShape("tiny"), {});
    m_session = std::make_unique<ModelSession>(oneThread);
    QSignalSpy loaded(m_session.get(), &ModelSession::modelLoaded);
    m_session->loadModel(qPath(dir / "tiny"));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, timeoutMs);
}

void TestInspectState::waitUntilIdle()
{
    QTRY_VERIFY_WITH_TIMEOUT(!m_session->isBusy(), timeoutMs);
    QTest::qWait(50);   // results queued behind the last finished job
}

void TestInspectState::answerComesWithItsComparison()
{
    InspectState state(m_session.get());
    QCOMPARE(state.ask(m_question, chooseMethod("random", 0.5)), quint64(0));   // no image yet
    state.setImage(image(112), QStringLiteral("left-right.png"));
    QSignalSpy answered(&state, &InspectState::answered);
    const quint64 generation = state.ask(m_question, chooseMethod("random", 0.5), chooseMethod("fastv", 0.25));
    QVERIFY(generation != 0);
    QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 1, timeoutMs);
    const InspectAnswer answer = answerAt(answered, 0);
    QCOMPARE(answer.generation, generation);
    QCOMPARE(QString::fromStdString(answer.result.plan.method), QStringLiteral("random"));
    QVERIFY(answer.comparison.has_value());
    QCOMPARE(QString::fromStdString(answer.comparison->plan.method), QStringLiteral("fastv"));
    QCOMPARE(answer.comparison->plan.budget, 0.25);
    QVERIFY(state.lastResult() && state.lastComparison());
    QCOMPARE(state.lastComparison()->plan.method, answer.comparison->plan.method);
}

// Two asks in a row (a slider dragged): only the second one's answer is delivered.
void TestInspectState::supersededAskNeverArrives()
{
    InspectState state(m_session.get());
    state.setImage(image(112), QStringLiteral("left-right.png"));
    QSignalSpy answered(&state, &InspectState::answered);
    state.ask(m_question, chooseMethod("random", 0.5));
    const quint64 latest = state.ask(m_question, chooseMethod("random", 0.25));
    QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 1, timeoutMs);
    waitUntilIdle();
    QCOMPARE(answered.count(), 1);
    QCOMPARE(answerAt(answered, 0).generation, latest);
    QCOMPARE(answerAt(answered, 0).result.plan.budget, 0.25);
}

// An image opened while an answer is on its way: the answer belonged to the old image.
void TestInspectState::answerAboutAnEarlierImageNeverArrives()
{
    InspectState state(m_session.get());
    state.setImage(image(112), QStringLiteral("first.png"));
    QSignalSpy answered(&state, &InspectState::answered);
    state.ask(m_question, chooseMethod("random", 0.5));
    state.setImage(image(168), QStringLiteral("second.png"));
    waitUntilIdle();
    QCOMPARE(answered.count(), 0);
    QVERIFY(!state.lastResult());
    const quint64 generation = state.ask(m_question, chooseMethod("random", 0.5));
    QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 1, timeoutMs);
    QCOMPARE(answerAt(answered, 0).generation, generation);
}

// A compare-mode ask superseded by a plain one: the plain answer carries no comparison.
void TestInspectState::comparisonIsPairedOnlyWithItsOwnAnswer()
{
    InspectState state(m_session.get());
    state.setImage(image(112), QStringLiteral("left-right.png"));
    QSignalSpy answered(&state, &InspectState::answered);
    state.ask(m_question, chooseMethod("random", 0.5), chooseMethod("fastv", 0.25));
    const quint64 plain = state.ask(m_question, chooseMethod("uniform", 0.5));
    QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 1, timeoutMs);
    waitUntilIdle();
    QCOMPARE(answered.count(), 1);
    QCOMPARE(answerAt(answered, 0).generation, plain);
    QVERIFY(!answerAt(answered, 0).comparison.has_value());
    QVERIFY(!state.lastComparison());
}

QTEST_MAIN(TestInspectState)
#include "tst_inspect_state.moc"
