// SPDX-License-Identifier: MIT
#include "result_text.h"

#include <QCoreApplication>

#include <algorithm>

namespace tokenscope::widgets {

QString formatParameterCount(std::int64_t parameters)
{
    const double p = static_cast<double>(parameters);
    if (p >= 1e9)
        return QStringLiteral("%1B").arg(p / 1e9, 0, 'f', 1);
    if (p >= 1e6)
        return QStringLiteral("%1M").arg(p / 1e6, 0, 'f', 1);
    if (p >= 1e3)
        return QStringLiteral("%1K").arg(p / 1e3, 0, 'f', 1);
    return QString::number(parameters);
}

QString describeModel(const ModelInfo &info)
{
    const QString yes = QCoreApplication::translate("ResultText", "yes");
    const QString no = QCoreApplication::translate("ResultText", "no");
    return QCoreApplication::translate("ResultText",
                                       "%1 \u00b7 %2 parameters \u00b7 flash %3 \u00b7 selector %4 \u00b7 %5-px tiles, "
                                       "%6/%7 tokens per tile \u00b7 %8, %9, threads %10")
        .arg(QString::fromStdString(info.llmArchitecture), formatParameterCount(info.parameters), info.flash ? yes : no,
             info.hasSelector ? yes : no)
        .arg(info.tileSize)
        .arg(info.tokensPerTileFull)
        .arg(info.tokensPerTileCompressed)
        .arg(QString::fromStdString(info.device), QString::fromStdString(info.dtype))
        .arg(info.threads);
}

QString describeTokenCounts(const RunResult &result)
{
    const CompressionPlan &plan = result.plan;
    const double percent = 100.0 * plan.tokensSent / std::max(1, plan.tokensBeforeCompression);
    QString text = QCoreApplication::translate("ResultText", "visual tokens %1 / %2 (%3%), prompt %4")
                       .arg(plan.tokensSent)
                       .arg(plan.tokensBeforeCompression)
                       .arg(percent, 0, 'f', 1)
                       .arg(result.promptTokens);
    // Every tile at 1/16 is as far as tile ratios go; a budget below it cannot be met.
    if (plan.targetBudget > 0 && plan.tokensSent > plan.targetBudget * plan.tokensBeforeCompression + 0.5)
        text +=
            QCoreApplication::translate("ResultText", " \u2014 asked %1%: every tile at 1/16 is the least ViR can send")
                .arg(100.0 * plan.targetBudget, 0, 'f', 0);
    return text;
}

QString describeAnswer(const RunResult &result)
{
    QString answer = QString::fromStdString(result.answer);   // not const: returned by move
    if (!answer.trimmed().isEmpty())
        return answer;
    if (result.answerIds.empty())
        return QCoreApplication::translate("ResultText", "(empty answer: the model stopped at once)");
    return QCoreApplication::translate("ResultText", "(no visible text: %n token(s) of whitespace or special tokens)",
                                       nullptr, static_cast<int>(result.answerIds.size()));
}

} // namespace tokenscope::widgets
