"""Order lines without a price take their product's list price (a star-schema export), and say so.

Tiny data: P1 lists at 120 and sells 7 units (O1 2, O2 1, O4 3, O5 1); P2 lists at 60 and sells 9 (O2 1, O3 4,
O6 2, O7 2). At list prices the lines are worth 7 × 120 + 9 × 60 = 1,380; at their own prices 7 × 100 + 9 × 50 = 1,150.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from salesnb.data import facts, ingest, loading, store, store_read
from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.messages import say
from salesnb.data.propose import propose_mapping
from salesnb.errors import DataValidationError
from tests.tiny import TABLES, write_tiny


def _lines(**prices) -> list[dict]:
    """The tiny order lines without unit_price, or with the given price on the line of index ``at<k>``."""
    rows = [{k: v for k, v in row.items() if k != "unit_price"} for row in TABLES["order_lines"]]
    if prices:
        rows = [{**row, "unit_price": prices.get(f"at{k}", "")} for k, row in enumerate(rows)]
    return rows


def test_lines_without_a_price_are_valued_at_the_catalogue_price(tmp_path: Path) -> None:
    ds = load_dataset(write_tiny(tmp_path, tables={**TABLES, "order_lines": _lines()}))
    assert facts.order_facts(ds)["revenue"].sum() == pytest.approx(1380.0)
    by_order = facts.order_facts(ds).set_index("order_id")["revenue"]
    assert by_order["O2"] == pytest.approx(120 + 60) and by_order["O3"] == pytest.approx(4 * 60)
    (note,) = [say(w, "zh") for w in ds.warnings if "list_price" in say(w, "zh")]
    assert note.startswith("order_lines.unit_price：8 行明细（100%）没有单价，按产品表的目录价")


def test_only_the_lines_without_their_own_price_take_the_catalogues(tmp_path: Path) -> None:
    prices = {f"at{k}": row["unit_price"] for k, row in enumerate(TABLES["order_lines"]) if k != 2}  # O2's P2 empty
    ds = load_dataset(write_tiny(tmp_path, tables={**TABLES, "order_lines": _lines(**prices)}))
    assert facts.order_facts(ds)["revenue"].sum() == pytest.approx(1150.0 - 50 + 60)
    assert any("1 行明细（12%）" in say(w, "zh") for w in ds.warnings)


def test_a_line_whose_product_has_no_catalogue_price_is_a_problem(tmp_path: Path) -> None:
    products = [{**TABLES["products"][0]}, {**TABLES["products"][1], "list_price": ""}]
    data = write_tiny(tmp_path, tables={**TABLES, "order_lines": _lines(), "products": products})
    with pytest.raises(DataValidationError) as error:
        load_dataset(data)
    assert "order_lines.unit_price" in str(error.value) and "4 rows" in str(error.value)  # P2's four lines


def test_lines_with_no_price_anywhere_are_refused_as_before(tmp_path: Path) -> None:
    products = [{k: v for k, v in row.items() if k != "list_price"} for row in TABLES["products"]]
    data = write_tiny(tmp_path, tables={**TABLES, "order_lines": _lines(), "products": products})
    with pytest.raises(DataValidationError, match="order_lines.unit_price"):
        load_dataset(data)


def test_the_store_of_catalogue_priced_lines_is_the_loaders(tmp_path: Path) -> None:
    data = write_tiny(tmp_path / "data", tables={**TABLES, "order_lines": _lines()})
    ingest.ingest(data, None, "sig", tmp_path / "streamed", stream_bytes=0)
    (folder,) = [p for p in (tmp_path / "streamed").iterdir() if not p.name.startswith(".")]
    back = store_read.load_store(folder, json.loads((folder / store.MANIFEST).read_text(encoding="utf-8")))
    assert facts.order_facts(back)["revenue"].sum() == pytest.approx(1380.0)
    pd.testing.assert_frame_equal(back.tables["order_lines"], loading.load_dataset(data).tables["order_lines"])


STAR = {  # a sales fact table by year and a product table holding the price (AdventureWorks' shape)
    "Sales_2016.csv": "OrderNumber,OrderDate,CustomerKey,ProductKey,OrderQuantity\n"
    "SO1,1-Jan-2016,11,214,2\nSO1,1-Jan-2016,11,215,1\nSO2,3-Jan-2016,12,214,1\n",
    "Sales_2017.csv": "OrderNumber,OrderDate,CustomerKey,ProductKey,OrderQuantity\nSO3,2-Feb-2017,11,215,4\n",
    "Products.csv": "ProductKey,ProductName,ProductCost,ProductPrice\n214,Helmet,13.09,34.99\n215,Socks,3.40,9.50\n",
    "Customers.csv": "CustomerKey,FirstName,BirthDate\n11,Ann,1/3/1960\n12,Bo,1/11/1971\n",
}


def test_map_prices_a_star_schemas_lines_through_its_product_table(tmp_path: Path) -> None:
    for name, text in STAR.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.tables["orders"] == proposal.tables["order_lines"] == "Sales_*.csv"
    assert proposal.columns["order_lines"] == {"order_id": "OrderNumber", "product_id": "ProductKey",
                                               "quantity": "OrderQuantity"}  # fmt: skip
    assert proposal.columns["products"]["list_price"] == "ProductPrice"
    assert proposal.columns["products"]["unit_cost"] == "ProductCost"
    assert "! 订单明细没有单价或金额列：销售额按 Products.csv 的 ProductPrice（产品目录价）× 数量计算" in "\n".join(
        describe(proposal, "zh")
    )
    ds = load_dataset(tmp_path, mapping=proposal.mapping())
    revenue = facts.order_facts(ds).set_index("order_id")["revenue"]
    assert revenue.to_dict() == pytest.approx({"SO1": 2 * 34.99 + 9.50, "SO2": 34.99, "SO3": 4 * 9.50})


def test_map_leaves_priceless_lines_out_without_a_catalogue_price(tmp_path: Path) -> None:
    for name, text in STAR.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "Products.csv").write_text("ProductKey,ProductName\n214,Helmet\n215,Socks\n", encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert "order_lines" not in proposal.tables and proposal.missing["order_lines"] == ["unit_price"]
    assert proposal.tables["orders"] == "Sales_*.csv" and not proposal.catalogue_priced
