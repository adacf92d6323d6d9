"""Arrays built once per dataset and read per month equal the month-by-month computation they replace."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from salesnb.data import facts
from salesnb.data.customers import customer_regions
from salesnb.data.dataset import Dataset
from salesnb.periods import month_end
from salesnb.report import open_report
from salesnb.support.common import NAME, row_regions
from salesnb.support.credit import late_stage_deals
from support.helpers import SAMPLE

STAGES = ["初步接触", "需求确认", "方案报价", "商务谈判", "合同签订"]


def _late_stage_definition(opps, events, stages, count, month):
    """The definition: the month's open deals, their furthest stage by then from a sort and a groupby."""
    cutoff = month_end(month)
    late = stages[max(0, len(stages) - count) :]
    status = opps["status"].str.lower()
    open_then = (opps["created_at"] < cutoff) & (
        (opps["closed_at"].notna() & (opps["closed_at"] >= cutoff)) | (opps["closed_at"].isna() & (status == "open"))
    )
    opps = opps[open_then & opps["customer_id"].notna()]
    events = events[(events["entered_at"] < cutoff) & events["opportunity_id"].isin(opps["opportunity_id"])]
    rank = {name: k for k, name in enumerate(stages)}
    events = events.assign(rank=events["stage"].map(rank)).dropna(subset=["rank"])
    furthest = events.sort_values(["opportunity_id", "rank"]).groupby("opportunity_id")["stage"].last()
    opps = opps.assign(stage=opps["opportunity_id"].map(furthest))
    return opps[opps["stage"].isin(late)]


def _random_deals(rng, n):
    """Deals (some ids repeated or missing, some without a customer) and their events (some of unknown deals)."""
    ids = pd.Series([f"OP{k}" for k in rng.integers(0, n, n)], dtype=object)
    ids[rng.random(n) < 0.03] = None
    day = pd.Timestamp("2026-06-01")
    created = day + pd.to_timedelta(rng.integers(0, 150, n), unit="D")
    closed = pd.Series(created + pd.to_timedelta(rng.integers(1, 90, n), unit="D")).where(rng.random(n) < 0.6)
    opps = pd.DataFrame(
        {
            "opportunity_id": ids,
            "created_at": created,
            "closed_at": closed,
            "status": rng.choice(["open", "Open", "won", "lost", None], n),
            "customer_id": pd.Series([f"C{k}" for k in rng.integers(0, n // 3 + 1, n)]).where(rng.random(n) < 0.9),
            "amount": rng.uniform(100, 1000, n).round(2),
        }
    )
    m = 3 * n
    events = pd.DataFrame(
        {
            "opportunity_id": pd.Series([f"OP{k}" for k in rng.integers(0, n + 5, m)]).where(rng.random(m) < 0.97),
            "stage": rng.choice([*STAGES, "其他"], m),
            "entered_at": pd.Series(day + pd.to_timedelta(rng.integers(0, 200, m), unit="D")).where(
                rng.random(m) < 0.95
            ),
        }
    )
    return opps, events


@pytest.mark.parametrize("seed", range(12))
def test_late_stage_deals_equal_the_definition_on_random_deals(seed):
    rng = np.random.default_rng(seed)
    opps, events = _random_deals(rng, int(rng.integers(5, 200)))
    base = open_report(str(SAMPLE), "2026-10", "ALL")
    count = int(rng.integers(1, 4))
    config = {**base.config, "stages": STAGES}
    config["thresholds"] = {**config["thresholds"], NAME: {**config["thresholds"][NAME], "credit_stages": count}}
    report = replace(base, ds=Dataset(tables={**base.ds.tables, "opportunities": opps, "stage_events": events}),
                     config=config)  # fmt: skip
    for month in ("2026-07", "2026-08", "2026-10"):
        got = late_stage_deals(report, month)
        expected = _late_stage_definition(opps, events, STAGES, count, month)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_row_regions_equal_the_two_maps():
    """The order's region, else the customer's: the same as mapping by order, then by customer."""
    report = open_report(str(SAMPLE), "2026-10", "ALL")
    orders = facts.order_facts(report.ds)
    tickets = report.ds["tickets"]
    rows = pd.concat([tickets, tickets.head(40).assign(order_id=None), tickets.head(5).assign(customer_id="nobody")])
    rows = rows.reset_index(drop=True)
    by_order = rows["order_id"].map(orders.set_index("order_id")["region"])
    expected = by_order.fillna(rows["customer_id"].map(customer_regions(report.ds)))
    got = row_regions(report.ds, rows)
    assert got.index.equals(rows.index)
    assert got.fillna("-").astype(str).tolist() == expected.fillna("-").astype(str).tolist()
    assert got.isna().tolist() == expected.isna().tolist()


def test_open_sums_are_the_open_invoices_sums():
    """Receivables and overdue at a month end without the rows: the open invoices' sums, to the last bit."""
    from salesnb.support.receivables import _open_invoices, _open_sums

    for region, month in (("ALL", "2026-10"), ("华东", "2026-08"), ("ALL", "2025-01")):
        report = open_report(str(SAMPLE), month, region)
        full = _open_invoices(report, month, region)
        ar, overdue = _open_sums(report, month, region)
        assert len(full) > 0
        assert ar == float(full["outstanding"].sum())
        assert overdue == float(full.loc[full["days_past_due"] > 0, "outstanding"].sum())
