import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tiny import write_tiny

from salesnb import team
from salesnb.data import facts
from salesnb.demo import generate_dataset, write_dataset
from salesnb.report import clean_json, open_report

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
CODES = {"rep_underperform", "rep_polarization", "new_hire_ramp_slow", "activity_low", "target_misaligned"}
MONTHS = ["2026-07", "2026-08", "2026-09", "2026-10"]


# ------------------------------------------------------------------------------------------ tiny team data


def build(reps, sales, targets, *, activities=(), opportunities=()):
    """Tables for a tiny team: ``sales`` maps (rep, month) to a list of order amounts (ordered on day 10).

    Every rep has one customer of its region; ``targets`` maps (rep, month) to the rep's target and a
    region target is the sum of its reps' targets.
    """
    tables = {
        "customers": [{"customer_id": f"C{r}", "region": region} for r, region, _ in reps],
        "reps": [
            {"rep_id": r, "rep_name": f"代表{r}", "region": region, "hire_date": hired} for r, region, hired in reps
        ],
        "orders": [],
        "targets": [],
    }
    region_of = {r: region for r, region, _ in reps}
    for (rep, month), amounts in sorted(sales.items()):
        for k, amount in enumerate(amounts):
            tables["orders"].append(
                {
                    "order_id": f"O{rep}-{month}-{k}",
                    "customer_id": f"C{rep}",
                    "order_date": f"{month}-{10 + k % 15:02d}",
                    "region": region_of[rep],
                    "rep_id": rep,
                    "channel": "直营",
                    "amount": amount,
                }
            )
    regions = {}
    for (rep, month), amount in sorted(targets.items()):
        tables["targets"].append({"period": month, "target_amount": amount, "region": "", "rep_id": rep})
        regions[(region_of[rep], month)] = regions.get((region_of[rep], month), 0) + amount
    for (region, month), amount in sorted(regions.items()):
        tables["targets"].append({"period": month, "target_amount": amount, "region": region, "rep_id": ""})
    if not tables["targets"]:
        del tables["targets"]
    if activities:
        tables["activities"] = list(activities)
    if opportunities:
        tables["opportunities"] = list(opportunities)
    return tables


def base_sales():
    sales = {}
    for month in MONTHS:
        sales[("R1", month)] = [100] * 6
        sales[("R2", month)] = [100] * 2
        sales[("R4", month)] = [100] * 3
    return sales


def base_targets():
    return {(rep, month): value for month in MONTHS for rep, value in (("R1", 600), ("R2", 200), ("R4", 300))}


BASE_REPS = [("R1", "华东", "2020-01-01"), ("R2", "华东", "2020-01-01"), ("R4", "华南", "2021-03-01")]


def open_tiny(tmp_path, tables, region="华东", period="2026-10", **kw):
    folder = write_tiny(tmp_path / "team", tables=tables)
    return open_report(str(folder), period, region, **kw)


# ------------------------------------------------------------------------------------------ gini properties


def test_gini_hand_computed():
    assert team.gini([5, 5, 5, 5]) == pytest.approx(0.0)
    assert team.gini([1, 2, 3, 4]) == pytest.approx(0.25)  # Σ|xi−xj| = 20 over 2·n²·mean = 80
    assert team.gini([0, 0, 0, 1]) == pytest.approx(0.75)  # one has all: (n−1)/n
    assert math.isnan(team.gini([])) and math.isnan(team.gini([0, 0]))
    assert team.top_share([1, 2, 3, 4, 10], 0.2) == pytest.approx(0.5)  # the top 1 of 5
    assert team.top_share([1, 1, 1, 1, 1, 1], 0.2) == pytest.approx(2 / 6)  # ceil(1.2) = 2 reps


def test_gini_properties_on_random_values():
    rng = np.random.default_rng(3)
    for _ in range(50):
        values = rng.gamma(0.8, 100.0, rng.integers(2, 40))
        g = team.gini(values)
        assert 0 <= g < 1
        assert g == pytest.approx(team.gini(values * 7.5))  # scale free
        assert g == pytest.approx(team.gini(rng.permutation(values)))  # order free
        n = len(values)
        pairs = np.abs(values[:, None] - values[None, :]).sum()
        assert g == pytest.approx(pairs / (2 * n * n * values.mean()))  # the mean-difference definition
        points = team.lorenz_points(values)
        assert points.iloc[-1].tolist() == pytest.approx([1.0, 1.0])
        assert (np.diff(points["revenue_share"]) >= 0).all()
        assert (points["revenue_share"] <= points["rep_share"] + 1e-12).all()  # below the equality line


# ------------------------------------------------------------------------------------------ frames


