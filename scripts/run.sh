#!/usr/bin/env bash
# Installs what Glassbox needs, builds it (release), fetches the demo chat model once into the
# user's model cache and chats with it once (the question is the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/glassbox-xdg-$(id -u)}"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
BUILD_DIR="${GLASSBOX_BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$BUILD_DIR"
MODEL="$(python3 scripts/fetch-models.py smollm2)"
# The desktop app is not there yet: show what the engine sees in the model, then chat with it once
# through the model's own chat template.
CLI="$BUILD_DIR/bin/glassbox-cli"
"$CLI" inspect "$MODEL" --ctx 8192
QUESTION="${1:-What is the capital of France?}"
MESSAGES="$(mktemp)"
trap 'rm -f "$MESSAGES"' EXIT
python3 -c 'import json, sys; print(json.dumps([{"role": "system", "content": "You are a helpful assistant."},
                                                {"role": "user", "content": sys.argv[1]}]))' "$QUESTION" > "$MESSAGES"
PROMPT="$("$CLI" chat-template --model "$MODEL" --messages "$MESSAGES" --add-generation-prompt)"
printf '\n%s\n' "$PROMPT"
"$CLI" generate --model "$MODEL" --prompt "$PROMPT" --special --n 128
