// SPDX-License-Identifier: MIT
#include "overlay_export_p.h"

#include <QCoreApplication>
#include <QFont>
#include <QFontMetrics>
#include <QPainter>

#include <algorithm>

namespace tokenscope::widgets {

namespace {
constexpr int kMargin = 16;
}

QImage composeExport(const std::vector<ExportPanel> &panels)
{
    if (panels.empty())
        return {};
    int width = kMargin, height = 0, fontPx = 14;
    for (const ExportPanel &panel : panels) {
        width += panel.overlay.width() + kMargin;
        height = std::max(height, panel.overlay.height());
        fontPx = std::max(fontPx, panel.overlay.width() / 60);
    }
    QFont titleFont;
    titleFont.setPixelSize(fontPx);
    titleFont.setBold(true);
    QFont answerFont;
    answerFont.setPixelSize(fontPx);
    const int strip = QFontMetrics(titleFont).height() + kMargin / 2;
    QImage out(width, height + 2 * strip + 2 * kMargin, QImage::Format_RGB32);
    out.fill(Qt::white);
    QPainter painter(&out);
    painter.setRenderHint(QPainter::TextAntialiasing);
    painter.setPen(QColor(30, 30, 30));
    int x = kMargin;
    for (const ExportPanel &panel : panels) {
        const int w = panel.overlay.width();
        painter.setFont(titleFont);
        painter.drawText(QRect(x, kMargin, w, strip), Qt::AlignLeft | Qt::AlignVCenter,
                         QFontMetrics(titleFont).elidedText(panel.title, Qt::ElideRight, w));
        painter.drawImage(QPoint(x, kMargin + strip), panel.overlay);
        painter.setFont(answerFont);
        const QString answer = QCoreApplication::translate("OverlayExport", "answer: %1").arg(panel.answer);
        painter.drawText(QRect(x, kMargin + strip + panel.overlay.height(), w, strip), Qt::AlignLeft | Qt::AlignVCenter,
                         QFontMetrics(answerFont).elidedText(answer, Qt::ElideRight, w));
        x += w + kMargin;
    }
    return out;
}

}   // namespace tokenscope::widgets
