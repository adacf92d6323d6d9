"""产品线贡献与增长, 产品贡献（帕累托）."""

import math

import numpy as np
import pandas as pd
import pytest
from foreign_world import foreign_world
from scipy import stats
from tiny import write_tiny

from product.helpers import build, line, report
from salesnb import product


def test_line_and_product_frames_hand_computed(folder):
    frame = product.line_frame(report(folder, "华南")).set_index("product_line")
    assert frame.loc["A线", "revenue"] == 12 * 180  # P1 2 × 90 in all 12 orders
    assert frame.loc["B线", "revenue"] == 8 * 180 and frame.loc["C线", "revenue"] == 8 * 72
    assert frame["share"].sum() == pytest.approx(1.0)
    assert frame.loc["A线", "share"] == pytest.approx(2160 / 4176)
    assert frame.loc["A线", "trailing_avg"] == 2160 and frame.loc["A线", "vs_trailing"] == pytest.approx(0.0)
    assert math.isnan(frame.loc["A线", "yoy_revenue"])  # the data starts 2026-04
    east = product.line_frame(report(folder)).set_index("product_line")
    assert east.loc["B线", "revenue"] == 180 and east.loc["B线", "orders"] == 1
    assert east.loc["B线", "mom_growth"] == pytest.approx(180 / 1440 - 1)

    products = product.product_frame(report(folder, "华南"))
    assert list(products["product_id"]) == ["P1", "P2", "P4"]
    assert products["cum_share"].iloc[-1] == pytest.approx(1.0) and products["top"].all()
    m = product.pareto_metrics(report(folder, "华南"))
    assert m["top_share"] == pytest.approx(1.0) and m["pareto_products"] == 2  # 52% + 34% reach 80%


def test_without_order_lines_the_sections_skip(bare):
    r = report(bare)
    for panel in (product.line_panel(r), product.pareto_panel(r)):
        assert panel.is_skipped and "order_lines" in panel.note
    assert "product_line_decline" not in {rule.code for rule in product.ANGLE.runnable_rules(r.ds)}
    assert product.lines.metrics(r) == {}


def _south_b_line(tmp_path, orders):
    """华南 2026-10: B线 (P2) in only ``orders`` of its usual 8 orders a month; A线 and C线 as every month."""
    tables = build()
    dropped = {f"OS10{k:02d}" for k in range(orders, 8)}
    tables["order_lines"] = [
        row for row in tables["order_lines"] if not (row["order_id"] in dropped and row["product_id"] == "P2")
    ]
    return write_tiny(tmp_path / f"b{orders}", tables=tables)


def test_a_region_reports_an_indicated_line_decline_and_the_company_view_only_a_confirmed_one(tmp_path):
    folder = _south_b_line(tmp_path, 4)  # 4 of 8 orders: revenue 720 against 1,440 (−50%), others unchanged
    south = product.decline_check(report(folder, "华南")).set_index("product_line").loc["B线"]
    # every month alike, so the count is Poisson (φ = 1): 0.100; but the share was learnt from 48 orders in six
    # months, so the test of the line's orders against the others' (share_drop) holds: 4 of 52 at 1/7, 0.118
    p = stats.binom.cdf(4, 52, 1 / 7)
    assert p > stats.poisson.cdf(4, 8)
    assert south["expected"] == pytest.approx(1440) and south["change"] == pytest.approx(-0.5)
    assert south["dispersion"] == 1 and south["p_value"] == pytest.approx(p)
    # a chance of one in eight, among the region's three lines looked at: q = 3p, no finding (the rule fired)
    assert south["q_value"] == pytest.approx(3 * p) and not south["flagged"]
    assert not [f for f in product.angle_findings(report(folder, "华南")) if f["code"] == "product_line_decline"]
    deeper = _south_b_line(tmp_path, 2)  # 2 of 8 orders (−75%): 2 of 50 at 1/7, about 0.019
    south = product.decline_check(report(deeper, "华南")).set_index("product_line").loc["B线"]
    p = stats.binom.cdf(2, 50, 1 / 7)
    assert south["p_value"] == pytest.approx(p) and south["q_value"] == pytest.approx(3 * p) and south["flagged"]
    (found,) = [f for f in product.angle_findings(report(deeper, "华南")) if f["code"] == "product_line_decline"]
    assert found["segment"] == {"product_line": "B线"} and found["severity"] == "medium"  # indicated: q > fdr
    assert "1.9%" in found["detail"]  # the chance of an ordinary month is stated
    p = stats.binom.cdf(4, 52, 1 / 7)  # the 4-of-8 month in the company's view
    # the ALL report tests 3 scopes × 3 lines (9): 华南's B线 is not confirmed there (q ≥ p > fdr)
    company = product.decline_check(report(folder, "ALL")).set_index(["scope", "product_line"])
    assert company.loc[("华南", "B线"), "q_value"] >= p and not company.loc[("华南", "B线"), "flagged"]
    assert company.loc[("华东", "B线"), "flagged"]  # 华东's B线 (1 of 8 orders) is confirmed there


