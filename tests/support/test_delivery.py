"""Delivery: late share of the orders promised for the month."""

import pytest

from salesnb import support
from support.helpers import report


def test_delivery_hand_computed(folder):
    row = support.delivery_frame(report(folder)).iloc[0]
    assert row["due"] == 10 and row["late"] == 7 and row["undelivered"] == 1
    assert row["late_share"] == pytest.approx(0.7) and row["usual_share"] == 0.0
    assert row["delay_p50"] == 5 and row["delay_max"] == 5 and row["late_revenue"] == pytest.approx(700)
    assert bool(row["flagged"])
    assert not support.delivery_frame(report(folder, region="华南")).iloc[0]["flagged"]
    trend = support.delivery_trend_frame(report(folder))
    assert trend["late_share"].tolist() == [0.0] * 6 + [pytest.approx(0.7)]
