"""Constants and small helpers shared by the demo tests."""

import re
from pathlib import Path

import pandas as pd

from salesnb.data.contract import DATE, PERIOD, TIMESTAMP

END = "2026-10"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
_FORMATS = {
    DATE: re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    TIMESTAMP: re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"),
    PERIOD: re.compile(r"^\d{4}-\d{2}$"),
}


def plant(planted, code):
    (entry,) = [p for p in planted if p["code"] == code]
    return entry


def months_before(period, k):
    return [str(pd.Period(period, freq="M") - i) for i in range(k, 0, -1)]


def stage_stock(tables, region, stage, periods):
    """Open deals of the region whose latest stage at each month end is ``stage``."""
    events = tables["stage_events"].merge(tables["opportunities"], on="opportunity_id")
    events = events[events["region"] == region]
    out = []
    for period in periods:
        end = pd.Period(period, freq="M").end_time
        seen = events[events["entered_at"] <= end].sort_values("entered_at").groupby("opportunity_id").tail(1)
        still_open = seen["closed_at"].isna() | (seen["closed_at"] > end)
        out.append(int(((seen["stage"] == stage) & still_open).sum()))
    return out


def _month(series):
    return series.dt.strftime("%Y-%m")


def _revenue_lines(tables):
    products = tables["products"][["product_id", "product_line"]]
    lines = tables["order_lines"].merge(tables["orders"], on="order_id").merge(products, on="product_id")
    return lines.assign(revenue=lines["quantity"] * lines["unit_price"], period=_month(lines["order_date"]))


def _against_baseline(series, period):
    """Value in ``period`` and the mean of the three months before it."""
    return series.get(period, 0.0), series.reindex(months_before(period, 3)).fillna(0.0).mean()
