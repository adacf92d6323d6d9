"""Complaints: monthly counts per category and spikes against the usual month."""

import pytest

from salesnb import support
from support.helpers import HISTORY, report


def test_complaint_spike_hand_computed(folder):
    frame = support.complaint_frame(report(folder)).set_index("category")
    row = frame.loc["交付延误"]
    assert row["count"] == 8 and row["usual"] == pytest.approx(1.0) and row["baseline"] == pytest.approx(1.0)
    assert row["z"] == pytest.approx(7.0)  # no spread: √1 as the floor
    assert bool(row["flagged"]) and row["at_stake"] == pytest.approx(800)
    assert list(frame.index) == ["交付延误", "合同争议", "质量问题", "售后响应"]
    assert not frame.drop("交付延误")["flagged"].any()
    trend = support.complaint_trend_frame(report(folder))
    assert list(trend["period"]) == [*HISTORY, "2026-10"] and trend["交付延误"].tolist() == [1] * 6 + [8]
