"""The product-line decline's family: lines that could never be reported do not dilute the ones that can."""

import pytest
from foreign_world import foreign_world
from scipy import stats
from tiny import write_tiny

from product.helpers import build, line, report
from salesnb import product


def _south_with_rare_lines(tmp_path, b_orders: int) -> str:
    """华南 as in the tiny dataset (A线 12 orders a month, B线 8, C线 8) plus D线 and E线, one order line each a
    month (every month, October too), and B线 in only ``b_orders`` of its 8 orders in 2026-10."""
    tables = build()
    tables["products"] += [
        {"product_id": "P5", "product_name": "戊", "product_line": "D线", "launch_date": "2024-01-01",
         "list_price": 30, "unit_cost": 10},
        {"product_id": "P6", "product_name": "己", "product_line": "E线", "launch_date": "2024-01-01",
         "list_price": 30, "unit_cost": 10},
    ]  # fmt: skip
    for order in [o["order_id"] for o in tables["orders"] if o["order_id"].startswith("OS")]:
        if order.endswith("11"):
            tables["order_lines"].append(line(order, "P5", 1, 30, 30, 10))
        if order.endswith("10"):
            tables["order_lines"].append(line(order, "P6", 1, 30, 30, 10))
    dropped = {f"OS10{k:02d}" for k in range(b_orders, 8)}
    tables["order_lines"] = [
        row for row in tables["order_lines"] if not (row["order_id"] in dropped and row["product_id"] == "P2")
    ]
    return write_tiny(tmp_path / f"rare{b_orders}", tables=tables)


def test_a_line_of_one_order_a_month_cannot_be_reported_and_leaves_the_family(tmp_path):
    """B线 sells 3 of its usual 8 orders (−62.5 %). Its share of the others (22 orders a month, 132 in the six
    months before) makes the month's 51 orders of B线 each this month's with chance 22/154 = 1/7: p =
    P(Binomial(51, 1/7) ≤ 3) = 0.054 (the count alone, Poisson(8) ≤ 3, 0.042; its revenue, orders all alike,
    the same count doubled, 0.085). D线 and E线 sell one order a month: even a month without any is a 1-in-2.5
    chance (share test: (6/7)^6 = 0.397; Poisson(1) at 0: 0.368), above the region's indicative 0.2 — they can
    never be reported, so the family is A线, B线, C线 (Tarone): q = 3p = 0.163 < 0.2, reported at medium
    (on main the five lines made q = 5p = 0.27: silent)."""
    frame = product.decline_check(report(_south_with_rare_lines(tmp_path, 3), "华南")).set_index("product_line")
    b = frame.loc["B线"]
    p = stats.binom.cdf(3, 51, 1 / 7)
    assert p == pytest.approx(0.0544, abs=1e-4) and 5 * p > 0.2 > 3 * p
    assert b["usual_orders"] == pytest.approx(8) and b["dispersion"] == 1
    assert b["change"] == pytest.approx(-0.625) and b["p_value"] == pytest.approx(p)
    assert b["q_value"] == pytest.approx(3 * p) and b["flagged"]
    assert not frame.drop(index="B线")["flagged"].any()
    (found,) = [
        f
        for f in product.angle_findings(report(_south_with_rare_lines(tmp_path, 3), "华南"))
        if f["code"] == "product_line_decline"
    ]
    assert found["segment"] == {"product_line": "B线"} and found["severity"] == "medium"  # indicated: q > fdr


def test_a_family_without_the_rare_lines_still_reads_a_one_in_eight_month_as_ordinary(tmp_path):
    """B线 at 4 of 8 orders: p = P(Binomial(52, 1/7) ≤ 4) = 0.118, q = 3p = 0.35 over A线, B线, C线: silent, as
    before the rare lines left the family; no line of the region is flagged."""
    frame = product.decline_check(report(_south_with_rare_lines(tmp_path, 4), "华南")).set_index("product_line")
    p = stats.binom.cdf(4, 52, 1 / 7)
    assert frame.loc["B线", "p_value"] == pytest.approx(p) and frame.loc["B线", "q_value"] == pytest.approx(3 * p)
    assert not frame["flagged"].any()


def test_a_foreign_line_a_third_down_among_lines_that_never_sell_is_reported(tmp_path):
    """The foreign benchmark's seed 77 #052 (world 866338): 安徽 2026-04, 工业耗材 planted 33 % down (6 orders
    where 13.1 are usual; p 0.029). Of the region's eight lines 医疗耗材 (0.07 orders a month) and 智能门锁 (1.0)
    cannot be reported whatever they sell (a month without an order is no rarer than 1 in 3 for them): the family
    is six, q = 6p = 0.173 < 0.2 (on main q = 8p = 0.231: silent). The same world without the plant flags no
    line."""
    planted = foreign_world(tmp_path, 77, 52, True)
    frame = product.decline_check(report(planted, "安徽", "2026-04")).set_index("product_line")
    row = frame.loc["工业耗材"]
    assert row["orders"] == 6 and row["usual_orders"] == pytest.approx(13.06, abs=0.01)
    assert row["change"] == pytest.approx(-0.386, abs=0.001) and row["p_value"] == pytest.approx(0.0289, abs=1e-4)
    assert row["q_value"] == pytest.approx(6 * row["p_value"]) and row["flagged"]
    assert frame.loc[["医疗耗材", "智能门锁"], "q_value"].eq(1.0).all()  # fired (−100 %), out of the family
    assert list(frame.index[frame["flagged"]]) == ["工业耗材"]
    clean = product.decline_check(report(foreign_world(tmp_path, 77, 52, False), "安徽", "2026-04"))
    assert not clean["flagged"].any()
