"""The latest complete month and the same-days view of a partial month (salesnb.data.facts)."""

import pandas as pd

from salesnb.data import facts, partial_month
from salesnb.data.dataset import Dataset


def orders(*dates: str) -> Dataset:
    """A dataset of one order per date, customer ``C<i>``, amount 100 × (i + 1)."""
    frame = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(len(dates))],
            "customer_id": [f"C{i}" for i in range(len(dates))],
            "order_date": pd.to_datetime(list(dates)),
            "region": "华东",
            "rep_id": pd.NA,
            "channel": pd.NA,
            "amount": [100.0 * (i + 1) for i in range(len(dates))],
        }
    )
    return Dataset({"orders": frame})


def test_a_month_is_complete_when_the_data_reaches_its_last_days():
    assert partial_month.latest_complete_month(orders("2026-08-20", "2026-09-30", "2026-10-09")) == "2026-09"
    assert partial_month.latest_complete_month(orders("2026-08-20", "2026-09-30", "2026-10-31")) == "2026-10"
    # a weekend is not a gap
    assert partial_month.latest_complete_month(orders("2026-09-30", "2026-10-29")) == "2026-10"
    assert partial_month.latest_complete_month(orders("2026-09-30", "2026-10-28")) == "2026-09"
    # no complete month at all
    assert partial_month.latest_complete_month(orders("2026-10-02", "2026-10-09")) == "2026-10"
    ds = orders("2026-08-20", "2026-09-12", "2026-10-09")
    assert facts.through_day(ds, "2026-10") == 9
    assert facts.through_day(ds, "2026-09") is None  # only the data's last month can be partial
    assert facts.through_day(orders("2026-02-01", "2026-02-26"), "2026-02") is None  # Feb 26 of 28 days


def test_same_days_view_counts_days_one_to_d_of_every_month_and_keeps_the_raw_tables():
    ds = orders("2026-08-20", "2026-09-03", "2026-09-12", "2026-10-09")
    ds.tables["orders"].loc[3, "customer_id"] = "C0"  # C0 first bought on Aug 20 (a day the view leaves out)
    view = facts.same_days(ds, 9)
    assert facts.same_days(ds, 9) is view and facts.same_days(view, 9) is view
    kept = facts.order_facts(view).set_index("order_id")
    assert kept["month"].isna().tolist() == [True, False, True, False]  # Aug 20 and Sep 12: after day 9
    assert facts.in_months(facts.order_facts(view), ["2026-08", "2026-09"])["revenue"].sum() == 200  # O1 only
    assert kept.loc["O3", "customer_first_month"] == "2026-08"  # not new in October
    assert view["orders"] is ds["orders"] and len(view["orders"]) == 4  # raw tables: every order
    assert facts.data_months(view) == ("2026-08", "2026-10")
    assert facts.order_facts(ds)["month"].notna().all()  # the whole data is untouched


def test_a_partial_months_targets_are_its_days_share():
    targets = pd.DataFrame({"period": ["2026-09", "2026-10", "2026-02"], "target_amount": [300.0, 310.0, 280.0]})
    ds = orders("2026-09-03", "2026-10-09")
    ds.tables["targets"] = targets
    view = facts.same_days(ds, 9)
    assert view["targets"]["target_amount"].tolist() == [90.0, 90.0, 90.0]  # 9/30, 9/31, 9/28 of the month
    assert facts.prorated_targets(targets, 30)["target_amount"].tolist() == [300.0, 300.0, 280.0]
    assert ds["targets"]["target_amount"].tolist() == [300.0, 310.0, 280.0]
