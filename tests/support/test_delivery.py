"""Delivery: late share of the orders promised for the month."""

import pytest
from scipy import stats
from tiny import write_tiny

from salesnb import support
from salesnb.support import delivery
from support.helpers import build, report


def test_delivery_hand_computed(folder):
    row = support.delivery_frame(report(folder)).iloc[0]
    assert row["due"] == 10 and row["late"] == 7 and row["undelivered"] == 1
    assert row["late_share"] == pytest.approx(0.7) and row["usual_share"] == 0.0
    assert row["delay_p50"] == 5 and row["delay_max"] == 5 and row["late_revenue"] == pytest.approx(700)
    assert bool(row["flagged"])
    assert not support.delivery_frame(report(folder, region="华南")).iloc[0]["flagged"]
    trend = support.delivery_trend_frame(report(folder))
    assert trend["late_share"].tolist() == [0.0] * 6 + [pytest.approx(0.7)]


def _placed_late(tables):
    """华南's October orders promised for November: 6 of 10 delivered 8 days late; one more promised after the data."""
    for row in tables["orders"]:
        if row["order_id"].startswith("OS10"):
            late = int(row["order_id"][-1]) < 6
            row.update(promised_at="2026-11-02", delivered_at="2026-11-10" if late else "2026-11-01")
    extra = dict(tables["orders"][-1], order_id="OS10X", promised_at="2026-12-01", delivered_at="")
    tables["orders"].append(extra)


def test_a_delay_of_the_orders_placed_in_the_month_is_judged_on_them(tmp_path):
    tables = build()
    _placed_late(tables)
    r = report(write_tiny(tmp_path / "t", tables=tables), region="华南")
    row = support.delivery_frame(r).iloc[0]
    assert row["due"] == 0  # nothing was promised for October: counted by promised month, the delay is not here
    # placed in October, promise passed by the data's end (11-10): 10 orders, not the one promised for December
    assert row["placed_due"] == 10 and row["placed_late"] == 6 and row["placed_late_share"] == pytest.approx(0.6)
    assert row["placed_usual_share"] == 0.0 and row["placed_delay_p50"] == 8
    assert row["placed_p_value"] == pytest.approx(stats.binom.sf(5, 10, 0.01))  # usual share 0, floored at 1%
    assert row["cohort"] == "placed" and bool(row["flagged"])
    (found,) = delivery.delivery_delay(r)
    assert found["detail"].startswith("本月下单且已到承诺日的 10 单中 6 单晚于承诺日期（60.0%")


def test_an_order_not_due_by_the_data_end_is_not_judged(tmp_path):
    tables = build()
    _placed_late(tables)
    r = report(write_tiny(tmp_path / "t", tables=tables), region="华南")
    rows = delivery.delivery_facts(r)
    assert "OS10X" not in set(rows["order_id"])  # promised 12-01, the data ends 11-10: not late, not on time
    assert rows.loc[rows["region"] == "华南", "late"].sum() == 6  # the December promise is not counted undelivered
