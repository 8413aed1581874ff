#!/usr/bin/env python3
"""Writes the part of llama.cpp reference files (shared/peer/REFERENCE.md format) that
tests/model/ReferenceLogitsTest.cpp reads, compactly: trim_refs.py OUT_DIR REF.json...

Kept: model.file/sha256, settings.kv_cache_type, generator (CPU variant, version), and per case the
teacher-forced input_ids/top_ids/margin and the greedy ids/margin. top_logprobs (rounded to 1e-6 in the
source) become top_logprob_steps_e6, exact integers in units of 1e-6: the first is the top logprob,
each further one how far the next logprob lies below the previous (small, so few digits)."""
import json
import os
import sys


def steps(logprobs):
    micro = [round(x * 1e6) for x in logprobs]
    return [micro[0]] + [micro[k - 1] - micro[k] for k in range(1, len(micro))]


def trim(ref):
    return {
        "format": ref["format"],
        "format_version": ref["format_version"],
        "trimmed": "only what tests/model/ReferenceLogitsTest.cpp reads; see README.md",
        "model": {k: ref["model"][k] for k in ("file", "sha256", "n_vocab")},
        "generator": {
            "date": ref["generator"]["date"],
            "llama_cpp": {k: ref["generator"]["llama_cpp"][k] for k in ("version", "commit", "compiler")},
            "system_info": ref["generator"]["system_info"],
        },
        "settings": {k: ref["settings"][k] for k in ("threads", "context_size", "flash_attention", "kv_cache_type", "top_k", "n_generate")},
        "cases": [
            {
                "index": c["index"],
                "teacher_forced": {
                    "input_ids": c["teacher_forced"]["input_ids"],
                    "top_ids": c["teacher_forced"]["top_ids"],
                    "top_logprob_steps_e6": [steps(row) for row in c["teacher_forced"]["top_logprobs"]],
                    "margin": c["teacher_forced"]["margin"],
                },
                "greedy": {k: c["greedy"][k] for k in ("ids", "margin")},
            }
            for c in ref["cases"]
        ],
    }


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for path in sys.argv[2:]:
        with open(path) as f:
            ref = json.load(f)
        for case in ref["cases"]:
            assert case["tokens"]["with_bos"] == case["teacher_forced"]["input_ids"]
        name = os.path.basename(path)
        with open(os.path.join(out_dir, name), "w") as f:
            json.dump(trim(ref), f, separators=(",", ":"))
            f.write("\n")


if __name__ == "__main__":
    main()
