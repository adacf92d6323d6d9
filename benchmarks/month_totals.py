"""Accuracy on monthly summary sheets (月度销售汇总): a store or a category cut in one month, found or not.

Usage: python benchmarks/month_totals.py [--seed 1] [--sheets 40] [--clean 20] [--days] [--partial]

Why: a summary's rows total a month (月份 × 大区 × 门店 × 品类 with 销售额 and 目标), so the rules read revenue where
they would count orders (:func:`salesnb.data.summaries.total_rows`). Each sheet draws its own company (2–5
regions of 1–4 stores, 3–8 categories, 18–40 months, trend, season, 春节's month, noise 4–15 %), is written in
GB18030 with 2024年1月 months, mapped by ``propose_mapping`` as ``salesnb map`` would, and read for one of its
latest three months in the planted region's report and the ALL report. Planted sheets cut one store (the
channel) or one category of one region by 20–70 % in that month; clean sheets cut nothing.
Printed: recall per kind (medium or high, the right code and segment, in the region's or the ALL report) at
all sizes and at ≥ 40 %, and the medium/high findings per clean report. The same seed prints the same figures.
``--days``: a chain's daily sales per store instead (日期 2024/01/05, 大区, 门店, 销售额; weekends and seasons, noise
10–30 % a day), a store cut by 20–70 % for a whole month.
``--partial``: sheets exported mid-month (every row of the last month × one share of 15–85 %, the rows' noise
kept) against complete ones (clean, a store or category cut by 20–70 % in the last month, or ending on 春节's
month); printed: how often the last month is recognised as partial (the default period is the month before it)
and how often a complete last month is wrongly called partial, and the medium/high findings of the default
period's region and ALL reports.
"""

from __future__ import annotations

import argparse
import importlib
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from salesnb.data.loading import load_dataset
from salesnb.data.propose import propose_mapping
from salesnb.report import open_report

ANGLES = ("market", "product")
FESTIVAL = {2024: 2, 2025: 1, 2026: 2, 2027: 2, 2028: 1}  # the month holding 春节 (salesnb/defaults/calendar.yaml)
SHEET, DAYS = "月度销售汇总.csv", "门店日销售.csv"
CODES = {"store": ("channel_underperform", "channel"), "category": ("product_line_decline", "product_line")}


def sheet(
    rng: np.random.Generator,
    folder: Path,
    kind: str | None,
    *,
    last: bool = False,
    share: float = 1.0,
    length: int | None = None,
    festive: float = 0.4,
) -> tuple[str, str, str, float]:
    """Write one random summary into ``folder``; (region, planted segment, month, size) of its cut.

    ``last``: the cut in the last month; ``share``: every row of the last month × ``share`` (exported mid-month);
    ``length``: the sheet's months (18–40 at random by default); ``festive``: 春节's month against a usual one.
    """
    regions = ["华东", "华南", "华北", "华中", "西南"][: rng.integers(2, 6)]
    stores = {r: [f"{r}{k + 1}号店" for k in range(rng.integers(1, 5))] for r in regions}
    categories = [f"品类{k + 1:02d}" for k in range(rng.integers(3, 9))]
    months = pd.period_range("2024-01", periods=length or int(rng.integers(18, 41)), freq="M")
    noise, growth, swing = rng.uniform(0.04, 0.15), rng.uniform(-0.01, 0.02), rng.uniform(0.0, 0.3)
    month = str(months[-1 - (0 if last else rng.integers(0, 3))])
    region = str(rng.choice(regions))
    segment = str(rng.choice(stores[region] if kind == "store" else categories))
    size = float(np.round(rng.uniform(0.2, 0.7), 2)) if kind else 0.0
    rows = []
    for r in regions:
        for store in stores[r]:
            level = rng.uniform(30_000, 200_000)
            for category in categories:
                base = level * rng.lognormal(0, 0.4)
                for k, m in enumerate(months):
                    festival = festive if FESTIVAL.get(m.year) == m.month else 0.0  # 春节's month, January or February
                    season = 1 + swing * np.sin(2 * np.pi * (m.month - 3) / 12) + festival
                    value = base * season * (1 + growth) ** k * rng.lognormal(0, noise)
                    target = round(value * rng.uniform(0.92, 1.08), -2)  # planned for the whole month
                    value *= share if k == len(months) - 1 else 1.0  # exported mid-month: every row alike
                    hit = kind and str(m) == month and r == region and segment in (store, category)
                    rows.append(
                        (
                            f"{m.year}年{m.month}月",
                            r,
                            store,
                            category,
                            round(value * (1 - size if hit else 1), 2),
                            target,
                        )
                    )
    frame = pd.DataFrame(rows, columns=["月份", "大区", "门店", "品类", "销售额", "目标"])
    frame.to_csv(folder / SHEET, index=False, encoding="gb18030")
    return region, segment, month, size


