"""Underperformers: attainment and an improbably low revenue against the rep's own history and peers."""

import math

import pandas as pd
import pytest
from scipy import stats

from salesnb import team
from salesnb.report import open_report
from salesnb.stats import compound_low
from salesnb.team.common import absent_months, count_swing
from team.helpers import BASE_REPS, MONTHS, base_sales, base_targets, build, open_tiny


def test_rep_underperform_found_with_gap_as_effect(tmp_path):
    sales = base_sales()
    sales[("R1", "2026-10")] = []  # R1 usually sells 6 orders a month; none this month
    sales[("R2", "2026-10")] = [100] * 3
    report = open_tiny(tmp_path, build(BASE_REPS, sales, base_targets()))
    frame = team.underperform_frame(report).set_index("rep_id")
    assert frame.loc["R1", "usual_orders"] == pytest.approx(6.0) and frame.loc["R1", "expected"] == 600
    # a month without any order, for a rep of 6 orders a month whose sizes never vary: the Poisson chance e⁻⁶
    # (the spread of log revenue, 1/√6 over 3 months, would call it a 1-in-10¹⁰ month)
    assert frame.loc["R1", "p_value"] == pytest.approx(math.exp(-6))
    assert frame.loc["R1", "q_value"] == pytest.approx(2 * math.exp(-6))  # 0.005 over the 2 reps: strong
    assert bool(frame.loc["R1", "flagged"]) and not bool(frame.loc["R2", "flagged"])
    found = [f for f in team.angle_findings(report) if f["code"] == "rep_underperform"]
    assert len(found) == 1
    f = found[0]
    assert f["segment"] == {"rep_id": "R1"} and f["value"] == 0 and f["baseline"] == 1.0
    assert f["effect"] == 600 and f["severity"] == "high"  # 600 at stake against 300 of revenue
    assert "R1" in f["title"] and f["action"]


def test_new_reps_are_not_underperformers_and_a_lumpy_month_is_no_evidence(tmp_path):
    reps = [*BASE_REPS, ("R3", "华东", "2026-08-20")]
    sales = base_sales()
    sales[("R2", "2026-10")] = [50]  # 2 orders usually, 1 now: attainment 25%, but a 2-order rep is lumpy
    targets = {**base_targets(), ("R3", "2026-10"): 200}
    report = open_tiny(tmp_path, build(reps, sales, targets))
    frame = team.underperform_frame(report).set_index("rep_id")
    assert frame.loc["R2", "attainment"] == pytest.approx(0.25)
    # 50 of the usual 200 is less than one order of 100: a month of 2 orders on average has none with chance e⁻²
    # (13.5%), a month in seven. The spread of log revenue (1/√2) called it p 0.045, a finding on a coin toss.
    assert frame.loc["R2", "p_value"] == pytest.approx(math.exp(-2))
    assert frame.loc["R3", "tenure_months"] < 3  # the new hire is the ramp analysis's, not tested here
    assert not frame["flagged"].any()
    assert not [f for f in team.angle_findings(report) if f["code"] == "rep_underperform"]
    note = team.underperform_panel(report).note  # the section is named for reps far below target: none are
    assert note.startswith("本月没有代表远低于个人目标且超出其平时的月度波动")


def test_underperform_panel_shows_the_lowest_and_every_flagged_rep(tmp_path):
    """A company with many reps: the chart and table keep the 2×top_n lowest plus any flagged rep."""

    config = tmp_path / "small.yaml"
    config.write_text("report:\n  top_n: 2\n", encoding="utf-8")
    report = open_report("", "2026-08", "ALL", config_path=str(config))
    panel = team.underperform_panel(report)
    frame = panel.frame
    expected = frame[frame["flagged"] | (frame.index < 4)]
    assert len(frame) > 10 and len(panel.table) == len(expected) < len(frame)
    assert list(panel.table.iloc[:, 0]) == list(expected["label"])
    assert "R015" in set(expected["rep_id"])  # the planted underperformer (华北 2026-08) stays in view
    assert str(len(frame)) in panel.note


