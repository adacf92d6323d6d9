import numpy as np
import pandas as pd
import pytest

from salesnb import market
from salesnb.report import open_report


def test_concentration_hand_computed(tiny):
    r = open_report(str(tiny), "2026-10", "ALL")
    m = market.concentration_metrics(r)  # 12 months 2025-11..2026-10: C3 400, C2 250, C1 200, C4 100
    assert m["months"] == 12 and m["customers"] == 4
    assert m["largest_customer"] == "C3" and m["largest_share"] == pytest.approx(400 / 950)
    assert m["top_share"] == pytest.approx(1.0)
    assert m["hhi"] == pytest.approx((400**2 + 250**2 + 200**2 + 100**2) / 950**2)
    frame = market.concentration_frame(r)
    assert list(frame["customer_id"]) == ["C3", "C2", "C1", "C4"]
    assert frame["cum_share"].iloc[-1] == pytest.approx(1.0)
    found = [f for f in market.angle_findings(r) if f["code"] == "customer_concentration"]
    assert len(found) == 1 and found[0]["segment"] == {"customer_id": "C3"}
    # the largest customer's average month beyond the 20 % limit: (400 − 0.2 × 950) ÷ 12
    assert found[0]["effect"] == pytest.approx((400 - 0.2 * 950) / 12)
    assert found[0]["severity"] == "medium"  # 17.5 of 700: between 2% and 5%
    # among 4 customers (under concentration_min_customers) the top 10 are all of them: not held against a limit
    assert found[0]["detail"] == "近12个月最大客户占销售额 42.1%（警戒线 20.0%），共 4 个客户，HHI 0.302。"


def test_concentration_top_n_variant(tiny):
    # the largest customer under its limit, and few customers allowed: the top-N finding instead
    r = open_report(
        str(tiny), "2026-10", "ALL",
        thresholds={"market": {"concentration_largest_share": 0.5, "concentration_min_customers": 1}},
    )  # fmt: skip
    found = [f for f in market.angle_findings(r) if f["code"] == "customer_concentration"]
    assert len(found) == 1 and found[0]["segment"] == {} and found[0]["metric"] == "top10_share"
    assert found[0]["title"] == "大客户依赖风险" and "前10大客户占 100.0%" in found[0]["detail"]
    assert found[0]["effect"] == pytest.approx((1.0 - 0.5) * 950 / 12)  # the month's revenue beyond the 50 % limit
    # the top 10 held 100 % in 2026-09 too: more revenue in the window (950 now, 450 then), the same share beyond
    # the limit: a standing dependence, low, whose detail says so, quoting the share it was measured against
    assert found[0]["severity"] == "low"
    standing = "前10大客户在 2026-08 已占 100.0%，此后每月都超过警戒线，本月 100.0% 与之相比没有明显恶化"
    assert standing in found[0]["detail"]


def test_concentration_properties():
    rng = np.random.default_rng(5)
    for n in (1, 2, 7, 40, 500):
        revenue = pd.Series(rng.lognormal(10, 1.5, n), index=[f"C{i}" for i in range(n)])
        m = market.concentration_shares(revenue, top=10)
        assert 0 <= m["largest_share"] <= m["top_share"] <= 1
        assert 1 / n - 1e-12 <= m["hhi"] <= 1 + 1e-12
        assert m["top_share"] == pytest.approx(min(1.0, revenue.nlargest(10).sum() / revenue.sum()))
    equal = market.concentration_shares(pd.Series(5.0, index=list("abcd")))
    assert equal["hhi"] == pytest.approx(0.25) and equal["largest_share"] == pytest.approx(0.25)
    assert market.concentration_shares(pd.Series([0.0, -3.0]))["hhi"] is None


def _one_big_month(tmp_path):
    """Two regions of 20 customers buying 100 a month (2026-01..10); in 2026-10 华东's CE0 buys 1,000 instead."""
    from tiny import write_tiny

    customers, orders = [], []
    for region, tag in (("华东", "E"), ("华南", "S")):
        for k in range(20):
            customers.append({"customer_id": f"C{tag}{k}", "region": region})
            for m in range(1, 11):
                amount = 1000 if (tag, k, m) == ("E", 0, 10) else 100
                orders.append({"order_id": f"O{tag}{k}-{m}", "customer_id": f"C{tag}{k}", "region": region,
                               "order_date": f"2026-{m:02d}-05", "amount": amount})  # fmt: skip
    return write_tiny(tmp_path / "big_month", tables={"customers": customers, "orders": orders})


