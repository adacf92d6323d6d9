"""``salesnb map`` on an export that gives delivery as days after the order (DataCo: days scheduled / real)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.data.loading import load_dataset
from salesnb.data.match import match_columns
from salesnb.data.propose import propose_mapping

HEADER = "订单编号,订单日期,客户编号,商品编码,数量,金额,计划配送天数,实际配送天数\n"


def test_days_after_the_order_give_the_promised_and_delivered_dates(tmp_path: Path) -> None:
    """计划配送天数 / 实际配送天数 become order date + days: the delivery section has dates to compare."""
    export = tmp_path / "销售明细.csv"
    export.write_text(HEADER + "SO1,2017/12/5,C1,P1,1,100,2,3\nSO2,2017/12/30,C2,P1,2,200,4,1\n", encoding="gb18030")
    mapping = propose_mapping(export).mapping()
    orders = mapping["columns"]["orders"]
    assert orders["promised_at"] == "=[订单日期] + [计划配送天数]"
    assert orders["delivered_at"] == "=[订单日期] + [实际配送天数]"
    loaded = load_dataset(export, mapping=mapping)["orders"].sort_values("order_id")
    assert loaded["promised_at"].dt.strftime("%Y-%m-%d").tolist() == ["2017-12-07", "2018-01-03"]
    assert loaded["delivered_at"].dt.strftime("%Y-%m-%d").tolist() == ["2017-12-08", "2017-12-31"]  # SO1 a day late


def test_english_day_columns_and_a_date_column_of_its_own() -> None:
    """``Scheduled Delivery Days`` / ``Actual Delivery Days`` are days; a promised date column of its own wins."""
    columns = {
        "Order Id": ["1", "2"],
        "order date (DateOrders)": ["1/31/2018 22:56", "1/13/2018 12:27"],
        "Scheduled Delivery Days": ["4", "1"],
        "Actual Delivery Days": ["3", "5"],
    }
    found, _ = match_columns(pd.DataFrame(columns))
    assert (found["promised_days"], found["delivered_days"]) == ("Scheduled Delivery Days", "Actual Delivery Days")
    columns["约定交货日期"] = ["2/4/2018", "1/14/2018"]
    found, _ = match_columns(pd.DataFrame(columns))
    assert found["promised_at"] == "约定交货日期"


def test_text_in_a_days_column_is_not_a_duration() -> None:
    """A 计划配送天数 column of words (``两天内``) matches nothing: no date is computed from it."""
    found, _ = match_columns(pd.DataFrame({"订单日期": ["2017/12/5"], "计划配送天数": ["两天内"]}))
    assert "promised_days" not in found
