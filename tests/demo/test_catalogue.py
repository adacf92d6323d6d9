"""generate_dataset(products=N): a long-tail catalogue on top of the named products, the default untouched."""

import pandas as pd
import pytest

from salesnb.demo import generate_dataset


@pytest.fixture(scope="module")
def small():
    return generate_dataset(months=6, scale=0.3, products=400, plant=False)[0]


def test_catalogue_size_ids_and_launch_dates(small):
    products = small["products"]
    assert len(products) == 400 and products["product_id"].is_unique
    named = generate_dataset(months=6, scale=0.3, plant=False)[0]["products"]
    assert len(named) == 26
    head = products.head(26).reset_index(drop=True)
    pd.testing.assert_frame_equal(head.drop(columns="product_id"), named.drop(columns="product_id"))
    assert products["launch_date"].isna().sum() > 0  # some variants have no launch date
    assert products["launch_date"].head(26).notna().all()
    assert (products["unit_cost"] < products["list_price"]).all()


def test_lines_sell_the_long_tail(small):
    sold = small["order_lines"]["product_id"]
    assert set(sold) <= set(small["products"]["product_id"])
    assert sold.nunique() > 100  # well beyond the 26 named products


def test_bad_catalogue_size_is_refused():
    with pytest.raises(ValueError, match="products"):
        generate_dataset(months=6, products=0)
