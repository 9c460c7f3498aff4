// SPDX-License-Identifier: MIT
// The Inspect page's state without a window: an answer arrives with its comparison in one signal,
// a superseded ask never arrives, an answer about an image no longer shown never arrives, a
// comparison is paired only with its own answer, a budget move is drawn from the answer on screen
// only where that is exact, and the answer history keeps every answer with its reference.

#include "answer_history.h"
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
    void budgetMoveIsDrawnFromTheAnswerOnScreen();
    void historyKeepsEveryAnswerNewestFirst();

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

void TestInspectState::budgetMoveIsDrawnFromTheAnswerOnScreen()
{
    InspectState state(m_session.get());
    QVERIFY(!state.planAtBudget(chooseMethod("fastv", 0.25)));   // nothing answered yet
    state.setImage(image(112), QStringLiteral("left-right.png"));
    QSignalSpy answered(&state, &InspectState::answered);
    state.ask(m_question, chooseMethod("fastv", 0.5), chooseMethod("random", 0.5));
    QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 1, timeoutMs);
    QCOMPARE(state.lastQuestion(), m_question);

    const auto left = state.planAtBudget(chooseMethod("fastv", 0.25));
    QVERIFY(left);
    const int n = int(left->tokens.size());
    QCOMPARE(left->tokensSent, keptCount(0.25, n));
    QCOMPARE(int(std::count_if(left->tokens.begin(), left->tokens.end(), [](const VisualToken &t) { return t.kept; })),
             keptCount(0.25, n));
    // The right canvas ran random, which ranks nothing; another method needs its own run.
    QVERIFY(!state.planAtBudget(chooseMethod("random", 0.25), true));
    QVERIFY(!state.planAtBudget(chooseMethod("visionselector", 0.25)));
    // A new image forgets the answer the plan would be drawn from.
    state.setImage(image(84), QStringLiteral("narrow.png"));
    QVERIFY(!state.planAtBudget(chooseMethod("fastv", 0.25)));
}

void TestInspectState::historyKeepsEveryAnswerNewestFirst()
{
    AnswerHistoryModel history;
    const auto entry = [](const QString &answer, std::optional<ReferenceAnswer> reference) {
        AskEntry e;
        e.imagePath = QStringLiteral("/data/cards/362.png");
        e.question = QStringLiteral("What word is written on the card?");
        e.method = QStringLiteral("vir+visionselector");
        e.budget = 0.5;
        e.tokensSent = 26;
        e.tokensBefore = 112;
        e.answer = answer;
        e.reference = std::move(reference);
        return e;
    };
    const ReferenceAnswer lamp{{"lamp"}, Metric::ExactMatch};
    history.addAsk({entry(QStringLiteral("Lamp."), lamp)});
    AskEntry right = entry(QStringLiteral("kite"), lamp);
    right.rightCanvas = true;
    right.method = QStringLiteral("all-1/16");
    right.usesBudget = false;
    history.addAsk({entry(QStringLiteral("frog"), std::nullopt), right});

    QCOMPARE(history.rowCount(), 3);
    const auto cell = [&](int row, int column) { return history.index(row, column).data().toString(); };
    // Newest first; a comparison's two rows share their ask number.
    QCOMPARE(cell(0, AnswerHistoryModel::Ask), QStringLiteral("2"));
    QCOMPARE(cell(1, AnswerHistoryModel::Ask), QStringLiteral("2 right"));
    QCOMPARE(cell(2, AnswerHistoryModel::Ask), QStringLiteral("1"));
    QCOMPARE(cell(2, AnswerHistoryModel::Image), QStringLiteral("362.png"));
    QCOMPARE(cell(2, AnswerHistoryModel::Budget), QStringLiteral("50%"));
    QCOMPARE(cell(1, AnswerHistoryModel::Budget), QStringLiteral("\u2014"));   // all-1/16 takes no budget
    QCOMPARE(cell(2, AnswerHistoryModel::Tokens), QStringLiteral("26 / 112"));
    // Scored by the reference's metric: exact match ignores case and punctuation.
    QCOMPARE(cell(2, AnswerHistoryModel::Reference), QStringLiteral("lamp"));
    QCOMPARE(cell(2, AnswerHistoryModel::Match), QStringLiteral("\u2713"));
    QCOMPARE(cell(1, AnswerHistoryModel::Match), QStringLiteral("\u2717"));
    QVERIFY(cell(0, AnswerHistoryModel::Match).isEmpty());   // no reference, no verdict
    QCOMPARE(history.entry(1).method, QStringLiteral("all-1/16"));

    // The oldest answers go first once the history is full.
    for (int i = 0; i < AnswerHistoryModel::maximumEntries; ++i)
        history.addAsk({entry(QStringLiteral("lamp"), lamp)});
    QCOMPARE(history.rowCount(), AnswerHistoryModel::maximumEntries);
    QCOMPARE(cell(0, AnswerHistoryModel::Ask), QString::number(2 + AnswerHistoryModel::maximumEntries));
    QCOMPARE(cell(history.rowCount() - 1, AnswerHistoryModel::Ask), QStringLiteral("3"));
}

QTEST_MAIN(TestInspectState)
#include "tst_inspect_state.moc"
