"""The team angle's shared tables, found once per scope, equal their definitions on the sample data."""

import pandas as pd
import pytest

from salesnb.data import facts
from salesnb.data.reps import rep_info
from salesnb.periods import month_labels
from salesnb.report import open_report
from salesnb.team import common
from team.helpers import SAMPLE


@pytest.mark.parametrize("region", ["ALL", "华东", "西南"])
def test_month_rows_equal_the_cross_section(region):
    report = open_report(str(SAMPLE), "2026-10", region)
    months = common.rep_months(report)
    for month in [*sorted(set(months.index.get_level_values("month"))), "1999-01"]:
        got = common.month_rows(report, month)
        if month not in months.index.get_level_values("month"):
            assert got is None
            continue
        pd.testing.assert_frame_equal(got, months.xs(month, level="month"))
        got["revenue"] = 0.0  # a caller's change stays its own
        assert common.month_rows(report, month)["revenue"].equals(months.xs(month, level="month")["revenue"])


def test_activity_regions_equal_the_map_definition():
    report = open_report(str(SAMPLE), "2026-10", "ALL")
    ds = report.ds
    acts = ds["activities"]
    region = acts["rep_id"].map(rep_info(ds)["region"])
    region = region.fillna(acts["customer_id"].map(ds["customers"].set_index("customer_id")["region"]))
    got = common.activity_facts(report)
    assert got["region"].tolist() == region.fillna(facts.UNKNOWN).tolist()
    assert got["month"].equals(month_labels(acts["occurred_at"]))


def test_deal_moves_equal_the_map_definition():
    report = open_report(str(SAMPLE), "2026-10", "ALL")
    ds = report.ds
    events = ds["stage_events"]
    deals = ds["opportunities"].drop_duplicates("opportunity_id").set_index("opportunity_id")
    rep = events["opportunity_id"].map(deals["rep_id"])
    region = rep.map(rep_info(ds)["region"]).fillna(events["opportunity_id"].map(deals["region"]))
    frame = pd.DataFrame(
        {"rep_id": rep, "region": region.fillna(facts.UNKNOWN), "month": month_labels(events["entered_at"])}
    )
    frame = frame[frame["rep_id"].notna() & frame["month"].notna()]
    expected = frame.groupby(["rep_id", "region", "month"]).size().rename("moves").reset_index()
    expected = expected.groupby(["rep_id", "month"], as_index=False)["moves"].sum()
    got = common.deal_moves(report)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(got, expected)
