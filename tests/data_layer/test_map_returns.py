"""An ERP export's return rows (红字: negative 数量 and 金额) in the sales sheet: sales stay sales, returns are returns.

``map`` proposes on its own to leave the negative lines out of the orders (revenue is the sales before returns)
and to read them as the ``returns`` table (``rows: {returns: {数量: ["<0"]}}``, quantity ``=-[数量]``), so the file
loads without a hand edit and the product page's return rate reads them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from salesnb import product
from salesnb.data.loading import load_dataset
from salesnb.data.mapping import load_mapping
from salesnb.data.mapview import describe
from salesnb.data.propose import propose_mapping
from salesnb.errors import ConfigError
from salesnb.report import open_report

HEAD = "单据类型,单据号,原单号,单据日期,客户编码,存货编码,存货名称,数量,无税单价,无税金额,退货原因"
SALES = [  # 6 sale rows, 5 documents: A001 sells 10 + 20 + 10 = 40 units, B002 5 + 10 + 5 = 20
    "销售出库,XS001,,2026-09-01,C1,A001,工业网关,10,100,1000,",
    "销售出库,XS001,,2026-09-01,C1,B002,传感器,5,40,200,",
    "销售出库,XS002,,2026-09-03,C2,A001,工业网关,20,100,2000,",
    "销售出库,XS003,,2026-09-05,C3,B002,传感器,10,40,400,",
    "销售出库,XS004,,2026-09-10,C1,A001,工业网关,10,100,1000,",
    "销售出库,XS005,,2026-09-12,C2,B002,传感器,5,40,200,",
]
RETURNS = [  # 2 return rows (红字): 3 units of XS002's A001, 2 of XS003's B002
    "退货,TH001,XS002,2026-09-15,C2,A001,工业网关,-3,100,-300,质量问题",
    "退货,TH002,XS003,2026-09-16,C3,B002,传感器,-2,40,-80,包装破损",
]
REVENUE = 1000 + 200 + 2000 + 400 + 1000 + 200  # the sales before returns: 4,800


def _write(tmp_path: Path, rows: list[str], head: str = HEAD, name: str = "销售出库单列表.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([head, *rows]) + "\n", encoding="gb18030")
    return path


def test_return_rows_load_as_returns_and_sales_as_sales(tmp_path: Path) -> None:
    path = _write(tmp_path, SALES + RETURNS)
    proposal = propose_mapping(path)
    mapping = proposal.mapping()
    assert mapping["exclude"] == {"order_lines": {"数量": ["<0"]}}
    assert mapping["rows"] == {"returns": {"数量": ["<0"]}}
    assert mapping["tables"]["returns"] == "销售出库单列表.csv"
    assert mapping["columns"]["returns"] == {
        "order_id": "原单号", "product_id": "存货编码", "quantity": "=-[数量]", "returned_at": "单据日期",
        "reason": "退货原因",
    }  # fmt: skip
    ds = load_dataset(path, mapping=mapping)  # validates: no hand edit needed
    assert float(ds["orders"]["amount"].sum()) == REVENUE and len(ds["orders"]) == 5
    assert len(ds["order_lines"]) == 6 and (ds["order_lines"]["quantity"] > 0).all()
    back = ds["returns"].sort_values("order_id").reset_index(drop=True)
    assert back["order_id"].tolist() == ["XS002", "XS003"]
    assert back["product_id"].tolist() == ["A001", "B002"]
    assert back["quantity"].tolist() == [3, 2]
    assert back["returned_at"].dt.strftime("%Y-%m-%d").tolist() == ["2026-09-15", "2026-09-16"]
    assert back["reason"].tolist() == ["质量问题", "包装破损"]
    report = open_report(str(path), "2026-09", mapping_path=_saved(tmp_path, mapping))
    rates = product.returns_frame(report).set_index("product_id")
    assert rates.loc["A001", "units_sold"] == 40 and rates.loc["A001", "units_returned"] == 3
    assert rates.loc["A001", "return_rate"] == pytest.approx(3 / 40)
    assert rates.loc["B002", "return_rate"] == pytest.approx(2 / 20)
    assert rates.loc["A001", "returned_value"] == 300 and rates.loc["A001", "top_reason"] == "质量问题"
    said = "\n".join(describe(proposal))
    assert "退货" in said and "returns" in said and "rows" in said  # what it did and how to undo it
    # the page's header: the 2 return documents are out of the sales, and in the returns
    header = report._repr_markdown_()
    assert (
        "按映射的排除规则（数量 < 0），数据中 2 笔订单及 2 行订单明细不计入销售；其中的退货行（数量 < 0）按映射的 rows"
        " 读作退货表（2 行），退货率和退货原因按它们计算。" in header
    )


def _saved(tmp_path: Path, mapping: dict) -> str:
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return str(path)


IOWA = "订单编号,下单日期,客户编号,产品编码,产品名称,数量,单价,金额"
IOWA_SALES = [f"INV-{n},2026-09-{n + 1:02d},S{n % 3},P{n % 2},品{n % 2},{n + 1},10,{10 * (n + 1)}" for n in range(6)]


def test_returns_of_their_own_number_and_no_original_order_are_left_out_of_sales_without_a_returns_table(
    tmp_path: Path,
) -> None:
    """Iowa liquor's RINV invoices: a return's own number names no sale of the sheet, and there is no 原单号. The
    file loads and revenue is the sales; no returns table is proposed (its rates would read 0%), and map says why."""
    rows = [*IOWA_SALES, "RINV-1,2026-09-20,S1,P1,品1,-2,10,-20", "RINV-2,2026-09-21,S2,P0,品0,-1,10,-10"]
    path = _write(tmp_path, rows, IOWA, "销售明细.csv")
    proposal = propose_mapping(path)
    mapping = proposal.mapping()
    assert mapping["exclude"] == {"order_lines": {"数量": ["<0"]}}
    assert "returns" not in mapping["tables"] and "rows" not in mapping
    ds = load_dataset(path, mapping=mapping)
    assert float(ds["orders"]["amount"].sum()) == 10 * (1 + 2 + 3 + 4 + 5 + 6) and len(ds["orders"]) == 6
    said = "\n".join(describe(proposal))
    assert "没有生成退货表" in said and "原单号" in said


def test_a_return_under_its_sales_number_is_read_and_one_naming_no_sale_is_counted_not_refused(tmp_path: Path) -> None:
    """A return line written under its sale's order (INV-3, a week later: no void) is a return of that order; one
    under a number no sale of the sheet has (a sale before the export began) cannot be placed: it is left out of
    the returns with a warning, not a refusal of the file."""
    rows = [*IOWA_SALES, "INV-3,2026-09-25,S0,P1,品1,-1,10,-10", "INV-0999,2026-09-26,S2,P0,品0,-1,10,-10"]
    path = _write(tmp_path, rows, IOWA, "销售明细.csv")
    mapping = propose_mapping(path).mapping()
    assert mapping["columns"]["returns"]["order_id"] == "订单编号" and "reason" not in mapping["columns"]["returns"]
    ds = load_dataset(path, mapping=mapping)
    assert float(ds["orders"]["amount"].sum()) == 210 and len(ds["orders"]) == 6
    assert ds["returns"][["order_id", "product_id", "quantity"]].values.tolist() == [["INV-3", "P1", 1]]
    assert any("returns: 1 row's order_id names no row of orders" in str(w) for w in ds.warnings)


def test_a_file_mostly_of_negative_lines_or_a_discount_line_gets_no_returns(tmp_path: Path) -> None:
    mostly = _write(tmp_path, SALES[:1] + RETURNS, name="a.csv")  # 2 of 3 rows negative: not a sales file
    assert "returns" not in propose_mapping(mostly).tables and "rows" not in propose_mapping(mostly).mapping()
    discount = [*SALES, "销售出库,XS005,,2026-09-12,C2,Z999,折扣,1,-50,-50,"]  # only the amount is negative
    proposal = propose_mapping(_write(tmp_path, discount, name="b.csv"))
    assert "returns" not in proposal.tables and "exclude" not in proposal.mapping()


def test_a_file_without_negative_lines_maps_as_before(tmp_path: Path) -> None:
    mapping = propose_mapping(_write(tmp_path, SALES)).mapping()
    assert "returns" not in mapping["tables"] and "rows" not in mapping and "exclude" not in mapping


def test_rows_keeps_only_the_rows_it_names_and_is_checked(tmp_path: Path) -> None:
    """``rows:`` is general: a table read from the rows of a file meeting a condition, the same values as exclude."""
    path = _write(tmp_path, SALES + RETURNS)
    base = yaml.safe_load(Path(_saved(tmp_path, propose_mapping(path).mapping())).read_text(encoding="utf-8"))
    base["rows"] = {"returns": {"单据类型": ["退货"]}}  # the same rows, by their document type
    ds = load_dataset(path, mapping=base)
    assert sorted(ds["returns"]["quantity"].tolist()) == [2, 3]
    with pytest.raises(ConfigError):
        load_mapping({"rows": {"nonsense": {"数量": ["<0"]}}})
    with pytest.raises(ConfigError):
        load_mapping({"rows": {"returns": {"数量": []}}})


def _forty_sold(folder: Path) -> Path:
    """Four orders X0..X3 of 10 units of A001 at 100 in 2026-09: 40 units sold, for a returns file to be added."""
    folder.mkdir()
    (folder / "orders.csv").write_text(
        "order_id,customer_id,order_date\n" + "".join(f"X{k},C{k},2026-09-0{k + 1}\n" for k in range(4)), "utf-8"
    )
    (folder / "order_lines.csv").write_text(
        "order_id,product_id,quantity,unit_price\n" + "".join(f"X{k},A001,10,100\n" for k in range(4)), "utf-8"
    )
    return folder


def test_returns_cancelled_or_turned_down_in_a_returns_file_are_left_out_of_the_return_rate(tmp_path: Path) -> None:
    """A returns list with a status: 已完成 and 退款成功 returned goods, 已取消 and 驳回 did not.

    3 + 1 of the 40 units sold came back: 10%, not the 11 units (27.5%) of every row.
    """
    folder = _forty_sold(tmp_path / "erp")
    (folder / "returns.csv").write_text(
        "order_id,product_id,quantity,returned_at,reason,status\n"
        "X0,A001,3,2026-09-15,质量问题,已完成\n"
        "X1,A001,1,2026-09-16,规格不符,退款成功\n"
        "X2,A001,2,2026-09-17,不想要了,已取消\n"
        "X3,A001,5,2026-09-18,不想要了,驳回\n",
        "utf-8",
    )
    proposal = propose_mapping(folder)
    mapping = proposal.mapping()
    assert mapping["exclude"] == {"returns": {"status": ["已取消", "驳回"]}}  # 退款成功: the return went through
    said = "\n".join(describe(proposal))
    assert "returns.csv 的 status 列标出已取消或被驳回的退货（已取消, 驳回）" in said
    report = open_report(str(folder), "2026-09", mapping_path=_saved(tmp_path, mapping))
    rates = product.returns_frame(report).set_index("product_id")
    assert rates.loc["A001", "units_sold"] == 40 and rates.loc["A001", "units_returned"] == 4  # not 11
    assert rates.loc["A001", "return_rate"] == pytest.approx(4 / 40)


def test_a_refund_lists_own_status_column_is_read_before_the_orders(tmp_path: Path) -> None:
    """A shop's refund list carries the order's status and the refund's (退款状态): the refund's says which returns
    went through. 退款关闭 and 卖家拒绝退款 did not: 3 of the 40 units sold came back (7.5 %), not 3 + 2 + 4."""
    folder = _forty_sold(tmp_path / "shop")
    (folder / "returns.csv").write_text(
        "order_id,product_id,quantity,returned_at,reason,订单状态,退款状态\n"
        "X0,A001,3,2026-09-15,质量问题,交易成功,退款成功\n"
        "X1,A001,2,2026-09-16,不想要了,交易成功,退款关闭\n"
        "X2,A001,4,2026-09-17,不想要了,交易成功,卖家拒绝退款\n",
        "utf-8",
    )
    proposal = propose_mapping(folder)
    mapping = proposal.mapping()
    assert mapping["exclude"] == {"returns": {"退款状态": ["卖家拒绝退款", "退款关闭"]}}
    report = open_report(str(folder), "2026-09", mapping_path=_saved(tmp_path, mapping))
    rates = product.returns_frame(report).set_index("product_id")
    assert rates.loc["A001", "units_returned"] == 3 and rates.loc["A001", "return_rate"] == pytest.approx(3 / 40)
    assert rates.loc["A001", "units_returned"] == 3 and rates.loc["A001", "return_rate"] == pytest.approx(3 / 40)


def test_stray_lines_without_a_quantity_are_left_out_beside_the_no_op_lines_and_the_returns(tmp_path: Path) -> None:
    """One freight line of 10 lines has no 数量 (TPC-DS's ERP export: 2,272 of 514,000): validate refused the whole
    export for it; the proposal leaves it out, says what it was worth, and keeps the other rules on 数量 with it."""
    freight = "销售出库,XS005,,2026-09-12,C2,F001,运费,,,50,"
    no_op = "销售出库,XS004,,2026-09-10,C1,B002,传感器,0,40,0,"
    path = _write(tmp_path, [*SALES, freight, no_op, *RETURNS])
    proposal = propose_mapping(path)
    assert proposal.mapping()["exclude"] == {"order_lines": {"数量": ["=0", "", "<0"]}}
    text = "\n".join(describe(proposal, "zh"))
    share = 50 / (REVENUE + 50 - 380)  # of the sheet's net amount (the returns' lines are negative)
    assert (
        f"1 行的 数量 为空（运费、备注行或漏填；金额 50.00，占 {share:.1%}，2026-09 最多，占当月 {share:.1%}）" in text
    )
    ds = load_dataset(path, mapping=proposal.mapping())  # validates
    assert float(ds["orders"]["amount"].sum()) == REVENUE and len(ds["order_lines"]) == 6
    many = [*SALES[:3], *(row.replace(",10,100,", ",,100,").replace(",5,40,", ",,40,") for row in SALES[3:])]
    exclude = propose_mapping(_write(tmp_path, many, name="多.csv")).mapping().get("exclude", {})
    assert "" not in exclude.get("order_lines", {}).get("数量", [])  # half the lines: the sheet's habit, not strays
