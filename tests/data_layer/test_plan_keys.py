"""Planning from the store: the periods and regions read from the stored orders' columns equal those of the order
facts, with a region filled from the customer and a partial last month, and no order table is loaded."""

from __future__ import annotations

import pandas as pd
import pytest

from salesnb.data import facts, partial_month, store_read
from salesnb.data.loading import load_dataset
from tests.conftest import SAMPLE
from tests.tiny import TABLES, write_tiny


def _order(order_id: str, customer: str, day: str, region: str) -> dict:
    return {"order_id": order_id, "customer_id": customer, "order_date": day, "region": region, "rep_id": "R1"}


@pytest.fixture
def tiny(tmp_path):
    """The tiny data plus 西北, named only by its customer, an order of nowhere, and data ending on Nov 9."""
    customers = [
        *TABLES["customers"],
        {"customer_id": "C5", "customer_name": "西安秦川", "region": "西北", "employee_count": 30},
        {"customer_id": "C6", "customer_name": "无名", "region": "", "employee_count": 5},
    ]
    orders = [
        *TABLES["orders"],
        _order("O8", "C5", "2026-11-02", ""),
        _order("O9", "C6", "2026-11-09", ""),
    ]
    return write_tiny(tmp_path / "data", tables={**TABLES, "customers": customers, "orders": orders})


def _answers(ds) -> tuple:
    return (
        facts.regions(ds),
        facts.data_months(ds),
        facts.last_order_date(ds),
        partial_month.latest_complete_month(ds),
        facts.through_day(ds, facts.data_months(ds)[1]),
    )


def test_tiny_plan_from_the_store_equals_the_order_facts(tiny, tmp_path):
    planned = store_read.planning_dataset(tiny, None, tmp_path / "store")
    assert planned.tables == {}  # the main process holds no table
    answers = _answers(planned)
    assert ("facts", "order_facts") not in facts._CACHE.get(planned, {})  # answered without the order facts
    assert answers == _answers(load_dataset(tiny))
    assert answers == (["华东", "华南", "西北"], ("2025-10", "2026-11"), pd.Timestamp("2026-11-09"), "2026-10", 9)


def test_sample_plan_from_the_store_equals_the_order_facts(sample, tmp_path):
    planned = store_read.planning_dataset(str(SAMPLE), None, tmp_path / "store")
    whole = store_read.open_store(str(SAMPLE), root=tmp_path / "store")  # loaded whole: also read from the store
    assert store_read.order_keys(planned) is not None and store_read.order_keys(whole) is not None
    assert _answers(planned) == _answers(whole) == _answers(sample)
    assert ("facts", "order_facts") not in facts._CACHE.get(whole, {})


def test_keys_hold_the_named_regions_and_the_customers_without_one(tiny, tmp_path):
    keys = store_read.order_keys(store_read.planning_dataset(tiny, None, tmp_path / "store"))
    named = keys.keys.dropna(subset=["region"])
    assert sorted(named["region"]) == ["华东", "华南"] and named["customer_id"].isna().all()
    assert sorted(keys.keys.loc[keys.keys["region"].isna(), "customer_id"]) == ["C2", "C5", "C6"]
    assert list(keys.dates) == [pd.Timestamp("2025-10-05"), pd.Timestamp("2026-11-09")]


def test_a_replaced_or_region_loaded_table_is_not_answered_from_the_store(tiny, tmp_path):
    whole = store_read.open_store(tiny, root=tmp_path / "store")
    assert store_read.order_keys(whole) is not None
    whole.tables["orders"] = whole.tables["orders"].iloc[:2]  # the frames, not the store, are now the data
    assert store_read.order_keys(whole) is None
    assert facts.data_months(whole) == ("2025-10", "2026-09")
    assert store_read.order_keys(store_read.open_store(tiny, root=tmp_path / "store", region="华东")) is None


@pytest.fixture
def regions_on_reps(tmp_path):
    """An order book whose regions sit only on the rep roster (大区 per salesperson), save one order's own."""
    customers = [{**row, "region": ""} for row in TABLES["customers"]]
    orders = [{**row, "region": "西北" if row["order_id"] == "O7" else ""} for row in TABLES["orders"]]
    return write_tiny(tmp_path / "data", tables={**TABLES, "customers": customers, "orders": orders})


def test_an_order_without_its_own_or_its_customers_region_takes_its_reps(regions_on_reps, tmp_path):
    loaded = load_dataset(regions_on_reps)
    by_order = facts.order_facts(loaded).set_index("order_id")["region"].to_dict()
    # R1 is 华东's rep, R2 华南's; O7 (R2's) keeps the region it names itself
    east, south = {o: "华东" for o in ("O1", "O2", "O3", "O5")}, {o: "华南" for o in ("O4", "O6")}
    assert by_order == {**east, **south, "O7": "西北"}
    planned = store_read.planning_dataset(regions_on_reps, None, tmp_path / "store")
    assert _answers(planned) == _answers(loaded)
    assert facts.regions(planned) == ["华东", "华南", "西北"]
    south = store_read.open_store(regions_on_reps, root=tmp_path / "store", region="华南")
    assert sorted(south.tables["orders"]["order_id"]) == ["O4", "O6"]  # the store files each order by that region


def test_a_customers_region_comes_before_the_reps():
    orders = pd.DataFrame({"region": [None, None, "华北"], "customer_id": ["C1", "C2", "C1"], "rep_id": ["R1"] * 3})
    customers = pd.DataFrame({"customer_id": ["C1", "C2"], "region": ["华东", None]})
    reps = pd.DataFrame({"rep_id": ["R1"], "region": ["华南"]})
    assert facts.order_regions(orders, customers, reps).tolist() == ["华东", "华南", "华北"]
    assert facts.order_regions(orders, customers, None).tolist() == ["华东", facts.UNKNOWN, "华北"]
