"""A steady company with one planted problem, shared by the market tests."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from tiny import write_tiny

from salesnb.report import open_report

SAMPLE = Path(__file__).resolve().parent.parent.parent / "data" / "sample"
CODES = {"channel_underperform", "new_customer_drop", "acquisition_cost_high", "customer_churn_rise"}
CODES |= {"customer_concentration", "region_underperform"}
MONTHS = [str(p) for p in pd.period_range("2025-10", "2026-10", freq="M")]  # 13 months: last year exists
REGIONS = ("华东", "华南")


def steady(plant: str | None = None) -> dict[str, list[dict]]:
    """Two regions, 13 months. Each region: 30 regular customers buying every month (15 直营, 15 分销, 1000 each),
    20 new customers a month (10 from 展会, 10 from 转介绍) whose only order is 500 through 电商; spend 展会 2000 and
    转介绍 1000 a month; target 40000. ``plant`` breaks 华东 in 2026-10 (``spend``: 展会 spend 5000, customers
    as usual).
    """
    t = {"customers": [], "orders": [], "marketing_spend": [], "targets": []}
    for region in REGIONS:
        tag = "E" if region == "华东" else "S"
        for k in range(30):
            t["customers"].append({"customer_id": f"R{tag}{k:02d}", "region": region, "acquired_at": "2020-01-01",
                                   "acquisition_channel": "转介绍", "employee_count": 300})  # fmt: skip
        for month in MONTHS:
            hit = region == "华东" and month == "2026-10"
            for k in range(30):
                channel = "直营" if k < 15 else "分销"
                if hit and (plant == "churn" or (plant == "channel47" and 15 <= k < 22)):
                    continue  # channel47: 7 of 分销's 15 orders lost (−47%)
                stop = {"channel33": 20, "churn30": 24, "churn23": 22}.get(plant, 0)
                if hit and 15 <= k < stop:  # channel33: 5 of 分销's 15 orders lost (−33%); churn30: 9 of 30
                    continue  # regulars stop (−30%); churn23: 7 of them (−23%)
                if hit and plant == "channel" and channel == "分销":
                    channel = "直营"
                last_day = f"{month}-{pd.Period(month).days_in_month}"  # whole months: the data reaches their end
                t["orders"].append({"order_id": f"O{tag}{month}{k:02d}", "customer_id": f"R{tag}{k:02d}",
                                    "order_date": last_day, "region": region, "channel": channel,
                                    "amount": 1000})  # fmt: skip
            for k in range(20):
                source = "展会" if k < 10 else "转介绍"
                if hit and (plant == "acquisition" or (plant == "cac" and source == "展会")):
                    continue
                if hit and plant == "acquisition30" and k >= 14:  # 6 of the 20 new customers missing (−30%)
                    continue
                customer = f"N{tag}{month}{k:02d}"
                t["customers"].append({"customer_id": customer, "region": region, "acquired_at": f"{month}-05",
                                       "acquisition_channel": source, "employee_count": 40})  # fmt: skip
                t["orders"].append({"order_id": f"Q{tag}{month}{k:02d}", "customer_id": customer,
                                    "order_date": f"{month}-05", "region": region, "channel": "电商",
                                    "amount": 500})  # fmt: skip
            t["marketing_spend"] += [
                {
                    "period": month,
                    "channel": "展会",
                    "amount": 5000 if hit and plant == "spend" else 2000,
                    "region": region,
                },
                {"period": month, "channel": "转介绍", "amount": 1000, "region": region},
            ]
            t["targets"].append({"period": month, "target_amount": 40000, "region": region})
    return t


def steady_report(tmp_path, plant=None, region="华东", lang="zh"):
    folder = tmp_path / f"steady_{plant}"
    if not folder.exists():
        write_tiny(folder, tables=steady(plant))
    return open_report(str(folder), "2026-10", region, lang=lang)


def codes_of(findings):
    return {(f["code"], json.dumps(f["segment"], ensure_ascii=False, sort_keys=True)) for f in findings}


def regulars_from_may(folder: Path) -> Path:
    """An orders-only export from 2026-05: 30 regulars buy every other month (R0..R29, even ones in odd months),
    2 new customers a month from June to September, 1 in October; every order 100."""
    rows = []
    for k, month in enumerate(["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]):
        rows += [(f"R{c}", f"{month}-{1 + c % 28:02d}") for c in range(30) if c % 2 == k % 2]
        rows += [(f"N{month}-{j}", f"{month}-15") for j in range(2 if k else 0)] if month != "2026-10" else []
    rows.append(("N-oct", "2026-10-15"))
    folder.mkdir(parents=True)
    pd.DataFrame(
        [{"order_id": f"O{i}", "customer_id": c, "order_date": d, "amount": 100} for i, (c, d) in enumerate(rows)]
    ).to_csv(folder / "orders.csv", index=False)
    return folder


def fast_and_slow(folder: Path, first: str, months: int) -> Path:
    """An orders-only export of ``months`` months from ``first`` whose new customers are known: 2 a month.

    Before the export began the business already had 30 fast regulars (F0..F29, an order every month on day
    1 + c % 28) and 20 slow ones (S0..S19, an order every 4 months on the 10th, S_k first in the export's month
    k % 4). The only new customers are N<month>-0 and -1, one order each on the 20th. Every order is 100.
    """
    rows = []
    for k, period in enumerate(pd.period_range(first, periods=months, freq="M")):
        month = str(period)
        rows += [(f"F{c}", f"{month}-{1 + c % 28:02d}") for c in range(30)]
        rows += [(f"S{c}", f"{month}-10") for c in range(20) if c % 4 == k % 4]
        rows += [(f"N{month}-{j}", f"{month}-20") for j in range(2)]
    folder.mkdir(parents=True)
    pd.DataFrame(
        [{"order_id": f"O{i}", "customer_id": c, "order_date": d, "amount": 100} for i, (c, d) in enumerate(rows)]
    ).to_csv(folder / "orders.csv", index=False)
    return folder


def write_orders(folder: Path, rows: list[tuple[str, str, str]], amount: float = 100) -> Path:
    """``orders.csv`` in a new ``folder``: one order of ``amount`` per (customer, date, region) row."""
    folder.mkdir()
    pd.DataFrame(
        [{"order_id": f"O{i}", "customer_id": c, "order_date": d, "region": g, "amount": amount}
         for i, (c, d, g) in enumerate(rows)]
    ).to_csv(folder / "orders.csv", index=False)  # fmt: skip
    return folder
