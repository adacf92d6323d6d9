from pathlib import Path

import pandas as pd
import pytest
from scipy import stats
from tiny import TABLES, write_tiny

from market.helpers import codes_of, regulars_from_may, steady_report, write_orders
from salesnb import market
from salesnb.expect import expected
from salesnb.market.acquisition import own_expectation
from salesnb.report import open_report


def test_acquired_at_decides_who_is_new(tmp_path):
    tables = {k: [dict(r) for r in v] for k, v in TABLES.items()}
    for row in tables["customers"]:
        row["acquired_at"] = "2020-01-01" if row["customer_id"] == "C4" else ""
    r = open_report(str(write_tiny(tmp_path / "t", tables=tables)), "2026-10", "ALL")
    assert market.new_customer_test(r)["count"] == 0  # C4 was a customer long before its first order here
    assert market.retention_test(r)["returning_buyers"] == 4


def test_new_customer_drop_and_no_double_count_as_acquisition_cost(tmp_path):
    r = steady_report(tmp_path, "acquisition")
    test = market.new_customer_test(r)
    assert test["count"] == 0 and test["usual"] == 20 and test["last_year"] == 20 and test["flagged"]
    assert test["effect"] == pytest.approx(20 * 500)  # missing customers × their usual first-month revenue
    codes = codes_of(market.angle_findings(r))
    assert ("new_customer_drop", "{}") in codes
    assert not any(code == "acquisition_cost_high" for code, _ in codes)  # all sources fell: one finding
    # no deals or leads in this data: the finding checks channels and campaigns, it chases no slipped deal
    (drop,) = [f for f in market.angle_findings(r) if f["code"] == "new_customer_drop"]
    assert "各获客渠道与营销活动" in drop["detail"] and "商机" not in drop["detail"] + drop["action"]
    assert "少获约 20 个客户，按新客户首月平均销售额 500 计，约少收入 1.0万。" in drop["detail"]  # what is valued
    assert "本月新客户 0 个，对比基准 20 个（常态月均 20，" in drop["detail"]  # whole customers: no "20.0 个"


def test_customer_counts_read_as_whole_customers_unless_the_usual_level_is_not():
    """A usual of 287 customers reads 287 个 (朝阳医院's 287.0 个 read oddly); 178.26 keeps its decimal, 178.3."""
    from salesnb.market.common import fmt_count

    assert fmt_count(287.0) == "287" and fmt_count(178.26) == "178.3" and fmt_count(None) == "—"


def test_acquisition_cost_high(tmp_path):
    # 展会 spend 2.5 × its usual month (5000, usually 2000) while it wins its usual 10 customers a month
    r = steady_report(tmp_path, "spend")
    frame = market.acquisition_cost_frame(r).set_index("source")
    row = frame.loc["展会"]
    # usual: 2025-10..2026-07 (10 months before the 3 recent ones), 100 customers + half a customer pro rata
    prior = 0.5 / 13
    usual_new = (100 + 10 * prior) / 10
    assert row["usual_new"] == pytest.approx(usual_new) and row["usual_cac"] == pytest.approx(2000 / usual_new)
    pace = ((30 + 3 * prior) / 3 + usual_new) / 2  # the recent months' pace pooled with a usual stretch
    assert row["recent_new"] == 30 and row["pace_ratio"] == pytest.approx(pace / usual_new)
    assert row["cac"] == pytest.approx(5000 / pace) and row["cac_ratio"] == pytest.approx(2.5 * usual_new / pace)
    assert row["effect"] == pytest.approx(5000 - pace * 2000 / usual_new)  # spend beyond what the pace costs
    assert row["p_value"] == 0.0 and row["flagged"]  # the spend never moved before: certainly beyond its range
    assert not frame.loc["转介绍", "flagged"] and frame.loc["转介绍", "cac_ratio"] == pytest.approx(1.0)
    found = [f for f in market.angle_findings(r) if f["code"] == "acquisition_cost_high"]
    assert [f["segment"] for f in found] == [{"source": "展会"}] and found[0]["severity"] in {"medium", "high"}
    assert "+150.0%" in found[0]["detail"]


