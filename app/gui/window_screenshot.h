// SPDX-License-Identifier: MIT
#pragma once

// --screenshot FILE: once the window has something to show (the first answer, or both inputs
// loaded when no question was given), grab it to a PNG and quit. Used for the README and CI.

#include <QObject>
#include <QString>

namespace tokenscope::widgets {
class MainWindow;
}

namespace tokenscope::gui {

class WindowScreenshot : public QObject {
    Q_OBJECT
public:
    WindowScreenshot(widgets::MainWindow *window, const QString &path, bool waitForAnswer);

private Q_SLOTS:
    void onReady();
    void onAnswer();
    void onError();
    void capture();

private:
    widgets::MainWindow *m_window;
    QString m_path;
    bool m_waitForAnswer;
    int m_exitCode = 0;
    bool m_scheduled = false;
};

} // namespace tokenscope::gui
