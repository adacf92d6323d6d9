"""Small scopes (issue 11): a region's category of 2-7 tickets or 7 survey answers still shows its problem.

A fixed minimum of 5 cases silenced every problem of a scope this small; the business rule now needs 2 cases
(``thresholds.support.min_count``) and the evidence weighs how few they are. Each test plants one problem in
华南 of the tiny dataset (quiet otherwise) and checks hand-computed figures.
"""

import pandas as pd
import pytest
from scipy import stats
from tiny import write_tiny

from salesnb import support
from salesnb.support import complaints, satisfaction, tickets
from salesnb.support.satisfaction import _drop_p
from support.helpers import build, report, survey, ticket


def _south(tmp_path, change):
    tables = build()
    change(tables)
    return write_tiny(tmp_path / "t", tables=tables)


def test_two_late_answers_of_two_are_an_sla_breach(tmp_path):
    def late(tables):  # 华南's two 使用咨询 tickets of 2026-10 answered after 60 hours, not 2
        for row in tables["tickets"]:
            if row["ticket_id"].startswith("TOS10") and row["created_at"].startswith("2026-10"):
                row["first_response_at"] = "2026-10-07 21:00"

    r = report(_south(tmp_path, late), region="华南")
    row = support.sla_frame(r).set_index("category").loc["使用咨询"]
    assert row["breached"] == 2 and row["usual_share"] == 0.0
    assert row["p_value"] == pytest.approx(0.01**2)  # usual share 0, floored at 1%
    assert bool(row["flagged"])
    (found,) = tickets.sla_breach(r)
    assert found["segment"] == {"category": "使用咨询"} and found["severity"] == "high"  # 200 of 1,000 revenue


def test_three_complaints_where_none_is_usual_are_a_spike(tmp_path):
    def spike(tables):  # three 质量问题 complaints in 华南 2026-10, none in the six months before
        for k in range(3):
            tables["tickets"].append(ticket("华南", "2026-10", k, "质量问题", "2026-10-12 09:00", "2026-10-12 10:00"))

    r = report(_south(tmp_path, spike), region="华南")
    frame = support.complaint_frame(r).set_index("category")
    row = frame.loc["质量问题"]
    assert row["count"] == 3 and row["usual"] == 0 and row["z"] == pytest.approx(3.0)  # spread floored at 1
    # Benjamini–Hochberg over the categories where the rule fired (the 3 others, z = 0, did not): q = p
    assert row["q_value"] == pytest.approx(stats.norm.sf(3.0))
    assert bool(row["flagged"]) and not frame.drop("质量问题")["flagged"].any()
    (found,) = complaints.complaint_spike(r)
    assert found["segment"] == {"category": "质量问题"} and found["severity"] == "high"  # 300 of 1,000, q < 0.01


def test_a_spike_of_half_again_the_usual_month_fires_the_rule(folder):
    frame = support.complaint_frame(report(folder)).set_index("category")
    assert frame.loc["交付延误", "count"] >= 1.5 * frame.loc["交付延误", "usual"]
    assert bool(frame.loc["交付延误", "flagged"])


def test_few_answers_falling_far_are_evidence():
    before = pd.Series([70.0] * 10 + [90.0] * 10)  # mean 80, sd 10.26: the scope's own line at 59.5
    cur = pd.Series([80.0] * 5 + [40.0] * 2)  # two of seven answers 40 points down; the mean only 11.4
    usual = 1 / 21  # no low answer in 20 usual ones: floored at 1 / (20 + 1)
    share = 1 - (1 - usual) ** 7 - 7 * usual * (1 - usual) ** 6  # at least 2 of 7 low
    assert _drop_p(cur, before, 60) == pytest.approx(3 * share)  # Bonferroni over the mean and two lines


def test_a_small_region_whose_aspect_falls_is_a_medium_finding(tmp_path):
    def unhappy(tables):  # 华南 answers surveys too: 4 a month at 80-90, then 2026-10 three of seven at 40
        for month in ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]:
            tables["surveys"] += [survey("华南", k, f"{month}-20", 80 + 10 * (k % 2), 9) for k in range(4)]
        scores = [80, 90, 80, 90, 40, 40, 40]
        tables["surveys"] += [survey("华南", k, "2026-10-20", s, 9) for k, s in enumerate(scores)]

    r = report(_south(tmp_path, unhappy), region="华南")
    row = support.satisfaction_frame(r).set_index("metric").loc["score_交付"]
    assert row["n"] == 7 and row["change"] == pytest.approx(460 / 7 - 85)
    assert row["dissatisfied"] == 3 and row["usual_dissatisfied"] == 0
    assert bool(row["flagged"])
    found = [f for f in satisfaction.satisfaction_drop(r) if f["segment"] == {"aspect": "交付"}]
    assert found and found[0]["severity"] in ("medium", "high")