def test_one_customer_suddenly_a_third_of_the_regions_month(tmp_path):
    folder = _one_big_month(tmp_path)
    r = open_report(str(folder), "2026-10", "华东")
    m = market.concentration.period_concentration(r)
    assert m["customers"] == 20 and m["largest_customer"] == "CE0"
    assert m["largest_share"] == pytest.approx(1000 / 2900) and m["top_share"] == pytest.approx(1900 / 2900)
    assert m["usual_largest_share"] == pytest.approx(0.05) and m["customer_usual_share"] == pytest.approx(0.05)
    assert m["usual_top_share"] == pytest.approx(0.5)
    found = [f for f in market.angle_findings(r) if f["code"] == "customer_concentration"]
    # the 12-month view (10 months of data): CE0 holds 1,900 of 20,900 (9.1%), under the 20% line; the month: 34.5%
    assert market.concentration_metrics(r)["largest_share"] == pytest.approx(1900 / 20900)
    assert len(found) == 1 and found[0]["segment"] == {"customer_id": "CE0"}
    assert found[0]["metric"] == "period_largest_customer_share" and found[0]["baseline"] == pytest.approx(0.05)
    assert found[0]["effect"] == pytest.approx(1000 - 0.05 * 2900)  # beyond its usual share of the month
    # 855 of 2,900 is high by the revenue at stake, but it is revenue gained, not lost: a watch item, medium
    assert found[0]["severity"] == "medium" and "34.5%" in found[0]["title"]
    assert "前10大客户占 65.5%（通常 50.0%）" in found[0]["detail"]
    metrics = market.angle_metrics(r)
    assert metrics["period_largest_customer_share"] == pytest.approx(1000 / 2900)
    assert metrics["usual_period_top10_share"] == pytest.approx(0.5)
    # the other region and last month stay quiet; the ALL report names the region
    assert not [f for f in market.angle_findings(open_report(str(folder), "2026-10", "华南"))
                if f["code"] == "customer_concentration"]  # fmt: skip
    assert not [f for f in market.angle_findings(open_report(str(folder), "2026-09", "华东"))
                if f["code"] == "customer_concentration"]  # fmt: skip
    company = [f for f in market.angle_findings(open_report(str(folder), "2026-10", "ALL"))
               if f["code"] == "customer_concentration"]  # fmt: skip
    assert [f["segment"] for f in company] == [{"region": "华东", "customer_id": "CE0"}]  # 1,000 of 4,900: 20.4%


def test_walk_in_revenue_is_part_of_the_total_a_customer_holds_a_share_of():
    """A 60, B 20 and 20 of orders without a customer: A holds 60 % of the revenue, not 75 %."""
    shares = market.concentration_shares(pd.Series({"A": 60.0, "B": 20.0}), top=1, unnamed=20.0)
    assert shares["total"] == 100.0 and shares["customers"] == 2
    assert shares["largest_share"] == pytest.approx(0.6) and shares["top_share"] == pytest.approx(0.6)
    assert shares["hhi"] == pytest.approx(0.6**2 + 0.2**2)
    assert market.concentration_shares(pd.Series(dtype=float), unnamed=50.0)["top_share"] is None


def test_a_report_with_walk_in_orders_divides_by_all_its_revenue(tmp_path):
    from tiny import TABLES, write_tiny

    orders = [{**row, "customer_id": "" if row["order_id"] == "O7" else row["customer_id"]} for row in TABLES["orders"]]
    r = open_report(str(write_tiny(tmp_path, tables={**TABLES, "orders": orders})), "2026-10", "华南")
    frame = market.concentration_frame(r)  # 华南 over the window: C3 400 (O4 300, O6 100), O7's 100 unnamed
    assert frame["customer_id"].tolist() == ["C3"] and frame["share"].tolist() == pytest.approx([0.8])


