// SPDX-License-Identifier: MIT
#include "window_screenshot.h"

#include "inspect_page.h"
#include "main_window.h"

#include <QCoreApplication>
#include <QPixmap>
#include <QTimer>

#include <cstdio>

namespace tokenscope::gui {

namespace {
// Lets the last layout and repaint settle before grabbing.
constexpr int settleMs = 400;
}

WindowScreenshot::WindowScreenshot(widgets::MainWindow *window, const QString &path, bool waitForAnswer)
    : QObject(window), m_window(window), m_path(path), m_waitForAnswer(waitForAnswer)
{
    connect(window, &widgets::MainWindow::modelReady, this, &WindowScreenshot::onReady);
    connect(window->inspectPage(), &widgets::InspectPage::imageReady, this, &WindowScreenshot::onReady);
    connect(window->inspectPage(), &widgets::InspectPage::answerApplied, this, &WindowScreenshot::onAnswer);
    connect(window, &widgets::MainWindow::errorReported, this, &WindowScreenshot::onError);
}

void WindowScreenshot::onReady()
{
    if (!m_waitForAnswer && m_window->inspectPage()->canAsk() && !m_scheduled) {
        m_scheduled = true;
        QTimer::singleShot(settleMs, this, &WindowScreenshot::capture);
    }
}

void WindowScreenshot::onAnswer()
{
    if (!m_scheduled) {
        m_scheduled = true;
        QTimer::singleShot(settleMs, this, &WindowScreenshot::capture);
    }
}

void WindowScreenshot::onError()
{
    // Still grab it: a screenshot of the error is what one wants to see in CI.
    m_exitCode = 1;
    if (!m_scheduled) {
        m_scheduled = true;
        QTimer::singleShot(settleMs, this, &WindowScreenshot::capture);
    }
}

void WindowScreenshot::capture()
{
    if (!m_window->grab().save(m_path, "PNG")) {
        std::fprintf(stderr, "tokenscope: %s: could not be written\n", qPrintable(m_path));
        QCoreApplication::exit(1);
        return;
    }
    std::printf("wrote %s\n", qPrintable(m_path));
    QCoreApplication::exit(m_exitCode);
}

} // namespace tokenscope::gui