def test_acquisition_cost_pools_a_month_of_lost_customers(tmp_path):
    # 展会's 10 customers of the month vanish: new_customer_drop's finding; the source's cost is judged on its
    # pace over three months pooled with a usual stretch, 20 + 10 × 3 of 60 customers: +20%, below the +50% line
    r = steady_report(tmp_path, "cac")
    strict = open_report(
        str(tmp_path / "steady_cac"), "2026-10", "华东", thresholds={"market": {"new_customer_drop": 0.6}}
    )
    row = market.acquisition_cost_frame(strict).set_index("source").loc["展会"]
    assert row["recent_new"] == 20 and row["cac_ratio"] == pytest.approx(1.2, abs=0.01) and not row["flagged"]
    assert not [f for f in market.angle_findings(r) if f["code"] == "acquisition_cost_high"]


def test_a_region_reports_its_new_customer_drop_on_the_business_rule(tmp_path):
    # 华东 wins 14 new customers where 20 are expected (every month alike: trend 20, no spread beyond Poisson): −30%
    r = steady_report(tmp_path, "acquisition30")
    test = market.new_customer_test(r)
    # the usual level is read from 6 months: variance 20 × (1 + 1/6), negative binomial size 120, p 6/7
    p = stats.nbinom.cdf(14, 120, 6 / 7)  # 0.123: an ordinary month is this low about one time in eight
    assert test["baseline"] == pytest.approx(20) and test["change"] == pytest.approx(-0.3)
    assert test["p_value"] == pytest.approx(p) and test["rule"] and test["flagged"]
    (found,) = [f for f in market.angle_findings(r) if f["code"] == "new_customer_drop"]
    assert found["severity"] == "medium"  # the rule fired; the evidence (p = 0.123 > fdr) caps it at medium
    assert found["effect"] == pytest.approx(6 * 500) and "12.3%" in found["detail"]
    # the ALL report tests the company (34 of 40, −15%: no rule), 华东 and 华南: 华东's q = 3 × 0.123 > 0.2
    company = open_report(str(tmp_path / "steady_acquisition30"), "2026-10", "ALL")
    assert not any(f["code"] == "new_customer_drop" for f in market.angle_findings(company))


def test_a_new_customer_drop_below_the_business_rule_is_silent(tmp_path):
    steady_report(tmp_path, "acquisition30")
    strict = {"market": {"new_customer_drop": 0.35}}  # −30% is below a 35% rule
    strict = open_report(str(tmp_path / "steady_acquisition30"), "2026-10", "华东", thresholds=strict)
    assert not market.new_customer_test(strict)["rule"]
    assert not any(f["code"] == "new_customer_drop" for f in market.angle_findings(strict))


def test_own_expectation_keeps_the_usual_level_unless_the_forecast_rules_it_out():
    """The usual level (mean of the last 6 months) moved only into the forecast's 80% interval, never below half
    the lower of the usual level and the last 3 months."""
    noisy = [5, 6, 4, 6, 5, 3, 6, 4, 5, 3, 5, 2]  # a line runs to 3.1, but the usual 25/6 lies in its interval
    forecast = expected(noisy)
    assert forecast.low < 25 / 6 < forecast.high and forecast.value < 3.2
    assert own_expectation(noisy, 6) == pytest.approx(25 / 6)
    falling = [12, 10, 8, 6, 4, 2]  # a steady fall: the interval excludes the usual 7, so its top end stands
    assert own_expectation(falling, 6) == pytest.approx(expected(falling).high) and expected(falling).high < 2.6
    growing = [10, 12, 14, 16, 18, 20]  # steady growth: the expectation rises to the interval's low end
    assert own_expectation(growing, 6) == pytest.approx(expected(growing).low) and expected(growing).low > 22
    # a season of two cycles of a few customers forecasts 0 for sure; the usual 1 (last 3 months 2): floor ½ × 1
    season = [6] * 12 + [0] * 11 + [6]
    assert expected(season).high == 0 and own_expectation(season, 6, 0.5) == pytest.approx(0.5)
    assert own_expectation([], 6) is None