def test_rep_frame_hand_computed(tmp_path):
    opps = [
        {"opportunity_id": f"OP{k}", "created_at": "2026-09-01 10:00", "status": status, "rep_id": "R1",
         "region": "华东", "closed_at": "2026-10-05 10:00", "amount": 100}
        for k, status in enumerate(["won", "won", "lost"])
    ]  # fmt: skip
    report = open_tiny(tmp_path, build(BASE_REPS, base_sales(), base_targets(), opportunities=opps))
    frame = team.rep_frame(report).set_index("rep_id")
    assert list(frame.index) == ["R1", "R2"]  # 华东 reps only, by revenue
    assert frame.loc["R1", "revenue"] == 600 and frame.loc["R1", "orders"] == 6 and frame.loc["R1", "rank"] == 1
    assert frame.loc["R1", "attainment"] == pytest.approx(1.0) and frame.loc["R1", "aov"] == 100
    assert frame.loc["R1", "won"] == 2 and frame.loc["R1", "win_rate"] == pytest.approx(2 / 3)
    assert frame.loc["R2", "won"] == 0 and math.isnan(frame.loc["R2", "win_rate"])
    assert frame.loc["R1", "label"] == "代表R1（R1）"
    everyone = team.rep_frame(open_report(report.ds.source, "2026-10", "ALL", dataset=report.ds))
    assert set(everyone["rep_id"]) == {"R1", "R2", "R4"} and everyone["revenue"].sum() == 1100


def test_clean_tiny_team_is_quiet(tmp_path):
    report = open_tiny(tmp_path, build(BASE_REPS, base_sales(), base_targets()))
    assert team.angle_findings(report) == []
    assert team.underperform_frame(report)["flagged"].sum() == 0


def test_rep_underperform_found_with_gap_as_effect(tmp_path):
    sales = base_sales()
    sales[("R1", "2026-10")] = []  # R1 usually sells 6 orders a month; none this month
    sales[("R2", "2026-10")] = [100] * 3
    report = open_tiny(tmp_path, build(BASE_REPS, sales, base_targets()))
    frame = team.underperform_frame(report).set_index("rep_id")
    assert frame.loc["R1", "usual_orders"] == pytest.approx(6.0)
    assert frame.loc["R1", "p_value"] == pytest.approx(math.exp(-6))  # Poisson P(0 | 6)
    assert bool(frame.loc["R1", "flagged"]) and not bool(frame.loc["R2", "flagged"])
    found = [f for f in team.angle_findings(report) if f["code"] == "rep_underperform"]
    assert len(found) == 1
    f = found[0]
    assert f["segment"] == {"rep_id": "R1"} and f["value"] == 0 and f["baseline"] == 1.0
    assert f["effect"] == 600 and f["severity"] == "high"  # 600 at stake against 300 of revenue
    assert "R1" in f["title"] and f["action"]


def test_new_reps_and_one_lumpy_month_are_not_underperformers(tmp_path):
    reps = [*BASE_REPS, ("R3", "华东", "2026-08-20")]
    sales = base_sales()
    sales[("R2", "2026-10")] = [50]  # 2 orders usually, 1 now: attainment 25% but P(≤1 | 2) is 0.41
    targets = {**base_targets(), ("R3", "2026-10"): 200}
    report = open_tiny(tmp_path, build(reps, sales, targets))
    frame = team.underperform_frame(report).set_index("rep_id")
    assert frame.loc["R2", "attainment"] == pytest.approx(0.25)
    assert frame.loc["R2", "p_value"] == pytest.approx(3 * math.exp(-2))
    assert frame.loc["R3", "tenure_months"] < 3
    assert not frame["flagged"].any()


def test_new_hire_ramp_cohorts_and_finding(tmp_path):
    reps = [*BASE_REPS, ("R3", "华东", "2026-08-20"), ("R5", "华东", "2026-06-01")]
    sales = base_sales()
    sales[("R3", "2026-10")] = [20]
    sales[("R5", "2026-10")] = [30]
    targets = {**base_targets(), ("R3", "2026-10"): 200, ("R5", "2026-10"): 200}
    report = open_tiny(tmp_path, build(reps, sales, targets))
    frame = team.ramp_frame(report).set_index("cohort")
    assert list(frame.index) == ["<3", "3-6", "6-12", ">12"]
    assert frame.loc["<3", "reps"] == 1 and frame.loc["<3", "attainment"] == pytest.approx(0.1)
    assert frame.loc["3-6", "reps"] == 1 and frame.loc["3-6", "attainment"] == pytest.approx(0.15)
    assert frame.loc["6-12", "reps"] == 0 and math.isnan(frame.loc["6-12", "attainment"])
    assert frame.loc[">12", "reps"] == 2 and frame.loc[">12", "attainment"] == pytest.approx(1.0)
    assert frame.loc[">12", "trailing_attainment"] == pytest.approx(1.0)
    (f,) = [f for f in team.angle_findings(report) if f["code"] == "new_hire_ramp_slow"]
    assert f["segment"] == {"tenure_months": "<6"}
    assert f["value"] == pytest.approx(50 / 400) and f["baseline"] == pytest.approx(1.0)
    assert f["effect"] == pytest.approx(350)


