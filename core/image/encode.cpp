// SPDX-License-Identifier: MIT
#include "image/encode.h"

#include "common/error.h"
#include "image/png_codec.h"
#include "image/rgb_mat.h"

#if TOKENSCOPE_IMAGE_CODECS
#include <opencv2/imgcodecs.hpp>
#endif
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace tokenscope {

std::vector<std::byte> encodeImage(const RgbImage &image, ImageEncoding encoding, const std::string &source,
                                   int jpegQuality)
{
    requireValidRgb(image, source);
#if !TOKENSCOPE_IMAGE_CODECS
    (void)jpegQuality;
    if (encoding == ImageEncoding::Png)
        return encodePng(image, source);
    throw Error(source, "this TokenScope was built without OpenCV's imgcodecs (TOKENSCOPE_IMAGE_CODECS=OFF) and "
                        "writes PNG only, not JPEG");
#else
    try {
        cv::Mat bgr;
        cv::cvtColor(wrapRgb(image), bgr, cv::COLOR_RGB2BGR); // OpenCV encoders expect BGR
        std::vector<uchar> encoded;
        const bool ok = encoding == ImageEncoding::Png
            ? cv::imencode(".png", bgr, encoded)
            : cv::imencode(".jpg", bgr, encoded, {cv::IMWRITE_JPEG_QUALITY, std::clamp(jpegQuality, 0, 100)});
        if (!ok)
            throw Error(source, encoding == ImageEncoding::Png ? "PNG encoding failed" : "JPEG encoding failed");
        std::vector<std::byte> bytes(encoded.size());
        std::memcpy(bytes.data(), encoded.data(), encoded.size());
        return bytes;
    } catch (const cv::Exception &e) {
        throw Error(source, "the encoder failed: " + e.msg);
    }
#endif
}

void writePng(const std::filesystem::path &path, const RgbImage &image)
{
    const std::string source = path.string();
    const std::vector<std::byte> bytes = encodeImage(image, ImageEncoding::Png, source);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        throw Error(source, std::string("cannot write the file: ") + std::strerror(errno));
    out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out)
        throw Error(source, "cannot write the file: writing " + std::to_string(bytes.size()) + " bytes failed");
}

} // namespace tokenscope
