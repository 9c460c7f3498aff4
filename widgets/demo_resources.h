// SPDX-License-Identifier: MIT
#pragma once

// Where the embedded demo model and the gallery images are: $TOKENSCOPE_RESOURCES, else an
// installed share/tokenscope/resources beside the executable, else the source tree this build
// came from. The gallery is resources/images/gallery.json: each image with a title, a suggested
// question, its answer where known and a note.

#include <QString>
#include <QVector>

namespace tokenscope::widgets {

struct GalleryImage {
    QString path;       // absolute
    QString title;
    QString question;   // a question worth asking about it
    QString answer;     // its answer, where the image is a task image whose answer is known
    QString note;
};

// Empty when no resources folder is found.
QString resourcesDir();
QString demoModelDir();   // resources/models/demo, if it holds a config.json
// The gallery's images that exist on disk, in the manifest's order; `error` (when given) is set
// when the manifest is missing or malformed (naming the file).
QVector<GalleryImage> galleryImages(QString *error = nullptr);

} // namespace tokenscope::widgets
