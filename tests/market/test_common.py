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


def test_a_rise_is_shrunk_towards_one_by_its_own_noise():
    """log 1.5 = 0.405; with a noise of 0.2 the log keeps 1 − 0.2² / 0.405² = 0.756 of itself: e^0.307 = 1.359. A rise
    within its noise (log 1.1 = 0.095 < 0.2) keeps nothing; a dip, a factor without a noise and a capped one stay."""
    log = math.log(1.5)
    assert common.shrunk_rise(1.5, 0.2) == pytest.approx(math.exp(log * (1 - (0.2 / log) ** 2)))
    assert common.shrunk_rise(1.5, 0.2) == pytest.approx(1.359, abs=1e-3)
    assert common.shrunk_rise(1.1, 0.2) == 1.0 and common.shrunk_rise(0.7, 0.2) == 0.7
    assert common.shrunk_rise(1.5, float("nan")) == 1.5 and common.shrunk_rise(1.5, None) == 1.5
    assert common.peer_factor(150.0, 100.0, rises=True, error=0.2) == pytest.approx(1.359, abs=1e-3)
    assert common.peer_factor(150.0, 100.0, error=0.2) == 1.0  # capped at 1 before any shrinking
    series = common.peer_factor(pd.Series([150.0, 110.0, 70.0]), pd.Series([100.0] * 3), rises=True, error=0.2)
    assert series.round(3).tolist() == [1.359, 1.0, 0.7]


def test_history_and_last_year_are_clipped_to_the_data(tiny):
    r = open_report(str(tiny), "2026-10", "ALL")  # orders 2025-10 .. 2026-10
    assert common.history(r) == ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]
    assert common.last_year(r) == "2025-10" and common.last_year(r, "2026-09") is None
    assert common.all_months(r.ds)[0] == "2025-10" and len(common.all_months(r.ds)) == 13


def test_number_texts():
    assert common.fmt_num(None) == "—" and common.fmt_num(math.nan) == "—"
    assert common.fmt_num(2.345, 2) == "2.35" and common.fmt_num(3) == "3.0"
    assert common.signed(0.12) == "+12.0%"


def test_a_dip_read_from_few_counts_is_shrunk_as_a_rise_is():
    """The rest of a company winning 13 new customers where 20 were usual (+2 each side: 15 of 22), its noise
    √(1/15 + 1/(6 · 22)) over six usual months: the log dip keeps 1 − 0.0742/0.1467 = 49 % of itself, 0.682 → 0.828.
    A dip within its noise (0.9 at 0.2) is no dip; a rise is shrunk the same way as shrunk_rise does."""
    error = math.sqrt(1 / 15 + 1 / (6 * 22))
    assert common.shrunk(15 / 22, error) == pytest.approx(0.8277, abs=1e-4)
    assert common.shrunk(0.9, 0.2) == 1.0 and common.shrunk(1.5, 0.2) == common.shrunk_rise(1.5, 0.2)
    assert common.shrunk(0.7, None) == 0.7 and common.shrunk(0.0, 0.2) == 0.0 and common.shrunk(1.0, 0.2) == 1.0
