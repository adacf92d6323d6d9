"""Orders that name no customer (a till or marketplace export): figures by order stay, customer ones say so.

The drivers' tiny dataset without its customers table and without ``orders.customer_id``:

2026-09: O1 (P1 10 × 10, P2 5 × 20), O2 (P1 2 × 10)   → 220
2026-10: O3 (P1 12 × 11, P3 1 × 50), O4 (P2 3 × 20)    → 242
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from tiny import ONE_MONTH_WARM_UP, write_tiny

from overview.helpers import SAMPLE, report, tables
from salesnb import angle, commission, drivers, market, overview, product
from salesnb.i18n import t
from salesnb.report import open_report


@pytest.fixture(scope="module")
def anonymous(tmp_path_factory):
    data = tables()
    data["orders"] = [{k: v for k, v in row.items() if k != "customer_id"} for row in data["orders"]]
    return write_tiny(tmp_path_factory.mktemp("anonymous"), tables=data, drop=("customers",))


@pytest.fixture(scope="module")
def rep(anonymous):
    return report(anonymous)


def test_each_order_is_its_own_unnamed_buyer(rep):
    orders = rep.ds["orders"]
    assert orders["customer_id"].tolist() == orders["order_id"].tolist()
    assert "customer_id" not in rep.ds.present_columns["orders"]
    assert not rep.buyers_named


def test_headline_keeps_order_figures_and_leaves_customer_ones_empty(rep):
    m = overview.headline_metrics(rep)
    assert (m["revenue"], m["orders"], m["aov"]) == (242.0, 2, 121.0)
    assert m["mom_growth"] == pytest.approx(0.1)
    assert m["customers"] is None and m["new_customers"] is None and m["repeat_customer_rate"] is None
    panel = overview.headline_panel(rep)
    assert t("buyers_unnamed", "zh") in panel.note
    shown = dict(zip(panel.table.iloc[:, 0], panel.table.iloc[:, 1], strict=True))
    assert shown[t("customers", "zh")] == "—" and shown[t("new_customers", "zh")] == "—"


def test_customer_rules_do_not_run_and_their_metrics_are_none(rep):
    codes = {rule.code for rule in angle.get("market").runnable_rules(rep.ds)}
    assert codes == {"channel_underperform", "region_underperform"}
    metrics = market.angle_metrics(rep)
    for key in ("new_customers", "buyers", "retention_rate", "repeat_purchase_rate", "top10_share", "hhi"):
        assert key in metrics and metrics[key] is None


@pytest.mark.parametrize(
    "panel",
    [
        market.new_customers_panel, market.retention_panel, market.rfm_panel, market.rfm_transition_panel,
        market.concentration_panel, market.clv_panel, market.clv_at_risk_panel, market.acquisition_cost_panel,
    ],
)  # fmt: skip
def test_customer_sections_say_the_column_is_missing(rep, panel):
    shown = panel(rep)
    assert shown.skipped and t("needs_buyers", "zh") in shown.note


def test_customer_type_composition_and_tiered_commission_are_skipped(rep):
    assert t("needs_buyers", "zh") in overview.composition_panel(rep, by="customer_type").note
    tiers = [{"from_order": 1, "to_order": 1, "rate": 0.1}, {"from_order": 2, "to_order": None, "rate": 0.05}]
    rep.config["commission"] = {"tiers": tiers, "count_when": "order"}
    try:
        assert t("needs_buyers", "zh") in commission.statement_panel(rep).note
    finally:
        del rep.config["commission"]


def test_bridge_splits_the_whole_change_by_product(rep):
    """No customer steps: volume (16 − 17) × 220/17, price (11 − 10) × 12 on P1, mix the rest; they add up to 22."""
    bridge = drivers.revenue_bridge(rep, "previous_month")
    assert bridge["step"].tolist() == ["baseline", "volume", "price", "mix", "period"]
    steps = bridge.set_index("step")["value"]
    assert steps["volume"] == pytest.approx(-220 / 17)
    assert steps["price"] == pytest.approx(12.0)
    assert steps["mix"] == pytest.approx(22 + 220 / 17 - 12)
    assert steps[["volume", "price", "mix"]].sum() == pytest.approx(steps["period"] - steps["baseline"])
    metrics = drivers.bridge_metrics(rep)
    assert metrics["bridge_new_customers"] is None and metrics["bridge_lost_customers"] is None
    assert t("drv_bridge_note_orders", "zh")[:12] in drivers.bridge_panel(rep).note


def test_tree_counts_orders_instead_of_buyers(rep):
    tree = drivers.revenue_tree(rep).set_index("node")
    assert "orders_per_buyer" not in tree.index
    assert tree.loc["buyers", "label"] == t("drv_node_orders", "zh")
    assert (tree.loc["buyers", "baseline"], tree.loc["buyers", "value"]) == (2, 2)
    first_level = tree.loc[["buyers", "order_value"], "contribution"].sum()
    assert first_level == pytest.approx(tree.loc["revenue", "contribution"]) and first_level == pytest.approx(22)


def test_named_buyers_keep_every_customer_figure(tmp_path):
    named = report(write_tiny(tmp_path, tables=tables()), config_path=ONE_MONTH_WARM_UP)
    assert named.buyers_named
    m = overview.headline_metrics(named)
    assert (m["customers"], m["new_customers"]) == (2, 1)
    assert "lost_customers" in drivers.revenue_bridge(named)["step"].tolist()


@pytest.fixture(scope="module")
def sample_pair(tmp_path_factory):
    """The bundled sample's orders with and without their customer column (and without the tables naming them)."""
    folder = tmp_path_factory.mktemp("anonymous_sample")
    for name in ("order_lines", "products", "reps", "targets", "returns"):
        shutil.copy(SAMPLE / f"{name}.csv", folder / f"{name}.csv")
    pd.read_csv(SAMPLE / "orders.csv", dtype=str).drop(columns="customer_id").to_csv(folder / "orders.csv", index=False)
    return str(SAMPLE), str(folder)


