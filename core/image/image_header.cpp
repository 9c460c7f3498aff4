// SPDX-License-Identifier: MIT
#include "image/image_header.h"

#include "common/error.h"

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace tokenscope {

namespace {

// Bounds-checked little/big-endian reads over the raw bytes; every caller checks `has` first.
class ByteReader {
public:
    explicit ByteReader(std::span<const std::byte> bytes) : m_bytes(bytes) {}

    std::size_t size() const { return m_bytes.size(); }
    bool has(std::size_t offset, std::size_t count) const
    {
        return offset <= m_bytes.size() && count <= m_bytes.size() - offset;
    }
    std::uint32_t u8(std::size_t at) const { return std::to_integer<std::uint32_t>(m_bytes[at]); }
    std::uint32_t be16(std::size_t at) const { return u8(at) << 8 | u8(at + 1); }
    std::uint32_t be32(std::size_t at) const { return be16(at) << 16 | be16(at + 2); }
    std::uint32_t le16(std::size_t at) const { return u8(at) | u8(at + 1) << 8; }
    std::uint32_t le24(std::size_t at) const { return le16(at) | u8(at + 2) << 16; }
    std::uint32_t le32(std::size_t at) const { return le16(at) | le16(at + 2) << 16; }
    bool matches(std::size_t at, std::string_view text) const
    {
        return has(at, text.size()) && std::memcmp(m_bytes.data() + at, text.data(), text.size()) == 0;
    }

private:
    std::span<const std::byte> m_bytes;
};

constexpr std::string_view kPngSignature{"\x89PNG\r\n\x1a\n", 8};

[[noreturn]] void truncatedHeader(const std::string &source, ImageFormat format)
{
    throw Error(source, std::string("file is truncated: it ends inside the ") + imageFormatName(format)
                            + " header");
}

ImageHeader readPng(const ByteReader &in, const std::string &source)
{
    // Signature (8), IHDR length + type (8), width and height (8).
    if (!in.has(0, 24))
        truncatedHeader(source, ImageFormat::Png);
    if (in.be32(8) != 13 || !in.matches(12, "IHDR"))
        throw Error(source, "corrupt PNG: the first chunk is not a 13-byte IHDR");
    return {ImageFormat::Png, true, in.be32(16), in.be32(20), 0};
}

bool isJpegFrameMarker(std::uint32_t marker)
{
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

ImageHeader readJpeg(const ByteReader &in, const std::string &source)
{
    ImageHeader header{ImageFormat::Jpeg, false, 0, 0, 0};
    std::size_t pos = 2; // after SOI
    for (;;) {
        if (!in.has(pos, 1))
            truncatedHeader(source, ImageFormat::Jpeg);
        if (in.u8(pos) != 0xFF)
            throw Error(source, "corrupt JPEG: expected a marker at byte " + std::to_string(pos));
        while (in.has(pos, 1) && in.u8(pos) == 0xFF) // fill bytes may precede a marker
            ++pos;
        if (!in.has(pos, 1))
            truncatedHeader(source, ImageFormat::Jpeg);
        const std::uint32_t marker = in.u8(pos++);
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8))
            continue; // standalone markers carry no length
        if (marker == 0xD9)
            throw Error(source, "corrupt JPEG: end-of-image marker before any image data");
        if (!in.has(pos, 2))
            truncatedHeader(source, ImageFormat::Jpeg);
        const std::size_t length = in.be16(pos);
        if (length < 2)
            throw Error(source, "corrupt JPEG: segment length " + std::to_string(length)
                                    + " at byte " + std::to_string(pos));
        if (!in.has(pos, length))
            truncatedHeader(source, ImageFormat::Jpeg);
        if (isJpegFrameMarker(marker)) {
            if (length < 8)
                throw Error(source, "corrupt JPEG: frame header (SOF) too short");
            header.dimensionsKnown = true;
            header.height = in.be16(pos + 3);
            header.width = in.be16(pos + 5);
        }
        pos += length;
        if (marker == 0xDA) { // SOS: entropy-coded data follows
            if (!header.dimensionsKnown)
                throw Error(source, "corrupt JPEG: no frame header (SOF) before the image data");
            header.jpegScanStart = pos;
            return header;
        }
    }
}

ImageHeader readBmp(const ByteReader &in, const std::string &source)
{
    if (!in.has(0, 18))
        truncatedHeader(source, ImageFormat::Bmp);
    const std::uint32_t infoSize = in.le32(14);
    if (infoSize == 12) { // BITMAPCOREHEADER: 16-bit unsigned sizes
        if (!in.has(0, 26))
            truncatedHeader(source, ImageFormat::Bmp);
        return {ImageFormat::Bmp, true, in.le16(18), in.le16(20), 0};
    }
    if (infoSize < 40)
        throw Error(source, "corrupt BMP: unknown info header size " + std::to_string(infoSize));
    if (!in.has(0, 14 + 40))
        truncatedHeader(source, ImageFormat::Bmp);
    const auto width = static_cast<std::int32_t>(in.le32(18));
    const auto height = static_cast<std::int32_t>(in.le32(22));
    if (width < 0)
        throw Error(source, "corrupt BMP: negative width " + std::to_string(width));
    // A negative height marks a top-down bitmap.
    return {ImageFormat::Bmp, true, width, std::abs(static_cast<std::int64_t>(height)), 0};
}

ImageHeader readWebP(const ByteReader &in)
{
    ImageHeader header{ImageFormat::WebP, false, 0, 0, 0};
    if (in.matches(12, "VP8X") && in.has(24, 6)) {
        header = {ImageFormat::WebP, true, in.le24(24) + 1, in.le24(27) + 1, 0};
    } else if (in.matches(12, "VP8L") && in.has(20, 5) && in.u8(20) == 0x2F) {
        const std::uint32_t bits = in.le32(21);
        header = {ImageFormat::WebP, true, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, 0};
    } else if (in.matches(12, "VP8 ") && in.has(23, 7) && in.u8(23) == 0x9D && in.u8(24) == 0x01
               && in.u8(25) == 0x2A) {
        header = {ImageFormat::WebP, true, in.le16(26) & 0x3FFF, in.le16(28) & 0x3FFF, 0};
    }
    return header; // unknown layouts: the decoder decides, the size is checked after decoding
}

void requireCompletePng(const ByteReader &in, const std::string &source)
{
    // Walk the chunk list up to IEND; chunk CRCs are left to libpng.
    std::uint64_t pos = kPngSignature.size();
    for (;;) {
        if (!in.has(pos, 8))
            throw Error(source, "file is truncated: the PNG data ends before its IEND chunk");
        const std::uint64_t length = in.be32(pos);
        if (length > 0x7FFFFFFFu)
            throw Error(source, "corrupt PNG: chunk length " + std::to_string(length) + " at byte "
                                    + std::to_string(pos));
        const bool isEnd = in.matches(pos + 4, "IEND");
        if (!in.has(pos, 12 + length))
            throw Error(source, "file is truncated: the PNG data ends before its IEND chunk");
        if (isEnd)
            return;
        pos += 12 + length;
    }
}

void requireCompleteJpeg(const ByteReader &in, const ImageHeader &header, const std::string &source)
{
    // Entropy-coded data never contains FF D9 (an FF there is followed by 00 or a restart marker),
    // so an EOI after the first scan's start marks a complete file; trailing padding is tolerated.
    for (std::size_t pos = in.size() - 1; pos > header.jpegScanStart; --pos) {
        if (in.u8(pos) == 0xD9 && in.u8(pos - 1) == 0xFF)
            return;
    }
    throw Error(source, "file is truncated: the JPEG data has no end-of-image marker (FFD9)");
}

void requireCompleteBmp(const ByteReader &in, const ImageHeader &header, const std::string &source)
{
    if (!in.has(0, 14 + 40) || in.le32(14) < 40)
        return; // core headers are rare; the decoder checks them
    const std::uint64_t bitsPerPixel = in.le16(28);
    const std::uint32_t compression = in.le32(30);
    if ((compression != 0 && compression != 3) || bitsPerPixel == 0 || bitsPerPixel > 32)
        return; // RLE streams have no fixed size
    const std::uint64_t stride = (static_cast<std::uint64_t>(header.width) * bitsPerPixel + 31) / 32 * 4;
    const std::uint64_t offset = in.le32(10);
    const std::uint64_t available = offset < in.size() ? in.size() - offset : 0;
    if (stride != 0 && static_cast<std::uint64_t>(header.height) > available / stride)
        throw Error(source, "file is truncated: the BMP pixel rows need "
                                + std::to_string(stride * static_cast<std::uint64_t>(header.height))
                                + " bytes after byte " + std::to_string(offset) + ", the file has "
                                + std::to_string(available));
}

void requireCompleteWebP(const ByteReader &in, const std::string &source)
{
    const std::uint64_t riffEnd = 8 + static_cast<std::uint64_t>(in.le32(4));
    if (riffEnd > in.size())
        throw Error(source, "file is truncated: the WebP RIFF container declares " + std::to_string(riffEnd)
                                + " bytes, the file has " + std::to_string(in.size()));
}

} // namespace

