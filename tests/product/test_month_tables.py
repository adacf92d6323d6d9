"""Tables built once per dataset and sliced per month equal the month-by-month computation they replace."""

import pandas as pd
import pytest

from product.helpers import SAMPLE
from salesnb.data import facts
from salesnb.product.common import lines, lines_of_orders, product_info, returned, with_scopes
from salesnb.product.lines import line_months, scope_line_months
from salesnb.product.returns import matched_returns
from salesnb.report import open_report

MONTHS = ["2025-10", "2026-03", "2026-09", "2026-10"]


@pytest.mark.parametrize("region", ["ALL", "华东", "西南"])
def test_line_months_slices_equal_the_months_grouping(region):
    for period in MONTHS:
        report = open_report(str(SAMPLE), period, region)
        months = sorted({*report.history(24), period})
        definition = scope_line_months(with_scopes(facts.in_months(lines(report.ds), months), report))
        pd.testing.assert_frame_equal(line_months(report, months), definition, check_exact=True)


def _returned_definition(ds):
    """The definition: each return's price from the first line of its order and product over every line."""
    returns, data = ds["returns"], lines(ds)
    orders = facts.order_facts(ds).set_index("order_id")
    price = data.drop_duplicates(["order_id", "product_id"]).set_index(["order_id", "product_id"])["unit_price"]
    frame = pd.DataFrame(
        {
            "order_id": returns["order_id"],
            "product_id": returns["product_id"],
            "quantity": returns["quantity"].astype(float),
            "returned_at": returns["returned_at"],
            "reason": returns["reason"].fillna(facts.UNKNOWN).astype(str),
        }
    )
    frame["region"] = frame["order_id"].map(orders["region"]).fillna(facts.UNKNOWN).astype(str)
    frame["month"] = frame["returned_at"].dt.strftime("%Y-%m")
    keys = pd.MultiIndex.from_frame(frame[["order_id", "product_id"]])
    frame["value"] = frame["quantity"] * price.reindex(keys).to_numpy(dtype=float)
    return frame


def test_returned_and_product_info_equal_the_definitions():
    report = open_report(str(SAMPLE), "2026-10", "ALL")
    ds = report.ds
    pd.testing.assert_frame_equal(returned(ds), _returned_definition(ds), check_exact=True)
    pd.testing.assert_frame_equal(product_info(ds), lines(ds).drop_duplicates("product_id").set_index("product_id"))
    order_ids = ds["returns"]["order_id"]
    data = lines(ds)
    pd.testing.assert_frame_equal(lines_of_orders(ds, order_ids), data[data["order_id"].isin(order_ids)])
    window = int(report.settings("product")["return_window_days"])
    back, sold = returned(ds), data.drop_duplicates("order_id").set_index("order_id")
    lag = (back["returned_at"] - back["order_id"].map(sold["order_date"])).dt.days
    matched = matched_returns(report)
    assert matched["month"].tolist() == back["order_id"].map(sold["month"])[(lag >= 0) & (lag <= window)].tolist()