def test_a_small_region_losing_its_few_new_customers_is_found(tmp_path):
    """华东 wins 2-6 new customers a month (a line through them runs towards 1.9), 华南 2 a month. This month both
    win none. 华南's fall (2 → 0) would zero the peers' factor; with 2 customers added to either side it is
    (0 + 2) ÷ (2 + 2) = ½, but that is within its count noise: √(1/2 + 1/(12 × 4)) = 0.72 against a log fall of
    0.69, so the dip keeps none of itself (factor 1). 华东's own expectation is its usual 3.5 pulled to the top of
    the line's 80% interval (3.47; the line alone says 1.9): 3.47 expected, none won, the rule fires."""
    history = [6, 7, 5, 6, 4, 5, 6, 3, 5, 2, 4, 1]
    months = [str(p) for p in pd.period_range("2025-10", "2026-10", freq="M")]
    new = {"华东": [*history, 0], "华南": [2] * 12 + [0]}
    t = {"customers": [], "orders": []}
    for region, counts in new.items():
        for k in range(5):  # regulars: the scope's revenue
            t["customers"].append({"customer_id": f"R{region}{k}", "region": region, "acquired_at": "2020-01-01"})
            for month in months:
                t["orders"].append({"order_id": f"O{region}{month}{k}", "customer_id": f"R{region}{k}",
                                    "order_date": f"{month}-10", "region": region, "amount": 1000})  # fmt: skip
        for month, n in zip(months, counts, strict=True):
            for k in range(n):
                customer = f"N{region}{month}{k}"
                t["customers"].append({"customer_id": customer, "region": region, "acquired_at": f"{month}-05"})
                t["orders"].append({"order_id": f"Q{customer}", "customer_id": customer,
                                    "order_date": f"{month}-05", "region": region, "amount": 2000})  # fmt: skip
    report = open_report(str(write_tiny(tmp_path / "small", tables=t)), "2026-10", "华东")
    test = market.new_customer_test(report)
    assert test["usual"] == pytest.approx(3.5) and test["peer_factor"] == 1.0
    assert test["baseline"] == pytest.approx(expected(history).high) and expected(history).value < 2
    assert test["count"] == 0 and test["rule"]
    found = [f for f in market.angle_findings(report) if f["code"] == "new_customer_drop"]
    # none where 3.47 are expected: an ordinary month has none with chance 4.0% (e^-3.47 = 3.1%, widened by the
    # level's own error), under indicative_q (a region's own report): medium, the chance in the detail
    assert test["p_value"] == pytest.approx(0.0404, abs=1e-4)
    assert len(found) == 1 and found[0]["severity"] == "medium" and "4.0%" in found[0]["detail"]


def test_a_partial_month_counts_new_customers_once_and_like_for_like(tmp_path):
    """One definition of a customer's first month, also in a partial month (the data ends on 2026-10-09).

    N1 first bought on 2026-08-20 and again on 10-03: back, not new (a first order after day 9 is in no month's
    days 1..9). N2's first order is 10-05: new in October. N3's is 09-04: new in September's days 1..9.
    """
    from test_report import write_partial_month

    from salesnb import overview

    folder = Path(write_partial_month(tmp_path / "p"))
    orders = pd.read_csv(folder / "orders.csv", dtype=str)
    extra = [("N1", "2026-08-20"), ("N1", "2026-10-03"), ("N2", "2026-10-05"), ("N3", "2026-09-04")]
    rows = [{"order_id": f"X{k}", "customer_id": c, "order_date": d, "region": "华东", "amount": "100"}
            for k, (c, d) in enumerate(extra)]  # fmt: skip
    pd.concat([orders, pd.DataFrame(rows)]).to_csv(folder / "orders.csv", index=False)
    r = open_report(str(folder), "2026-10")
    assert r.through_day == 9
    assert overview.headline_metrics(r)["new_customers"] == 1
    assert market.new_customer_test(r)["count"] == 1  # was 2: N1's first *day 1..9* order made it new in October
    months = market.new_customer_months(r).set_index("month")["new_customers"]
    assert months["2026-09"] == 1 and months["2026-08"] == 0  # N3 on day 4; N1's day 20 is outside days 1..9
    retention = market.retention_test(r)
    assert retention["returning_buyers"] == 36 + 1  # the 36 steady customers of days 1..9, and N1


