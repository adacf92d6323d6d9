"""A shared fact table's region and month rows are filtered once: the same rows as filtering, never shared state."""

import gc

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal
from tiny import write_tiny

from salesnb.data import facts, slices
from salesnb.data.grouping import aggregate
from salesnb.data.scope import _count_rows, scope_rows
from salesnb.report import open_report

ARROW = pd.StringDtype("pyarrow", na_value=np.nan)


def shared_frame() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "region": pd.Series(["华东", "华北", "华东", "华南", "华东", np.nan], dtype=ARROW),
            "month": pd.Series(["2026-09", "2026-09", "2026-10", "2026-10", "2026-10", "2026-10"], dtype=ARROW),
            "revenue": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    facts.share_rows(frame)
    return frame


def test_shared_rows_are_the_filtered_rows():
    frame = shared_frame()
    plain = frame.copy()  # not shared: filtered every time, as before
    for _ in range(2):  # the second round is served from what the first kept
        assert_frame_equal(facts.in_region(frame, "华东"), plain[plain["region"] == "华东"])
        assert_frame_equal(facts.in_months(frame, "2026-10"), plain[plain["month"] == "2026-10"])
        assert_frame_equal(facts.in_months(frame, ["2026-09"]), plain[plain["month"].isin(["2026-09"])])
        expected = plain[(plain["region"] == "华东") & (plain["month"] == "2026-10")]
        assert_frame_equal(facts.scoped(frame, "华东", "2026-10"), expected)
        assert_frame_equal(facts.scoped(frame, "ALL", ["2026-10"]), plain[plain["month"] == "2026-10"])
        both = ["2026-10", "2026-09", "2026-10"]  # a label twice, out of order: the rows once, in the frame's order
        assert_frame_equal(facts.in_months(frame, both), plain[plain["month"].isin(both)])
        assert_frame_equal(facts.in_months(frame, ["1999-01"]), plain[plain["month"].isin(["1999-01"])])
        assert_frame_equal(facts.in_region(frame, "西北"), plain[plain["region"] == "西北"])
    assert facts.in_region(frame, "ALL") is frame
    assert facts.in_region(frame, "华东")["revenue"].tolist() == [1.0, 3.0, 5.0]


def test_a_caller_changing_its_rows_changes_nothing_shared():
    frame = shared_frame()
    rows = facts.in_region(frame, "华东")
    rows["revenue"] = 0.0
    rows.loc[rows.index[0], "month"] = "1999-01"
    rows["extra"] = 1
    again = facts.in_region(frame, "华东")
    assert again["revenue"].tolist() == [1.0, 3.0, 5.0]
    assert again["month"].tolist() == ["2026-09", "2026-10", "2026-10"] and "extra" not in again
    assert frame["revenue"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    month = facts.scoped(frame, "华东", "2026-10")
    month.loc[month.index[0], "revenue"] = -1.0
    assert facts.scoped(frame, "华东", "2026-10")["revenue"].tolist() == [3.0, 5.0]


def test_rows_kept_are_bounded_and_go_with_their_frame(monkeypatch):
    monkeypatch.setattr(slices, "SLICE_MIN_ROWS", 3)
    frame = shared_frame()
    for region in ("华东", "华北", "华南"):
        facts.in_region(frame, region)
    kept = slices._SLICES[id(frame)][1]
    assert sum(len(rows) for rows in kept.values()) <= 3  # the least recently used dropped first
    assert ("region", "华南") in kept and ("region", "华东") not in kept
    key = id(frame)
    del frame, kept
    gc.collect()
    assert key not in slices._SLICES or slices._SLICES[key][0]() is None


def test_per_dataset_tables_are_shared(tmp_path):
    report = open_report(str(write_tiny(tmp_path / "tiny")), "2026-10", "华东")
    orders = facts.order_facts(report.ds)
    assert slices._SLICES[id(orders)][0]() is orders
    expected = orders[(orders["region"] == "华东") & (orders["month"] == "2026-10")]
    assert_frame_equal(facts.scoped(orders, "华东", "2026-10"), expected)


def test_scope_rows_counted_once_and_handed_out_as_copies(tmp_path):
    report = open_report(str(write_tiny(tmp_path / "tiny")), "2026-10", "华东")
    first = scope_rows(report.ds, "华东")
    assert first == _count_rows(report.ds, "华东")
    first["orders"] = -1
    assert scope_rows(report.ds, "华东") == _count_rows(report.ds, "华东")
    assert scope_rows(report.ds, "ALL") == _count_rows(report.ds, "ALL")


def test_aggregate_is_named_aggregation():
    frame = pd.DataFrame(
        {
            "k": pd.Series(["a", "b", "a", np.nan, "c"], dtype=ARROW),
            "j": [1, 1, 2, 2, 1],
            "x": [1.0, 2.0, 3.0, 4.0, np.nan],
            "o": pd.Series(["o1", "o2", "o1", "o3", np.nan], dtype=ARROW),
        }
    )
    spec = {"a": ("x", "sum"), "b": ("o", "size"), "c": ("o", "nunique"), "d": ("j", "sum"), "e": ("x", "mean")}
    for rows in (frame, frame.iloc[0:0]):
        for keys in ("k", ["k", "j"]):
            expected = rows.groupby(keys).agg(**spec)
            assert_frame_equal(aggregate(rows.groupby(keys), **spec), expected, check_exact=True)
    assert aggregate(frame.groupby("k"), n=("o", "size"))["n"].tolist() == [2, 1, 1]
