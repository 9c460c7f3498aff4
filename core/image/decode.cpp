// SPDX-License-Identifier: MIT
// Decoding with OpenCV imgcodecs (or, without it, PNG through libpng) into 8-bit RGB, behind size,
// pixel and truncation checks.
#include "common/error.h"
#include "image/image.h"
#include "image/image_header.h"
#include "image/png_codec.h"

#include <opencv2/core.hpp>
#if TOKENSCOPE_IMAGE_CODECS
#include <opencv2/imgcodecs.hpp>
#endif
#include <opencv2/imgproc.hpp>

#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <system_error>

namespace tokenscope {

namespace {

std::string sizeText(std::int64_t width, std::int64_t height)
{
    return std::to_string(width) + " x " + std::to_string(height);
}

void requirePixelLimits(std::int64_t width, std::int64_t height, const ImageLimits &limits,
                        const std::string &source)
{
    if (width <= 0 || height <= 0)
        throw Error(source, "image has zero width or height (" + sizeText(width, height) + ")");
    // Header sizes are at most 32-bit unsigned each: the product fits in uint64 but not in int64.
    const std::uint64_t pixels = static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
    if (limits.maxPixels < 0 || pixels > static_cast<std::uint64_t>(limits.maxPixels))
        throw Error(source, "image is " + sizeText(width, height) + " = " + std::to_string(pixels)
                                + " pixels; the limit is " + std::to_string(limits.maxPixels));
}

#if TOKENSCOPE_IMAGE_CODECS
// Any depth → 8 bit: 16-bit scales by 1/257 (65535 → 255), float assumes [0, 1].
cv::Mat toEightBit(const cv::Mat &decoded, const std::string &source)
{
    cv::Mat out;
    switch (decoded.depth()) {
    case CV_8U: return decoded;
    case CV_16U: decoded.convertTo(out, CV_8U, 1.0 / 257.0); return out;
    case CV_32F:
    case CV_64F: decoded.convertTo(out, CV_8U, 255.0); return out;
    default:
        throw Error(source, "unsupported pixel depth (OpenCV depth code " + std::to_string(decoded.depth()) + ")");
    }
}

// OpenCV hands out grey, grey+alpha, BGR or BGRA; the model wants RGB. Alpha is dropped without
// compositing, as PIL's convert("RGB") does in the reference pipeline.
void convertToRgb(const cv::Mat &eightBit, RgbImage &image, const std::string &source)
{
    image.width = eightBit.cols;
    image.height = eightBit.rows;
    image.rgb.resize(static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 3);
    cv::Mat rgb(image.height, image.width, CV_8UC3, image.rgb.data()); // cvtColor writes in place
    switch (eightBit.channels()) {
    case 1: cv::cvtColor(eightBit, rgb, cv::COLOR_GRAY2RGB); break;
    case 2: {
        cv::Mat grey;
        cv::extractChannel(eightBit, grey, 0);
        cv::cvtColor(grey, rgb, cv::COLOR_GRAY2RGB);
        break;
    }
    case 3: cv::cvtColor(eightBit, rgb, cv::COLOR_BGR2RGB); break;
    case 4: cv::cvtColor(eightBit, rgb, cv::COLOR_BGRA2RGB); break;
    default:
        throw Error(source, "unsupported channel count " + std::to_string(eightBit.channels()));
    }
    if (rgb.data != image.rgb.data())
        throw Error(source, "internal error: colour conversion reallocated its output");
}
#endif

} // namespace

RgbImage decodeImageBytes(std::span<const std::byte> bytes, const std::string &source,
                          const ImageLimits &limits)
{
    if (bytes.empty())
        throw Error(source, "no image data (0 bytes)");
    if (bytes.size() > limits.maxFileBytes)
        throw Error(source, "image data is " + std::to_string(bytes.size()) + " bytes; the limit is "
                                + std::to_string(limits.maxFileBytes) + " bytes");
    if (bytes.size() > static_cast<std::size_t>(INT_MAX))
        throw Error(source, "image data is too large for the decoder (over 2 GiB)");

    // Cheap structural checks first, so bombs and truncated files never reach the decoder.
    const ImageHeader header = readImageHeader(bytes, source);
    if (header.dimensionsKnown)
        requirePixelLimits(header.width, header.height, limits, source);
    requireCompleteImage(header, bytes, source);

#if !TOKENSCOPE_IMAGE_CODECS
    if (header.format == ImageFormat::Png)
        return decodePng(bytes, source, limits);
    throw Error(source, std::string("this TokenScope was built without OpenCV's imgcodecs (TOKENSCOPE_IMAGE_CODECS=OFF) "
                                    "and reads PNG only, not ") + imageFormatName(header.format) + " data");
#else
    try {
        const cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8U,
                              const_cast<std::byte *>(bytes.data())); // read-only view
        // UNCHANGED keeps the stored orientation (no EXIF rotation), as PIL's Image.open does.
        const cv::Mat decoded = cv::imdecode(encoded, cv::IMREAD_UNCHANGED);
        if (decoded.empty()) {
            if (header.format == ImageFormat::Unknown)
                throw Error(source, "not a recognised image: the data is corrupt or in an unsupported format");
            throw Error(source, std::string("could not decode the ") + imageFormatName(header.format)
                                    + " data: it is corrupt or this OpenCV build cannot read the format");
        }
        // Formats without a parsed header (TIFF, PNM…) are checked here, after decoding.
        requirePixelLimits(decoded.cols, decoded.rows, limits, source);
        RgbImage image;
        convertToRgb(toEightBit(decoded, source), image, source);
        return image;
    } catch (const cv::Exception &e) {
        throw Error(source, "the decoder failed: " + e.msg);
    }
#endif
}

RgbImage decodeImageFile(const std::filesystem::path &path, const ImageLimits &limits)
{
    namespace fs = std::filesystem;
    const std::string source = path.string();
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (status.type() == fs::file_type::not_found)
        throw Error(source, "file does not exist");
    if (ec)
        throw Error(source, "cannot access the file: " + ec.message());
    if (fs::is_directory(status))
        throw Error(source, "is a directory, not an image file");
    if (!fs::is_regular_file(status))
        throw Error(source, "is not a regular file");
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec)
        throw Error(source, "cannot read the file size: " + ec.message());
    if (size == 0)
        throw Error(source, "file is empty");
    if (size > limits.maxFileBytes)
        throw Error(source, "file is " + std::to_string(size) + " bytes; the limit is "
                                + std::to_string(limits.maxFileBytes) + " bytes");

    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(source, std::string("cannot open the file: ") + std::strerror(errno));
    std::vector<std::byte> bytes(static_cast<std::size_t>(size));
    in.read(reinterpret_cast<char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (in.gcount() != static_cast<std::streamsize>(bytes.size()))
        throw Error(source, "could not read the whole file (read " + std::to_string(in.gcount()) + " of "
                                + std::to_string(size) + " bytes)");
    return decodeImageBytes(bytes, source, limits);
}

} // namespace tokenscope
