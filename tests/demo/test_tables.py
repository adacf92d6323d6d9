"""The contract tables and the CSV writer: every table and column, cell formats, keys, a pandas round trip."""

import json

import numpy as np
import pandas as pd

from demo.helpers import (
    _FORMATS,
)
from salesnb.data.contract import COUNT, DATE, ID, NUMBER, PERIOD, SCORE, SHAPE_COLUMNS, TABLES, TIMESTAMP
from salesnb.demo import generate_dataset

# A helpdesk's own due time per ticket: the demo's helpdesk holds its tickets to their priority's SLA instead
# (salesnb/support/sla_terms.py), so the sample shows the per-priority terms; tests/support covers these columns.
OWN_SLA_COLUMNS = {"tickets": ("response_due_at", "sla_hours")}
# A 规格 (spec) tells apart products an export names alike (tests/product/test_product_specs.py); the demo's
# product names are unique, so its products carry none.
SPEC_COLUMNS = {"products": ("spec",)}


def test_all_tables_present_with_contract_columns(tables, csv):
    assert list(tables) == list(TABLES)
    for name, spec in TABLES.items():
        assert set(spec.required_columns) <= set(csv[name].columns), name
        skipped = (*SHAPE_COLUMNS.get(name, ()), *OWN_SLA_COLUMNS.get(name, ()), *SPEC_COLUMNS.get(name, ()))
        expected = [c.name for c in spec.columns if c.name not in skipped]
        assert expected == [c for c in csv[name].columns if not c.startswith("score_")], name
        assert len(csv[name]) > 0, name
    assert {"score_产品质量", "score_交付", "score_服务", "score_价格透明度"} <= set(csv["surveys"].columns)


def test_written_cells_follow_the_contract(csv):
    for name, spec in TABLES.items():
        frame = csv[name]
        for column in frame.columns:
            col = spec.column(column)
            assert col is not None, f"{name}.{column} is not in the contract"
            values = frame[column]
            present = values[values != ""]
            if col.required:
                assert len(present) == len(values), f"{name}.{column} has empty required cells"
            if col.kind in _FORMATS:
                bad = present[~present.str.match(_FORMATS[col.kind])]
                assert bad.empty, f"{name}.{column}: {bad.head().tolist()}"
                fmt = {DATE: "%Y-%m-%d", TIMESTAMP: "%Y-%m-%d %H:%M:%S", PERIOD: "%Y-%m"}[col.kind]
                pd.to_datetime(present, format=fmt)  # raises on an impossible date
            elif col.kind in (NUMBER, COUNT, SCORE):
                numbers = present.astype(float)
                assert (numbers >= 0).all(), f"{name}.{column} has negative values"
                if col.kind == COUNT:
                    assert (numbers == numbers.round()).all(), f"{name}.{column} has fractional counts"
                if col.bounds:
                    lo, hi = col.bounds
                    assert numbers.between(lo, hi).all(), f"{name}.{column} outside {col.bounds}"
                if col.kind == NUMBER:
                    assert (numbers.round(2) == numbers).all(), f"{name}.{column} not rounded to cents"


def test_keys_unique_and_references_resolve(csv, tables):
    for name, spec in TABLES.items():
        frame = csv[name]
        if spec.key:
            assert frame[spec.key].is_unique, f"{name}.{spec.key} not unique"
        for column, target in spec.references.items():
            values = frame.loc[frame[column] != "", column]
            known = set(csv[target][TABLES[target].key])
            orphans = set(values) - known
            assert not orphans, f"{name}.{column} -> {target}: {sorted(orphans)[:5]}"
        for column in (c.name for c in spec.columns if c.kind == ID):
            values = tables[name][column].dropna()
            assert all(isinstance(v, str) for v in values), f"{name}.{column} ids must be strings"
    # also the references the contract leaves implicit
    assert set(csv["order_lines"]["order_id"]) == set(csv["orders"]["order_id"])  # every order has lines
    assert set(csv["targets"]["product_line"]) - {""} <= set(csv["products"]["product_line"])
    assert set(csv["returns"]["order_id"] + csv["returns"]["product_id"]) <= set(
        csv["order_lines"]["order_id"] + csv["order_lines"]["product_id"]
    )


def test_write_round_trips_through_pandas(tables, written):
    orders = pd.read_csv(written / "orders.csv", dtype={"order_id": str, "customer_id": str, "rep_id": str})
    assert len(orders) == len(tables["orders"])
    assert orders["order_id"].tolist() == tables["orders"]["order_id"].tolist()
    dates = pd.to_datetime(orders["order_date"], format="%Y-%m-%d")
    assert (dates.to_numpy() == tables["orders"]["order_date"].to_numpy()).all()
    assert orders["amount"].isna().sum() == tables["orders"]["amount"].isna().sum() > 0
    lines = pd.read_csv(written / "order_lines.csv", dtype={"order_id": str, "product_id": str})
    np.testing.assert_allclose(lines["unit_price"], tables["order_lines"]["unit_price"])
    stamps = pd.read_csv(written / "tickets.csv", parse_dates=["created_at"])["created_at"]
    assert (stamps.to_numpy() == tables["tickets"]["created_at"].to_numpy()).all()
    planted = json.loads((written / "planted.json").read_text(encoding="utf-8"))
    assert planted == json.loads(json.dumps(generate_dataset()[1]))
    assert "\\u" not in (written / "planted.json").read_text(encoding="utf-8")  # Chinese written as is
