"""产品组合."""

from dataclasses import replace

import pandas as pd
import pytest

from product.helpers import SAMPLE, report
from salesnb import product
from salesnb.periods import months_back
from salesnb.product.common import named, scoped_lines, with_orders
from salesnb.report import open_report


def test_bundles_hand_computed(folder):
    frame = product.bundle_frame(report(folder, "华南"))
    pair = frame[(frame["product_a"] == "P2") & (frame["product_b"] == "P4")].iloc[0]
    # 6 months × 12 orders; P2 in 8 a month, P4 in 8, both in customers 4-7
    assert pair["orders"] == 24 and pair["support"] == pytest.approx(24 / 72)
    assert pair["confidence_ab"] == pytest.approx(0.5) and pair["lift"] == pytest.approx(0.75)
    assert pair["aov_with"] == pytest.approx(180 + 180 + 72)
    assert pair["aov_without"] == pytest.approx(((180 + 180) + (180 + 72)) / 2)


def test_without_order_lines_the_section_skips(bare):
    panel = product.bundle_panel(report(bare))
    assert panel.is_skipped and "order_lines" in panel.note


def bundle_definition(report):
    """The pairs counted on the text ids of every line of the window (the computation bundle_frame replaces)."""
    cfg = report.settings("product")
    months = report.covered(months_back(report.period, cfg["bundle_months"]))
    data = with_orders(report.ds, named(report.ds, scoped_lines(report, months)), months)
    basket = data.drop_duplicates(["order_id", "product_id"])[["order_id", "product_id", "order_revenue"]]
    n_orders = basket["order_id"].nunique()
    multi = basket[basket.duplicated("order_id", keep=False)]
    pairs = multi.merge(multi[["order_id", "product_id"]], on="order_id", suffixes=("_a", "_b"))
    pairs = pairs[pairs["product_id_a"] < pairs["product_id_b"]]
    grouped = pairs.groupby(["product_id_a", "product_id_b"]).agg(
        orders=("order_id", "size"), value=("order_revenue", "sum")
    )
    grouped = grouped[grouped["orders"] >= cfg["bundle_min_orders"]]
    single = basket.groupby("product_id").agg(n=("order_id", "size"), value=("order_revenue", "sum"))
    a, b = grouped.index.get_level_values(0), grouped.index.get_level_values(1)
    n_a, n_b = single["n"].reindex(a).to_numpy(float), single["n"].reindex(b).to_numpy(float)
    v_a, v_b = single["value"].reindex(a).to_numpy(float), single["value"].reindex(b).to_numpy(float)
    n_ab, v_ab = grouped["orders"].to_numpy(float), grouped["value"].to_numpy(float)
    names = data.drop_duplicates("product_id").set_index("product_id")["product_name"]
    ids = {"product_a": a, "product_b": b, "name_a": names.reindex(a).to_numpy(), "name_b": names.reindex(b).to_numpy()}
    return product.bundles.pair_frame(ids, (n_ab, v_ab), (n_a, v_a), (n_b, v_b), n_orders)


@pytest.mark.parametrize("region", ["ALL", "华东", "西南"])
def test_bundles_on_integer_codes_equal_the_text_id_definition(region):
    for period in ("2025-03", "2026-06", "2026-10"):
        r = open_report(str(SAMPLE), period, region)
        every_pair = {**r.config["product"], "bundle_min_orders": 1}  # not only the frequent ones
        r = replace(r, config={**r.config, "product": every_pair})
        got, expected = product.bundle_frame(r), bundle_definition(r)
        assert len(got) > 10
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
