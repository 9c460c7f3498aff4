// SPDX-License-Identifier: MIT
#pragma once

// The Result dock's table of the session's answers (AnswerHistoryModel), newest first. The
// question column takes the width left over; the others start wide enough for their usual
// contents and never size themselves to them (that would measure every row on every answer).
// A double-click asks for the row to be shown again.

#include "answer_history.h"

#include <QTreeView>

namespace tokenscope::widgets {

class AnswerHistoryView : public QTreeView {
    Q_OBJECT
public:
    explicit AnswerHistoryView(AnswerHistoryModel *history, QWidget *parent = nullptr);

Q_SIGNALS:
    void entryActivated(const tokenscope::widgets::AskEntry &entry);

private:
    AnswerHistoryModel *m_history;
};

}   // namespace tokenscope::widgets
