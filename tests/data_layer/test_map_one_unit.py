"""A sheet selling one thing a row (a dealer's 汽车销售台账): the price is the sale, the model the product.

The Kaggle car sales sheet exported as a Chinese dealer group's ledger (销售单号, 销售日期, 客户姓名, 品牌, 车型,
成交价（元）, 联系电话): ``map`` found no amount (成交价 is a unit price and there is no quantity), wrote a draft
offering 年收入 and 联系电话 as the amount, and left 品牌 and 车型 unused.
"""

from __future__ import annotations

from pathlib import Path

from salesnb.data.draft import amounts
from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.propose import propose_mapping

LEDGER = (
    "销售单号,销售日期,客户姓名,品牌,车型,成交价（元）,联系电话\n"
    'C1,2023/1/2,Emma,Ford,Expedition,"26,000.00",8264678\n'
    'C2,2023/1/2,Gia,Dodge,Durango,"19,000.00",6848189\n'
    'C3,2023/1/9,Emma,Ford,Mustang,"31,500.00",7298798\n'
    'C4,2023/2/3,Noah,BMW,M5,"45,000.50",6211420\n'
)


def test_a_price_a_row_is_the_sale_and_the_model_and_brand_its_product(tmp_path: Path) -> None:
    (tmp_path / "台账.csv").write_text(LEDGER, encoding="gb18030")
    proposal = propose_mapping(tmp_path / "台账.csv")
    columns = proposal.mapping()["columns"]
    assert columns["orders"]["amount"] == "成交价（元）"
    assert columns["order_lines"] == {
        "order_id": "销售单号",
        "product_id": "车型",
        "quantity": "=1",
        "unit_price": "成交价（元）",
    }
    assert columns["products"] == {"product_id": "车型", "product_line": "品牌"}
    assert proposal.one_unit == ["台账.csv"]  # said once, though orders and lines both read it
    ds = load_dataset(tmp_path / "台账.csv", mapping=proposal.mapping())
    assert float(ds["orders"]["amount"].sum()) == 121_500.5
    lines = ds["order_lines"]
    assert float((lines["quantity"] * lines["unit_price"]).sum()) == 121_500.5
    assert ds["products"].set_index("product_id")["product_line"].to_dict()["Mustang"] == "Ford"


def test_a_price_a_row_without_a_product_still_prices_the_orders(tmp_path: Path) -> None:
    """No product column: no order lines, and the orders' amount is the price (an order of two rows adds them)."""
    text = "销售单号,销售日期,客户姓名,成交价\nA,2023/1/2,甲,100\nA,2023/1/2,甲,50\nB,2023/1/3,乙,70\n"
    (tmp_path / "台账.csv").write_text(text, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "台账.csv")
    assert proposal.columns["orders"]["amount"] == "成交价" and "order_lines" not in proposal.columns
    assert not proposal.unpriced()
    said = "\n".join(describe(proposal, "en"))
    assert "台账.csv has no quantity column: each row is read as one unit at its price" in said
    orders = load_dataset(tmp_path / "台账.csv", mapping=proposal.mapping())["orders"].set_index("order_id")
    assert orders["amount"].to_dict() == {"A": 150, "B": 70}


def test_a_phone_or_an_income_column_is_never_offered_as_the_amount() -> None:
    """A draft without an amount offered 联系电话 (a number on every row) as the orders' amount."""
    import pandas as pd

    sample = pd.DataFrame({"联系电话": ["8264678", "6848189"], "会员卡号": ["1001", "1002"], "实收": ["12.5", "9"]})
    assert amounts(sample, {}) == ["实收"]


NAMESAKES = (
    "销售单号,销售日期,客户姓名,车型,成交价,联系电话\n"
    "C1,2023/1/2,Emma,Expedition,100,8264678\n"
    "C2,2023/1/5,Emma,Durango,200,6848189\n"
    "C3,2023/2/9,Emma,Mustang,300,8264678\n"  # the first Emma again: her second car
    "C4,2023/2/3,Noah,M5,400,6211420\n"
    "C5,2023/3/3,Noah,M3,500,7000001\n"
    "C6,2023/3/4,Gia,M3,600,7000002\n"
)


def test_a_name_of_several_phones_is_several_buyers(tmp_path: Path) -> None:
    """Read by name, the three Emmas were one customer buying three cars; by name and phone two buyers, one twice."""
    (tmp_path / "台账.csv").write_text(NAMESAKES, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "台账.csv")
    columns = proposal.mapping()["columns"]
    assert columns["orders"]["customer_id"] == {"per": ["客户姓名", "联系电话"]}
    assert columns["customers"]["customer_name"] == "客户姓名"
    assert "联系电话" not in proposal.unused["台账.csv"]
    said = "\n".join(describe(proposal, "en"))
    assert "on 100% of the rows of repeated names one 客户姓名 carries several 联系电话 values" in said
    ds = load_dataset(tmp_path / "台账.csv", mapping=proposal.mapping())
    orders = ds["orders"].set_index("order_id")["customer_id"]
    assert orders["C1"] == orders["C3"] != orders["C2"] and orders["C4"] != orders["C5"]
    assert ds["customers"]["customer_id"].nunique() == 5
    assert ds["customers"]["customer_name"].tolist().count("Emma") == 2


def test_a_name_of_one_phone_or_an_organisation_stays_the_customer(tmp_path: Path) -> None:
    """A member bought twice with one phone; a company's orders come from several staff phones: one buyer each."""
    members = "单号,日期,客户姓名,金额,手机号\n1,2023/1/2,张伟,10,138001\n2,2023/1/9,张伟,20,138001\n"
    members += "3,2023/1/9,李娜,5,139002\n"
    (tmp_path / "members.csv").write_text(members, encoding="utf-8")
    assert propose_mapping(tmp_path / "members.csv").mapping()["columns"]["orders"]["customer_id"] == "客户姓名"
    firms = (
        "单号,日期,客户姓名,金额,联系电话\n1,2023/1/2,华信有限公司,10,138001\n2,2023/1/9,华信有限公司,20,138002\n"
        "3,2023/1/9,康泰医院,5,139002\n4,2023/2/9,康泰医院,5,139003\n"
    )
    (tmp_path / "firms.csv").write_text(firms, encoding="utf-8")
    assert propose_mapping(tmp_path / "firms.csv").mapping()["columns"]["orders"]["customer_id"] == "客户姓名"


def test_buyers_known_by_phone_who_buy_once_are_told_so(tmp_path: Path) -> None:
    """100 cars to 100 buyers: validate's warning no longer asks for a phone column the ids are already made of."""
    rows = [f"C{k},2023/{k % 3 + 1}/5,{['Emma', 'Noah', 'Gia'][k % 3]},M{k % 4},100,{7000000 + k}" for k in range(100)]
    (tmp_path / "台账.csv").write_text(
        "销售单号,销售日期,客户姓名,车型,成交价,联系电话\n" + "\n".join(rows), encoding="utf-8"
    )
    ds = load_dataset(tmp_path / "台账.csv", mapping=propose_mapping(tmp_path / "台账.csv").mapping())
    assert [w.text("en") for w in ds.warnings] == [
        "orders.customer_id: the 100 orders (3 months) all have different buyers (known by 客户姓名 + 联系电话), none"
        " of whom ordered twice: true where each buyer buys once (cars, homes, large items); the reports count every"
        " buyer as new, repeat purchase and retention as 0 and every earlier buyer as lost, and cannot value"
        " customers. If one buyer uses several"
        " numbers, export a member or customer code"
    ]
