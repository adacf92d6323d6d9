"""客户终身价值 and 高价值客户流失风险 in a partial month: the observation ends where the data ends."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report import write_partial_month

from salesnb import market
from salesnb.report import open_report


def test_a_partial_month_observes_purchases_up_to_the_data_end(tmp_path: Path) -> None:
    """The data ends on 2026-10-09. C0 bought on 2025-09-01 and on day 1 of every month since, last 2026-10-01.

    Its T runs from the first purchase to 10 October: 404 days = 57.714 weeks, its recency 395 days = 56.429
    weeks; to 1 November T would be 426 days, three weeks of silence the data cannot have seen, and a regular
    buyer would look lost. C8 bought on the last day of the data: 1 day since, not 23.
    """
    report = open_report(write_partial_month(tmp_path / "p"), "2026-10")
    frame = market.clv_frame(report).set_index("customer_id")
    assert frame.loc["C0", "T"] == pytest.approx(404 / 7)
    assert frame.loc["C0", "recency"] == pytest.approx(395 / 7)
    assert frame.loc["C8", "T"] - frame.loc["C8", "recency"] == pytest.approx(1 / 7)
    # every customer bought monthly up to its day of October or September: none is likely lost
    assert frame["p_alive"].min() > 0.5
    assert market.clv_at_risk_frame(report).empty


def test_a_regions_customers_are_valued_on_their_orders_in_every_region(tmp_path: Path) -> None:
    """The region is the order's: C0..C5 buy on the 5th of every month, in 华东 one month and 华南 the next.

    In 华南's report each keeps its 12 purchases (frequency 11, 12 × 100 spent), not the 6 it made in 华南 — on
    those alone a buyer of every month looks silent half the time. C9 never bought in 华南: not its customer.
    """
    import pandas as pd

    months = [str(m) for m in pd.period_range("2025-11", "2026-10", freq="M")]
    orders = [
        {"order_id": f"{c}-{m}", "customer_id": c, "order_date": f"{m}-05", "amount": 100,
         "region": "华东" if int(m[5:]) % 2 == 0 else "华南"}
        for c in ("C0", "C1", "C2", "C3", "C4", "C5") for m in months
    ]  # fmt: skip
    orders += [{"order_id": f"C9-{k}", "customer_id": "C9", "order_date": f"2026-0{k}-05", "amount": 50,
                "region": "华东"} for k in (2, 4)]  # fmt: skip
    pd.DataFrame(orders).to_csv(tmp_path / "orders.csv", index=False)
    south = open_report(str(tmp_path), "2026-10", "华南")
    frame = market.clv_frame(south).set_index("customer_id")
    assert sorted(frame.index) == ["C0", "C1", "C2", "C3", "C4", "C5"]
    assert frame["frequency"].tolist() == [11] * 6 and frame["total_value"].tolist() == [1200.0] * 6
    assert "也在其他区域下单" in market.clv_panel(south).note
    assert "也在其他区域下单" not in market.clv_panel(open_report(str(tmp_path), "2026-10", "ALL")).note
