import math
from pathlib import Path

import pandas as pd
import pytest
from tiny import write_tiny

from salesnb import drivers, overview
from salesnb.errors import ParameterError
from salesnb.report import open_report

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def tables():
    """A buys in both months, B only in 2026-09 (lost), C only in 2026-10 (new).

    2026-09: O1 A (P1 10 × 10, P2 5 × 20), O2 B (P1 2 × 10)          → 220
    2026-10: O3 A (P1 12 × 11, P3 1 × 50), O4 C (P2 3 × 20, channel 电商) → 242
    """
    return {
        "customers": [
            {"customer_id": "A", "region": "华东", "employee_count": 600},
            {"customer_id": "B", "region": "华东", "employee_count": 10},
            {"customer_id": "C", "region": "华东", "employee_count": 100},
        ],
        "products": [
            {"product_id": "P1", "product_name": "甲", "product_line": "L1"},
            {"product_id": "P2", "product_name": "乙", "product_line": "L2"},
            {"product_id": "P3", "product_name": "丙", "product_line": "L1"},
        ],
        "reps": [
            {"rep_id": "R1", "rep_name": "张三", "region": "华东"},
            {"rep_id": "R2", "rep_name": "李四", "region": "华东"},
        ],
        "orders": [
            order("O1", "A", "2026-09-03", "R1", "直营"),
            order("O2", "B", "2026-09-04", "R1", "直营"),
            order("O3", "A", "2026-10-03", "R1", "直营"),
            order("O4", "C", "2026-10-04", "R2", "电商"),
        ],
        "order_lines": [
            {"order_id": "O1", "product_id": "P1", "quantity": 10, "unit_price": 10},
            {"order_id": "O1", "product_id": "P2", "quantity": 5, "unit_price": 20},
            {"order_id": "O2", "product_id": "P1", "quantity": 2, "unit_price": 10},
            {"order_id": "O3", "product_id": "P1", "quantity": 12, "unit_price": 11},
            {"order_id": "O3", "product_id": "P3", "quantity": 1, "unit_price": 50},
            {"order_id": "O4", "product_id": "P2", "quantity": 3, "unit_price": 20},
        ],
        "targets": [
            {"period": "2026-10", "target_amount": 300, "region": "华东", "rep_id": "", "product_line": ""},
            {"period": "2026-10", "target_amount": 200, "region": "", "rep_id": "R1", "product_line": ""},
            {"period": "2026-10", "target_amount": 150, "region": "华东", "rep_id": "", "product_line": "L1"},
            {"period": "2026-10", "target_amount": 100, "region": "华东", "rep_id": "", "product_line": "L2"},
        ],
    }  # fmt: skip


def order(order_id, customer, day, rep, channel):
    return {"order_id": order_id, "customer_id": customer, "order_date": day, "region": "华东", "rep_id": rep,
            "channel": channel}  # fmt: skip


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return write_tiny(tmp_path_factory.mktemp("drivers"), tables=tables())


def report(folder, region="华东", period="2026-10", **kw):
    return open_report(str(folder), period, region, **kw)


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


def test_driver_table_hand_computed(tiny):
    table = drivers.driver_table(report(tiny))
    channel = table[table["dimension"] == "channel"].set_index("segment")
    assert channel.loc["直营", "gap"] == -38 and channel.loc["电商", "gap"] == 60
    # orders 2 -> 2; baseline revenue per order 110 (电商 had none: the dimension's 110)
    assert channel.loc["直营", "volume"] == pytest.approx(0.0)
    assert channel.loc["直营", "mix"] == pytest.approx(1 * 110 - 220)
    assert channel.loc["直营", "rate"] == pytest.approx(182 - 110)
    assert channel.loc["电商", "mix"] == pytest.approx(110) and channel.loc["电商", "rate"] == pytest.approx(-50)
    # no channel targets: the region's 300 split by baseline shares (直营 all of it); needed orders 300 / 110
    assert channel.loc["直营", "target"] == 300 and channel.loc["直营", "target_source"] == "allocated"
    scale = 2 / (300 / 110)
    assert channel.loc["直营", "target_volume"] == pytest.approx((scale - 1) * 300)
    assert channel.loc["直营", "target_mix"] == pytest.approx(110 - scale * 300)
    assert channel.loc["直营", "target_rate"] == pytest.approx(72)

    lines = table[table["dimension"] == "product_line"].set_index("segment")
    # orders containing the line: L1 2 -> 1 (revenue 120 -> 182), L2 1 -> 1 (100 -> 60)
    assert lines.loc["L1", "volume"] == pytest.approx((2 / 3 - 1) * 120)
    assert lines.loc["L1", "mix"] == pytest.approx(60 - (2 / 3) * 120)
    assert lines.loc["L1", "rate"] == pytest.approx(182 - 60)
    assert lines.loc["L2", "rate"] == pytest.approx(60 - 100)
    # line targets 150 + 100 leave 50 of the region's 300 unallocated: a row of its own
    assert lines.loc["L1", "target"] == 150 and lines.loc[drivers.UNALLOCATED, "target"] == 50
    assert lines.loc[drivers.UNALLOCATED, "label"] == "未分解的目标"
    needed = 150 / 60 + 100 / 100 + 50 / (220 / 3)
    assert lines.loc["L1", "target_volume"] == pytest.approx((2 / needed - 1) * 150)

    reps = table[table["dimension"] == "rep_id"].set_index("segment")
    assert reps.loc["R1", "label"] == "张三" and reps.loc["R2", "target"] == 0
    assert set(table["dimension"]) == {"product_line", "channel", "rep_id", "size_band"}  # region only for ALL
    bands = table[table["dimension"] == "size_band"].set_index("segment")
    assert bands.loc["200–999", "baseline_revenue"] == 200 and bands.loc["<50", "revenue"] == 0
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert table.iloc[0]["gap"] == table["gap"].max()  # revenue rose: the largest rise first