def test_the_decline_names_the_months_its_share_was_learnt_from(tmp_path):
    """The data starts 2026-04: 华南's B线 share is learnt from 6 months, not "近一年" (a year the export lacks)."""
    (found,) = [
        f
        for f in product.angle_findings(report(_south_b_line(tmp_path, 2), "华南"))
        if f["code"] == "product_line_decline"
    ]
    assert "按该产品线近6个月在其他产品线中的占比" in found["detail"] and "近一年" not in found["detail"]
    (en,) = [
        f
        for f in product.angle_findings(report(_south_b_line(tmp_path / "en", 2), "华南", lang="en"))
        if f["code"] == "product_line_decline"
    ]
    assert "over the past 6 months" in en["detail"]


def test_a_line_down_a_quarter_does_not_fire_the_rule(tmp_path):
    south = product.decline_check(report(_south_b_line(tmp_path, 6), "华南")).set_index("product_line")
    assert south.loc["B线", "change"] == pytest.approx(-0.25) and not south["flagged"].any()


def test_a_line_is_expected_at_its_usual_share_of_the_year_not_its_last_three_months(tmp_path):
    """华南's B线 sold in 8 orders a month until June, in 4 from July and in 3 in October.

    Its expectation is its share of the other lines over the months before (here the six of the data), times the
    other lines this month: 6,480 of 16,416 (A线 2,160 + C线 576 a month) × 2,736 = 1,080, not the 720 of its last
    three months; orders alike: 36 of 120 × 20 = 6. The spread φ is how far that expectation missed in July,
    August and September (8, 7 and 6.4 orders expected, 4 sold): ((4−8)²/8 + (4−7)²/7 + (4−6.4)²/6.4) / 3.
    3 orders against 6 is a 1-in-6 month; among the region's three lines looked at (q = 3p) it is no finding.
    """
    tables = build()
    keep = {"07": 4, "08": 4, "09": 4, "10": 3}
    tables["order_lines"] = [
        row
        for row in tables["order_lines"]
        if not (
            row["order_id"].startswith("OS")
            and row["product_id"] == "P2"
            and row["order_id"][2:4] in keep
            and int(row["order_id"][4:]) >= keep[row["order_id"][2:4]]
        )
    ]
    south = product.decline_check(report(write_tiny(tmp_path, tables=tables), "华南")).set_index("product_line")
    b = south.loc["B线"]
    phi = (16 / 8 + 9 / 7 + 2.4**2 / 6.4) / 3
    p = stats.nbinom.cdf(3, 6 / (phi - 1), 1 / phi)  # 0.17
    assert b["expected"] == pytest.approx(1080) and b["change"] == pytest.approx(540 / 1080 - 1)
    assert b["usual_orders"] == pytest.approx(6) and b["dispersion"] == pytest.approx(phi)
    assert b["p_value"] == pytest.approx(p) and b["q_value"] == pytest.approx(3 * p) and not b["flagged"]
    assert not south.loc[["A线", "C线"], "flagged"].any()


