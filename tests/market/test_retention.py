from types import SimpleNamespace

import pandas as pd
import pytest
from scipy import stats
from tiny import write_tiny

from market.helpers import MONTHS, codes_of, regulars_from_may, steady, steady_report, write_orders
from salesnb import market
from salesnb.config import load_config
from salesnb.market.retention import season_factor
from salesnb.periods import months_back
from salesnb.report import open_report


def test_retention_and_new_customers_hand_computed(tiny):
    test = market.retention_test(open_report(str(tiny), "2026-10", "ALL"))
    assert test["buyers"] == 4 and test["returning_buyers"] == 3  # C4 first buys in 2026-10
    assert test["repeat_rate"] == pytest.approx(0.75) and test["returning_revenue"] == 600
    assert test["window_buyers"] == 2 and test["retained"] == 2 and test["lapsed"] == 0  # C2, C3 in 07..09
    sep = market.retention_test(open_report(str(tiny), "2026-09", "ALL"))
    assert sep["window_buyers"] == 1 and sep["retained"] == 0 and sep["lapsed"] == 1  # C3 bought in 08 only
    assert market.new_customer_test(open_report(str(tiny), "2026-10", "ALL"))["count"] == 1
    assert market.new_customer_test(open_report(str(tiny), "2026-10", "华东"))["count"] == 0


def test_customer_churn_rise_and_region_gap(tmp_path):
    r = steady_report(tmp_path, "churn")
    test = market.retention_test(r)
    # window 2026-07..09: 30 regulars + 60 new customers; usually the 30 regulars buy again
    assert test["window_buyers"] == 90 and test["retained"] == 0 and test["lapsed"] == 90
    assert test["usual"] == pytest.approx(30 / 90) and test["flagged"]
    found = [f for f in market.angle_findings(r) if f["code"] == "customer_churn_rise"]
    assert found and found[0]["segment"] == {} and found[0]["severity"] == "high"
    # the 30 who usually buy again are the excess: of the 90, 60 lapse in a usual month too (not "churned")
    assert test["baseline"] == pytest.approx(1 / 3) and "90 个本月未再购买，比按基准多约 30 个" in found[0]["detail"]
    all_report = market.angle_findings(steady_report(tmp_path, "churn", "ALL"))
    assert ("customer_churn_rise", '{"region": "华东"}') in codes_of(all_report)
    assert ("region_underperform", '{"region": "华东"}') in codes_of(all_report)  # 10000 of 40000


def test_retention_a_third_lower_is_churn(tmp_path):
    # 9 of the 30 regulars stop (retention 21/90 against 30/90: −30%, over the 20% rule); binomial P(≤21) ≈ 0.026,
    # 0.035 with the usual rate read off 6 × 90 window buyers (Beta(180.5, 360.5))
    r = steady_report(tmp_path, "churn30")
    test = market.retention_test(r)
    assert test["retained"] == 21 and test["rate"] / test["baseline"] - 1 == pytest.approx(-0.3)
    assert test["p_value"] == pytest.approx(stats.betabinom.cdf(21, 90, 180.5, 360.5)) and test["flagged"]
    assert test["p_value"] == pytest.approx(0.0355, abs=1e-3)
    found = [f for f in market.angle_findings(r) if f["code"] == "customer_churn_rise"]
    assert [f["segment"] for f in found] == [{}] and found[0]["severity"] == "medium"  # q above strong_q 1%
    assert not [f for f in market.angle_findings(steady_report(tmp_path, "churn30", "华南"))
                if f["code"] == "customer_churn_rise"]  # fmt: skip


def test_retention_a_fifth_lower_is_churn_when_the_evidence_holds(tmp_path):
    # 7 of the 30 regulars stop: retention 23/90 against 30/90 (−23%), past the 20% rule (a quarter missed it);
    # P(≤23) ≈ 0.086 (binomial 0.06; the usual rate read off 6 × 90 window buyers): below indicative_q, not fdr,
    # so indicated and at most medium
    r = steady_report(tmp_path, "churn23")
    test = market.retention_test(r)
    assert test["retained"] == 23 and test["rate"] / test["baseline"] - 1 == pytest.approx(-7 / 30)
    assert test["p_value"] == pytest.approx(stats.betabinom.cdf(23, 90, 180.5, 360.5)) and test["flagged"]
    found = [f for f in market.angle_findings(r) if f["code"] == "customer_churn_rise"]
    assert [(f["segment"], f["severity"]) for f in found] == [({}, "medium")]


