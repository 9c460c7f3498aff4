#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# On the GPU machine, from the repository root, in one call: build the cuda preset against the
# pip torch's CUDA LibTorch, run the GPU and parity tests, make the parity fixtures with
# transformers, and time TokenScope and transformers on the same checkpoints. Everything it
# finds goes to $OUT (the device tool's folder) or build/gpu-out: log.txt, ctest.log,
# parity-fixtures.tar.gz, speed.jsonl, speed.md.
#
#   scripts/gpu/run.sh all                      build, parity, bench internvl3_5-1b-flash
#   scripts/gpu/run.sh build|parity             one step (parity builds first if needed)
#   scripts/gpu/run.sh bench SHAPE [PX,...]     e.g. bench internvl3_5-8b-flash 1344
#   scripts/gpu/run.sh train-demo [SCALE]       the demo model's recipe on the GPU (docs/training.md), every
#                                               stage's steps × SCALE (default 4); the model, stage
#                                               logs and accuracy table come back in $OUT
#
# Needs .carry/debs from scripts/gpu/prepare-deps.sh (run on the development machine).
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-$PWD/build/gpu-out}
mkdir -p "$out"
exec > >(tee -a "$out/log.txt") 2>&1

deps=/tmp/tokenscope-deps
build=build/cuda
step() { echo; echo "=== $* ($(date +%T))"; }
die() { echo "run.sh: $*" >&2; exit 1; }
# Python (torch, transformers) runs with the machine's own library path, never the carried Debian one.
machineLibraryPath=${LD_LIBRARY_PATH:-}
py() { LD_LIBRARY_PATH=$machineLibraryPath PYTHONUNBUFFERED=1 python3 "$@"; }

