"""毛利下滑的检验: the order as the unit, and trailing orders judged against a usual that leaves them out."""

import math

import numpy as np
import pytest
from scipy.stats import norm
from scipy.stats import t as student_t
from tiny import write_tiny

from product.helpers import MONTHS, line
from salesnb import product
from salesnb.product import codes, margins, pricing
from salesnb.report import open_report


def _report(tmp_path, orders_of):
    """One line L, one customer in 华东, channel 直营; ``orders_of(month)`` → [(product, price, cost)] per order."""
    tables = {"products": [{"product_id": p, "product_name": p, "product_line": "L", "list_price": 100}
                           for p in ("P", "Q", "R")],
              "customers": [{"customer_id": "C", "region": "华东"}], "orders": [], "order_lines": []}  # fmt: skip
    for month in MONTHS:
        for k, (item, price, cost) in enumerate(orders_of(month)):
            order = f"O{month[5:]}{k:02d}"
            day = 20 + k if month == MONTHS[-1] else 1 + k
            tables["orders"].append({"order_id": order, "customer_id": "C", "order_date": f"{month}-{day:02d}",
                                     "channel": "直营"})  # fmt: skip
            tables["order_lines"].append(line(order, item, 1, price, 100, cost))
    return open_report(str(write_tiny(tmp_path / "m", tables=tables)), "2026-10", "华东")


def test_a_trailing_order_is_judged_without_itself(tmp_path):
    """Trailing months: 3 × (P at 92, P at 88), cost 40; this month two orders of P at 80, cost 40.

    A trailing order's usual margin is the other 17 orders' (cost 680 over their revenue), so its fall is not 0 by
    construction; this month's orders fall against all 18 (cost 720, revenue 1,620).
    """

    def orders_of(month):
        return [("P", 80.0, 40.0)] * 2 if month == "2026-10" else [("P", 92.0, 40.0), ("P", 88.0, 40.0)] * 3

    check = product.price_check(_report(tmp_path, orders_of)).iloc[0]
    usual = 1 - 720 / 1620
    assert check["margin_points"] == pytest.approx(usual - 0.5)
    fall_92 = (1 - 680 / (1620 - 92)) - (1 - 40 / 92)  # the others: 8 at 92 and 9 at 88
    fall_88 = (1 - 680 / (1620 - 88)) - (1 - 40 / 88)
    base_mean = (fall_92 + fall_88) / 2
    assert check["margin_shift"] == pytest.approx((usual - 0.5) - base_mean)
    # the spread: 18 trailing orders around their mean, the two of this month alike; df = 20 - 2
    ss = 9 * (fall_92 - base_mean) ** 2 + 9 * (fall_88 - base_mean) ** 2
    se = math.sqrt(ss / 18 * (1 / 2 + 1 / 18))
    assert check["margin_se"] == pytest.approx(se)
    # the cost part (unit cost 40 throughout) is 0: the price's fall alone, Bonferroni over the two readings
    assert check["margin_z"] == pytest.approx(norm.isf(2 * student_t.sf(check["margin_shift"] / se, 18)))
    assert check["margin_cost_points"] == 0 and check["margin_orders"] == 2


def test_a_cost_rise_under_scattered_prices_is_read_on_its_cost_part(tmp_path):
    """Trailing months: P at 60 and at 120 a month (cost 40); this month the same prices at cost 48.

    The margin's fall against P's usual (1 − 720/1,620) swings ±17 points with the price: read whole, the two
    orders are z ≈ 0.7. The cost part, (48 − 40) ÷ price, is 0 on every trailing line (each measured against the
    others' 40 a unit) and 8/60, 8/120 now: the rise is certain, and the finding says it is the cost's.
    """

    def orders_of(month):
        cost = 48.0 if month == "2026-10" else 40.0
        return (
            [("P", 60.0, cost), ("P", 120.0, cost)] if month == "2026-10" else [("P", 60.0, 40.0), ("P", 120.0, 40.0)]
        )

    report = _report(tmp_path, orders_of)
    check = product.price_check(report).iloc[0]
    assert check["margin_points"] == pytest.approx((1 - 720 / 1620) - (1 - 96 / 180))
    assert check["margin_cost_points"] == pytest.approx(16 / 180)  # revenue-weighted (8 + 8) over 180
    whole = norm.isf(student_t.sf(check["margin_shift"] / check["margin_se"], 18))
    assert whole < 1.0 and check["margin_z"] > 3 and check["margin_flagged"]
    (found,) = [f for f in product.angle_findings(report) if f["code"] == "margin_erosion"]
    assert "同口径下降 8.9 个百分点，单位成本上涨拉低 8.9 个百分点）" in found["detail"]
    assert found["action"].startswith("与采购核对本月哪些产品的进货成本上涨")  # the cause's action


