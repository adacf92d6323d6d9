import pandas as pd
import pytest
import yaml

from salesnb import market
from salesnb.report import open_report


def rfm_config(tmp_path):
    tiers = [
        {"name": "strategic", "label_zh": "战略客户", "max_recency_days": 10, "min_frequency": 2,
         "min_monetary_x_mean": 1.0},
        {"name": "growth", "label_zh": "成长客户", "max_recency_days": 30, "min_frequency": 1},
        {"name": "maintain", "label_zh": "维护客户"},
    ]  # fmt: skip
    path = tmp_path / "rfm.yaml"
    path.write_text(yaml.safe_dump({"rfm": {"tiers": tiers}}, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_rfm_first_matching_tier_wins_and_transitions(tiny, tmp_path):
    r = open_report(str(tiny), "2026-10", "ALL", config_path=rfm_config(tmp_path))
    rfm = market.rfm_frame(r).set_index("customer_id")
    assert rfm.loc["C1", "recency_days"] == 29 and rfm.loc["C2", "recency_days"] == 7  # to 2026-11-01
    assert rfm.loc["C2", "frequency"] == 2 and rfm.loc["C3", "monetary"] == 400
    # mean monetary 950 / 4 = 237.5: C2 (7 days, 2 orders, 250) is strategic although it matches growth too
    assert rfm["tier"].to_dict() == {"C3": "growth", "C2": "strategic", "C1": "growth", "C4": "growth"}
    tiers = market.rfm_tiers_frame(r).set_index("tier")
    assert tiers["customers"].to_dict() == {"strategic": 1, "growth": 3, "maintain": 0}
    assert tiers["share"].sum() == pytest.approx(1.0) and tiers["revenue"].sum() == 700
    # at the end of 2026-09: C2 growth (21 days); C1 (361 days) and C3 (47 days) maintain; C4 not yet a buyer
    assert tiers["baseline_customers"].to_dict() == {"strategic": 0, "growth": 1, "maintain": 2}
    matrix = market.rfm_transition_frame(r)
    assert matrix.loc["growth", "strategic"] == 1 and matrix.loc["maintain", "growth"] == 2
    assert matrix.loc["inactive", "growth"] == 1 and int(matrix.to_numpy().sum()) == 4
    assert tiers["cadence"].str.len().min() > 1  # the default cadence texts of market.cadence


def test_assign_tiers_rules_as_data():
    rfm = pd.DataFrame({"recency_days": [5, 5, 90], "frequency": [9, 1, 9], "monetary": [100.0, 900.0, 500.0]})
    tiers = [{"name": "big", "min_monetary": 800}, {"name": "loyal", "min_frequency": 5}, {"name": "rest"}]
    assert market.assign_tiers(rfm, tiers).tolist() == ["loyal", "big", "loyal"]


def test_a_partial_month_reads_the_customer_base_on_every_day(tmp_path):
    """The end of September is the same date in the partial October report (days 1..9) and in September's own.

    The partial report compares October with the same days of earlier months, but RFM tiers and concentration are
    states of the customer base over a window: every order of it counts (112 customers, not the 36 of days 1..9).
    """
    from test_report import write_partial_month

    from salesnb.market.concentration import concentration_metrics
    from salesnb.market.rfm import rfm_frame
    from salesnb.report import open_report

    data = write_partial_month(tmp_path / "p")
    partial, complete = open_report(data, "2026-10"), open_report(data, "2026-09")
    assert partial.through_day == 9
    before, own = rfm_frame(partial, "2026-09"), rfm_frame(complete)
    assert len(before) == 112 and before.equals(own)
    assert concentration_metrics(partial)["total"] == 11 * 11200 + 3960  # 12 months, October's days 1..9


def test_a_partial_month_reads_recency_at_the_data_end_not_the_month_end(tmp_path):
    """The data ends on 2026-10-09: a customer's recency is counted to 10 October, not to 1 November.

    C0 buys on day 1 of every month (last 2026-10-01): 9 days; C9 on day 10 (last 2026-09-10, October's not yet
    in the data): 30 days. Counted to the month end they would be 31 and 52, 22 days of a silence the data
    cannot have seen; September's own state is still read at its end (C0: 30 days).
    """
    from test_report import write_partial_month

    data = write_partial_month(tmp_path / "p")
    partial = open_report(data, "2026-10")
    now = market.rfm_frame(partial).set_index("customer_id")["recency_days"]
    assert now["C0"] == 9 and now["C9"] == 30 and now["C8"] == 1
    before = market.rfm_frame(partial, "2026-09").set_index("customer_id")["recency_days"]
    assert before["C0"] == 30 and before["C9"] == 21  # to 2026-10-01


def test_the_rfm_note_says_when_the_state_is_read(tmp_path):
    """A complete month is read at its end; a partial one at the end of its last day in the data (day 9)."""
    from test_report import write_partial_month

    data = write_partial_month(tmp_path / "p")
    assert market.rfm_panel(open_report(data, "2026-09")).note.startswith("截至本月末，近12个月")
    assert market.rfm_panel(open_report(data, "2026-10")).note.startswith("截至本月 9 日（数据的最后一天），近12个月")
    english = market.rfm_panel(open_report(data, "2026-10", lang="en")).note
    assert english.startswith("As of day 9 of the month (the data's last day) over 12 months")


def test_the_rfm_table_says_which_amounts_are_the_months(tiny, tmp_path):
    """The tiers' 销售额 is this month's (a tier bought nothing: 0), 平均金额 the lookback's: headers say which.

    SHINE (real29): 维护客户 showed 销售额 0.0万 beside 平均金额 61.6万 under bare headers, read as a contradiction.
    """
    r = open_report(str(tiny), "2026-10", "ALL", config_path=rfm_config(tmp_path))
    table = market.rfm_panel(r).table
    assert {"本月销售额", "本月占比", "平均金额（近12月）"} <= set(table.columns)
    tiers = market.rfm_tiers_frame(r)
    assert tiers["revenue"].sum() == 700  # October's revenue, the month the header names
