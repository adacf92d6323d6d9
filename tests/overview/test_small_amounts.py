"""A shop selling at a few currency units (a till, 0.99 tracks): the headline shows the cents.

The drivers' tiny dataset with every unit price a hundredth (target 300 → 3):

2026-09: O1 (P1 10 × 0.10, P2 5 × 0.20), O2 (P1 2 × 0.10)   → 2.20
2026-10: O3 (P1 12 × 0.11, P3 1 × 0.50), O4 (P2 3 × 0.20)   → 2.42, 2 orders, order value 1.21
"""

from __future__ import annotations

import pytest
from tiny import write_tiny

from overview.helpers import report, tables
from salesnb import overview
from salesnb.i18n import t


@pytest.fixture(scope="module")
def cents(tmp_path_factory):
    data = tables()
    data["order_lines"] = [{**row, "unit_price": row["unit_price"] / 100} for row in data["order_lines"]]
    data["targets"] = [{**row, "target_amount": row["target_amount"] / 100} for row in data["targets"]]
    return report(write_tiny(tmp_path_factory.mktemp("cents"), tables=data))


def test_headline_shows_small_amounts_with_their_cents(cents):
    m = overview.headline_metrics(cents)
    assert (m["revenue"], m["orders"], m["aov"]) == (pytest.approx(2.42), 2, pytest.approx(1.21))
    panel = overview.headline_panel(cents)
    shown = dict(zip(panel.table.iloc[:, 0], panel.table.iloc[:, 1], strict=True))
    assert shown[t("revenue", "zh")] == "2.42"
    assert shown[t("aov", "zh")] == "1.21"
    assert shown[t("target", "zh")] == "3"