def test_a_new_customer_s_big_first_order_is_said_to_be_new_and_followed_up(tmp_path):
    """华东's CE0 first buys in 2026-10, 1,000 of the month's 2,900: it had no share to fall back to.

    The detail says it bought nothing in the months compared (not "平均只占 0.0%") and the action is to follow
    up the newcomer and not to plan on the order recurring, not the account plan for a long-standing large customer.
    """
    folder = _one_big_month(tmp_path)
    orders = pd.read_csv(folder / "orders.csv")
    orders = orders[~((orders["customer_id"] == "CE0") & (orders["order_date"] < "2026-10-01"))]
    orders.to_csv(folder / "orders.csv", index=False)
    r = open_report(str(folder), "2026-10", "华东")
    found = [f for f in market.angle_findings(r) if f["code"] == "customer_concentration"]
    assert len(found) == 1 and found[0]["baseline"] == 0.0 and "34.5%" in found[0]["title"]
    # a month's share, not a dependence: a walk-in store's one big ticket is no "过度依赖"
    assert found[0]["title"] == "本月销售额集中于单一客户：CE0 占 34.5%"
    assert "该客户近6月没有购买，每月最大客户通常占 5.3%" in found[0]["detail"]  # 100 of 1,900 each month before
    assert "平均只占" not in found[0]["detail"] and "回访这位客户" in found[0]["action"]
    again = open_report(str(_one_big_month(tmp_path / "b")), "2026-10", "华东")
    old = [f for f in market.angle_findings(again) if f["code"] == "customer_concentration"]
    assert "该客户近6月平均只占 5.0%" in old[0]["detail"] and "续约计划" in old[0]["action"]


def _standing_dependence(
    tmp_path, october: float = 3500.0, usual: float = 3500.0, others: int = 13, since: dict[str, float] | None = None
):
    """One region, 2025-01..2026-10: C00 buys ``usual`` a month and ``others`` customers 500 each (by default
    10,000 a month, C00 35 %). ``october``: C00's order of 2026-10; ``since``: C00's orders of other months.
    """
    from tiny import write_tiny

    months = [str(p) for p in pd.period_range("2025-01", "2026-10", freq="M")]
    n = others + 1
    customers = [{"customer_id": f"C{k:02d}", "region": "华东", "acquired_at": "2020-01-01"} for k in range(n)]
    orders = [
        {"order_id": f"O{m}-{k:02d}", "customer_id": f"C{k:02d}", "region": "华东", "order_date": f"{m}-10",
         "amount": (october if m == "2026-10" else (since or {}).get(m, usual)) if k == 0 else 500.0}
        for m in months for k in range(n)
    ]  # fmt: skip
    folder = tmp_path / f"standing_{usual:.0f}_{october:.0f}_{len(since or {})}"
    return write_tiny(folder, tables={"customers": customers, "orders": orders})


def _window_finding(report):
    found = [f for f in market.angle_findings(report) if f["metric"] == "largest_customer_share"]
    assert len(found) == 1 and found[0]["segment"] == {"customer_id": "C00"}
    return found[0]


def test_a_standing_dependence_is_raised_once_then_carried_as_ongoing(tmp_path):
    """C00 has held 35 % of revenue every month: the 20 % limit is passed as soon as the window is long enough
    (2025-06, 6 of 12 months), raised then at the severity of the revenue beyond the limit (15 % of 10,000 =
    1,500 a month: high); from the month after it is the same dependence, not a new problem: it stays listed,
    says the share it had when raised (at most 12 months back) and is low, below this month's real falls.
    """
    folder = _standing_dependence(tmp_path)
    first = _window_finding(open_report(str(folder), "2025-06", "ALL"))
    assert first["value"] == pytest.approx(0.35) and first["effect"] == pytest.approx(1500.0)
    assert first["severity"] == "high" and "上月" not in first["detail"]
    for period, raised in (("2025-07", "2025-06"), ("2026-10", "2025-10")):  # 2025-10: 12 months back at most
        later = _window_finding(open_report(str(folder), period, "ALL"))
        assert later["value"] == pytest.approx(0.35) and later["effect"] == pytest.approx(1500.0)
        assert later["severity"] == "low"
        assert f"该客户在 {raised} 已占 35.0%，此后每月都超过警戒线，本月 35.0% 与之相比没有明显恶化" in later["detail"]
    from salesnb.followup import scope_findings

    report = open_report(str(folder), "2026-10", "ALL")
    mine = [f for f in scope_findings(report) if f["code"] == "customer_concentration"]
    assert [(f["status"], f["severity"]) for f in mine] == [("persisting", "low")]
    english = _window_finding(open_report(str(folder), "2026-10", "ALL", lang="en"))
    said = "This customer already held 35.0% in 2025-10 and has been over the limit every month since"
    assert said in english["detail"]


