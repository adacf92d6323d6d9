import math

import pandas as pd
import pytest

from salesnb.market import common
from salesnb.report import open_report


def test_peer_factor_caps_at_one_unless_rises_and_defaults_to_one():
    assert common.peer_factor(50.0, 100.0) == pytest.approx(0.5)
    assert common.peer_factor(150.0, 100.0) == 1.0  # growth elsewhere never raises the bar
    assert common.peer_factor(150.0, 100.0, rises=True) == pytest.approx(1.5)  # unless asked (a region's peers)
    assert common.peer_factor(5.0, 0.0) == 1.0 and common.peer_factor(float("nan"), 10.0) == 1.0
    series = common.peer_factor(pd.Series([30.0, 200.0, 1.0]), pd.Series([60.0, 100.0, 0.0]))
    assert series.tolist() == [0.5, 1.0, 1.0]


def test_history_and_last_year_are_clipped_to_the_data(tiny):
    r = open_report(str(tiny), "2026-10", "ALL")  # orders 2025-10 .. 2026-10
    assert common.history(r) == ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]
    assert common.last_year(r) == "2025-10" and common.last_year(r, "2026-09") is None
    assert common.all_months(r.ds)[0] == "2025-10" and len(common.all_months(r.ds)) == 13


def test_number_texts():
    assert common.fmt_num(None) == "—" and common.fmt_num(math.nan) == "—"
    assert common.fmt_num(2.345, 2) == "2.35" and common.fmt_num(3) == "3.0"
    assert common.signed(0.12) == "+12.0%"
