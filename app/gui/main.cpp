// SPDX-License-Identifier: MIT
// tokenscope: the desktop workbench, or (with --headless, or without a display) one run that
// writes the overlay, the timing chart, the answer and the result JSON.

#include "app_settings.h"
#include "common/error.h"
#include "demo_resources.h"
#include "gallery_view.h"
#include "gui_options.h"
#include "headless_export.h"
#include "inspect_page.h"
#include "main_window.h"
#include "method_panel.h"
#include "result_text.h"
#include "translations.h"
#include "window_screenshot.h"

#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>
#include <exception>

using namespace tokenscope;

namespace {

int fail(const QString &message)
{
    std::fprintf(stderr, "tokenscope: %s\n", qPrintable(message));
    return 1;
}

int runHeadless(const gui::GuiOptions &options)
{
    if (options.model.isEmpty() || options.image.isEmpty() || options.question.isEmpty())
        return fail(QCoreApplication::translate("main", "headless mode needs --model, --image and --question"));
    widgets::ExportRequest request;
    request.modelDir = options.model.toStdString();
    request.imagePath = options.image.toStdString();
    request.question = options.question.toStdString();
    if (!options.method.isEmpty())
        request.method = options.method.toStdString();
    request.budget = options.budget.value_or(request.budget);
    request.maxNewTokens = options.maxNewTokens;
    request.compute = options.compute;
    request.outDir = options.outDir.toStdString();
    try {
        const widgets::ExportResult result = widgets::exportRun(request);
        for (const auto &path : result.written)
            std::printf("wrote %s\n", path.string().c_str());
        std::printf("answer: %s\n", qPrintable(widgets::describeAnswer(result.run)));
        return 0;
    } catch (const std::exception &e) {   // tokenscope::Error names the file and the problem
        return fail(QString::fromStdString(e.what()));
    }
}

} // namespace

int main(int argc, char **argv)
{
    // The platform must be chosen before the application object exists.
    const bool headless = gui::wantsHeadless(argc, argv);
    if (headless)
        qputenv("QT_QPA_PLATFORM", "offscreen");

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("TokenScope"));
    QApplication::setApplicationVersion(QStringLiteral(TOKENSCOPE_VERSION));
    QApplication::setOrganizationName(QStringLiteral("TokenScope"));
    widgets::AppSettings settings;
    const QString language = gui::languageArgument(argc, argv);
    widgets::installTranslations(app, language.isEmpty() ? settings.language() : language);

    QCommandLineParser parser;
    gui::addOptions(parser);
    parser.process(app);
    gui::GuiOptions options;
    if (const QString error = gui::readOptions(parser, options); !error.isEmpty())
        return fail(error);

    if (headless)
        return runHeadless(options);

    const ComputeOptions compute = options.computeGiven ? options.compute : settings.compute().value_or(options.compute);
    widgets::MainWindow window(compute);
    window.restoreSettings();
    // The command line wins over the last session.
    if (!options.method.isEmpty() || options.budget)
        window.setMethod(options.method.isEmpty() ? window.inspectPage()->methodPanel()->methodName() : options.method,
                         options.budget.value_or(window.inspectPage()->methodPanel()->budget()));
    if (!options.compare.isEmpty()) {
        window.setComparisonMethod(options.compare,
                                   options.compareBudget.value_or(window.inspectPage()->methodPanel()->budget()));
        window.setComparing(true);
    }
    // Without a model or an image on the command line: the last model, image and question, or on a
    // first start the embedded demo model and the first gallery image with its suggested question,
    // so the window starts with an answer.
    const QStringList recentModels = settings.recent(widgets::RecentKind::Model);
    const QStringList recentImages = settings.recent(widgets::RecentKind::Image);
    const QString model = !options.model.isEmpty()  ? options.model
                          : !recentModels.isEmpty() ? recentModels.front()
                                                    : widgets::demoModelDir();
    QString image = options.image, question = options.question;
    if (image.isEmpty() && !recentImages.isEmpty()) {
        image = recentImages.front();
        question = question.isEmpty() ? settings.lastQuestion() : question;
    }
    bool fromGallery = false;
    if (image.isEmpty())
        if (const auto &gallery = window.gallery()->images(); !gallery.isEmpty()) {
            image = gallery.front().path;
            question = question.isEmpty() ? gallery.front().question : question;
            fromGallery = true;
        }
    const bool asks = !model.isEmpty() && !image.isEmpty() && !question.isEmpty();
    if (!options.screenshot.isEmpty()) {
        window.setErrorDialogsEnabled(false);   // nobody is there to close a message box
        new gui::WindowScreenshot(&window, options.screenshot, asks);
    }
    window.show();
    if (!model.isEmpty())
        window.openModel(model);
    if (fromGallery) {
        window.openGalleryImage(image, question);
    } else if (!image.isEmpty()) {
        window.setQuestion(question);
        window.openImage(image);
    }
    if (asks)
        window.askWhenReady();
    if (!options.sweep.isEmpty())
        window.openSweepFolder(options.sweep);
    return app.exec();
}
