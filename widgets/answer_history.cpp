// SPDX-License-Identifier: MIT
#include "answer_history.h"

#include "compress/method_catalog.h"

#include <QBrush>
#include <QColor>
#include <QDir>
#include <QFileInfo>
#include <QStringList>

namespace tokenscope::widgets {

AskEntry askEntryOf(const RunResult &result, const QString &imagePath, const QString &question,
                    const std::optional<ReferenceAnswer> &reference)
{
    AskEntry entry;
    entry.imagePath = imagePath;
    entry.question = question;
    entry.method = QString::fromStdString(result.plan.method);
    entry.budget = result.plan.budget;
    try {
        entry.usesBudget = chooseMethod(result.plan.method, 1.0).usesBudget();
    } catch (const std::exception &) {   // a plan names a catalogue method; keep the budget shown if not
    }
    entry.tokensSent = result.plan.tokensSent;
    entry.tokensBefore = result.plan.tokensBeforeCompression;
    entry.answer = QString::fromStdString(result.answer).trimmed();
    entry.reference = reference;
    entry.totalMs = result.timings.totalMs();
    return entry;
}

AnswerHistoryModel::AnswerHistoryModel(QObject *parent) : QAbstractTableModel(parent) {}

void AnswerHistoryModel::addAsk(std::vector<AskEntry> entries)
{
    if (entries.empty())
        return;
    ++m_asks;
    const int count = static_cast<int>(entries.size());
    beginInsertRows({}, 0, count - 1);
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        it->ask = m_asks;
        // Scored here, once: the view asks for the verdict on every repaint of every cell.
        if (it->reference)
            it->score = scoreAnswer(it->reference->metric, it->answer.toStdString(), it->reference->answers);
        m_entries.push_front(std::move(*it));
    }
    endInsertRows();
    if (rowCount() > maximumEntries) {
        beginRemoveRows({}, maximumEntries, rowCount() - 1);
        m_entries.resize(maximumEntries);
        endRemoveRows();
    }
}

void AnswerHistoryModel::clear()
{
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

int AnswerHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int AnswerHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AnswerHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AskEntry &e = entry(index.row());
    const std::optional<double> &score = e.score;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Ask:
            return e.rightCanvas ? tr("%1 right").arg(e.ask) : QString::number(e.ask);
        case Image:
            return QFileInfo(e.imagePath).fileName();
        case Question:
            return e.question;
        case Method:
            return e.method;
        case Budget:
            return e.usesBudget ? QStringLiteral("%1%").arg(e.budget * 100, 0, 'f', 0) : QStringLiteral("\u2014");
        case Tokens:
            return QStringLiteral("%1 / %2").arg(e.tokensSent).arg(e.tokensBefore);
        case Answer:
            return e.answer.isEmpty() ? tr("(no visible text)") : e.answer;
        case Reference: {
            if (!e.reference)
                return {};
            QStringList answers;
            for (const std::string &a : e.reference->answers)
                answers << QString::fromStdString(a);
            return answers.join(QStringLiteral(" | "));
        }
        case Match:
            if (!score)
                return {};
            return *score >= 1.0   ? QStringLiteral("\u2713")
                   : *score <= 0.0 ? QStringLiteral("\u2717")
                                   : QString::number(*score, 'g', 3);
        case Milliseconds:
            return QString::number(e.totalMs, 'f', 0);
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Tokens || index.column() == Milliseconds ||
                                          index.column() == Budget || index.column() == Match))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && index.column() == Match && score)
        return QBrush(*score >= 1.0 ? QColor(20, 120, 40) : *score <= 0.0 ? QColor(170, 30, 30) : QColor(150, 100, 0));
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Image:
            return QDir::toNativeSeparators(e.imagePath);
        case Question:
        case Answer:
        case Reference:
            return data(index, Qt::DisplayRole);
        case Match:
            return score ? tr("%1 against the reference: %2")
                               .arg(QString::fromUtf8(metricName(e.reference->metric)))
                               .arg(*score, 0, 'g', 3)
                         : QVariant();
        default:
            return tr("Double-click to show this ask again");
        }
    }
    return {};
}

QVariant AnswerHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Ask:
        return tr("#");
    case Image:
        return tr("Image");
    case Question:
        return tr("Question");
    case Method:
        return tr("Method");
    case Budget:
        return tr("Budget");
    case Tokens:
        return tr("Tokens sent");
    case Answer:
        return tr("Answer");
    case Reference:
        return tr("Reference");
    case Match:
        return tr("Match");
    case Milliseconds:
        return tr("ms");
    default:
        return {};
    }
}

}   // namespace tokenscope::widgets
