"""Activity: counts against the usual month, the activity-revenue link, the activity_low rule."""

import math

import pytest

from salesnb import team
from team.helpers import BASE_REPS, MONTHS, base_sales, base_targets, build, open_tiny


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
    # two reps are too few peers: R1 is expected at its own level, 10; nothing is read as a 95% fall (log 0.05),
    # measured in the Poisson spread 1/√10 (no spread of its own) over 3 months of history: z = 2.996 / (0.316·√(4/3))
    assert frame.loc["R1", "expected"] == pytest.approx(10.0)
    assert frame.loc["R1", "z"] == pytest.approx(-math.log(0.05) / (math.sqrt(0.1) * math.sqrt(4 / 3)))
    assert bool(frame.loc["R1", "flagged"]) and not bool(frame.loc["R2", "flagged"])
    (f,) = [f for f in team.angle_findings(report) if f["code"] == "activity_low"]
    assert f["segment"] == {"rep_id": "R1"} and f["value"] == 0 and f["baseline"] == pytest.approx(10)
    assert f["effect"] == 0  # no measurable activity-revenue link in this data...
    assert f["severity"] == "medium"  # ...but a rep who stops altogether is a collapse (thresholds.team.collapse)