const char *imageFormatName(ImageFormat format)
{
    switch (format) {
    case ImageFormat::Png: return "PNG";
    case ImageFormat::Jpeg: return "JPEG";
    case ImageFormat::Bmp: return "BMP";
    case ImageFormat::Gif: return "GIF";
    case ImageFormat::WebP: return "WebP";
    case ImageFormat::Tiff: return "TIFF";
    case ImageFormat::Unknown: break;
    }
    return "unknown";
}

ImageHeader readImageHeader(std::span<const std::byte> bytes, const std::string &source)
{
    const ByteReader in(bytes);
    if (in.matches(0, kPngSignature))
        return readPng(in, source);
    if (in.has(0, 3) && in.u8(0) == 0xFF && in.u8(1) == 0xD8 && in.u8(2) == 0xFF)
        return readJpeg(in, source);
    if (in.matches(0, "BM"))
        return readBmp(in, source);
    if (in.matches(0, "GIF87a") || in.matches(0, "GIF89a")) {
        if (!in.has(0, 10))
            truncatedHeader(source, ImageFormat::Gif);
        return {ImageFormat::Gif, true, in.le16(6), in.le16(8), 0};
    }
    if (in.matches(0, "RIFF") && in.matches(8, "WEBP"))
        return readWebP(in);
    if (in.matches(0, std::string_view("II*\0", 4)) || in.matches(0, std::string_view("MM\0*", 4)))
        return {ImageFormat::Tiff, false, 0, 0, 0};
    return {};
}

void requireCompleteImage(const ImageHeader &header, std::span<const std::byte> bytes,
                          const std::string &source)
{
    const ByteReader in(bytes);
    switch (header.format) {
    case ImageFormat::Png: requireCompletePng(in, source); break;
    case ImageFormat::Jpeg: requireCompleteJpeg(in, header, source); break;
    case ImageFormat::Bmp: requireCompleteBmp(in, header, source); break;
    case ImageFormat::WebP: requireCompleteWebP(in, source); break;
    case ImageFormat::Gif:
    case ImageFormat::Tiff:
    case ImageFormat::Unknown: break;
    }
}

} // namespace tokenscope
