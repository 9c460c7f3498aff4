// SPDX-License-Identifier: MIT
#include "translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace tokenscope::widgets {

QVector<Language> availableLanguages()
{
    return {{QString(), QCoreApplication::translate("Translations", "System language")},
            {QStringLiteral("en"), QStringLiteral("English")},
            {QStringLiteral("fr"), QStringLiteral("Fran\u00e7ais")},
            {QStringLiteral("zh_CN"), QStringLiteral("\u4e2d\u6587\uff08\u7b80\u4f53\uff09")}};
}

QString installTranslations(QCoreApplication &app, const QString &code)
{
    const QLocale locale = code.isEmpty() ? QLocale::system() : QLocale(code);
    // Parented to the application: they live exactly as long as it does.
    auto *own = new QTranslator(&app);
    if (!own->load(locale, QStringLiteral("tokenscope"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        delete own;
        return QStringLiteral("en");
    }
    app.installTranslator(own);
    auto *qt = new QTranslator(&app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        app.installTranslator(qt);
    else
        delete qt;
    return own->language();
}

} // namespace tokenscope::widgets
