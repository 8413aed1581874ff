#!/usr/bin/env python3
"""Issue #3 metrics for every model with files in DIR (default /tmp/acc):
llama.cpp on this machine (<m>.F32/F16.ref.json) and dump_ours output (ours.<m>.F32/F16.json) against
the shared zen4 reference and against llama.cpp here with the same KV type."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_refs import compare  # noqa: E402

D = sys.argv[1] if len(sys.argv) > 1 else "/tmp/acc"
R = "/work/shared/reference"
_cache = {}


def load(p):
    if p not in _cache:
        try:
            _cache[p] = json.load(open(p))
        except (OSError, ValueError):  # missing, or still being written
            _cache[p] = None
    return _cache[p]


def cell(ref, cand):
    if ref is None or cand is None:
        return "-"
    d = compare(ref, cand)
    return f"{100*d['top1']:.2f} {d['kl_mean']:.1e} {d['greedy']}{'' if d['ok'] else ' X'}"


models = sorted(f[:-9] for f in os.listdir(R) if f.endswith(".ref.json"))
cols = [("H32|Z", "F32", "Z", "H32"), ("H16|Z", "F16", "Z", "H16"), ("H16|H32", "F16", "H32", "H16"),
        ("O32|Z", "F32", "Z", "O32"), ("O32|H32", "F32", "H32", "O32"), ("O16|Z", "F16", "Z", "O16"), ("O16|H16", "F16", "H16", "O16")]
print("cells: top-1 % / mean KL / greedy matched/allowed; X = misses a threshold. Z = zen4 shared ref (F32 KV), "
      "H32/H16 = llama.cpp haswell F32/F16 KV, O32/O16 = ours")
print("| model | " + " | ".join(c[0] for c in cols) + " |")
print("|---" * (len(cols) + 1) + "|")
for m in models:
    files = {"Z": f"{R}/{m}.ref.json", "H32": f"{D}/{m}.F32.ref.json", "H16": f"{D}/{m}.F16.ref.json",
             "O32": f"{D}/ours.{m}.F32.json", "O16": f"{D}/ours.{m}.F16.json"}
    row = [cell(load(files[r]), load(files[c])) for _, _, r, c in cols]
    if all(x == "-" for x in row):
        continue
    print(f"| {m} | " + " | ".join(row) + " |", flush=True)
