"""commission_lines' one-lookup matching equals the ``isin`` / ``map`` definition on the sample data."""

from pathlib import Path

import pandas as pd
import pytest

from salesnb import commission
from salesnb.data import facts
from salesnb.periods import month_labels
from salesnb.report import open_report

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def _paid_lines_definition(report):
    """The definition: the period's paid invoices of the region's orders with a rep, matched by isin and map."""
    orders = facts.in_region(facts.order_facts(report.ds), report.region)
    orders = orders[orders["rep_id"].notna()].set_index("order_id")
    invoices = report.ds["invoices"]
    paid = invoices[invoices["paid_at"].notna() & (month_labels(invoices["paid_at"]) == report.period)]
    paid = paid[paid["order_id"].isin(orders.index)]
    order_ids = pd.Series(paid["order_id"].to_numpy())
    return pd.DataFrame(
        {
            "order_id": order_ids,
            "rep_id": order_ids.map(orders["rep_id"]),
            "customer_id": order_ids.map(orders["customer_id"]),
            "sequence": order_ids.map(commission.order_sequence(report.ds)).astype(int),
            "base": paid["paid_amount"].fillna(paid["amount"]).to_numpy(dtype=float),
        }
    )


@pytest.mark.parametrize("region", ["ALL", "华东"])
@pytest.mark.parametrize("period", ["2026-03", "2026-10"])
def test_commission_lines_match_the_definition(region, period):
    report = open_report(str(SAMPLE), period, region)
    got = commission.commission_lines(report)
    expected = _paid_lines_definition(report)
    assert len(expected) > 0
    keys = ["order_id", "rep_id", "customer_id", "sequence", "base"]
    order = ["rep_id", "order_id", "base"]
    got = got[keys].sort_values(order).reset_index(drop=True)
    expected = expected[keys].sort_values(order).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


@pytest.mark.parametrize("region", ["ALL", "华东"])
def test_order_counted_lines_match_the_definition(region, tmp_path):
    user = tmp_path / "order.yaml"
    user.write_text("commission:\n  count_when: order\n", encoding="utf-8")
    report = open_report(str(SAMPLE), "2026-10", region, config_path=str(user))
    orders = facts.in_region(facts.order_facts(report.ds), report.region)
    orders = orders[orders["rep_id"].notna()].set_index("order_id")
    now = facts.in_months(orders, report.period)
    expected = pd.DataFrame(
        {
            "order_id": now.index,
            "rep_id": now["rep_id"].to_numpy(),
            "customer_id": now["customer_id"].to_numpy(),
            "sequence": now.index.map(commission.order_sequence(report.ds)).astype(int),
            "base": now["revenue"].to_numpy(),
            "counted_at": now["order_date"].to_numpy(),
        }
    )
    got = commission.commission_lines(report)
    assert len(expected) > 0
    keys = ["order_id", "rep_id", "customer_id", "sequence", "base", "counted_at"]
    got = got[keys].sort_values("order_id").reset_index(drop=True)
    expected = expected[keys].sort_values("order_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected)
