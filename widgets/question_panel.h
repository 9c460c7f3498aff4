// SPDX-License-Identifier: MIT
#pragma once

// What to ask and how to route: the question line (Return asks), the routing mode (router /
// full / compressed / budget), the budget for budget mode, and the Ask button.

#include "pipeline/engine.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QPushButton;

namespace tokenscope::widgets {

class QuestionPanel : public QWidget {
    Q_OBJECT
public:
    explicit QuestionPanel(QWidget *parent = nullptr);

    QString question() const;
    void setQuestion(const QString &question);
    RouteMode mode() const;
    void setMode(RouteMode mode);
    double targetBudget() const;      // fraction in (0, 1]
    void setTargetBudget(double budget);

    // Ask is possible only with a model and an image; Return in the line edit obeys this too.
    void setAskEnabled(bool enabled);
    bool isAskEnabled() const;

Q_SIGNALS:
    void askRequested();

private Q_SLOTS:
    void onModeChanged();
    void onReturnPressed();

private:
    QLineEdit *m_question;
    QComboBox *m_mode;
    QDoubleSpinBox *m_budget;
    QPushButton *m_ask;
};

} // namespace tokenscope::widgets
