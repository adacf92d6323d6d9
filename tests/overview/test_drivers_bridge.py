import pytest
from tiny import ONE_MONTH_WARM_UP, write_tiny

from overview.helpers import report as open_toy
from overview.helpers import tables
from salesnb import drivers


def report(folder, **kw):
    """The toy's story: C, first seen in its second month, is new (a one-month warm-up: one_month_warm_up.yaml)."""
    return open_toy(folder, **{"config_path": ONE_MONTH_WARM_UP, **kw})


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return write_tiny(tmp_path_factory.mktemp("drivers"), tables=tables())


def test_bridge_hand_computed(tiny):
    bridge = drivers.revenue_bridge(report(tiny)).set_index("step")["value"]
    assert list(bridge.index) == [step for step in drivers.BRIDGE_STEPS if step != "unnamed"]  # every order named
    assert bridge["baseline"] == 220 and bridge["period"] == 242
    assert bridge["new_customers"] == 60  # C
    assert bridge["returning_customers"] == 0  # nobody came back after a pause
    assert bridge["lost_customers"] == -20  # B
    # continuing (A): units 15 -> 13 at the baseline average price 200 / 15
    assert bridge["volume"] == pytest.approx((13 - 15) * 200 / 15)
    assert bridge["price"] == pytest.approx((11 - 10) * 12)  # P1 is the only product A bought in both months
    assert bridge["mix"] == pytest.approx((182 - 200) - (13 - 15) * 200 / 15 - 12)
    steps = bridge.drop(["baseline", "period"])
    assert steps.sum() == pytest.approx(242 - 220, abs=1e-9)
    m = drivers.bridge_metrics(report(tiny))
    assert m["bridge_new_customers"] == 60 and m["bridge_price"] == pytest.approx(12)
    assert "bridge_continuing" not in m and "bridge_unnamed" not in m


def test_bridge_without_order_lines_has_one_continuing_step(tmp_path):
    t = tables()
    amounts = {"O1": 200, "O2": 20, "O3": 182, "O4": 60}
    for row in t["orders"]:
        row["amount"] = amounts[row["order_id"]]
    folder = write_tiny(tmp_path / "no_lines", tables=t, drop=("order_lines",))
    bridge = drivers.revenue_bridge(report(folder)).set_index("step")["value"]
    steps = ["baseline", "new_customers", "returning_customers", "lost_customers", "continuing", "period"]
    assert list(bridge.index) == steps
    assert bridge["continuing"] == -18
    tree = drivers.revenue_tree(report(folder))
    assert "units_per_order" not in set(tree["node"]) and "price_per_unit" not in set(tree["node"])
    assert "product_line" not in set(drivers.driver_table(report(folder))["dimension"])
    assert drivers.bridge_metrics(report(folder))["bridge_continuing"] == -18


def test_bridge_tells_new_customers_from_customers_back_after_a_pause(tmp_path):
    """D bought in August, not in September, again in October: back, not new; C's first order is October's."""
    from overview.helpers import order

    t = tables()
    t["customers"].append({"customer_id": "D", "region": "华东", "employee_count": 40})
    t["orders"] += [order("O5", "D", "2026-08-20", "R2", "直营"), order("O6", "D", "2026-10-08", "R2", "直营")]
    t["order_lines"] += [
        {"order_id": "O5", "product_id": "P2", "quantity": 1, "unit_price": 20},
        {"order_id": "O6", "product_id": "P2", "quantity": 2, "unit_price": 20},
    ]
    bridge = drivers.revenue_bridge(report(write_tiny(tmp_path / "back", tables=t))).set_index("step")["value"]
    assert bridge["new_customers"] == 60 and bridge["returning_customers"] == 40
    assert bridge["baseline"] == 220 and bridge["period"] == 282
    assert bridge.drop(["baseline", "period"]).sum() == pytest.approx(282 - 220, abs=1e-9)
    # the headline's 新客户 counts the same people as the bridge's new customers
    from salesnb import overview

    back = report(write_tiny(tmp_path / "back2", tables=t), config_path=ONE_MONTH_WARM_UP)
    assert overview.headline_metrics(back)["new_customers"] == 1


def test_bridge_table_shows_each_step_as_growth_pulled_against_the_baseline(tiny):
    """拉动 = the step ÷ the baseline (220): C's 60 is +27.3%; the note names the total growth, 22/220 = +10.0%."""
    panel = drivers.bridge_panel(report(tiny))
    pulled = dict(zip(panel.table["项目"], panel.table["拉动"], strict=True))
    assert pulled["新客户"] == "+27.3%" and pulled["未再下单"] == "-9.1%" and pulled["上月"] == ""
    assert "总增速 +10.0%" in panel.note