def test_a_line_at_its_own_level_while_the_others_quadruple_lagged_not_fell(tmp_path):
    """华南 October: every order of A线/C线 placed four times, B线 as every month (1,440, its trailing average).

    B线's share of the mix expects 5,760, its own month 1,440; neither missed a month before, so they weigh half
    each: 3,600. The rule fires (a quarter of its expected orders), but its revenue did
    not fall against its own months, so the title says it lagged the other lines rather than "收入下滑".
    """
    tables = build()
    october = [o for o in tables["orders"] if o["order_id"].startswith("OS10")]
    for k in range(3):
        for order in october:
            copy = dict(order, order_id=f"{order['order_id']}x{k}")
            tables["orders"].append(copy)
            tables["order_lines"] += [
                dict(row, order_id=copy["order_id"])
                for row in tables["order_lines"]
                if row["order_id"] == order["order_id"] and row["product_id"] != "P2"
            ]
    folder = write_tiny(tmp_path / "lag", tables=tables)
    b_line = product.decline_check(report(folder, "华南")).set_index("product_line").loc["B线"]
    assert b_line["revenue"] == b_line["trailing"] == 1440 and b_line["expected"] == pytest.approx(3600)
    (found,) = [f for f in product.angle_findings(report(folder, "华南")) if f["code"] == "product_line_decline"]
    assert found["title"] == "B线产品线跑输其他产品线"
    fell = _south_b_line(tmp_path, 2)  # 360 against its usual 1,440: it fell
    (found,) = [f for f in product.angle_findings(report(fell, "华南")) if f["code"] == "product_line_decline"]
    assert found["title"] == "B线产品线收入下滑"


def test_a_line_that_is_nearly_the_whole_business_has_no_yardstick_in_a_stray_order_of_the_others(tmp_path):
    """主力 sells 20 orders of 100 every month; 配件 one order of 10 in 2026-03 and one in 2026-10.

    Against its share of the others, 主力 "should" sell 20 × 100 × 10 / 10 × 12 = 24,000 this month and sold
    2,000: a 92% fall read from 配件's second order in a year — a yardstick that never foresaw 主力, so its own
    month is the expectation. The others usually hold 1/12 order a month, under ``product.line_min_other_orders``:
    主力 is not tested there (its fall would be the region's).
    """
    months = [f"2025-{m:02d}" for m in (10, 11, 12)] + [f"2026-{m:02d}" for m in range(1, 11)]
    orders, lines = [], []
    for month in months:
        for k in range(20):
            orders.append({"order_id": f"M{month}{k}", "customer_id": f"C{k}", "order_date": f"{month}-05"})
            lines.append({"order_id": f"M{month}{k}", "product_id": "P1", "quantity": 1, "unit_price": 100})
        if month in ("2026-03", "2026-10"):
            orders.append({"order_id": f"A{month}", "customer_id": "C0", "order_date": f"{month}-28"})
            lines.append({"order_id": f"A{month}", "product_id": "P2", "quantity": 1, "unit_price": 10})
    orders.append({"order_id": "END", "customer_id": "C1", "order_date": "2026-10-31"})  # whole months
    lines.append({"order_id": "END", "product_id": "P1", "quantity": 1, "unit_price": 0})
    products = [{"product_id": "P1", "product_line": "主力"}, {"product_id": "P2", "product_line": "配件"}]
    folder = write_tiny(tmp_path / "one_line", tables={"orders": orders, "order_lines": lines, "products": products})
    frame = product.decline_check(report(folder, "ALL")).set_index("product_line")
    row = frame.loc["主力"]
    # 配件 now × 主力's year / 配件's year (10 × 24,000 / 10) never foresaw a month of 主力, its own month (2,000)
    # every one: the weighed expectation is its own (shares.weighed_expected); untested all the same
    assert row["expected"] == pytest.approx(2000) and row["change"] == pytest.approx(0)
    assert not bool(row["flagged"]) and math.isnan(row["q_value"])
    assert product.lines.line_decline(report(folder, "ALL")) == []


