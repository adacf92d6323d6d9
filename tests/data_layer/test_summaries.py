"""A summary's rows (日期 × 类别 × 地区 with 销售额 and 订单量) made into the orders they count."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.data import facts
from salesnb.data.ingest import stream_plan
from salesnb.data.loading import load_dataset

SUMMARY = "日期,产品类别,地区,销售额,订单量\n2025-03-01,电子,北方,300,3\n2025-03-01,家居,南方,100,1\n"
SUMMARY += "2025-03-02,电子,北方,50,\n"
ORDERS = {"order_id": {"per": ["日期", "产品类别", "地区"]}, "order_date": "日期", "region": "地区", "amount": "销售额"}


@pytest.fixture
def summary(tmp_path: Path) -> Path:
    (tmp_path / "销售汇总.csv").write_text(SUMMARY, encoding="utf-8")
    return tmp_path / "销售汇总.csv"


def test_each_row_is_as_many_orders_as_it_counts_sharing_its_amount(summary: Path) -> None:
    """Read as one order a row: 3 orders and an order value of 150; the rows count 5 orders, 90 each on average."""
    plain = facts.order_facts(
        load_dataset(summary, mapping={"tables": {"orders": summary.name}, "columns": {"orders": ORDERS}})
    )
    assert len(plain) == 3
    mapping = {"tables": {"orders": summary.name}, "columns": {"orders": {**ORDERS, "order_count": "订单量"}}}
    ds = load_dataset(summary, mapping=mapping)
    orders = facts.order_facts(ds)
    assert len(orders) == 5 and orders["revenue"].sum() == pytest.approx(450.0)
    assert orders["revenue"].tolist() == pytest.approx([100.0, 100.0, 100.0, 100.0, 50.0])
    assert orders["order_id"].tolist()[:3] == [f"2025-03-01 + 电子 + 北方#{k}" for k in (1, 2, 3)]
    assert orders["order_id"].tolist()[3] == "2025-03-01 + 家居 + 南方"  # a row of one order keeps its id
    assert orders["customer_id"].nunique() == 5  # no customer column: each order its own unnamed buyer
    assert orders.groupby("region").size().to_dict() == {"北方": 4, "南方": 1}  # an empty count: one order
    from salesnb.data.summaries import orders_of_summaries

    assert len(orders_of_summaries(ds)["orders"]) == 5  # made once: each row now counts one order
    note = [w.text("zh") for w in ds.warnings if "订单量" in w.text("zh")]
    assert note == [
        "订单表每行是多张订单的合计：按 订单量 把 3 行拆成 5 张订单（每单分摊该行金额），订单数和客单价按真实订单计算"
    ]


def test_a_summary_rows_lines_are_shared_by_its_orders(summary: Path) -> None:
    """Lines from the same rows (the category as the product, 订单量 items at the row's average price): each order
    made from a row gets its line with the quantity shared, so product revenue adds up to the rows' 销售额."""
    summary.write_text(SUMMARY.replace("北方,50,\n", "北方,50,2\n"), encoding="utf-8")
    lines = {"order_id": ORDERS["order_id"], "product_id": "产品类别", "quantity": "订单量"}
    lines["unit_price"] = "=[销售额] / [订单量]"
    tables = {"orders": summary.name, "order_lines": summary.name}
    columns = {"orders": {**ORDERS, "order_count": "订单量"}, "order_lines": lines}
    ds = load_dataset(summary, mapping={"tables": tables, "columns": columns})
    line_facts = facts.line_facts(ds)
    assert len(ds["orders"]) == 6 and len(line_facts) == 6
    assert line_facts["quantity"].tolist() == pytest.approx([1.0] * 6)
    assert line_facts["order_id"].tolist() == ds["orders"]["order_id"].tolist()
    assert line_facts.groupby("product_id")["revenue"].sum().to_dict() == pytest.approx({"电子": 350.0, "家居": 100.0})
    assert facts.order_facts(ds)["revenue"].tolist() == pytest.approx([100.0] * 4 + [25.0] * 2)


def test_a_summary_is_loaded_whole_not_streamed(summary: Path) -> None:
    mapping = {"tables": {"orders": summary.name}, "columns": {"orders": {**ORDERS, "order_count": "订单量"}}}
    assert stream_plan(summary.parent, mapping, stream_bytes=0) is None


def test_every_page_of_a_summary_says_its_orders_were_made_from_counts(summary: Path) -> None:
    from salesnb.report import open_report

    mapping = {"tables": {"orders": summary.name}, "columns": {"orders": {**ORDERS, "order_count": "订单量"}}}
    report = open_report(dataset=load_dataset(summary, mapping=mapping), period="2025-03", region="ALL")
    assert "ℹ 数据每行是多张订单的合计：已按 订单量 拆成订单，每单分摊该行金额。" in report._repr_markdown_()
    plain = {"tables": {"orders": summary.name}, "columns": {"orders": ORDERS}}
    rows_as_orders = open_report(dataset=load_dataset(summary, mapping=plain), period="2025-03")
    assert "拆成订单" not in rows_as_orders._repr_markdown_()


def test_too_many_counted_orders_are_read_as_totals(summary: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows counting more orders than can be made one by one (a chain's daily receipts) are read as totals:
    one row one total, revenue as it is, no order count shown, and every page says so."""
    from salesnb.data import summaries
    from salesnb.report import open_report

    monkeypatch.setattr(summaries, "MAX_MADE_ORDERS", 4)  # the rows count 5 orders
    mapping = {"tables": {"orders": summary.name}, "columns": {"orders": {**ORDERS, "order_count": "订单量"}}}
    ds = load_dataset(summary, mapping=mapping)
    orders = facts.order_facts(ds)
    assert len(orders) == 3 and orders["revenue"].tolist() == pytest.approx([300.0, 100.0, 50.0])
    assert summaries.total_rows(ds) == ["日期", "产品类别", "地区"]
    note = [w.text("zh") for w in ds.warnings if "订单量" in w.text("zh")]
    assert note == [
        "订单表每行是多张订单的合计：按 订单量，3 行共计 5 张订单，逐单拆开太多，按每行一个合计分析："
        "销售额照常计算，订单数和客单价不显示"
    ]
    page = open_report(dataset=ds, period="2025-03", region="ALL")._repr_markdown_()
    assert "拆成订单" not in page and "日期 × 产品类别 × 地区" in page
