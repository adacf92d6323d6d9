"""top_n_with_other: the top rows, one "others" row with the rest's count and totals; totals preserved."""

from __future__ import annotations

import pandas as pd
import pytest

from salesnb.display.bounded import other_label, top_n_with_other
from salesnb.errors import ParameterError


def _frame() -> pd.DataFrame:
    revenue = [50.0, 10.0, 30.0, 5.0, 5.0]  # total 100
    return pd.DataFrame(
        {
            "name": ["A", "B", "C", "D", "E"],
            "revenue": revenue,
            "units": [5, 1, 3, 2, 1],
            "share": [v / 100 for v in revenue],
            "growth": [0.1, 0.2, 0.3, 0.4, 0.5],
        }
    )


def test_top_rows_then_one_other_row_with_count_and_totals():
    out = top_n_with_other(_frame(), "revenue", 2, "name", ["revenue", "units", "share"], "其他（{n}项）")
    assert out["name"].tolist() == ["A", "C", "其他（3项）"]
    assert out["revenue"].tolist() == [50.0, 30.0, 20.0]  # B + D + E
    assert out["units"].tolist() == [5, 3, 4]
    assert out["members"].tolist() == [1, 1, 3]
    assert out["is_other"].tolist() == [False, False, True]
    assert pd.isna(out["growth"].iloc[-1])  # a rate is not summed
    assert out["growth"].iloc[:2].tolist() == [0.1, 0.3]


def test_totals_preserved_and_shares_sum_to_one():
    frame = _frame()
    for n in (1, 2, 3, 4):
        out = top_n_with_other(frame, "revenue", n, "name", ["revenue", "units", "share"], "others")
        assert len(out) == n + 1
        assert out["revenue"].sum() == pytest.approx(100.0)
        assert out["units"].sum() == 12
        assert out["share"].sum() == pytest.approx(1.0)
        assert out["members"].sum() == 5


def test_no_other_row_when_everything_fits_and_ties_keep_order():
    out = top_n_with_other(_frame(), "revenue", 5, "name", ["revenue"], "others")
    assert out["name"].tolist() == ["A", "C", "B", "D", "E"]  # D before E: frame order on the 5.0 tie
    assert not out["is_other"].any()


def test_by_none_keeps_the_given_order():
    out = top_n_with_other(_frame(), None, 1, "name", ["revenue"], "others {n}")
    assert out["name"].tolist() == ["A", "others 4"]
    assert out["revenue"].tolist() == [50.0, 50.0]


def test_bad_arguments_name_what_is_wrong():
    with pytest.raises(ParameterError, match="n must be"):
        top_n_with_other(_frame(), "revenue", 0, "name")
    with pytest.raises(ParameterError, match="'cost'"):
        top_n_with_other(_frame(), "revenue", 2, "name", ["cost"])


def test_other_label_in_both_languages():
    assert other_label("zh", 12345) == "其他（12,345项）"
    assert other_label("en", 3) == "Others (3)"


def test_a_column_unknown_for_every_row_of_the_rest_stays_unknown_in_the_others_row():
    """Last year's revenue of reps who did not sell then: "—", not 0, as for the named reps."""
    frame = _frame().assign(last_year=[1.0, None, None, None, None])
    out = top_n_with_other(frame, "revenue", 2, "name", ["revenue", "last_year"], "其他（{n}项）")
    assert out["last_year"].iloc[0] == 1.0 and pd.isna(out["last_year"].iloc[1]) and pd.isna(out["last_year"].iloc[-1])
    out = top_n_with_other(frame.assign(last_year=[None, 2.0, None, 3.0, None]), "revenue", 2, "name", ["last_year"])
    assert out["last_year"].iloc[-1] == 5.0  # some known: their sum