def test_a_standing_dependence_that_worsens_is_raised_again(tmp_path):
    """In 2026-10 C00 buys 7,000 (51.9 % of the month's 13,500): the window's share rises from 35.0 % to
    45,500 ÷ 123,500 = 36.8 %, 16.8 points beyond the limit against 15.0 (+12 %, past findings.worse_change
    10 %): worse, raised at its own severity again (20,800 ÷ 12 = 1,733 a month beyond the limit: high)."""
    folder = _standing_dependence(tmp_path, october=7000.0)
    found = _window_finding(open_report(str(folder), "2026-10", "ALL"))
    assert found["value"] == pytest.approx(45500 / 123500)
    assert found["effect"] == pytest.approx((45500 - 0.2 * 123500) / 12)
    assert found["severity"] == "high" and "上月" not in found["detail"]


def test_a_small_rise_of_a_standing_dependence_is_no_news(tmp_path):
    """C00 buys 5,000 in 2026-10: the window's share goes from 35.0 % to 43,500 ÷ 121,500 = 35.8 %, 15.8 points
    beyond the limit against 15.0 (+5 %, within findings.worse_change): still the standing dependence."""
    folder = _standing_dependence(tmp_path, october=5000.0)
    found = _window_finding(open_report(str(folder), "2026-10", "ALL"))
    assert found["value"] == pytest.approx(43500 / 121500) and found["severity"] == "low"


def test_a_dependence_creeping_up_is_raised_again_once_the_creep_adds_up(tmp_path):
    """C00 buys 4,500 instead of 3,500 from 2026-07: the window's share creeps 35.0 % → 43,000 ÷ 121,000 = 35.5 %
    → 36.1 % → 45,000 ÷ 123,000 = 36.6 % → 37.1 %, never 10 % more beyond the limit than the month before. Against
    the share last raised (35.0 %, 15.0 points beyond), 2026-09's 16.6 points are +10.6 %: raised again, high;
    2026-10 (17.1 points, +3 % on 2026-09's) is that raised dependence standing, low."""
    folder = _standing_dependence(
        tmp_path, october=4500.0, since=dict.fromkeys(["2026-07", "2026-08", "2026-09"], 4500.0)
    )
    for period, share, severity in (("2026-08", 44000 / 122000, "low"), ("2026-09", 45000 / 123000, "high"),
                                    ("2026-10", 46000 / 124000, "low")):  # fmt: skip
        found = _window_finding(open_report(str(folder), period, "ALL"))
        assert (found["value"], found["severity"]) == (pytest.approx(share), severity)
    assert "该客户在 2026-09 已占 36.6%，此后每月都超过警戒线，本月 37.1% 与之相比没有明显恶化" in found["detail"]


def test_a_month_s_jump_of_the_standing_customer_is_news(tmp_path):
    """C00 has held 45 % (4,500 of 10,000 a month, 11 others at 500); in 2026-10 it buys 9,000, 62.1 % of the
    month's 14,500, 17 points over its usual 45 %: the period's rule names it. The window moves only from 45.0 %
    to 58,500 ÷ 124,500 = 47.0 % (27.0 points beyond the limit against 25.0: +8 %, within worse_change), but the
    month's jump is news: the window's finding stands for both, at its own severity (33,600 ÷ 12 = 2,800 a month
    beyond the limit, 19 % of the month: high)."""
    folder = _standing_dependence(tmp_path, october=9000.0, usual=4500.0, others=11)
    report = open_report(str(folder), "2026-10", "ALL")
    found = _window_finding(report)
    assert found["value"] == pytest.approx(58500 / 124500) and found["effect"] == pytest.approx(2800.0)
    assert found["severity"] == "high" and "上月" not in found["detail"]
    company = [f for f in market.angle_findings(report) if f["code"] == "customer_concentration"]
    assert [f["segment"] for f in company] == [{"customer_id": "C00"}, {"customer_id": "C00", "region": "华东"}]
    quiet = _window_finding(open_report(str(_standing_dependence(tmp_path, usual=4500.0, others=11)), "2026-10"))
    assert quiet["severity"] == "low"  # the same world without the jump: the standing dependence


