import math

import pytest
from tiny import write_tiny

from overview.helpers import report, tables
from salesnb import drivers
from salesnb.drivers.tree import logmean


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return write_tiny(tmp_path_factory.mktemp("drivers"), tables=tables())


def test_tree_hand_computed(tiny):
    tree = drivers.revenue_tree(report(tiny)).set_index("node")
    assert tree.loc["buyers", "baseline"] == 2 and tree.loc["buyers", "value"] == 2
    assert tree.loc["order_value", "baseline"] == 110 and tree.loc["order_value", "value"] == 121
    assert tree.loc["units_per_order", "value"] == 8 and tree.loc["price_per_unit", "baseline"] == pytest.approx(
        220 / 17
    )
    weight = 22 / math.log(242 / 220)
    assert tree.loc["buyers", "contribution"] == pytest.approx(0.0)
    assert tree.loc["order_value", "contribution"] == pytest.approx(22.0)
    assert tree.loc["units_per_order", "contribution"] == pytest.approx(weight * math.log(8 / 8.5))
    assert tree.loc["price_per_unit", "contribution"] == pytest.approx(weight * math.log((242 / 16) / (220 / 17)))
    assert tree.loc["revenue", "contribution"] == 22


def test_logmean():
    assert logmean(2.0, 2.0) == 2.0
    assert logmean(math.e, 1.0) == pytest.approx(math.e - 1)  # (e − 1) / (1 − 0)
    assert math.isnan(logmean(0.0, 1.0)) and math.isnan(logmean(1.0, -1.0))
