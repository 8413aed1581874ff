#!/usr/bin/env bash
# Installs what Glassbox needs, builds it (release), fetches the demo chat model once into the
# user's model cache and starts Glassbox on it. Extra arguments go to glassbox-cli.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/glassbox-xdg-$(id -u)}"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
BUILD_DIR="${GLASSBOX_BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$BUILD_DIR"
MODEL="$(python3 scripts/fetch-models.py smollm2)"
# The desktop app is not there yet: show what the engine sees in the model.
"$BUILD_DIR/bin/glassbox-cli" inspect "$MODEL" --ctx 8192
"$BUILD_DIR/bin/glassbox-cli" tokenize --model "$MODEL" --special "<|im_start|>user
Hello, Glassbox!<|im_end|>"
