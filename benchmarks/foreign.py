"""Accuracy benchmark on foreign data: worlds from :mod:`foreign_data`, not from our demo generator.

Usage: python benchmarks/foreign.py [--seed 1] [--scenarios 40] [--clean 15] [--jobs 1] [--code CODE ...]

Why: ``diagnosis.py`` plants problems into ``salesnb.demo`` histories, so it cannot tell whether the rules only
work on the shapes that generator makes. Here each scenario draws an independent world (other names, sizes,
seasonality, noise, tables present, encodings and date styles), plants one problem of :mod:`foreign_plants` in a
random region, segment and one of the latest three complete months at a size from 10% to 70% (clean scenarios
plant nothing), writes the tables as CSV files into a temporary folder and runs every angle's findings through
the ordinary loader for the planted region's report and the ALL report of that month. *Found* is judged exactly
as ``diagnosis.py`` does (its :func:`judge`). Printed: recall per code (all sizes and ≥ 30%), every miss with its
reason and the world's traits, every exception a report raised (the traceback's last line and salesnb frame) and
for clean worlds the high and medium findings per report and angle. The same seed prints the same figures.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diagnosis import ANGLES, BAR, _in_region, _pct, _seg, judge, report_clean  # noqa: E402
from foreign_data import World, draw_world, export, export_value, simulate  # noqa: E402
from foreign_plants import PLANTS, Unplantable, supports  # noqa: E402

from salesnb.periods import ALL  # noqa: E402
from salesnb.report import open_report  # noqa: E402

LATEST = 3  # the planted month is one of the latest three complete months
SIZES = (0.1, 0.7)


@dataclass(frozen=True)
class Scenario:
    """One foreign dataset: world ``seed``, the problem ``code`` (``None``: clean) planted in ``region``/``period``."""

    number: int
    seed: int
    code: str | None
    region: str
    period: str
    size: float
    tries: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return f"#{self.number:03d} w{self.seed} {self.code or 'clean'} {self.region} {self.period} {self.size:.0%}"


def draw(seed: int, planted: int, clean: int, codes: list[str] | None = None) -> list[Scenario]:
    """``planted`` scenarios (codes round-robin in shuffled rounds) and ``clean`` ones, each with its own world."""
    rng = np.random.default_rng(seed)
    pool = sorted(codes or PLANTS)
    order: list[str] = []
    while len(order) < planted:
        order += [str(c) for c in rng.permutation(pool)]
    out = []
    for number in range(planted + clean):
        code = order[number] if number < planted else None
        for _ in range(50):  # a world whose export supports the code's plant
            world_seed = int(rng.integers(0, 1_000_000))
            world = draw_world(world_seed)
            if code is None or supports(world, code):
                break
        combos = [(r, world.months[-1 - back]) for back in range(LATEST) for r in world.regions]
        places = tuple(combos[k] for k in rng.permutation(len(combos)))
        size = float(np.round(rng.uniform(*SIZES), 2)) if code else 0.0
        out.append(Scenario(number, world_seed, code, places[0][0], places[0][1], size, places[1:]))
    return out


def plant(tables: dict, world: World, sc: Scenario) -> tuple[Scenario, dict[str, str]]:
    """Plant ``sc.code`` (falling back on the other places when the first cannot hold it)."""
    rng = np.random.default_rng([sc.seed, sc.number])
    tried = []
    for region, period in ((sc.region, sc.period), *sc.tries):
        work = {name: frame.copy() for name, frame in tables.items()}
        try:
            segment = PLANTS[str(sc.code)](work, world, region, period, sc.size, rng)
        except Unplantable as exc:
            tried.append(f"{region} {period}: {exc}")
            if "not exported" in str(exc):
                break
            continue
        tables.update(work)
        return replace(sc, region=region, period=period, tries=()), segment
    raise Unplantable("; ".join(tried[:2]))


def traits(world: World) -> str:
    """A short description of the world, to read a miss or crash against."""
    partial = f"+{world.partial_day}d" if world.partial_day else ""
    style = f"{', slash' if world.slash_dates else ''}{', numeric ids' if world.numeric_ids else ''}"
    style += ", 1,234.50" if world.thousands else ""
    dropped = f"; no {','.join(sorted(world.dropped))}" if world.dropped else ""
    return (
        f"{len(world.regions)} regions, {len(world.months)}m{partial}, {world.encoding}{style}, "
        f"tables: {','.join(sorted(world.present)) or '-'}{dropped}"
    )


def _failure(scope: str, angle: str) -> dict[str, str]:
    """The current exception as a compact record: where, the last line, the innermost salesnb frame."""
    frames = [f for f in traceback.extract_tb(sys.exc_info()[2]) if "salesnb" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno} {frames[-1].name}" if frames else "?"
    return {
        "scope": scope,
        "angle": angle,
        "last": traceback.format_exc().strip().splitlines()[-1][:200],
        "where": where,
    }


def run(sc: Scenario) -> dict[str, Any]:
    """Simulate, plant, export and report one scenario; findings, crashes and the world's traits."""
    start = time.perf_counter()
    world, tables = simulate(sc.seed)
    out: dict[str, Any] = {
        "scenario": sc,
        "segment": {},
        "error": "",
        "found": [],
        "crashes": [],
        "traits": traits(world),
    }
    if sc.code:
        try:
            sc, segment = plant(tables, world, sc)
        except Unplantable as exc:
            out["error"] = f"unplantable: {exc}"
            return out
        out["scenario"] = sc
        out["segment"] = {k: export_value(world, k, v) for k, v in segment.items()}
    with tempfile.TemporaryDirectory(prefix="foreign") as folder:
        export(world, tables, Path(folder))
        for scope in (sc.region, ALL):
            try:
                report = open_report(data=folder, period=sc.period, region=scope)
            except Exception:  # noqa: BLE001 - a crash on foreign data is the finding
                out["crashes"].append(_failure(scope, "open_report"))
                continue
            for angle in ANGLES:
                try:
                    found = importlib.import_module(f"salesnb.{angle}").angle_findings(report)
                except Exception:  # noqa: BLE001
                    out["crashes"].append(_failure(scope, angle))
                    continue
                out["found"] += [
                    {
                        "scope": scope,
                        "angle": angle,
                        "code": f["code"],
                        "severity": f["severity"],
                        "segment": f["segment"],
                    }
                    for f in found
                ]
    out["seconds"] = time.perf_counter() - start
    return out


