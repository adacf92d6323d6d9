"""The lead tables' usual counts from one grouping equal the per-source filtering they replace (sample data)."""

import math

import pandas as pd
import pytest

from process.helpers import SAMPLE
from salesnb import process
from salesnb.data import facts
from salesnb.periods import ALL, bounds
from salesnb.process.common import history, leads, month_leads
from salesnb.report import open_report
from salesnb.stats import ratio

CASES = [("ALL", "2026-10"), ("华东", "2026-10"), ("西南", "2026-06")]


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


@pytest.mark.parametrize(("region", "period"), CASES)
def test_month_leads_equal_the_filter(region, period):
    report = open_report(str(SAMPLE), period, region)
    months = history(report, "leads", "created_at")
    frame = facts.in_region(leads(report), region)
    pd.testing.assert_frame_equal(month_leads(report, months), frame[frame["month"].isin(months)])


@pytest.mark.parametrize(("region", "period"), CASES)
def test_mix_frame_usual_shares_equal_the_per_source_filter(region, period):
    report = open_report(str(SAMPLE), period, region)
    base = month_leads(report, history(report, "leads", "created_at"))
    frame = process.lead_fit_frame(report)
    assert len(frame)
    for row in frame.itertuples():
        before = base[base["source"] == row.source]
        assert _same(row.usual_share, ratio(int((before["size_band"] == row.size_band).sum()), len(before)))


@pytest.mark.parametrize(("region", "period"), CASES)
def test_first_response_usual_shares_equal_the_per_source_filter(region, period):
    report = open_report(str(SAMPLE), period, region)
    hours = float(report.thresholds("process")["first_response_hours"])
    _, end = bounds(period)
    base = month_leads(report, history(report, "leads", "created_at"))
    frame = process.first_response_frame(report)
    assert len(frame) > 1
    for row in frame.itertuples():
        before = base if row.source == ALL else base[base["source"] == row.source]
        judged = before["response_hours"].notna() & (before["first_response_at"] < end)
        within = judged & (before["response_hours"] <= hours)
        assert _same(row.usual_share, ratio(int(within.sum()), int(judged.sum())))


@pytest.mark.parametrize(("region", "period"), CASES)
def test_band_fit_won_value_equals_the_map(region, period):
    from salesnb.periods import month_start, parse_period
    from salesnb.process.common import deals

    report = open_report(str(SAMPLE), period, region)
    cfg = report.settings("process")
    p = parse_period(period)
    lo = month_start(p - int(cfg["fit_history_months"]) - int(cfg["fit_maturity_months"]))
    hi = month_start(p - int(cfg["fit_maturity_months"]))
    rows = leads(report)
    rows = rows[(rows["created_at"] >= lo) & (rows["created_at"] < hi)]
    by_id = deals(report).set_index("opportunity_id")
    won = by_id[(by_id["outcome"] == "won") & (by_id["closed_at"] < bounds(period)[1])]["amount"]
    value = rows["opportunity_id"].map(won).fillna(0.0).astype(float)
    expected = value.groupby(rows["size_band"]).sum()
    frame = process.band_fit_frame(report).set_index("size_band")
    assert frame["won_value"].sum() > 0
    assert frame["won_value"].to_dict() == expected.reindex(frame.index).to_dict()


@pytest.mark.parametrize(("region", "period"), CASES)
def test_stalled_at_shared_by_months_equals_its_definition(region, period):
    from dataclasses import replace

    from salesnb.process.common import snapshot_at
    from salesnb.process.stalled import _stalled_at, stall_limits

    report = open_report(str(SAMPLE), period, region)
    earlier = replace(report, period=history(report)[-1])
    for month in history(earlier)[-4:]:
        snap = snapshot_at(report, month)
        snap = snap.assign(limit_days=snap["stage"].map(stall_limits(report, bounds(month)[1])).astype(float))
        expected = snap[snap["days_in_stage"] > snap["limit_days"]]
        pd.testing.assert_frame_equal(_stalled_at(earlier, month), expected)
        pd.testing.assert_frame_equal(_stalled_at(report, month), expected)


def test_time_in_stage_panel_orders_the_stages_present():
    from salesnb.process.common import stages
    from salesnb.process.speed import time_in_stage_frame

    report = open_report(str(SAMPLE), "2026-10", "ALL")
    frame = time_in_stage_frame(report)
    expected = [s for s in stages(report) if s in set(frame["stage"])]
    panel = process.time_in_stage_panel(report)
    shown = panel.frame.drop_duplicates("stage")["stage"].tolist()
    assert sorted(shown, key=expected.index) == sorted(set(frame["stage"]), key=expected.index)
    assert [label.get_text() for label in panel.figure.axes[0].get_xticklabels()][: len(expected)] == expected
