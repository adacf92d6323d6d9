"""Tables built once per dataset and sliced per month equal the month-by-month computation they replace."""

import numpy as np
import pandas as pd
import pytest

from product.helpers import SAMPLE
from salesnb.data import facts
from salesnb.product.common import lines, lines_of_orders, named, product_info, returned, with_orders, with_scopes
from salesnb.product.lines import line_months
from salesnb.product.returns import matched_returns
from salesnb.report import open_report

MONTHS = ["2025-10", "2026-03", "2026-09", "2026-10"]


def scope_line_months(data: pd.DataFrame) -> pd.DataFrame:
    """The definition: revenue and distinct orders per scope, product line and month of lines with ``scope``."""
    return data.groupby(["scope", "product_line", "month"]).agg(
        revenue=("revenue", "sum"), orders=("order_id", "nunique")
    )


@pytest.mark.parametrize("region", ["ALL", "华东", "西南"])
def test_line_months_slices_equal_the_months_grouping(region):
    for period in MONTHS:
        report = open_report(str(SAMPLE), period, region)
        months = sorted({*report.history(24), period})
        definition = scope_line_months(with_scopes(facts.in_months(lines(report.ds), months), report))
        pd.testing.assert_frame_equal(line_months(report, months), definition, check_exact=True)


def test_a_return_is_priced_at_the_first_line_of_its_order_and_product_over_every_line():
    ds = open_report(str(SAMPLE), "2026-10", "ALL").ds
    got = returned(ds)
    first = lines(ds).drop_duplicates(["order_id", "product_id"])[["order_id", "product_id", "unit_price"]]
    priced = got[["order_id", "product_id"]].merge(first, on=["order_id", "product_id"], how="left")
    np.testing.assert_array_equal(got["value"].to_numpy(), got["quantity"].to_numpy() * priced["unit_price"].to_numpy())
    regions = facts.order_facts(ds).set_index("order_id")["region"]
    assert got["region"].tolist() == ds["returns"]["order_id"].map(regions).fillna(facts.UNKNOWN).tolist()
    assert got["order_id"].tolist() == ds["returns"]["order_id"].tolist()


def test_product_info_and_the_returned_orders_lines_equal_the_definitions():
    report = open_report(str(SAMPLE), "2026-10", "ALL")
    ds = report.ds
    first = named(ds, lines(ds).drop_duplicates("product_id")).set_index("product_id")
    pd.testing.assert_frame_equal(product_info(ds), first)
    order_ids = ds["returns"]["order_id"]
    data = lines(ds)
    pd.testing.assert_frame_equal(lines_of_orders(ds, order_ids), data[data["order_id"].isin(order_ids)])
    window = int(report.settings("product")["return_window_days"])
    back, sold = returned(ds), with_orders(ds, data.drop_duplicates("order_id")).set_index("order_id")
    lag = (back["returned_at"] - back["order_id"].map(sold["order_date"])).dt.days
    matched = matched_returns(report)
    assert matched["month"].tolist() == back["order_id"].map(sold["month"])[(lag >= 0) & (lag <= window)].tolist()
