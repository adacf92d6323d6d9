"""Activity: counts against the usual month, the activity-revenue link, the activity_low rule."""

import math

import pytest

from salesnb import team
from team.helpers import BASE_REPS, MONTHS, base_sales, base_targets, build, open_tiny

STAGES = ("初步接触", "需求确认", "技术交流", "方案报价", "商务谈判", "合同签订")  # the default stages


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
    # its p-value is the Poisson chance of no activity when 10 are usual, e⁻¹⁰ (the log spread alone: 3e⁻¹²)
    assert frame.loc["R1", "p_value"] == pytest.approx(math.exp(-10))
    assert bool(frame.loc["R1", "flagged"]) and not bool(frame.loc["R2", "flagged"])
    (f,) = [f for f in team.angle_findings(report) if f["code"] == "activity_low"]
    assert f["segment"] == {"rep_id": "R1"} and f["value"] == 0 and f["baseline"] == pytest.approx(10)
    assert f["effect"] == 0  # no measurable activity-revenue link in this data...
    assert f["severity"] == "medium"  # ...but a rep who stops altogether is a collapse (thresholds.team.collapse)


def test_activity_low_reads_the_month_against_the_deals_moved(tmp_path):
    # R1 logs 2 activities per stage its deals enter (4/2, 12/6, 8/4 moves); this month its deals enter 6 stages
    # but R1 logs 2 activities: 12 expected from the deals' movement, a sixth of it
    moves = dict(zip(MONTHS, (2, 6, 4, 6), strict=True))
    logged = dict(zip(MONTHS, (4, 12, 8, 2), strict=True))
    acts = [
        {"activity_id": f"A{rep}{month}{k}", "rep_id": rep, "occurred_at": f"{month}-{k + 1:02d} 10:00", "type": "拜访"}
        for rep, per_month in (("R1", logged), ("R2", dict.fromkeys(MONTHS, 6)))
        for month in MONTHS
        for k in range(per_month[month])
    ]
    opps = [{"opportunity_id": f"OP{m}", "created_at": f"{m}-01 09:00", "status": "open", "rep_id": "R1",
             "region": "华东", "amount": 100} for m in MONTHS]  # fmt: skip
    events = [
        {"opportunity_id": f"OP{month}", "stage": STAGES[k], "entered_at": f"{month}-{k + 2:02d} 11:00"}
        for month in MONTHS
        for k in range(moves[month])
    ]
    tables = build(BASE_REPS, base_sales(), base_targets(), activities=acts, opportunities=opps, stage_events=events)
    report = open_tiny(tmp_path, tables)
    frame = team.activity_frame(report).set_index("rep_id")
    assert frame.loc["R1", "moves"] == 6
    assert frame.loc["R1", "per_move_expected"] == pytest.approx(24 / 12 * 6)
    assert frame.loc["R1", "move_ratio"] == pytest.approx(2 / 12)
    assert math.isnan(frame.loc["R2", "per_move_expected"])  # no deals: the rep's usual month alone reads it
    assert bool(frame.loc["R1", "flagged"]) and not bool(frame.loc["R2", "flagged"])
    (f,) = [f for f in team.angle_findings(report) if f["code"] == "activity_low"]
    assert f["baseline"] == pytest.approx(12.0)  # the deals' movement expects more than the usual month (8)
    assert "6" in f["detail"] and "12.0" in f["detail"]


def test_moves_expectation_is_the_exact_conditional_test_of_two_counts(tmp_path):
    # past: 24 activities over 12 moves; now: 2 activities over 6 moves → P(X ≤ 2), X ~ Binomial(26, 6/18)
    from scipy import stats

    acts = [
        {"activity_id": f"A{month}{k}", "rep_id": "R1", "occurred_at": f"{month}-{k + 1:02d} 10:00", "type": "拜访"}
        for month, n in zip(MONTHS, (4, 12, 8, 2), strict=True)
        for k in range(n)
    ]
    opps = [{"opportunity_id": f"OP{m}", "created_at": f"{m}-01 09:00", "status": "open", "rep_id": "R1",
             "region": "华东", "amount": 100} for m in MONTHS]  # fmt: skip
    events = [
        {"opportunity_id": f"OP{month}", "stage": STAGES[k], "entered_at": f"{month}-{k + 2:02d} 11:00"}
        for month, n in zip(MONTHS, (2, 6, 4, 6), strict=True)
        for k in range(n)
    ]
    tables = build(BASE_REPS, base_sales(), base_targets(), activities=acts, opportunities=opps, stage_events=events)
    report = open_tiny(tmp_path, tables)
    out = team.activity.moves_expectation(report, team.activity.activity_counts(report))
    assert out.loc["R1", "p_value"] == pytest.approx(stats.binom.cdf(2, 26, 6 / 18))
    assert out.loc["R1", "p_value"] == pytest.approx(0.0025147, abs=1e-6)