def test_the_export_s_first_months_are_no_usual_level_of_new_customers(tmp_path):
    """An export from 2026-05. 30 regulars buy every other month (15 in odd months, 15 in even ones), so each is
    first seen in May or June; 2 really new customers a month from June, 1 in October.

    First seen in May and June is not new: three quarters of repeat orders follow the one before within 62
    days, so the warm-up runs to 2026-07-02 and August is the first month counted; the usual level is August
    and September's 2 a month, not mean(15, 17, 2, 2, 2) = 7.6 (which made October's 1 a collapse).
    """
    from salesnb.data.customers import acquisition_start

    r = open_report(str(regulars_from_may(tmp_path / "export")), "2026-10")
    assert acquisition_start(r.ds) == "2026-08"
    test = market.new_customer_test(r)
    assert test["count"] == 1 and test["usual"] == 2
    months = market.new_customers_frame(r).set_index("period")
    assert months.loc["2026-05", "new_customers"] == 15 and months.loc["2026-10", "usual"] == 2  # shown, not usual


def test_a_regions_baseline_lowered_by_its_peers_says_why(tmp_path):
    """华东 and 华北 each win 20 (±2) new customers a month from 2025-01; in 2026-10 华东 wins none and 华北 6.
    华东's baseline is its usual level lowered by the rest of the company's factor, (6 + 2) ÷ (20 + 2) with the
    prior of 2, shrunk by its count noise: the detail said 对比基准 7.3 个（常态月均 20…) without saying why; it
    names the peers now."""
    rows = []
    for k, period in enumerate(pd.period_range("2025-01", "2026-10", freq="M")):
        month = str(period)
        for region in ("华东", "华北"):
            won = (0 if region == "华东" else 6) if month == "2026-10" else 20 + (k % 3 - 1) * 2
            rows += [(f"{region}{month}-{j}", f"{month}-{1 + j:02d}", region) for j in range(won)]
    rows += [("R1", "2026-10-31", "华东"), ("R1", "2025-01-05", "华东")]  # a regular: the month is complete
    folder = write_orders(tmp_path / "peers", rows)
    r = open_report(str(folder), "2026-10", "华东")
    test = market.new_customer_test(r)
    assert test["count"] == 0 and test["peers_now"] == 6 and test["peers_usual"] == pytest.approx(20.0, abs=0.5)
    # (6 + 2) ÷ (20 + 2) = 0.364, its log −1.01 against its count noise √(1/8 + 1/(6 × 22)) = 0.364 over the six
    # usual months: it keeps 1 − 0.133/1.024 = 87 % of its log, 0.414 (common.shrunk)
    raw = 8 / (test["peers_usual"] + 2)
    assert test["peer_factor"] == pytest.approx(0.4146, abs=5e-4) and raw < test["peer_factor"] < 1
    (drop,) = [f for f in market.angle_findings(r) if f["code"] == "new_customer_drop"]
    assert "其他区域本月新客户也只有 6 个（常态 20），基准按此下调" in drop["detail"]
    steady = [
        f for f in market.angle_findings(steady_report(tmp_path, "acquisition")) if f["code"] == "new_customer_drop"
    ]
    assert "基准按此下调" not in steady[0]["detail"]  # peers as usual: the baseline is the region's own


def test_a_partial_month_s_new_customer_drop_says_its_counts_are_days_one_to_d(tmp_path, monkeypatch):
    """A drop found in the partial October (days 1..9): its 12 new customers and its usual 16.8 are each month's
    days 1..9, as the retention finding says of its counts; it read "本月新客户 12 个…（常态月均 16.8…）" as if
    against whole months."""
    from test_report import write_partial_month

    from salesnb.market import acquisition

    test = {"rule": True, "flagged": True, "p_value": 0.2, "effect": 1000.0, "change": -0.287, "count": 12,
            "baseline": 16.8, "usual": 16.8, "last_year": 15, "avg_first_revenue": 200.0, "peer_factor": 1.0,
            "peers_now": None, "peers_usual": None, "peers_are_regions": True}  # fmt: skip
    monkeypatch.setattr(acquisition, "scope_tests", lambda report: [("华东", {}, test)])
    data = write_partial_month(tmp_path / "p")
    partial = acquisition.new_customer_drop(open_report(data, "2026-10", "华东"))
    assert partial[0]["detail"].startswith("本月新客户 12 个（各月 1–9 日），对比基准 16.8 个（常态月均 16.8，")
    whole = acquisition.new_customer_drop(open_report(data, "2026-09", "华东"))
    assert whole[0]["detail"].startswith("本月新客户 12 个，对比基准 16.8 个")
