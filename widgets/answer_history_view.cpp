// SPDX-License-Identifier: MIT
#include "answer_history_view_p.h"

#include <QFontMetrics>
#include <QHeaderView>

#include <algorithm>

namespace tokenscope::widgets {

AnswerHistoryView::AnswerHistoryView(AnswerHistoryModel *history, QWidget *parent)
    : QTreeView(parent), m_history(history)
{
    setModel(history);
    setRootIsDecorated(false);
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    setAllColumnsShowFocus(true);
    setToolTip(tr("Every answer of this session, newest first. Double-click a row to show it again."));

    QHeaderView *columns = header();
    columns->setStretchLastSection(false);
    columns->setSectionResizeMode(QHeaderView::Interactive);
    columns->setSectionResizeMode(AnswerHistoryModel::Question, QHeaderView::Stretch);
    const QFontMetrics metrics = fontMetrics();
    const auto fit = [&](int column, const QString &sample) {
        const QString title = history->headerData(column, Qt::Horizontal).toString();
        columns->resizeSection(column,
                               std::max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(title)) + 16);
    };
    fit(AnswerHistoryModel::Ask, QStringLiteral("888 right"));
    fit(AnswerHistoryModel::Answer, QStringLiteral("a longer answer"));
    fit(AnswerHistoryModel::Match, QStringLiteral("0.67"));
    fit(AnswerHistoryModel::Reference, QStringLiteral("a reference"));
    fit(AnswerHistoryModel::Method, QStringLiteral("vir+visionselector"));
    fit(AnswerHistoryModel::Budget, QStringLiteral("100%"));
    fit(AnswerHistoryModel::Tokens, QStringLiteral("1792 / 1792"));
    fit(AnswerHistoryModel::Image, QStringLiteral("an image.png"));
    fit(AnswerHistoryModel::Milliseconds, QStringLiteral("8888"));

    connect(this, &QTreeView::doubleClicked, this,
            [this](const QModelIndex &index) { Q_EMIT entryActivated(m_history->entry(index.row())); });
}

}   // namespace tokenscope::widgets