def test_a_usual_resting_on_one_order_cannot_confirm_a_fall(tmp_path):
    """Each product sold in one trailing order: the usual is that order, so nothing says how orders scatter.

    Over order lines the two falling orders of this month looked infinitely sure; here there is no test.
    """

    def orders_of(month):
        if month == "2026-10":
            return [("P", 60.0, 40.0), ("Q", 60.0, 40.0)]
        return [({"2026-07": "P", "2026-08": "Q"}.get(month, "R"), 90.0, 40.0)]

    check = product.price_check(_report(tmp_path, orders_of)).iloc[0]
    assert check["margin_points"] == pytest.approx((1 - 40 / 90) - (1 - 40 / 60))
    assert math.isnan(check["margin_z"]) and not check["margin_flagged"]


def test_the_usual_margin_weighs_the_compared_lines_by_their_share(tmp_path):
    """Trailing months: 2 orders of P at 90 (cost 40) a month; this month P at 60 and a new product Q at 100 (cost 20).

    Only P has a usual margin (5/9), so the fall is P's: 5/9 − 1/3 = 2/9 on 60 of the line's 160. The line's
    margin is 1 − 60/160 = 62.5%; at the usual margins it would be (60 × 5/9 + 80) / 160 = 70.8%, not
    62.5% + 22.2 points = 84.7% (above every product's margin: Q's 80% is the highest).
    """

    def orders_of(month):
        return [("P", 60.0, 40.0), ("Q", 100.0, 20.0)] if month == "2026-10" else [("P", 90.0, 40.0)] * 2

    report = _report(tmp_path, orders_of)
    check = product.price_check(report).iloc[0]
    assert check["margin"] == pytest.approx(1 - 60 / 160)
    assert check["margin_points"] == pytest.approx(5 / 9 - 1 / 3)
    assert check["like_for_like_baseline"] == pytest.approx((60 * 5 / 9 + 80) / 160)
    assert check["compared_share"] == pytest.approx(60 / 160)
    assert check["margin_effect"] == pytest.approx((5 / 9 - 1 / 3) * 60)
    # the effect is the gap between the line's usual and its margin, over the line's revenue
    assert (check["like_for_like_baseline"] - check["margin"]) * 160 == pytest.approx(check["margin_effect"])
    (found,) = [f for f in product.angle_findings(report) if f["code"] == "margin_erosion"]
    assert found["baseline"] == pytest.approx((60 * 5 / 9 + 80) / 160)
    assert "毛利率 62.5%，按各产品近3月的毛利率应为 70.8%（有近3月毛利率可比的产品占销售额 37.5%" in found["detail"]


def test_a_fall_confined_to_a_sliver_of_the_line_is_not_the_lines_margin_eroding(tmp_path):
    """P's margin falls 2/9 as above, but a new product Q now sells 1,940 beside P's 60: the line's margin at the
    usual product margins would be (60 × 5/9 + 1,940 × 0.8) / 2,000, only 2/9 × 3% = 0.67 points above its own.
    """

    def orders_of(month):
        return [("P", 60.0, 40.0), ("Q", 1940.0, 388.0)] if month == "2026-10" else [("P", 90.0, 40.0)] * 2

    report = _report(tmp_path, orders_of)
    check = product.price_check(report).iloc[0]
    assert check["margin_points"] == pytest.approx(5 / 9 - 1 / 3)  # P's own fall is as large as above
    assert check["compared_share"] == pytest.approx(60 / 2000)
    assert check["like_for_like_baseline"] - check["margin"] == pytest.approx((5 / 9 - 1 / 3) * 0.03)
    assert not check["margin_flagged"]
    assert [f for f in product.angle_findings(report) if f["code"] == "margin_erosion"] == []


