"""One scenario of the diagnosis benchmark, looked at closely: what was planted and what each angle found.

Usage: python benchmarks/diagnosis_case.py --seed 1 --number 35 [--scenarios 60 --clean 10] [--angle team]

``diagnosis.py --code`` filters the drawn scenarios, so scenario #N of a full run is rebuilt here from the same
draw (``--scenarios``/``--clean`` as in that run). Printed for the planted region and ALL: every finding of the
angles with its severity, segment and detail (the evidence sentence); for a planted rep, the rep's row of the
underperformance table (expected revenue, change, p- and q-value, flagged) and the rep's monthly revenue, orders
and target in the region (the history the team rules read).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diagnosis import ANGLES  # noqa: E402
from scenarios import build, draw  # noqa: E402

from salesnb.periods import ALL  # noqa: E402
from salesnb.report import open_report  # noqa: E402
from salesnb.team import rep_months, underperform_frame  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--number", type=int, required=True, help="the scenario's number (#035 → 35)")
    parser.add_argument("--scenarios", type=int, default=60, help="planted scenarios of the run drawn from")
    parser.add_argument("--clean", type=int, default=10, help="clean scenarios of the run drawn from")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--angle", action="append", choices=ANGLES, help="only these angles' findings")
    args = parser.parse_args()
    built = build(draw(args.seed, args.scenarios, args.clean)[args.number], args.scale)
    sc = built.scenario
    print(f"{sc.label} planted {built.segment or '-'} {built.error}")
    if built.dataset is None:
        return 1
    for scope in (sc.region, ALL):
        report = open_report(period=sc.period, region=scope, dataset=built.dataset)
        print(f"\n== {scope} {sc.period}")
        for angle in args.angle or ANGLES:
            for f in importlib.import_module(f"salesnb.{angle}").angle_findings(report):
                print(f"  {f['severity']:6} {f['code']:24} {f['segment']}  {f['detail']}")
        rep = built.segment.get("rep_id")
        months = rep_months(report)
        if rep in months.index.get_level_values("rep_id"):
            frame = underperform_frame(report).set_index("rep_id")
            if rep in frame.index:
                print(f"\n  {rep} in the underperformance table ({len(frame)} reps):")
                print(frame.loc[[rep]].drop(columns="label").T.to_string())
            print(f"\n  {rep} per month in {scope}:")
            print(months.xs(rep, level="rep_id").tail(15).T.round(0).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