def test_a_line_sold_only_last_year_stays_in_the_table_and_out_of_the_chart(tmp_path):
    """D线 sold once in 华南 2025-10 (last year's month) and never since: its row says −100% against last year,
    and the chart draws no empty pair of bars for it."""
    from salesnb.data import facts

    tables = build()
    tables["products"].append({"product_id": "P9", "product_name": "壬", "product_line": "D线",
                               "launch_date": "2024-01-01", "list_price": 50, "unit_cost": 20})  # fmt: skip
    tables["orders"].append({"order_id": "OLY", "customer_id": "CS0", "order_date": "2025-10-05", "region": "华南",
                             "channel": "直营"})  # fmt: skip
    tables["order_lines"].append(line("OLY", "P9", 2, 50, 50, 20))
    r = report(write_tiny(tmp_path / "ly", tables=tables), "华南")
    assert facts.data_months(r.ds)[0] == "2025-10"
    panel = product.line_panel(r)
    row = panel.frame.set_index("product_line").loc["D线"]
    assert (row["revenue"], row["trailing_avg"], row["yoy_revenue"], row["yoy_growth"]) == (0.0, 0.0, 100.0, -1.0)
    drawn = [tick.get_text() for ax in panel.figure.axes for tick in [*ax.get_xticklabels(), *ax.get_yticklabels()]]
    assert "D线" not in drawn and "A线" in drawn


def _foreign_world(tmp_path, planted: bool) -> str:
    """The foreign benchmark's world 918608 (seed 75's #050): 3 regions, 24 months; 苏南's 照明设备, about 25 orders
    a month of very different sizes, planted 43 % down in 2025-02 by losing a random set of its orders
    (``planted``): a few large ones, so its revenue halves while its count falls by a third."""
    return foreign_world(tmp_path, 75, 50, planted)


def test_a_line_that_lost_a_few_large_orders_is_read_by_its_revenue_with_their_sizes(tmp_path):
    """苏南's 照明设备 sells 15.9万 where its share of the other lines, weighed with its own month, gives 35.4万
    (−55 %), in 17 orders where 25.1 are usual: the count alone is a 1-in-17 month (1 in 15 with the share's own
    error; q 0.26 over the region's four lines, silent before). Read with its orders' sizes (25 usual orders drawn
    from its year of orders, the count Poisson: its revenue swung no more than independent orders would) so low a
    month is about 1 in 110; doubled (two readings), q = 3p below the region's indicative 0.2: reported (medium).
    The family is three lines, not four: 安防监控 sells 0.8 orders a month, a month without any is a 1-in-2 chance
    (0.46), it can never be reported (Tarone). The same world without the plant flags no line."""
    from salesnb import stats as kit

    frame = product.decline_check(report(_foreign_world(tmp_path, True), "苏南", "2025-02")).set_index("product_line")
    row = frame.loc["照明设备"]
    assert row["orders"] == 17 and row["usual_orders"] == pytest.approx(25.1, abs=0.05)
    assert row["change"] == pytest.approx(-0.549, abs=0.001) and row["dispersion"] == 1
    counted = kit.count_below(pd.Series([17.0]), pd.Series([row["usual_orders"]]), pd.Series([1.0]))[0]
    # the count alone, over the four lines: q above 0.2
    assert counted == pytest.approx(0.0578, abs=0.0005) and 4 * counted > 0.2
    assert row["p_value"] < counted / 3 and row["p_value"] == pytest.approx(0.0176, abs=0.0005)
    assert row["q_value"] == pytest.approx(3 * row["p_value"]) and row["flagged"]
    found = [f for f in product.angle_findings(report(_foreign_world(tmp_path, True), "苏南", "2025-02"))
             if f["code"] == "product_line_decline"]  # fmt: skip
    assert [f["segment"] for f in found] == [{"product_line": "照明设备"}] and found[0]["severity"] == "medium"
    clean = product.decline_check(report(_foreign_world(tmp_path, False), "苏南", "2025-02"))
    assert not clean["flagged"].any()


def test_a_compound_month_of_alike_orders_is_their_count_and_a_swinging_count_widens_it():
    """Orders all of one size: a month at half of 8 expected orders is at most 4 of them, Poisson's P(N ≤ 4);
    with the count's variance ÷ mean 3, the negative binomial's (size 8 ÷ 2, success 1/3). Wider, never narrower."""
    from salesnb import stats as kit

    sizes = np.full(20, 180.0)
    assert kit.compound_low(0.5, 8, sizes) == pytest.approx(stats.poisson.cdf(4, 8))
    assert kit.compound_low(0.5, 8, sizes, spread=3.0) == pytest.approx(stats.nbinom.cdf(4, 4, 1 / 3))
    assert kit.compound_low(0.5, 8, sizes, spread=3.0) > kit.compound_low(0.5, 8, sizes)
