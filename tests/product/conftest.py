"""The product tests' tiny datasets, written once for the package."""

import pytest
from tiny import write_tiny

from product.helpers import build


@pytest.fixture(scope="package")
def folder(tmp_path_factory):
    return write_tiny(tmp_path_factory.mktemp("product"), tables=build())


@pytest.fixture(scope="package")
def bare(tmp_path_factory):
    """Orders (with their amounts) and customers only: every section that needs more must skip."""
    tables = build()
    for row in tables["orders"]:
        row["amount"] = 100
    drop = ("order_lines", "returns", "products", "opportunities")
    return write_tiny(tmp_path_factory.mktemp("product_bare"), tables=tables, drop=drop)
