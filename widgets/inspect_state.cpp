// SPDX-License-Identifier: MIT
#include "inspect_state.h"

#include "model_session.h"

#include "pipeline/plan_preview.h"

namespace tokenscope::widgets {

InspectState::InspectState(ModelSession *session, QObject *parent) : QObject(parent), m_session(session)
{
    connect(m_session, &ModelSession::answerReady, this, &InspectState::onAnswer);
    connect(m_session, &ModelSession::comparisonReady, this, &InspectState::onComparison);
}

void InspectState::setImage(std::shared_ptr<const RgbImage> pixels, const QString &path)
{
    m_pixels = std::move(pixels);
    m_path = path;
    ++m_imageKey;
    m_imageShownAfter = m_session->latestGeneration();
    clearAnswer();
}

quint64 InspectState::ask(const QString &question, const MethodChoice &choice,
                          const std::optional<MethodChoice> &comparison)
{
    if (!m_pixels)
        return 0;
    // A MethodChoice was validated when it was made (chooseMethod), so applying it cannot fail.
    RunRequest request;
    applyMethodChoice(request, choice);
    request.image = m_pixels;   // decoded once, shown and run from the same pixels
    request.imagePath = m_path.toStdString();
    request.question = question.toStdString();
    std::optional<RunRequest> other;
    if (comparison) {
        other = request;
        applyMethodChoice(*other, *comparison);
    }
    const quint64 generation = m_session->ask(request, m_imageKey, other);
    m_asked[generation] = {question, choice, comparison};
    return generation;
}

std::optional<CompressionPlan> InspectState::planAtBudget(const MethodChoice &wanted, bool comparison) const
{
    const std::optional<RunResult> &shown = comparison ? m_lastComparison : m_lastResult;
    if (!shown || !m_lastAsked)
        return std::nullopt;
    const std::optional<MethodChoice> &shownChoice = comparison ? m_lastAsked->comparison : m_lastAsked->choice;
    return shownChoice ? tokenscope::planAtBudget(shown->plan, *shownChoice, wanted) : std::nullopt;
}

void InspectState::clearAnswer()
{
    m_lastResult.reset();
    m_lastComparison.reset();
    m_lastAsked.reset();
    m_pendingComparison.reset();
}

void InspectState::onComparison(quint64 generation, const RunResult &result)
{
    if (generation > m_imageShownAfter)   // else: asked about the previous image
        m_pendingComparison.emplace(generation, result);
}

void InspectState::onAnswer(quint64 generation, const RunResult &result)
{
    if (generation <= m_imageShownAfter)
        return;   // asked about the previous image
    InspectAnswer answer{generation, result, std::nullopt};
    // The session sends a job's comparison just before its answer; an older one is not this one's.
    if (m_pendingComparison && m_pendingComparison->first == generation)
        answer.comparison = std::move(m_pendingComparison->second);
    m_pendingComparison.reset();
    const auto asked = m_asked.find(generation);
    m_lastAsked = asked != m_asked.end() ? std::optional<Asked>(asked->second) : std::nullopt;
    m_asked.erase(m_asked.begin(), m_asked.upper_bound(generation));   // answered, or superseded by it
    m_lastResult = answer.result;
    m_lastComparison = answer.comparison;
    Q_EMIT answered(answer);
}

}   // namespace tokenscope::widgets
