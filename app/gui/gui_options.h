// SPDX-License-Identifier: MIT
#pragma once

// The tokenscope executable's command line (QCommandLineParser).

#include "common/compute_options.h"
#include "pipeline/engine.h"

#include <QCommandLineParser>
#include <QString>

#include <optional>

namespace tokenscope::gui {

struct GuiOptions {
    QString model;
    QString image;
    QString question;
    QString method;                  // empty: the last session's (GUI) or "vir" (headless)
    std::optional<double> budget;    // empty: the last session's (GUI) or 0.5 (headless)
    QString compare;                 // GUI: compare mode, the right canvas's method
    std::optional<double> compareBudget;
    int maxNewTokens = 64;
    ComputeOptions compute;
    bool computeGiven = false;       // --device, --dtype or --threads was given (else: the settings')
    bool headless = false;
    QString outDir;
    QString sweep;        // a sweep folder to open in the Sweep tab
    QString screenshot;   // GUI mode: grab the window after the first answer, save, quit
};

// Before any QApplication exists: whether to run without a window. --headless, or no display
// at all (no DISPLAY, no WAYLAND_DISPLAY and no QT_QPA_PLATFORM chosen).
bool wantsHeadless(int argc, char **argv);
// Before the parser exists (its help texts are translated): the --language value, if given.
QString languageArgument(int argc, char **argv);

void addOptions(QCommandLineParser &parser);
// Reads the parsed options; returns an error message for a bad value, empty when all is well.
QString readOptions(const QCommandLineParser &parser, GuiOptions &options);

} // namespace tokenscope::gui