def test_a_partial_month_reads_last_month_s_dependence_as_its_own_report_did(tmp_path):
    """A buys 300 on the 20th of every month, B…F 100 each on the 5th (on the 14th in November, where the data
    ends): October's report has A at 3,600 of 9,600 (37.5 %), standing since the window grew long enough.
    November's, through the 14th, read October's window on days 1..14 of each month too, where A has nothing:
    another customer was last month's largest, and A's standing dependence was raised as new. Read on whole
    months, it is the dependence October's report named, carried as ongoing (low) with the 37.5 % it held
    when raised (2026-04, the window's sixth month), as in October's report.
    """
    months = [str(p) for p in pd.period_range("2025-11", "2026-11", freq="M")]
    rows = [("A", f"{m}-20", 300) for m in months[:-1]]
    rows += [(c, f"{m}-{14 if m == months[-1] else 5:02d}", 100) for m in months for c in "BCDEF"]
    folder = tmp_path / "partial_dependence"
    folder.mkdir()
    pd.DataFrame(
        [{"order_id": f"O{i}", "customer_id": c, "order_date": d, "amount": a} for i, (c, d, a) in enumerate(rows)]
    ).to_csv(folder / "orders.csv", index=False)

    def window(report):
        return [f for f in market.angle_findings(report) if f["metric"] == "largest_customer_share"]

    [october] = window(open_report(str(folder), "2026-10", "ALL"))
    assert october["value"] == pytest.approx(3600 / 9600) and october["severity"] == "low"
    report = open_report(str(folder), "2026-11", "ALL")
    assert report.partial and report.through_day == 14
    [november] = window(report)
    assert november["segment"] == october["segment"] == {"customer_id": "A"}
    assert november["value"] == pytest.approx(3300 / 9300) and november["severity"] == "low"
    assert "该客户在 2026-04 已占 37.5%，此后每月都超过警戒线，本月 35.5%" in november["detail"]  # raised in 2026-04


def test_four_accounts_of_about_equal_size_are_no_dependence(tmp_path):
    """C00 buys 600 a month, three others 500 each: C00 holds 600 / 2,100 = 28.6 % (above the 20 % limit) as the
    largest of four must hold at least 25 %; it buys 1.2 times the average other, not twice: no finding.
    """
    r = open_report(str(_standing_dependence(tmp_path, october=600.0, usual=600.0, others=3)), "2026-10", "ALL")
    assert market.concentration_metrics(r)["largest_share"] == pytest.approx(600 / 2100)
    assert not [f for f in market.angle_findings(r) if f["metric"] == "largest_customer_share"]


def test_one_account_buying_twice_the_average_other_is_a_dependence(tmp_path):
    """C00 buys 1,000 a month beside three of 500: 40 % of revenue, twice the average other (the limit, met)."""
    r = open_report(str(_standing_dependence(tmp_path, october=1000.0, usual=1000.0, others=3)), "2026-10", "ALL")
    assert _window_finding(r)["value"] == pytest.approx(1000 / 2500)


@pytest.mark.parametrize(
    ("customers", "largest", "dominant"),
    [(1, 1.0, True), (2, 0.66, False), (2, 0.67, True), (5, 0.34, True), (5, 0.33, False), (10, 0.2, True)],
)
def test_the_largest_customer_against_the_average_other(customers, largest, dominant):
    # twice the others' average: 2 × (1 − s) / (n − 1); two customers need 2/3, five a third, ten 18.2 %
    from salesnb.market.concentration import _dominant

    assert _dominant({"customers": customers, "largest_share": largest}, 2.0) is dominant


def test_a_month_of_few_buyers_is_judged_against_as_few_not_the_usual_many(tmp_path):
    """华东's 30 customers buy 100, 300 or 600 (ten each) every month of 2026-01..09: the largest holds 6 % of a
    month. In 2026-10 ten of them buy (600, 600, 300, 300 and six of 100): the largest, C20, holds 600 of 2,400,
    25 %, 19 points over the usual 6 %. Ten buyers drawn from the usual months hold 18.5 % in their largest one
    (exactly: the mean of max ÷ sum over the 3¹⁰ equally likely draws): 6.5 points over, a thin month, not a
    new dependence."""
    from tiny import write_tiny

    amounts = [100.0] * 10 + [300.0] * 10 + [600.0] * 10
    october = {20: 600.0, 21: 600.0, 10: 300.0, 11: 300.0} | {k: 100.0 for k in range(6)}
    customers = [{"customer_id": f"C{k:02d}", "region": "华东"} for k in range(30)]
    orders = [
        {"order_id": f"O{k}-{m}", "customer_id": f"C{k:02d}", "region": "华东", "order_date": f"2026-{m:02d}-05",
         "amount": amount}
        for m in range(1, 11)
        for k, amount in (enumerate(amounts) if m < 10 else october.items())
    ]  # fmt: skip
    folder = write_tiny(tmp_path / "thin", tables={"customers": customers, "orders": orders})
    r = open_report(str(folder), "2026-10", "华东")
    m = market.concentration.period_concentration(r)
    assert m["customers"] == 10 and m["largest_share"] == pytest.approx(0.25)
    assert m["customer_usual_share"] == pytest.approx(0.06)
    assert m["usual_largest_share"] == pytest.approx(0.1849, abs=0.005)  # not the thirty-buyer months' 6 %
    assert not [f for f in market.angle_findings(r) if f["code"] == "customer_concentration"]


