// SPDX-License-Identifier: MIT
#pragma once

// What to ask: the question line (Return asks) and the Ask button. How to compress lives in
// MethodPanel.

#include <QWidget>

class QLineEdit;
class QPushButton;

namespace tokenscope::widgets {

class QuestionPanel : public QWidget {
    Q_OBJECT
public:
    explicit QuestionPanel(QWidget *parent = nullptr);

    QString question() const;
    void setQuestion(const QString &question);
    // Ask is possible only with a model and an image; Return in the line edit obeys this too.
    void setAskEnabled(bool enabled);
    bool isAskEnabled() const;

Q_SIGNALS:
    void askRequested();

private Q_SLOTS:
    void onReturnPressed();

private:
    QLineEdit *m_question;
    QPushButton *m_ask;
};

}   // namespace tokenscope::widgets
