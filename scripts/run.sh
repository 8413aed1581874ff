#!/usr/bin/env bash
# Installs what Glassbox needs, builds it (release), fetches the demo chat model once into the
# app's model folder and starts Glassbox with it loaded (extra arguments go to glassbox).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/glassbox-xdg-$(id -u)}"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
BUILD_DIR="${GLASSBOX_BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$BUILD_DIR"
# The demo chat model goes once into the app's own model folder (Settings shows and changes it).
MODEL_DIR="${XDG_DATA_HOME:-$HOME/.local/share}/glassbox/models"
MODEL="$(GLASSBOX_MODEL_DIR="$MODEL_DIR" python3 scripts/fetch-models.py smollm2)"
exec "$BUILD_DIR/bin/glassbox" --model "$MODEL" "$@"
