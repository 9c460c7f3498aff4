// SPDX-License-Identifier: MIT
#include "gui_options.h"

#include "compress/method_catalog.h"

#include <QCoreApplication>
#include <QtGlobal>

#include <cstring>
#include <utility>

namespace tokenscope::gui {

bool wantsHeadless(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--headless") == 0 || std::strcmp(argv[i], "-headless") == 0)
            return true;
    return !qEnvironmentVariableIsSet("DISPLAY") && !qEnvironmentVariableIsSet("WAYLAND_DISPLAY") &&
           !qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

QString languageArgument(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--language") == 0 && i + 1 < argc)
            return QString::fromLocal8Bit(argv[i + 1]);
        if (std::strncmp(argv[i], "--language=", 11) == 0)
            return QString::fromLocal8Bit(argv[i] + 11);
    }
    return {};
}

void addOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        QCoreApplication::translate("GuiOptions", "TokenScope: see what visual-token compression does to a multimodal LLM."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {QStringLiteral("model"), QCoreApplication::translate("GuiOptions", "Model folder to open."), QStringLiteral("DIR")},
        {QStringLiteral("image"), QCoreApplication::translate("GuiOptions", "Image to open."), QStringLiteral("FILE")},
        {QStringLiteral("question"), QCoreApplication::translate("GuiOptions", "Question to ask once both are loaded."),
         QStringLiteral("TEXT")},
        {QStringLiteral("method"),
         QCoreApplication::translate("GuiOptions", "Compression method, as tokenscope-cli names it (vir, none, all-1/16, "
                                                   "visionselector, vir+fastv, \u2026; tokenscope-cli methods lists them)."),
         QStringLiteral("NAME")},
        {QStringLiteral("budget"), QCoreApplication::translate("GuiOptions", "Token budget in (0, 1]."), QStringLiteral("B")},
        {QStringLiteral("compare"),
         QCoreApplication::translate("GuiOptions", "Open in compare mode, the right canvas running this method."),
         QStringLiteral("NAME")},
        {QStringLiteral("compare-budget"), QCoreApplication::translate("GuiOptions", "The right canvas's budget in (0, 1]."),
         QStringLiteral("B")},
        {QStringLiteral("max-new-tokens"), QCoreApplication::translate("GuiOptions", "Longest answer, in tokens."),
         QStringLiteral("N"), QStringLiteral("64")},
        {QStringLiteral("device"), QCoreApplication::translate("GuiOptions", "cpu or cuda."), QStringLiteral("DEVICE"),
         QStringLiteral("cpu")},
        {QStringLiteral("dtype"), QCoreApplication::translate("GuiOptions", "fp32 or bf16 (default: fp32 on cpu, bf16 on cuda)."),
         QStringLiteral("DTYPE")},
        {QStringLiteral("threads"), QCoreApplication::translate("GuiOptions", "Compute threads (0: one per core)."),
         QStringLiteral("N"), QStringLiteral("0")},
        {QStringLiteral("headless"),
         QCoreApplication::translate("GuiOptions", "No window: run once and write overlay.png, stages.png, answer.txt and "
                                                   "result.json (also the default when there is no display).")},
        {QStringLiteral("out"), QCoreApplication::translate("GuiOptions", "Output folder for --headless."),
         QStringLiteral("DIR"), QStringLiteral("tokenscope-out")},
        {QStringLiteral("language"),
         QCoreApplication::translate("GuiOptions", "Interface language: en, fr or zh_CN (default: the last one chosen, "
                                                   "or the system's)."),
         QStringLiteral("CODE")},
        {QStringLiteral("sweep"), QCoreApplication::translate("GuiOptions", "A sweep folder to open in the Sweep tab."),
         QStringLiteral("DIR")},
        {QStringLiteral("screenshot"),
         QCoreApplication::translate("GuiOptions", "Save a PNG of the window after the first answer, then quit."),
         QStringLiteral("FILE")},
    });
}

QString readOptions(const QCommandLineParser &parser, GuiOptions &options)
{
    options.model = parser.value(QStringLiteral("model"));
    options.image = parser.value(QStringLiteral("image"));
    options.question = parser.value(QStringLiteral("question"));
    options.outDir = parser.value(QStringLiteral("out"));
    options.screenshot = parser.value(QStringLiteral("screenshot"));
    options.sweep = parser.value(QStringLiteral("sweep"));
    options.computeGiven = parser.isSet(QStringLiteral("device")) || parser.isSet(QStringLiteral("dtype"))
                           || parser.isSet(QStringLiteral("threads"));
    options.headless = parser.isSet(QStringLiteral("headless"));

    bool ok = false;
    if (parser.isSet(QStringLiteral("budget"))) {
        const double budget = parser.value(QStringLiteral("budget")).toDouble(&ok);
        if (!ok || !(budget > 0 && budget <= 1))
            return QCoreApplication::translate("GuiOptions", "--budget must be a number in (0, 1], got '%1'")
                .arg(parser.value(QStringLiteral("budget")));
        options.budget = budget;
    }
    if (parser.isSet(QStringLiteral("compare-budget"))) {
        const double budget = parser.value(QStringLiteral("compare-budget")).toDouble(&ok);
        if (!ok || !(budget > 0 && budget <= 1))
            return QCoreApplication::translate("GuiOptions", "--compare-budget must be a number in (0, 1], got '%1'")
                .arg(parser.value(QStringLiteral("compare-budget")));
        options.compareBudget = budget;
    }
    options.method = parser.value(QStringLiteral("method"));
    options.compare = parser.value(QStringLiteral("compare"));
    for (const auto &[flag, name] : {std::pair(QStringLiteral("--method"), options.method),
                                     std::pair(QStringLiteral("--compare"), options.compare)}) {
        if (name.isEmpty())
            continue;
        try {
            chooseMethod(name.toStdString(), 0.5);
        } catch (const std::exception &e) {   // names the method and lists the known ones
            return QStringLiteral("%1: %2").arg(flag, QString::fromStdString(e.what()));
        }
    }
    options.maxNewTokens = parser.value(QStringLiteral("max-new-tokens")).toInt(&ok);
    if (!ok || options.maxNewTokens < 1)
        return QCoreApplication::translate("GuiOptions", "--max-new-tokens must be a positive integer");
    options.compute.threads = parser.value(QStringLiteral("threads")).toInt(&ok);
    if (!ok || options.compute.threads < 0)
        return QCoreApplication::translate("GuiOptions", "--threads must be 0 or a positive integer");

    const std::string dtype = parser.value(QStringLiteral("dtype")).toStdString();
    const ParsedCompute parsed =
        parseComputeOptions(parser.value(QStringLiteral("device")).toStdString(),
                            parser.isSet(QStringLiteral("dtype")) ? std::optional<std::string_view>(dtype) : std::nullopt,
                            options.compute.threads);
    const QString offending = QString::fromStdString(parsed.offending);
    if (parsed.problem == ParsedCompute::Problem::BadDevice)
        return QCoreApplication::translate("GuiOptions", "--device must be cpu or cuda, got '%1'").arg(offending);
    if (parsed.problem == ParsedCompute::Problem::BadDType)
        return QCoreApplication::translate("GuiOptions", "--dtype must be fp32 or bf16, got '%1'").arg(offending);
    options.compute = parsed.options;
    return {};
}

} // namespace tokenscope::gui