unpackDeps() {
    [ -d .carry/debs ] || die ".carry/debs is missing: run scripts/gpu/prepare-deps.sh on the development machine and carry .carry"
    if [ ! -d "$deps/usr" ]; then
        step "unpacking $(ls .carry/debs/*.deb | wc -l) packages into $deps"
        for f in .carry/debs/*.deb; do dpkg -x "$f" "$deps" || die "cannot unpack $f"; done
        # OpenCV's CMake package checks that every module's library exists; only core and imgproc
        # came along and nothing links the others, so the checks of the missing ones are dropped.
        # (Empty stand-in files would pass the check but shadow real libraries at run time.)
        local lib=$deps/usr/lib/x86_64-linux-gnu
        local modules=$lib/cmake/opencv4/OpenCVModules-release.cmake
        for f in $(grep -oE 'libopencv_[a-z0-9_]+\.so\.[0-9]+\.[0-9]+\.[0-9]+' "$modules" | sort -u); do
            [ -e "$lib/$f" ] || sed -i "/_cmake_import_check_files_for_.*\/$f\"/d" "$modules"
        done
        # zlib1g-dev's libz.so points at Debian's /lib/.../libz.so.1.2.13; link against the machine's
        # own libz.so.1 instead (same soname; only the headers had to come along).
        ln -sfn /lib/x86_64-linux-gnu/libz.so.1 "$lib/libz.so"
    fi
    local torchPrefix
    torchPrefix=$(py -c 'import torch; print(torch.utils.cmake_prefix_path)') || die "python3 has no torch"
    export CMAKE_PREFIX_PATH="$torchPrefix:$deps/usr"   # an environment list: colons
    export LD_LIBRARY_PATH="$deps/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export PKG_CONFIG_SYSROOT_DIR=$deps
    export PKG_CONFIG_LIBDIR=$deps/usr/lib/x86_64-linux-gnu/pkgconfig:$deps/usr/share/pkgconfig
    export PATH="/usr/local/cuda/bin:$PATH"
    # pip's CMake may be 4.x, which refuses packages that ask for policies older than 3.5.
    export CMAKE_POLICY_VERSION_MINIMUM=3.5
}

buildAll() {
    unpackDeps
    step "machine"
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
    py -c 'import torch, transformers; print("torch", torch.__version__, "cuda", torch.version.cuda, "transformers", transformers.__version__)'
    nvcc --version | tail -1
    step "configure (cuda preset)"
    cmake --preset cuda -DPKG_CONFIG_EXECUTABLE="$deps/usr/bin/pkgconf" || die "configure failed"
    step "build"
    cmake --build --preset cuda -j "$(nproc)" || die "build failed"
}

parity() {
    [ -x "$build/tests/tst_gpu_path" ] || buildAll
    step "parity fixtures from transformers"
    rm -rf "$build/parity"
    py scripts/gpu/parity_fixtures.py --out "$build/parity" || die "parity_fixtures.py failed"
    tar czf "$out/parity-fixtures.tar.gz" -C "$build" parity
    step "the demo model on the GPU, fp32 and bf16 (the CPU answers \"blue\")"
    for dtype in fp32 bf16; do
        "$build/app/tokenscope-cli" run --model resources/models/demo --image resources/images/synthetic-3x2.png \
            --question "What word is written on the card?" --method visionselector --budget 0.3 --device cuda --dtype "$dtype" \
            || echo "run.sh: the demo run on cuda $dtype failed"
    done
    step "GPU and parity tests"
    TOKENSCOPE_PARITY_DIR=$PWD/$build/parity ctest --preset cuda --output-on-failure 2>&1 | tee "$out/ctest.log"
}

bench() {
    local shape=$1 sizes=${2:-448,896,1344}
    [ -x "$build/benchmarks/bench_ttft" ] || buildAll
    local ckpt=/tmp/tokenscope-$shape
    if [ ! -f "$ckpt/config.json" ]; then
        step "random $shape checkpoint (bf16)"
        "$build/app/tokenscope-cli" make-fixture --shape "$shape" --dtype BF16 --shards 4 --out "$ckpt" || die "make-fixture failed"
    fi
    # The same weights through both, one after the other on the same GPU, in one call.
    step "transformers on $shape"
    py scripts/gpu/reference_speed.py --checkpoint "$ckpt" --image-px "$sizes" \
        --repeats 10 --warmup 3 --new-tokens 64 --json "$out/speed.jsonl" || echo "reference_speed.py failed"
    step "TokenScope on $shape"
    "$build/benchmarks/bench_ttft" --checkpoint "$ckpt" --device cuda --dtype bf16 --image-px "$sizes" \
        --repeats 10 --warmup 3 --new-tokens 64 --json "$out/speed.jsonl" || echo "bench_ttft failed"
    py scripts/gpu/summarize_speed.py "$out/speed.jsonl" > "$out/speed.md" && cat "$out/speed.md"
}

trainDemo() {
    local scale=${1:-4}
    [ -x "$build/app/tokenscope-cli" ] || buildAll
    step "demo model recipe on CUDA, steps x $scale"
    scripts/train-demo.sh --cli "$build/app/tokenscope-cli" --device cuda --scale "$scale" --batch 16 \
        --work /tmp/tokenscope-demo-training || die "train-demo.sh failed"
    local done=/tmp/tokenscope-demo-training
    # No GUI libraries here, so no curve figure: the stage logs come back for plot-training at home.
    cp "$done/selector/model.safetensors" "$done/selector/selector.safetensors" "$done/selector/config.json" \
       "$done/selector/tokenizer.json" "$done/eval/summary.csv" "$out/"
    tar czf "$out/train-logs.tar.gz" -C "$done" read/train-log.jsonl base3/train-log.jsonl base/train-log.jsonl \
        vico/train-log.jsonl router/train-log.jsonl router-no-vico/train-log.jsonl selector/train-log.jsonl
}

case "${1:-all}" in
    all) buildAll && parity && bench internvl3_5-1b-flash ;;
    build) buildAll ;;
    parity) unpackDeps; parity ;;
    bench) [ $# -ge 2 ] || die "bench needs a shape"; unpackDeps; bench "$2" "${3:-448,896,1344}" ;;
    train-demo) unpackDeps; trainDemo "${2:-4}" ;;
    *) die "unknown step '$1' (all, build, parity, bench SHAPE [PX,...], train-demo [SCALE])" ;;
esac
