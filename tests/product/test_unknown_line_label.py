"""A product without a product line is "unknown" on an English page, not 未知."""

import pytest
from tiny import write_tiny

from product.helpers import build, report
from salesnb import product


@pytest.fixture(scope="module")
def lineless(tmp_path_factory):
    """The tiny dataset with P4 (丁) in no product line."""
    tables = build()
    tables["products"][3]["product_line"] = ""
    return write_tiny(tmp_path_factory.mktemp("lineless"), tables=tables)


def test_pareto_lifecycle_and_discount_tables_say_unknown_in_the_readers_language(lineless):
    for panel in (product.pareto_panel, product.lifecycle_panel):
        en = panel(report(lineless, lang="en")).table
        lines = dict(zip(en["Product"], en["Product line"], strict=True))
        assert lines["丁"] == "unknown" and lines["甲"] == "A线"
        zh = panel(report(lineless)).table
        assert dict(zip(zh["产品"], zh["产品线"], strict=True))["丁"] == "未知"
    en = product.discount_panel(report(lineless, lang="en")).table
    assert "unknown" in set(en["Product line"]) and "未知" not in set(en["Product line"])