def test_a_rep_losing_a_third_of_the_orders_is_found_and_steady_reps_are_not(tmp_path):
    """The business rule (orders ≥ 30% below the rep's usual) fires; the Poisson evidence, adjusted over the reps
    tested, confirms it; a 37% fall is a collapse: at least medium although attainment is still 63%."""
    sales = {key: [100] * 30 if key[0] == "R1" else amounts for key, amounts in base_sales().items()}
    sales[("R1", "2026-10")] = [100] * 19  # usually 30 orders; 19 now (−37%)
    targets = {**base_targets(), **{("R1", m): 3000 for m in MONTHS}}
    report = open_tiny(tmp_path, build(BASE_REPS, sales, targets))
    frame = team.underperform_frame(report).set_index("rep_id")
    assert frame.loc["R1", "attainment"] == pytest.approx(19 / 30)  # above underperform_attainment (50%)
    assert frame.loc["R1", "q_value"] < 0.05 and bool(frame.loc["R1", "flagged"])
    assert not bool(frame.loc["R2", "flagged"])  # steady
    (f,) = [f for f in team.angle_findings(report) if f["code"] == "rep_underperform"]
    assert f["segment"] == {"rep_id": "R1"} and f["severity"] in {"medium", "high"}
    clean = {**sales, ("R1", "2026-10"): [100] * 30}
    assert not team.underperform_frame(open_tiny(tmp_path / "clean", build(BASE_REPS, clean, targets)))["flagged"].any()


