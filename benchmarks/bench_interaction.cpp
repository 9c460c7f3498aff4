// SPDX-License-Identifier: MIT
// How fast the workbench answers a budget move: the real MainWindow (offscreen), a model folder
// and an image; for each method, the budget slider is moved to a new value again and again and
// the program measures slider -> answer applied (the run, on the model thread, reusing the
// image's encoding) and slider -> overlay redrawn (a synchronous repaint of the canvas: at once for
// methods whose plan at the new budget is drawn from the one on screen, else after the answer).
// Prints medians and 90th percentiles per method as a Markdown table.
//
//   bench_interaction MODEL_DIR IMAGE [--question TEXT] [--repeats 20] [--threads 2]

#include "bench_support.h"
#include "image_canvas.h"
#include "inspect_page.h"
#include "main_window.h"
#include "method_panel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSlider>
#include <QStandardPaths>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace tokenscope;
using namespace tokenscope::widgets;

namespace {

double percentile90(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<std::size_t>(0.9 * double(v.size())))];
}

// Runs the event loop until `signal` fires on `sender` (or the timeout passes: false).
template <typename Sender, typename Signal>
bool waitFor(Sender *sender, Signal signal, int timeoutMs = 60000)
{
    QEventLoop loop;
    bool fired = false;
    const auto connection = QObject::connect(sender, signal, &loop, [&] {
        fired = true;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    QObject::disconnect(connection);
    return fired;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);   // leave the user's settings alone

    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_interaction MODEL_DIR IMAGE [--question TEXT] [--repeats 20] [--threads 2]\n");
        return 2;
    }
    const QString model = QString::fromLocal8Bit(argv[1]), image = QString::fromLocal8Bit(argv[2]);
    QString question = QStringLiteral("What colour is the circle?");
    int repeats = 20, threads = 2;
    for (int i = 3; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--question") question = QString::fromLocal8Bit(argv[i + 1]);
        else if (flag == "--repeats") repeats = std::atoi(argv[i + 1]);
        else if (flag == "--threads") threads = std::atoi(argv[i + 1]);
        else { std::fprintf(stderr, "unknown option %s\n", flag.c_str()); return 2; }
    }

    MainWindow window({DeviceKind::Cpu, ComputeDType::Float32, threads});
    window.setErrorDialogsEnabled(false);
    window.resize(1360, 860);
    window.show();
    bool modelReady = false, imageReady = false;
    QObject::connect(&window, &MainWindow::modelReady, [&] { modelReady = true; });
    QObject::connect(window.inspectPage(), &InspectPage::imageReady, [&] { imageReady = true; });
    window.openModel(model);
    window.openImage(image);
    QElapsedTimer loading;
    loading.start();
    while (!(modelReady && imageReady) && window.inspectPage()->errorText().isEmpty() && loading.elapsed() < 60000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    if (!(modelReady && imageReady)) {
        std::fprintf(stderr, "bench_interaction: the model or the image did not load: %s\n",
                     qPrintable(window.inspectPage()->errorText()));
        return 1;
    }
    while (window.isBusy())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    window.setQuestion(question);

    std::printf("model %s, image %s, %d threads, %d budget moves per method after one warm-up ask\n\n",
                qPrintable(model), qPrintable(image), threads, repeats);
    std::printf(
        "| method | visual tokens at 50%% | slider \u2192 answer, median | p90 | slider \u2192 overlay redrawn, median | p90 | repaint alone | drawn before the run |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    const std::vector<QString> methods{QStringLiteral("visionselector"), QStringLiteral("vir+visionselector"),
                                       QStringLiteral("random"), QStringLiteral("divprune"), QStringLiteral("visionzip"),
                                       QStringLiteral("fastv"), QStringLiteral("dart"), QStringLiteral("vir-budget")};
    // Every move lands on a new value, so every move re-runs.
    const std::vector<int> percents{20, 60, 35, 80, 10, 50, 25, 70, 15, 90};
    QSlider *slider = window.inspectPage()->methodPanel()->budgetSlider();
    for (const QString &method : methods) {
        if (!window.setMethod(method, 0.5)) {
            std::printf("| %s | (not available for this model) | | | | | | |\n", qPrintable(method));
            continue;
        }
        window.ask();
        if (!waitFor(window.inspectPage(), &InspectPage::answerApplied)) {
            std::fprintf(stderr, "bench_interaction: %s: no answer: %s\n", qPrintable(method),
                         qPrintable(window.inspectPage()->errorText()));
            return 1;
        }
        const int tokens = window.inspectPage()->lastResult()->plan.tokensSent;
        std::vector<double> toAnswer, toOverlay, repaint;
        int drawnBeforeRun = 0;
        QElapsedTimer clock;
        for (int r = 0; r < repeats; ++r) {
            int percent = percents[std::size_t(r) % percents.size()];
            if (percent == slider->value())
                percent = percent == 100 ? 99 : percent + 1;
            ImageCanvas *canvas = window.inspectPage()->canvas();
            const auto repaintNow = [&] {   // the frame the user sees, painted now instead of at the next idle
                const double start = double(clock.nsecsElapsed()) / 1e6;
                canvas->repaint();
                const double end = double(clock.nsecsElapsed()) / 1e6;
                repaint.push_back(end - start);
                return end;
            };
            clock.start();
            slider->setValue(percent);   // what a drag delivers: valueChanged -> live re-run
            // Methods that keep their top scores are drawn from the plan on screen before the run.
            const bool drawnAtOnce = canvas->plan() && std::abs(canvas->plan()->budget - percent / 100.0) < 1e-9;
            if (drawnAtOnce)
                toOverlay.push_back(repaintNow());
            if (!waitFor(window.inspectPage(), &InspectPage::answerApplied)) {
                std::fprintf(stderr, "bench_interaction: %s: no answer at %d%%\n", qPrintable(method), percent);
                return 1;
            }
            toAnswer.push_back(double(clock.nsecsElapsed()) / 1e6);
            if (!drawnAtOnce)
                toOverlay.push_back(repaintNow());
            drawnBeforeRun += drawnAtOnce;
        }
        std::printf("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %d of %d |\n", qPrintable(method), tokens,
                    bench::median(toAnswer), percentile90(toAnswer), bench::median(toOverlay), percentile90(toOverlay),
                    bench::median(repaint), drawnBeforeRun, repeats);
    }
    std::printf("\n(times in milliseconds; the window is %dx%d, offscreen raster painting)\n", window.width(), window.height());
    return 0;
}
