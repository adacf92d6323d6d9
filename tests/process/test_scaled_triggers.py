"""A region's small volumes: the business rule fires on a minimum scaled to the scope, the q-value is over the
segments it fired on, and leads left unanswered past the goal count as late."""

import pandas as pd
import pytest
from scipy import stats as sps

from process.helpers import HISTORY, STAGES, Tables, rep, ts
from salesnb import process


def test_unanswered_leads_past_the_goal_are_late(tmp_path):
    """转介绍: 6 leads a month answered in half an hour; October 6 leads, 2 answered after 6 h, 1 never answered."""
    tb = Tables()
    for month in HISTORY:
        for j in range(6):
            tb.lead(f"H{month}{j}", ts(month, 1 + j), "转介绍")
    for j in range(6):
        tb.lead(f"N{j}", ts("2026-10", 1 + j), "转介绍", hours=6 if j < 2 else None if j == 2 else 0.5)
    tb.lead("LAST", "2026-10-31 23:00:00", "转介绍", hours=None)  # an hour before month end: not late yet
    r = rep(tb.write(tmp_path / "late"))
    row = process.first_response_frame(r).set_index("source").loc["转介绍"]
    assert row["leads"] == 7 and row["answered"] == 5 and row["unanswered"] == 2
    assert row["judged"] == 6 and row["within"] == 3 and row["late"] == 3  # N2 is late although never answered
    assert row["share"] == pytest.approx(0.5) and row["usual_share"] == 1
    assert row["late_excess"] == pytest.approx(3)  # usual share 100%: every late lead is beyond the usual
    # 3 late of 6 judged: min_excess = max(2, 20% × 6) = 2 ≤ 3; the old minimum (5 late leads) could not fire
    p = sps.fisher_exact([[3, 3], [36, 0]], alternative="less").pvalue
    assert row["p_value"] == pytest.approx(p) and row["q_value"] == pytest.approx(p) and row["flagged"]
    (found,) = [f for f in process.angle_findings(r) if f["code"] == "slow_first_response"]
    assert found["segment"] == {"source": "转介绍"} and "3 条超时" in found["detail"]


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
    # min_excess = max(2, 20% × 10 due) = 2; one test per report: Fisher p confirms it
    p = sps.fisher_exact([[5, 5], [6, 54]], alternative="greater").pvalue
    assert p < 0.05
    (found,) = [f for f in process.angle_findings(r) if f["code"] == "pipeline_slippage"]
    assert found["value"] == pytest.approx(0.5) and found["baseline"] == pytest.approx(0.1)
    assert found["severity"] in {"medium", "high"}
    # 2 of 10 (one deal beyond the usual): under the floor of 2, nothing fires
    assert not [f for f in process.angle_findings(_slipping(tmp_path, 2)) if f["code"] == "pipeline_slippage"]


def test_stalled_deals_q_value_over_the_stages_that_fired(tmp_path):
    """方案报价: 20 deals a month pass it in 5 days (the stall limit); 1 a month sits there 3 weeks at month end.
    October: 7 sit there 3 weeks — 7 stalled, usually 1."""
    tb = Tables()
    k = 0
    months = ["2025-12", "2026-01", "2026-02", "2026-03", *HISTORY]
    for month in months:
        for j in range(20):
            k += 1
            path = [(STAGES[0], ts(month, 1)), (STAGES[3], ts(month, 2 + j % 5)), (STAGES[4], ts(month, 7 + j % 5))]
            tb.deal(f"H{k:03d}", ts(month, 1), path, status="won", closed=ts(month, 20))
    for month in [*HISTORY, "2026-10"]:
        for _ in range(7 if month == "2026-10" else 1):
            k += 1
            end = f"{month}-28 00:00:00"
            entered = str(pd.Timestamp(end) - pd.Timedelta(days=20))
            path = [(STAGES[0], entered), (STAGES[3], entered)]
            nxt = str(pd.Period(month, freq="M") + 1)
            lost = month != "2026-10"
            tb.deal(f"S{k:03d}", entered, path, status="lost" if lost else "open",
                    closed=f"{nxt}-02 10:00:00" if lost else None)  # fmt: skip
    r = rep(tb.write(tmp_path / "stalled"))
    row = process.stalled_summary_frame(r).set_index("stage").loc["方案报价"]
    assert row["stalled"] == 7 and row["usual"] == 1 and row["stock"] == 7
    p = sps.binom.sf(6, 7 + 6, 1 / 7)
    assert row["p_value"] == pytest.approx(p) and row["q_value"] == pytest.approx(p) and row["flagged"]
    (found,) = [f for f in process.angle_findings(r) if f["code"] == "stalled_deals"]
    assert found["segment"] == {"stage": "方案报价"} and found["severity"] != "low"
