"""Target realism: the seasonal run-rate and the target_misaligned rule."""

import pandas as pd
import pytest

from salesnb import team
from salesnb.report import open_report
from salesnb.team.targets import settled_month
from team.helpers import BASE_REPS, base_sales, base_targets, build, open_tiny


def test_target_misaligned_against_run_rate(tmp_path):
    targets = base_targets()
    targets[("R1", "2026-10")] = 1800  # 华东: 2000 against a run-rate of 800
    report = open_tiny(tmp_path, build(BASE_REPS, base_sales(), targets))
    frame = team.target_frame(report).set_index("segment")
    assert frame.loc["华东", "expected"] == pytest.approx(800) and frame.loc["华东", "method"] == "trailing"
    assert frame.loc["华东", "ratio"] == pytest.approx(2.5) and bool(frame.loc["华东", "flagged"])
    (f,) = [f for f in team.angle_findings(report) if f["code"] == "target_misaligned"]
    assert f["segment"] == {} and f["effect"] == pytest.approx(1200) and f["severity"] == "high"
    overall = team.target_frame(open_report(report.ds.source, "2026-10", "ALL", dataset=report.ds))
    assert list(overall["segment"]) == ["ALL", "华东", "华南"]
    assert overall.set_index("segment").loc["华南", "ratio"] == pytest.approx(1.0)


def test_a_target_the_month_bore_out_is_not_misaligned(tmp_path):
    """华东's target 2000 (R1 1800, R2 200) is 2.5× its run-rate of 800: flagged while the month's 1200 missed
    it, nearer the run-rate (1.5× it) than the target (1.67× the month). Had the month sold 2100 (the target met: the
    run-rate was what missed) or 1400 (nearer the target: it was within reach), or had a target of 500 (far
    below the run-rate) not even been reached (450), the target would explain nothing: not flagged."""
    targets = base_targets()
    targets[("R1", "2026-10")] = 1800
    sales = base_sales()
    sales[("R1", "2026-10")] = [1000]
    frame = team.target_frame(open_tiny(tmp_path / "missed", build(BASE_REPS, sales, targets))).set_index("segment")
    assert frame.loc["华东", "ratio"] == pytest.approx(2.5) and bool(frame.loc["华东", "flagged"])
    sales[("R1", "2026-10")] = [1900]
    frame = team.target_frame(open_tiny(tmp_path / "met", build(BASE_REPS, sales, targets))).set_index("segment")
    assert frame.loc["华东", "ratio"] == pytest.approx(2.5) and not bool(frame.loc["华东", "flagged"])
    sales[("R1", "2026-10")] = [1200]  # 1400 sold: log(2000 / 1400) = 0.36 against log(1400 / 800) = 0.56
    frame = team.target_frame(open_tiny(tmp_path / "near", build(BASE_REPS, sales, targets))).set_index("segment")
    assert not bool(frame.loc["华东", "flagged"])
    targets[("R1", "2026-10")] = 300
    sales[("R1", "2026-10")] = [250]
    frame = team.target_frame(open_tiny(tmp_path / "low", build(BASE_REPS, sales, targets))).set_index("segment")
    assert frame.loc["华东", "ratio"] == pytest.approx(0.625) and not bool(frame.loc["华东", "flagged"])
    sales[("R1", "2026-10")] = [700]  # 900 sold: the low target beaten
    frame = team.target_frame(open_tiny(tmp_path / "beaten", build(BASE_REPS, sales, targets))).set_index("segment")
    assert bool(frame.loc["华东", "flagged"])


def test_seasonal_expectation_uses_the_company_season(tmp_path):
    months = [str(p) for p in pd.period_range("2025-06", "2026-10", freq="M")]
    sales = {("R1", m): [200 if m == "2025-10" else 100] for m in months}
    report = open_tiny(tmp_path, build(BASE_REPS[:1], sales, {("R1", "2026-10"): 200}))
    expected, method = team.seasonal_expectation(report, "2026-10", "华东")
    assert method == "seasonal" and expected == pytest.approx(200)  # level 100 × (200 / 100)
    assert team.seasonal_expectation(report, "2025-08", "华东") == (pytest.approx(100), "trailing")


