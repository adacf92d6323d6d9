"""New-hire ramp: attainment per tenure cohort, the new_hire_ramp_slow rule."""

import math

import pytest

from salesnb import team
from team.helpers import BASE_REPS, base_sales, base_targets, build, open_tiny


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


@pytest.mark.parametrize(("amount", "found"), [(130, True), (160, False)])
def test_one_new_hire_far_below_the_seasoned_reps_is_a_slow_ramp(tmp_path, amount, found):
    """One new hire is the region's cohort (ramp_min_reps 1): 130 of 200 (65%) is 35% below the seasoned reps' 100%
    (ramp_gap 30%): medium; 160 (80%, 20% below) is not a slow ramp."""
    reps = [*BASE_REPS, ("R3", "华东", "2026-07-15")]
    targets = {**base_targets(), ("R3", "2026-10"): 200}
    report = open_tiny(tmp_path, build(reps, {**base_sales(), ("R3", "2026-10"): [amount]}, targets))
    hits = [f for f in team.angle_findings(report) if f["code"] == "new_hire_ramp_slow"]
    assert bool(hits) is found
    if found:
        assert hits[0]["value"] == pytest.approx(0.65) and hits[0]["severity"] == "medium"
        assert hits[0]["effect"] == pytest.approx(70)
