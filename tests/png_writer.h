// SPDX-License-Identifier: MIT
#pragma once

// A tiny independent PNG writer for the image tests: chunks with their CRCs, IHDR, and one zlib
// IDAT of unfiltered scanlines, so a test can build any colour type and bit depth byte by byte.

#include <QByteArray>

#include <initializer_list>

namespace tokenscope::test {

inline quint32 crc32(const QByteArray &data)
{
    quint32 crc = 0xFFFFFFFFu;
    for (char c : data) {
        crc ^= static_cast<quint8>(c);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

inline QByteArray bytesOf(std::initializer_list<char> values)
{
    return QByteArray(values.begin(), qsizetype(values.size()));
}

inline QByteArray be32(quint32 v)
{
    return bytesOf({char(v >> 24), char(v >> 16), char(v >> 8), char(v)});
}

// Little-endian fields (BMP headers).
inline QByteArray le16(quint32 v) { return bytesOf({char(v), char(v >> 8)}); }
inline QByteArray le32(quint32 v) { return le16(v) + le16(v >> 16); }

inline QByteArray pngChunk(const char *type, const QByteArray &data)
{
    const QByteArray typed = QByteArray(type) + data;
    return be32(quint32(data.size())) + typed + be32(crc32(typed));
}

inline QByteArray pngIhdr(quint32 width, quint32 height, int bitDepth, int colourType)
{
    return pngChunk("IHDR", be32(width) + be32(height) + bytesOf({char(bitDepth), char(colourType), 0, 0, 0}));
}

// A PNG from raw scanlines (no filter bytes: filter type 0 is prepended to each row), with
// `beforeData` (e.g. PLTE, tRNS chunks) between IHDR and IDAT.
inline QByteArray makePng(quint32 width, quint32 height, int bitDepth, int colourType, const QByteArray &pixels,
                          const QByteArray &beforeData = {})
{
    const int rowBytes = int(pixels.size() / int(height));
    QByteArray raw;
    for (quint32 y = 0; y < height; ++y)
        raw += char(0) + pixels.mid(int(y) * rowBytes, rowBytes);
    const QByteArray zlib = qCompress(raw).mid(4); // drop Qt's length prefix, keep the zlib stream
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + pngIhdr(width, height, bitDepth, colourType) + beforeData
        + pngChunk("IDAT", zlib) + pngChunk("IEND", {});
}

} // namespace tokenscope::test
