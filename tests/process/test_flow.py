"""Pipeline flow and slippage."""

import pandas as pd
import pytest

from process.helpers import (
    SAMPLE,
    Tables,
    rep,
    slippage_scenario,
    ts,
)
from salesnb import process
from salesnb.data.deals import last_deal_day
from salesnb.report import open_report


def test_pipeline_flow_hand_computed_and_adds_up(basic):
    frame = process.pipeline_flow_frame(rep(basic)).set_index("step")
    assert frame["value"].to_dict() == {
        "start": 350,
        "new": 300,
        "won": -200,
        "lost": -50,
        "slipped": -100,
        "value_change": 0,
        "end": 300,
    }
    assert frame["count"].to_dict() == {
        "start": 2,
        "new": 2,
        "won": 1,
        "lost": 1,
        "slipped": 1,
        "value_change": 0,
        "end": 1,
    }
    assert frame.attrs["slipped_due"] == 1 and frame.attrs["slipped_stale"] == 0
    assert frame.attrs["open_end_total"] == 400


def test_pipeline_flow_adds_up_exactly_on_the_sample():
    base = open_report(str(SAMPLE), "2026-10", "ALL")
    for period in ("2026-06", "2026-10"):
        for region in ("ALL", "华东", "西南"):
            frame = process.pipeline_flow_frame(open_report("", period, region, dataset=base.ds))
            steps = frame[~frame["is_total"]]["cents"].sum()
            assert frame["cents"].iloc[0] + steps == frame["cents"].iloc[-1]  # whole cents: exact
            assert frame["value"].iloc[0] + frame[~frame["is_total"]]["value"].sum() == pytest.approx(
                frame["value"].iloc[-1], abs=1e-6
            )


def test_pipeline_slippage(tmp_path):
    r = rep(slippage_scenario(tmp_path))
    frame = process.pipeline_slippage_frame(r)
    now = frame[frame["is_period"]].iloc[0]
    assert now["due"] == 10 and now["slipped"] == 8 and now["share"] == pytest.approx(0.8)
    assert (frame.loc[~frame["is_period"], "slipped"] == 0).all()
    (finding,) = [f for f in process.angle_findings(r) if f["code"] == "pipeline_slippage"]
    assert finding["value"] == pytest.approx(0.8) and finding["baseline"] == 0
    assert finding["effect"] == pytest.approx(800)
    flow = process.pipeline_flow_frame(r).set_index("step")
    assert flow.at["slipped", "count"] == 8 and flow.attrs["slipped_due"] == 8


def _last_day_deals(tmp_path, created_late: str | None = None):
    """October's deals: 2 won on time, 5 open and due 10-15, 3 open and due 10-31 (the data's last day), 1 won on it."""
    tb = Tables()
    for j in range(2):
        tb.deal(f"W{j}", ts("2026-10", 1), [], status="won", closed=ts("2026-10", 12), expected="2026-10-15")
    for j in range(5):
        tb.deal(f"S{j}", ts("2026-10", 1), [], expected="2026-10-15")
    for j in range(3):
        tb.deal(f"L{j}", ts("2026-10", 1), [], expected="2026-10-31", amount=1000)
    tb.deal("W9", ts("2026-10", 1), [], status="won", closed=ts("2026-10", 31, 9), expected="2026-10-31")
    if created_late:  # a CRM exported after the orders: a deal created then
        tb.deal("N1", created_late, [], expected="2027-01-15")
    return tb.write(tmp_path / "lastday")


def test_a_deal_expected_on_the_data_s_last_day_and_open_has_not_slipped(tmp_path):
    """The orders end on 10-31: the 3 deals expected that day and open may still close on it (not due yet)."""
    r = rep(_last_day_deals(tmp_path))
    assert last_deal_day(r.ds) == pd.Timestamp("2026-10-31")  # the CRM's latest record (10-31 09:00) = the orders'
    now = process.pipeline_slippage_frame(r).set_index("is_period").loc[True]
    assert (now["due"], now["slipped"], now["slipped_value"]) == (8, 5, 500)  # was 11 due, 8 slipped
    assert now["share"] == pytest.approx(5 / 8)
    flow = process.pipeline_flow_frame(r)
    counts = flow.set_index("step")["count"]
    assert counts["slipped"] == 5 and counts["end"] == 3  # the 3 on schedule
    assert flow.attrs["not_due_yet"] == 3 and flow.attrs["slipped_due"] == 5
    en = process.pipeline_flow_panel(rep(_last_day_deals(tmp_path / "en"), lang="en")).note
    assert en.endswith(
        "3 open deals expected to close on 2026-10-31, the data's last day, may still close on it: not slipped yet."
    )


def test_a_crm_exported_after_the_orders_judges_deals_up_to_its_own_last_day(tmp_path):
    """A deal created on 11-03 shows the CRM reaches past the orders' 10-31: October's deals due 10-31 slipped."""
    r = rep(_last_day_deals(tmp_path, created_late=ts("2026-11", 3)))
    assert last_deal_day(r.ds) == pd.Timestamp("2026-11-03")
    now = process.pipeline_slippage_frame(r).set_index("is_period").loc[True]
    assert (now["due"], now["slipped"]) == (11, 8)
    assert process.pipeline_flow_frame(r).attrs["not_due_yet"] == 0


def test_a_crm_recording_less_than_the_orders_is_read_up_to_the_orders_last_day(tmp_path):
    """No deal records anything after 10-12 (the last close): the orders' 10-31 is still the day the data ends."""
    tb = Tables()
    tb.deal("W0", ts("2026-10", 1), [], status="won", closed=ts("2026-10", 12), expected="2026-10-15")
    tb.deal("S0", ts("2026-10", 1), [], expected="2026-10-20")
    r = rep(tb.write(tmp_path / "quiet"))
    assert last_deal_day(r.ds) == pd.Timestamp("2026-10-31")
    now = process.pipeline_slippage_frame(r).set_index("is_period").loc[True]
    assert (now["due"], now["slipped"]) == (2, 1)
