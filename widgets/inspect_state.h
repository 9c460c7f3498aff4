// SPDX-License-Identifier: MIT
#pragma once

// The Inspect page's question-and-answer state, without widgets (testable without a window): the
// image being asked about, the requests made from a question and the method choices, and the
// answers the ModelSession returns, each delivered with its comparison (compare mode) in one
// signal. An answer to a superseded ask or about an image no longer shown never arrives.

#include "compress/method_catalog.h"
#include "core_metatypes.h"
#include "image/image.h"

#include <QObject>
#include <QString>

#include <map>
#include <memory>
#include <optional>
#include <utility>

namespace tokenscope::widgets {

class ModelSession;

struct InspectAnswer {
    quint64 generation = 0;
    tokenscope::RunResult result;
    std::optional<tokenscope::RunResult> comparison;   // the right canvas's run, in compare mode
};

class InspectState : public QObject {
    Q_OBJECT
public:
    explicit InspectState(ModelSession *session, QObject *parent = nullptr);

    // The image every later ask runs on (its decoded pixels, shared, and its file). Answers still
    // on their way about the previous image are dropped, and the last answer is forgotten.
    void setImage(std::shared_ptr<const tokenscope::RgbImage> pixels, const QString &path);
    bool hasImage() const { return m_pixels != nullptr; }
    const QString &imagePath() const { return m_path; }

    // Asks `question` about the image with `choice` (and `comparison` on the same encoding).
    // Returns the request's generation, or 0 without an image.
    quint64 ask(const QString &question, const tokenscope::MethodChoice &choice,
                const std::optional<tokenscope::MethodChoice> &comparison = std::nullopt);

    const std::optional<tokenscope::RunResult> &lastResult() const { return m_lastResult; }
    const std::optional<tokenscope::RunResult> &lastComparison() const { return m_lastComparison; }
    void clearAnswer();
    // The question the last answer replies to (the panel may hold another by now).
    QString lastQuestion() const { return m_lastAsked ? m_lastAsked->question : QString(); }

    // The plan asking with `wanted` will show, drawn at once from the last answer's plan (the
    // comparison's, for the right canvas) where a budget move allows it (core's planAtBudget);
    // std::nullopt where only the run can tell.
    std::optional<tokenscope::CompressionPlan> planAtBudget(const tokenscope::MethodChoice &wanted,
                                                            bool comparison = false) const;

Q_SIGNALS:
    void answered(const tokenscope::widgets::InspectAnswer &answer);

private:
    void onAnswer(quint64 generation, const tokenscope::RunResult &result);
    void onComparison(quint64 generation, const tokenscope::RunResult &result);

    ModelSession *m_session;
    std::shared_ptr<const tokenscope::RgbImage> m_pixels;
    QString m_path;
    quint64 m_imageKey = 0;          // names the pixels, so re-runs on them reuse their encoding
    quint64 m_imageShownAfter = 0;   // asks up to this generation were about an earlier image
    std::optional<std::pair<quint64, tokenscope::RunResult>> m_pendingComparison;   // until its answer
    struct Asked {
        QString question;
        tokenscope::MethodChoice choice;
        std::optional<tokenscope::MethodChoice> comparison;
    };
    std::map<quint64, Asked> m_asked;   // by generation, until answered or superseded
    std::optional<tokenscope::RunResult> m_lastResult;
    std::optional<tokenscope::RunResult> m_lastComparison;
    std::optional<Asked> m_lastAsked;   // what the last answer (and comparison) were asked with
};

}   // namespace tokenscope::widgets

Q_DECLARE_METATYPE(tokenscope::widgets::InspectAnswer)
