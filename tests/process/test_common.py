"""The angle's own helpers: usual months clipped to the table's first month, table cells."""

import pandas as pd

from process.helpers import rep
from salesnb.process import common


def test_history_is_clipped_to_the_first_month_of_the_table(basic):
    r = rep(basic)  # orders from 2025-10, deals from 2026-08, leads from 2026-09; history_months 6
    assert common.history(r) == ["2026-08", "2026-09"]
    assert common.history(r, "leads", "created_at") == ["2026-09"]
    assert common.trailing(r) == ["2026-08", "2026-09"]  # baselines.trailing_months = 3: 07, 08, 09
    assert common.n_history(r) == 6


def test_cells_and_tables():
    assert common.cell(None, None, "zh") == "" and common.cell("展会", None, "zh") == "展会"
    assert common.cell(3.14159, "days", "zh") == "3.1" and common.cell(float("nan"), "days", "en") == "—"
    assert common.cell(7, "int", "zh") == "7"
    frame = pd.DataFrame({"stage": ["A"], "days": [2.0]})
    shown = common.table(frame, [("stage", "Stage", None), ("days", "Days", "days")], "en")
    assert list(shown.columns) == ["Stage", "Days"] and shown.iloc[0].tolist() == ["A", "2.0"]
