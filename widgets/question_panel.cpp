// SPDX-License-Identifier: MIT
#include "question_panel_p.h"

#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace tokenscope::widgets {

QuestionPanel::QuestionPanel(QWidget *parent)
    : QWidget(parent), m_question(new QLineEdit(this)), m_ask(new QPushButton(tr("Ask"), this))
{
    m_question->setPlaceholderText(tr("Ask a question about the image\u2026"));
    m_question->setClearButtonEnabled(true);
    m_ask->setDefault(true);
    m_ask->setToolTip(tr("Run the model on the image and the question (Ctrl+Return)"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_question, 1);
    layout->addWidget(m_ask);

    connect(m_ask, &QPushButton::clicked, this, &QuestionPanel::askRequested);
    connect(m_question, &QLineEdit::returnPressed, this, &QuestionPanel::onReturnPressed);
    setAskEnabled(false);
}

QString QuestionPanel::question() const
{
    return m_question->text();
}

void QuestionPanel::setQuestion(const QString &question)
{
    m_question->setText(question);
}

void QuestionPanel::setAskEnabled(bool enabled)
{
    m_ask->setEnabled(enabled);
}

bool QuestionPanel::isAskEnabled() const
{
    return m_ask->isEnabled();
}

void QuestionPanel::onReturnPressed()
{
    if (m_ask->isEnabled())
        Q_EMIT askRequested();
}

} // namespace tokenscope::widgets
