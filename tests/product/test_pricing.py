"""折扣与毛利, 价格变化与销量."""

import pytest
from tiny import write_tiny

from product.helpers import MONTHS, line, report
from salesnb import product
from salesnb.report import open_report


def test_discount_and_margin_hand_computed(folder):
    frame = product.discount_frame(report(folder)).set_index("product_line")
    # A线 in 华东 2026-10: 12 P1 lines at 30% off (140 paid of 200 each) and 2 P3 lines at 10% off (180 of 200):
    # depth = 1 − paid ÷ list (a revenue weight would say (12·140·0.3 + 2·180·0.1) ÷ 2040 = 26.5 %)
    expected = 1 - (12 * 140 + 2 * 180) / (14 * 200)
    assert frame.loc["A线", "discount"] == pytest.approx(expected)
    assert frame.loc["A线", "baseline_discount"] == pytest.approx(1 - (36 * 180 + 180) / (37 * 200))
    assert frame.loc["C线", "margin"] == pytest.approx(1 - 60 / 72)
    assert frame.loc["C线", "baseline_margin"] == pytest.approx(1 - 30 / 72)
    assert frame.loc["C线", "discount_change"] == pytest.approx(0.0)
    total = frame[frame["is_total"]].iloc[0]
    assert total["revenue"] == frame.loc[~frame["is_total"], "revenue"].sum()


def test_margin_erosion_alone(tmp_path):
    """A cost rise without any discount change is margin erosion (tiny frame, one line, one region)."""
    tables = {"products": [{"product_id": "P", "product_name": "件", "product_line": "L", "list_price": 10}],
              "customers": [{"customer_id": "C", "region": "华东"}], "orders": [], "order_lines": []}  # fmt: skip
    for month in MONTHS:
        for k in range(5):
            order = f"O{month[5:]}{k}"
            tables["orders"].append({"order_id": order, "customer_id": "C", "order_date": f"{month}-1{k}"})
            cost = 7.0 if month == "2026-10" else 4.0 + 0.1 * k
            tables["order_lines"].append(line(order, "P", 10, 9.0, 10, cost))
    r = open_report(str(write_tiny(tmp_path / "m", tables=tables)), "2026-10", "华东")
    check = product.price_check(r).iloc[0]
    assert check["margin"] == pytest.approx(1 - 7 / 9)
    assert check["baseline_margin"] == pytest.approx(1 - 4.2 / 9)
    assert check["like_for_like_baseline"] == pytest.approx(1 - 4.2 / 9)
    assert check["margin_flagged"] and not check["discount_flagged"]
    found = product.angle_findings(r)
    assert [f["code"] for f in found] == ["margin_erosion"]
    assert found[0]["severity"] == "high"  # 3.1 points of 9 on all the revenue


def test_a_shift_to_low_margin_products_is_not_margin_erosion(tmp_path):
    """Margin is judged like for like: the line's margin falls only because its cheap product sold more."""
    tables = {"products": [{"product_id": "P", "product_name": "高", "product_line": "L", "list_price": 10},
                           {"product_id": "Q", "product_name": "低", "product_line": "L", "list_price": 10}],
              "customers": [{"customer_id": "C", "region": "华东"}], "orders": [], "order_lines": []}  # fmt: skip
    for month in MONTHS:
        for k in range(6):
            order = f"O{month[5:]}{k}"
            tables["orders"].append({"order_id": order, "customer_id": "C", "order_date": f"{month}-1{k}"})
            high_margin = k < 5 if month != "2026-10" else k < 1
            tables["order_lines"].append(
                line(order, "P" if high_margin else "Q", 10, 9.0, 10, 4.0 if high_margin else 8.0)
            )
    r = open_report(str(write_tiny(tmp_path / "mix", tables=tables)), "2026-10", "华东")
    check = product.price_check(r).iloc[0]
    assert check["baseline_margin"] - check["margin"] == pytest.approx(((4 + 5 * 8) - (5 * 4 + 8)) / 54)
    assert check["margin_points"] == pytest.approx(0.0) and not check["margin_flagged"]
    assert product.angle_findings(r) == []


def test_the_all_lines_row_is_a_key_not_a_word(folder):
    for lang in ("zh", "en"):
        frame = product.discount_frame(report(folder, lang=lang))
        assert list(frame.loc[frame["is_total"], "product_line"]) == ["ALL"]  # the panel names it (全部产品线)


def test_without_order_lines_the_sections_skip(bare):
    r = report(bare)
    for panel in (product.discount_panel(r), product.price_panel(r)):
        assert panel.is_skipped and "order_lines" in panel.note
    runnable = {rule.code for rule in product.ANGLE.runnable_rules(r.ds)}
    assert not runnable & {"discount_deepening", "margin_erosion"}
    assert product.pricing.metrics(r) == {}


