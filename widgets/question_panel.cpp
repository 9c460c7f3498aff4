// SPDX-License-Identifier: MIT
#include "question_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace tokenscope::widgets {

QuestionPanel::QuestionPanel(QWidget *parent)
    : QWidget(parent), m_question(new QLineEdit(this)), m_mode(new QComboBox(this)), m_budget(new QDoubleSpinBox(this)),
      m_ask(new QPushButton(tr("Ask"), this))
{
    m_question->setPlaceholderText(tr("Ask a question about the image\u2026"));
    m_question->setClearButtonEnabled(true);

    // The combo's data is the core's mode name, so parseRouteMode stays the one source of truth.
    for (RouteMode mode : {RouteMode::Router, RouteMode::AllFull, RouteMode::AllCompressed, RouteMode::TargetBudget}) {
        const char *name = routeModeName(mode);
        QString label;
        switch (mode) {
        case RouteMode::Router: label = tr("router (ViR thresholds)"); break;
        case RouteMode::AllFull: label = tr("full (every tile 1/4)"); break;
        case RouteMode::AllCompressed: label = tr("compressed (every tile 1/16)"); break;
        case RouteMode::TargetBudget: label = tr("budget (compress to a token budget)"); break;
        }
        m_mode->addItem(label, QString::fromLatin1(name));
    }
    m_budget->setRange(1, 100);
    m_budget->setDecimals(0);
    m_budget->setSuffix(tr(" % of tokens"));
    m_budget->setValue(50);
    m_ask->setDefault(true);

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_question, 0, 0, 1, 3);
    layout->addWidget(m_ask, 0, 3);
    layout->addWidget(new QLabel(tr("Mode:"), this), 1, 0);
    layout->addWidget(m_mode, 1, 1);
    layout->addWidget(m_budget, 1, 2, 1, 2);
    layout->setColumnStretch(1, 1);

    connect(m_ask, &QPushButton::clicked, this, &QuestionPanel::askRequested);
    connect(m_question, &QLineEdit::returnPressed, this, &QuestionPanel::onReturnPressed);
    connect(m_mode, &QComboBox::currentIndexChanged, this, &QuestionPanel::onModeChanged);
    onModeChanged();
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

RouteMode QuestionPanel::mode() const
{
    return parseRouteMode(m_mode->currentData().toString().toStdString()).value_or(RouteMode::Router);
}

void QuestionPanel::setMode(RouteMode mode)
{
    m_mode->setCurrentIndex(m_mode->findData(QString::fromLatin1(routeModeName(mode))));
}

double QuestionPanel::targetBudget() const
{
    return m_budget->value() / 100.0;
}

void QuestionPanel::setTargetBudget(double budget)
{
    m_budget->setValue(budget * 100.0);
}

void QuestionPanel::setAskEnabled(bool enabled)
{
    m_ask->setEnabled(enabled);
}

bool QuestionPanel::isAskEnabled() const
{
    return m_ask->isEnabled();
}

void QuestionPanel::onModeChanged()
{
    m_budget->setEnabled(mode() == RouteMode::TargetBudget);
}

void QuestionPanel::onReturnPressed()
{
    if (m_ask->isEnabled())
        Q_EMIT askRequested();
}

} // namespace tokenscope::widgets