def days(rng: np.random.Generator, folder: Path, kind: str | None) -> tuple[str, str, str, float]:
    """A chain's daily sales per store (日期, 大区, 门店, 销售额; ``--days``): a store cut for one whole month."""
    regions = ["华东", "华南", "华北", "华中", "西南"][: rng.integers(2, 6)]
    stores = {r: [f"{r}{k + 1}号店" for k in range(rng.integers(1, 5))] for r in regions}
    dates = pd.date_range("2024-01-01", periods=int(rng.integers(400, 900)), freq="D")
    dates = dates[: len(dates) - dates[-1].day] if dates[-1].day < dates[-1].days_in_month else dates  # whole months
    months = sorted({d.strftime("%Y-%m") for d in dates})
    noise, swing = rng.uniform(0.1, 0.3), rng.uniform(0.0, 0.3)
    month, region = months[-1 - rng.integers(0, 3)], str(rng.choice(regions))
    segment = str(rng.choice(stores[region]))
    size = float(np.round(rng.uniform(0.2, 0.7), 2)) if kind else 0.0
    label = dates.strftime("%Y-%m")
    season = 1 + swing * np.sin(2 * np.pi * (dates.month - 3) / 12) * (1 + 0.3 * (dates.day_of_week >= 5))
    rows = []
    for r in regions:
        for store in stores[r]:
            value = rng.uniform(3_000, 30_000) * season * rng.lognormal(0, noise, len(dates))
            cut = np.where((label == month) & (store == segment) & bool(kind), 1 - size, 1.0)
            rows.append(pd.DataFrame({"日期": dates.strftime("%Y/%m/%d"), "大区": r, "门店": store,
                                      "销售额": np.round(value * cut, 2)}))  # fmt: skip
    pd.concat(rows).to_csv(folder / DAYS, index=False, encoding="gb18030")
    return region, segment, month, size


def findings(folder: Path, month: str, region: str) -> list[dict]:
    """Every medium or high finding of the region's and the ALL report, with the scope it was in.

    ``month`` empty: the default period (the latest complete month); each finding names its report's month.
    """
    path = next(p for p in (folder / SHEET, folder / DAYS) if p.is_file())
    ds = load_dataset(path, mapping=propose_mapping(path).mapping())
    out = []
    for scope in (region, "ALL"):
        report = open_report(dataset=ds, period=month, region=scope)
        out.append({"code": None, "severity": None, "scope": scope, "period": report.period})
        for angle in ANGLES:
            for f in importlib.import_module(f"salesnb.{angle}").angle_findings(report):
                if f["severity"] in ("high", "medium"):
                    out.append({**f, "scope": scope, "period": report.period})
    return out


PARTIAL_KINDS = ("partial", "partial", "clean", "cut", "festival")  # one cycle of --partial's sheets


