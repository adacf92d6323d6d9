"""Tickets and SLA: response times per category, breaches judged at month end."""

import pytest

from salesnb import support
from support.helpers import report


def test_tickets_and_sla_hand_computed(folder):
    frame = support.tickets_frame(report(folder)).set_index("category")
    row = frame.loc["使用咨询"]
    assert row["tickets"] == 8 and row["response_p50"] == pytest.approx(60.0)
    assert row["within_sla"] == pytest.approx(0.0) and row["unresolved"] == 8
    sla = support.sla_frame(report(folder)).set_index("category")
    row = sla.loc["使用咨询"]
    assert row["judged"] == 7 and row["breached"] == 7  # 6 answered late + 1 never answered; 1 still pending
    assert row["breach_share"] == 1.0 and row["usual_share"] == 0.0 and bool(row["flagged"])
    assert row["at_stake"] == pytest.approx(700)
    assert not sla.loc["交付延误", "flagged"]
    quiet = support.sla_frame(report(folder, region="华南"))
    assert not quiet["flagged"].any() and quiet["breach_share"].max() == 0