def test_polarization_metrics_and_finding(tmp_path):
    reps = [(f"R{k}", "华东", "2020-01-01") for k in range(1, 7)]
    now = [1000, 100, 50, 20, 10, 10]
    sales = {(f"R{k}", m): [100] for k in range(1, 7) for m in MONTHS[:-1]}
    sales.update({(f"R{k}", "2026-10"): [v] for k, v in zip(range(1, 7), now, strict=True)})
    targets = {(f"R{k}", m): 100 for k in range(1, 7) for m in MONTHS[:-1]}
    targets.update({(f"R{k}", "2026-10"): 200 for k in range(1, 7)})
    report = open_tiny(tmp_path, build(reps, sales, targets))
    m = team.polarization_metrics(report)
    values = np.array(now, dtype=float)
    expected = np.abs(values[:, None] - values[None, :]).sum() / (2 * 36 * values.mean())
    assert m["gini"] == pytest.approx(expected) and m["gini"] == pytest.approx(0.7352941)
    assert m["baseline_gini"] == pytest.approx(0.0) and m["reps"] == 6
    assert m["top_share"] == pytest.approx(1100 / 1190)  # ceil(20% of 6) = 2 reps
    assert m["median_revenue"] == pytest.approx(35) and m["shortfall"] == pytest.approx(15 + 25 + 25)
    frame = team.polarization_frame(report)
    assert frame["share"].sum() == pytest.approx(1.0) and frame["revenue_share"].iloc[-1] == pytest.approx(1.0)
    (f,) = [f for f in team.angle_findings(report) if f["code"] == "rep_polarization"]
    assert f["segment"] == {} and f["effect"] == pytest.approx(65)


def test_activity_low_and_link(tmp_path):
    acts = []
    for month, r1, r2 in (("2026-07", 3, 5), ("2026-08", 2, 5), ("2026-09", 4, 5), ("2026-10", 0, 5)):
        for rep, count in (("R1", r1), ("R2", r2)):
            for k in range(count):
                acts.append(
                    {"activity_id": f"A{rep}{month}{k}", "rep_id": rep, "occurred_at": f"{month}-{k + 2:02d} 10:00",
                     "type": "拜访" if k % 2 else "电话"}
                )  # fmt: skip
    sales = {("R1", "2026-07"): [200], ("R1", "2026-08"): [100], ("R1", "2026-09"): [300], ("R1", "2026-10"): [100]}
    sales.update({("R2", m): [200] for m in MONTHS})
    report = open_tiny(tmp_path, build(BASE_REPS[:2], sales, {}, activities=acts))
    link = team.activity_link(report)
    assert link["slope"] == pytest.approx(100.0)  # R1: +2 activities ↔ +200 revenue; R2 constant
    frame = team.activity_frame(report).set_index("rep_id")
    assert frame.loc["ALL", "activities"] == 5 and frame.loc["ALL", "usual"] == pytest.approx(8.0)
    assert frame.loc["R2", "电话"] == 3 and frame.loc["R2", "拜访"] == 2
    assert frame.loc["R1", "usual"] == pytest.approx(3.0)
    assert not frame["flagged"].any()  # R1's usual 3 a month is too few to judge


def test_activity_low_flags_a_rep_who_stops(tmp_path):
    acts = [
        {"activity_id": f"A{rep}{month}{k}", "rep_id": rep, "occurred_at": f"{month}-{k + 1:02d} 10:00", "type": "拜访"}
        for rep, n in (("R1", 10), ("R2", 6))
        for month in MONTHS
        for k in range(n if not (rep == "R1" and month == "2026-10") else 0)
    ]
    report = open_tiny(tmp_path, build(BASE_REPS, base_sales(), base_targets(), activities=acts))
    frame = team.activity_frame(report).set_index("rep_id")
    assert frame.loc["R1", "z"] == pytest.approx(10 / math.sqrt(10))  # no spread: √usual as the floor
    assert bool(frame.loc["R1", "flagged"]) and not bool(frame.loc["R2", "flagged"])
    (f,) = [f for f in team.angle_findings(report) if f["code"] == "activity_low"]
    assert f["segment"] == {"rep_id": "R1"} and f["value"] == 0 and f["baseline"] == pytest.approx(10)
    assert f["effect"] == 0 and f["severity"] == "low"  # no measurable activity-revenue link in this data


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


