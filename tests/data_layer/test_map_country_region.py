"""A city beside a country spanning many (Chinook exported as one Chinese sheet): the country is the region."""

from __future__ import annotations

from pathlib import Path

import yaml

from salesnb.cli import main

HEADER = "订单号,下单日期,客户编号,国家,城市,金额（美元）\n"


def _proposed(tmp_path: Path, rows: list[tuple[str, str]], name: str) -> dict:
    text = HEADER + "".join(f"{n},2026/10/{1 + n % 28},{n},{country},{city},{n + 1}.98\n"
                            for n, (country, city) in enumerate(rows))  # fmt: skip
    (tmp_path / f"{name}.csv").write_text(text, encoding="gb18030")
    assert main(["map", "--data", str(tmp_path / f"{name}.csv"), "--out", str(tmp_path / f"{name}.yaml")]) == 0
    return yaml.safe_load((tmp_path / f"{name}.yaml").read_text(encoding="utf-8"))


def test_a_city_gives_way_to_countries_the_orders_span(tmp_path: Path) -> None:
    # 3 countries, 12 cities of one customer each: the largest country holds 6 of 12 rows (50 %, under 80 %)
    cities = {"美国": ["Boston", "Chicago", "Reno", "Tucson", "Orlando", "Madison"], "法国": ["Paris", "Lyon", "Dijon"],
              "巴西": ["São Paulo", "Rio de Janeiro", "Brasília"]}  # fmt: skip
    rows = [(country, city) for country, names in cities.items() for city in names]
    columns = _proposed(tmp_path, rows, "export")["columns"]
    assert columns["orders"]["region"] == "国家" and columns["customers"]["region"] == "国家"


def test_a_domestic_export_keeps_its_cities(tmp_path: Path) -> None:
    # 中国 on 9 rows of 10 (90 %): one country is no split; the city stays the region
    rows = [("中国", city) for city in ["杭州", "宁波", "苏州", "南京", "上海", "广州", "深圳", "成都", "武汉"]]
    columns = _proposed(tmp_path, [*rows, ("新加坡", "新加坡")], "domestic")["columns"]
    assert columns["orders"]["region"] == "城市"
