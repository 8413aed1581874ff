#!/usr/bin/env bash
# The Vulkan backend on a real GPU, as one prepared run for a machine lent for minutes (the `device`
# tool): the devices it sees, and for each model the bench in three configurations, a per-op profile
# of one decode step, and agreement with the CPU backend.
#
# usage (there, from the repository root): device-bench.sh TOOLS_DIR MODEL.gguf [MODEL.gguf ...]
# One call carries at most 64 MiB and the machine stays warm 30 s between calls, so, back to back,
# after tests/bench/device-pack.sh made .device/ here:
#   1. carry [".device/tools"]: cp -r .device/tools /tmp/gb-tools
#   2. per piece, carry [".device/NAME.gguf.partNN"]: mkdir -p /tmp/m && cat .device/NAME.gguf.partNN >> /tmp/m/NAME.gguf
#   3. carry [".device/SHA256SUMS"]: SUMS=.device/SHA256SUMS tests/bench/device-bench.sh /tmp/gb-tools /tmp/m/*.gguf
# environment: SUMS (sha256sum lines the models must match), PEAK_GBPS (the GPU's memory bandwidth for
#   the bandwidth fraction: 4800, the H200's, by default), REPS (3), PREFILL (512), DECODE (128),
#   RESULTS (the folder for every result; /tmp/device-results), OUT (set by the device tool: gets
#   summary.md and all results as results.tgz, since at most 8 files come back)
#
# Configurations: the GPU kernels as chosen (fma() fused if the probe says so), the GPU kernels with
# the fused fma() turned off (the float64 path, as a device whose fma() rounds twice runs them), and
# the CPU drivers' kernels. Agreement: top-1 and KL over the top 20 log-probabilities at every
# position of one prompt, Vulkan (GPU kernels) against the CPU backend.
set -euo pipefail

TOOLS="${1:?usage: device-bench.sh TOOLS_DIR MODEL.gguf [MODEL.gguf ...]}"
shift
[ "$#" -gt 0 ] || { echo "no models given" >&2; exit 2; }
RESULTS="${RESULTS:-/tmp/device-results}"
PEAK_GBPS="${PEAK_GBPS:-4800}"
REPS="${REPS:-3}"
PREFILL="${PREFILL:-512}"
DECODE="${DECODE:-128}"
mkdir -p "$RESULTS"
TOOLS="$(cd "$TOOLS" && pwd)"

# The NVIDIA driver's Vulkan manifest where that machine keeps it, unless the loader finds one itself.
for manifest in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json; do
    if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$manifest" ]; then
        export VK_DRIVER_FILES="$manifest"
    fi
done
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/xdg}"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"

cli() {
    "$TOOLS/lib/ld-linux-x86-64.so.2" --library-path "$TOOLS/lib:/usr/local/nvidia/lib64:/usr/local/nvidia/lib" "$TOOLS/bin/glassbox-cli" "$@"
}

if [ -n "${SUMS:-}" ]; then
    for model in "$@"; do
        expected="$(awk -v n="$(basename "$model")" '$2 == n { print $1 }' "$SUMS")"
        actual="$(sha256sum "$model" | cut -d' ' -f1)"
        [ "$expected" = "$actual" ] || { echo "$model: sha256 $actual, expected ${expected:-none}" >&2; exit 1; }
    done
fi

cli devices --json >"$RESULTS/devices.json"
cli devices >&2

for model in "$@"; do
    name="$(basename "$model" .gguf)"
    for config in gpu gpu-nofusedfma cpu-driver; do
        case "$config" in
        gpu) env=(GLASSBOX_VK_KERNELS=gpu) ;;
        gpu-nofusedfma) env=(GLASSBOX_VK_KERNELS=gpu GLASSBOX_VK_FUSED_FMA=0) ;;
        cpu-driver) env=(GLASSBOX_VK_KERNELS=cpu) ;;
        esac
        echo "## $name: $config" >&2
        (export "${env[@]}" && cli bench --model "$model" --backend vulkan -p "$PREFILL" -n "$DECODE" --reps "$REPS" --json) \
            >"$RESULTS/$name.$config.json" || echo "bench failed: $name $config" >&2
    done
    echo "## $name: profile" >&2
    GLASSBOX_VK_KERNELS=gpu cli bench --model "$model" --backend vulkan --profile -p 16 -n 8 --reps 1 >"$RESULTS/$name.profile.txt" 2>&1 || true
    echo "## $name: logits" >&2
    prompt="The quick brown fox jumps over the lazy dog. Once upon a time, in a land far away, there lived a"
    GLASSBOX_VK_KERNELS=gpu cli logits --model "$model" --prompt "$prompt" --top 20 --backend vulkan --json >"$RESULTS/$name.logits-vulkan.json"
    cli logits --model "$model" --prompt "$prompt" --top 20 --backend cpu --json >"$RESULTS/$name.logits-cpu.json"
done

python3 - "$RESULTS" "$PEAK_GBPS" "$@" <<'PY' | tee "$RESULTS/summary.md"
import json, math, os, sys

out, peak, models = sys.argv[1], float(sys.argv[2]) * 1e9, sys.argv[3:]
devices = json.load(open(f"{out}/devices.json"))["devices"]
chosen = next(d for d in devices if d.get("default"))
print(f"device: {chosen['name']} ({chosen['driverName']} {chosen['driverInfo']}); bandwidth fraction against {peak / 1e9:.0f} GB/s\n")
print("| model | kernels | fused fma | load s | prefill tok/s | decode tok/s | weight MiB/token | bandwidth fraction |")
print("|---|---|---|---|---|---|---|---|")
for model in models:
    name = os.path.basename(model).removesuffix(".gguf")
    for config in ("gpu", "gpu-nofusedfma", "cpu-driver"):
        path = f"{out}/{name}.{config}.json"
        if not os.path.getsize(path):
            print(f"| {name} | {config} | | failed | | | | |")
            continue
        d = json.load(open(path))
        fraction = d["weight_bytes_per_token"] * d["decode_tokens_per_s"] / peak
        print(f"| {name} | {config} | {d.get('fused_fma')} | {d['load_s']:.2f} | {d['prefill_tokens_per_s']:.1f} | "
              f"{d['decode_tokens_per_s']:.1f} | {d['weight_bytes_per_token'] / 2**20:.1f} | {fraction:.3f} |")
print("\n| model | positions | top-1 agreement | mean KL over the top 20 (nats) |")
print("|---|---|---|---|")
for model in models:
    name = os.path.basename(model).removesuffix(".gguf")
    gpu, cpu = (json.load(open(f"{out}/{name}.logits-{b}.json")) for b in ("vulkan", "cpu"))
    agree, kl = 0, 0.0
    positions = len(cpu["top_ids"])
    for g_ids, g_lp, c_ids, c_lp in zip(gpu["top_ids"], gpu["top_logprobs"], cpu["top_ids"], cpu["top_logprobs"]):
        agree += g_ids[0] == c_ids[0]
        theirs = dict(zip(g_ids, g_lp))
        floor = min(g_lp)  # tokens outside the GPU's top 20 are counted at its 20th log-probability
        kl += sum(math.exp(lp) * (lp - theirs.get(t, floor)) for t, lp in zip(c_ids, c_lp))
    print(f"| {name} | {positions} | {agree / positions:.3f} | {kl / positions:.2e} |")
PY
if [ -n "${OUT:-}" ]; then
    cp "$RESULTS/summary.md" "$OUT/"
    tar -czf "$OUT/results.tgz" -C "$RESULTS" .
fi