def _two_regions(tmp_path, orders_of, region="华东"):
    """Line L in 华东 and 华南 (one customer each); ``orders_of(month, region)`` → [(product, price, cost[, channel
    (直营), quantity (1)])] per order."""
    tables = {"products": [{"product_id": p, "product_name": p, "product_line": "L", "list_price": 120}
                           for p in ("P", "R", "S")],
              "customers": [{"customer_id": f"C{r}", "region": r} for r in ("华东", "华南")],
              "orders": [], "order_lines": []}  # fmt: skip
    for month in MONTHS:
        for r in ("华东", "华南"):
            for k, (item, price, cost, *more) in enumerate(orders_of(month, r)):
                channel, quantity = (*more, *("直营", 1)[len(more) :])
                order = f"O{r}{month[5:]}{k:02d}"
                day = 20 + k if month == MONTHS[-1] else 1 + k
                tables["orders"].append({"order_id": order, "customer_id": f"C{r}", "order_date": f"{month}-{day:02d}",
                                         "channel": channel})  # fmt: skip
                tables["order_lines"].append(line(order, item, quantity, price, 120, cost))
    return open_report(str(write_tiny(tmp_path / "m", tables=tables)), "2026-10", region)


def _new_to_the_region(month, region):
    """华南 sold P (cost 40 on 95 and 105: 60%) in the trailing months, 华东 only R; this month 华东 sells P at a
    cost of 60 on 99 and 101 (40%): a cost rise of 20 points that 华东's own history cannot show."""
    if month == "2026-10":
        return [("P", 99.0, 60.0), ("P", 101.0, 60.0)] * 2 if region == "华东" else []
    return [("P", 95.0, 40.0), ("P", 105.0, 40.0)] if region == "华南" else [("R", 95.0, 40.0), ("R", 105.0, 40.0)]


@pytest.mark.parametrize("region", ["华东", "ALL"])
def test_a_product_new_to_the_region_falls_against_the_companys_usual_margin(tmp_path, region):
    """The region's usual first; a product without one in the region is measured against the company's (60%)."""
    check = product.price_check(_two_regions(tmp_path, _new_to_the_region, region)).set_index("scope").loc["华东"]
    assert check["margin_points"] == pytest.approx(0.6 - (1 - 240 / 400))
    assert check["compared_share"] == pytest.approx(1.0)
    assert check["margin_orders"] == 4
    assert check["margin_flagged"]


def test_the_company_usual_of_a_trailing_line_leaves_its_own_order_out(tmp_path):
    """A trailing 华东 order of P, the region's only one: its usual is 华南's P orders' (60%), not itself mixed in."""

    def orders_of(month, region):
        if month == "2026-08" and region == "华东":
            return [("P", 80.0, 40.0), ("R", 100.0, 40.0)]
        return _new_to_the_region(month, region)

    report = _two_regions(tmp_path, orders_of)
    at, data = pricing._priced_rows(report, [report.period, *report.trailing()])
    falls = margins.line_falls(report, at, data, np.isin(at, codes.month_rows(report.ds, [report.period])))
    regional, basis = margins.measured(falls)
    product_ids = data["product_id"].to_numpy()
    (own,) = np.flatnonzero((product_ids == "P") & (data["unit_price"].to_numpy() == 80.0))
    assert regional[own] == pytest.approx(0.6 - 0.5)
    assert basis[own] == margins.COMPANY_CHANNEL


def _agent_new_to_the_region(month, region):
    """Trailing months: 华南 sells P direct (10 × 100, cost 40: 60%); 华东 sells R direct (10 × 100, cost 40) and
    through agents at 82 and 78 (cost 40: 51% and 49%). This month 华东 sells P through agents, three orders at 80
    (50%): the agents' usual price, no cost rise, but P has no usual margin in 华东 nor through agents."""
    if month == MONTHS[-1]:
        return [("P", 80.0, 40.0, "代理")] * 3 if region == "华东" else []
    if region == "华南":
        return [("P", 100.0, 40.0, "直营", 10)]
    return [("R", 100.0, 40.0, "直营", 10), ("R", 82.0, 40.0, "代理"), ("R", 78.0, 40.0, "代理")]