def test_seasonal_expectation_uses_the_company_season(tmp_path):
    months = [str(p) for p in pd.period_range("2025-06", "2026-10", freq="M")]
    sales = {("R1", m): [200 if m == "2025-10" else 100] for m in months}
    report = open_tiny(tmp_path, build(BASE_REPS[:1], sales, {("R1", "2026-10"): 200}))
    expected, method = team.seasonal_expectation(report, "2026-10", "华东")
    assert method == "seasonal" and expected == pytest.approx(200)  # level 100 × (200 / 100)
    assert team.seasonal_expectation(report, "2025-08", "华东") == (pytest.approx(100), "trailing")


# ------------------------------------------------------------------------------------------ skipping, language


def test_missing_tables_skip(tmp_path):
    tables = build(BASE_REPS, base_sales(), base_targets())
    del tables["targets"], tables["reps"]
    report = open_tiny(tmp_path, tables)
    for panel in (team.underperform_panel(report), team.ramp_panel(report), team.target_panel(report)):
        assert panel.is_skipped and ("targets" in panel.note or "reps" in panel.note)
    assert team.activity_panel(report).is_skipped and "activities" in team.activity_panel(report).note
    assert team.angle_findings(report) == []
    assert team.rep_panel(report).frame["revenue"].sum() == 800  # ranking needs only orders
    metrics = team.angle_metrics(report)
    assert metrics["reps"] == 2 and "reps_far_below_target" not in metrics
    assert json.dumps(clean_json(metrics))


def test_panels_and_findings_in_english(tmp_path):
    sales = base_sales()
    sales[("R1", "2026-10")] = []
    report = open_tiny(tmp_path, build(BASE_REPS, sales, base_targets()), lang="en")
    (f,) = team.angle_findings(report)
    assert f["title"] == "代表R1 (R1) far below personal target" and "orders" in f["detail"]
    panels = [team.rep_panel(report), team.polarization_panel(report), team.underperform_panel(report)]
    panels += [team.ramp_panel(report), team.target_panel(report)]
    for panel in panels:
        assert panel.figure is not None and not panel.table.empty
    assert "Rep" in panels[0].table.columns and "Attainment" in panels[2].table.columns


def test_findings_are_deterministic(tmp_path):
    sales = base_sales()
    sales[("R1", "2026-10")] = []
    tables = build(BASE_REPS, sales, base_targets())
    first = team.angle_findings(open_tiny(tmp_path / "a", tables))
    second = team.angle_findings(open_tiny(tmp_path / "b", tables))
    assert json.dumps(clean_json(first), sort_keys=True) == json.dumps(clean_json(second), sort_keys=True)


# ------------------------------------------------------------------------------------------ sample and clean data


def test_planted_team_problems_are_found(sample):
    planted = [p for p in json.loads((SAMPLE / "planted.json").read_text()) if p["code"] in CODES]
    assert planted, "the sample plants rep_underperform"
    for plant in planted:
        report = open_report(str(SAMPLE), plant["period"], plant["region"], dataset=sample)
        hits = [
            f
            for f in team.angle_findings(report)
            if f["code"] == plant["code"] and plant["segment"].items() <= f["segment"].items()
        ]
        assert hits, f"{plant['code']} not found in {plant['region']} {plant['period']}"
        assert hits[0]["severity"] in ("high", "medium")


def test_sample_reports_render(sample):
    report = open_report(str(SAMPLE), "2026-08", "华北", dataset=sample)
    for fn in (team.rep_panel, team.polarization_panel, team.underperform_panel, team.ramp_panel):
        assert fn(report).figure is not None
    assert team.activity_panel(report).figure is not None and team.target_panel(report).figure is not None
    under = team.underperform_frame(report).set_index("rep_id")
    assert bool(under.loc["R015", "flagged"]) and under["flagged"].sum() == 1
    assert json.dumps(clean_json(team.angle_metrics(report)))


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clean_team")
    tables, planted = generate_dataset(seed=11, scale=0.5, plant=False)
    write_dataset(tables, planted, folder)
    return folder


def test_clean_data_stays_quiet(clean):
    ds = open_report(str(clean), "", "ALL").ds
    _, last = facts.data_months(ds)
    months = [str(pd.Period(last, freq="M") - k) for k in range(6)]
    highs, found, reports = [], [], 0
    for month in months:
        for region in ["ALL", *facts.regions(ds)]:
            findings = team.angle_findings(open_report(str(clean), month, region, dataset=ds))
            reports += 1
            found += findings
            highs.append(sum(f["severity"] == "high" for f in findings))
    assert {f["code"] for f in found} <= CODES
    assert sum(highs) <= 2, f"{sum(highs)} high-severity team findings in {reports} clean reports"
    assert sum(h == 0 for h in highs) >= 0.9 * reports
    assert len(found) <= reports // 2


def test_underperform_panel_shows_the_lowest_and_every_flagged_rep(tmp_path):
    """A company with many reps: the chart and table keep the 2×top_n lowest plus any flagged rep."""
    from salesnb.report import open_report

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
