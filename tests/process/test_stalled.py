"""Stalled deals."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import special as sps

from process.helpers import HISTORY, STAGES, Tables, config, next_month, rep, stock_scenario, ts, won_history
from salesnb import process
from salesnb.process import common
from salesnb.process.stalled import stalled_deals
from salesnb.report import open_report

SAMPLE = Path(__file__).resolve().parent.parent.parent / "data" / "sample"


def test_stalled_limit_hand_computed(tmp_path):
    r = rep(stock_scenario(tmp_path), config_path=config(tmp_path, min_stays=5, stall_quantile=0.5))
    limits = process.stall_limits(r, pd.Timestamp("2026-11-01"))
    assert limits["技术交流"] == pytest.approx(10.0)  # 24 stays of 10 days, 6 of 11 days
    assert np.isnan(limits["合同签订"])  # stays of no length (won on entry) do not count


def _stall_building(tmp_path):
    """Four won deals a month pass 技术交流 in 10 days; plus deals stuck in 技术交流 since August: 3 entered on
    2026-08-05, 4 on 2026-09-05, 2 on 2026-10-05; none has left. Stalled at month end: April-July 0, August 3,
    September 7, October 9."""
    tb = won_history()
    for month, n in (("2026-08", 3), ("2026-09", 4), ("2026-10", 2)):
        for j in range(n):
            path = [(STAGES[0], ts(month, 1)), (STAGES[1], ts(month, 3)), (STAGES[2], ts(month, 5))]
            tb.deal(f"S{month}{j}", ts(month, 1), path)
    return tb.write(tmp_path / "stall")


def test_a_stall_building_over_months_does_not_raise_its_own_baseline(tmp_path):
    r = rep(_stall_building(tmp_path))
    frame = process.stalled_summary_frame(r).set_index("stage")
    row = frame.loc["技术交流"]
    assert row["stalled"] == 9 and row["limit_days"] == pytest.approx(10.0)
    # usual month ends April..September hold 0, 0, 0, 0, 3, 7 stalled: the typical one (median) is 0, not the
    # mean 1.7 that the stall's own August and September would make
    assert row["usual"] == 0 and row["excess"] == 9
    legend = [text.get_text() for text in process.stalled_deals_panel(r).figure.axes[0].get_legend().get_texts()]
    assert legend[1].endswith("月中位数")  # the usual bar is the month ends' median, not called their average
    assert row["p_value"] == pytest.approx((1 / 7) ** 9)
    # no other stage ever held a stalled deal: their tests could not confirm anything and do not dilute it
    assert row["q_value"] == pytest.approx(row["p_value"]) and row["flagged"]
    assert (frame.drop(index="技术交流")["q_value"] == 1.0).all()


def test_two_deals_stuck_where_none_usually_are_is_a_finding(tmp_path):
    """A region's stage ends its months with no stalled deal; in October 2 deals sit in 技术交流 since 10-05
    (limit 10 days). Two more than usual reach process.stalled_min_count_floor (2; the general floor of 3 would
    need most of a small stage stuck); the Poisson p of 2 against 0 over 6 months is (1/7)^2 = 0.020, alone in
    its BH family (no other stage could confirm): q = 0.020 < fdr."""
    tb = won_history()
    for j in range(2):
        path = [(STAGES[0], ts("2026-10", 1)), (STAGES[1], ts("2026-10", 3)), (STAGES[2], ts("2026-10", 5))]
        tb.deal(f"S{j}", ts("2026-10", 1), path)
    folder = tb.write(tmp_path / "two")
    row = process.stalled_summary_frame(rep(folder)).set_index("stage").loc["技术交流"]
    assert row["stock"] == 2 and row["stalled"] == 2 and row["usual"] == 0 and row["excess"] == 2
    assert row["q_value"] == pytest.approx((1 / 7) ** 2) and row["flagged"]
    found = [f for f in stalled_deals(rep(folder)) if f["segment"] == {"stage": "技术交流"}]
    assert len(found) == 1 and found[0]["severity"] != "low"  # confirmed and far above usual: collapse
    strict = rep(folder, config_path=config(tmp_path, stalled_min_count_floor=3))
    assert not process.stalled_summary_frame(strict).set_index("stage").loc["技术交流", "flagged"]


def _stalled_in_august(tmp_path, name, now):
    """Three deals end August stalled in 技术交流 (entered on the 8th, left on September 3rd, won): the six month
    ends April..September hold 0, 0, 0, 0, 3, 0 stalled deals; ``now`` deals stuck in it since October 5th."""
    tb = won_history()
    for j in range(3):
        path = [(STAGES[0], ts("2026-08", 3)), (STAGES[1], ts("2026-08", 5)), (STAGES[2], ts("2026-08", 8))]
        path.append((STAGES[3], ts("2026-09", 3)))
        tb.deal(f"A{j}", ts("2026-08", 3), path, status="won", closed=ts("2026-09", 20))
    for j in range(now):
        path = [(STAGES[0], ts("2026-10", 1)), (STAGES[1], ts("2026-10", 3)), (STAGES[2], ts("2026-10", 5))]
        tb.deal(f"S{j}", ts("2026-10", 1), path)
    return rep(tb.write(tmp_path / name))


def test_a_stage_that_sometimes_ends_with_stalled_deals_is_no_top_problem_at_three(tmp_path):
    """Median month end 0, so three stuck now fire the rule (Poisson p against the median's 0: (1/7)^3 = 0.0029,
    alone in its BH family). But 3 stalled deals came in six month ends, all at one: mean ½, variance 1.5, so
    they come in clumps of φ = 3, and three now are one clump against one before: I_{1/7}(3/3, 3/3 + ½) =
    1 − (6/7)^1.5 = 0.206 against every month end, not below strong_q: medium, not high (it was high)."""
    r = _stalled_in_august(tmp_path, "three", 3)
    row = process.stalled_summary_frame(r).set_index("stage").loc["技术交流"]
    assert (row["stalled"], row["usual"], row["usual_mean"], row["spread"]) == (3, 0, 0.5, pytest.approx(3.0))
    assert row["q_value"] == pytest.approx((1 / 7) ** 3) and row["flagged"]
    assert row["spread_p"] == pytest.approx(1 - (6 / 7) ** 1.5)
    (found,) = stalled_deals(r)
    assert found["segment"] == {"stage": "技术交流"} and found["severity"] == "medium"


def test_a_stall_of_clearly_unusual_size_is_still_high(tmp_path):
    """The same history, nine stuck now: three clumps against one, I_{1/7}(3, 1.5) = 0.0060 below strong_q (0.01):
    high (9 deals of 100 at stake against the tiny data's revenue, a collapse beyond the usual 0)."""
    r = _stalled_in_august(tmp_path, "nine", 9)
    row = process.stalled_summary_frame(r).set_index("stage").loc["技术交流"]
    assert row["stalled"] == 9 and row["spread_p"] == pytest.approx(sps.betainc(3, 1.5, 1 / 7))
    assert row["spread_p"] == pytest.approx(0.0060255, abs=1e-7) and row["flagged"]
    (found,) = stalled_deals(r)
    assert found["segment"] == {"stage": "技术交流"} and found["severity"] == "high"


def _limits_by_stage_name(report, when):
    """The definition: a year of completed stays before ``when``, grouped by their stage's name."""
    thr, months = report.thresholds("process"), int(report.settings("process")["stall_history_months"])
    rows = common.stays(report)
    done = rows[(rows["left_at"] < when) & (rows["left_at"] >= when - pd.DateOffset(months=months))]
    days = (done["left_at"] - done["entered_at"]).dt.total_seconds() / 86400.0
    days = days[days > 0]
    grouped = days.groupby(done.loc[days.index, "stage"])
    limits = grouped.quantile(float(thr["stall_quantile"])).where(grouped.size() >= int(thr["min_stays"]))
    return limits.reindex([str(s) for s in report.config["stages"]])


@pytest.mark.parametrize("month_end", ["2026-11-01", "2026-07-01", "2026-02-01"])
def test_stall_limits_grouped_by_stage_place_equal_the_name_grouping(month_end):
    report = open_report(str(SAMPLE), "2026-10", "ALL")
    when = pd.Timestamp(month_end)
    expected = _limits_by_stage_name(report, when)
    pd.testing.assert_series_equal(process.stall_limits(report, when), expected, check_exact=True)


def test_a_stays_stage_index_is_its_place_in_the_configured_stages():
    """What stall_limits and the stage conversion rely on to match stays by number instead of by name."""
    report = open_report(str(SAMPLE), "2026-10", "ALL")
    rows = common.stays(report)
    places = rows["stage"].map({s: i for i, s in enumerate(common.stages(report))})
    assert len(rows) and (places.to_numpy() == rows["stage_index"].to_numpy()).all()


def _slow_first_stages(tmp_path):
    """Ten won deals a month April..September pass every stage in days; besides, each month one deal sits in
    初步接触 and one in 需求确认 from the 1st (2nd) into the next month's 2nd (then lost): both stages end every
    month with one stalled deal, none in October. In October 2 deals sit in 技术交流 since 10-05 (limit 10 days)."""
    tb = won_history()
    for k, month in enumerate(HISTORY):
        for j in range(4, 10):
            days = [3, 5, 8, 18, 22, 26]
            tb.deal(f"H{k}{j}", ts(month, 3), [(s, ts(month, d)) for s, d in zip(STAGES, days, strict=True)],
                    status="won", closed=ts(month, 26))  # fmt: skip
        later = ts(next_month(month), 2)
        tb.deal(f"P{k}", ts(month, 1), [(STAGES[0], ts(month, 1))], status="lost", closed=later)
        path = [(STAGES[0], ts(month, 1)), (STAGES[1], ts(month, 2))]
        tb.deal(f"Q{k}", ts(month, 1), path, status="lost", closed=later)
    for j in range(2):
        path = [(STAGES[0], ts("2026-10", 1)), (STAGES[1], ts("2026-10", 3)), (STAGES[2], ts("2026-10", 5))]
        tb.deal(f"S{j}", ts("2026-10", 1), path)
    return rep(tb.write(tmp_path / "slow"))


def test_two_deals_stuck_where_none_usually_are_is_indicated_beside_stages_that_always_carry_one(tmp_path):
    """2 stalled in 技术交流 against a usual 0: p = (1/7)^2 = 0.0204, its smallest possible. 初步接触 and 需求确认
    carry one at every month end (6 in six months: smallest p (1/7)^6), so Tarone's family at fdr (0.05) is those
    two (K = 3: 0.05/3 = 0.0167 < 0.0204) and 技术交流 gets q = 1: the planted stall went unseen (held-out seed 74,
    #048). At indicative_q (0.2) the family is all three (K = 3: 0.0667), q = 3 × 0.0204 = 0.0612 < 0.2: flagged,
    not confirmed, so medium with the "may still be chance" sentence."""
    r = _slow_first_stages(tmp_path)
    frame = process.stalled_summary_frame(r).set_index("stage")
    assert (frame.loc[STAGES[0], "usual"], frame.loc[STAGES[1], "usual"], frame.loc[STAGES[0], "stalled"]) == (1, 1, 0)
    row = frame.loc["技术交流"]
    assert (row["stalled"], row["usual"], row["p_value"]) == (2, 0, pytest.approx((1 / 7) ** 2))
    assert row["q_value"] == 1.0 and not row["confirmed"]  # out of the family that can confirm
    assert row["indicated_q"] == pytest.approx(3 * (1 / 7) ** 2) and row["flagged"]
    (found,) = stalled_deals(r)
    assert found["segment"] == {"stage": "技术交流"} and found["severity"] == "medium"
    assert "可能是正常波动" in found["detail"]


def _slow_tail(tmp_path):
    """Each month April..September four won deals pass 技术交流: two in 10 days (from the 8th), two in 35 days
    (from the 25th, so no month end finds them past any limit). In October three deals sit in it since 10-02
    10:00 (29.58 days at month end). The year's 24 stays: 12 of 10 days, 12 of 35; the stall limit at
    ``stall_quantile`` 0.5 is 22.5 days, so the three are stalled where no month end held one."""
    tb = Tables()
    start = pd.Timestamp("2026-10-02 10:00")
    for k, month in enumerate(HISTORY):
        for j, (enter, days) in enumerate(((8, 10), (8, 10), (25, 35), (25, 35))):
            at = pd.Timestamp(ts(month, enter))
            path = [(STAGES[0], ts(month, 3)), (STAGES[1], ts(month, 5)), (STAGES[2], str(at))]
            path.append((STAGES[3], str(at + pd.Timedelta(days=days))))
            tb.deal(f"H{k}{j}", ts(month, 3), path, status="won", closed=str(at + pd.Timedelta(days=days + 0.5)))
    for j in range(3):
        path = [(STAGES[0], ts("2026-09", 28)), (STAGES[1], ts("2026-09", 30)), (STAGES[2], str(start))]
        tb.deal(f"S{j}", ts("2026-09", 28), path)
    return rep(tb.write(tmp_path / "tail"), config_path=config(tmp_path, stall_quantile=0.5))


def test_stalled_deals_a_slow_stage_is_expected_to_hold_are_no_top_problem(tmp_path):
    """Three stalled where the month ends held none: the Poisson p against them is (1/7)^3 = 0.0029 (confirmed),
    and against every month end I_{1/7}(3, ½) (high on main). But half of the year's stays outlast 29.58 days:
    the three entries older than the limit are each still in the stage with chance 12/24, 1.5 expected
    (the stays older than 35 days none), and P(Poisson(1.5) ≥ 3) = 1 − e^-1.5 (1 + 1.5 + 1.125) = 0.191:
    a finding, medium, not high."""
    r = _slow_tail(tmp_path)
    row = process.stalled_summary_frame(r).set_index("stage").loc["技术交流"]
    assert (row["stock"], row["stalled"], row["usual"], row["limit_days"]) == (3, 3, 0, pytest.approx(22.5))
    assert row["p_value"] == pytest.approx((1 / 7) ** 3) and row["flagged"] and row["confirmed"]
    assert row["spread_p"] == pytest.approx(sps.betainc(3, 0.5, 1 / 7)) and row["spread_p"] < 0.01
    assert row["flow_expected"] == pytest.approx(1.5)
    assert row["strong_p"] == pytest.approx(1 - np.exp(-1.5) * 3.625) and row["strong_p"] == pytest.approx(
        0.1912, abs=1e-4
    )
    (found,) = stalled_deals(r)
    assert found["segment"] == {"stage": "技术交流"} and found["severity"] == "medium"
