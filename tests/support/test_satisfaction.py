"""Satisfaction: NPS, CSAT and aspects against the usual level; top customers against the rest."""

import pytest

from salesnb import support
from support.helpers import report


def test_satisfaction_hand_computed(folder):
    frame = support.satisfaction_frame(report(folder)).set_index("metric")
    assert list(frame.index) == ["nps", "csat", "score_交付"]
    assert frame.loc["csat", "n"] == 12 and frame.loc["csat", "value"] == pytest.approx(60)
    assert frame.loc["csat", "baseline"] == pytest.approx(85) and frame.loc["csat", "change"] == pytest.approx(-25)
    assert frame.loc["nps", "value"] == -100 and frame.loc["nps", "baseline"] == 100
    assert frame["flagged"].all()
    # dissatisfied (< 60): the five customers scoring 55, each 7 orders of 100 over 12 months
    assert frame.loc["csat", "dissatisfied_value"] == pytest.approx(5 * 700 / 12)
    tiers = support.satisfaction_by_tier_frame(report(folder))
    assert tiers["n"].sum() == 12
