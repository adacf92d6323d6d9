"""A last day exported before it ended (1 order of a day that has 20) is left out of a partial month's days."""

from __future__ import annotations

import pandas as pd
import pytest

from salesnb.data import facts, store_read
from salesnb.data.cut_day import cut_short
from salesnb.data.loading import load_dataset
from salesnb.report import open_report


def _days(last: str, last_orders: int, usual: int = 20, quiet: int | None = None) -> pd.Series:
    """Orders per day for the 35 days up to ``last``: ``usual`` a day (``quiet`` on ``last``'s weekday)."""
    days = pd.date_range(end=last, periods=35, freq="D")
    counts = [usual if quiet is None or d.day_of_week != days[-1].day_of_week else quiet for d in days]
    return pd.Series(counts[:-1] + [last_orders], index=days)


def test_one_order_on_a_day_of_twenty_is_cut_short():
    # the same weekday of the four weeks before: 20 each; P(X <= 1 | 20) = 21 e^-20 = 4.3e-8
    assert cut_short(_days("2026-10-10", 1), pd.Timestamp("2026-10-10")) == {"day": 10, "orders": 1, "usual": 20.0}
    assert cut_short(_days("2026-10-10", 0), pd.Timestamp("2026-10-10"))["orders"] == 0


@pytest.mark.parametrize(
    ("last", "orders", "usual", "quiet"),
    [
        ("2026-10-10", 6, 20, None),  # 6 > a quarter of 20: a slow day, not a cut one
        ("2026-10-10", 0, 4, None),  # 0 of 4 usual: P = e^-4 = 0.018, a quiet business's empty day happens
        ("2026-10-11", 1, 20, 1),  # a Sunday with 1 order where every Sunday has 1: the week's quiet day
        ("2026-10-01", 0, 20, None),  # the month's first day: no day before it to read the month through
    ],
)
def test_a_quiet_day_a_quiet_business_or_a_first_day_is_not_cut(last, orders, usual, quiet):
    assert cut_short(_days(last, orders, usual, quiet), pd.Timestamp(last)) is None


def test_a_last_day_covered_by_left_out_orders_only_is_not_tested():
    counts = _days("2026-10-09", 20)  # the kept orders end on the 9th; a cancelled order reached the 10th
    assert cut_short(counts, pd.Timestamp("2026-10-10")) is None


def _export(folder, last_orders: int, timed: bool = False):
    """20 orders of 100 a day from 2026-08-01 through 2026-10-09, then ``last_orders`` on 2026-10-10.

    ``timed``: the k-th order of a day at k hours 7 minutes (the last day's at 00:02, an export run after midnight).
    """
    days = [
        d + pd.Timedelta(hours=k, minutes=7) * int(timed)
        for d in pd.date_range("2026-08-01", "2026-10-09")
        for k in range(20)
    ]
    days += [pd.Timestamp("2026-10-10 00:02" if timed else "2026-10-10")] * last_orders
    folder.mkdir()
    pd.DataFrame({
        "order_id": [f"O{k}" for k in range(len(days))], "customer_id": [f"C{k % 50}" for k in range(len(days))],
        "order_date": [d.strftime("%Y-%m-%d %H:%M" if timed else "%Y-%m-%d") for d in days], "amount": 100,
    }).to_csv(folder / "orders.csv", index=False)  # fmt: skip
    return str(folder)


def test_a_cut_last_day_is_left_out_of_the_month_the_baselines_and_the_year(tmp_path):
    from salesnb import overview

    data = _export(tmp_path / "cut", 1)
    report = open_report(data, "2026-10")
    assert report.through_day == 9  # was 10: days 1..10 against September's whole days 1..10
    m = overview.headline_metrics(report)
    # October days 1..9: 180 orders × 100; September days 1..9 the same (main: 18,100 / 20,000 − 1 = −9.5 %)
    assert (m["revenue"], m["orders"], m["revenue_prev_month"], m["mom_growth"]) == (18000, 180, 18000, 0)
    assert m["ytd_revenue"] == 31 * 2000 + 30 * 2000 + 18000  # August, September whole, October 1..9: not 140,100
    header = report._repr_markdown_()
    assert "数据只到 9 日" in header and "10 日只有 1 笔订单（此前 4 周同一星期几平均 20 笔）" in header
    assert "Day 10 holds 1 orders only" in open_report(data, "2026-10", lang="en")._repr_markdown_()


def test_a_full_last_day_keeps_its_month_through_it_and_says_nothing(tmp_path):
    from salesnb import overview

    report = open_report(_export(tmp_path / "full", 20), "2026-10")
    assert report.through_day == 10 and overview.headline_metrics(report)["revenue"] == 20000
    assert "只有" not in report._repr_markdown_()


def test_the_store_plan_reads_the_same_cut_day(tmp_path):
    data = _export(tmp_path / "cut", 1)
    planned = store_read.planning_dataset(data, None, tmp_path / "store")
    assert store_read.order_keys(planned).days[pd.Timestamp("2026-10-10")] == 1
    assert facts.through_day(planned, "2026-10") == facts.through_day(load_dataset(data), "2026-10") == 9


def test_the_store_plan_counts_timed_orders_per_calendar_day(tmp_path):
    data = _export(tmp_path / "timed", 1, timed=True)
    keys = store_read.order_keys(store_read.planning_dataset(data, None, tmp_path / "store"))
    assert (len(keys.days), keys.days[pd.Timestamp("2026-10-09")], keys.days[pd.Timestamp("2026-10-10")]) == (71, 20, 1)
    assert keys.dates.tolist() == [pd.Timestamp("2026-08-01 00:07"), pd.Timestamp("2026-10-10 00:02")]
    assert facts.through_day(load_dataset(data), "2026-10") == 9
