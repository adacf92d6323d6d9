"""``salesnb map`` takes the state or province an order ships to as the region when no column is named a region.

A Wayfair seller's export has ``Ship To State`` (CA, TX, NY) and no sales region: ``map`` proposed none, and
the market angle had no regions. A sales region (区域, 大区, 销售区域) still wins over the ship-to place.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.data.column_words import says_ship_to_place
from salesnb.data.loading import load_dataset
from salesnb.data.propose import propose_mapping


def _proposed(tmp_path: Path, text: str) -> dict:
    (tmp_path / "sheet.csv").write_text(text, encoding="utf-8")
    return propose_mapping(tmp_path / "sheet.csv").mapping()


WAYFAIR = (
    "PO Number,PO Date,Ship To Name,Ship To City,Ship To State,Item Number,Quantity,Wholesale Price\n"
    "CS1,08/29/2022,Ann Lee,Ontario,CA,A1,1,10.00\n"
    "CS2,08/30/2022,Bob Ray,Austin,TX,B2,2,20.00\n"
    "CS3,09/01/2022,Cy Poe,Albany,NY,A1,1,10.00\n"
    "CS4,09/02/2022,Ann Lee,Ontario,CA,C3,3,30.00\n"
)


def test_a_ship_to_state_is_the_region_of_a_seller_export(tmp_path: Path) -> None:
    mapping = _proposed(tmp_path, WAYFAIR)
    assert mapping["columns"]["orders"]["region"] == "Ship To State"
    ds = load_dataset(tmp_path / "sheet.csv", mapping=mapping)
    by_region = ds["orders"].groupby("region")["order_id"].count().to_dict()
    assert by_region == {"CA": 2, "NY": 1, "TX": 1}


@pytest.mark.parametrize("name", ["收货省份", "收货地区", "收货人省份", "收件省份", "省份", "省", "州"])
def test_a_chinese_ship_to_province_is_the_region(tmp_path: Path, name: str) -> None:
    # values that are no province of the place list (codes), so only the name can say it
    rows = "".join(f"D{n},2026-09-{n + 1:02d},客户{n % 2},{['GD', 'ZJ', 'GD'][n]},{10 * (n + 1)}\n" for n in range(3))
    mapping = _proposed(tmp_path, f"订单号,下单日期,客户名称,{name},金额\n{rows}")
    assert mapping["columns"]["orders"]["region"] == name


def test_a_sales_region_wins_over_the_ship_to_province(tmp_path: Path) -> None:
    text = "订单号,下单日期,客户名称,收货省份,大区,金额\nD1,2026-09-01,甲,广东,华南,10\nD2,2026-09-02,乙,浙江,华东,20\n"
    assert _proposed(tmp_path, text)["columns"]["orders"]["region"] == "大区"
    text = "PO Number,PO Date,Ship To State,Sales Region,Amount\nA,2026-09-01,CA,West,10\nB,2026-09-02,NY,East,20\n"
    assert _proposed(tmp_path, text)["columns"]["orders"]["region"] == "Sales Region"


def test_a_ship_to_province_wins_over_a_city(tmp_path: Path) -> None:
    # 收货城市 is a region synonym, found before the words of 收货人省份 are read: the province is the coarser region
    text = "订单号,下单日期,收货城市,收货人省份,金额\nD1,2026-09-01,杭州,ZJ,10\nD2,2026-09-02,宁波,ZJ,20\n"
    assert _proposed(tmp_path, text)["columns"]["orders"]["region"] == "收货人省份"
    alone = "订单号,下单日期,收货城市,金额\nD1,2026-09-01,杭州,10\nD2,2026-09-02,宁波,20\n"
    assert _proposed(tmp_path, alone)["columns"]["orders"]["region"] == "收货城市"  # no province: still the city


def test_only_a_ship_to_or_buyer_place_says_a_region() -> None:
    said = ["Ship To State", "ShipState", "SHIPTOSTATE", "shipping_province", "Buyer State", "收货人省份", "配送省市"]
    assert [n for n in said if not says_ship_to_place(n)] == []
    unsaid = ["Order State", "State", "Membership State", "Ship To City", "所在省份", "节省"]
    assert [n for n in unsaid if says_ship_to_place(n)] == []


@pytest.mark.parametrize("name", ["州/省", "省/州", "State/Province", "Province / State"])
def test_a_state_or_province_column_wins_over_a_city(tmp_path: Path, name: str) -> None:
    # an international chain's export: 城市 beside 州/省 and no 大区. Portland is a city of two states: by city its
    # 3 orders made one region; the state or province column splits them as the states do
    text = (
        f"订单编号,订单日期,城市,{name},金额\n"
        "1,2019/12/1 9:05,波特兰,俄勒冈州,10\n2,2019/12/2 9:10,波特兰,缅因州,20\n"
        "3,2019/12/3 9:15,波特兰,俄勒冈州,30\n4,2019/12/4 9:20,达拉斯,得克萨斯州,40\n"
    )
    mapping = _proposed(tmp_path, text)
    assert mapping["columns"]["orders"]["region"] == name
    ds = load_dataset(tmp_path / "sheet.csv", mapping=mapping)
    assert ds["orders"].groupby("region")["amount"].sum().to_dict() == {"俄勒冈州": 40, "缅因州": 20, "得克萨斯州": 40}
    alone = f"订单编号,订单日期,{name},金额\n1,2019/12/1 9:05,俄勒冈州,10\n2,2019/12/2 9:10,缅因州,20\n"
    assert _proposed(tmp_path, alone)["columns"]["orders"]["region"] == name  # without a city too
