"""Satisfaction: NPS, CSAT and aspects against the usual level; top customers against the rest."""

import pytest
from scipy import stats
from tiny import write_tiny

from salesnb import support
from salesnb.support.satisfaction import satisfaction_drop
from support.helpers import build, report, survey


def test_satisfaction_hand_computed(folder):
    frame = support.satisfaction_frame(report(folder)).set_index("metric")
    assert list(frame.index) == ["nps", "csat", "score_交付"]
    assert frame.loc["csat", "n"] == 12 and frame.loc["csat", "value"] == pytest.approx(60)
    assert frame.loc["csat", "baseline"] == pytest.approx(85) and frame.loc["csat", "change"] == pytest.approx(-25)
    assert frame.loc["nps", "value"] == -100 and frame.loc["nps", "baseline"] == 100
    assert frame["flagged"].all()
    # dissatisfied (< 60): the five customers scoring 55, each 7 orders of 100 over 12 months
    assert frame.loc["csat", "dissatisfied_value"] == pytest.approx(5 * 700 / 12)
    tiers = support.satisfaction_by_tier_frame(report(folder))
    assert tiers["n"].sum() == 12


def _few_unhappy(tmp_path, low):
    """华东 2026-10: 12 answers, ``low`` of them scoring 45 on 交付 and the rest 100 (CSAT and NPS as usual)."""
    tables = build()
    tables["surveys"] = [s for s in tables["surveys"] if not s["responded_at"].startswith("2026-10")]
    for k in range(12):
        answer = survey("华东", k % 10, "2026-10-20", 80 + 10 * (k % 2), 9 + k % 2)
        answer["score_交付"] = 45 if k < low else 100
        tables["surveys"].append(answer)
    return write_tiny(tmp_path / "t", tables=tables)


def test_a_few_unhappy_customers_fire_though_the_mean_holds(tmp_path):
    # 交付: 4 of 12 answers at 45, 8 at 100: mean 81.7 against the usual 85 (−3.3, under the 8-point line), but
    # 4 dissatisfied (< 60) where none were among the 24 usual answers: +33 points ≥ dissatisfied_rise_points 0.2
    folder = _few_unhappy(tmp_path, 4)
    row = support.satisfaction_frame(report(folder)).set_index("metric").loc["score_交付"]
    assert row["value"] == pytest.approx((4 * 45 + 8 * 100) / 12) and row["baseline"] == pytest.approx(85)
    assert row["dissatisfied"] == 4 and row["usual_dissatisfied"] == 0
    # evidence: 4 of 12 below 60 where the usual share is floored at 1/25: binomial, ×3 tests, ×3 scores (BH)
    p = 3 * stats.binom.sf(3, 12, 1 / 25)
    assert row["p_value"] == pytest.approx(p) and row["q_value"] == pytest.approx(3 * p)
    assert bool(row["flagged"])
    (found,) = satisfaction_drop(report(folder))
    assert found["segment"] == {"aspect": "交付"} and found["severity"] != "low"


def test_one_unhappy_customer_is_an_anecdote(tmp_path):
    row = support.satisfaction_frame(report(_few_unhappy(tmp_path, 1))).set_index("metric").loc["score_交付"]
    assert row["dissatisfied"] == 1 and not bool(row["flagged"])  # under thresholds.support.min_count


def _slid(tmp_path, name, usual, now):
    """华东: usual CSAT (and 交付) ``usual`` ± 5; 2026-10: 12 answers ``now`` ± 1, none below 60, NPS as usual."""
    tables = build()
    tables["surveys"] = []
    for month in [f"2026-{m:02d}" for m in range(4, 10)]:
        for k in range(4):
            tables["surveys"].append(survey("华东", k, f"{month}-20", usual - 5 + 10 * (k % 2), 9 + k % 2))
    for k in range(12):
        tables["surveys"].append(survey("华东", k % 10, "2026-10-20", now - 1 + 2 * (k % 2), 9 + k % 2))
    return report(write_tiny(tmp_path / name, tables=tables))


def test_a_drop_without_dissatisfied_answers_is_said_as_a_slide_and_sized_by_it(tmp_path):
    """Bug 16: "0 份不满意 … 不满意客户的月均销售额约 0" rated medium, asking to call back low scorers."""
    found = [f for f in satisfaction_drop(_slid(tmp_path, "slid", 85, 63)) if f["segment"] == {}]
    (csat,) = found
    assert csat["metric"] == "csat" and csat["effect"] == 0
    assert csat["detail"] == (
        "本月 12 份回访平均 63.0，近12月 85.0（-22.0）；其中 12 份低于近12月的中位分 85（100.0%，近12月常态 50.0%），"
        "没有一份落在不满意区间（<60）：是整体下滑，不是个别客户不满。"
    )
    assert "不满意客户的月均销售额" not in csat["detail"] and "逐一回访打低分" not in csat["action"]
    assert csat["severity"] == "low"  # nothing at stake, a fall of 26% of the usual level: no collapse
    collapsed = [f for f in satisfaction_drop(_slid(tmp_path, "collapse", 95, 62)) if f["segment"] == {}]
    assert collapsed[0]["severity"] == "medium"  # 33 of 95 points: a collapse (thresholds.support.collapse 0.3)


def test_a_drop_with_dissatisfied_answers_keeps_its_wording(folder):
    found = [f for f in satisfaction_drop(report(folder)) if f["segment"] == {}]
    assert "其中 6 份不满意（50.0%" in found[0]["detail"] and found[0]["action"].startswith("逐一回访打低分的客户")
