"""A region's small volumes: the business rule fires on a minimum scaled to the scope."""

import pytest
from scipy import stats as sps

from process.helpers import HISTORY, Tables, rep, ts
from salesnb import process


def _slipping(tmp_path, slipped_now: int):
    """10 deals due a month, 1 of them slips in each usual month; October: ``slipped_now`` of 10 slip."""
    tb = Tables()
    for month in [*HISTORY, "2026-10"]:
        slips = slipped_now if month == "2026-10" else 1
        for j in range(10):
            open_ = j < slips
            tb.deal(f"D{month}{j}", ts(month, 1), [], status="open" if open_ else "won",
                    closed=None if open_ else ts(month, 12), expected=f"{month}-15", amount=100)  # fmt: skip
    return rep(tb.write(tmp_path / f"slip{slipped_now}"))


def test_slippage_fires_on_a_minimum_scaled_to_the_deals_due(tmp_path):
    r = _slipping(tmp_path, 5)
    # 5 of 10 slipped against 6 of 60: 40 points up, 4 beyond the usual — under min_count (5) but above
    # min_excess = max(3, 20% × 10 due) = 3; one test per report: Fisher p confirms it
    p = sps.fisher_exact([[5, 5], [6, 54]], alternative="greater").pvalue
    assert p < 0.05
    (found,) = [f for f in process.angle_findings(r) if f["code"] == "pipeline_slippage"]
    assert found["value"] == pytest.approx(0.5) and found["baseline"] == pytest.approx(0.1)
    assert found["severity"] in {"medium", "high"}
    # 2 of 10 (one deal beyond the usual): under the floor of 3, nothing fires
    assert not [f for f in process.angle_findings(_slipping(tmp_path, 2)) if f["code"] == "pipeline_slippage"]
