"""The columns added to the rows a section reads equal those of the full-width order-lines table they replace.

``wide_lines`` is that table as it was built for every line (the definition); :func:`priced`, :func:`named`,
:func:`with_orders`, :func:`product_info` and :func:`first_sales` must give the same values on any slice.
"""

import numpy as np
import pandas as pd
import pytest
from tiny import write_tiny

from product.helpers import SAMPLE, build, line
from salesnb.data import facts
from salesnb.product.common import lines, named, priced, product_info, with_orders
from salesnb.product.lifecycle import first_sales
from salesnb.report import open_report

ADDED = ["product_name", "list_price", "unit_cost", "list_revenue", "cost", "discount", "margin", "order_date",
         "order_revenue"]  # fmt: skip


def wide_lines(ds) -> pd.DataFrame:
    """Every order line with the product's name, prices and costs and the order's date and revenue."""
    frame = facts.line_facts(ds).copy()
    raw, products = ds.get("order_lines"), ds.get("products")
    list_price = pd.Series(raw["list_price"].to_numpy(dtype=float), index=frame.index)
    unit_cost = pd.Series(raw["unit_cost"].to_numpy(dtype=float), index=frame.index)
    if products is not None:
        by_product = products.set_index("product_id")
        list_price = list_price.fillna(frame["product_id"].map(by_product["list_price"]))
        unit_cost = unit_cost.fillna(frame["product_id"].map(by_product["unit_cost"]))
        names = frame["product_id"].map(by_product["product_name"])
    else:
        names = pd.Series(np.nan, index=frame.index, dtype=object)
    frame["product_name"] = names.fillna(frame["product_id"]).astype(str)
    frame["list_price"] = list_price.where(list_price > 0).astype(float)
    frame["unit_cost"] = unit_cost.astype(float)
    frame["list_revenue"] = frame["quantity"] * frame["list_price"]
    frame["cost"] = frame["quantity"] * frame["unit_cost"]
    frame["discount"] = 1 - frame["unit_price"] / frame["list_price"]
    frame["margin"] = 1 - frame["unit_cost"] / frame["unit_price"].where(frame["unit_price"] > 0)
    orders = facts.order_facts(ds).set_index("order_id")
    frame["order_date"] = frame["order_id"].map(orders["order_date"])
    frame["order_revenue"] = frame["order_id"].map(orders["revenue"])
    return frame


@pytest.fixture(scope="module")
def odd(tmp_path_factory):
    """The tiny dataset with lines lacking a list price or cost, a zero list price and a free line."""
    tables = build()
    tables["order_lines"][0].update(list_price="", unit_cost="")
    tables["order_lines"][1].update(list_price=0)
    tables["order_lines"].append(line(tables["order_lines"][9]["order_id"], "P2", 1, 0, "", ""))
    return write_tiny(tmp_path_factory.mktemp("odd_lines"), tables=tables)


@pytest.fixture(scope="module")
def nameless(tmp_path_factory):
    """The tiny dataset without a products table: names are the ids, prices and costs the order lines'."""
    return write_tiny(tmp_path_factory.mktemp("nameless"), tables=build(), drop=("products",))


def _datasets(odd, nameless):
    return [open_report(str(SAMPLE), "2026-10", "ALL").ds, open_report(str(odd), "2026-10", "ALL").ds,
            open_report(str(nameless), "2026-10", "ALL").ds]  # fmt: skip


@pytest.mark.parametrize("region", ["ALL", "华东"])
def test_columns_added_to_a_slice_equal_the_full_width_table(odd, nameless, region):
    for ds in _datasets(odd, nameless):
        wide = wide_lines(ds)
        months = sorted(lines(ds)["month"].dropna().unique())
        for chosen in (months[-1:], months[-4:], months[::3]):
            rows = facts.scoped(lines(ds), region, chosen)
            expected = wide.loc[rows.index]
            got = with_orders(ds, named(ds, priced(ds, rows)), chosen)
            pd.testing.assert_frame_equal(got[list(wide.columns)], expected, check_exact=True)
        every = with_orders(ds, lines(ds))  # no months: every order searched
        pd.testing.assert_frame_equal(every[["order_date", "order_revenue"]], wide[["order_date", "order_revenue"]])


def test_product_info_and_first_sales_equal_the_full_width_definitions(odd, nameless):
    for ds in _datasets(odd, nameless):
        wide = wide_lines(ds)
        first = wide.drop_duplicates("product_id").set_index("product_id")
        pd.testing.assert_frame_equal(product_info(ds), first.drop(columns=ADDED[1:]), check_exact=True)
        report = open_report("", "2026-10", "ALL", dataset=ds)
        expected = wide.groupby("product_id")["order_date"].min()
        pd.testing.assert_series_equal(first_sales(report), expected, check_exact=True)
