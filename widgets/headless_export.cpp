// SPDX-License-Identifier: MIT
#include "headless_export.h"

#include "common/error.h"
#include "image_conversion.h"
#include "overlay_painter.h"
#include "pipeline/result_json.h"
#include "stage_timing_chart.h"

#include <QApplication>
#include <QString>

#include <fstream>

namespace tokenscope::widgets {

namespace {

constexpr int chartWidth = 720;
constexpr int chartHeight = 360;

QString qPath(const std::filesystem::path &path)
{
    return QString::fromStdString(path.string());
}

void writeText(const std::filesystem::path &path, const std::string &text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush())
        throw Error(path, "could not be written");
}

} // namespace

ExportResult exportRun(const ExportRequest &request, const ProgressCallbacks &callbacks)
{
    if (!qobject_cast<QApplication *>(QCoreApplication::instance()))
        throw Error("headless export", "needs a QApplication (the 'offscreen' platform will do)");

    std::error_code ec;
    std::filesystem::create_directories(request.outDir, ec);
    if (ec)
        throw Error(request.outDir, "could not create the output folder: " + ec.message());

    // Decode once: the overlay shows exactly the pixels the engine saw.
    RunRequest run;
    run.image = std::make_shared<const RgbImage>(decodeImageFile(request.imagePath));
    run.question = request.question;
    applyMethodChoice(run, chooseMethod(request.method, request.budget));
    run.maxNewTokens = request.maxNewTokens;

    ExportResult out;
    const auto engine = Engine::load(request.modelDir, request.compute);
    out.model = engine->info();
    out.run = engine->run(run, callbacks);

    const QImage image = toQImage(*run.image);
    const auto overlayPath = request.outDir / "overlay.png";
    const QImage overlay = OverlayPainter::render(image, &out.run.plan, overlayExportSize(image.size()));
    if (!overlay.save(qPath(overlayPath), "PNG"))
        throw Error(overlayPath, "could not be written");
    out.written.push_back(overlayPath);

    const auto stagesPath = request.outDir / "stages.png";
    StageTimingChart chart;
    chart.setTimings(out.run.timings, out.run.flops);
    if (!chart.savePng(qPath(stagesPath), chartWidth, chartHeight))
        throw Error(stagesPath, "could not be written");
    out.written.push_back(stagesPath);

    const auto answerPath = request.outDir / "answer.txt";
    writeText(answerPath, out.run.answer + "\n");
    out.written.push_back(answerPath);

    const auto jsonPath = request.outDir / "result.json";
    writeText(jsonPath, runResultToJson(out.run, /*withTokens=*/false) + "\n");
    out.written.push_back(jsonPath);
    return out;
}

} // namespace tokenscope::widgets
