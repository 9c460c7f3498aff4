// SPDX-License-Identifier: MIT
#include "image/png_codec.h"

#include "common/error.h"
#include "image/rgb_mat.h"

#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>

namespace tokenscope {

namespace {

// libpng reports errors by longjmp to the setjmp of the call that failed. Everything below that
// may be jumped over is plain data owned by these structs, never a C++ object with a destructor:
// the message is copied into a fixed buffer and turned into an Error after the jump.
struct ErrorSink {
    char message[256] = {};
};

void onError(png_structp png, png_const_charp message)
{
    auto *sink = static_cast<ErrorSink *>(png_get_error_ptr(png));
    std::snprintf(sink->message, sizeof sink->message, "%s", message);
    png_longjmp(png, 1);
}

void onWarning(png_structp, png_const_charp) {}   // e.g. "iCCP: known incorrect sRGB profile"

struct MemoryReader {
    const std::byte *data;
    std::size_t size;
    std::size_t offset;
};

void readFromMemory(png_structp png, png_bytep out, png_size_t length)
{
    auto *reader = static_cast<MemoryReader *>(png_get_io_ptr(png));
    if (length > reader->size - reader->offset)
        png_error(png, "the data ends early (truncated file)");
    std::memcpy(out, reader->data + reader->offset, length);
    reader->offset += length;
}

struct Header {
    png_uint_32 width = 0, height = 0;
};

// Reads the header and sets up the conversions to 8-bit RGB; false (with the sink's message)
// when libpng fails.
bool readHeader(png_structp png, png_infop info, Header &header)
{
    if (setjmp(png_jmpbuf(png)))
        return false;
    png_read_info(png, info);
    header.width = png_get_image_width(png, info);
    header.height = png_get_image_height(png, info);
    const int colour = png_get_color_type(png, info);
    if (png_get_bit_depth(png, info) == 16)
        png_set_scale_16(png);                       // round(v / 257), as the OpenCV path
    if (colour == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (colour == PNG_COLOR_TYPE_GRAY || colour == PNG_COLOR_TYPE_GRAY_ALPHA) {
        png_set_expand_gray_1_2_4_to_8(png);
        png_set_gray_to_rgb(png);
    }
    png_set_strip_alpha(png);                        // dropped, not composited (and tRNS ignored)
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != 3 * std::size_t(header.width))
        png_error(png, "unexpected row layout after conversion to RGB");
    return true;
}

bool readRows(png_structp png, png_infop info, png_bytepp rows)
{
    if (setjmp(png_jmpbuf(png)))
        return false;
    png_read_image(png, rows);
    png_read_end(png, info);
    return true;
}

struct ReadStructs {
    png_structp png = nullptr;
    png_infop info = nullptr;
    ~ReadStructs() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

struct WriteStructs {
    png_structp png = nullptr;
    png_infop info = nullptr;
    ~WriteStructs() { png_destroy_write_struct(&png, info ? &info : nullptr); }
};

void writeToVector(png_structp png, png_bytep data, png_size_t length)
{
    auto *out = static_cast<std::vector<std::byte> *>(png_get_io_ptr(png));
    const auto *bytes = reinterpret_cast<const std::byte *>(data);
    out->insert(out->end(), bytes, bytes + length);
}

void flushNothing(png_structp) {}

bool writeRows(png_structp png, png_infop info, const RgbImage &image, png_bytepp rows)
{
    if (setjmp(png_jmpbuf(png)))
        return false;
    png_set_IHDR(png, info, png_uint_32(image.width), png_uint_32(image.height), 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    png_write_image(png, rows);
    png_write_end(png, nullptr);
    return true;
}

} // namespace

RgbImage decodePng(std::span<const std::byte> bytes, const std::string &source, const ImageLimits &limits)
{
    ErrorSink sink;
    ReadStructs s;
    s.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &sink, onError, onWarning);
    if (s.png)
        s.info = png_create_info_struct(s.png);
    if (!s.png || !s.info)
        throw Error(source, "libpng could not start (out of memory)");
    MemoryReader reader{bytes.data(), bytes.size(), 0};
    png_set_read_fn(s.png, &reader, readFromMemory);

    Header header;
    if (!readHeader(s.png, s.info, header))
        throw Error(source, std::string("could not decode the PNG data: ") + sink.message);
    const std::uint64_t pixels = std::uint64_t(header.width) * header.height;
    if (header.width == 0 || header.height == 0 || limits.maxPixels < 0 || pixels > std::uint64_t(limits.maxPixels))
        throw Error(source, "image is " + std::to_string(header.width) + " x " + std::to_string(header.height)
                                + " pixels; the limit is " + std::to_string(limits.maxPixels));

    RgbImage image{int(header.width), int(header.height), std::vector<std::uint8_t>(pixels * 3)};
    std::vector<png_bytep> rows(header.height);
    for (png_uint_32 y = 0; y < header.height; ++y)
        rows[y] = image.rgb.data() + std::size_t(y) * 3 * header.width;
    if (!readRows(s.png, s.info, rows.data()))
        throw Error(source, std::string("could not decode the PNG data: ") + sink.message);
    return image;
}

std::vector<std::byte> encodePng(const RgbImage &image, const std::string &source)
{
    requireValidRgb(image, source);
    ErrorSink sink;
    WriteStructs s;
    s.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, onError, onWarning);
    if (s.png)
        s.info = png_create_info_struct(s.png);
    if (!s.png || !s.info)
        throw Error(source, "libpng could not start (out of memory)");
    std::vector<std::byte> out;
    png_set_write_fn(s.png, &out, writeToVector, flushNothing);
    std::vector<png_bytep> rows(std::size_t(image.height));
    for (int y = 0; y < image.height; ++y)
        rows[std::size_t(y)] = const_cast<png_bytep>(image.rgb.data()) + std::size_t(y) * 3 * std::size_t(image.width);
    if (!writeRows(s.png, s.info, image, rows.data()))
        throw Error(source, std::string("PNG encoding failed: ") + sink.message);
    return out;
}

} // namespace tokenscope