def test_a_fall_the_whole_region_shares_is_not_one_reps_but_a_rep_falling_alone_is(tmp_path):
    """Four settled reps in 华东: when all sell a third of their usual, the peers' median (1/3) explains each rep's
    month; when R1 alone falls to a third (6 orders of its usual 18, sizes alike), R1 is 1/3 of the expected: the
    Poisson chance of at most 6 orders when 18 are usual, p 0.0015, q 0.0062 over the 4 reps tested: high (1,200 of
    1,800 at stake)."""
    reps = [*BASE_REPS, ("R5", "华东", "2020-01-01"), ("R6", "华东", "2020-01-01")]
    usual = {"R1": 18, "R2": 3, "R5": 6, "R6": 6}
    sales = {(rep, m): [100] * n for rep, n in usual.items() for m in MONTHS}
    targets = {(rep, m): 100 * n for rep, n in usual.items() for m in MONTHS}
    shared = {**sales, **{(rep, "2026-10"): [100] * (n // 3) for rep, n in usual.items()}}
    frame = team.underperform_frame(open_tiny(tmp_path / "all", build(reps, shared, targets))).set_index("rep_id")
    assert frame["change"].abs().max() < 1e-9 and not frame["flagged"].any()
    alone = {**sales, ("R1", "2026-10"): [100] * 6}
    report = open_tiny(tmp_path / "alone", build(reps, alone, targets))
    frame = team.underperform_frame(report).set_index("rep_id")
    assert frame.loc["R1", "expected"] == pytest.approx(1800) and frame.loc["R1", "change"] == pytest.approx(-2 / 3)
    assert frame.loc["R1", "p_value"] == pytest.approx(stats.poisson.cdf(6, 18))
    assert frame.loc["R1", "q_value"] == pytest.approx(4 * frame.loc["R1", "p_value"])
    assert list(frame.index[frame["flagged"]]) == ["R1"]
    (f,) = [f for f in team.angle_findings(report) if f["code"] == "rep_underperform"]
    assert f["effect"] == pytest.approx(1200) and f["severity"] == "high" and f["parent"] is None


def test_weak_evidence_is_a_medium_finding_in_the_region_report_not_in_the_company_report(tmp_path):
    """R1 sells 1 order of its usual 6 (−83%): the Poisson chance of at most 1 order when 6 are usual is 7e⁻⁶ =
    0.017; adjusted over the 2 reps of 华东, q 0.035 (over the 3 reps of the company 0.052): below weak_fdr (0.1),
    above strong_q (0.01) — a medium finding in the region report saying the evidence is weak, not one in the
    company report."""
    sales = {**base_sales(), ("R1", "2026-10"): [100]}
    tables = build(BASE_REPS, sales, base_targets())
    p = 7 * math.exp(-6)
    report = open_tiny(tmp_path / "region", tables)
    frame = team.underperform_frame(report).set_index("rep_id")
    assert frame.loc["R1", "p_value"] == pytest.approx(p) and p == pytest.approx(0.01735, abs=1e-5)
    assert frame.loc["R1", "q_value"] == pytest.approx(2 * p) and bool(frame.loc["R1", "flagged"])
    (f,) = [f for f in team.angle_findings(report) if f["code"] == "rep_underperform"]
    assert f["severity"] == "medium" and "证据尚弱" in f["detail"] and "p=0.017" in f["detail"]
    company = open_tiny(tmp_path / "all", tables, region="ALL")
    frame = team.underperform_frame(company).set_index("rep_id")
    assert frame.loc["R1", "q_value"] == pytest.approx(3 * p) and bool(frame.loc["R1", "flagged"])
    assert not [f for f in team.angle_findings(company) if f["code"] == "rep_underperform"]  # the region's


def test_a_reps_own_fall_does_not_lower_what_is_expected_of_it(tmp_path):
    """Four settled reps of 华东: R1 falls to a third, R2 to a half, R5 and R6 as usual. R1's peers (R2, R5, R6; not
    R1 itself) had a median month of 1: R1 is expected at its usual 900 (with R1 counted the median would be ¾)."""
    reps = [*BASE_REPS, ("R5", "华东", "2020-01-01"), ("R6", "华东", "2020-01-01")]
    usual = {"R1": 9, "R2": 4, "R5": 6, "R6": 6}
    sales = {(rep, m): [100] * n for rep, n in usual.items() for m in MONTHS}
    sales[("R1", "2026-10")], sales[("R2", "2026-10")] = [100] * 3, [100] * 2
    targets = {(rep, m): 100 * n for rep, n in usual.items() for m in MONTHS}
    frame = team.underperform_frame(open_tiny(tmp_path, build(reps, sales, targets))).set_index("rep_id")
    assert frame.loc["R1", "expected"] == pytest.approx(900) and frame.loc["R2", "expected"] == pytest.approx(400)
    assert frame.loc["R5", "expected"] == pytest.approx(600 * 0.5)  # R5's peers R1, R2, R6: median month ½


def test_without_targets_or_a_reps_table_a_rep_falling_alone_is_found_against_the_usual_level(tmp_path):
    """An export with the orders' reps only (no targets, no reps table): the team angle still runs, and R1 falling
    to a third of the expected 1,800 (6 orders against 18) is found on the fall alone, as with targets: p the Poisson
    chance of at most 6 orders, q over the 4 reps tested, high (1,200 at stake). R7, first selling in 2026-09, has no
    hire date: its tenure is its 1 month of sales, too new to be tested although it sold a third of its usual."""
    usual = {"R1": 18, "R2": 3, "R5": 6, "R6": 6}
    sales = {(rep, m): [100] * n for rep, n in usual.items() for m in MONTHS}
    sales |= {("R1", "2026-10"): [100] * 6, ("R7", "2026-09"): [100] * 18, ("R7", "2026-10"): [100] * 6}
    reps = [(rep, "华东", "") for rep in [*usual, "R7"]]
    tables = build(reps, sales, {})
    del tables["reps"]
    report = open_tiny(tmp_path, tables)
    assert team.ANGLE.ready(report.ds) and not report.ds.has("targets")
    frame = team.underperform_frame(report).set_index("rep_id")
    assert frame.loc["R1", "expected"] == pytest.approx(1800) and math.isnan(frame.loc["R1", "attainment"])
    assert frame.loc["R1", "q_value"] == pytest.approx(4 * stats.poisson.cdf(6, 18))
    assert frame.loc["R7", "tenure_months"] == 1 and math.isnan(frame.loc["R7", "q_value"])
    assert list(frame.index[frame["flagged"]]) == ["R1"]
    (f,) = [f for f in team.angle_findings(report) if f["code"] == "rep_underperform"]
    assert f["metric"] == "revenue_vs_expected" and f["value"] == pytest.approx(1 / 3) and f["baseline"] == 1.0
    assert f["effect"] == pytest.approx(1200) and f["severity"] == "high"
    assert f["title"] == "R1 业绩远低于其正常水平" and "应约 1,800，少了 66.7%" in f["detail"]
    assert team.angle_metrics(report)["reps_far_below_usual"] == 1
    panel = team.underperform_panel(report)
    assert "数据中没有个人目标" in panel.note and "占正常水平" in panel.table.columns
    assert list(panel.table["占正常水平"])[0] == "33.3%" and panel.figure.axes[0].get_xlabel() == "占正常水平"
    chance = frame.loc[panel.frame["rep_id"].iloc[0], "p_value"]  # shown as a share, like the market's and products'
    assert list(panel.table["偶然概率"])[0] == (f"{chance:.1%}" if chance >= 0.0005 else "<0.1%")


def test_a_rep_whose_sales_end_in_the_month_is_leaving_not_underperforming(tmp_path):
    """No reps table, so no leave date: R1 sells 3 of its usual 9 in 2026-10 and nothing after, while the others
    sell on into 2026-11. R1 was leaving (its accounts to hand over), not to be coached: not tested. The same fall
    in the data's last month cannot be told from a bad month and is tested (the test above)."""
    usual = {"R1": 9, "R2": 3, "R5": 6, "R6": 6}
    sales = {(rep, m): [100] * n for rep, n in usual.items() for m in MONTHS}
    sales |= {("R1", "2026-10"): [100] * 3} | {(rep, "2026-11"): [100] * n for rep, n in usual.items() if rep != "R1"}
    tables = build([(rep, "华东", "") for rep in usual], sales, {})
    del tables["reps"]
    frame = team.underperform_frame(open_tiny(tmp_path, tables)).set_index("rep_id")
    assert frame.loc["R1", "change"] == pytest.approx(-2 / 3) and frame.loc["R1", "tenure_months"] == 3
    assert math.isnan(frame.loc["R1", "q_value"]) and not frame["flagged"].any()


def test_without_a_reps_table_the_company_report_compares_a_rep_with_its_region_s_reps(tmp_path):
    """In 2026-10 华东's reps all sell a third of their usual and 华南's R4 sells as usual: in the company report
    each rep is compared with the reps of the region most of its sales are in, so no 华东 rep fell alone."""
    usual = {"R1": 9, "R2": 3, "R5": 6, "R4": 6}
    sales = {(rep, m): [100] * n for rep, n in usual.items() for m in MONTHS}
    sales |= {(rep, "2026-10"): [100] * (n // 3) for rep, n in usual.items() if rep != "R4"}
    tables = build([(rep, "华南" if rep == "R4" else "华东", "") for rep in usual], sales, {})
    del tables["reps"]
    report = open_tiny(tmp_path, tables, region="ALL")
    from salesnb.team.common import peer_groups

    assert peer_groups(report, pd.Index(["R1", "R4"])).to_dict() == {"R1": "华东", "R4": "华南"}
    assert not team.underperform_frame(report)["flagged"].any()


def test_a_region_of_two_reps_reads_the_month_from_the_company_s_reps(tmp_path):
    """华东 has two reps (R1 18 orders a month, R2 6), 华南 four (6 each). In 2026-10 every rep sells a third of the
    usual (a season): 华东's two reps are too few to read the month from (MIN_PEERS), so the month is read from the
    company's other settled reps, as the company report does — their median is ⅓, R1 is expected at 600 and sold
    600: no finding (before, the factor was 1: R1 expected at 1,800, p = P(≤ 6 | 18) = 0.0015, flagged high in the
    region report alone). R1 falling to a third while the company sells as usual is still R1's own fall."""
    reps = [("R1", "华东", "2020-01-01"), ("R2", "华东", "2020-01-01")]
    reps += [(f"R{k}", "华南", "2020-01-01") for k in (4, 7, 8, 9)]
    usual = {"R1": 18, "R2": 6, "R4": 6, "R7": 6, "R8": 6, "R9": 6}
    sales = {(rep, m): [100] * n for rep, n in usual.items() for m in MONTHS}
    targets = {(rep, m): 100 * n for rep, n in usual.items() for m in MONTHS}
    season = {**sales, **{(rep, "2026-10"): [100] * (n // 3) for rep, n in usual.items()}}
    for region in ("华东", "ALL"):
        report = open_tiny(tmp_path / f"season-{region}", build(reps, season, targets), region=region)
        frame = team.underperform_frame(report).set_index("rep_id")
        assert frame.loc["R1", "expected"] == pytest.approx(600) and frame.loc["R1", "change"] == pytest.approx(0)
        assert not frame["flagged"].any()
    alone = {**sales, ("R1", "2026-10"): [100] * 6}
    frame = team.underperform_frame(open_tiny(tmp_path / "alone", build(reps, alone, targets))).set_index("rep_id")
    assert frame.loc["R1", "expected"] == pytest.approx(1800)
    assert frame.loc["R1", "p_value"] == pytest.approx(stats.poisson.cdf(6, 18))
    assert list(frame.index[frame["flagged"]]) == ["R1"]


def test_weak_evidence_below_the_indicative_gate_is_reported_in_the_region_only(tmp_path):
    """R1 sells 4 orders a month and 1 in 2026-10 (25% of target): the Poisson chance of at most 1 when 4 are
    usual is 5e⁻⁴ = 0.092; over 华东's 2 reps q 0.183 — above weak_fdr (0.1) but below indicative_q (0.2): indicated,
    a medium finding in the region's report. The company report (q over 3 reps 0.275) leaves it out."""
    sales = {(rep, m): [100] * n for rep, n in (("R1", 4), ("R2", 2), ("R4", 3)) for m in MONTHS}
    sales[("R1", "2026-10")] = [100]
    targets = {(rep, m): 100 * n for rep, n in (("R1", 4), ("R2", 2), ("R4", 3)) for m in MONTHS}
    tables = build(BASE_REPS, sales, targets)
    p = 5 * math.exp(-4)
    report = open_tiny(tmp_path / "region", tables)
    frame = team.underperform_frame(report).set_index("rep_id")
    assert frame.loc["R1", "p_value"] == pytest.approx(p) and frame.loc["R1", "q_value"] == pytest.approx(2 * p)
    assert 0.1 < 2 * p < 0.2 and list(frame.index[frame["flagged"]]) == ["R1"]
    (f,) = [f for f in team.angle_findings(report) if f["code"] == "rep_underperform"]
    assert f["severity"] == "medium" and "证据尚弱" in f["detail"]
    company = team.underperform_frame(open_tiny(tmp_path / "all", tables, region="ALL")).set_index("rep_id")
    assert company.loc["R1", "q_value"] == pytest.approx(3 * p) and not company["flagged"].any()


def test_reps_who_left_are_no_peers_selling_nothing(tmp_path):
    """华东: R1 (18 orders a month), R2 (6), and R8, R9 (6) who left on 2026-09-05 and sold nothing after. In
    2026-10 R1 sells 6. Counted as peers selling nothing, R8 and R9 made R1's month factor the median of 1, 0, 0 = 0
    (no expectation: R1 untested); gone, they leave R2 alone in the region (fewer than MIN_PEERS), so the month is
    read from the company's reps with a month (R2 and 华南's three: 1): R1 expected at 1,800, P(≤ 6 | 18)."""
    reps = [("R1", "华东", "2020-01-01"), ("R2", "华东", "2020-01-01"), ("R8", "华东", "2020-01-01")]
    reps += [("R9", "华东", "2020-01-01"), *((f"R{k}", "华南", "2020-01-01") for k in (4, 7, 10))]
    usual = {"R1": 18, "R2": 6, "R8": 6, "R9": 6, "R4": 6, "R7": 6, "R10": 6}
    sales = {
        (rep, m): [100] * n for rep, n in usual.items() for m in MONTHS if rep not in ("R8", "R9") or m < "2026-09"
    }
    sales[("R1", "2026-10")] = [100] * 6
    targets = {(rep, m): 100 * n for rep, n in usual.items() for m in MONTHS}
    tables = build(reps, sales, targets)
    for rep in tables["reps"]:
        rep["leave_date"] = "2026-09-05" if rep["rep_id"] in ("R8", "R9") else ""
    report = open_tiny(tmp_path, tables)
    revenue = team.rep_months(report)["revenue"].unstack("month")
    gone = absent_months(report, revenue)
    assert gone.loc["R8"].tolist() == [False, False, True, True] and not gone.loc[["R1", "R2"]].to_numpy().any()
    frame = team.underperform_frame(report).set_index("rep_id")
    assert frame.loc["R1", "expected"] == pytest.approx(1800)
    assert frame.loc["R1", "p_value"] == pytest.approx(stats.poisson.cdf(6, 18))
    assert list(frame.index[frame["flagged"]]) == ["R1"]


def test_a_rep_who_stopped_selling_is_gone_from_that_month_but_the_last_month_cannot_tell(tmp_path):
    """Without leave dates: a rep with no sale in a month nor after it had left; the data's last month stays."""
    sales = {(rep, m): [100] * 3 for rep in ("R1", "R2") for m in MONTHS}
    sales = {k: v for k, v in sales.items() if not (k[0] == "R2" and k[1] >= "2026-09")}
    tables = build([("R1", "华东", ""), ("R2", "华东", "")], sales, {})
    del tables["reps"]
    report = open_tiny(tmp_path, tables)
    revenue = team.rep_months(report)["revenue"].unstack("month").reindex(columns=MONTHS)
    gone = absent_months(report, revenue)
    assert gone.loc["R2"].tolist() == [False, False, True, False]  # 2026-10 is the data's last month
    assert not gone.loc["R1"].any()


def test_without_targets_a_rep_whose_month_went_to_nothing_is_judged(tmp_path):
    """No targets, no reps table: R1 sells 18 orders of 100 a month from 2026-06 but none in 2026-09, and 18 in
    2026-10. The orders have no row of R1 for September, yet R1 sold before and after: the deepest fall, not a rep
    off the team. Expected 1,800 (level 1,800 × the peers' factor 1); p the chance of no order at all when 18 are
    usual, e^-18 (the Poisson count; all orders alike); q over the 4 reps tested, 4 e^-18. The same empty month as
    the data's last month cannot be told from a rep who left and is not judged."""
    usual = {"R1": 18, "R2": 3, "R5": 6, "R6": 6}
    months = ["2026-06", *MONTHS]  # from 2026-06: three months' tenure at 2026-09
    sales = {(rep, m): [100] * n for rep, n in usual.items() for m in months if (rep, m) != ("R1", "2026-09")}
    tables = build([(rep, "华东", "") for rep in usual], sales, {})
    del tables["reps"]
    report = open_tiny(tmp_path, tables, period="2026-09")
    frame = team.underperform_frame(report).set_index("rep_id")
    assert frame.loc["R1", "revenue"] == 0 and frame.loc["R1", "orders"] == 0
    assert frame.loc["R1", "expected"] == pytest.approx(1800) and frame.loc["R1", "change"] == -1
    assert frame.loc["R1", "p_value"] == pytest.approx(math.exp(-18), rel=1e-9)
    assert frame.loc["R1", "q_value"] == pytest.approx(4 * math.exp(-18), rel=1e-9)
    assert list(frame.index[frame["flagged"]]) == ["R1"]
    (f,) = [f for f in team.angle_findings(report) if f["code"] == "rep_underperform"]
    assert f["value"] == 0 and f["effect"] == pytest.approx(1800) and f["severity"] == "high"
    last = {k: v for k, v in sales.items() if k[1] != "2026-10"} | {("R1", "2026-09"): [100] * 18}
    last |= {(rep, "2026-10"): [100] * n for rep, n in usual.items() if rep != "R1"}
    tables = build([(rep, "华东", "") for rep in usual], last, {})
    del tables["reps"]
    assert "R1" not in set(team.underperform_frame(open_tiny(tmp_path / "last", tables))["rep_id"])


def test_count_swing_reads_the_peers_count_factor_and_the_reps_own_overdispersion():
    """Four reps of one group over four history months and the period. B, C and D order 10 a month and 8 now: the
    peers' count factor of the period is 0.8 for everyone. A orders 4, 16, 4, 16 around its level of 10 (peers'
    factor 1 in those months): φ = mean((4 − 10)², (16 − 10)², …) ÷ 10 = 3.6; B's months sit on its expectation:
    φ 0, at least Poisson's 1."""
    history = ["m1", "m2", "m3", "m4"]
    counts = pd.DataFrame(
        {
            "m1": [4, 10, 10, 10],
            "m2": [16, 10, 10, 10],
            "m3": [4, 10, 10, 10],
            "m4": [16, 10, 10, 10],
            "p": [1, 8, 8, 8],
        },
        index=["A", "B", "C", "D"],
        dtype=float,
    )
    swing = count_swing(counts, "p", history, None, None)
    assert swing["factor"].tolist() == pytest.approx([0.8, 0.8, 0.8, 0.8])
    assert swing.loc["A", "dispersion"] == pytest.approx(3.6) and swing.loc["B", "dispersion"] == 1.0


def test_a_rep_whose_orders_come_in_bursts_has_empty_months_more_often_than_a_poisson_count(tmp_path):
    """R1's orders come in bursts: 3, 15 and 9 a month (usual 9; sizes 300, 60 and 100, so its revenue is 900 every
    month and the spread of log revenue sees nothing). One order of 100 now. Its months swing around their level
    with φ = ((3 − 9)² + (15 − 9)² + 0) ÷ 9 ÷ 3 = 8/3: the count is negative binomial with mean 9 and variance 24
    (n = 9 ÷ (8/3 − 1) = 5.4, success 3/8). P(0) = 0.375^5.4 = 0.0050, P(1) = 5.4 × 0.625 × P(0) = 0.0169, and one
    order is at most 100 with chance 24/27 (15 of 60 and 9 of 100 among the 27 sizes): p ≈ 0.0050 + 0.0169 × 0.889
    = 0.020, q 0.040 over the 2 reps of 华东: a finding to watch (medium), not the strong evidence of a Poisson
    count of 9 (p = e⁻⁹ (1 + 9 × 0.889) = 0.0011, q 0.0022: high)."""
    sales = base_sales()
    for month, (count, size) in zip(MONTHS[:-1], ((3, 300), (15, 60), (9, 100)), strict=True):
        sales[("R1", month)] = [size] * count
    sales[("R1", MONTHS[-1])] = [100]
    targets = {**base_targets(), **{("R1", m): 900 for m in MONTHS}}
    report = open_tiny(tmp_path, build(BASE_REPS, sales, targets))
    frame = team.underperform_frame(report).set_index("rep_id")
    assert frame.loc["R1", "usual_orders"] == pytest.approx(9.0) and frame.loc["R1", "expected"] == pytest.approx(900)
    sizes = [300] * 3 + [60] * 15 + [100] * 9
    assert frame.loc["R1", "p_value"] == pytest.approx(compound_low(1 / 9, 9.0, sizes, key="R1", spread=8 / 3))
    p0 = 0.375**5.4
    assert p0 == pytest.approx(0.005009, rel=1e-3)
    assert frame.loc["R1", "p_value"] == pytest.approx(p0 + 5.4 * 0.625 * p0 * 24 / 27, rel=0.05)
    assert frame.loc["R1", "q_value"] == pytest.approx(2 * frame.loc["R1", "p_value"])
    (f,) = [f for f in team.angle_findings(report) if f["code"] == "rep_underperform"]
    assert f["segment"] == {"rep_id": "R1"} and f["severity"] == "medium"
