"""Accuracy benchmark of the findings: planted problems found at the right place and level, clean months quiet.

Usage: python benchmarks/diagnosis.py [--seed 1] [--scenarios 50] [--clean 20] [--jobs 1] [--scale 1.0]
       [--code CODE ...] [--angle ANGLE ...] [--list]

Each scenario is a clean ``salesnb demo`` history with one problem planted by :mod:`scenarios` in a random region,
segment and month among the latest three, at a random size from 10% (barely visible) to 70% (large); clean
scenarios plant nothing. Every angle's findings run in process for the planted region's report and the ALL
report of that month (all angles: linked into causes and symptoms as the executive summary links them). A planted
problem is *found* when a finding of its code (or a declared equivalent) is at medium or high severity, in the
planted region, with the planted segment, at the planted level (a product line planted needs a line finding, not
product fragments). Printed: recall per code (all sizes and sizes ≥ 30%), every
miss with its reason, how many found problems head their own tree in the summary (a root, not folded under
another finding) with the parents of the others, and for clean reports the high findings per report and angle and
the codes that fire.
The same seed and options print the same figures (timings aside).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scenarios import EQUIVALENT, NOT_PLANTED, PLANTS, Scenario, build, draw  # noqa: E402

from salesnb.findings import all_findings  # noqa: E402
from salesnb.periods import ALL  # noqa: E402
from salesnb.report import open_report  # noqa: E402

ANGLES = ("market", "product", "team", "process", "support")
FRAGMENTS = {"product_id": "product", "customer_id": "customer", "rep_id": "rep"}  # finer than a planted segment
BAR = 0.3  # the bar: recall >= 95% for planted sizes of at least 30%


def run(scenario: Scenario, scale: float, angles: tuple[str, ...] = ANGLES) -> dict[str, Any]:
    """Build and plant the scenario, run the angles' findings for its region and ALL; a compact result."""
    start = time.perf_counter()
    built = build(scenario, scale)
    out: dict[str, Any] = {"scenario": built.scenario, "segment": built.segment, "error": built.error, "found": []}
    if built.dataset is not None:
        for scope in (built.scenario.region, ALL):
            report = open_report(period=built.scenario.period, region=scope, dataset=built.dataset)
            if angles == ANGLES:  # every angle: linked as the executive summary links them
                found = all_findings(report)
                codes = {f["id"]: f["code"] for f in found}
                for f in found:
                    out["found"].append({"scope": scope, "angle": f["angle"], "code": f["code"],
                                         "severity": f["severity"], "segment": f["segment"],
                                         "parent": codes.get(f["parent"])})  # fmt: skip
                continue
            for angle in angles:
                for f in importlib.import_module(f"salesnb.{angle}").angle_findings(report):
                    out["found"].append({"scope": scope, "angle": angle, "code": f["code"],
                                         "severity": f["severity"], "segment": f["segment"]})  # fmt: skip
    out["seconds"] = time.perf_counter() - start
    return out


def _in_region(f: dict[str, Any], region: str, planted: dict[str, str]) -> bool:
    seg = f["segment"]
    if f["scope"] != ALL:
        return seg.get("region", region) == region
    if "region" in seg:
        return seg["region"] == region
    return any(key in planted for key in FRAGMENTS)  # a customer or rep names its region


