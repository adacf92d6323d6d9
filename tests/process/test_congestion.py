"""Stage congestion: the month's entries held at the stage (inflow against outflow), and stalls that last months."""

import pytest
from scipy import stats as sps

from process.helpers import HISTORY, STAGES, Tables, next_month, rep, ts, won_history
from salesnb import process


def _held_scenario(tmp_path):
    """10 deals a month enter 技术交流 on the 5th: usually 3 are still there at month end (lost on the 3rd of the
    next month), 7 lost on the 15th; in October 8 of the 10 are still there."""
    tb = Tables()
    for month in [*HISTORY, "2026-10"]:
        held = 8 if month == "2026-10" else 3
        for j in range(10):
            path = [(STAGES[0], ts(month, 1)), (STAGES[1], ts(month, 2)), (STAGES[2], ts(month, 5))]
            if month == "2026-10" and j < held:
                tb.deal(f"D{month}{j}", ts(month, 1), path)
            else:
                closed = ts(next_month(month), 3) if j < held else ts(month, 15)
                tb.deal(f"D{month}{j}", ts(month, 1), path, status="lost", closed=closed)
    return tb.write(tmp_path / "held")


def test_the_months_entries_held_at_the_stage(tmp_path):
    frame = process.stage_stock_frame(rep(_held_scenario(tmp_path))).set_index("stage")
    row = frame.loc["技术交流"]
    assert (row["stock"], row["usual"], row["entered"], row["held"]) == (8, 3, 10, 8)
    assert row["held_usual"] == pytest.approx(0.3) and row["held_excess"] == pytest.approx(8 - 10 * 0.3)
    p_stock = sps.binom.sf(7, 8 + 18, 1 / 7)  # 8 at month end against 3 × 6 usual month ends
    p_held = sps.fisher_exact([[8, 2], [18, 42]], alternative="greater").pvalue  # 8/10 held against 18/60
    assert row["p_value"] == pytest.approx(2 * min(p_stock, p_held))  # Bonferroni over the two views
    assert row["flagged"] and frame["flagged"].sum() == 1


def test_the_rule_fires_on_its_own_test_and_bh_sets_the_confidence(tmp_path):
    """A fired stage whose own p is below fdr is a finding; BH over the stages above strong_q caps it at medium."""
    r = rep(_held_scenario(tmp_path))
    row = process.stage_stock_frame(r).set_index("stage").loc["技术交流"]
    (found,) = [f for f in process.angle_findings(r) if f["code"] == "stage_stock_surge"]
    assert found["segment"] == {"stage": "技术交流"}
    assert found["severity"] == ("high" if row["q_value"] < 0.01 else "medium")
    assert "10 个商机中 8 个月底仍未推进（80.0%，平时 30.0%）" in found["detail"]  # held share and its usual


def test_a_stall_lasting_months_is_not_its_own_baseline(tmp_path):
    """Four won deals a month pass 技术交流 in 10 days; 3 deals sit there since 2026-07-05. They are stalled at the
    July, August and September month ends too: counted there, the median of the six usual month ends would be
    1.5; the usual level counts only the deals not stalled now, so it is 0 and the 3 are all beyond it."""
    tb = won_history()
    for j in range(3):
        path = [(STAGES[0], ts("2026-07", 1)), (STAGES[1], ts("2026-07", 3)), (STAGES[2], ts("2026-07", 5))]
        tb.deal(f"S{j}", ts("2026-07", 1), path)
    r = rep(tb.write(tmp_path / "long"))
    row = process.stalled_summary_frame(r).set_index("stage").loc["技术交流"]
    assert row["stalled"] == 3 and row["usual"] == 0 and row["excess"] == 3
    assert row["p_value"] == pytest.approx((1 / 7) ** 3) and row["flagged"]
    (found,) = [f for f in process.angle_findings(r) if f["code"] == "stalled_deals"]
    assert found["severity"] != "low"  # none usually: far above usual (a finite change, so the collapse applies)
