"""Complaint spikes: a region's report controls the categories where the rule fired, the ALL report all its
region × category tests together, and the exact count test is the evidence (issue 11: recall at small counts,
clean reports' noise; the normal approximation overstated small counts' evidence about tenfold and confirmed
chance spikes on clean foreign data). Hand-computed on the tiny dataset's 华南."""

import math

import pandas as pd
import pytest
from scipy import stats
from tiny import write_tiny

from salesnb.support import complaints
from support.helpers import HISTORY, build, report, ticket


def _south(tmp_path, usual, now):
    """华南 has ``usual`` 质量问题 complaints every month before 2026-10 and ``now`` in it; 华东 none in 2026-10."""
    tables = build()
    spike = [t for t in tables["tickets"] if t["category"] == "交付延误" and t["created_at"].startswith("2026-10")]
    tables["tickets"] = [t for t in tables["tickets"] if t not in spike]
    for month, count in [*((m, usual) for m in HISTORY), ("2026-10", now)]:
        for k in range(count):
            tables["tickets"].append(ticket("华南", month, k, "质量问题", f"{month}-12 09:00", f"{month}-12 10:00"))
    return write_tiny(tmp_path / "t", tables=tables)


def test_the_all_report_controls_every_region_and_category_at_once(tmp_path):
    folder = _south(tmp_path, 3, 7)  # 7 where 3 are usual, every month alike: Poisson
    p = stats.poisson.sf(6, 3)  # 0.0335; the other 7 tests have p ≥ 0.5
    row = complaints.complaint_frame(report(folder, region="华南")).set_index("category").loc["质量问题"]
    # the region's family is the one category where the rule fired (7 ≥ 1.5 × 3, 4 more than usual): q = p
    assert row["p_exact"] == pytest.approx(p) and row["q_value"] == pytest.approx(p)
    assert row["p_value"] == pytest.approx(stats.norm.sf(4 / math.sqrt(3)))  # the normal z's 0.0105, shown only
    (found,) = complaints.complaint_spike(report(folder, region="华南"))
    assert found["segment"] == {"category": "质量问题"}
    # the ALL report tests 2 regions × 4 categories: q = 8 × 0.0335 = 0.27, not below the 5% fdr
    assert complaints.complaint_spike(report(folder, region="ALL")) == []


def test_a_few_complaints_are_high_only_on_the_exact_test(tmp_path):
    folder = _south(tmp_path, 2, 6)  # 6 where 2 are usual: 400 above usual of 华南's 1,000 revenue
    frame = complaints.complaint_frame(report(folder, region="华南")).set_index("category")
    row = frame.loc["质量问题"]
    assert row["p_value"] == pytest.approx(stats.norm.sf(4 / math.sqrt(2)))  # 0.0023: strong on the normal
    assert row["p_exact"] == pytest.approx(stats.poisson.sf(5, 2))  # 0.0166, above strong_q 0.01
    assert row["q_value"] == pytest.approx(row["p_exact"])
    (found,) = complaints.complaint_spike(report(folder, region="华南"))
    assert found["severity"] == "medium" and found["effect"] == pytest.approx(400)
    # 9 where 2 are usual: the exact test's 0.00024, over 华南's 4 categories 0.00095, is strong enough for high
    (found,) = complaints.complaint_spike(report(_south(tmp_path / "nine", 2, 9), region="华南"))
    assert found["severity"] == "high" and found["effect"] == pytest.approx(900 * (1 - 2 / 9))


def test_high_needs_the_evidence_over_every_category_not_only_the_fired_ones(tmp_path):
    """7 where 2 are usual, 华南's other 3 categories quiet (p = 1): confirmed on the fired family (q = p = 0.0045),
    but high needs q over the 4 categories the report tests: 4 × 0.0045 = 0.018, above strong_q 0.01: medium.
    A family the rule picked made a clean region's chance month high (foreign seed 79 #058: 5 where 0.93 usual)."""
    folder = _south(tmp_path, 2, 7)
    p = stats.poisson.sf(6, 2)  # 0.00453
    ((_, row),) = complaints.report_spikes(report(folder, region="华南"))
    assert row.q_exact == pytest.approx(p) and row.q_strong == pytest.approx(4 * p)
    (found,) = complaints.complaint_spike(report(folder, region="华南"))
    assert found["severity"] == "medium" and found["effect"] == pytest.approx(500)  # 25% of 1,000: high by revenue


