"""Order lines with an empty price (a POS export's blank rows): the problem says how to leave them out."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.data.loading import load_dataset
from salesnb.errors import DataValidationError

MAPPING = {
    "tables": {"orders": "pos.csv", "order_lines": "pos.csv"},
    "columns": {
        "orders": {"order_id": "txn", "customer_id": "cust", "order_date": "day"},
        "order_lines": {"order_id": "txn", "product_id": "category", "quantity": "qty", "unit_price": "price"},
    },
}


def test_an_empty_line_price_names_the_exclude_that_leaves_it_out(tmp_path: Path) -> None:
    rows = "txn,cust,day,category,qty,price\n1,C1,2023-11-02,Beauty,3,50\n2,C2,2023-11-03,Clothing,,\n"
    (tmp_path / "pos.csv").write_text(rows, encoding="utf-8")
    with pytest.raises(DataValidationError) as refused:
        load_dataset(tmp_path, mapping=MAPPING)
    said = str(refused.value)
    assert 'leave them out with exclude: {order_lines: {price: [""]}} in the mapping' in said
    kept = load_dataset(tmp_path, mapping=MAPPING | {"exclude": {"order_lines": {"price": [""]}}})
    assert kept["orders"]["order_id"].tolist() == ["1"]
