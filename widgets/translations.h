// SPDX-License-Identifier: MIT
#pragma once

// The GUI's languages: TokenScope's own catalogue (embedded, :/i18n/tokenscope_<code>.qm) and
// Qt's for the standard dialogs. Chosen in View → Language, kept in the settings, applied at
// start.

#include <QString>
#include <QVector>

class QCoreApplication;

namespace tokenscope::widgets {

struct Language {
    QString code;   // "" = the system's language, "en", "fr", "zh_CN"
    QString name;   // in its own language: "Français", "中文（简体）"
};

QVector<Language> availableLanguages();

// Installs the translators for `code` ("" = the system locale) on the application; returns the
// catalogue's language ("fr_FR", "zh_CN"), or "en" when none matches (English is the source).
QString installTranslations(QCoreApplication &app, const QString &code);

} // namespace tokenscope::widgets