def test_driver_parts_add_up_per_dimension(tiny):
    table = drivers.driver_table(report(tiny))
    for _, part in table.groupby("dimension"):
        assert part["gap"].sum() == pytest.approx(22, abs=1e-9)
        assert part["target_gap"].sum() == pytest.approx(242 - 300, abs=1e-9)
        assert (part[["volume", "mix", "rate"]].sum(axis=1) - part["gap"]).abs().max() < 1e-9
        assert (
            part[["target_volume", "target_mix", "target_rate"]].sum(axis=1) - part["target_gap"]
        ).abs().max() < 1e-9


def test_size_band_labels():
    assert drivers.size_band_labels([0, 50, 200, 1000]) == ["<50", "50–199", "200–999", "≥1000"]
    assert drivers.size_band_labels([10, 100]) == ["10–99", "≥100"]


def test_baselines_outside_the_data_and_bad_names(tiny):
    r = report(tiny)
    assert drivers.revenue_bridge(r, "same_month_last_year").empty
    assert drivers.revenue_tree(r, "same_month_last_year").empty
    assert drivers.driver_table(r, "same_month_last_year").empty
    assert "去年同月" in drivers.bridge_panel(r, "same_month_last_year").note
    # the trailing months the data covers (only 2026-09) make the same bridge as last month
    pd.testing.assert_series_equal(
        drivers.revenue_bridge(r, "trailing_avg")["value"], drivers.revenue_bridge(r)["value"]
    )
    with pytest.raises(ParameterError, match="baseline"):
        drivers.revenue_bridge(r, "last_week")
    with pytest.raises(ParameterError, match="against"):
        drivers.driver_panel(r, against="plan")


def test_panels_in_english(tiny):
    r = report(tiny, lang="en")
    bridge = drivers.bridge_panel(r)
    assert bridge.figure is not None and "New buyers" in set(bridge.table["Step"])
    tree = drivers.tree_panel(r)
    assert tree.figure is not None and "Contribution to the change" in tree.table.columns
    for against in ("baseline", "target"):
        panel = drivers.driver_panel(r, against=against)
        assert panel.figure is not None and "Gap to target" in panel.table.columns
    assert "LMDI" in tree.note


# ------------------------------------------------------------------------------------------ the sample


SCOPES = [("ALL", "2026-10"), ("华南", "2026-10"), ("西南", "2026-03"), ("华北", "2025-12"), ("ALL", "2026-02")]


@pytest.mark.parametrize(("region", "period"), SCOPES)
def test_sample_splits_add_up_exactly(sample, region, period):
    r = open_report(str(SAMPLE), period, region, dataset=sample)
    head = overview.headline_metrics(r)
    for baseline in drivers.BASELINES:
        bridge = drivers.revenue_bridge(r, baseline)
        if bridge.empty:
            continue
        values = bridge.set_index("step")["value"]
        total = values["period"] - values["baseline"]
        tol = 1e-9 * max(values["period"], values["baseline"])
        assert values.drop(["baseline", "period"]).sum() == pytest.approx(total, abs=tol)
        assert values["period"] == pytest.approx(head["revenue"])
        if baseline == "previous_month":
            assert values["baseline"] == pytest.approx(head["revenue_prev_month"])
        if baseline == "trailing_avg":
            assert values["baseline"] == pytest.approx(head["revenue_trailing_avg"])

        tree = drivers.revenue_tree(r, baseline).set_index("node")["contribution"]
        assert tree[["buyers", "orders_per_buyer", "order_value"]].sum() == pytest.approx(total, abs=tol)
        assert tree[["units_per_order", "price_per_unit"]].sum() == pytest.approx(tree["order_value"], abs=tol)

        table = drivers.driver_table(r, baseline)
        expected = {"product_line", "channel", "rep_id", "size_band"} | ({"region"} if region == "ALL" else set())
        assert set(table["dimension"]) == expected
        for _, part in table.groupby("dimension"):
            assert part["gap"].sum() == pytest.approx(total, abs=tol)
            assert (part[["volume", "mix", "rate"]].sum(axis=1) - part["gap"]).abs().max() < tol
            assert part["target_gap"].sum() == pytest.approx(head["revenue"] - head["target"], abs=tol)
            parts = part[["target_volume", "target_mix", "target_rate"]].sum(axis=1)
            assert (parts - part["target_gap"]).abs().max() < tol


def test_sample_panels_render(sample):
    r = open_report(str(SAMPLE), "2026-10", "ALL", dataset=sample)
    for panel in (drivers.bridge_panel(r), drivers.tree_panel(r), drivers.driver_panel(r)):
        assert panel.figure is not None and not panel.table.empty and panel.note
    top = drivers.driver_table(r).iloc[0]
    assert top["gap"] < 0  # revenue fell in 2026-10: the largest fall ranks first
