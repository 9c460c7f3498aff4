// SPDX-License-Identifier: MIT
#include "compute_panel_p.h"

#include <QComboBox>
#include <QGridLayout>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>

namespace tokenscope::widgets {

ComputePanel::ComputePanel(QWidget *parent)
    : QWidget(parent), m_device(new QComboBox(this)), m_dtype(new QComboBox(this)), m_threads(new QSpinBox(this)),
      m_apply(new QPushButton(tr("Apply"), this))
{
    // Item data: the core's names, parsed back by parseDeviceKind / parseComputeDType.
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
    m_dtype->addItem(QStringLiteral("fp32"), QStringLiteral("fp32"));
    m_dtype->addItem(QStringLiteral("bf16"), QStringLiteral("bf16"));
    m_threads->setRange(0, std::max(1, QThread::idealThreadCount()) * 2);
    m_threads->setSpecialValueText(tr("all cores"));
    m_threads->setPrefix(tr("threads "));
    m_apply->setToolTip(tr("Reload the model with these settings"));
    m_device->setToolTip(tr("Where the model runs; CUDA needs a CUDA build of LibTorch and a GPU"));
    m_dtype->setToolTip(tr("fp32 on CPUs; bf16 is the released models' dtype and the fast path on GPUs"));

    // Two rows: where and how precisely, then threads and Apply; one row does not fit a
    // translated dock.
    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_device, 0, 0);
    layout->addWidget(m_dtype, 0, 1);
    layout->addWidget(m_threads, 1, 0);
    layout->addWidget(m_apply, 1, 1);

    for (QComboBox *combo : {m_device, m_dtype}) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(4);
        connect(combo, &QComboBox::currentIndexChanged, this, &ComputePanel::updateApply);
    }
    // A device picked here starts at its default dtype, as on the command lines (defaultDType).
    connect(m_device, &QComboBox::activated, this, [this] {
        const auto device = parseDeviceKind(m_device->currentData().toString().toStdString()).value_or(DeviceKind::Cpu);
        m_dtype->setCurrentIndex(m_dtype->findData(QString::fromLatin1(dtypeName(defaultDType(device)).data())));
    });
    connect(m_threads, &QSpinBox::valueChanged, this, &ComputePanel::updateApply);
    connect(m_apply, &QPushButton::clicked, this, [this] {
        m_applied = options();
        updateApply();
        Q_EMIT applyRequested(m_applied);
    });
    updateApply();
}

ComputeOptions ComputePanel::options() const
{
    ComputeOptions out;
    out.device = parseDeviceKind(m_device->currentData().toString().toStdString()).value_or(DeviceKind::Cpu);
    out.dtype = parseComputeDType(m_dtype->currentData().toString().toStdString()).value_or(ComputeDType::Float32);
    out.threads = m_threads->value();
    return out;
}

void ComputePanel::setOptions(const ComputeOptions &options)
{
    m_applied = options;
    m_device->setCurrentIndex(m_device->findData(QString::fromLatin1(deviceName(options.device).data())));
    m_dtype->setCurrentIndex(m_dtype->findData(QString::fromLatin1(dtypeName(options.dtype).data())));
    m_threads->setValue(options.threads);
    updateApply();
}

void ComputePanel::updateApply()
{
    const ComputeOptions now = options();
    m_apply->setEnabled(now.device != m_applied.device || now.dtype != m_applied.dtype || now.threads != m_applied.threads);
}

} // namespace tokenscope::widgets
