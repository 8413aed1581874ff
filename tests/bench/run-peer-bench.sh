#!/usr/bin/env bash
# Compares our engine with llama.cpp (the peer harness in shared/peer) on the same GGUF files: prefill
# of one 512-token batch and 128 single-token decode steps, as bench.mjs does. Builds nothing.
#
# usage: run-peer-bench.sh GLASSBOX_CLI MODEL.gguf [MODEL.gguf ...]
# environment: BACKEND (cpu or vulkan: ours), PEER_BACKENDS (llama.cpp's backends to compare with,
#              comma-separated; BACKEND by default, e.g. "vulkan,cpu"), THREADS (2), REPS (3), PEER_DIR (../shared/peer next to the repo, or /work/shared/peer),
#              NICE (the command prefix both engines run under: "nice"; empty for none), OUT (a folder
#              for the raw JSON; a temporary one by default), PREFILL (512) and DECODE (128): the
#              lengths (shorter ones for engines that need many minutes per repetition)
#
# The two engines run alternately, one fresh process per repetition each, so load on a shared
# machine hits both alike. Each process warms up once (untimed) before it measures. The bandwidth
# fraction is weight bytes read per decoded token x decode tokens/s / the host's measured read bandwidth.
set -euo pipefail

CLI="${1:?usage: run-peer-bench.sh GLASSBOX_CLI MODEL.gguf [MODEL.gguf ...]}"
shift
[ "$#" -gt 0 ] || { echo "no models given" >&2; exit 2; }
[ -x "$CLI" ] || { echo "not an executable: $CLI" >&2; exit 2; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BACKEND="${BACKEND:-cpu}"
PEER_BACKENDS="${PEER_BACKENDS:-$BACKEND}"
THREADS="${THREADS:-2}"
REPS="${REPS:-3}"
PREFILL="${PREFILL:-512}"
DECODE="${DECODE:-128}"
NICE="${NICE-nice}"
if [ -z "${PEER_DIR:-}" ]; then
    PEER_DIR="$HERE/../../../shared/peer"
    [ -d "$PEER_DIR" ] || PEER_DIR=/work/shared/peer
fi
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"

# The peer loads node-llama-cpp from its cache dir (installing it there once, offline-safe).
source "$PEER_DIR/install.sh"
PEER_NODE_MODULES="$(peer_install)"
export PEER_NODE_MODULES
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/xdg}"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"

for model in "$@"; do
    name="$(basename "$model" .gguf)"
    for rep in $(seq 1 "$REPS"); do
        echo "## $name: rep $rep/$REPS: ours" >&2
        $NICE "$CLI" bench --model "$model" --backend "$BACKEND" -p "$PREFILL" -n "$DECODE" --reps 1 --threads "$THREADS" --json >"$OUT/$name.ours.$rep.json"
        echo "## $name: rep $rep/$REPS: llama.cpp" >&2
        # llama.cpp's Vulkan backend crashes on lavapipe with some models (SIGSEGV; most runs on
        # synthetic-Q4_K_M, see shared/peer/results/NOTES.md). bench.mjs then still writes the other
        # backends' results; the repetition is tried again up to twice, and a backend still without a
        # run is left out of that repetition (the table counts it).
        for attempt in 1 2 3; do
            rm -f "$OUT/$name.peer.$rep.json"
            $NICE node "$PEER_DIR/bench.mjs" "$model" --backends "$PEER_BACKENDS" --reps 1 --threads "$THREADS" --prefill "$PREFILL" --decode "$DECODE" \
                --out "$OUT/$name.peer.$rep.json" >"$OUT/$name.peer.$rep.log" 2>&1 && break
            [ -s "$OUT/$name.peer.$rep.json" ] || { echo "peer failed, see $OUT/$name.peer.$rep.log" >&2; exit 1; }
            echo "## $name: rep $rep/$REPS: llama.cpp crashed on a backend (attempt $attempt)" >&2
        done
    done
done

echo "raw results: $OUT" >&2
python3 - "$OUT" "$THREADS" "$BACKEND" "$PEER_BACKENDS" "$PREFILL" "$DECODE" "$@" <<'PY'
import json, os, statistics, sys

out, threads, backend, peer_backends, prefill_n, decode_n, models = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(","), sys.argv[5], sys.argv[6], sys.argv[7:]

def fractions(name):
    values, rep = [], 1
    while os.path.exists(path := f"{out}/{name}.ours.{rep}.json"):
        data = json.load(open(path))
        values.append((data["decode_bandwidth_fraction"], data["weight_bytes_per_token"], data["host_read_gb_per_s"]))
        rep += 1
    return values

def series(name, engine, peer_backend=None):
    prefill, decode, crashed = [], [], 0
    rep = 1
    while os.path.exists(path := f"{out}/{name}.{engine}.{rep}.json"):
        data = json.load(open(path))
        if engine == "ours":
            prefill.append(data["prefill_tokens_per_s"])
            decode.append(data["decode_tokens_per_s"])
        elif runs := data["backends"][peer_backend]["runs"]:
            prefill.append(next(iter(runs[0]["prefill"].values()))["tps"])
            decode.append(runs[0]["decode"]["tps"])
        else:
            crashed += 1
        rep += 1
    return prefill, decode, crashed

def mmm(values):
    return f"{min(values):.1f} / {statistics.median(values):.1f} / {max(values):.1f}" if values else "n/a"

print(f"glassbox on {backend}, CPU threads {threads}; tokens/s as min / median / max over fresh processes; ratio = median ours / median llama.cpp\n")
print(f"| model | engine | prefill {prefill_n} tok/s | decode {decode_n} tok/s |")
print("|---|---|---|---|")
for model in models:
    name = os.path.basename(model).removesuffix(".gguf")
    ours = series(name, "ours")
    print(f"| {name} | glassbox {backend} | {mmm(ours[0])} | {mmm(ours[1])} |")
    for peer_backend in peer_backends:
        peer = series(name, "peer", peer_backend)
        note = f" ({len(peer[0])} runs; {peer[2]} crashed 3 times)" if peer[2] else ""
        print(f"| {name} | llama.cpp {peer_backend}{note} | {mmm(peer[0])} | {mmm(peer[1])} |")
        if not peer[0]:
            continue
        ratios = [statistics.median(o) / statistics.median(p) for o, p in zip(ours[:2], peer[:2])]
        print(f"| {name} | ratio to llama.cpp {peer_backend} | {ratios[0]:.2f} | {ratios[1]:.2f} |")
    measured = fractions(name)
    print(f"| {name} | glassbox decode bandwidth fraction | | {statistics.median(f for f, _, _ in measured):.3f} "
          f"({measured[0][1] / 2**20:.1f} MiB/token, host reads {statistics.median(b for _, _, b in measured):.1f} GB/s) |")
PY
