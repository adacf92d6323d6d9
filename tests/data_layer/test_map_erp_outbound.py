"""An ERP's 销售出库单 list (Kingdee, Yonyou): 实发数量 is the quantity, 部门 the sales team, a 合计 row at the end."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.data.loading import load_dataset
from salesnb.data.propose import propose_mapping


def _outbound(tmp_path: Path) -> Path:
    rows = ["单据日期,单据编号,客户,部门,业务员,物料编码,物料名称,实发数量,单价,金额"]
    for n in range(12):
        team, rep = ("华东一部", "张伟") if n % 2 else ("华东二部", "李娜")
        day = f"2026年9月{n + 1}日"
        rows.append(f"{day},XSCK-{n:03d},客户{n % 4},{team},{rep},A001,工业网关,{n + 1},100,{100 * (n + 1)}")
        rows.append(f"{day},XSCK-{n:03d},客户{n % 4},{team},{rep},A002,传感器,2,30,60")
    rows.append(f"合计,,,,,,,{sum(range(1, 13)) + 24},,")  # the quantities' sum; no order number, no amount
    (tmp_path / "销售出库单序时簿.csv").write_text("\n".join(rows) + "\n", encoding="gb18030")
    return tmp_path / "销售出库单序时簿.csv"


def test_shipped_quantity_department_and_a_closing_sum_row(tmp_path: Path) -> None:
    path = _outbound(tmp_path)
    proposal = propose_mapping(path)
    assert proposal.columns["order_lines"]["quantity"] == "实发数量"
    assert proposal.columns["orders"]["region"] == "部门"
    assert not proposal.order_totals  # the sum row at the end is no order total written on a first line
    ds = load_dataset(path, mapping=proposal.mapping())
    lines = ds["order_lines"]
    assert float((lines["quantity"] * lines["unit_price"]).sum()) == pytest.approx(100 * 78 + 720)
    assert ds["orders"].groupby("region").size().to_dict() == {"华东一部": 6, "华东二部": 6}


def test_a_region_column_comes_before_the_department(tmp_path: Path) -> None:
    text = "订单号,下单日期,客户,大区,部门,金额\nA,2026-09-01,甲,华东,销售一部,10\nB,2026-09-02,乙,华南,销售二部,20\n"
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    assert propose_mapping(tmp_path / "s.csv").columns["orders"]["region"] == "大区"


def test_an_invoice_list_reads_the_amounts_before_tax_and_the_department(tmp_path: Path) -> None:
    """Yonyou's 销售发票明细 carries 无税单价 / 无税金额 beside 含税单价 / 价税合计: revenue is read before tax, as
    a Kingdee list's 金额 is and as the data check reads an amount that carries tax over its lines."""
    head = "发票号,开票日期,客户简称,部门名称,业务员,存货编码,数量,无税单价,含税单价,无税金额,税额,价税合计"
    rows = [f"FP{n},2026-09-{n + 1:02d},客户{n % 3},销售{n % 2 + 1}部,张伟,A001,2,100,113,200,26,226" for n in range(9)]
    (tmp_path / "销售发票明细.csv").write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    proposal = propose_mapping(tmp_path / "销售发票明细.csv")
    assert proposal.columns["orders"]["amount"] == "无税金额"
    assert proposal.columns["order_lines"]["unit_price"] == "无税单价"
    assert proposal.columns["orders"]["region"] == "部门名称"