def partial_main(rng: np.random.Generator, count: int) -> dict[str, Counter]:
    """``--partial``: sheets ending mid-month against complete ones, read for their default period.

    Per kind: ``sheets``; ``partial``: the last month passed over as partial (the default period is the month
    before it); ``findings``: medium/high findings over ``reports`` (the planted region's and the ALL report).
    """
    out: dict[str, Counter] = {kind: Counter() for kind in dict.fromkeys(PARTIAL_KINDS)}
    for number in range(count):
        kind = PARTIAL_KINDS[number % len(PARTIAL_KINDS)]
        share = float(np.round(rng.uniform(0.15, 0.85), 2)) if kind == "partial" else 1.0
        cut = ("store", "category")[(number // len(PARTIAL_KINDS)) % 2] if kind == "cut" else None
        options = {"length": int(rng.choice([26, 38])), "festive": -0.45} if kind == "festival" else {}
        with tempfile.TemporaryDirectory(prefix="monthsum") as tmp:
            region, segment, month, size = sheet(rng, Path(tmp), cut, last=True, share=share, **options)
            last = pd.read_csv(Path(tmp) / SHEET, encoding="gb18030")["月份"].iloc[-1]
            seen = findings(Path(tmp), "", region)
        last = pd.Period(last.replace("年", "-").replace("月", ""), freq="M")
        passed_over = seen[0]["period"] != str(last)
        found = [f for f in seen if f["code"]]
        out[kind].update(sheets=1, partial=int(passed_over), reports=2, findings=len(found))
        if passed_over != (kind == "partial"):
            said = f"share {share:.0%}" if kind == "partial" else f"{cut or ''} {segment if cut else ''} {size:.0%}"
            print(f"  {'missed' if kind == 'partial' else 'wrongly partial'}: {kind} {last} {said}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sheets", type=int, default=40, help="sheets with one planted cut")
    parser.add_argument("--clean", type=int, default=20, help="sheets with none")
    parser.add_argument("--days", action="store_true", help="daily sales per store (stores cut), not monthly sheets")
    parser.add_argument("--partial", action="store_true", help="sheets ending mid-month against complete ones")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    if args.partial:
        count = args.sheets + args.clean
        print(f"monthly summary benchmark --partial: seed {args.seed}, {count} sheets ({', '.join(PARTIAL_KINDS)})")
        for kind, c in partial_main(rng, count).items():
            what = "recognised as partial" if kind == "partial" else "wrongly called partial"
            print(
                f"{kind:9s} {what} {c['partial']}/{c['sheets']} ({c['partial'] / max(c['sheets'], 1):.0%});"
                f" default period: {c['findings']} medium/high findings over {c['reports']} reports"
            )
        return 0
    found, total, big, big_found, clean = Counter(), Counter(), Counter(), Counter(), Counter()
    reports = 0
    for number in range(args.sheets + args.clean):
        kind = ("store", "category")[number % 2] if number < args.sheets else None
        kind = "store" if args.days and kind else kind
        with tempfile.TemporaryDirectory(prefix="monthsum") as tmp:
            region, segment, month, size = (days if args.days else sheet)(rng, Path(tmp), kind)
            seen = [f for f in findings(Path(tmp), month, region) if f["code"]]
        if kind is None:
            reports += 2
            clean.update(f"{f['code']} {f['severity']}" for f in seen)
            for f in seen:
                print(f"  clean {number}, {f['scope']} {month}: {f['severity']} {f['title']}: {f['detail'][:160]}")
            continue
        code, dimension = CODES[kind]
        hit = any(f["code"] == code and f["segment"].get(dimension) == segment for f in seen)
        total[kind] += 1
        found[kind] += hit
        big[kind] += size >= 0.4
        big_found[kind] += hit and size >= 0.4
        if not hit:
            fired = sorted({f["code"] for f in seen})
            print(f"  miss: {kind} {segment} in {region} {month} cut {size:.0%}; fired: {fired}")
    print(f"monthly summary benchmark: seed {args.seed}, {args.sheets} planted + {args.clean} clean sheets")
    for kind in CODES:
        print(
            f"{kind:9s} recall {found[kind]}/{total[kind]} ({found[kind] / max(total[kind], 1):.0%}),"
            f" at >= 40%: {big_found[kind]}/{big[kind]}"
        )
    print(f"clean: {sum(clean.values())} medium/high findings over {reports} reports", dict(sorted(clean.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
