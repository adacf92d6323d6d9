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
