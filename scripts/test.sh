#!/usr/bin/env bash
# Installs what Glassbox needs, builds it with AddressSanitizer + UndefinedBehaviorSanitizer (clang,
# so the libFuzzer targets build too) and runs every test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/glassbox-xdg-$(id -u)}"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
BUILD_DIR="${GLASSBOX_TEST_BUILD_DIR:-build-test}"
cmake -S . -B "$BUILD_DIR" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
    -DECM_ENABLE_SANITIZERS='address;undefined' \
    -DGLASSBOX_FUZZ=ON
cmake --build "$BUILD_DIR"
# The real chat models, checked against their sha256; where they are missing, the tests that need
# them fail under CI=true and are skipped elsewhere.
python3 scripts/fetch-models.py all || echo "test.sh: could not fetch the real chat models" >&2
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)" "$@"