def _months(rates: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """retention_months-like rows: month → (window buyers, retained)."""
    frame = pd.DataFrame(
        [(m, base, kept, kept / base if base else float("nan")) for m, (base, kept) in rates.items()],
        columns=["month", "window_buyers", "retained", "retention_rate"],
    )
    return frame.set_index("month")


def _company(period: str):
    config = load_config()
    return SimpleNamespace(
        period=period,
        config=config,
        settings=lambda name: config[name],
        history=lambda count, period=None, region=None: months_back(period, count, offset=1),
    )


def test_company_season_factor_follows_spring_festival():
    # 春节 2025-01-29, 2026-02-17: February 2026 is judged against January 2025 (the festival month), which kept
    # 30 of 100 buyers against 50 of 100 in each of the six months before: factor 0.6
    rates = {m: (100, 50) for m in months_back("2024-12", 6)}
    rates |= {"2025-01": (100, 30), "2025-02": (100, 55)}
    assert season_factor(_company("2026-02"), _months(rates)) == pytest.approx(0.6)
    # a month whose last-year part was above usual is not raised (at most 1): February 2025 kept 55 of 100
    assert season_factor(_company("2026-01"), _months(rates)) == 1.0
    # fewer than SEASON_MIN_MONTHS known months a year back: no season
    short = {m: v for m, v in rates.items() if m >= "2024-11"}
    assert season_factor(_company("2026-02"), _months(short)) == 1.0


def test_a_partial_month_says_its_retention_counts_days_one_to_d(tmp_path):
    """The partial October (days 1..9): the retention panel says every month's counts are its days 1..9."""
    from test_report import write_partial_month

    from salesnb.market.retention import retention_panel
    from salesnb.report import open_report

    data = write_partial_month(tmp_path / "p")
    assert "1–9 日" in retention_panel(open_report(data, "2026-10")).note
    assert "1–9" not in retention_panel(open_report(data, "2026-09")).note


def test_the_export_s_first_months_are_no_usual_level_of_repeat_buyers(tmp_path):
    """An export from 2026-05 (as 朝阳医院's from January 2018): 30 regulars buy every other month, 2 new customers
    a month from June. In May and June nobody can be a returning buyer yet, which is the export's start, not the
    business: the usual repeat figures are those of the months after the warm-up (August, September: 15 of 17
    buyers returning, 88.2 %), not mean(0, 0, 15, 15, 15) = 9 and 45 / 83 = 54.2 %, which made October's 93.8 %
    read as a jump in repeat buying.
    """
    from salesnb.market.retention import retention_panel

    table = retention_panel(open_report(str(regulars_from_may(tmp_path / "export")), "2026-10")).table.set_index("指标")
    usual = table[[c for c in table.columns if "常态" in c][0]]
    assert table.loc["复购率（成交客户中老客户占比）", "本月"] == "93.8%"
    assert usual["复购率（成交客户中老客户占比）"] == "88.2%"
    assert usual["老客户成交数"] == "15" and usual["本月成交客户"] == "17"
    assert usual["老客户销售额"] == "1,500"


def _small_region(tmp_path, regulars: int, kept: int):
    """A steady 华东 beside a small 西北 of ``regulars`` customers buying every month and 2 one-off customers a
    month (1000 and 500 each); in 2026-10 only ``kept`` of 西北's regulars buy. 西北's window (07..09) holds
    ``regulars`` + 6 buyers, of whom ``regulars`` usually buy again: retention regulars / (regulars + 6).
    """
    tables = steady()
    for k in range(regulars):
        tables["customers"].append({"customer_id": f"W{k:02d}", "region": "西北", "acquired_at": "2020-01-01"})
    for month in MONTHS:
        last_day = f"{month}-{pd.Period(month).days_in_month}"
        for k in range(regulars if month != "2026-10" else kept):
            tables["orders"].append({"order_id": f"W{month}{k:02d}", "customer_id": f"W{k:02d}",
                                     "order_date": last_day, "region": "西北", "amount": 1000})  # fmt: skip
        for k in range(2):
            tables["customers"].append({"customer_id": f"V{month}{k}", "region": "西北", "acquired_at": f"{month}-05"})
            tables["orders"].append({"order_id": f"V{month}{k}", "customer_id": f"V{month}{k}",
                                     "order_date": f"{month}-05", "region": "西北", "amount": 500})  # fmt: skip
    folder = tmp_path / f"small_{regulars}_{kept}"
    write_tiny(folder, tables=tables)
    return folder


def _churn(report):
    return [f for f in market.angle_findings(report) if f["code"] == "customer_churn_rise"]


def test_one_returning_customer_against_three_expected_is_no_churn(tmp_path):
    # 西北's window holds 3 regulars + 6 one-off buyers: 3 of 9 usually buy again (every month exactly: ρ = 0);
    # in 2026-10 one does. Binomial P(≤1 of 9 at 1/3) = 0.143, 0.159 with the usual rate read off 6 × 9 window
    # buyers (Beta(18.5, 36.5)): an ordinary small month about one time in six, below indicative_q (0.2) but not
    # confirmed (fdr 5%) — on 3 expected customers that is no churn finding
    folder = _small_region(tmp_path, regulars=3, kept=1)
    r = open_report(str(folder), "2026-10", "西北")
    test = market.retention_test(r)
    assert (test["window_buyers"], test["retained"]) == (9, 1) and test["baseline"] == pytest.approx(1 / 3)
    assert test["expected"] == pytest.approx(3.0)
    assert test["p_value"] == pytest.approx(stats.betabinom.cdf(1, 9, 18.5, 36.5)) and not test["flagged"]
    assert not _churn(r)
    assert ("customer_churn_rise", '{"region": "西北"}') not in codes_of(
        market.angle_findings(open_report(str(folder), "2026-10", "ALL"))
    )


def test_a_collapse_of_a_small_region_is_still_churn(tmp_path):
    # 40 regulars + 6 one-off buyers: 40 of 46 expected back, 5 come: P(≤5 of 46 at 40/46) ≈ 4e-31, confirmed
    folder = _small_region(tmp_path, regulars=40, kept=5)
    r = open_report(str(folder), "2026-10", "西北")
    test = market.retention_test(r)
    assert (test["window_buyers"], test["retained"]) == (46, 5) and test["expected"] == pytest.approx(40.0)
    assert test["flagged"]
    assert [(f["segment"], f["severity"]) for f in _churn(r)] == [({}, "high")]


def test_the_usual_level_is_labelled_by_the_months_it_averages(tmp_path):
    """The export of :func:`regulars_from_may` reaches two usual months before October (August, September), not
    the six of ``market.history_months``: the tables say 近2月常态, as 88.2 % = 15 / 17 is of those two months."""
    from salesnb.market.acquisition import new_customers_panel
    from salesnb.market.retention import retention_panel

    report = open_report(str(regulars_from_may(tmp_path / "export")), "2026-10")
    assert "近2月常态" in retention_panel(report).table.columns
    assert "近2月常态" in retention_panel(report).note
    assert "近2月常态" in new_customers_panel(report).table.columns


FESTIVAL_MONTHS = ("2024-02", "2025-01", "2026-02")  # 春节 2024-02-10, 2025-01-29, 2026-02-17


def _festival_world(tmp_path, regions=("华东",), churn=None, calm=()):
    """2024-01..2026-02 (two years back from a 春节 February). Each region: 100 regulars buying every month on
    the 20th (1000 each), and 20 new customers a month buying once on the 5th (500). In each 春节 month the
    regulars R00..R29 (30 %) stay away, every year alike. ``churn``: ``(region, n)``, another ``n`` regulars of
    ``region`` stay away in 2026-02 (a real churn). ``calm``: regions whose regulars keep buying at 春节 (a
    shop in a city the holiday does not empty). A regular's window (3 months) holds 100 regulars and 60 new
    customers: retention 100 / 160 in an ordinary month, 70 / 160 in a 春节 month.
    """
    months = [str(p) for p in pd.period_range("2024-01", "2026-02", freq="M")]
    tables = {"customers": [], "orders": []}
    for region in regions:
        tag = {"华东": "E", "华南": "S"}[region]
        tables["customers"] += [
            {"customer_id": f"R{tag}{k:02d}", "region": region, "acquired_at": "2020-01-01"} for k in range(100)
        ]
        for month in months:
            away = 30 if month in FESTIVAL_MONTHS and region not in calm else 0
            if churn and churn[0] == region and month == months[-1]:
                away += churn[1]
            tables["orders"] += [
                {"order_id": f"O{tag}{month}{k:02d}", "customer_id": f"R{tag}{k:02d}", "region": region,
                 "order_date": f"{month}-20", "amount": 1000}
                for k in range(away, 100)
            ]  # fmt: skip
            for k in range(20):
                customer = f"N{tag}{month}{k:02d}"
                tables["customers"].append({"customer_id": customer, "region": region, "acquired_at": f"{month}-05"})
                tables["orders"].append({"order_id": f"Q{tag}{month}{k:02d}", "customer_id": customer,
                                         "region": region, "order_date": f"{month}-05", "amount": 500})  # fmt: skip
    name = "_".join(regions) + (f"_{churn[0]}{churn[1]}" if churn else "") + "".join(f"_calm{r}" for r in calm)
    return write_tiny(tmp_path / name, tables=tables)


def test_a_spring_festival_february_is_no_churn_in_a_region_without_peers(tmp_path):
    """Every 春节 month 30 of 100 regulars stay away, and 2026-02 is no different: no churn. The company's
    baseline takes the season (January 2025, the festival month a year back, kept 70 of 160 against 100 of 160
    in the six months before: 0.7); a region's takes it from its peers, and a company of one region has none: the
    region is judged on its own season then, as the company is, not on its usual 62.5 % (a 30 % fall).
    """
    folder = _festival_world(tmp_path)
    for scope in ("ALL", "华东"):
        test = market.retention_test(open_report(str(folder), "2026-02", scope))
        assert (test["window_buyers"], test["retained"]) == (160, 70) and test["usual"] == pytest.approx(100 / 160)
        assert test["peer_factor"] == pytest.approx(0.7) and test["baseline"] == pytest.approx(70 / 160)
        assert not test["flagged"]
    assert not _churn(open_report(str(folder), "2026-02", "华东"))
    assert not _churn(open_report(str(folder), "2026-02", "ALL"))  # neither the company nor its region


def test_a_real_churn_in_a_spring_festival_month_still_fires(tmp_path):
    """On top of the festival's 30, 28 more regulars stay away in 2026-02 (40 % of the 70 expected back): 42 of
    160 against the seasonal 70 of 160. Alone, and as one region of two whose other region only has its festival.
    """
    alone = _festival_world(tmp_path, churn=("华东", 28))
    test = market.retention_test(open_report(str(alone), "2026-02", "华东"))
    assert test["retained"] == 42 and test["baseline"] == pytest.approx(70 / 160)
    assert test["rate"] / test["baseline"] - 1 == pytest.approx(-0.4) and test["flagged"]
    assert [(f["segment"], f["severity"]) for f in _churn(open_report(str(alone), "2026-02", "华东"))] == [({}, "high")]
    pair = _festival_world(tmp_path, ("华东", "华南"), churn=("华东", 28))
    test = market.retention_test(open_report(str(pair), "2026-02", "华东"))
    assert test["peer_factor"] == pytest.approx(0.7) and test["flagged"]  # 华南's festival: 70 of 160
    # the company lost the same 28 of its seasonal 140 (−20 %): the company and its region
    assert [f["segment"] for f in _churn(open_report(str(pair), "2026-02", "ALL"))] == [{}, {"region": "华东"}]
    assert not _churn(open_report(str(pair), "2026-02", "华南"))


def test_a_regions_own_festival_explains_its_dip_where_its_peers_have_none(tmp_path):
    """华东's regulars stay away every 春节 (30 of 100), 华南's never do: the peers' factor is 1, and 华东's usual
    62.5 % made its festival month a 30 % churn rise. In the 春节 block a region's own year back (January 2025, its
    festival month: 70 of 160 against 100 of 160 before it, 0.7) explains a dip its peers do not share; 28 more
    regulars away on top of the festival still fire.
    """
    folder = _festival_world(tmp_path, ("华东", "华南"), calm=("华南",))
    test = market.retention_test(open_report(str(folder), "2026-02", "华东"))
    assert (test["window_buyers"], test["retained"]) == (160, 70)
    assert test["peer_factor"] == pytest.approx(0.7) and not test["flagged"]
    assert not _churn(open_report(str(folder), "2026-02", "ALL"))
    churned = _festival_world(tmp_path, ("华东", "华南"), churn=("华东", 28), calm=("华南",))
    test = market.retention_test(open_report(str(churned), "2026-02", "华东"))
    assert test["retained"] == 42 and test["baseline"] == pytest.approx(70 / 160) and test["flagged"]
    ordinary = market.retention_test(open_report(str(folder), "2025-12", "华东"))  # outside the block: peers only
    assert ordinary["peer_factor"] == pytest.approx(1.0)


def test_a_festival_month_without_a_year_back_is_listed_to_watch_not_raised(tmp_path):
    """January 2025 holds 春节 and 30 of 100 regulars stay away: 70 of 160 back against the usual 100 of 160. A year
    back is February 2024, the data's second month, with too few months before it to measure the festival by, and
    the company has no peers: a late return cannot be told from churn. The fall is listed, low, saying why."""
    folder = _festival_world(tmp_path)
    report = open_report(str(folder), "2025-01", "ALL")
    test = market.retention_test(report)
    assert (test["retained"], test["window_buyers"]) == (70, 160) and test["flagged"] and test["festival_unknown"]
    found = _churn(report)  # the company and its one region, which has no peers either
    assert [(f["segment"], f["severity"]) for f in found] == [({}, "low"), ({"region": "华东"}, "low")]
    assert "春节前后" in found[0]["detail"] and "先列为观察项" in found[0]["detail"]
    english = _churn(open_report(str(folder), "2025-01", "ALL", lang="en"))[0]
    assert "Spring Festival block" in english["detail"]
    assert not market.retention_test(open_report(str(folder), "2026-02", "ALL"))["festival_unknown"]  # measured


def test_a_usual_rate_read_off_one_buyer_is_no_certain_churn(tmp_path):
    """Chinook as a flat export, by country: 荷兰's one customer bought in July and August, not in September.

    Its usual retention is 1 of 1 (August) = 100 %; the binomial said 0 of 1 was impossible (p = 0) and raised a
    high churn rise on one customer. Measured on one buyer the usual rate is unsure: P(0 of 1) is 0.25
    (Beta(1.5, 0.5)), no finding. 华东's 20 regulars buy on every month's last day.
    """
    rows = [(f"R{k}", f"{m}-{pd.Period(m).days_in_month}", "华东") for m in MONTHS[:12] for k in range(20)]
    rows += [("NL1", "2026-07-10", "荷兰"), ("NL1", "2026-08-10", "荷兰")]
    folder = write_orders(tmp_path / "one_buyer", rows)
    r = open_report(str(folder), "2026-09", "ALL")
    test = market.retention_test(r, "荷兰")
    assert (test["window_buyers"], test["retained"], test["usual"]) == (1, 0, 1.0)
    assert test["p_value"] == pytest.approx(0.25) and not test["flagged"]
    assert not [f for f in market.angle_findings(r) if f["code"] == "customer_churn_rise"]


def test_without_acquisition_sources_the_new_customer_table_is_the_month_not_one_unknown_source(tmp_path):
    """:func:`regulars_from_may` with a customers table naming regions, no acquisition_channel: a by-source table
    would be one row, 获客来源 未知. The panel shows the month's new customers and their first revenue instead."""
    from salesnb.market.acquisition import new_customers_panel

    folder = regulars_from_may(tmp_path / "export")
    buyers = pd.read_csv(folder / "orders.csv")["customer_id"].drop_duplicates()
    pd.DataFrame({"customer_id": buyers, "region": "华东"}).to_csv(folder / "customers.csv", index=False)
    report = open_report(str(folder), "2026-10")
    assert "acquisition_channel" not in report.ds.present_columns["customers"]
    table = new_customers_panel(report).table
    assert "获客来源" not in table.columns and list(table["月份"]) == ["2026-10"]
    assert list(table["新客户数"]) == ["1"]


def test_the_usual_counts_are_means_said_to_a_decimal_and_add_up():
    """The usual column holds six months' means: 74.5 buyers in the window = 18.5 back + 56 lapsed, not 74 / 18 / 56
    (or, for the Istanbul malls of round 24, 570 = 1 + 570); a whole mean stays whole, thousands are separated."""
    from salesnb.market.common import fmt_count
    from salesnb.market.retention import retention_panel

    table = retention_panel(open_report("data/sample", "2026-10", "西南")).table.set_index("指标")
    usual = table["近6月常态"]
    assert usual[["本月成交客户", "老客户成交数", "近3月有购买的客户"]].tolist() == ["34.2", "27.8", "74.5"]
    assert usual[["其中本月再购买", "其中本月未购买（流失）"]].tolist() == ["18.5", "56"]
    assert table.loc["近3月有购买的客户", "本月"] == "77"
    assert (fmt_count(12345.64), fmt_count(1234.0), fmt_count(None)) == ("12,345.6", "1,234", "—")
