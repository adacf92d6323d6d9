"""Receivables: ageing, collection of the amount due, DSO, the overdue trend."""

import pandas as pd
import pytest
from scipy import stats
from tiny import write_tiny

from salesnb import support
from salesnb.support.receivables import invoices_end
from support.helpers import HISTORY, build, invoice, report


def test_receivables_hand_computed(folder):
    r = report(folder)
    ageing = support.ageing_frame(r).set_index("bucket")
    assert list(ageing.index) == ["0–30", "31–60", "61–90", ">90"]
    assert ageing.loc["0–30", "amount"] == 500 and ageing.loc["0–30", "invoices"] == 5  # due 10-15: 16 days
    assert ageing.loc["61–90", "amount"] == 100  # due 08-15: 77 days at 10-31
    assert ageing.loc["31–60", "prev_amount"] == 100  # 46 days at 09-30
    assert ageing["share"].sum() == pytest.approx(1.0)
    m = support.collection_metrics(r)
    assert m["receivables"] == 600 and m["overdue"] == 600
    assert m["dso"] == pytest.approx(600 / 3000 * 92)  # Aug-Oct revenue and days
    assert m["due"] == 500 and m["unpaid_rate"] == 1.0 and m["unpaid_invoices"] == 5
    row = support.receivables_frame(r).iloc[0]
    assert row["usual_rate"] == pytest.approx(100 / 2500)  # the August invoice in 6 months of 4 paid ones
    assert row["excess"] == pytest.approx((1 - 0.04) * 500) and bool(row["flagged"])
    trend = support.receivables_trend_frame(r)
    assert trend["overdue"].tolist()[-3:] == [100, 100, 600]


def test_a_rise_from_the_scopes_own_low_rate_is_overdue_without_a_fixed_alert_line(tmp_path):
    """华南 usually leaves 2 of 20 invoices (10%) unpaid at the end of their due month; in October 7 (35%).

    35% is under any 40% alert line, yet 25 points above the scope's own rate, and 7 of 20 at 10% is improbable.
    """
    tables = build()
    for month in [*HISTORY, "2026-10"]:
        unpaid = 7 if month == "2026-10" else 2
        for n in range(20):
            k, tag = n % 10, "ab"[n // 10]
            paid = "" if n < unpaid else f"{month}-10"
            tables["invoices"].append(invoice("华南", month, k, f"{month}-01", f"{month}-15", paid, tag=tag))
    row = support.receivables_frame(report(write_tiny(tmp_path / "t", tables=tables), region="华南")).iloc[0]
    assert row["unpaid_rate"] == pytest.approx(0.35) and row["usual_rate"] == pytest.approx(0.1)
    assert row["p_value"] == pytest.approx(stats.binom.sf(6, 20, 0.1))
    assert row["excess"] == pytest.approx(0.25 * 2000) and bool(row["flagged"])


def test_an_invoice_due_on_the_data_s_last_day_and_unpaid_is_not_unpaid_yet(tmp_path):
    """The data ends on 10-31: 2 invoices due that day and unpaid may still be paid on it; 1 paid on it counts."""
    tables = build()
    for k, paid in ((5, ""), (6, ""), (7, "2026-10-31")):
        tables["invoices"].append(invoice("华东", "2026-10", k, "2026-10-05", "2026-10-31", paid))
    r = report(write_tiny(tmp_path / "t", tables=tables))
    assert invoices_end(r) == pd.Timestamp("2026-11-01")
    m = support.collection_metrics(r)
    assert (m["due"], m["unpaid"], m["due_invoices"], m["unpaid_invoices"]) == (600, 500, 6, 5)  # was 800, 700, 8, 7
    assert m["unpaid_rate"] == pytest.approx(5 / 6)
    assert m["receivables"] == 800 and m["overdue"] == 600  # open, not overdue: due on the last day
    assert support.receivables_panel(r).note.endswith(
        "另有 2 张发票在数据最后一天（2026-10-31）或之后到期、尚未回款，当天仍可能回款，暂不计为未回款或逾期。"
    )
    assert "另有" not in support.receivables_panel(report(write_tiny(tmp_path / "s", tables=tables), "华南")).note


def test_a_partial_month_s_receivables_note_reads_up_to_its_last_day(tmp_path):
    """The orders end on 10-18 (October partial): an invoice due 10-18 and unpaid is not judged yet."""
    tables = build()
    for row in tables["orders"]:
        if row["order_date"] == "2026-10-31":
            row.update(order_date="2026-10-18", promised_at="2026-10-18", delivered_at="2026-10-18")
    tables["invoices"].append(invoice("华东", "2026-10", 5, "2026-10-05", "2026-10-18", ""))
    r = report(write_tiny(tmp_path / "t", tables=tables))
    assert r.through_day == 18
    m = support.collection_metrics(r)
    assert (m["due"], m["unpaid"], m["overdue"]) == (500, 500, 600)  # the 5 due 10-15, and the August one
    note = support.receivables_panel(r).note
    assert (
        note.startswith("截至18日应收 700，其中逾期 600（85.7%）")
        and "本月 1–18 日到期金额 500 中 500 截至18日仍未回款" in note
    )
    assert note.endswith(
        "另有 1 张发票在数据最后一天（2026-10-18）或之后到期、尚未回款，当天仍可能回款，暂不计为未回款或逾期。"
    )
    assert "在手商机、未回款按当月 18 日末计（18 日当天到期而尚未完成的不计为延期或逾期）" in r._repr_markdown_()


def test_a_complete_month_ending_before_its_last_day_counts_days_past_due_to_the_data_s_end(tmp_path):
    """The orders end on 10-29 (October complete: within its last 3 days): invoices due 10-29 and 10-30 are not due.

    Counted to 10-31 they were 2 and 1 days overdue; the 5 due 10-15 are 14 days past due at 10-29, not 16.
    """
    tables = build()
    for row in tables["orders"]:
        if row["order_date"] == "2026-10-31":
            row.update(order_date="2026-10-29", promised_at="2026-10-29", delivered_at="2026-10-29")
    for k, due in ((5, "2026-10-29"), (6, "2026-10-30")):
        tables["invoices"].append(invoice("华东", "2026-10", k, "2026-10-05", due, ""))
    r = report(write_tiny(tmp_path / "t", tables=tables))
    assert not r.partial and invoices_end(r) == pd.Timestamp("2026-10-30")
    m = support.collection_metrics(r)
    assert m["receivables"] == 800 and m["overdue"] == 600  # was 800 overdue
    assert (m["due_invoices"], m["unpaid_invoices"], m["unpaid_rate"]) == (5, 5, 1.0)  # was 7 of 7
    rows = support.open_invoices(r, "2026-10")
    assert sorted(rows["days_past_due"]) == [-1, 0, 14, 14, 14, 14, 14, 75]
    assert support.ageing_frame(r).set_index("bucket").loc["0–30", "invoices"] == 5
