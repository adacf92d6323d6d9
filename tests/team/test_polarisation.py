"""Polarisation: Gini, top share, Lorenz points, the rep_polarization rule."""

import math

import numpy as np
import pytest

from salesnb import team
from team.helpers import BASE_REPS, MONTHS, base_sales, base_targets, build, open_tiny


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
    assert "前20%（2 位）代表贡献 92.4%" in f["detail"]  # the top 20% of 6 reps is 2 of them: 1,100 of 1,190
    assert "前20%（2 位）代表贡献 92.4% 的销售额，共 6 位代表" in team.polarization_panel(report).note


@pytest.mark.parametrize(("top", "gini", "found"), [(400, 3000 / (72 * 150), True), (150, 500 / (72 * 650 / 6), False)])
def test_a_rise_of_the_gini_is_polarisation_at_any_level(tmp_path, top, gini, found):
    """Six even reps (Gini 0 for three months); one now sells 400: Gini 0.28, below the old 0.45 level gate but 0.28
    above the trailing Gini, far beyond its spread (none: polarization_spread 0.03): medium (capped). At 150 the Gini
    rises by 0.06 only, under polarization_rise (0.10): no finding."""
    reps = [(f"R{k}", "华东", "2020-01-01") for k in range(1, 7)]
    sales = {(f"R{k}", m): [100] for k in range(1, 7) for m in MONTHS}
    sales[("R1", "2026-10")] = [top]
    targets = {(f"R{k}", m): 100 for k in range(1, 7) for m in MONTHS}
    report = open_tiny(tmp_path, build(reps, sales, targets))
    m = team.polarization_metrics(report)
    assert m["gini"] == pytest.approx(gini) and m["gini_spread"] == pytest.approx(0.0)
    hits = [f for f in team.angle_findings(report) if f["code"] == "rep_polarization"]
    assert bool(hits) is found
    if found:
        assert hits[0]["severity"] == "medium" and hits[0]["effect"] == pytest.approx(0.0)


def test_the_share_table_reads_in_one_unit(tmp_path):
    # 6 orders of 1万 beside 2 of 1,100: "6.0万" above "2,200" in one column; now whole yuan in both (half the
    # column under 1万 would read "0.2万": one digit)
    sales = {key: amounts for key, amounts in base_sales().items()}
    for month in MONTHS:
        sales[("R1", month)] = [10000] * 6
        sales[("R2", month)] = [1100] * 2
    report = open_tiny(tmp_path, build(BASE_REPS, sales, base_targets()))
    table = team.polarization_panel(report).table
    assert table["销售额"].tolist() == ["60,000", "2,200"]
