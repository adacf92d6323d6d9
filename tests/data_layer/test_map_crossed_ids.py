"""``salesnb map`` reads customers by name when the number beside the name does not identify them.

Adidas' US sales sheet carries ``Retailer ID`` 1185732 on rows of Foot Locker, Sports Direct, West Gear and
Amazon, and Foot Locker under three numbers: read as the customer id, four retailers were one customer.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb.data.crossed_ids import crossed_share
from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.propose import propose_mapping


def _pairs(*counted: tuple[str, str, int]) -> tuple[pd.Series, pd.Series]:
    rows = [(i, n) for i, n, times in counted for _ in range(times)]
    return pd.Series([i for i, _ in rows]), pd.Series([n for _, n in rows])


def test_rows_whose_id_has_several_names_and_name_several_ids_are_crossed() -> None:
    ids, names = _pairs(("1", "Foot", 4), ("1", "Sports", 4), ("2", "Foot", 4), ("2", "West", 4), ("3", "Amazon", 4))
    # crossed: (1, Foot) and (2, Foot): 8 of 20 rows; Sports, West and Amazon have one number each
    share, examples = crossed_share(ids, names)
    assert share == pytest.approx(8 / 20) and examples == ["1", "2"]


@pytest.mark.parametrize(
    "counted",
    [
        (("1", "甲公司", 10), ("1", "甲股份公司", 5), ("2", "乙公司", 10)),  # renamed: one id, two names of its own
        (("1", "张三", 10), ("2", "张三", 10), ("3", "李四", 5)),  # namesakes: one name, two ids of one name each
        (("1", "Foot Locker", 100), ("1", "Foot Lockr", 1), ("2", "Foot Locker", 100)),  # a typo (1 %), namesakes
        (("1", "Foot Locker", 10), ("1", "FOOT LOCKER ", 10), ("2", "West", 10)),  # one name written two ways
    ],
)
def test_renamed_customers_namesakes_and_typos_are_not_crossed(counted) -> None:
    assert crossed_share(*_pairs(*counted))[0] == 0.0


def _sheet(tmp_path: Path, ids: dict[str, list[str]]) -> Path:
    rows = ["客户编号,客户名称,下单日期,产品,数量,单价"]
    day = 0
    for name, numbers in ids.items():
        for number in numbers:
            day += 1
            rows.append(f"{number},{name},2026/9/{day},P{day % 3},1,100")
    (tmp_path / "销售明细.csv").write_text("\n".join(rows) + "\n", encoding="gb18030")
    return tmp_path / "销售明细.csv"


def test_a_number_several_retailers_share_is_left_out_and_customers_go_by_name(tmp_path: Path) -> None:
    path = _sheet(tmp_path, {"Foot Locker": ["11", "11", "22"], "Sports Direct": ["11", "11"], "West": ["22", "22"]})
    proposal = propose_mapping(path)
    assert proposal.columns["orders"]["customer_id"] == "客户名称"
    assert "客户编号" in proposal.unused["销售明细.csv"]
    said = "\n".join(describe(proposal, check=False))
    assert "客户编号 不能识别客户：" in said and "改按 客户名称 识别客户" in said
    ds = load_dataset(path, mapping=proposal.mapping())
    assert ds["orders"].groupby("customer_id").size().to_dict() == {"Foot Locker": 3, "Sports Direct": 2, "West": 2}


def test_a_real_customer_number_stays_the_id(tmp_path: Path) -> None:
    path = _sheet(tmp_path, {"Foot Locker": ["11", "11", "11"], "Sports Direct": ["22", "22"], "West": ["33"]})
    proposal = propose_mapping(path)
    assert proposal.columns["orders"]["customer_id"] == "客户编号" and not proposal.crossed


def test_a_sales_method_is_the_channel(tmp_path: Path) -> None:
    text = "订单号,下单日期,客户名称,销售方式,金额\nA,2026-09-01,甲,门店,10\n"
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    assert propose_mapping(tmp_path / "s.csv").mapping()["columns"]["orders"]["channel"] == "销售方式"
