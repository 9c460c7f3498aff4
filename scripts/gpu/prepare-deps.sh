#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# On the development machine (Debian 12): download the .debs the GPU machine lacks into
# .carry/debs (git-ignored; carried with the tree, 64 MiB at most). The GPU machine has CUDA,
# the pip torch (a CUDA LibTorch), CMake and ninja, but no Qt, OpenCV, PCRE2 or utf8proc
# development files and no network. scripts/gpu/run.sh unpacks them into a prefix there.
#   scripts/gpu/prepare-deps.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=.carry/debs
mkdir -p "$dest"

# What core, the CLI and the core tests build against, minus OpenCV's imgcodecs (it pulls ~165 MB
# through GDAL; the cuda preset reads and writes PNG through libpng instead) and minus everything the GPU image
# already has (glibc, libstdc++, zlib, zstd, glib).
packages=(
  # Qt: only QtCore and QtTest (+ moc), for the Qt Test harness of the core tests
  qt6-base-dev qt6-base-dev-tools qmake6 qmake6-bin libqt6core6 libqt6test6 libicu72 libdouble-conversion3 libb2-1 libpcre2-16-0
  libglib2.0-0
  # OpenCV core + imgproc (resizing for tiling, drawing for the synthetic task)
  libopencv-dev libopencv-core-dev libopencv-imgproc-dev libopencv-core406 libopencv-imgproc406 libtbb12
  libblas3 liblapack3 libgfortran5
  # PNG without imgcodecs
  libpng-dev libpng16-16 zlib1g-dev
  # tokenizer: PCRE2 (the Qwen pre-tokenizer regex), utf8proc (NFC), JSON
  libpcre2-dev libpcre2-8-0 libpcre2-32-0 libpcre2-posix3 libutf8proc-dev libutf8proc2 nlohmann-json3-dev
  # pkg-config for PCRE2/utf8proc
  pkgconf pkgconf-bin libpkgconf3
)
(cd "$dest" && apt-get download "${packages[@]}")
du -sh "$dest"
echo "carry .carry with the tree; on the GPU machine run scripts/gpu/run.sh"
