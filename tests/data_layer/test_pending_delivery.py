"""A flat export's order with a line not yet received is not delivered (derive._latest)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from salesnb.data.derive import _latest
from salesnb.data.loading import load_dataset

HEADER = "订单编号,客户编号,下单日期,产品ID,数量,单价,要货日期,签收日期\n"
MAPPING = {
    "columns": {
        "orders": {"order_id": "订单编号", "customer_id": "客户编号", "order_date": "下单日期",
                   "promised_at": "要货日期", "delivered_at": "签收日期"},
        "order_lines": {"order_id": "订单编号", "product_id": "产品ID", "quantity": "数量", "unit_price": "单价"},
    },
    "tables": {"orders": "s", "order_lines": "s"},
}  # fmt: skip


def test_a_line_not_received_leaves_its_order_undelivered(tmp_path: Path) -> None:
    """A1: both lines received (latest 10-09); A2: one received 10-04, one not yet: no delivery, not on time."""
    (tmp_path / "s.csv").write_text(
        HEADER + "A1,C1,2026-10-01,P1,1,10,2026-10-05,2026-10-04\nA1,C1,2026-10-01,P2,1,10,2026-10-05,2026-10-09\n"
        "A2,C2,2026-10-02,P1,1,10,2026-10-06,2026-10-04\nA2,C2,2026-10-02,P2,1,10,2026-10-06,\n"
        "A3,C3,2026-10-03,P1,1,10,2026-10-07,\n",
        encoding="utf-8",
    )
    delivered = load_dataset(tmp_path / "s.csv", mapping=MAPPING)["orders"].set_index("order_id")["delivered_at"]
    assert delivered["A1"] == pd.Timestamp("2026-10-09")
    assert pd.isna(delivered["A2"]) and pd.isna(delivered["A3"])


def test_a_date_written_on_the_first_line_only_is_the_orders() -> None:
    """Three orders of two lines dated on their first line only: the date is the order's, not a pending line."""
    codes = np.array([0, 0, 1, 1, 2, 2])
    values = pd.Series(pd.to_datetime(["2026-10-04", None, "2026-10-05", None, "2026-10-06", "2026-10-08"]))
    latest = _latest(codes, 3, values, pending=True)
    assert list(pd.to_datetime(latest)) == [pd.Timestamp("2026-10-04"), pd.Timestamp("2026-10-05"),
                                            pd.Timestamp("2026-10-08")]  # fmt: skip


def test_line_dates_with_one_pending_order() -> None:
    """Dated on every line but one order's second line: that order has no delivery; a promise keeps the latest."""
    codes = np.array([0, 0, 1, 1, 2])
    values = pd.Series(pd.to_datetime(["2026-10-04", "2026-10-06", "2026-10-05", None, None]))
    delivered = pd.to_datetime(_latest(codes, 3, values, pending=True))
    assert delivered[0] == pd.Timestamp("2026-10-06") and pd.isna(delivered[1]) and pd.isna(delivered[2])
    promised = pd.to_datetime(_latest(codes, 3, values, pending=False))
    assert promised[1] == pd.Timestamp("2026-10-05")
