#!/usr/bin/env python3
"""Score a candidate against a llama.cpp reference (.ref.json) with issue #3's metrics.

usage: compare_refs.py REF.ref.json CAND.json [CAND.json ...]
CAND is either another .ref.json (llama.cpp; top-K only: an id missing from its top-K gets its K-th
logprob, as check_refs.py does) or dump_ours output (the whole vocabulary per row).
Metrics (as tests/model/ReferenceLogitsTest.cpp): top-1 agreement over teacher-forced rows whose
reference margin >= 1e-3; mean/max KL(ref || cand) renormalised over the reference's top-20 ids;
greedy: leading ids equal, up to the first step whose reference margin < 0.02 (the allowed length).
"""
import json
import math
import sys

TIE, GREEDY_MARGIN = 1e-3, 0.02


def rows_of(cand, ci, part):
    """Candidate rows as (argmax, {id: logprob}, floor) for case ci, part 'teacher_forced'/'greedy'."""
    c = cand["cases"][ci][part]
    if isinstance(c, list):  # dump_ours
        out = []
        for r in c:
            lp = {i: l - r["lse"] for i, l in zip(r["ids"], r["logits"])}
            out.append((r["ids"][0], lp, None))
        return out
    return [(ids[0], dict(zip(ids, lps)), lps[-1]) for ids, lps in zip(c["top_ids"], c["top_logprobs"])]


def kl(ref_ids, ref_lps, lp, floor):
    ql = [lp.get(i, floor) for i in ref_ids]
    zr = math.log(sum(math.exp(v) for v in ref_lps))
    zq = math.log(sum(math.exp(v) for v in ql))
    return sum(math.exp(p - zr) * ((p - zr) - (q - zq)) for p, q in zip(ref_lps, ql))


def compare(ref, cand):
    agree = tot = 0
    kls = []
    gm = gl = 0
    fails = []
    for ci, rc in enumerate(ref["cases"]):
        tf = rc["teacher_forced"]
        rows = rows_of(cand, ci, "teacher_forced")
        assert len(rows) == len(tf["argmax"])
        for i, (am, lp, floor) in enumerate(rows):
            kls.append(kl(tf["top_ids"][i], tf["top_logprobs"][i], lp, floor))
            if tf["margin"][i] >= TIE:
                tot += 1
                agree += am == tf["argmax"][i]
        g = rc["greedy"]
        limit = 0
        while limit < len(g["ids"]) and g["margin"][limit] >= GREEDY_MARGIN:
            limit += 1
        cids = [r[0] for r in rows_of(cand, ci, "greedy")]
        m = 0
        while m < limit and cids[m] == g["ids"][m]:
            m += 1
        gm += m
        gl += limit
        if m < limit:
            fails.append(f"p{ci}@{m}/{limit}")
    top1 = agree / tot
    mkl = sum(kls) / len(kls)
    ok = top1 >= 0.99 and mkl <= 0.005 and not fails
    return dict(top1=top1, agree=agree, tot=tot, kl_mean=mkl, kl_max=max(kls), greedy=f"{gm}/{gl}", fails=fails, ok=ok)


def fmt(d):
    return (f"top1 {100*d['top1']:6.2f}% ({d['agree']}/{d['tot']})  KL {d['kl_mean']:.2e} (max {d['kl_max']:.2e})  "
            f"greedy {d['greedy']} {' '.join(d['fails'])}  {'PASS' if d['ok'] else 'FAIL'}")


if __name__ == "__main__":
    ref = json.load(open(sys.argv[1]))
    for p in sys.argv[2:]:
        print(f"{p}: {fmt(compare(ref, json.load(open(p))))}")