def _one_big_customer_now_and_then(tmp_path, october_largest: float):
    """华东: ten of 30 customers buy 100 each month of 2026-01..09, except C15's 1,000 in July; in October ten
    others buy 100 each but C10, who buys ``october_largest``."""
    from tiny import write_tiny

    customers = [{"customer_id": f"C{k:02d}", "region": "华东"} for k in range(30)]
    orders, who_july = [], 15  # the sixth buyer of July (the months rotate three sets of ten)
    for m in range(1, 11):
        for k in range(10):
            who = (k + 10 * (m % 3)) % 30 if m < 10 else 10 + k
            amount = 1000.0 if (m, who) == (7, who_july) else october_largest if (m, who) == (10, 10) else 100.0
            orders.append({"order_id": f"O{m}-{k}", "customer_id": f"C{who:02d}", "region": "华东",
                           "order_date": f"2026-{m:02d}-05", "amount": amount})  # fmt: skip
    return write_tiny(tmp_path / "now_and_then", tables={"customers": customers, "orders": orders})


@pytest.mark.parametrize(("october_largest", "found"), [(900.0, False), (2000.0, True)])
def test_a_largest_customer_the_usual_months_give_now_and_then_is_no_news(tmp_path, october_largest, found):
    """C10's 900 is half of October's 1,800: 33 points over the usual largest share (17 %), but the six usual
    months (2026-04..09) hold a 1,000 among 59 of 100: ten buyers drawn from them hold it once in one month of
    seven (10 × 1/60 × (59/60)⁹ ≈ 14.3 %), and then 1,000 of 1,900, 53 %. So large a month by chance, p ≈ 0.14:
    not flagged. 2,000 (69 % of the month) is more than any drawn month holds: p = 1/501, flagged."""
    r = open_report(str(_one_big_customer_now_and_then(tmp_path, october_largest)), "2026-10", "华东")
    m = market.concentration.period_concentration(r)
    assert m["customers"] == 10 and m["largest_customer"] == "C10"
    assert m["largest_share"] == pytest.approx(october_largest / (october_largest + 900))
    chance = market.concentration.period_chance(r)
    if found:
        assert chance == pytest.approx(1 / 501)
    else:
        assert chance == pytest.approx(10 / 60 * (59 / 60) ** 9, abs=0.03)
    rule = [f for f in market.angle_findings(r) if f["code"] == "customer_concentration"]
    assert bool(rule) is found
    if found:
        assert rule[0]["detail"].endswith("最大客户偶然占到这么高的概率约 0.2%。")


def test_a_partial_months_window_keeps_a_month_that_sold_after_its_day_only(tmp_path):
    """Data ending 2026-03-05; C0..C11 buy 10 on the 3rd of each month, J0..J11 buy 40 in January, on the 25th.

    The window is summed whole, but its months were those with an order in days 1..5: January was dropped and
    the twelve C buyers made the whole revenue (top 10 = 10/12, was 400/960 with January's buyers counted).
    """
    from salesnb.market.concentration import concentration_metrics

    folder = tmp_path / "late"
    folder.mkdir()
    rows = [f"{m}{i:02d},C{i},{m}-{d:02d},10" for m, d in (("2025-11", 3), ("2025-12", 3), ("2026-02", 3),
                                                            ("2026-03", 5)) for i in range(12)]  # fmt: skip
    rows += [f"J{i:02d},J{i},2026-01-25,40" for i in range(12)]
    (folder / "orders.csv").write_text("order_id,customer_id,order_date,amount\n" + "\n".join(rows) + "\n")
    m = concentration_metrics(open_report(str(folder), "2026-03", "ALL"))
    assert m["months"] == 5
    assert m["top_share"] == pytest.approx(400 / 960) and m["largest_share"] == pytest.approx(40 / 960)
