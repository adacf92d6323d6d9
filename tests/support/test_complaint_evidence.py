"""Complaint spikes: the ALL report controls all its region × category tests together, and only the exact count
test may make a spike high (issue 11: clean reports' noise). Hand-computed on the tiny dataset's 华南."""

import math

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
    folder = _south(tmp_path, 3, 7)  # 7 where 3 are usual, every month alike: spread √3
    p = stats.norm.sf(4 / math.sqrt(3))  # 0.0105; the other 7 tests have p ≥ 0.5
    row = complaints.complaint_frame(report(folder, region="华南")).set_index("category").loc["质量问题"]
    assert row["p_value"] == pytest.approx(p) and row["q_value"] == pytest.approx(4 * p)  # 0.042: 4 tests
    (found,) = complaints.complaint_spike(report(folder, region="华南"))
    assert found["segment"] == {"category": "质量问题"}
    # the ALL report tests 2 regions × 4 categories: q = 8 × 0.0105 = 0.084, not below the 5% fdr
    assert complaints.complaint_spike(report(folder, region="ALL")) == []


def test_a_few_complaints_are_high_only_on_the_exact_test(tmp_path):
    folder = _south(tmp_path, 2, 7)  # 7 where 2 are usual: 500 above usual of 华南's 1,000 revenue
    frame = complaints.complaint_frame(report(folder, region="华南")).set_index("category")
    row = frame.loc["质量问题"]
    assert row["q_value"] == pytest.approx(4 * stats.norm.sf(5 / math.sqrt(2)))  # 0.0008: strong on the normal
    assert row["p_exact"] == pytest.approx(stats.poisson.sf(6, 2))  # 0.0045, q = 0.018 above strong_q 0.01
    (found,) = complaints.complaint_spike(report(folder, region="华南"))
    assert found["severity"] == "medium" and found["effect"] == pytest.approx(500)
