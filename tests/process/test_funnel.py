"""Funnel (cohort, snapshot, split) and sales velocity."""

import numpy as np
import pytest

from process.helpers import (
    STAGES,
    rep,
)
from salesnb import process


def test_cohort_funnel_hand_computed(basic):
    frame = process.funnel_frame(rep(basic)).set_index("step")
    assert list(frame.index) == ["leads", "opportunities", *STAGES, "won"]
    counts = frame["count"].to_dict()
    assert counts == {
        "leads": 4,
        "opportunities": 2,
        "初步接触": 2,
        "需求确认": 2,
        "技术交流": 2,
        "方案报价": 1,
        "商务谈判": 1,
        "合同签订": 1,
        "won": 1,
    }
    assert frame.at["opportunities", "value"] == 300 and frame.at["won", "value"] == 200
    assert frame.at["opportunities", "pct_prev"] == pytest.approx(0.5)
    assert frame.at["方案报价", "pct_prev"] == pytest.approx(0.5)
    assert frame.at["won", "pct_first"] == pytest.approx(0.25)
    assert np.isnan(frame.at["leads", "pct_prev"]) and frame.at["leads", "pct_first"] == 1
    assert (frame["basis"] == "cohort").all()


def test_funnel_by_source_and_size(basic):
    by_source = process.funnel_frame(rep(basic), by="source").set_index(["segment", "step"])["count"]
    assert by_source[("展会", "leads")] == 3 and by_source[("展会", "opportunities")] == 1  # OP1's source from L1
    assert by_source[("展会", "技术交流")] == 1 and by_source[("展会", "won")] == 0
    assert by_source[("转介绍", "leads")] == 1 and by_source[("转介绍", "won")] == 1
    by_size = process.funnel_frame(rep(basic), by="size_band")
    assert list(dict.fromkeys(by_size["segment"])) == ["<50", "200-999"]  # band order, not counts
    sizes = by_size.set_index(["segment", "step"])["count"]
    assert sizes[("<50", "leads")] == 3 and sizes[("<50", "opportunities")] == 1
    assert sizes[("200-999", "won")] == 1
    regions = process.funnel_frame(rep(basic, region="ALL"), by="region").set_index(["segment", "step"])["count"]
    assert regions[("华东", "leads")] == 4 and regions[("华南", "leads")] == 1


def test_snapshot_funnel_counts_what_sits_in_each_stage(basic):
    frame = process.funnel_frame(rep(basic), basis="snapshot").set_index("step")
    assert frame.at["open_leads", "count"] == 1  # L6 qualified; L1-L4 decided, L5 is 华南
    assert frame.at["open_deals", "count"] == 2 and frame.at["open_deals", "value"] == 400  # OP1, OP4
    assert frame.at["技术交流", "count"] == 2 and frame.at["技术交流", "pct_first"] == 1.0
    assert frame.at["初步接触", "count"] == 0 and np.isnan(frame.at["技术交流", "pct_prev"])
    panel = process.funnel_panel(rep(basic), basis="snapshot")
    assert "月末快照" in panel.note and "本期流量" not in panel.note
    assert "本期流量" in process.funnel_panel(rep(basic)).note


def test_velocity_hand_computed(basic):
    frame = process.velocity_frame(rep(basic)).set_index("metric")["value"]
    assert frame["won"] == 1 and frame["lost"] == 1 and frame["win_rate"] == pytest.approx(0.5)
    assert frame["avg_won"] == 200 and frame["open"] == 2
    assert frame["cycle_mean"] == pytest.approx(14.0)  # OP2: 10-06 → 10-20
    assert frame["velocity_day"] == pytest.approx(2 * 200 * 0.5 / 14)
    assert frame["velocity_month"] == pytest.approx(2 * 200 * 0.5 / 14 * 31)
