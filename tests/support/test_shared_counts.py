"""Per-dataset counts and per-scope rows that outlive the ticket, delivery and invoice rows: what the rows give."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from salesnb.data import facts
from salesnb.data.dataset import Dataset
from salesnb.report import open_report
from salesnb.support.common import NAME, in_scope, region_rows
from salesnb.support.complaints import complaint_counts
from salesnb.support.credit import late_stage_deals
from salesnb.support.delivery import delivery_counts, delivery_facts, delivery_trend_frame
from salesnb.support.receivables import invoice_facts, open_invoices, overdue_invoices
from salesnb.support.tickets import judged_tickets, month_tickets, ticket_counts
from salesnb.trend import trend_months
from support.helpers import SAMPLE
from support.test_month_tables import STAGES, _random_deals


def test_in_scope_keeps_the_region_and_months_hand_counted():
    counts = pd.DataFrame(
        {"region": ["华东", "华南", "华东", "华东"], "month": ["2026-09", "2026-09", "2026-10", None]}
    )
    assert in_scope(counts, "华东").index.tolist() == [0, 2, 3]
    assert in_scope(counts, "华东", ["2026-09"]).index.tolist() == [0]
    assert in_scope(counts, "ALL", ["2026-09", "2026-10"]).index.tolist() == [0, 1, 2]
    assert in_scope(counts, "nowhere").empty


def test_ticket_counts_hand_counted(folder):
    """The tiny data's 华东 2026-10: 6 使用咨询 tickets answered after 60 h (all breached), 8 交付延误 complaints."""
    report = open_report(str(folder), "2026-10", "华东")
    counts = ticket_counts(report).set_index(["region", "month", "category"])
    rows = judged_tickets(report)
    for key, row in counts.iterrows():
        mine = rows[(rows["region"] == key[0]) & (rows["month"] == key[1]) & (rows["category"] == key[2])]
        assert (row["tickets"], row["judged"], row["breached"]) == (
            len(mine), int((~mine["pending"]).sum()), int(mine["breached"].sum())
        )  # fmt: skip
    assert int(counts["tickets"].sum()) == int(rows["month"].notna().sum())
    assert counts.loc[("华东", "2026-10", "交付延误"), "tickets"] == 8


@pytest.mark.parametrize("region", ["ALL", "华东", "西南"])
def test_month_tickets_and_complaint_counts_equal_the_rows(region):
    report = open_report(str(SAMPLE), "2026-10", region)
    expected = facts.scoped(judged_tickets(report), region, "2026-10")
    pd.testing.assert_frame_equal(month_tickets(report), expected)
    categories = list(report.settings(NAME)["complaint_categories"])
    first, last = facts.data_months(report.ds)
    months = [str(p) for p in pd.period_range(first, last, freq="M")]
    tickets = facts.in_region(judged_tickets(report), region)
    tickets = tickets[tickets["category"].isin(categories)]
    counted = tickets.groupby(["month", "category"]).size().unstack("category", fill_value=0)
    counted = counted.reindex(index=months, columns=categories, fill_value=0).astype(float).rename_axis("period")
    pd.testing.assert_frame_equal(complaint_counts(report), counted)


@pytest.mark.parametrize("region", ["ALL", "华东", "西南"])
def test_delivery_trend_from_the_counts_equals_the_rows(region):
    report = open_report(str(SAMPLE), "2026-10", region)
    labels = trend_months(report, 13)
    rows = facts.scoped(delivery_facts(report), region, labels)
    grouped = rows.groupby("month").agg(due=("late", "size"), late=("late", "sum"))
    expected = grouped.reindex(labels, fill_value=0).rename_axis("period").reset_index()
    expected["late_share"] = expected["late"] / expected["due"].where(expected["due"] > 0)
    pd.testing.assert_frame_equal(delivery_trend_frame(report), expected)
    assert int(delivery_counts(report)["due"].sum()) == len(delivery_facts(report))


def test_region_rows_are_the_regions_positions():
    report = open_report(str(SAMPLE), "2026-10", "ALL")
    invoices = invoice_facts(report)
    assert region_rows(report, "invoice_facts", invoices, "ALL") is None
    for region in ("华东", "西南", "nowhere"):
        expected = np.flatnonzero((invoices["region"] == region).to_numpy())
        np.testing.assert_array_equal(region_rows(report, "invoice_facts", invoices, region), expected)


@pytest.mark.parametrize(("region", "month"), [("ALL", "2026-10"), ("华东", "2026-08"), ("ALL", "2025-01")])
def test_overdue_invoices_are_the_overdue_open_invoices(region, month):
    report = open_report(str(SAMPLE), month, region)
    full = open_invoices(report, month)
    expected = full.loc[full["days_past_due"] > 0, ["customer_id", "outstanding", "days_past_due"]]
    got = overdue_invoices(report, month)
    assert len(got) > 0
    pd.testing.assert_frame_equal(got, expected)  # the same rows, labels, values and types


@pytest.mark.parametrize("seed", range(6))
def test_late_stage_deals_of_some_customers_are_theirs_of_all(seed):
    rng = np.random.default_rng(seed)
    opps, events = _random_deals(rng, int(rng.integers(5, 200)))
    base = open_report(str(SAMPLE), "2026-10", "ALL")
    report = replace(
        base,
        ds=Dataset(tables={**base.ds.tables, "opportunities": opps, "stage_events": events}),
        config={**base.config, "stages": STAGES},
    )
    customers = pd.Index(opps["customer_id"].dropna().unique()[::3])
    for month in ("2026-07", "2026-10"):
        every = late_stage_deals(report, month)
        expected = every[every["customer_id"].isin(customers)]
        pd.testing.assert_frame_equal(late_stage_deals(report, month, customers=customers), expected)
