"""The fact layer's fast paths give what the plain pandas expressions give: lookups, months, stays, snapshots."""

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_series_equal

from salesnb.data import facts
from salesnb.data.dataset import Dataset
from salesnb.data.deals import snapshot, stage_stays
from salesnb.data.reps import rep_label
from salesnb.periods import month_labels

ARROW = pd.StringDtype("pyarrow", na_value=np.nan)


@pytest.mark.parametrize("dtype", [ARROW, object])
def test_positions_and_take_are_what_map_gives(dtype):
    keys = pd.Series(["a", "b", np.nan, "d"], dtype=dtype)
    values = pd.Series(["b", "x", np.nan, "a", "d", "d"], dtype=dtype, index=[5, 4, 3, 2, 1, 0])
    at = facts.positions(keys, values)
    assert at.tolist() == [1, -1, 2, 0, 3, 3]  # missing matches missing, as in map; absent is -1
    columns = [
        pd.Series([1, 2, 3, 4]),  # int: the absent one makes it float, as map does
        pd.Series(["p", "q", "r", np.nan], dtype=ARROW),
        pd.Series(pd.to_datetime(["2020-01-01", "2021-01-01", None, "2022-01-01"])),
        pd.Series([True, False, True, True]),
    ]
    for column in columns:
        mapped = values.map(pd.Series(column.to_numpy(), index=pd.Index(keys)).astype(column.dtype))
        assert_series_equal(facts.take(column, at, values.index), mapped, check_names=False)


def test_month_labels_match_strftime():
    stamps = ["2026-01-31 23:59", None, "1999-12-01 00:00", "2026-02-01 00:00"]
    dates = pd.Series(pd.to_datetime(stamps), index=[9, 8, 7, 6])
    for unit in ("ns", "us", "s"):
        stamped = dates.dt.as_unit(unit).rename("when")
        assert_series_equal(month_labels(stamped), stamped.dt.strftime("%Y-%m"))
    assert month_labels(dates).tolist()[:1] == ["2026-01"] and pd.isna(month_labels(dates)[8])
    empty, missing = dates.iloc[:0], pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns]")
    assert_series_equal(month_labels(empty), empty.dt.strftime("%Y-%m"))
    assert_series_equal(month_labels(missing), missing.dt.strftime("%Y-%m"))
    zoned = pd.Series(pd.date_range("2026-01-30 20:00", periods=3, freq="D", tz="Asia/Shanghai"))
    assert_series_equal(month_labels(zoned), zoned.dt.strftime("%Y-%m"))  # local months, not UTC's


def _deals_dataset() -> Dataset:
    """Deal ids whose text order differs from their numeric and table order (O10 sorts before O9)."""
    opps = pd.DataFrame(
        {
            "opportunity_id": pd.Series(["O9", "O10", "O2"], dtype=ARROW),
            "created_at": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"]),
            "closed_at": pd.to_datetime([None, "2026-03-01", None]),
            "status": pd.Series(["open", "won", "open"], dtype=ARROW),
            "amount": [1.0, 2.0, 3.0],
            "expected_close_at": pd.to_datetime([None, None, None]),
            "rep_id": pd.Series(["R1", "R1", "R2"], dtype=ARROW),
            "customer_id": pd.Series(["C1", "C2", "C3"], dtype=ARROW),
            "region": pd.Series(["华东", "华北", "华东"], dtype=ARROW),
            "source": pd.Series(["展会", "官网", np.nan], dtype=ARROW),
        }
    )
    events = pd.DataFrame(
        {
            "opportunity_id": pd.Series(["O9", "O10", "O9", "O10", "O2", "O9", "OX"], dtype=ARROW),
            "stage": pd.Series(["B", "A", "A", "B", "A", "C", "A"], dtype=ARROW),
            "entered_at": pd.to_datetime(
                ["2026-02-01", "2026-01-02", "2026-01-01", "2026-02-10", "2026-01-05", "2026-02-20", "2026-01-01"]
            ),
        }
    )
    return Dataset({"opportunities": opps, "stage_events": events})


def test_stays_sorted_by_id_text_then_time_and_snapshot_takes_the_last_stay_before():
    ds = _deals_dataset()
    stays = stage_stays(ds, ["A", "B", "C"])
    assert list(zip(stays["opportunity_id"], stays["stage"], strict=True)) == [
        ("O10", "A"), ("O10", "B"), ("O2", "A"), ("O9", "A"), ("O9", "B"), ("O9", "C"),
    ]  # fmt: skip
    assert stays["advanced"].tolist()[:2] == [1.0, 1.0] and np.isnan(stays["advanced"].iloc[2])
    snap = snapshot(ds, pd.Timestamp("2026-02-15"), ["A", "B", "C"]).set_index("opportunity_id")
    assert snap["stage"].to_dict() == {"O9": "B", "O10": "B", "O2": "A"}
    assert snap.at["O9", "stage_entered_at"] == pd.Timestamp("2026-02-01")
    early = snapshot(ds, pd.Timestamp("2026-01-01 12:00"), ["A", "B", "C"]).set_index("opportunity_id")
    assert early["stage"].to_dict() == {"O9": "A"}  # O10 and O2 not created yet
    reference = stays[stays["entered_at"] < pd.Timestamp("2026-02-15")].groupby("opportunity_id").tail(1)
    assert reference.set_index("opportunity_id")["stage"].to_dict() == snap["stage"].to_dict()


