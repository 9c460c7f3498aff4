// SPDX-License-Identifier: MIT
#pragma once

// Where the engine computes: device, dtype and threads, applied with a button (applying reloads
// the model, which can take seconds on large checkpoints).

#include "common/compute_options.h"

#include <QWidget>

class QComboBox;
class QPushButton;
class QSpinBox;

namespace tokenscope::widgets {

class ComputePanel : public QWidget {
    Q_OBJECT
public:
    explicit ComputePanel(QWidget *parent = nullptr);

    ComputeOptions options() const;
    void setOptions(const ComputeOptions &options);   // shown, not applied

Q_SIGNALS:
    void applyRequested(const tokenscope::ComputeOptions &options);

private:
    void updateApply();

    QComboBox *m_device;
    QComboBox *m_dtype;
    QSpinBox *m_threads;
    QPushButton *m_apply;
    ComputeOptions m_applied;
};

}   // namespace tokenscope::widgets
