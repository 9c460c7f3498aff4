// SPDX-License-Identifier: MIT
#include "work_indicator_p.h"

#include <QHBoxLayout>
#include <QProgressBar>
#include <QPushButton>

#include <cmath>

namespace tokenscope::widgets {

namespace {
constexpr int progressSteps = 1000;   // the core reports in 1/1000 steps
}

WorkIndicator::WorkIndicator(QWidget *parent)
    : QWidget(parent), m_bar(new QProgressBar(this)), m_cancel(new QPushButton(tr("Cancel"), this))
{
    m_bar->setRange(0, progressSteps);
    m_bar->setTextVisible(true);
    m_bar->setMinimumWidth(220);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, &WorkIndicator::cancelRequested);
    hide();
}

void WorkIndicator::setProgress(double fraction, const QString &stage)
{
    if (fraction < 0) {
        m_bar->setRange(0, 0);   // Qt's "busy" animation
        m_bar->setFormat(stage);
        return;
    }
    m_bar->setRange(0, progressSteps);
    m_bar->setValue(static_cast<int>(std::lround(fraction * progressSteps)));
    m_bar->setFormat(tr("%1 %p%").arg(stage));
}

void WorkIndicator::start()
{
    m_bar->setRange(0, progressSteps);
    m_bar->setValue(0);
    m_bar->setFormat(tr("starting\u2026"));
    m_cancel->setEnabled(true);
    show();
}

void WorkIndicator::stop()
{
    hide();
}

} // namespace tokenscope::widgets
