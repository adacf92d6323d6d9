"""The shared trigger + evidence → severity pattern (salesnb/evidence.py)."""

import math

import numpy as np
import pytest

from salesnb import evidence


class FakeReport:
    """Just what :func:`evidence.severity` reads: the report's revenue and the severity shares."""

    revenue = 100_000.0
    config = {"thresholds": {"severity_revenue_share": {"high": 0.05, "medium": 0.02}}}


def test_q_values_are_benjamini_hochberg():
    q = evidence.q_values([0.01, 0.04, np.nan, 0.03])
    assert q[0] == pytest.approx(0.03) and q[1] == pytest.approx(0.04) and q[3] == pytest.approx(0.04)
    assert math.isnan(q[2])
    assert list(evidence.confirmed(q, 0.05)) == [True, True, False, True]
    assert evidence.confirmed(0.049, 0.05) and not evidence.confirmed(math.nan, 0.05)


def test_severity_from_revenue_capped_by_weak_evidence():
    r, strong = FakeReport(), {"strong_q": 0.01}
    assert evidence.severity(r, 6000, 0.001, **strong) == "high"
    assert evidence.severity(r, 6000, 0.02, **strong) == "medium"  # q above strong_q: at most medium
    assert evidence.severity(r, 3000, 0.001, **strong) == "medium"
    assert evidence.severity(r, 1000, 0.001, **strong) == "low"
    assert evidence.severity(r, 6000, 0.001, cap=True, **strong) == "medium"
    assert evidence.severity(r, 1000, 0.001, strengthen=True, **strong) == "medium"


def test_a_collapse_is_at_least_medium():
    r, thr = FakeReport(), {"strong_q": 0.01, "collapse": 0.3}
    assert evidence.severity(r, 1000, 0.001, change=-0.35, **thr) == "medium"  # small revenue, a third gone
    assert evidence.severity(r, 1000, 0.001, change=-0.2, **thr) == "low"
    assert evidence.severity(r, 1000, 0.001, change=math.nan, **thr) == "low"
    assert evidence.severity(r, 1000, 0.001, change=-0.9, strong_q=0.01) == "low"  # no collapse set
