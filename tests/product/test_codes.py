"""Groupings on the order lines' codes equal the groupings of the text they replace, to the last bit."""

import numpy as np
import pandas as pd
import pytest

from product.helpers import SAMPLE
from salesnb.data import facts
from salesnb.data.grouping import aggregate, sorted_codes
from salesnb.product import codes
from salesnb.product.common import coded, lines, with_scopes
from salesnb.report import open_report


def test_grouped_sums_counts_and_distinct_values_per_key():
    line = codes.Key("line", np.array([1, 0, 1, -1, 0, 1]), pd.Index(["A", "B"]))
    flag = codes.flag_key("period", np.array([True, False, True, True, True, False]))
    values = {
        "revenue": (np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0]), "sum"),
        "n": (None, "size"),
        "orders": (np.array([7, 7, 7, 7, -1, 3]), "nunique"),
    }
    out = codes.grouped([line, flag], values)
    # B: rows 0, 2 (True), 5 (False); A: row 1 (False), row 4 (True); row 3 has no line: left out
    assert list(out.index) == [("A", False), ("A", True), ("B", False), ("B", True)]
    assert out["revenue"].tolist() == [2.0, 16.0, 32.0, 5.0]
    assert out["n"].tolist() == [1, 1, 1, 2]
    assert out["orders"].tolist() == [1, 0, 1, 1]  # order 7 twice in (B, True) counts once; -1 is missing
    means = codes.grouped([line], {"mean": (np.array([1.0, 2.0, 4.0, 8.0, np.nan, 32.0]), "mean")})
    assert means["mean"].to_dict() == {"A": 2.0, "B": (1.0 + 4.0 + 32.0) / 3}  # a missing value is skipped
    kept = codes.grouped([line], {"n": (None, "size")}, ok=np.array([True, True, False, True, True, True]))
    assert kept["n"].to_dict() == {"A": 2, "B": 2}
    assert codes.grouped([line], {"n": (None, "size")}, empty=True).empty


def test_a_key_domain_larger_than_the_rows_is_sorted_instead_of_counted():
    labels = pd.Index([f"p{k:04d}" for k in range(1_100)])  # two keys: 1.21 million possible pairs
    first = codes.Key("a", np.array([1_099, 5, 1_099, 5, 0]), labels)
    second = codes.Key("b", np.array([1_099, 7, 1_099, 7, 3]), labels)
    out = codes.grouped([first, second], {"units": (np.array([1.0, 2.0, 3.0, 4.0, 5.0]), "sum"), "n": (None, "size")})
    assert out.index.tolist() == [("p0000", "p0003"), ("p0005", "p0007"), ("p1099", "p1099")]
    assert out["units"].tolist() == [5.0, 6.0, 4.0] and out["n"].tolist() == [1, 2, 2]


def test_sums_are_the_compensated_group_sums_of_the_rows_in_their_order():
    rng = np.random.default_rng(7)
    values = rng.normal(size=5_000) * 10.0 ** rng.integers(-3, 9, size=5_000)
    groups = rng.integers(0, 3, size=5_000)
    key = codes.Key("g", groups, pd.Index(["a", "b", "c"]))
    got = codes.grouped([key], {"v": (values, "sum")})["v"].to_numpy()
    expected = pd.Series(values).groupby(np.array(["a", "b", "c"])[groups]).sum().to_numpy()
    np.testing.assert_array_equal(got, expected)


def test_codes_sort_as_their_labels():
    ds = open_report(str(SAMPLE), "2026-10", "ALL").ds
    found, data = coded(ds), lines(ds)
    for column in ("region", "month", "product_line", "product_id"):
        labels = found.labels[column]
        assert list(labels) == sorted(labels)
        assert (labels.take(found.codes[column]) == data[column].to_numpy()).all()


@pytest.mark.parametrize("region", ["ALL", "华东"])
def test_scope_groups_equal_the_grouping_of_the_lines_in_scopes(region):
    report = open_report(str(SAMPLE), "2026-10", region)
    months = ["2026-08", "2026-09", "2026-10"]
    rows = codes.report_rows(report, months)
    data = lines(report.ds)
    definition = with_scopes(facts.in_months(data, months), report)
    expected = aggregate(
        definition.assign(period=definition["month"] == report.period).groupby(["scope", "product_id", "period"]),
        units=("quantity", "sum"), n=("quantity", "size"), value=("revenue", "sum"),
    )  # fmt: skip
    month = codes.line_key(report.ds, "month", rows)
    period = codes.flag_key("period", month.codes == month.labels.get_loc(report.period))
    values = {
        "units": (data["quantity"].to_numpy()[rows], "sum"),
        "n": (None, "size"),
        "value": (data["revenue"].to_numpy()[rows], "sum"),
    }
    got = codes.scope_groups(report, rows, [codes.line_key(report.ds, "product_id", rows), period], values)
    pd.testing.assert_frame_equal(got, expected, check_exact=True, check_index_type=False)


def test_regional_values_are_summed_for_the_regions_only():
    report = open_report(str(SAMPLE), "2026-10", "ALL")
    rows = codes.report_rows(report, ["2026-10"])
    key = codes.line_key(report.ds, "product_line", rows)
    ones, twos = np.ones(len(rows)), np.full(len(rows), 2.0)
    got = codes.scope_groups(report, rows, [key], {"v": (ones, "sum")}, regional={"v": (twos, "sum")})
    scope = got.index.get_level_values("scope")
    company, regional = got[scope == "ALL"]["v"], got[scope != "ALL"]["v"]
    assert company.sum() == len(rows)  # every line once, the unknown region's too
    known = facts.in_months(lines(report.ds), "2026-10")["region"] != facts.UNKNOWN
    assert regional.sum() == 2.0 * known.sum()


@pytest.mark.parametrize("dtype", [pd.StringDtype("pyarrow", na_value=np.nan), object])
def test_sorted_codes_are_those_of_factorize_with_sort(dtype):
    values = pd.Series(["华南", "B", None, "华东", "B", "A"], dtype=dtype)
    found, labels = sorted_codes(values)
    assert found.tolist() == [3, 1, -1, 2, 1, 0]
    assert labels.tolist() == ["A", "B", "华东", "华南"]
    expected, uniques = pd.factorize(values, sort=True)
    assert found.tolist() == expected.tolist() and labels.equals(pd.Index(uniques))