def test_a_festival_month_is_planned_from_last_years_festival_month(tmp_path):
    """春节: 2024-02-10, 2025-01-29. Sales 100 a month, 50 in each festival month. For 2025-02 the trailing months
    (2024-11, 2024-12, 2025-01: mean 250/3) are set against 2023-11, 2023-12 and 2024-02 (the festival February,
    also 250/3), the month itself against 2024-01 (100): 250/3 × 100 / (250/3) = 100. By calendar month it was
    250/3 × 50 / 100 ≈ 42, a February dip that did not come this year."""
    months = [str(p) for p in pd.period_range("2023-11", "2025-02", freq="M")]
    sales = {("R1", m): [50 if m in ("2024-02", "2025-01") else 100] for m in months}
    report = open_tiny(tmp_path, build(BASE_REPS[:1], sales, {("R1", "2025-02"): 100}), period="2025-02")
    assert team.seasonal_expectation(report, "2025-02", "华东") == (pytest.approx(100), "seasonal")


def test_the_datas_warm_up_sets_no_seasonal_factor(tmp_path):
    """Data from 2025-05, whose first month is partial (10 against 100 a month after it). For 2026-08 the
    year-ago window (2025-05..07) reaches into the warm-up: taken as real it made the run-rate
    100 × 100 / ((10 + 100 + 100) / 3) ≈ 143; left out, the data start at 2025-06 and the window is not there."""
    months = [str(p) for p in pd.period_range("2025-05", "2026-10", freq="M")]
    sales = {("R1", m): [10 if m == "2025-05" else 100] for m in months}
    report = open_tiny(tmp_path, build(BASE_REPS[:1], sales, {("R1", "2026-10"): 100}))
    assert settled_month(report) == "2025-06"
    assert team.seasonal_expectation(report, "2026-08", "华东") == (pytest.approx(100), "trailing")
    assert team.seasonal_expectation(report, "2026-09", "华东") == (pytest.approx(100), "seasonal")


def test_the_trailing_run_rate_is_judged_by_its_own_misses(tmp_path):
    """Ten months swinging 60/140 (a season the trailing run-rate cannot see). For 2026-10 the run-rate is the
    mean of 07-09 (140, 60, 140: 340/3) against a target of 150 (ratio 1.32, outside the 25% band). The trailing
    run-rate missed the past months (02-09, from the months of data before each) by about ±0.5 on the log scale
    in turn: twice that spread is a tolerance of exp(2 × sd) − 1 > 1, and the target is within it. (Judged by
    the seasonal run-rate's 25% band it was flagged.)"""
    import math

    months = [str(p) for p in pd.period_range("2026-01", "2026-10", freq="M")]
    sales = {("R1", m): [140 if k % 2 == 0 else 60] for k, m in enumerate(months)}
    report = open_tiny(tmp_path, build(BASE_REPS[:1], sales, {("R1", "2026-10"): 150}))
    row = team.target_frame(report).set_index("segment").loc["华东"]
    assert row["method"] == "trailing" and row["expected"] == pytest.approx(340 / 3)
    errors = [math.log(60 / 140), math.log(140 / 100)]  # 02 against 01 alone, 03 against the mean of 01-02
    errors += [math.log(60 / (340 / 3)) if k % 2 else math.log(140 / (260 / 3)) for k in range(3, 9)]  # 04-09
    sd = float(pd.Series(errors).std())
    assert row["tolerance"] == pytest.approx(math.exp(2 * sd) - 1, rel=1e-6) and row["tolerance"] > 1
    assert not bool(row["flagged"])


