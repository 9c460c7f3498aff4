// SPDX-License-Identifier: MIT
#include "dropped_path.h"

#include <QFileInfo>
#include <QMimeData>
#include <QUrl>

namespace tokenscope::widgets {

DroppedPath classifyDrop(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls())
        return {};
    for (const QUrl &url : mime->urls()) {
        if (!url.isLocalFile())
            continue;
        const QFileInfo info(url.toLocalFile());
        if (info.isDir())
            return {DroppedPath::Kind::ModelFolder, info.absoluteFilePath()};
        if (info.isFile())
            return {DroppedPath::Kind::ImageFile, info.absoluteFilePath()};
    }
    return {};
}

} // namespace tokenscope::widgets
