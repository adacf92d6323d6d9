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


def test_tests_that_could_never_confirm_leave_the_family():
    # Tarone: K = 1 keeps 2 segments (min p ≤ 0.05), too many; K = 2 keeps those with min p ≤ 0.025: the same 2
    family = evidence.testable([0.0001, 0.14, 1.0, 0.02], 0.05)
    assert family.tolist() == [True, False, False, True]
    assert evidence.testable([0.01, 0.01, 0.01], 0.05).tolist() == [True, True, True]
    assert not evidence.testable([0.2, 1.0], 0.05).any()


def test_tarone_q_values_adjust_over_the_testable_segments_only():
    # min p 0.2 can never reach fdr / K: the family is the first three (K = 3: 3 tests with min p ≤ 0.0167),
    # the NaN one is not tested, so BH runs over 0.01 and 0.04 (m = 2): 0.01 × 2 = 0.02, 0.04 × 2 / 2 = 0.04
    q = evidence.tarone_q_values([0.01, 0.04, np.nan, 0.03, 0.5], [0.001, 0.001, 0.001, 0.2, 0.2], 0.05)
    assert q[0] == pytest.approx(0.02) and q[1] == pytest.approx(0.04) and math.isnan(q[2])
    assert q[3] == 1.0 and q[4] == 1.0
    plain = evidence.q_values([0.01, 0.04, np.nan, 0.03, 0.5])  # BH over all four: 0.01 × 4 = 0.04, 0.04 × 4 / 3
    assert plain[0] == pytest.approx(0.04) and plain[1] == pytest.approx(0.04 * 4 / 3)
