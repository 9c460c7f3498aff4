// SPDX-License-Identifier: MIT
#pragma once

// Reads an image's format and size from its first bytes, without decoding, so that decompression
// bombs are refused before any pixel buffer exists; and checks that the data is not cut short,
// because decoders (libjpeg in particular) "succeed" on truncated files and fill the rest with grey.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace tokenscope {

enum class ImageFormat { Unknown, Png, Jpeg, Bmp, Gif, WebP, Tiff };

const char *imageFormatName(ImageFormat format);

struct ImageHeader {
    ImageFormat format = ImageFormat::Unknown;
    bool dimensionsKnown = false;    // false for formats whose header is not parsed (TIFF, PNM…)
    std::int64_t width = 0;
    std::int64_t height = 0;
    std::size_t jpegScanStart = 0;   // JPEG: first byte of entropy-coded data after the first SOS
};

// Throws Error(source, …) when a recognised format's header is malformed or cut short.
ImageHeader readImageHeader(std::span<const std::byte> bytes, const std::string &source);

// Throws Error(source, "… truncated …") when the data ends before the format's end marker.
// Formats without a cheap structural check are left to the decoder.
void requireCompleteImage(const ImageHeader &header, std::span<const std::byte> bytes,
                          const std::string &source);

} // namespace tokenscope
