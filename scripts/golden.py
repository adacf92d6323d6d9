"""Safety net for refactoring: every angle's metrics and findings on a dataset, written or compared.

    python scripts/golden.py write DIR [--data PATH] [--months 2]
    python scripts/golden.py compare DIR [--data PATH] [--months 2] [--angle process ...]

For ALL and every region of the dataset, over its latest ``--months`` months, each angle's ``angle_metrics``
and ``angle_findings`` (the overview: ``overview_metrics`` and the executive summary) are computed in
process and written as ``<period>/<region>/<angle>.json`` in the canonical JSON of ``metrics.json``.
``compare`` recomputes them and lists every file that is not byte-identical (exit 1), so a move that
should change nothing can prove it.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import sys
from pathlib import Path

try:
    from salesnb.data import facts
except ImportError:  # before the fact layer moved
    from salesnb.data import facts
from salesnb.periods import ALL
from salesnb.report import bundled_sample, dumps, open_report, publish

ANGLES = ("overview", "market", "product", "team", "process", "support")


def payload(report, angle: str) -> str:
    if angle == "overview":
        from salesnb import overview
        from salesnb.findings import all_findings

        result = publish(report, angle, overview.overview_metrics(report), all_findings(report))
    else:
        module = importlib.import_module(f"salesnb.{angle}")
        result = publish(report, angle, module.angle_metrics(report), module.angle_findings(report))
    return dumps(result.payload)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("write", "compare"))
    parser.add_argument("folder")
    parser.add_argument("--data", default="")
    parser.add_argument("--months", type=int, default=2)
    parser.add_argument("--angle", action="append", choices=ANGLES)
    parser.add_argument("--region", action="append")
    args = parser.parse_args()
    angles = tuple(args.angle or ANGLES)
    first = open_report(args.data or str(bundled_sample()))
    ds = first.ds
    periods = [first.period]
    while len(periods) < args.months:
        year, month = map(int, periods[-1].split("-"))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        periods.append(f"{year:04d}-{month:02d}")
    regions = args.region or [ALL, *facts.regions(ds)]
    root = Path(args.folder)
    bad = 0
    for period in periods:
        for region in regions:
            report = open_report(period=period, region=region, dataset=ds)
            for angle in angles:
                text = payload(report, angle)
                path = root / period / region / f"{angle}.json"
                if args.mode == "write":
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(text, encoding="utf-8")
                    print(f"wrote {path}", flush=True)
                    continue
                old = path.read_text(encoding="utf-8") if path.exists() else ""
                if old == text:
                    print(f"same  {period} {region} {angle}", flush=True)
                    continue
                bad += 1
                print(f"DIFF  {period} {region} {angle}", flush=True)
                diff = difflib.unified_diff(old.splitlines(), text.splitlines(), "before", "after", lineterm="", n=1)
                print("\n".join(list(diff)[:40]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