def test_the_seasonal_run_rates_error_needs_half_a_year_of_its_months(tmp_path):
    """A season of 140/60 every other month, kept from one year to the next. For 2026-10 the seasonal run-rate
    applies from the first month whose year-ago trailing window (3 months) is in the data: from 2026-05 when the
    data start in 2025-02 (five months measured), from 2026-04 when they start in 2025-01 (six). Five misses of
    0 said it never misses, and a clean region's target 35 % above it was called misaligned; with fewer than six
    the trailing run-rate's error (the season's whole swing: an upper bound) stands in, as with none."""
    import math

    from salesnb.team.targets import run_rate_error

    tolerances = {}
    for start in ("2025-02", "2025-01"):
        months = [str(p) for p in pd.period_range(start, "2026-10", freq="M")]
        sales = {("R1", m): [140 if pd.Period(m).month % 2 == 0 else 60] for m in months}
        report = open_tiny(tmp_path / start, build(BASE_REPS[:1], sales, {("R1", "2026-10"): 100}))
        seasonal = run_rate_error(report, "华东", method="seasonal")
        assert (seasonal is None) == (start == "2025-02")
        row = team.target_frame(report).set_index("segment").loc["华东"]
        assert row["method"] == "seasonal"
        tolerances[start] = row["tolerance"]
        if seasonal is None:
            trailing = run_rate_error(report, "华东", method="trailing")
            assert row["tolerance"] == pytest.approx(math.exp(2 * trailing) - 1)
    assert tolerances["2025-02"] > 1 and tolerances["2025-01"] == pytest.approx(0.25)


def test_a_season_the_company_s_month_refuted_is_no_region_s_misaligned_target(tmp_path):
    """Three regions of one rep, each selling 1,000 a month (a run-rate of 1,000). In 2026-10 every region's target
    is 2,000 and the company sells 5,100 of its 6,000: nearer its target than its run-rate of 3,000 (log 0.16
    against 0.53), so the run-rate's season missed the month, and twice the run-rate is the regions' common plan
    (their median ratio). 华东 sold 1,300, nearer its own run-rate than its target (log 0.26 against 0.43): before,
    flagged "target 200 % of the run-rate" in both reports; against 1,000 × 2 it is in line (ratio 1), not flagged.
    A region whose target stands out of the common plan (华东 at 4,000: twice the others') is still flagged."""
    reps = [("R1", "华东", "2020-01-01"), ("R2", "华南", "2020-01-01"), ("R3", "华北", "2020-01-01")]
    sales = {(rep, m): [100] * 10 for rep, _, _ in reps for m in ["2026-07", "2026-08", "2026-09"]}
    sales |= {("R1", "2026-10"): [100] * 13, ("R2", "2026-10"): [100] * 19, ("R3", "2026-10"): [100] * 19}
    targets = {(rep, m): 1000 for rep, _, _ in reps for m in ["2026-07", "2026-08", "2026-09"]}
    targets |= {(rep, "2026-10"): 2000 for rep, _, _ in reps}
    tables = build(reps, sales, targets)
    for region in ("ALL", "华东"):
        report = open_tiny(tmp_path / f"shared-{region}", tables, region=region)
        assert team.targets.season_missed(report) == pytest.approx(2.0)
        frame = team.target_frame(report).set_index("segment")
        assert frame.loc["华东", "expected"] == pytest.approx(2000) and frame.loc["华东", "ratio"] == pytest.approx(1)
        assert not frame["flagged"].any()
        assert not [f for f in team.angle_findings(report) if f["code"] == "target_misaligned"]
        assert "200.0%" in team.target_panel(report).note  # the panel says why the regions' run-rates moved
    report = open_tiny(tmp_path / "alone", build(reps, sales, targets | {("R1", "2026-10"): 4000}), region="ALL")
    frame = team.target_frame(report).set_index("segment")
    assert frame.loc["华东", "expected"] == pytest.approx(2000) and frame.loc["华东", "ratio"] == pytest.approx(2)
    assert list(frame.index[frame["flagged"]]) == ["华东"]