def test_forget_derived_keeps_the_fact_layer_tables():
    ds = _deals_dataset()
    stage_stays(ds, ["A", "B"])
    rows = sum(len(table) for table in ds.tables.values())
    facts.per_dataset(ds, ("market", "table"), lambda: pd.DataFrame({"x": range(rows)}))
    facts.forget_derived(ds, min_rows=1)
    kept = {key[0] for key in facts._CACHE[ds]}
    assert kept == {"deals", "stays"}  # the angle's table is gone, the deals and their stays stay


def test_forget_derived_keeps_small_aggregates_up_to_their_share():
    rows = 10_000  # 1% of the data: 100 rows
    ds = Dataset({"orders": pd.DataFrame({"order_id": pd.Series(range(rows))})})
    values = {
        "tiny": pd.Series(range(10)),
        "scalar": "x",  # holds no rows
        "pair": {"a": pd.Series(range(15)), "b": pd.Series(range(15))},  # 30 rows
        "big": pd.Series(range(100)),
        "last": pd.Series(range(70)),
    }
    for name, value in values.items():
        facts.per_dataset(ds, ("market", name), lambda value=value: value)
    facts.forget_derived(ds, min_rows=1)
    # smallest first: scalar 0, tiny 10, pair 30 (40 in all), last 70 (110 > 100: dropped), big 100 (one share: dropped)
    assert {key[1] for key in facts._CACHE[ds]} == {"scalar", "tiny", "pair"}
    facts.forget_derived(ds, min_rows=rows + 1)  # a small dataset keeps everything it has
    assert {key[1] for key in facts._CACHE[ds]} == {"scalar", "tiny", "pair"}


def test_rep_label_from_the_name_table():
    reps = pd.DataFrame(
        {
            "rep_id": pd.Series(["R1", "R2"], dtype=ARROW),
            "rep_name": pd.Series(["蔡一鸣", np.nan], dtype=ARROW),
            "region": pd.Series(["华东", "华北"], dtype=ARROW),
            "hire_date": pd.to_datetime(["2020-01-01", None]),
            "leave_date": pd.to_datetime([None, None]),
        }
    )
    ds = Dataset({"reps": reps})
    assert rep_label(ds, "R1") == "蔡一鸣（R1）" and rep_label(ds, "R1", "en") == "蔡一鸣 (R1)"
    assert rep_label(ds, "R2") == "R2" and rep_label(ds, "R9") == "R9"  # no name, unknown rep: the id


@pytest.mark.parametrize("dtype", [ARROW, object])
def test_line_orders_and_order_totals_summed_by_the_lines_order_rows(dtype):
    orders = pd.DataFrame({"order_id": pd.Series(["o1", "o2", "o3"], dtype=dtype), "amount": [0.0, 0.0, 0.0]})
    lines = pd.DataFrame(
        {
            "order_id": pd.Series(["o2", "o1", "x9", np.nan, "o2"], dtype=dtype),  # x9: no such order
            "quantity": [1.0, 2.0, 5.0, 7.0, 3.0],
            "unit_price": [10.0, 0.5, 1.0, 1.0, np.nan],
        }
    )
    ds = Dataset(tables={"orders": orders, "order_lines": lines})
    rows = facts.line_orders(ds)
    assert rows.tolist() == [1, 0, -1, -1, 1]
    totals = facts.order_totals(orders, lines, rows)
    assert totals["revenue"].tolist()[:2] == [1.0, 10.0] and pd.isna(totals["revenue"][2])  # o3 has no lines
    assert totals["units"].tolist()[:2] == [2.0, 4.0] and totals["known"].tolist() == [True, False, False]
    pd.testing.assert_frame_equal(totals, facts.order_totals(orders, lines))  # the same as by the text ids
    twice = Dataset(tables={"orders": pd.concat([orders, orders.iloc[:1]]), "order_lines": lines})
    assert facts.line_orders(twice) is None  # a repeated order id: no position lookup


@pytest.mark.parametrize("dtype", [ARROW, object])
def test_map_distinct_is_what_map_gives(dtype):
    from salesnb.data.lookups import map_distinct

    values = pd.Series(["won", "lost", np.nan, "won", "odd"], dtype=dtype, index=[4, 3, 2, 1, 0], name="s")
    for mapper in ({"won": 1, "lost": 0}, {"won": 1, "lost": 0, "odd": 2}, {"won": "W"}):
        assert_series_equal(map_distinct(values, mapper), values.map(mapper))
    assert map_distinct(values, {"won": 1, "lost": 0}).tolist()[:2] == [1.0, 0.0]
    assert map_distinct(values.iloc[:0], {"won": 1}).empty


def test_date_order_sorts_the_order_facts_by_date_then_id():
    orders = pd.DataFrame(
        {
            "order_id": ["o3", "o1", "o2", "o0"],
            "customer_id": ["c1", "c1", "c2", "c2"],
            "order_date": pd.to_datetime(["2026-01-02", "2026-01-02", "2026-01-01", None]),
            "region": ["华东"] * 4,
            "rep_id": ["r1"] * 4,
            "channel": ["直销"] * 4,
            "amount": [1.0, 2.0, 3.0, 4.0],
        }
    )
    ds = Dataset(tables={"orders": orders})
    assert facts.date_order(ds).tolist() == [2, 1, 0, 3]  # the 1st, then the 2nd by id; no date last
    by_hand = facts.order_facts(ds).sort_values(["order_date", "order_id"], kind="stable")
    pd.testing.assert_frame_equal(facts.order_facts(ds).take(facts.date_order(ds)), by_hand)