def report_planted(results: list[dict[str, Any]]) -> None:
    """Recall per code (all sizes and ≥ 30%), then every miss with its reason and what fired in the region."""
    rows: dict[str, list[tuple[dict, bool]]] = defaultdict(list)
    misses = []
    for r in results:
        if r["error"]:
            print(f"  skipped {r['scenario'].label}: {r['error']}")
            continue
        hit, why = judge(r)
        rows[r["scenario"].code].append((r, hit))
        if not hit:
            misses.append((r, why))
    print("\nRecall per code (found = right code, medium/high, planted region + segment + level)")
    print(f"{'code':24} {'n':>3} {'found':>5} {'recall':>6} | {'n≥30%':>5} {'found':>5} {'recall':>6} | sizes")
    tot = Counter()
    for code in sorted(rows):
        big = [x for x in rows[code] if x[0]["scenario"].size >= BAR]
        n, k, nb, kb = len(rows[code]), sum(x[1] for x in rows[code]), len(big), sum(x[1] for x in big)
        tot.update(n=n, k=k, nb=nb, kb=kb)
        sizes = " ".join(f"{x[0]['scenario'].size:.0%}{'+' if x[1] else '-'}" for x in rows[code])
        print(f"{code:24} {n:3} {k:5} {_pct(k, n)} | {nb:5} {kb:5} {_pct(kb, nb)} | {sizes}")
    print(
        f"{'ALL':24} {tot['n']:3} {tot['k']:5} {_pct(tot['k'], tot['n'])} | {tot['nb']:5} {tot['kb']:5} "
        f"{_pct(tot['kb'], tot['nb'])}"
    )
    print("\nMisses")
    for r, why in sorted(misses, key=lambda m: (m[0]["scenario"].code, m[0]["scenario"].number)):
        sc = r["scenario"]
        also = Counter(f["code"] for f in r["found"] if f["severity"] != "low" and _in_region(f, sc.region, {}))
        text = ", ".join(f"{c}×{n}" if n > 1 else c for c, n in sorted(also.items())) or "none"
        print(f"  {sc.label} seg[{_seg(r['segment'])}]: {why}  | medium/high in region: {text}")
        print(f"      world: {r['traits']}")
    reasons = Counter(why.split(" (")[0] for _, why in misses)
    print("  reasons: " + (", ".join(f"{w} {n}" for w, n in reasons.most_common()) or "none"))


def report_crashes(results: list[dict[str, Any]]) -> None:
    """Every exception a report raised, grouped by its last line and place."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in results:
        for c in r["crashes"]:
            groups[(c["last"], c["where"])].append(f"{r['scenario'].label} [{c['scope']}/{c['angle']}]")
    datasets = sum(bool(r["crashes"]) for r in results)
    print(f"\nCrashes: {sum(len(v) for v in groups.values())} report-angles in {datasets} datasets")
    for (last, where), labels in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(labels)}× {last}\n      at {where}; e.g. {'; '.join(labels[:3])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenarios", type=int, default=40, help="datasets with one planted problem")
    parser.add_argument("--clean", type=int, default=15, help="datasets with none")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--code", action="append", choices=sorted(PLANTS), help="plant only these codes (repeatable)")
    parser.add_argument(
        "--same-worlds",
        action="store_true",
        help="with --code: keep the full draw's worlds and run its clean ones and those planted with the codes "
        "(a before/after of one rule on exactly the worlds of the whole benchmark, at a fraction of its time)",
    )
    args = parser.parse_args()
    if args.same_worlds and args.code:
        scenarios = [s for s in draw(args.seed, args.scenarios, args.clean) if s.code is None or s.code in args.code]
    else:
        scenarios = draw(args.seed, args.scenarios, args.clean, args.code)
    start = time.perf_counter()
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(run, scenarios))
    else:
        results = [run(s) for s in scenarios]
    planted = [r for r in results if r["scenario"].code]
    clean = [r for r in results if not r["scenario"].code and not r["crashes"]]
    print(
        f"foreign benchmark: seed {args.seed}, {len(planted)} planted + {args.clean} clean worlds, "
        f"{len(PLANTS)} plantable codes"
    )
    report_planted(planted)
    report_crashes(results)
    if clean:
        report_clean(clean)
        for r in clean:
            print(f"  {r['scenario'].label}: {r['traits']}")
    seconds = [r.get("seconds", 0.0) for r in results]
    print(f"\ntime: {time.perf_counter() - start:.0f} s wall, {sum(seconds) / max(len(seconds), 1):.1f} s per dataset")
    return 0


if __name__ == "__main__":
    sys.exit(main())
