"""Shortcuts taken at scale give what the definitions they replace give, to the last bit."""

import math
from dataclasses import replace

import numpy as np
import pandas as pd

from salesnb.data import facts
from salesnb.report import open_report
from salesnb.support import satisfaction
from salesnb.support.common import at_stake, customer_value
from salesnb.support.delivery import delivery_facts, judged_deliveries
from salesnb.support.tickets import ticket_facts
from support.helpers import SAMPLE


def test_at_stake_from_the_tickets_order_revenue_equals_matching_their_orders():
    """Rows carrying ``order_revenue`` count the same orders, once, and the same customers as an id match."""
    report = open_report(str(SAMPLE), "2026-10", "ALL")
    tickets = ticket_facts(report)
    assert tickets["order_revenue"].notna().any()
    rng = np.random.default_rng(7)
    for size in (1, 5, 40, 300):
        rows = tickets.iloc[rng.choice(len(tickets), size=size, replace=True)].copy()
        rows.loc[rows.index[: size // 5], "order_id"] = None  # rows without an order count their customer
        rows.loc[rows.index[size // 5 : size // 4], "order_id"] = "no such order"
        rows["order_revenue"] = rows["order_revenue"].where(rows["order_id"].ne("no such order").to_numpy())
        rows["order_revenue"] = rows["order_revenue"].where(rows["order_id"].notna().to_numpy())
        assert at_stake(report, rows) == at_stake(report, rows.drop(columns="order_revenue"))


def _delivery_definition(ds) -> pd.DataFrame:
    """The orders promised by the data's end, judged at the end of the promised month (or the data's end)."""
    orders, of = ds["orders"], facts.order_facts(ds)
    frame = pd.DataFrame(
        {
            "order_id": orders["order_id"].to_numpy(),
            "customer_id": orders["customer_id"].to_numpy(),
            "promised_at": orders["promised_at"].to_numpy(),
            "delivered_at": orders["delivered_at"].to_numpy(),
            "region": of["region"].to_numpy(),
            "revenue": of["revenue"].to_numpy(),
            "placed": of["month"].to_numpy(),
        }
    )
    end = max(of["order_date"].max(), orders["delivered_at"].max()).normalize() + pd.Timedelta(days=1)
    due = frame["promised_at"].notna() & (frame["promised_at"] < end)
    return judged_deliveries(ds, frame[due].reset_index(drop=True), end)  # every row, then filtered


def test_delivery_facts_take_only_the_promised_orders_and_equal_the_definition():
    report = open_report(str(SAMPLE), "2026-10", "ALL")
    orders = report.ds["orders"]
    orders = orders.assign(promised_at=orders["promised_at"].where(np.arange(len(orders)) % 3 > 0))
    report = replace(report, ds=replace(report.ds, tables={**report.ds.tables, "orders": orders}))
    got, expected = delivery_facts(report), _delivery_definition(report.ds)
    assert 0 < len(got) < len(report.ds["orders"])
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    for column in ("promised_at", "delivered_at", "region", "revenue", "late", "delay_days"):
        assert got[column].dtype == expected[column].dtype, column


def test_top_customers_by_hash_lookup_equal_isin():
    """satisfaction_by_tier_frame's top / rest split equals ``isin`` of the top customers."""
    for region in ("ALL", "华东"):
        report = open_report(str(SAMPLE), "2026-10", region)
        cfg = report.settings("support")
        surveys = facts.scoped(satisfaction.survey_facts(report), report.region, report.period)
        buyers = facts.in_region(facts.order_facts(report.ds), report.region)["customer_id"].unique()
        ranked = customer_value(report).reindex(buyers).fillna(0.0).sort_values(ascending=False, kind="stable")
        top = set(ranked.index[: max(1, math.ceil(cfg["top_customer_share"] * len(ranked)))])
        frame = satisfaction.satisfaction_by_tier_frame(report).set_index("group")
        assert frame.loc["top", "n"] == surveys["customer_id"].isin(top).sum() > 0
        assert frame.loc["rest", "n"] == (~surveys["customer_id"].isin(top)).sum()


def test_scoped_rows_are_the_scoped_rows():
    """Rows grouped by month once and taken per month or window: the rows ``facts.scoped`` filters, in order."""
    from salesnb.support.common import scoped_rows
    from salesnb.support.receivables import due_collection

    report = open_report(str(SAMPLE), "2026-10", "ALL")
    tables = {
        "order_facts": facts.order_facts(report.ds),
        "due_collection": due_collection(report),
        "delivery_facts": delivery_facts(report),
    }
    for region in ("ALL", "华东", "nowhere"):
        for name, table in tables.items():
            for months in ("2026-10", "2030-01", ["2026-10", "2026-08", "2026-09"], ["2026-09", "2026-09"], []):
                expected = facts.scoped(table, region, months)
                pd.testing.assert_frame_equal(scoped_rows(report, name, table, region, months), expected)


def test_tickets_and_invoices_order_rows_matched_together_equal_each_alone():
    from salesnb.support.common import order_rows, table_order_rows

    report = open_report(str(SAMPLE), "2026-10", "ALL")
    for name in ("tickets", "invoices"):
        alone = order_rows(report.ds, report.ds[name]["order_id"])
        np.testing.assert_array_equal(table_order_rows(report.ds, name), alone)
        assert (alone >= 0).any()


def test_customer_values_are_the_reindexed_customer_value():
    from salesnb.support.common import customer_values

    report = open_report(str(SAMPLE), "2026-10", "ALL")
    value = customer_value(report)
    buyers = facts.order_facts(report.ds)["customer_id"].unique()
    for customers in (buyers, buyers[:0], buyers[::-7], pd.Series(["nobody", *buyers[:3]], dtype="str").to_numpy()):
        expected = value.reindex(customers).fillna(0.0)
        got = customer_values(report, customers)
        pd.testing.assert_series_equal(got, expected)
        assert float(got.sum()) == float(expected.sum())
