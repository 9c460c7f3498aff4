// SPDX-License-Identifier: MIT
#pragma once

// A progress bar with the current stage and a Cancel button, shown only while the model thread
// works (loading a model or running a question can take seconds).

#include <QWidget>

class QProgressBar;
class QPushButton;

namespace tokenscope::widgets {

class WorkIndicator : public QWidget {
    Q_OBJECT
public:
    explicit WorkIndicator(QWidget *parent = nullptr);

    // fraction < 0: busy with an unknown amount of work.
    void setProgress(double fraction, const QString &stage);
    void start();
    void stop();

Q_SIGNALS:
    void cancelRequested();

private:
    QProgressBar *m_bar;
    QPushButton *m_cancel;
};

}   // namespace tokenscope::widgets
