// SPDX-License-Identifier: MIT
#pragma once

// Small helpers shared by the tests: scratch directories and fixture checkpoints.

#include "common/compute_options.h"
#include "common/error.h"
#include "image/image.h"

#include <QProcess>
#include <QtTest/QtTest>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace tokenscope::test {

// A fresh directory under TOKENSCOPE_TEST_TMP (or the system temp dir) for one test case.
inline std::filesystem::path scratchDir(const std::string &name)
{
    const char *root = std::getenv("TOKENSCOPE_TEST_TMP");
    std::filesystem::path dir = std::filesystem::path(root ? root : std::filesystem::temp_directory_path().string()) /
                                name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

// CPU, fp32, one thread: the GUI tests' engine, small enough to leave the GUI thread a core.
inline const ComputeOptions oneThread{DeviceKind::Cpu, ComputeDType::Float32, 1};

inline QString qPath(const std::filesystem::path &path)
{
    return QString::fromStdString(path.string());
}

// Runs `work`, which must throw tokenscope::Error whose message contains every fragment.
inline void expectError(const std::function<void()> &work, const QStringList &fragments)
{
    try {
        work();
    } catch (const tokenscope::Error &e) {
        const QString message = QString::fromStdString(e.what());
        for (const QString &fragment : fragments)
            QVERIFY2(message.contains(fragment), qPrintable(QLatin1Char('\'') + fragment + QLatin1String("' not in: ") + message));
        return;
    }
    QFAIL(qPrintable(QLatin1String("no tokenscope::Error thrown; expected one mentioning ") + fragments.join(QLatin1String(", "))));
}

// The message of the Error `work` throws, or nullopt if it returns. Other exception types escape
// and fail the test: only tokenscope::Error may cross the core's API.
template <typename Work>
std::optional<QString> errorFrom(Work &&work)
{
    try {
        work();
    } catch (const tokenscope::Error &e) {
        return QString::fromStdString(e.what());
    }
    return std::nullopt;
}

// A smooth RGB test image (red grows to the right, green downwards).
inline RgbImage gradientImage(int width, int height)
{
    RgbImage image{width, height, std::vector<std::uint8_t>(std::size_t(width) * height * 3)};
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            auto *px = &image.rgb[(std::size_t(y) * width + x) * 3];
            px[0] = std::uint8_t(x * 255 / width);
            px[1] = std::uint8_t(y * 255 / height);
            px[2] = std::uint8_t((x * y) % 256);
        }
    return image;
}

// Uniform RGB noise from a fixed LCG: every tile equally busy, the same bytes on every platform.
inline RgbImage noiseImage(int width, int height, std::uint32_t seed)
{
    RgbImage image{width, height, std::vector<std::uint8_t>(std::size_t(width) * height * 3)};
    for (auto &v : image.rgb)
        v = std::uint8_t((seed = seed * 1664525u + 1013904223u) >> 24);
    return image;
}

// What a tokenscope-cli run returned. exitCode is -1 when it did not finish in time, -2 when it
// crashed.
struct CliOutcome {
    int exitCode = -1;
    QString out, err;
};

#ifdef TOKENSCOPE_CLI
inline CliOutcome runCli(const QStringList &args, const QByteArray &stdinData = {}, int timeoutMs = 300000)
{
    QProcess process;
    process.start(QStringLiteral(TOKENSCOPE_CLI), args);
    if (!stdinData.isEmpty())
        process.write(stdinData);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs))
        return {};
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}
#endif

} // namespace tokenscope::test
