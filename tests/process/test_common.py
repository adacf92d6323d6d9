"""The angle's own helpers: usual months clipped to the table's first month, day texts, split headers."""

from process.helpers import rep
from salesnb.process import common


def test_history_is_clipped_to_the_first_month_of_the_table(basic):
    r = rep(basic)  # orders from 2025-10, deals from 2026-08, leads from 2026-09; history_months 6
    assert common.history(r) == ["2026-08", "2026-09"]
    assert common.history(r, "leads", "created_at") == ["2026-09"]
    assert common.trailing(r) == ["2026-08", "2026-09"]  # baselines.trailing_months = 3: 07, 08, 09
    assert common.n_history(r) == 6


def test_days_text_and_split_headers():
    assert common.days_text(12.6) == "13" and common.days_text(None) == "—" and common.days_text(float("nan")) == "—"
    assert common.dim_label("size_band", "en") == "Company size (staff)" and common.dim_label("region", "zh") == "区域"
