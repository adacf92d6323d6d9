import pandas as pd
import pytest
from tiny import ONE_MONTH_WARM_UP, write_tiny

from overview.helpers import SAMPLE, report, tables
from salesnb import drivers, overview
from salesnb.errors import ParameterError
from salesnb.report import open_report


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return write_tiny(tmp_path_factory.mktemp("drivers"), tables=tables())


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


def test_baseline_months_and_names(tiny):
    r = report(tiny)
    assert drivers.baseline_months(r) == ["2026-09"]
    assert drivers.baseline_months(r, "trailing_avg") == ["2026-09"]  # 2026-07 and 2026-08 are before the data
    assert drivers.baseline_months(r, "same_month_last_year") == []
    assert drivers.baseline_label("trailing_avg", "en") == "Trailing 3-month avg"
    assert drivers.baseline_label("trailing_avg", "zh", 6) == "近6月月均"  # the configured window, not a fixed 3


def test_panels_in_english(tiny):
    r = report(tiny, lang="en", config_path=ONE_MONTH_WARM_UP)  # C, first seen in the toy's second month, is new
    bridge = drivers.bridge_panel(r)
    assert bridge.figure is not None and "New customers" in set(bridge.table["Step"])
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
