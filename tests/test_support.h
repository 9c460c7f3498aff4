// SPDX-License-Identifier: MIT
#pragma once

// Small helpers shared by the tests: scratch directories and fixture checkpoints.

#include "common/error.h"

#include <QtTest/QtTest>

#include <cstdlib>
#include <filesystem>
#include <functional>
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

// Runs `work`, which must throw tokenscope::Error whose message contains every fragment.
inline void expectError(const std::function<void()> &work, const QStringList &fragments)
{
    try {
        work();
    } catch (const tokenscope::Error &e) {
        const QString message = QString::fromStdString(e.what());
        for (const QString &fragment : fragments)
            QVERIFY2(message.contains(fragment), qPrintable("'" + fragment + "' not in: " + message));
        return;
    }
    QFAIL(qPrintable("no tokenscope::Error thrown; expected one mentioning " + fragments.join(", ")));
}

} // namespace tokenscope::test