@pytest.mark.parametrize("region", ["ALL", "华东"])
def test_figures_by_order_are_the_named_datas_figures(sample_pair, region):
    named, anonymous = (open_report(data, "2026-10", region) for data in sample_pair)
    a, b = overview.headline_metrics(named), overview.headline_metrics(anonymous)
    for key in ("revenue", "orders", "aov", "mom_growth", "yoy_growth", "target", "ytd_revenue"):
        assert b[key] == a[key], key
    assert a["customers"] > 0 and b["customers"] is None
    lines = [product.line_frame(r).set_index("product_line")["revenue"] for r in (named, anonymous)]
    pd.testing.assert_series_equal(lines[0], lines[1])
    channels = [market.channel_frame(r).set_index("channel")["revenue"] for r in (named, anonymous)]
    pd.testing.assert_series_equal(channels[0], channels[1])
    bridge = drivers.revenue_bridge(anonymous).set_index("step")["value"]
    assert bridge["period"] == pytest.approx(a["revenue"]) and bridge["baseline"] == pytest.approx(
        a["revenue_prev_month"]
    )
    assert bridge.drop(["baseline", "period"]).sum() == pytest.approx(bridge["period"] - bridge["baseline"])


# ---- some orders without a customer (walk-in sales, guests): they count in revenue, not in customer figures


@pytest.fixture(scope="module")
def walk_in(tmp_path_factory):
    """The drivers' tiny data with O4 (C's 60 on 2026-10-31) recorded without a customer."""
    data = tables()
    data["orders"] = [{**row, "customer_id": "" if row["order_id"] == "O4" else row["customer_id"]}
                      for row in data["orders"]]  # fmt: skip
    return report(write_tiny(tmp_path_factory.mktemp("walk_in"), tables=data), config_path=ONE_MONTH_WARM_UP)


def test_orders_without_a_customer_count_in_revenue_and_not_as_buyers(walk_in):
    m = overview.headline_metrics(walk_in)
    assert (m["revenue"], m["orders"], m["customers"], m["new_customers"]) == (242.0, 2, 1, 0)
    assert m["repeat_customer_rate"] == 1.0
    note = overview.headline_panel(walk_in).note
    assert "本月 1 笔订单（销售额的 24.8%）没有记录客户" in note
    frame = overview.composition_frame(walk_in, "customer_type").set_index("segment")
    assert frame["revenue"].dropna().to_dict() == {"老客户": 182.0, "未记录客户": 60.0}
    # September is the toy's one-month warm-up: A and B not told apart (main called B new there), 0 unnamed
    assert frame["baseline_revenue"].dropna().to_dict() == {"新老未分": 220.0, "未记录客户": 0.0}


