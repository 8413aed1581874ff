#!/usr/bin/env bash
# Remakes MODEL_NAME.ref.json: llama.cpp's teacher-forced log-probs of garden-story.txt (one pass, F32
# KV cache, context 512) from the peer harness, trimmed to what PerplexityTest reads.
# usage: make-reference.sh MODEL.gguf NAME     (e.g. ../../../../shared/models/stories260K.gguf stories260K)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared=${GLASSBOX_SHARED_DIR:-$here/../../../../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -c 'import json, sys; print(json.dumps([open(sys.argv[1]).read()]))' "$here/garden-story.txt" >"$work/prompts.json"
bash "$shared/peer/reference.sh" "$1" "$work/prompts.json" --out "$work/full.ref.json" --gen 1
python3 - "$work/full.ref.json" "$here/$2.ref.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
tf = d["cases"][0]["teacher_forced"]
llama = d["generator"]["llama_cpp"]
json.dump({
    "source": "shared/peer/reference.mjs (llama.cpp %s, commit %s), trimmed" % (llama["version"], llama["commit"]),
    "model": {k: d["model"][k] for k in ("file", "sha256")},
    "prompts_sha256": d["prompts_sha256"],
    "settings": {k: d["settings"][k] for k in ("backend", "threads", "context_size", "kv_cache_type", "flash_attention")},
    "input_ids": tf["input_ids"],
    "target_logprob": tf["target_logprob"][:-1],  # the last row predicts past the text
}, open(sys.argv[2], "w"), separators=(",", ":"))
PY
