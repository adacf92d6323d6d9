"""Amounts in several currencies: refused as they are, converted into one with the mapping's rates."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.data.currency import currency_code
from salesnb.data.loading import load_dataset
from salesnb.data.mapping import load_mapping
from salesnb.errors import ConfigError, DataValidationError

REGISTER = (
    "订单号,客户,订单日期,产品名称,数量,单价,金额,货币\n"
    "A1,甲,2025-03-02,阀门,2,100,200,EUR\n"
    "A1,甲,2025-03-02,法兰,1,50,50,EUR\n"
    "A2,乙,2025-03-05,阀门,10,10,100,美元\n"
    "A3,丙,2025-03-09,阀门,1,300,300,人民币\n"
    "A4,丙,2025-03-11,法兰,3,20,60,\n"
)
FLAT = {"orders": "订单表", "order_lines": "订单表", "customers": "订单表", "products": "订单表"}
COLUMNS = {
    "orders": {"order_id": "订单号", "customer_id": "客户", "order_date": "订单日期", "amount": "金额"},
    "order_lines": {"order_id": "订单号", "product_id": "产品名称", "quantity": "数量", "unit_price": "单价"},
    "customers": {"customer_id": "客户"},
    "products": {"product_id": "产品名称"},
}


@pytest.fixture
def register(tmp_path: Path) -> Path:
    (tmp_path / "订单表.csv").write_text(REGISTER, encoding="utf-8")
    return tmp_path / "订单表.csv"


def test_several_currencies_without_rates_are_refused_naming_them_and_the_way_out(register: Path) -> None:
    with pytest.raises(DataValidationError) as caught:
        load_dataset(register, mapping={"tables": FLAT, "columns": COLUMNS})
    text = caught.value.text("zh")
    assert "货币 列有 3 种货币（EUR 2 行, CNY 1 行, USD 1 行）" in text
    assert "currency: {column: 货币, base: CNY, rates: {EUR: ?, USD: ?}}" in text


def test_rates_convert_every_money_column_before_orders_total_their_lines(register: Path) -> None:
    rates = {"column": "货币", "base": "CNY", "rates": {"EUR": 7.8, "usd": 7.2}}
    ds = load_dataset(register, mapping={"tables": FLAT, "columns": COLUMNS, "currency": rates})
    orders = ds["orders"].set_index("order_id")["amount"]
    assert orders.to_dict() == pytest.approx({"A1": 250 * 7.8, "A2": 100 * 7.2, "A3": 300.0, "A4": 60.0})  # A4: none
    prices = ds["order_lines"].set_index(["order_id", "product_id"])["unit_price"]
    assert prices[("A1", "阀门")] == pytest.approx(780.0) and prices[("A2", "阀门")] == pytest.approx(72.0)
    assert any("把 EUR 2 行, USD 1 行 的金额换算成 CNY" in w.text("zh") for w in ds.warnings)


def test_a_currency_without_its_rate_is_a_problem(register: Path) -> None:
    rates = {"column": "货币", "base": "CNY", "rates": {"EUR": 7.8}}
    with pytest.raises(DataValidationError, match="USD 1 rows"):
        load_dataset(register, mapping={"tables": FLAT, "columns": COLUMNS, "currency": rates})


def test_currencies_the_mapping_excludes_are_no_problem(register: Path) -> None:
    exclude = {"orders": {"货币": ["EUR", "美元"]}}  # as the file writes them
    ds = load_dataset(register, mapping={"tables": FLAT, "columns": COLUMNS, "exclude": exclude})
    assert sorted(ds["orders"]["order_id"]) == ["A3", "A4"] and ds["orders"]["amount"].sum() == 360


def test_one_currency_says_nothing(tmp_path: Path) -> None:
    (tmp_path / "订单表.csv").write_text(REGISTER.replace("EUR", "CNY").replace("美元", "RMB"), encoding="utf-8")
    ds = load_dataset(tmp_path / "订单表.csv", mapping={"tables": FLAT, "columns": COLUMNS})
    assert ds["orders"]["amount"].sum() == 710 and not any("货币" in w.text("zh") for w in ds.warnings)


def test_currency_codes_and_the_mapping_section() -> None:
    assert [currency_code(v) for v in ["人民币", " rmb ", "¥", "美金", "US$", "欧元", "chf", None]] == [
        "CNY", "CNY", "CNY", "USD", "USD", "EUR", "CHF", None,
    ]  # fmt: skip
    read = load_mapping({"currency": {"column": "币种", "base": "人民币", "rates": {"美元": "7.1"}}}).currency
    assert read == {"column": "币种", "base": "CNY", "rates": {"USD": 7.1}}
    for bad in [{"base": "CNY"}, {"base": "CNY", "rates": {"USD": 0}}, {"base": "CNY", "rates": {"USD": "x"}}, "CNY"]:
        with pytest.raises(ConfigError, match="currency"):
            load_mapping({"currency": bad})


def test_a_report_says_its_amounts_were_converted_and_at_which_rates(register: Path) -> None:
    from salesnb.report import open_report

    mapping = {"tables": FLAT, "columns": COLUMNS, "currency": {"column": "货币", "base": "CNY", "rates": {"EUR": 7.8}}}
    mapping["currency"]["rates"]["USD"] = 7.2
    ds = load_dataset(register, mapping=mapping)
    report = open_report(dataset=ds, period="2025-03", region="ALL")
    assert "ℹ 金额按映射的汇率换算成 CNY（1 EUR = 7.8 CNY, 1 USD = 7.2 CNY）" in report._repr_markdown_()


TWO_FILES = {
    "orders": {"order_id": "订单号", "customer_id": "客户", "order_date": "订单日期"},
    "order_lines": {"order_id": "订单号", "product_id": "产品", "quantity": "数量", "unit_price": "单价"},
}


def _two_files(folder: Path) -> Path:
    """Orders naming their currency (币种), and their lines in a file of their own without it."""
    (folder / "orders.csv").write_text(
        "订单号,客户,订单日期,币种\nA1,甲,2025-01-05,EUR\nA2,乙,2025-01-09,CNY\nA3,甲,2025-02-03,USD\nA4,乙,2025-02-04,\n",
        encoding="utf-8",
    )
    (folder / "order_lines.csv").write_text(
        "订单号,产品,数量,单价\nA1,P1,2,100\nA2,P1,1,500\nA3,P2,3,10\nA3,P1,1,20\nA4,P2,1,40\n", encoding="utf-8"
    )
    return folder


def test_lines_without_a_currency_of_their_own_take_their_orders(tmp_path: Path) -> None:
    """The orders were converted and the warning said so, but revenue (from the lines) stayed in EUR and USD."""
    from salesnb.data import facts

    rates = {"column": "币种", "base": "CNY", "rates": {"EUR": 8, "USD": 7}}
    ds = load_dataset(_two_files(tmp_path), mapping={"columns": TWO_FILES, "currency": rates})
    revenue = facts.order_facts(ds).set_index("order_id")["revenue"].to_dict()
    assert revenue == pytest.approx({"A1": 1600.0, "A2": 500.0, "A3": 350.0, "A4": 40.0})  # A3: (30 + 20) × 7


def test_a_currency_column_is_never_streamed_past_its_check(tmp_path: Path) -> None:
    """A large folder went through the streamed ingest, which neither refused mixed currencies nor converted them."""
    from salesnb.data import ingest

    (tmp_path / "data").mkdir()
    data = _two_files(tmp_path / "data")
    mapping = tmp_path / "mapping.yaml"
    import yaml

    mapping.write_text(yaml.safe_dump({"columns": TWO_FILES}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataValidationError, match="币种"):
        ingest.ingest(data, mapping, "sig", tmp_path / "store", stream_bytes=0)