def test_the_bridge_gives_orders_without_a_customer_their_own_step(walk_in):
    """A continues (200 → 182), B is lost (−20); the unnamed order's 60 against none in September is one step."""
    steps = drivers.revenue_bridge(walk_in).set_index("step")["value"]
    assert (steps["baseline"], steps["period"]) == (220.0, 242.0)
    assert (steps["new_customers"], steps["returning_customers"], steps["lost_customers"]) == (0.0, 0.0, -20.0)
    assert steps["unnamed"] == 60.0
    assert steps[["volume", "price", "mix"]].sum() == pytest.approx(-18.0)
    assert steps.drop(["baseline", "period"]).sum() == pytest.approx(22.0)
    assert drivers.bridge_metrics(walk_in)["bridge_unnamed"] == 60.0
    assert drivers.bridge_panel(walk_in).note.endswith("它们不计入上面的客户各项。")


def test_the_tree_counts_an_order_without_a_customer_as_one_buyer_and_says_so(walk_in):
    tree = drivers.revenue_tree(walk_in).set_index("node")
    assert (tree.loc["buyers", "baseline"], tree.loc["buyers", "value"]) == (2, 2)  # A + B; A + the unnamed order
    assert "未记录客户" in tree.loc["buyers", "label"]
    assert tree.loc[["buyers", "orders_per_buyer", "order_value"], "contribution"].sum() == pytest.approx(22.0)


def test_commission_counts_an_order_without_a_customer_as_a_first_order(walk_in):
    tiers = [{"from_order": 1, "to_order": 1, "rate": 0.1}, {"from_order": 2, "to_order": None, "rate": 0.05}]
    walk_in.config["commission"] = {"tiers": tiers, "count_when": "order"}
    try:
        lines = commission.commission_lines(walk_in).set_index("order_id")
    finally:
        del walk_in.config["commission"]
    assert lines.loc["O4", "sequence"] == 1 and lines.loc["O4", "commission"] == pytest.approx(6.0)
    assert lines.loc["O3", "sequence"] == 2 and lines.loc["O3", "commission"] == pytest.approx(182 * 0.05)


@pytest.fixture(scope="module")
def sample_with_walk_ins(tmp_path_factory):
    """The bundled sample with every third order's customer left empty."""
    folder = tmp_path_factory.mktemp("walk_in_sample")
    for path in SAMPLE.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    orders = pd.read_csv(SAMPLE / "orders.csv", dtype=str)
    orders.loc[orders.index[::3], "customer_id"] = ""
    orders.to_csv(folder / "orders.csv", index=False)
    return str(folder)


@pytest.mark.parametrize("region", ["ALL", "华南"])
def test_walk_in_orders_keep_every_order_figure_and_one_count_of_buyers(sample_with_walk_ins, region):
    named, partial = open_report("", "2026-10", region), open_report(sample_with_walk_ins, "2026-10", region)
    a, b = overview.headline_metrics(named), overview.headline_metrics(partial)
    for key in ("revenue", "orders", "aov", "mom_growth", "ytd_revenue"):
        assert b[key] == a[key], key
    page = market.angle_metrics(partial)
    assert b["customers"] == page["buyers"] < a["customers"] and b["new_customers"] == page["new_customers"]
    bridge = drivers.revenue_bridge(partial).set_index("step")["value"]
    assert bridge["period"] == pytest.approx(a["revenue"])
    assert bridge.drop(["baseline", "period"]).sum() == pytest.approx(bridge["period"] - bridge["baseline"])
    types = overview.composition_frame(partial, "customer_type").set_index("segment")["revenue"]
    assert types.sum() == pytest.approx(a["revenue"]) and types["新客户"] == pytest.approx(bridge["new_customers"])


def test_validate_says_how_many_orders_have_no_customer(walk_in):
    from salesnb.data.summary import format_summary, summarize

    summary = summarize(walk_in.ds)
    assert summary["unnamed_orders"] == 1 and summary["buyers_named"]
    assert "! orders.customer_id：1 笔订单没有客户（散客、非会员）" in format_summary(summary)


def test_the_header_says_once_why_customer_sections_are_skipped(rep):
    """The reason and the remedy stand under the header; each skipped section only points to it."""
    from salesnb.header import header_markdown

    head = header_markdown(rep)
    assert head.count(t("buyers_note", "zh")) == 1
    note = market.retention_panel(rep).note
    assert note == t("needs_buyers", "zh") and len(note) < len(t("buyers_note", "zh")) / 2


def test_a_sample_with_customers_has_no_such_note():
    from salesnb.header import header_markdown

    assert t("buyers_note", "zh") not in header_markdown(open_report(SAMPLE, "2026-09", "ALL"))
