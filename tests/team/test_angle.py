"""The team angle as a whole: rules in order, skipping, language, the sample and clean data."""

import json

import pandas as pd
import pytest

from salesnb import team
from salesnb.data import facts
from salesnb.demo import generate_dataset, write_dataset
from salesnb.report import clean_json, open_report
from team.helpers import BASE_REPS, CODES, SAMPLE, base_sales, base_targets, build, open_tiny


def test_clean_tiny_team_is_quiet(tmp_path):
    report = open_tiny(tmp_path, build(BASE_REPS, base_sales(), base_targets()))
    assert team.angle_findings(report) == []
    assert team.underperform_frame(report)["flagged"].sum() == 0


def test_missing_tables_skip(tmp_path):
    tables = build(BASE_REPS, base_sales(), base_targets())
    del tables["targets"], tables["reps"]
    report = open_tiny(tmp_path, tables)
    for panel in (team.ramp_panel(report), team.target_panel(report)):
        assert panel.is_skipped and ("targets" in panel.note or "reps" in panel.note)
    assert not team.underperform_panel(report).is_skipped  # against the reps' usual level: the orders name them
    assert team.activity_panel(report).is_skipped and "activities" in team.activity_panel(report).note
    assert team.angle_findings(report) == []
    assert team.rep_panel(report).frame["revenue"].sum() == 800  # ranking needs only orders
    metrics = team.angle_metrics(report)
    assert metrics["reps"] == 2 and "reps_far_below_target" not in metrics and metrics["reps_far_below_usual"] == 0
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
    assert "近6月月均活动" in team.activity_panel(report).table.columns  # a team.link_months mean: it said 近3月
    assert "近3月达成率" in team.ramp_panel(report).table.columns
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


def test_angle_declares_rules_in_finding_order_and_metrics_in_key_order(sample):
    assert team.ANGLE.codes == (
        "rep_underperform", "rep_polarization", "new_hire_ramp_slow", "activity_low", "target_misaligned",
    )  # fmt: skip
    assert set(team.ANGLE.codes) == CODES and team.ANGLE.needs == ("orders",)
    metrics = team.angle_metrics(open_report(str(SAMPLE), "2026-08", "华北", dataset=sample))
    assert list(metrics) == [
        "reps", "reps_with_target", "reps_below_target", "gini", "top20_share", "baseline_gini",
        "reps_far_below_target", "new_hire_attainment", "tenured_attainment", "activities", "activities_per_rep",
        "target_to_run_rate", "commission_total", "commission_base", "commission_rate",
    ]  # fmt: skip
