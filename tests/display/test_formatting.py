"""Formatters: 万/亿 and K/M/B amounts, percentages, counts, formatted tables (answers worked out by hand)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from salesnb.display.formatting import MISSING, format_amount, format_int, format_pct, format_table, table
from salesnb.errors import ParameterError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12_345, "1.2万"),
        (123_456_789, "1.2亿"),
        (8_500, "8,500"),
        (0, "0"),
        (9_999, "9,999"),
        (10_000, "1.0万"),
        (15_000, "1.5万"),
        (99_940_000, "9,994.0万"),  # 9994万: still below 1亿
        (100_000_000, "1.0亿"),
        (250_000_000_000, "2,500.0亿"),  # no unit above 亿
        (9_999.6, "1.0万"),  # rounds to 10,000 -> next unit
        (99_999_999, "1.0亿"),  # 9999.99万 rounds to 10000.0万 -> 1.0亿
        (-12_345, "-1.2万"),
        (-8_500, "-8,500"),
        (-123_456_789, "-1.2亿"),
        (-0.004, "0"),  # no "-0"
        (np.int64(52_300), "5.2万"),
    ],
)
def test_format_amount_zh(value, expected):
    assert format_amount(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (850, "850"),
        (12_345, "12.3K"),
        (1_234_567, "1.2M"),
        (1_234_567_890, "1.2B"),
        (-12_345, "-12.3K"),
        (999_960, "1.0M"),  # 999.96K rounds to 1000.0K -> 1.0M
    ],
)
def test_format_amount_en(value, expected):
    assert format_amount(value, "en") == expected


def test_format_amount_digits():
    assert format_amount(12_345, digits=2) == "1.23万"
    assert format_amount(123_456_789, digits=0) == "1亿"


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA])
def test_missing_values_are_a_dash(missing):
    assert format_amount(missing) == MISSING == "—"
    assert format_amount(missing, "en") == "—"
    assert format_pct(missing) == "—"
    assert format_pct(missing, signed=True) == "—"
    assert format_int(missing) == "—"


def test_format_amount_rejects_unknown_lang():
    with pytest.raises(ParameterError, match="lang"):
        format_amount(1, "fr")


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (0.1234, {}, "12.3%"),
        (1.0, {}, "100.0%"),
        (1.25, {"digits": 0}, "125%"),
        (0.1234, {"signed": True}, "+12.3%"),
        (-0.04, {"signed": True}, "-4.0%"),
        (-0.04, {}, "-4.0%"),
        (0.0, {"signed": True}, "0.0%"),
        (-0.00001, {"signed": True}, "0.0%"),  # rounds to zero: no sign, no "-0.0%"
        (0.00049, {"digits": 2, "signed": True}, "+0.05%"),
    ],
)
def test_format_pct(value, kwargs, expected):
    assert format_pct(value, **kwargs) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), (999, "999"), (1_234_567, "1,234,567"), (1_234.6, "1,235"), (-4_321, "-4,321"), (-0.4, "0")],
)
def test_format_int(value, expected):
    assert format_int(value) == expected


def test_format_table_formats_named_columns_on_a_copy():
    frame = pd.DataFrame(
        {
            "segment": ["华东", "华南"],
            "revenue": [123_456.0, np.nan],
            "attainment": [0.8, 1.05],
            "change": [0.1, -0.02],
            "orders": [1_200, 15],
        }
    )
    original = frame.copy()
    out = format_table(frame, {"revenue": "amount", "attainment": "pct", "change": "signed_pct", "orders": "int"})
    assert out.to_dict("list") == {
        "segment": ["华东", "华南"],
        "revenue": ["12.3万", "—"],
        "attainment": ["80.0%", "105.0%"],
        "change": ["+10.0%", "-2.0%"],
        "orders": ["1,200", "15"],
    }
    pd.testing.assert_frame_equal(frame, original)
    assert format_table(frame, {"revenue": "amount"}, lang="en")["revenue"].tolist() == ["123.5K", "—"]


def test_format_table_errors_name_the_problem():
    frame = pd.DataFrame({"revenue": [1.0]})
    with pytest.raises(ParameterError, match="money"):
        format_table(frame, {"revenue": "money"})
    with pytest.raises(ParameterError, match="'target'"):
        format_table(frame, {"target": "amount"})


def test_formatting_does_not_import_matplotlib():
    code = "import sys, salesnb.display.formatting; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_table_translates_headers_and_formats_by_kind():
    from salesnb.display.formatting import table

    frame = pd.DataFrame(
        {"region": ["华东", None], "revenue": [123456.0, None], "share": [0.25, 0.5], "d": [1.25, None]}
    )
    shown = table(
        frame,
        [
            ("region", "region", None),
            ("revenue", "revenue", "amount"),
            ("share", "share", "pct"),
            ("d", "Days", "days"),
        ],
        "en",
    )
    assert list(shown.columns) == ["Region", "Revenue", "Share", "Days"]
    assert shown.iloc[0].tolist() == ["华东", "123.5K", "25.0%", "1.2"]
    assert shown.iloc[1].tolist() == ["", "—", "50.0%", "—"]
    with pytest.raises(ParameterError, match="nope"):
        table(frame, [("nope", "region", None)])


def test_table_decimal_kind_has_one_decimal_and_no_separator():
    from salesnb.display.formatting import table

    frame = pd.DataFrame({"hours": [1234.56, 2.0, None]})
    shown = table(frame, [("hours", "Hours", "decimal")])
    assert list(shown["Hours"]) == ["1234.6", "2.0", "—"]


@pytest.mark.parametrize(
    ("p", "expected"), [(0.188, "18.8%"), (0.0012, "0.1%"), (0.0004, "<0.1%"), (0.0, "<0.1%"), (None, "—")]
)
def test_format_chance_never_prints_zero_percent(p, expected):
    from salesnb.display.formatting import format_chance

    assert format_chance(p) == expected


def test_the_unknown_label_is_shown_in_the_readers_language() -> None:
    frame = pd.DataFrame({"source": ["展会", "未知"]})
    assert table(frame, [("source", "来源", None)], "en")["来源"].tolist() == ["展会", "unknown"]
    assert table(frame, [("source", "来源", None)], "zh")["来源"].tolist() == ["展会", "未知"]


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (7.09, "zh", "7.09"),  # a till's order value, not "7"
        (0.99, "en", "0.99"),  # a music store's track
        (7.5, "zh", "7.50"),  # money keeps both cents
        (7.0, "zh", "7"),  # a whole amount stays whole
        (-3.456, "en", "-3.46"),
        (-0.4, "zh", "-0.40"),
        (-0.004, "zh", "0"),  # rounds to zero: no "-0"
        (99.994, "zh", "99.99"),
        (99.996, "zh", "100"),  # rounds to the cut-off: whole, like every amount from 100 on
        (100.4, "zh", "100"),
        (999.5, "en", "1.0K"),
    ],
)
def test_small_amounts_keep_their_cents(value, lang, expected):
    assert format_amount(value, lang) == expected
