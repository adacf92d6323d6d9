"""validate says how many orders no region claims: the company's report counts them, no region's report does."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.data.loading import load_dataset
from salesnb.data.summary import format_summary, summarize


def _folder(tmp_path: Path, regions: list[str]) -> str:
    """Four orders of 100, 200, 300 and 400; the third and fourth customers' region cells as given."""
    orders = pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3", "O4"],
            "customer_id": ["C1", "C2", "C3", "C4"],
            "order_date": ["2026-09-03", "2026-09-10", "2026-09-17", "2026-09-30"],
            "region": ["华东", "华南", *regions],
            "amount": [100, 200, 300, 400],
        }
    )
    orders.to_csv(tmp_path / "orders.csv", index=False)
    return str(tmp_path)


def test_validate_names_the_orders_without_a_region(tmp_path: Path) -> None:
    """O3 and O4 have no region of their own and no customer or rep to lend one: 2 orders, 700 of 1,000."""
    summary = summarize(load_dataset(_folder(tmp_path, ["", ""])))
    assert summary["regions"] == ["华东", "华南"]
    assert summary["unregioned_orders"] == {"orders": 2, "share": 0.7}
    text = format_summary(summary)
    assert "! orders.region：2 笔订单（销售额的 70.0%）没有区域" in text
    assert "各区域的报告相加少这些订单" in text
    english = format_summary(summary, "en")
    assert "! orders.region: 2 orders (70.0% of revenue) have no region" in english


def test_no_line_when_every_order_has_a_region(tmp_path: Path) -> None:
    """Every order in a region: nothing to say."""
    whole = summarize(load_dataset(_folder(tmp_path, ["华东", "华南"])))
    assert whole["unregioned_orders"] is None
    assert "没有区域" not in format_summary(whole)
