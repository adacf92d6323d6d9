"""Stage stock against the pace of its own entries: a pile-up the month's late entries explain is no top problem."""

import math

import pandas as pd
import pytest
from scipy import stats as st

from process.helpers import HISTORY, STAGES, Tables, rep, ts
from salesnb import process
from salesnb.process.stages import stock_surge


def _paced(tmp_path, late: int, stuck: int):
    """Every stay in 技术交流 lasts 10 days. Each month April..September six deals enter it on the 10th (gone by the
    20th) and two on the 25th (still there at month end, gone on the 5th): two at every month end, 2 of 8 entries
    held. October: ``late`` deals enter on the 25th at the usual pace (6.58 days old at month end, each still there
    with chance 1), and ``stuck`` on the 5th stop there (26.58 days old: a 10-day stay would have left, chance 0)."""
    tb = Tables()
    for k, month in enumerate(HISTORY):
        for j, day in enumerate([10] * 6 + [25] * 2):
            at = pd.Timestamp(ts(month, day))
            left = at + pd.Timedelta(days=10)
            path = [(STAGES[0], ts(month, day - 4)), (STAGES[1], ts(month, day - 2)), (STAGES[2], str(at))]
            path.append((STAGES[3], str(left)))
            tb.deal(f"H{k}{j}", ts(month, day - 4), path, status="won", closed=str(left + pd.Timedelta(hours=12)))
    for j, day in enumerate([25] * late + [5] * stuck):
        path = [
            (STAGES[0], ts("2026-10", day - 4)),
            (STAGES[1], ts("2026-10", day - 2)),
            (STAGES[2], ts("2026-10", day)),
        ]
        tb.deal(f"O{j:02d}", ts("2026-10", day - 4), path)
    return rep(tb.write(tmp_path / f"paced{late}_{stuck}"))


def test_a_pile_up_of_late_entries_at_the_usual_pace_is_no_top_problem(tmp_path):
    """Eight deals enter 技术交流 on 10-25: 8 at month end against a usual 2 (+300 %), 8 of 8 held against 25 %.
    Against the month ends the stock is far beyond chance (confirmed), but a 10-day stage holds every deal that
    entered under 10 days ago: 8 expected at the usual pace, P(Poisson(8) ≥ 8) = 0.547 for the stock and the held
    entries alike, doubled: strong_p 1. A finding, medium (high on main: 600 at stake)."""
    r = _paced(tmp_path, late=8, stuck=0)
    row = process.stage_stock_frame(r).set_index("stage").loc[STAGES[2]]
    assert (row["stock"], row["usual"], row["entered"], row["held"]) == (8, 2, 8, 8)
    assert row["held_usual"] == pytest.approx(0.25) and row["flagged"] and row["confirmed"]
    assert row["q_value"] < 0.01  # strong against the month ends alone
    assert (row["flow_expected"], row["held_expected"]) == (pytest.approx(8.0), pytest.approx(8.0))
    assert st.poisson.sf(7, 8) == pytest.approx(0.547, abs=1e-3) and row["strong_p"] == 1.0
    (found,) = stock_surge(r)
    assert found["segment"] == {"stage": STAGES[2]} and found["value"] == 8 and found["baseline"] == 2
    assert found["effect"] == pytest.approx(600) and found["severity"] == "medium"


def test_deals_that_stop_beyond_the_usual_pace_are_still_high(tmp_path):
    """The same eight late entries and sixteen that entered on 10-05 and stopped: 24 at month end against a usual 2.
    At the usual pace the sixteen would have left (26.58 days > 10): 8 expected, P(Poisson(8) ≥ 24) = 3.7e-6,
    doubled 7.5e-6; held 24 of 24 against the same 8. strong_q below strong_q (0.01): high."""
    r = _paced(tmp_path, late=8, stuck=16)
    row = process.stage_stock_frame(r).set_index("stage").loc[STAGES[2]]
    assert (row["stock"], row["usual"], row["entered"], row["held"]) == (24, 2, 24, 24)
    assert (row["flow_expected"], row["held_expected"]) == (pytest.approx(8.0), pytest.approx(8.0))
    paced = 2 * st.poisson.sf(23, 8)
    assert paced == pytest.approx(7.45e-6, rel=0.01)
    assert row["strong_p"] == pytest.approx(max(row["p_value"], paced)) and row["strong_q"] < 0.01
    (found,) = stock_surge(r)
    assert found["value"] == 24 and found["severity"] == "high"


def test_without_a_completed_stay_the_pace_is_unknown_and_the_month_ends_decide(tmp_path):
    """No stay of 技术交流 completed in the year: flow_expected NaN, strong_p is p_value (the rule as before)."""
    r = _paced(tmp_path, late=0, stuck=0)
    frame = process.stage_stock_frame(r).set_index("stage")
    row = frame.loc[STAGES[5]]  # 合同签订: never entered
    assert math.isnan(row["flow_expected"]) and math.isnan(row["held_expected"])
    assert row["strong_p"] == row["p_value"] or (math.isnan(row["strong_p"]) and math.isnan(row["p_value"]))
