"""Receivables: ageing, collection of the amount due, DSO, the overdue trend."""

import pytest

from salesnb import support
from support.helpers import report


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
