"""An SAP (or 金蝶云星空) 销售订单明细 in Chinese: 销售组织, 分销渠道, 物料描述, 物料组; 原币 and 本币 money.

Real round 28 (Global Bike's S/4HANA orders as a Chinese export): the region fell to 国家 (2 values) over the
four 销售组织, the products had no names nor lines, and the 币种 column (USD, EUR) beside 本币无税金额 was
refused as mixed currencies, the way out offered (rates) multiplying yuan by the dollar's rate.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.data.column_words import books_plain, normalise
from salesnb.data.currency import books_money
from salesnb.data.loading import load_dataset
from salesnb.data.mapping import load_mapping
from salesnb.data.propose import propose_mapping
from salesnb.errors import DataValidationError

HEAD = (
    "订单号,行号,单据日期,销售组织,分销渠道,物料组,客户编码,客户名称,城市,国家,物料编码,物料描述,数量,币种,汇率,"
    "原币无税金额,本币折前金额,本币无税金额"
)
ROWS = [  # order, line, date, org, group, customer, city, country, material, name, qty, currency, rate, 原币 net
    ("9600", "10", "2022/1/3 0:00", "美东销售组织", "自行车", "129000", "Beantown Bikes", "Boston", "美国", "ORWN1000",
     "Women's Off Road Bike", 9, "USD", 7.0, 2000.0),
    ("9600", "20", "2022/1/3 0:00", "美东销售组织", "骑行配件", "129000", "Beantown Bikes", "Boston", "美国",
     "PUMP1000", "Air Pump", 10, "USD", 7.0, 100.0),
    ("9601", "10", "2022/1/4 0:00", "美西销售组织", "自行车", "134000", "Silicon Valley Bikes", "Palo Alto", "美国",
     "ORWN1000", "Women's Off Road Bike", 5, "USD", 7.0, 1200.0),
    ("9602", "10", "2022/1/5 0:00", "德北销售组织", "自行车", "138000", "Alster Cycling", "Hamburg", "德国",
     "ORWN1000", "Women's Off Road Bike", 4, "EUR", 8.0, 1000.0),
    ("9603", "10", "2022/1/6 0:00", "德南销售组织", "骑行配件", "139000", "Bavaria Bikes", "München", "德国",
     "PUMP1000", "Air Pump", 20, "EUR", 8.0, 150.0),
    ("9604", "10", "2022/1/7 0:00", "德南销售组织", "自行车", "139000", "Bavaria Bikes", "München", "德国",
     "ORWN1000", "Women's Off Road Bike", 2, "EUR", 8.0, 500.0),
]  # fmt: skip


def _export(tmp_path: Path) -> Path:
    lines = [HEAD]
    for order, line, day, org, group, cust, name, city, country, code, desc, qty, cur, rate, net in ROWS:
        lines.append(
            f'{order},{line},{day},{org},批发,{group},{cust},{name},{city},{country},{code},"{desc}",{qty},{cur},'
            f'{rate:.4f},"{net:,.2f}","{net * rate / 0.8:,.2f}","{net * rate:,.2f}"'
        )
    lines.append('合计,,,,,,,,,,,,50,,,"4,950.00","45,375.00","36,300.00"')
    path = tmp_path / "销售订单明细.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="gb18030")
    return path


def test_sales_organisation_channel_description_and_material_group_are_read(tmp_path: Path) -> None:
    proposal = propose_mapping(_export(tmp_path))
    orders, products = proposal.columns["orders"], proposal.columns["products"]
    assert orders["region"] == "销售组织" and orders["channel"] == "分销渠道"  # not 国家's 2 values, nor 城市's 5
    assert products["product_name"] == "物料描述" and products["product_line"] == "物料组"
    assert orders["amount"] == "本币无税金额"  # the books' yuan, not 原币无税金额's dollars and euros
    assert proposal.columns["order_lines"]["list_price"] == "=[本币折前金额] / [数量]"  # 折前金额 in the books' yuan


def test_a_books_currency_prefix_names_the_plain_concept() -> None:
    names = ["本币折前金额", "本位币价税合计", "本币", "折前金额", "原币折前金额"]
    assert [books_plain(normalise(n)) for n in names] == [
        "折前金额", "价税合计", None, None, None,
    ]  # fmt: skip


def test_books_currency_money_beside_a_mixed_currency_column_is_one_currency(tmp_path: Path) -> None:
    path = _export(tmp_path)
    ds = load_dataset(path, mapping=propose_mapping(path).mapping())
    revenue = ds["order_lines"].eval("quantity * unit_price").sum()
    assert revenue == pytest.approx(2100 * 7 + 1200 * 7 + 1650 * 8)  # 36,300 yuan: the 本币 column as it stands
    assert ds["orders"].groupby("region")["amount"].sum().to_dict() == pytest.approx(
        {"美东销售组织": 14700.0, "美西销售组织": 8400.0, "德北销售组织": 8000.0, "德南销售组织": 5200.0}
    )
    lines = ds["order_lines"].set_index(["order_id", "product_id"])
    assert lines.loc[("9603", "PUMP1000"), "list_price"] == pytest.approx(150 * 8 / 0.8 / 20)  # 75 yuan, not euros
    said = [w.text("zh") for w in ds.warnings if "本币" in w.text("zh")]
    books = "但金额取自本币列（本币无税金额, 本币折前金额），已是一种货币，不按 币种 换算"
    assert said == [f"销售订单明细.csv：币种 列有 EUR 3 行, USD 3 行，{books}"]


def test_declared_rates_never_convert_books_currency_money_twice(tmp_path: Path) -> None:
    path = _export(tmp_path)
    mapping = propose_mapping(path).mapping()
    mapping["currency"] = {"column": "币种", "base": "CNY", "rates": {"USD": 7.0, "EUR": 8.0}}
    ds = load_dataset(path, mapping=mapping)
    assert ds["order_lines"].eval("quantity * unit_price").sum() == pytest.approx(36300.0)


def test_document_currency_money_is_still_refused_as_mixed(tmp_path: Path) -> None:
    path = _export(tmp_path)
    mapping = propose_mapping(path).mapping()
    mapping["columns"]["orders"]["amount"] = "原币无税金额"
    mapping["columns"]["order_lines"]["unit_price"] = "=[原币无税金额] / [数量]"
    with pytest.raises(DataValidationError, match="2 currencies"):
        load_dataset(path, mapping=mapping)


def test_books_money_reads_plain_and_computed_columns() -> None:
    names = load_mapping(
        {
            "columns": {
                "orders": {"order_id": "单号", "amount": "本币价税合计"},
                "order_lines": {"unit_price": "=[本位币金额] / [数量]", "unit_cost": "成本"},
            }
        }
    )
    assert books_money(names, ["orders"]) == "本币价税合计"
    assert books_money(names, ["order_lines"]) == ""  # 成本 is in the row's currency
    in_file = ["本币价税合计", "本位币金额", "数量"]  # 成本 read from another file
    assert books_money(names, ["orders", "order_lines"], in_file) == "本币价税合计, 本位币金额"
    assert books_money(load_mapping({"columns": {"orders": {"amount": "Amount in Local Currency"}}}), ["orders"])
    assert not books_money(load_mapping({"columns": {"orders": {"order_id": "单号"}}}), ["orders"])  # no money
