"""A product line's expectation: its share of the other lines weighed with its own month (shares.weighed_expected)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from tiny import write_tiny

from product.helpers import report
from salesnb import product, shares

MONTHS = [f"2026-{k:02d}" for k in range(1, 8)]


def test_a_rest_whose_lucky_month_never_foresaw_the_line_loses_its_weight():
    """The line sells 100, 100, 100, 90, 110, 100, 100; the rest 10 a month, 20 in June and July (span 3).

    The share yardstick expects 100 in April, 290/30 × 10 = 96.67 in May, 300/30 × 20 = 200 in June and
    300/40 × 20 = 150 in July; the line's own average month 100, 96.67, 100, 100. Their squared misses over April
    to June: 100 + 177.8 + 10,000 against 100 + 177.8 + 0, so the share keeps 277.8 / 10,555.6 = 1/38 of the
    weight: July expects 150/38 + 100 × 37/38 = 101.32, and the two part by 1/38 · ln(150/101.32)² + 37/38 ·
    ln(100/101.32)².
    """
    line = pd.DataFrame([[100, 100, 100, 90, 110, 100, 100]], columns=MONTHS, dtype=float)
    rest = pd.DataFrame([[10, 10, 10, 10, 10, 20, 20]], columns=MONTHS, dtype=float)
    expected, parted = shares.weighed_expected(line, rest, 3, 3, MONTHS[3:6])
    july = 3850 / 38
    assert expected.iloc[0, :3].isna().all() and expected.iloc[0, 3] == pytest.approx(100)
    assert expected.iloc[0, 6] == pytest.approx(july)
    assert parted.iloc[0, 6] == pytest.approx(np.log(150 / july) ** 2 / 38 + 37 / 38 * np.log(100 / july) ** 2)


def test_a_rest_that_foresaw_every_month_keeps_all_the_weight():
    """The line is ten times the rest every month before July (its season is theirs): the share yardstick never
    missed, its own average did, so July expects the share's 10 × 10 = 100 alone (the line sells 50) and nothing
    parts."""
    line = pd.DataFrame([[100, 200, 100, 100, 200, 100, 50]], columns=MONTHS, dtype=float)
    rest = pd.DataFrame([[10, 20, 10, 10, 20, 10, 10]], columns=MONTHS, dtype=float)
    expected, parted = shares.weighed_expected(line, rest, 3, 3, MONTHS[3:6])
    assert expected.iloc[0, 6] == pytest.approx(100) and parted.iloc[0, 6] == 0


def _dominant(tmp_path, main_orders: int, lucky: bool) -> str:
    """主力 sells 20 orders of 100 a month (2025-10..2026-10), 配件 6 orders of 10; in 2026-10 主力 sells
    ``main_orders`` and 配件, when ``lucky``, one more order of 60 (its month doubles to 120)."""
    months = [f"2025-{m:02d}" for m in (10, 11, 12)] + [f"2026-{m:02d}" for m in range(1, 11)]
    orders, lines = [], []

    def sell(order_id, month, product_id, price):
        orders.append({"order_id": order_id, "customer_id": "C1", "order_date": f"{month}-05"})
        lines.append({"order_id": order_id, "product_id": product_id, "quantity": 1, "unit_price": price})

    for month in months:
        for k in range(main_orders if month == "2026-10" else 20):
            sell(f"M{month}{k}", month, "P1", 100)
        for k in range(6):
            sell(f"A{month}{k}", month, "P2", 10)
    if lucky:
        sell("LUCKY", "2026-10", "P2", 60)
    orders.append({"order_id": "END", "customer_id": "C1", "order_date": "2026-10-31"})  # whole months
    lines.append({"order_id": "END", "product_id": "P1", "quantity": 1, "unit_price": 0})
    products = [{"product_id": "P1", "product_line": "主力"}, {"product_id": "P2", "product_line": "配件"}]
    tables = {"orders": orders, "order_lines": lines, "products": products}
    return write_tiny(tmp_path / f"d{main_orders}{lucky}", tables=tables)


def test_a_dominant_line_is_no_fall_in_a_lucky_month_of_its_small_sibling(tmp_path):
    """主力 sells its usual 2,000 while 配件's one large order doubles its month to 120.

    Against its share of 配件 (2,000 to 60 a month) 主力 "should" sell 4,000: a 50 % fall read from one order. Its
    own month (2,000) foresaw it as well as 配件 did over the year (neither missed), so the two weigh half each:
    3,000 (−33 %), and they part by ½ ln(4/3)² + ½ ln(2/3)² = 0.124 on the log scale — the revenue's reading
    widens by it, and 20 orders against 20/6 × 7 = 23.3 usual are an ordinary month: the rule fires (a third
    off), q = 2p over the two lines is far above any gate, no finding.
    """
    folder = _dominant(tmp_path, 20, lucky=True)
    row = product.decline_check(report(folder, "ALL")).set_index("product_line").loc["主力"]
    assert row["revenue"] == 2000 and row["expected"] == pytest.approx(3000)
    assert row["change"] == pytest.approx(-1 / 3) and row["usual_orders"] == pytest.approx(20 / 6 * 7)
    count = stats.poisson.cdf(20, 20 / 6 * 7)  # 0.287; the share's own error (share_drop) makes it 0.297
    assert row["p_value"] >= count and row["q_value"] == pytest.approx(2 * row["p_value"]) and not row["flagged"]
    assert product.lines.line_decline(report(folder, "ALL")) == []


def test_a_dominant_line_that_lost_most_of_its_orders_is_found(tmp_path):
    """主力 sells 6 of its 20 orders (600 against 2,000; 配件 as usual): both yardsticks expect 2,000 and agree,
    so the reading is the count's — P(N ≤ 6) for a Poisson(20) is about 1 in 4,000: a confirmed decline."""
    folder = _dominant(tmp_path, 6, lucky=False)
    row = product.decline_check(report(folder, "ALL")).set_index("product_line").loc["主力"]
    assert row["expected"] == pytest.approx(2000) and row["change"] == pytest.approx(-0.7)
    assert row["p_value"] == pytest.approx(stats.poisson.cdf(6, 20), rel=0.5) and bool(row["flagged"])
    (found,) = product.lines.line_decline(report(folder, "ALL"))
    assert found["segment"] == {"product_line": "主力"} and found["baseline"] == pytest.approx(2000)