def test_price_changes_are_ranked_by_the_revenue_they_moved(tmp_path):
    """P1 sells 1 unit a month, at 10 then 50 (+400 %); P2 100 units, at 100 then 110 (+10 %).

    P1's price move made 40 this month, P2's 1,000: P2 leads the table, not the product of one unit.
    """
    import pandas as pd

    orders, lines = [], []
    for month, (p1, p2) in {"2026-07": (10, 100), "2026-08": (10, 100), "2026-09": (10, 100),
                            "2026-10": (50, 110)}.items():  # fmt: skip
        for item, price, units in (("P1", p1, 1), ("P2", p2, 100)):
            order = f"{item}-{month}"
            orders.append({"order_id": order, "customer_id": item, "order_date": f"{month}-10", "region": "华东"})
            lines.append({"order_id": order, "product_id": item, "quantity": units, "unit_price": price})
    pd.DataFrame(orders).to_csv(tmp_path / "orders.csv", index=False)
    pd.DataFrame(lines).to_csv(tmp_path / "order_lines.csv", index=False)
    pd.DataFrame({"product_id": ["P1", "P2"], "product_name": ["一件", "百件"], "product_line": ["L", "L"]}).to_csv(
        tmp_path / "products.csv", index=False
    )
    frame = product.price_frame(open_report(str(tmp_path), "2026-10", "ALL"))
    assert frame["product_id"].tolist() == ["P2", "P1"]
    assert frame["price_effect"].tolist() == pytest.approx([1000.0, 40.0])
    assert frame["price_change"].tolist() == pytest.approx([0.1, 4.0])
    table = product.price_panel(open_report(str(tmp_path), "2026-10", "ALL")).table
    assert table["价格带来的收入变化"].tolist() == ["+1,000", "+40"]


def test_elasticity_needs_enough_order_lines_on_both_sides(tmp_path):
    """P1: 5 lines of 1 unit a month at 100, then 10 lines at 90: elasticity ln(10 / 5) ÷ ln(0.9) = −6.58.
    P2: one line of 10 units a month at 100, then one of 40 at 90: +300% volume is one order's size, no elasticity
    (fewer than elasticity_min_lines = 5 lines); its changes are still shown."""
    import numpy as np
    import pandas as pd

    orders, lines = [], []
    for month in ("2026-07", "2026-08", "2026-09", "2026-10"):
        price = 90 if month == "2026-10" else 100
        sold = [("P1", 1)] * (10 if month == "2026-10" else 5) + [("P2", 40 if month == "2026-10" else 10)]
        for k, (item, units) in enumerate(sold):
            order = f"{item}-{month}-{k}"
            orders.append({"order_id": order, "customer_id": f"C{k}", "order_date": f"{month}-10", "region": "华东"})
            lines.append({"order_id": order, "product_id": item, "quantity": units, "unit_price": price})
    pd.DataFrame(orders).to_csv(tmp_path / "orders.csv", index=False)
    pd.DataFrame(lines).to_csv(tmp_path / "order_lines.csv", index=False)
    frame = product.price_frame(open_report(str(tmp_path), "2026-10", "ALL")).set_index("product_id")
    assert frame.loc["P1", "elasticity"] == pytest.approx(np.log(2) / np.log(0.9))
    assert frame.loc["P2", "units_change"] == pytest.approx(3.0) and np.isnan(frame.loc["P2", "elasticity"])
    assert frame.loc["P2", "price_change"] == pytest.approx(-0.1)


def test_a_price_held_reads_no_change_through_float_sums(tmp_path):
    """A till's dish at 2.95 all year: summed line totals ÷ units read 2.9500000000000006, a change of 2e-16.

    That noise drew the price chart's axis as six ticks all labelled 0.000 % and ranked the table by it; a price
    held is no change at all, and products of equal (zero) price effect come by revenue, largest first.
    """
    quantities = {"2026-07": [1, 2, 3, 7, 3], "2026-08": [2, 2, 7, 1], "2026-09": [3, 3, 3, 1, 1]}
    quantities["2026-10"] = [1, 2, 3, 7, 3]
    assert sum(q * 2.95 for q in quantities["2026-10"]) / 16 != 2.95  # the float noise the fix has to absorb
    tables = {"products": [{"product_id": "P", "product_name": "馕", "product_line": "L"},
                           {"product_id": "Q", "product_name": "酱", "product_line": "L"}],
              "customers": [{"customer_id": "C", "region": "华东"}], "orders": [], "order_lines": []}  # fmt: skip
    for month, each in quantities.items():
        for k, q in enumerate(each):
            order = f"O{month[5:]}{k}"
            tables["orders"].append({"order_id": order, "customer_id": "C", "order_date": f"{month}-1{k}"})
            tables["order_lines"].append({"order_id": order, "product_id": "P", "quantity": q, "unit_price": 2.95})
            tables["order_lines"].append({"order_id": order, "product_id": "Q", "quantity": 1, "unit_price": 0.8})
    frame = product.price_frame(open_report(str(write_tiny(tmp_path / "held", tables=tables)), "2026-10", "华东"))
    assert list(frame["product_id"]) == ["P", "Q"]  # 16 × 2.95 = 47.2 before 5 × 0.8 = 4
    assert list(frame["price_change"]) == [0.0, 0.0]
    assert list(frame["price_effect"]) == [0.0, 0.0]
    assert frame["units_change"].iloc[0] == pytest.approx(16 / (39 / 3) - 1)  # 39 units over the three months