@pytest.mark.parametrize("region", ["华东", "ALL"])
def test_a_line_measured_against_the_companys_usual_is_tested_against_trailing_orders_measured_alike(tmp_path, region):
    """P's agent orders fall 10 points against its company usual in any channel (60%), as an agent's order of R
    falls against R's: the trailing agent orders measured on that basis (R's 3 direct and 5 other agent lines of
    the trailing 3 months: cost 1,400 over 3,480 less the order's price) are the test's baseline, not their fall
    against R's agent usual (about 0).
    """
    check = product.price_check(_two_regions(tmp_path, _agent_new_to_the_region, region)).set_index("scope")
    check = check.loc["华东"]
    assert check["margin_points"] == pytest.approx(0.6 - 0.5)
    typical = np.mean([(1 - 1400 / (3480 - p)) - (1 - 40 / p) for p in (82.0, 78.0)])
    assert check["margin_shift"] == pytest.approx(0.1 - typical)
    assert check["margin_orders"] == 3
    assert not check["margin_flagged"]


def _agents_of_two_products(month, region):
    """As :func:`_agent_new_to_the_region`, but 华东 sells two products beside P: R mostly direct (10 × 100), S
    mostly through agents (1 × 100 direct), both through agents at 82 and 78. Against each one's usual in any
    channel, R's agent orders fall about 9 points and S's about 4: their scatter is the test's noise."""
    if month == MONTHS[-1]:
        return [("P", 80.0, 40.0, "代理")] * 3 if region == "华东" else []
    if region == "华南":
        return [("P", 100.0, 40.0, "直营", 10)]
    agents = [(item, price, 40.0, "代理") for item in ("R", "S") for price in (82.0, 78.0)]
    return [("R", 100.0, 40.0, "直营", 10), ("S", 100.0, 40.0, "直营"), *agents]


@pytest.mark.parametrize("region", ["华东", "ALL"])
def test_the_noise_of_a_fall_against_the_companys_usual_is_that_of_trailing_orders_measured_alike(tmp_path, region):
    """Against its own agents' usual an agent's order of R or S falls by ±1.3 points; against the product's usual
    in any channel (cost and revenue of the 3 trailing months, own order out) R's and S's fall 9 and 4 points
    apart. P's orders are measured so: the spread is that of the trailing orders measured so, and of P's."""
    check = product.price_check(_two_regions(tmp_path, _agents_of_two_products, region)).set_index("scope")
    check = check.loc["华东"]

    def fall(cost, revenue, own_cost, price, quantity=1):  # the product's usual in any channel, own order out
        return (1 - (cost - own_cost * quantity) / (revenue - price * quantity)) - (1 - own_cost / price)

    r, s = (3 * 400 + 6 * 40, 3 * 1000 + 3 * 160), (3 * 40 + 6 * 40, 3 * 100 + 3 * 160)  # cost, revenue
    agents = np.array([fall(*sums, 40, p) for sums in (r, s) for p in (82.0, 78.0)])
    direct = np.array([fall(*r, 40, 100, 10), fall(*s, 40, 100)])
    ss = 3 * (((agents - agents.mean()) ** 2).sum() + ((direct - direct.mean()) ** 2).sum())
    se = math.sqrt(ss / (21 - 3) * (1 / 3 + 1 / 12))  # 18 trailing orders and P's 3, in 3 channel-periods
    assert check["margin_shift"] == pytest.approx(0.1 - agents.mean())
    assert check["margin_se"] == pytest.approx(se)
    whole = student_t.sf((0.1 - agents.mean()) / se, 18)  # and the cost part (40 a unit throughout) is 0
    assert check["margin_z"] == pytest.approx(norm.isf(2 * whole)) and check["margin_cost_points"] == 0
    assert not check["margin_flagged"]
