import pytest
from tiny import write_tiny

from overview.helpers import report, tables
from salesnb import drivers


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return write_tiny(tmp_path_factory.mktemp("drivers"), tables=tables())


def test_bridge_hand_computed(tiny):
    bridge = drivers.revenue_bridge(report(tiny)).set_index("step")["value"]
    assert list(bridge.index) == list(drivers.BRIDGE_STEPS)
    assert bridge["baseline"] == 220 and bridge["period"] == 242
    assert bridge["new_customers"] == 60  # C
    assert bridge["lost_customers"] == -20  # B
    # continuing (A): units 15 -> 13 at the baseline average price 200 / 15
    assert bridge["volume"] == pytest.approx((13 - 15) * 200 / 15)
    assert bridge["price"] == pytest.approx((11 - 10) * 12)  # P1 is the only product A bought in both months
    assert bridge["mix"] == pytest.approx((182 - 200) - (13 - 15) * 200 / 15 - 12)
    steps = bridge.drop(["baseline", "period"])
    assert steps.sum() == pytest.approx(242 - 220, abs=1e-9)
    m = drivers.bridge_metrics(report(tiny))
    assert m["bridge_new_customers"] == 60 and m["bridge_price"] == pytest.approx(12)
    assert "bridge_continuing" not in m


def test_bridge_without_order_lines_has_one_continuing_step(tmp_path):
    t = tables()
    amounts = {"O1": 200, "O2": 20, "O3": 182, "O4": 60}
    for row in t["orders"]:
        row["amount"] = amounts[row["order_id"]]
    folder = write_tiny(tmp_path / "no_lines", tables=t, drop=("order_lines",))
    bridge = drivers.revenue_bridge(report(folder)).set_index("step")["value"]
    assert list(bridge.index) == ["baseline", "new_customers", "lost_customers", "continuing", "period"]
    assert bridge["continuing"] == -18
    tree = drivers.revenue_tree(report(folder))
    assert "units_per_order" not in set(tree["node"]) and "price_per_unit" not in set(tree["node"])
    assert "product_line" not in set(drivers.driver_table(report(folder))["dimension"])
    assert drivers.bridge_metrics(report(folder))["bridge_continuing"] == -18
