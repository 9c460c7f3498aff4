// SPDX-License-Identifier: MIT
#pragma once

// What a drag carries, as far as TokenScope cares: a model folder or an image file.

#include <QString>

class QMimeData;

namespace tokenscope::widgets {

struct DroppedPath {
    enum class Kind { None, ModelFolder, ImageFile };
    Kind kind = Kind::None;
    QString path;
};

// The first local file or folder of the drag; folders are models, files are images (a wrong
// file is reported by the decoder when it is opened, with its name).
DroppedPath classifyDrop(const QMimeData *mime);

} // namespace tokenscope::widgets
