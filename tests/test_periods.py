import pandas as pd
import pytest

from salesnb.errors import ParameterError
from salesnb.periods import (
    baselines,
    bounds,
    month_end,
    month_end_exclusive,
    month_start,
    months_back,
    parse_period,
    shift_month,
)


def test_parse_period_and_bounds():
    p = parse_period("2026-3")
    assert str(p) == "2026-03"
    assert month_start(p) == pd.Timestamp("2026-03-01")
    assert month_end_exclusive(p) == pd.Timestamp("2026-04-01")
    assert bounds("2026-12") == (pd.Timestamp("2026-12-01"), pd.Timestamp("2027-01-01"))
    assert month_end("2026-02") == pd.Timestamp("2026-03-01")
    for bad in ("2026-13", "26-01", "March", ""):
        with pytest.raises(ParameterError):
            parse_period(bad)


def test_baselines_cross_year():
    b = baselines("2026-02", trailing_months=3)
    assert str(b.previous_month) == "2026-01"
    assert str(b.same_month_last_year) == "2025-02"
    assert b.trailing_labels == ["2025-11", "2025-12", "2026-01"]


def test_months_back_and_shift():
    assert months_back("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    assert months_back("2026-02", 3, offset=1) == ["2025-11", "2025-12", "2026-01"]
    assert months_back("2026-02", 0) == []
    assert shift_month("2026-01", 1) == "2025-12"
    assert shift_month("2026-01", -12) == "2027-01"