def test_a_small_category_spike_is_not_diluted_by_the_quiet_ones(tmp_path):
    folder = _south(tmp_path, 2, 6)  # 6 where 2 are usual (a small category, ×3)
    p = stats.poisson.sf(5, 2)  # 0.0166: over the region's 4 categories q = 0.066 would miss it
    row = complaints.complaint_frame(report(folder, region="华南")).set_index("category").loc["质量问题"]
    assert row["p_exact"] == pytest.approx(p) and row["q_value"] == pytest.approx(p) and row["flagged"]
    (found,) = complaints.complaint_spike(report(folder, region="华南"))
    assert found["severity"] == "medium" and found["segment"] == {"category": "质量问题"}
    assert complaints.complaint_spike(report(folder, region="ALL")) == []  # 8 tests there: q = 0.13


def test_two_and_a_half_times_two_is_chance(tmp_path):
    """5 where 2 are usual: the normal z's p (0.017) looked confirmed, the exact count's (0.053) is not."""
    folder = _south(tmp_path, 2, 5)
    row = complaints.complaint_frame(report(folder, region="华南")).set_index("category").loc["质量问题"]
    assert row["p_value"] == pytest.approx(stats.norm.sf(3 / math.sqrt(2)))
    assert row["p_exact"] == pytest.approx(stats.poisson.sf(4, 2)) and not row["flagged"]
    assert complaints.complaint_spike(report(folder, region="华南")) == []


def test_complaints_are_read_per_order(tmp_path):
    """华南 sells 20 orders in 2026-10 instead of 10: its 7 complaints are what 3 a month at 10 orders give.

    Exposure (the month's and the month before's orders, averaged): 10 in every history month, 15 in 2026-10;
    rate 3 ÷ 10 per order, so 4.5 complaints are usual at this month's orders; 7 is Poisson p = P(X ≥ 7 | 4.5).
    """
    tables = build()
    for k in range(10, 20):
        tables["orders"].append({**tables["orders"][-1], "order_id": f"OS10x{k}", "customer_id": "CS0"})
    for month, count in [*((m, 3) for m in HISTORY), ("2026-10", 7)]:
        for k in range(count):
            tables["tickets"].append(ticket("华南", month, k, "质量问题", f"{month}-12 09:00", f"{month}-12 10:00"))
    folder = write_tiny(tmp_path / "volume", tables=tables)
    r = report(folder, region="华南")
    assert complaints.order_exposure(r)["2026-10"] == 15 and complaints.order_exposure(r)["2026-09"] == 10
    row = complaints.complaint_frame(r).set_index("category").loc["质量问题"]
    assert row["usual"] == pytest.approx(4.5) and row["ratio"] == pytest.approx(7 / 4.5)
    assert row["p_exact"] == pytest.approx(stats.poisson.sf(6, 4.5)) and not row["flagged"]
    assert complaints.complaint_spike(r) == []  # at 10 orders the same 7 are a spike (first test above)


def test_the_complaints_spread_is_read_around_the_orders_they_came_with():
    """1, 7, 1, 7 complaints over months of 10 orders each: 0.4 a order, 4 expected a month, each month 3 away:
    φ = 9 / 4 = 2.25 (it read 1 while the expected row carried another name than the counts' and never lined up)."""
    from salesnb.support.complaints import _scaled

    months = ["2026-01", "2026-02", "2026-03", "2026-04"]
    counts = pd.Series([1.0, 7.0, 1.0, 7.0], index=months, name="质量问题")
    orders = pd.Series(10.0, index=months)
    assert _scaled(counts, orders, months, 20.0) == (pytest.approx(8.0), pytest.approx(2.25))
