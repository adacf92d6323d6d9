"""Where a month's lapsed customers last bought: a store's collapse explains the churn it brings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb import causes
from salesnb.findings import explained_text
from salesnb.lapsed import excess_lapsed
from salesnb.report import open_report
from tests.test_causes import made

MONTHS = [str(m) for m in pd.period_range("2025-11", "2026-10", freq="M")]


def _world(folder: Path, lapsed: dict[str, int]) -> Path:
    """60 customers of 华东 buying every month, 30 always in store A and 30 in B; in 2026-10 ``lapsed[s]`` of the
    customers of store ``s`` do not come back."""
    folder.mkdir()
    customers = [(f"C{n:02d}", "A" if n < 30 else "B") for n in range(60)]
    rows = []
    for month in MONTHS:
        for n, (customer, store) in enumerate(customers):
            if month == MONTHS[-1] and n % 30 < lapsed.get(store, 0):
                continue
            rows.append((f"O{len(rows):05d}", customer, f"{month}-{n % 27 + 1:02d}", "华东", store, 100.0))
    columns = ["order_id", "customer_id", "order_date", "region", "channel", "amount"]
    pd.DataFrame(rows, columns=columns).to_csv(folder / "orders.csv", index=False)
    pd.DataFrame({"customer_id": [c for c, _ in customers], "region": "华东"}).to_csv(
        folder / "customers.csv", index=False
    )
    return folder


def test_the_lapsed_customers_are_counted_by_the_store_they_last_bought_in(tmp_path: Path) -> None:
    report = open_report(str(_world(tmp_path / "w", {"A": 15})), "2026-10", "ALL")
    assert excess_lapsed(report, None, "channel", "A") == pytest.approx((15.0, 15.0))  # 30 × 100 % − 15 back
    assert excess_lapsed(report, "华东", "channel", "B") == pytest.approx((0.0, 15.0))
    assert excess_lapsed(report, None, "channel", "C") is None  # no such store


def test_a_store_collapse_heads_the_churn_it_brings_and_not_a_churn_spread_wider(tmp_path: Path) -> None:
    store = made("channel_underperform", {"channel": "A"}, 1500)
    churn = made("customer_churn_rise", {}, 1000)
    for lapsed, linked in (({"A": 10, "B": 10}, True), ({"A": 10, "B": 12}, False)):  # 10 of 20: most; 10 of 22
        report = open_report(str(_world(tmp_path / f"w{lapsed['B']}", lapsed)), "2026-10", "ALL")
        linked_churn = [f for f in causes.link(report, [store, churn]) if f["code"] == "customer_churn_rise"][0]
        assert (linked_churn["parent"] == store["id"]) is linked
        if linked:
            assert linked_churn["explained"] == {
                "match": "channel_lapsed", "by": "A", "part": 10.0, "whole": 20.0, "unit": "customers"
            }  # fmt: skip
            said = explained_text(linked_churn, "zh")
            assert said == "：本月比常态少回购约 20 个老客户，其中约 10 个（50%）上次在A购买"