def _at_level(result: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The findings of the planted code (or an equivalent): in its region, also on its segment, also at its level."""
    sc: Scenario = result["scenario"]
    planted, codes = result["segment"], {sc.code, *EQUIVALENT.get(sc.code, ())}
    mine = [f for f in result["found"] if f["code"] in codes]
    here = [f for f in mine if _in_region(f, sc.region, planted)]
    right = [f for f in here if all(f["segment"].get(k) == v for k, v in planted.items())]
    return mine, here, right


def heads(result: dict[str, Any]) -> str | None:
    """``None`` when a found problem's finding heads its tree in some report; else the code of its parent there."""
    _, _, right = _at_level(result)
    shown = [
        f for f in right if f["severity"] != "low" and not (set(f["segment"]) & set(FRAGMENTS)) - set(result["segment"])
    ]
    parents = [f.get("parent") for f in shown]
    return None if not parents or None in parents else sorted(parents)[0]


def judge(result: dict[str, Any]) -> tuple[bool, str]:
    """Whether the planted problem was found, and the reason of a miss."""
    planted = result["segment"]
    mine, here, right = _at_level(result)
    level = [f for f in right if not (set(f["segment"]) & set(FRAGMENTS)) - set(planted)]
    if any(f["severity"] != "low" for f in level):
        return True, ""
    if level:
        return False, "found at low"
    if any(f["severity"] != "low" for f in right):
        finer = sorted({FRAGMENTS[k] for f in right for k in f["segment"] if k in FRAGMENTS and k not in planted})
        return False, f"not at the planted level (per {'/'.join(finer)})"
    if right:
        return False, "found at low, and per " + "/".join(
            sorted({FRAGMENTS[k] for f in right for k in f["segment"] if k in FRAGMENTS and k not in planted})
        )
    if here:
        got = sorted({_seg(f["segment"]) for f in here})
        return False, f"wrong segment ({'; '.join(got[:3])})"
    if mine:
        return False, "wrong region"
    return False, "code silent"


def _seg(segment: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in segment.items() if k != "region") or "-"


def _pct(num: int, den: int) -> str:
    return f"{num / den:6.0%}" if den else "     -"


def report_planted(results: list[dict[str, Any]]) -> None:
    by_code: dict[str, list[tuple[dict, bool, str]]] = defaultdict(list)
    misses = []
    for r in results:
        if r["error"]:
            print(f"  skipped {r['scenario'].label}: {r['error']}")
            continue
        hit, why = judge(r)
        by_code[r["scenario"].code].append((r, hit, why))
        if not hit:
            misses.append((r, why))
    print("\nRecall per code (found = right code, medium/high, planted region + segment + level)")
    print(f"{'code':26} {'n':>3} {'found':>5} {'recall':>6} | {'n≥30%':>5} {'found':>5} {'recall':>6} | sizes")
    totals = Counter()
    for code in sorted(PLANTS):
        rows = by_code.get(code, [])
        if not rows:  # not drawn (--code, or fewer scenarios than codes)
            continue
        big = [x for x in rows if x[0]["scenario"].size >= BAR]
        n, k = len(rows), sum(x[1] for x in rows)
        nb, kb = len(big), sum(x[1] for x in big)
        totals.update(n=n, k=k, nb=nb, kb=kb)
        sizes = " ".join(f"{x[0]['scenario'].size:.0%}{'+' if x[1] else '-'}" for x in rows)
        print(f"{code:26} {n:3} {k:5} {_pct(k, n)} | {nb:5} {kb:5} {_pct(kb, nb)} | {sizes}")
    overall = f"{totals['n']:3} {totals['k']:5} {_pct(totals['k'], totals['n'])}"
    big = f"{totals['nb']:5} {totals['kb']:5} {_pct(totals['kb'], totals['nb'])}"
    print(f"{'ALL':26} {overall} | {big} | bar: ≥95% at ≥30%")
    print("\nMisses")
    for r, why in sorted(misses, key=lambda m: (m[0]["scenario"].code, m[0]["scenario"].number)):
        sc = r["scenario"]
        also = Counter(f["code"] for f in r["found"] if f["severity"] != "low" and _in_region(f, sc.region, {}))
        also_text = ", ".join(f"{c}×{n}" if n > 1 else c for c, n in sorted(also.items())) or "none"
        print(f"  {sc.label} seg[{_seg(r['segment'])}]: {why}  | medium/high in region: {also_text}")
    reasons = Counter(why.split(" (")[0] for _, why in misses)
    print("  reasons: " + (", ".join(f"{w} {n}" for w, n in reasons.most_common()) or "none"))
    found = [r for rows in by_code.values() for r, hit, _ in rows if hit and "parent" in (r["found"] or [{}])[0]]
    if found:
        under = [(r["scenario"], heads(r)) for r in found if heads(r) is not None]
        print(f"\nCauses: {len(found) - len(under)} of {len(found)} found problems head their own tree in the summary")
        for sc, parent in sorted(under, key=lambda u: (u[0].code, u[0].number)):
            print(f"  {sc.label}: under {parent}")


def report_clean(results: list[dict[str, Any]]) -> None:
    reports = [(r, scope) for r in results for scope in (r["scenario"].region, ALL)]
    print(f"\nClean data: {len(results)} datasets, {len(reports)} reports (the planted-free region + ALL, same month)")
    print(f"{'angle':8} {'high/report':>11} {'max':>4} {'reports >1 high':>16} {'medium/report':>14}")
    worst = 0
    for angle in ANGLES:
        highs, mediums = [], []
        for r, scope in reports:
            mine = [f for f in r["found"] if f["angle"] == angle and f["scope"] == scope]
            highs.append(sum(f["severity"] == "high" for f in mine))
            mediums.append(sum(f["severity"] == "medium" for f in mine))
        over = sum(h > 1 for h in highs)
        worst = max(worst, max(highs, default=0))
        print(f"{angle:8} {sum(highs) / len(reports):11.2f} {max(highs, default=0):4} {over:16} "
              f"{sum(mediums) / len(reports):14.2f}")  # fmt: skip
    print(f"bar: at most one high finding per clean report and angle: {'met' if worst <= 1 else 'NOT met'}")
    fired: dict[str, Counter] = defaultdict(Counter)
    for r in results:
        for f in r["found"]:
            fired[f["code"]][f["severity"]] += 1
    print("codes firing on clean data (findings over all clean reports: high / medium / low)")
    for code, c in sorted(fired.items(), key=lambda kv: (-kv[1]["high"], -kv[1]["medium"], kv[0])):
        print(f"  {code:26} {c['high']:3} / {c['medium']:3} / {c['low']:3}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenarios", type=int, default=50, help="datasets with one planted problem")
    parser.add_argument("--clean", type=int, default=20, help="datasets with none")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--scale", type=float, default=1.0, help="demo volume scale of each dataset (1.0: the sample)")
    parser.add_argument("--code", action="append", help="plant only these codes (repeatable)")
    parser.add_argument("--angle", action="append", choices=ANGLES, help="run only these angles' findings")
    parser.add_argument("--list", action="store_true", help="print what each code's plant does and exit")
    args = parser.parse_args()
    if args.list:
        for code, plant in sorted(PLANTS.items()):
            print(f"{code:26} {' '.join((plant.__doc__ or '').split())}")
        return 0
    if args.code and set(args.code) - set(PLANTS):
        parser.error(f"unknown code(s) {sorted(set(args.code) - set(PLANTS))}; plantable: {', '.join(sorted(PLANTS))}")
    scenarios = draw(args.seed, args.scenarios, args.clean)
    if args.code:
        scenarios = [s for s in scenarios if s.code is None or s.code in args.code]
    angles = tuple(args.angle or ANGLES)
    start = time.perf_counter()
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(run, scenarios, [args.scale] * len(scenarios), [angles] * len(scenarios)))
    else:
        results = [run(s, args.scale, angles) for s in scenarios]
    elapsed = time.perf_counter() - start
    planted = [r for r in results if r["scenario"].code]
    clean = [r for r in results if not r["scenario"].code]
    print(f"diagnosis benchmark: seed {args.seed}, {len(planted)} planted + {len(clean)} clean datasets, "
          f"scale {args.scale}, {len(PLANTS)} plantable codes")  # fmt: skip
    for code, why in sorted(NOT_PLANTED.items()):
        print(f"  not planted: {code}: {why}")
    report_planted(planted)
    if clean:
        report_clean(clean)
    seconds = [r["seconds"] for r in results]
    print(f"\ntime: {elapsed:.0f} s wall, {sum(seconds) / max(len(seconds), 1):.1f} s per dataset, {args.jobs} job(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
